"""The notation page (docs/notation.md) against the chapters: every symbol of their display
formulas is in its tables, no symbol has two rows, and the chapters follow its conventions."""

import re
from collections import Counter
from pathlib import Path

import pytest

from translation_tools.parse import parse_file
from translation_tools.syntax import LABEL_DIRECTIVE, REFERENCE

DOCS = Path(__file__).parent.parent / "docs"
NOTATION = DOCS / "notation.md"
CHAPTERS = sorted(DOCS.glob("chapter_*/*.md"))

# A bold letter with what turns it into another symbol: a decoration over it (\tilde, an arrow)
# and, for weights and biases, the subscript that says what they connect (\mathbf{W}_{xh}).
BOLD = re.compile(
    r"(?P<deco>\\(?:tilde|hat|bar|overrightarrow|overleftarrow)\{\s*)?"
    r"\\(?:mathbf|boldsymbol)\{(?P<letter>\\?[A-Za-z]+)\}"
)
SUBSCRIPT = re.compile(r"_(?:\{(?P<group>[^{}]*)\}|(?P<char>\\?[A-Za-z0-9]))")
GREEK = re.compile(
    r"\\(alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|upsilon"
    r"|phi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Upsilon|Phi|Psi|Omega|ell)(?![A-Za-z])"
)
INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]+)\$(?!\$)")
# A weight matrix applied from the left to a vector: the column-vector convention the book avoids.
WEIGHT_THEN_VECTOR = re.compile(
    r"\\mathbf\{W\}(?:_\{[^{}]*\}|_[A-Za-z])?(?:\^\{?\([a-z0-9]+\)\}?)?\s*"
    r"(?:\\(?:mathbf|boldsymbol)\{[a-z\\]|\\begin\{bmatrix\})"
)


def symbol_keys(latex: str) -> set[str]:
    """The bold symbols of a formula, as ``\\tilde\\mathbf{H}`` or ``\\mathbf{W}_{xh}``."""
    keys = set()
    for found in BOLD.finditer(latex):
        key = (f"\\{found['deco'].strip()[1:-1]}" if found["deco"] else "") + f"\\mathbf{{{found['letter']}}}"
        if found["letter"] in ("W", "b", "w"):
            sub = SUBSCRIPT.match(latex, found.end())
            if sub:
                key += "_{" + re.sub(r"\s+", "", sub["group"] if sub["group"] is not None else sub["char"]) + "}"
        keys.add(key)
    return keys


def display_math(path: Path) -> list[tuple[int, str]]:
    """(line, LaTeX) of every display formula of a page, as the model of the page sees them."""
    return [
        (block.start, block.text.strip().strip("$"))
        for block in parse_file(path).blocks_of("math")
        if block.text.lstrip().startswith("$$")
    ]


def table_rows(path: Path) -> list[str]:
    """The first cell of every table row of the Vietnamese text (the English tables are the same)."""
    rows = []
    for segment in parse_file(path).segments():
        for line in segment.translation.split("\n"):
            cells = line.strip().strip("|").split("|")
            if line.lstrip().startswith("|") and "$" in cells[0]:
                rows.append(cells[0])
    return rows


def test_the_notation_page_has_tables_to_check():
    assert len(table_rows(NOTATION)) > 80


def test_every_reference_of_the_notation_page_exists():
    labels = {
        value
        for page in DOCS.rglob("*.md")
        for value in (m.group(2) for m in LABEL_DIRECTIVE.finditer(page.read_text(encoding="utf-8")))
    }
    references = {
        m.group(2)
        for m in REFERENCE.finditer(NOTATION.read_text(encoding="utf-8"))
        if m.group(1) in ("numref", "eqref")
    }
    assert references and references <= labels, sorted(references - labels)


def test_every_bold_symbol_and_greek_letter_of_the_chapters_formulas_is_in_a_table():
    listed = " ".join(table_rows(NOTATION))
    bold, greek = symbol_keys(listed), set(GREEK.findall(listed))
    missing = []
    for page in CHAPTERS:
        for line, latex in display_math(page):
            where = f"{page.relative_to(DOCS)}:{line}"
            missing += [f"{where}: {key}" for key in sorted(symbol_keys(latex) - bold)]
            missing += [f"{where}: \\{name}" for name in sorted(set(GREEK.findall(latex)) - greek)]
    assert not missing, "symbols missing from docs/notation.md:\n" + "\n".join(missing)


def test_no_symbol_has_two_rows():
    symbols = Counter(symbol.strip() for row in table_rows(NOTATION) for symbol in INLINE_MATH.findall(row))
    assert [symbol for symbol, rows in symbols.items() if rows > 1] == []


@pytest.mark.parametrize("page", CHAPTERS, ids=lambda page: str(page.relative_to(DOCS)))
def test_chapters_follow_the_row_vector_convention(page):
    """Minibatches are (m, ...) with m the batch size, and weights multiply vectors from the right."""
    text = page.read_text(encoding="utf-8")
    formulas = [latex for _, latex in display_math(page)] + INLINE_MATH.findall(text)
    assert [f for f in formulas if re.search(r"\\mathbb\{R\}\^\{n\s*\\times", f)] == []
    assert [f for f in formulas if WEIGHT_THEN_VECTOR.search(f)] == []
