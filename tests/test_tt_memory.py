"""``suggest``: the book's translation memory (exact and fuzzy matches, glossary terms) and ``--write``."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from conftest import assert_nothing_lost, run_tools
from hypothesis import given, settings
from hypothesis import strategies as st

from translation_tools.document import DRAFT, UNTRANSLATED
from translation_tools.memory import Memory, fill_exact, normalise, sketch, suggest
from translation_tools.parse import parse
from translation_tools.syntax import OUTDATED_MARKER

GLOSSARY = """\
- en: hidden state
  vi: trạng thái ẩn
- en: recurrent neural network
  vi: mạng nơ-ron hồi tiếp
"""

DONE = f"""\
<!--
## Summary
-->

## Tóm tắt

<!--
The hidden state carries the past forward one step at a time.
-->

Trạng thái ẩn mang quá khứ đi tiếp từng bước một.

<!--
A recurrent neural network reuses its weights at every step.
-->
<!-- reviewed: Lê Thị Hoa -->

Mạng nơ-ron hồi tiếp dùng lại trọng số ở mọi bước.

<!--
A sentence only a machine translated.
-->
<!-- draft: machine -->

Câu máy dịch.

<!--
An outdated sentence.
-->
{OUTDATED_MARKER}

Câu đã cũ.
"""

TODO = """\
<!--
## Summary
-->

## *dịch tiêu đề phía trên*

<!--
The hidden state carries the past forward, one step at a time, through the sequence.
-->

*dịch đoạn phía trên*

<!--
A sentence only a machine translated.
-->

*dịch đoạn phía trên*

<!--
An outdated sentence.
-->

*dịch đoạn phía trên*

<!--
A recurrent neural network reuses its weights at every step.
-->
<!-- draft: machine -->

Mạng thần kinh định kỳ dùng lại trọng số.

<!--
Nothing in the book looks like this line about penguins.
-->

