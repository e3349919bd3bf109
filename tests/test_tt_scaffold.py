"""``scaffold`` and ``scaffold --update``: skeleton golden file and the update scenario."""

from __future__ import annotations

from pathlib import Path

from conftest import assert_golden, run_tools

from translation_tools.document import OUTDATED_MARKER
from translation_tools.parse import parse, parse_file
from translation_tools.scaffold import scaffold
from translation_tools.update import update
from translation_tools.write import write

FIXTURES = Path(__file__).parent / "fixtures" / "scaffold"

OLD_ENGLISH = """# Title

A paragraph that stays the same.

A paragraph that will be reworded slightly in the next version of the page.

A paragraph that will disappear.

Untranslated paragraph that will change a lot.

```python
x = 1
```
"""

NEW_ENGLISH = """# Title

A paragraph that stays the same.

A paragraph that was reworded slightly in the next version of this page.

A brand new paragraph.

Completely different words now.

```python
x = 2
```
"""

TRANSLATIONS = {
    "# *dịch tiêu đề phía trên*": "# Tiêu đề",
}


def translated_page() -> str:
    page = scaffold(parse(OLD_ENGLISH, "old.md"))
    slots = iter(["Một đoạn giữ nguyên.", "Một đoạn sẽ được viết lại.", "Một đoạn sẽ biến mất."])
    lines = []
    for line in page.split("\n"):
        if line == "*dịch đoạn phía trên*" and len(lines) and "Untranslated" not in "\n".join(lines[-4:]):
            line = next(slots)
        lines.append(TRANSLATIONS.get(line, line))
    return "\n".join(lines)


def test_scaffold_golden():
    english = parse_file(FIXTURES / "english.md")
    text = scaffold(english, revision="d2l-en@abc123")
    assert_golden(FIXTURES / "expected.md", text)
    doc = parse(text)
    assert write(doc) == text
    stats = doc.stats()
    assert (stats.segments, stats.untranslated) == (9, 9)
    assert doc.front_matter["source_revision"] == "d2l-en@abc123"
    kinds = [b.kind for b in doc.blocks if b.kind not in ("blank", "segment")]
    assert kinds == ["front_matter", "label", "math", "label", "label", "label", "code", "toc", "contributors"]


def test_update_keeps_changes_marks_adds_and_removes():
    existing = parse(translated_page(), "page.md")
    assert existing.stats().translated == 4
    text, report = update(existing, parse(NEW_ENGLISH, "new.md"), revision="rev2")
    doc = parse(text, "page.md")
    by_english = {seg.english: seg for seg in doc.segments()}
    assert by_english["A paragraph that stays the same."].translation == "Một đoạn giữ nguyên."
    assert by_english["A paragraph that stays the same."].state == "translated"
    reworded = by_english["A paragraph that was reworded slightly in the next version of this page."]
    assert (reworded.translation, reworded.state) == ("Một đoạn sẽ được viết lại.", "outdated")
    assert OUTDATED_MARKER in text
    assert by_english["A brand new paragraph."].state == "untranslated"
    assert by_english["Completely different words now."].state == "untranslated"
    assert "x = 2" in text and "x = 1" not in text
    assert (report.kept, report.outdated, report.new) == (2, 1, 2)
    assert [seg.translation for seg in report.removed] == ["Một đoạn sẽ biến mất."]
    assert "Một đoạn sẽ biến mất." in text  # never lost: kept in a removed: comment
    assert "Một đoạn sẽ biến mất." not in [seg.translation for seg in doc.segments()]
    assert doc.front_matter == {"source_revision": "rev2"}


def test_update_twice_is_stable():
    existing = parse(translated_page(), "page.md")
    once, _ = update(existing, parse(NEW_ENGLISH, "new.md"))
    twice, report = update(parse(once, "page.md"), parse(NEW_ENGLISH, "new.md"))
    assert twice == once
    assert report.removed == []


def test_update_cli_writes_in_place_and_reports_removed(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(translated_page(), encoding="utf-8")
    new = tmp_path / "new.md"
    new.write_text(NEW_ENGLISH, encoding="utf-8")
    result = run_tools("scaffold", "--update", page, new)
    assert result.returncode == 0, result.stderr
    assert "removed: the English 'A paragraph that will disappear.…'" in result.stderr
    assert "2 kept, 1 outdated, 2 new, 0 moved, 1 removed" in result.stderr
    assert parse_file(page).stats().outdated == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.md", "page.md"]


def test_scaffold_rejects_comment_closer_in_english(tmp_path):
    english = tmp_path / "en.md"
    english.write_text("Intro.\n\nAn arrow --> here.\n", encoding="utf-8")
    out = tmp_path / "out.md"
    result = run_tools("scaffold", english, "-o", out)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"{english}:3: the English contains '-->'")
    assert not out.exists()


def test_scaffold_passes_d2lbook_tab_markers_through():
    english = parse(":begin_tab:`pytorch`\nPyTorch keeps the state in a tensor.\n:end_tab:\n", "en.md")
    text = scaffold(english)
    assert text.startswith(
        ":begin_tab:`pytorch`\n\n<!--\nPyTorch keeps the state in a tensor.\n-->\n\n*dịch đoạn phía trên*\n:end_tab:\n"
    )
    assert [b.kind for b in parse(text).blocks][:4] == ["label", "blank", "segment", "label"]
