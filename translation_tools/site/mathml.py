"""LaTeX to MathML at build time (latex2mathml), so a page needs no client-side typesetting."""

from __future__ import annotations

import functools
import html
import re

# Arithmatex's generic output, which the page's inline math becomes.
INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.DOTALL)
BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.DOTALL)
ENTITY = re.compile(r"&#x([0-9A-Fa-f]+);")
UNKNOWN = re.compile(r"<m[io]>(\\[A-Za-z]+)</m[io]>")
# latex2mathml writes \mathop{\mathrm{argmax}} as markup inside an <mo>, a token element that
# holds text only: an HTML parser (a browser's, the sanitiser's) reads that markup as HTML.
OPERATOR_WITH_MARKUP = re.compile(r"<mo(?:\s[^>]*)?>(<mrow>.*?</mrow>)</mo>", re.DOTALL)
# Environments latex2mathml lays out badly, mapped to ones it handles.
REWRITES = [
    (re.compile(r"\\(begin|end)\{(aligned|align|alignat|eqnarray)\*?\}"), r"\\\1{align*}"),
    (re.compile(r"\\begin\{(gathered|gather)\*?\}"), r"\\begin{array}{c}"),
    (re.compile(r"\\end\{(gathered|gather)\*?\}"), r"\\end{array}"),
    (re.compile(r"\\(begin|end)\{(equation|displaymath)\*?\}"), ""),
    (re.compile(r"\\(nonumber|notag)\b|\\label\{[^}]*\}"), ""),
]


class MathError(ValueError):
    """LaTeX that cannot become MathML; the message says what to fix."""


@functools.lru_cache(maxsize=20_000)
def to_mathml(latex: str, display: bool) -> str:
    """MathML for ``latex``; cached (bounded), since both editions hold the same formulas."""
    return _convert(latex, display)


def _convert(latex: str, display: bool) -> str:
    from latex2mathml.converter import convert

    source = latex.strip()
    for pattern, replacement in REWRITES:
        source = pattern.sub(replacement, source)
    depth = 0
    for position, char in enumerate(source):
        if char in "{}" and (position == 0 or source[position - 1] != "\\"):
            depth += 1 if char == "{" else -1
            if depth < 0:
                raise MathError(f"unbalanced '}}' in ${latex}$: remove it or add the matching '{{'")
    if depth:
        raise MathError(f"unbalanced '{{' in ${latex}$: close the group with '}}'")
    try:
        mathml = convert(source, display="block" if display else "inline")
    except Exception as error:  # latex2mathml raises many types, all meaning "bad LaTeX"
        raise MathError(
            f"cannot convert ${latex}$ to MathML ({type(error).__name__}: {error}): fix the LaTeX"
        ) from None
    unknown = UNKNOWN.search(mathml)
    if unknown:
        raise MathError(f"unknown LaTeX command {unknown.group(1)} in ${latex}$: use a command latex2mathml knows")
    # Literal characters instead of &#x…; entities (pages get ~30% lighter); HTML needs no xmlns.
    mathml = ENTITY.sub(lambda m: _literal(int(m.group(1), 16), m.group(0)), mathml)
    mathml = mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "", 1)
    mathml = OPERATOR_WITH_MARKUP.sub(r"\1", mathml)
    # Formulas are not prose: keep them out of the search index.
    return mathml.replace("<math ", '<math data-search-exclude="1" ', 1)


def _literal(code: int, entity: str) -> str:
    return entity if chr(code) in "<>&\"'" else chr(code)


def convert_html(page_html: str, on_error) -> str:
    """Replace arithmatex's ``\\( \\)`` / ``\\[ \\]`` spans with MathML.

    ``on_error(latex, MathError)`` is called for a formula that does not convert; it
    should raise (the plugin turns it into ``file:line``).
    """

    def replace(match: re.Match[str], display: bool) -> str:
        latex = html.unescape(match.group(1))
        try:
            return to_mathml(latex, display)
        except MathError as error:
            on_error(latex, error)
            return match.group(0)

    page_html = BLOCK.sub(lambda m: f'<div class="tt-math">{replace(m, True)}</div>', page_html)
    return INLINE.sub(lambda m: replace(m, False), page_html)