*dịch đoạn phía trên*
"""


@pytest.fixture
def book(tmp_path) -> Path:
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    docs = tmp_path / "docs"
    (docs / "ch1").mkdir(parents=True)
    (docs / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    (docs / "ch1" / "done.md").write_text(DONE, encoding="utf-8")
    (docs / "ch1" / "todo.md").write_text(TODO, encoding="utf-8")
    return tmp_path


def suggest_json(book: Path, *extra: str) -> dict:
    result = run_tools("suggest", "docs/ch1/todo.md", "--json", *extra, cwd=book)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def by_line(data: dict) -> dict[int, dict]:
    return {segment["line"]: segment for segment in data["segments"]}


def test_exact_match_with_its_page_and_line(book):
    summary = by_line(suggest_json(book))[1]
    assert summary["state"] == "untranslated"
    assert summary["matches"][0] == {
        "similarity": 100.0,
        "exact": True,
        "page": "docs/ch1/done.md",
        "line": 1,
        "english": "## Summary",
        "translation": "## Tóm tắt",
        "reviewed": False,
    }


def test_fuzzy_match_has_a_similarity_below_100(book):
    hidden = by_line(suggest_json(book))[7]
    assert [m["translation"] for m in hidden["matches"]] == ["Trạng thái ẩn mang quá khứ đi tiếp từng bước một."]
    assert 60 <= hidden["matches"][0]["similarity"] < 100
    assert hidden["matches"][0]["exact"] is False


def test_drafts_and_outdated_translations_are_not_memory(book):
    data = by_line(suggest_json(book))
    assert data[13]["matches"] == []  # only a draft translated it
    assert data[19]["matches"] == []  # only an outdated translation exists


def test_draft_segments_are_suggested_for_with_glossary_terms(book):
    draft = by_line(suggest_json(book))[25]
    assert draft["state"] == "draft"
    assert draft["matches"][0]["translation"] == "Mạng nơ-ron hồi tiếp dùng lại trọng số ở mọi bước."
    assert draft["matches"][0]["reviewed"] is True
    assert draft["terms"] == [{"en": "recurrent neural network", "vi": "mạng nơ-ron hồi tiếp"}]


def test_nothing_close_gives_no_match(book):
    assert by_line(suggest_json(book))[32]["matches"] == []


def test_translated_segments_are_not_listed(book):
    lines = sorted(by_line(suggest_json(book)))
    assert lines == [1, 7, 13, 19, 25, 32]
    done = run_tools("suggest", "docs/ch1/done.md", "--json", cwd=book)
    assert [s["state"] for s in json.loads(done.stdout)["segments"]] == ["draft", "outdated"]


def test_text_output_names_page_line_and_similarity(book):
    result = run_tools("suggest", "docs/ch1/todo.md", cwd=book)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "docs/ch1/todo.md:1: untranslated: ## Summary"
    assert lines[1].split() == ["100.0%", "exact", "docs/ch1/done.md:1", "##", "Tóm", "tắt"]
    assert "  glossary: hidden state → trạng thái ẩn" in lines


def test_write_fills_only_untranslated_slots_with_an_exact_match(book):
    page = book / "docs" / "ch1" / "todo.md"
    result = run_tools("suggest", "docs/ch1/todo.md", "--write", cwd=book)
    assert result.returncode == 0, result.stderr
    assert "docs/ch1/todo.md:5: filled from docs/ch1/done.md:1 (exact)" in result.stderr
    expected = TODO.replace(
        "## Summary\n-->\n\n## *dịch tiêu đề phía trên*", "## Summary\n-->\n<!-- draft: memory -->\n\n## Tóm tắt"
    )
    assert page.read_text(encoding="utf-8") == expected
    seg = parse(expected).segments()[0]
    assert (seg.review, seg.review_detail) == (DRAFT, "memory")
    again = run_tools("suggest", "docs/ch1/todo.md", "--write", cwd=book)
    assert again.returncode == 0 and "filled" not in again.stderr
    assert page.read_text(encoding="utf-8") == expected


def test_the_index_follows_edits_of_the_book(book):
    done = book / "docs" / "ch1" / "done.md"
    assert by_line(suggest_json(book))[32]["matches"] == []
    text = DONE + "\n<!--\nNothing in the book looks like this line about penguins.\n-->\n\nChim cánh cụt.\n"
    done.write_text(text, encoding="utf-8")
    os.utime(done, ns=(1, 1))  # a new size and time: the page is read again
    assert by_line(suggest_json(book))[32]["matches"][0]["translation"] == "Chim cánh cụt."
    assert (book / ".cache" / "translation-memory.sqlite3").exists()
    done.unlink()
    assert by_line(suggest_json(book))[1]["matches"] == []


def test_no_cache_leaves_nothing_behind(book):
    suggest_json(book, "--no-cache")
    assert not (book / ".cache").exists()


def test_a_page_outside_a_book_needs_book(tmp_path):
    page = tmp_path / "p.md"
    page.write_text(TODO, encoding="utf-8")
    result = run_tools("suggest", "p.md", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "p.md:1: no mkdocs.yml above this page: pass --book DIR (the folder of the book's pages)"
    )
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "d.md").write_text(DONE, encoding="utf-8")
    ok = run_tools("suggest", "p.md", "--book", "lib", "--json", "--no-cache", cwd=tmp_path)
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["segments"][0]["matches"][0]["page"] == "lib/d.md"


def test_missing_page_is_a_one_line_error(book):
    result = run_tools("suggest", "docs/nope.md", cwd=book)
    assert result.returncode == 2 and result.stderr.strip() == "docs/nope.md:1: no such file: check the path"


def test_a_broken_page_in_the_book_is_reported_and_skipped(book):
    (book / "docs" / "ch1" / "broken.md").write_text("<!--\nnever closed\n", encoding="utf-8")
    result = run_tools("suggest", "docs/ch1/todo.md", "--json", cwd=book)
    assert result.returncode == 0
    assert "docs/ch1/broken.md:1: unterminated comment" in result.stderr
    assert by_line(json.loads(result.stdout))[1]["matches"]


# --- the index itself -----------------------------------------------------------------------------


def test_normalise_ignores_spacing_only():
    assert normalise("A  b\n c") == normalise("A b c") != normalise("a b c")


def test_sketch_is_stable_and_bounded():
    text = " ".join(f"word{n}" for n in range(100))
    assert sketch(text) == sketch(text) and len(sketch(text)) == 16
    assert sketch("Summary") and sketch("## Summary") == sketch("Summary")


def test_memory_in_process_prefers_reviewed_among_exact_matches(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("<!--\nSame English.\n-->\n\nBản A.\n", encoding="utf-8")
    (docs / "b.md").write_text("<!--\nSame English.\n-->\n<!-- reviewed: An -->\n\nBản B.\n", encoding="utf-8")
    memory = Memory(str(docs))
    assert memory.refresh() == 2
    assert [m.translation for m in memory.lookup("Same  English.")] == ["Bản B.", "Bản A."]
    assert memory.refresh() == 0  # nothing changed
    memory.close()


def test_untranslated_is_never_memory(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("<!--\nSame English.\n-->\n\n*dịch đoạn phía trên*\n", encoding="utf-8")
    memory = Memory(str(docs))
    memory.refresh()
    assert memory.lookup("Same English.") == []
    assert parse((docs / "a.md").read_text(encoding="utf-8")).segments()[0].state == UNTRANSLATED


# --- suggest --write as a writer: nothing lost, same input -> same bytes ------------------------------

SENTENCES = ["The state moves.", "A token arrives.", "Gradients vanish.", "The model learns."]
TRANSLATIONS = {"The state moves.": "Trạng thái dịch chuyển.", "A token arrives.": "Một token đến."}
slot_kind = st.sampled_from(["placeholder", "empty", "translated", "draft"])
page_segments = st.lists(st.tuples(st.sampled_from(SENTENCES), slot_kind), min_size=1, max_size=8)


def render(segments) -> str:
    parts = []
    for english, kind in segments:
        head = f"<!--\n{english}\n-->\n" + ("<!-- draft: machine -->\n" if kind == "draft" else "")
        slot = {"placeholder": "*dịch đoạn phía trên*", "empty": ""}.get(kind, "Bản dịch: " + english.lower())
        parts.append(head + (f"\n{slot}\n" if slot else ""))
    return "\n".join(parts)


@settings(max_examples=40, deadline=None)
@given(page_segments)
def test_property_write_loses_nothing_and_is_stable(segments):
    with tempfile.TemporaryDirectory() as folder:
        book = Path(folder)
        source = "\n".join(f"<!--\n{en}\n-->\n\n{vi}\n" for en, vi in TRANSLATIONS.items())
        (book / "source.md").write_text(source, encoding="utf-8")
        memory = Memory(folder)
        memory.refresh()
        before = render(segments)
        doc = parse(before, path="page.md")
        after, filled = fill_exact(doc, suggest(doc, memory))
        assert after == fill_exact(doc, suggest(doc, memory))[0]  # same input, same bytes
        assert_nothing_lost(before, after)
        filled_lines = {s.segment.english_start for s, _ in filled}
        for old, new in zip(doc.segments(), parse(after).segments(), strict=True):
            if old.english_start in filled_lines:
                assert old.state == UNTRANSLATED and new.translation == TRANSLATIONS[old.english]
                assert (new.review, new.review_detail) == (DRAFT, "memory")
            else:
                assert new.translation == old.translation and new.review == old.review
        wanted = {s.english_start for s in doc.segments() if s.state == UNTRANSLATED and s.english in TRANSLATIONS}
        assert filled_lines == wanted
        again = parse(after, path="page.md")
        assert fill_exact(again, suggest(again, memory))[1] == []  # nothing left to fill
        memory.close()
