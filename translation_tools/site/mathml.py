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
# Display math: an operator with a subscript (\max_x, \operatorname*{argmax}_y, \lim_{n}) gets its
# limits under it, as TeX sets them; latex2mathml writes <msub>, which puts them on the side.
LIMITS_SUB = re.compile(r"<msub><mo(?P<attrs>[^>]*)>(?P<op>[^<]+)</mo>")
LIMITS_SUBSUP = re.compile(r"<msubsup><mo(?P<attrs>[^>]*)>(?P<op>[^<]+)</mo>")
LIMIT_OPERATORS = {"max", "min", "lim", "sup", "inf", "argmax", "argmin", "∑", "∏", "⋃", "⋂", "∐", "⨁", "⨂"}
# \log P: TeX's thin space between a function name and its argument, unless "(" follows.
FUNCTION_NAME = re.compile(
    r"(<mi>(?:log|ln|exp|sin|cos|tan|tanh|sinh|cosh|det|dim|arg|deg|lg|ker)</mi>"
    r"|<msub><mi>(?:log|ln|lg)</mi>(?:<m[ion][^>]*>[^<]*</m[ion]>|<mrow>(?:(?!</mrow>).)*</mrow>)</msub>)"
    r"(?=<(?!mo\b[^>]*>[(\[|{]|/))",
    re.DOTALL,
)
THIN_SPACE = '<mspace width="0.1667em"></mspace>'
# h': latex2mathml raises the prime into a superscript, but the prime glyph is raised already.
PRIME = re.compile(r"<msup>(<m[ion][^>]*>[^<]*</m[ion]>)<m[io]>([′″‴]+)</m[io]></msup>")


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
    mathml = typeset(mathml, display)
    # Formulas are not prose: keep them out of the search index.
    return mathml.replace("<math ", '<math data-search-exclude="1" ', 1)


def typeset(mathml: str, display: bool) -> str:
    """Closer to TeX: limits under operators in display math, thin space after function names,
    primes not raised twice."""
    if display:

        def limits(match: re.Match[str], tag: str) -> str:
            if match.group("op").strip() not in LIMIT_OPERATORS:
                return match.group(0)
            return f"<{tag}><mo{match.group('attrs')}>{match.group('op')}</mo>"

        for pattern, old, new in ((LIMITS_SUB, "msub", "munder"), (LIMITS_SUBSUP, "msubsup", "munderover")):
            mathml = _retag(mathml, pattern, old, new, limits)
    mathml = FUNCTION_NAME.sub(lambda match: match.group(1) + THIN_SPACE, mathml)
    return PRIME.sub(r'<mrow>\1<mo lspace="0" rspace="0">\2</mo></mrow>', mathml)


def _retag(mathml: str, pattern: re.Pattern[str], old: str, new: str, opening) -> str:
    """Rename each element ``old`` whose start ``pattern`` matches (and ``opening`` accepts) to ``new``,
    with its matching end tag."""
    out = []
    position = 0
    while True:
        match = pattern.search(mathml, position)
        if match is None:
            out.append(mathml[position:])
            return "".join(out)
        replaced = opening(match, new)
        if replaced == match.group(0):
            out.append(mathml[position : match.end()])
            position = match.end()
            continue
        end = _matching_end(mathml, match.start(), old)
        if end is None:
            out.append(mathml[position : match.end()])
            position = match.end()
            continue
        out.append(mathml[position : match.start()] + replaced)
        inner = _retag(mathml[match.end() : end], pattern, old, new, opening)
        out.append(inner + f"</{new}>")
        position = end + len(f"</{old}>")


def _matching_end(mathml: str, start: int, tag: str) -> int | None:
    """Index of the ``</tag>`` closing the element that starts at ``start``."""
    depth = 0
    for match in re.finditer(rf"<(/?){tag}>", mathml[start:]):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return start + match.start()
    return None


def wrap_display(page_html: str) -> str:
    """Each display formula in a scroll box of its own, so a wide one scrolls while its number
    stays in view (book.js marks the boxes that overflow, and the CSS shows a hint)."""
    page_html = DISPLAY_MATH.sub(r'\1<div class="tt-math-scroll">\2</div>', page_html)
    # An equation's number alone is no search snippet.
    return page_html.replace('<span class="tt-eqno">', '<span class="tt-eqno" data-search-exclude="1">')


DISPLAY_MATH = re.compile(r'(<div class="tt-math"[^>]*>)(<math\b[^>]*display="block".*?</math>)', re.DOTALL)


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
    return wrap_display(INLINE.sub(lambda m: replace(m, False), page_html))
