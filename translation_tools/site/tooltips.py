"""The first occurrence of each glossary term on a page gets ``<abbr class="tt-term" data-tip="English">``.

The tip shows as a popover (book.css) on hover, keyboard focus and tap (book.js makes the term
focusable). Where the page already gives the other language in parentheses right after the
term, "trạng thái ẩn (*hidden state*)", the term gets no tip: it would say the same thing twice.
"""

from __future__ import annotations

import html
import re
import unicodedata

# Formulas and code blocks are opaque chunks: most of a page's tags are MathML.
SPLIT = re.compile(r"(<math\b.*?</math>|<pre\b.*?</pre>|<[^>]+>)", re.DOTALL)
# Text inside these elements is never annotated.
SKIP = {
    "code",
    "pre",
    "math",
    "a",
    "abbr",
    "script",
    "style",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "summary",
    "details",
    "figcaption",
    "button",
    "kbd",
    "svg",
    "textarea",
    "title",
}
VOID = {"br", "img", "hr", "input", "meta", "link", "wbr", "source", "col", "area", "base", "embed", "track"}


def compile_terms(pairs: list[tuple[str, str]], plural: bool = False) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """A regex matching any shown term (longest first) and the tooltip for each.

    ``plural``: also match English plurals ("hidden states"), tooltip on the whole word.
    """
    tips: dict[str, str] = {}
    for shown, tip in pairs:
        shown = unicodedata.normalize("NFC", shown.strip())
        if shown and tip and shown.lower() != tip.strip().lower():
            tips.setdefault(shown.lower(), tip.strip())
    if not tips:
        return None
    alternatives = sorted(tips, key=len, reverse=True)
    suffix = r"(?:e?s)?" if plural else ""
    pattern = re.compile(
        r"(?<!\w)(" + "|".join(re.escape(term) for term in alternatives) + r")" + suffix + r"(?!\w)", re.IGNORECASE
    )
    return pattern, tips


def annotate(page_html: str, compiled, skip_lang: str | None = None) -> str:
    """Wrap the first occurrence of each term in text outside code, links, headings, math.

    ``skip_lang``: also leave alone elements marked with this ``lang`` (the English
    fallback paragraphs of the Vietnamese edition).
    """
    if compiled is None:
        return page_html
    pattern, tips = compiled
    seen: set[str] = set()
    stack: list[tuple[str, bool]] = []  # (tag, skipping)
    out = []
    parts = SPLIT.split(page_html)
    for position, part in enumerate(parts):
        if part.startswith(("<math", "<pre")):
            out.append(part)
            continue
        if part.startswith("<"):
            _track(part, stack, skip_lang)
            out.append(part)
            continue
        if not part or (stack and stack[-1][1]):
            out.append(part)
            continue
        following = "".join(p for p in parts[position + 1 : position + 8] if not p.startswith("<"))
        out.append(_replace(unicodedata.normalize("NFC", part), pattern, tips, seen, following))
    return "".join(out)


def _track(tag: str, stack: list[tuple[str, bool]], skip_lang: str | None) -> None:
    if tag.startswith(("<!--", "<!")):
        return
    match = re.match(r"</?\s*([a-zA-Z0-9]+)", tag)
    if not match:
        return
    name = match.group(1).lower()
    if tag.startswith("</"):
        for position in range(len(stack) - 1, -1, -1):
            if stack[position][0] == name:
                del stack[position:]
                break
        return
    if name in VOID or tag.endswith("/>"):
        return
    skipping = bool(stack and stack[-1][1]) or name in SKIP or "data-search-exclude" in tag
    if skip_lang and f'lang="{skip_lang}"' in tag:
        skipping = True
    stack.append((name, skipping))


def _replace(text: str, pattern: re.Pattern[str], tips: dict[str, str], seen: set[str], following: str = "") -> str:
    def wrap(match: re.Match[str]) -> str:
        key = match.group(1).lower()
        if key in seen:
            return match.group(0)
        seen.add(key)
        if _glossed(text[match.end() :] + following, tips[key]):
            return match.group(0)  # "(hidden state)" follows: the reader has it already
        return f'<abbr class="tt-term" data-tip="{html.escape(tips[key])}">{match.group(0)}</abbr>'

    return pattern.sub(wrap, text)


GLOSS = re.compile(r"\s*[(（]\s*(?:(?:tiếng anh|english|en|vi|tiếng việt)\s*:\s*)?[\"“'‘*_]*", re.IGNORECASE)


def _glossed(after: str, tip: str) -> bool:
    """Whether ``after`` (the text right after a term) starts with ``tip`` in parentheses."""
    match = GLOSS.match(after)
    if match is None:
        return False
    rest = unicodedata.normalize("NFC", after[match.end() :]).lower()
    return rest.startswith(unicodedata.normalize("NFC", tip.strip()).lower())
