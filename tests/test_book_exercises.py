"""Every exercise list of the book ends with its hints, in both editions, one hint per exercise."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from translation_tools.edition import edition_markdown
from translation_tools.parse import parse_file

DOCS = Path(__file__).resolve().parent.parent / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "## Exercises" in p.read_text(encoding="utf-8"))
HEADINGS = {"en": ("## Exercises", '??? tip "Hints"'), "vi": ("## Bài tập", '??? tip "Gợi ý"')}


def numbered(lines: list[str], indent: str = "") -> int:
    return sum(1 for line in lines if re.match(rf"^{indent}\d+\. ", line))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
@pytest.mark.parametrize("edition", ["en", "vi"])
def test_exercises_end_with_one_hint_each(page, edition):
    text = edition_markdown(parse_file(page), edition)
    heading, hints = HEADINGS[edition]
    assert heading in text, f"{page}: no {heading!r} in the {edition} edition"
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    assert hints in section, f"{page}: the exercises have no {hints!r} block in the {edition} edition"
    exercises, hint_block = section.split(hints, 1)
    asked = numbered(exercises.splitlines())
    answered = numbered(hint_block.splitlines(), "    ")
    assert asked >= 2 and answered == asked, f"{page} ({edition}): {asked} exercises, {answered} hints"
