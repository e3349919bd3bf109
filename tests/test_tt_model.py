"""The document model: golden fixtures, the round trip, and each kind of bad input."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from conftest import assert_golden

from translation_tools.document import OUTDATED_MARKER
from translation_tools.parse import FormatError, parse, parse_file
from translation_tools.write import write, write_file_atomic

FIXTURES = Path(__file__).parent / "fixtures"
DOCS = Path(__file__).parent.parent / "docs"
CASES = sorted(p.parent.name for p in FIXTURES.glob("*/input.md"))


def _json_default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(value)


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"


@pytest.mark.parametrize("case", CASES)
def test_golden_model(case):
    source = FIXTURES / case / "input.md"
    doc = parse_file(source, display=f"{case}/input.md")
    assert write(doc) == source.read_bytes().decode("utf-8")
    assert_golden(FIXTURES / case / "expected.json", _dump(doc.as_dict()))


@pytest.mark.parametrize("case", CASES)
def test_every_line_in_exactly_one_block(case):
    doc = parse_file(FIXTURES / case / "input.md")
    expected_start = 1
    for block in doc.blocks:
        assert block.start == expected_start
        assert block.end >= block.start
        assert block.text.count("\n") in (block.end - block.start, block.end - block.start + 1)
        expected_start = block.end + 1


def test_round_trip_every_docs_page():
    pages = sorted(DOCS.rglob("*.md"))
    assert len(pages) > 10, "the book's pages are missing from docs/"
    for page in pages:
        data = page.read_bytes().decode("utf-8")
        try:
            doc = parse(data, path=str(page))
        except FormatError:
            continue  # malformed pages are check's business; the round trip is about valid ones
        assert write(doc) == data, page


# --- small named cases ----------------------------------------------------------


def only_segment(text: str):
    segments = parse(text).segments()
    assert len(segments) == 1
    return segments[0]


def test_segment_english_is_dedented_without_markers():
    seg = only_segment("<!--\n    Indented\n      more\n-->\n\nDịch.\n")
    assert seg.english == "Indented\n  more"
    assert seg.translation == "Dịch."


def test_slot_ends_at_label_line():
    seg = only_segment("<!--\n# Title\n-->\n\n# Tiêu đề\n:label:`sec_x`\n")
    assert seg.translation == "# Tiêu đề"
    assert seg.role == "heading"


def test_slot_ends_at_fence():
    doc = parse("<!--\nText.\n-->\n\nVăn bản.\n```python\nx = 1\n```\n")
    assert [b.kind for b in doc.blocks] == ["segment", "code"]


def test_empty_slot_points_after_blank_line():
    doc = parse("<!--\nA.\n-->\n\n<!--\nB.\n-->\n\nB dịch.\n")
    first, second = doc.segments()
    assert first.translation == "" and first.state == "untranslated"
    assert first.end == 3 and first.slot_start == 5
    assert second.state == "translated"


def test_placeholder_plus_text_counts_as_translated():
    seg = only_segment("<!--\nA.\n-->\n\n*dịch đoạn phía trên* Có chữ.\n")
    assert seg.state == "translated"


def test_placeholder_is_compared_in_nfc():
    import unicodedata

    slot = unicodedata.normalize("NFD", "*dịch đoạn phía trên*")
    assert only_segment(f"<!--\nA.\n-->\n\n{slot}\n").state == "untranslated"


def test_outdated_marker_written_by_scaffold_is_recognised():
    seg = only_segment(f"<!--\nA.\n-->\n{OUTDATED_MARKER}\n\nĐã dịch.\n")
    assert seg.state == "outdated"
    assert seg.outdated_line == 4


def test_outdated_marker_on_untranslated_slot_stays_untranslated():
    seg = only_segment("<!--\nA.\n-->\n<!-- Outdated -->\n")
    assert seg.state == "untranslated"


def test_roles_of_segments():
    cases = {
        "## Heading": "heading",
        "Plain words.": "paragraph",
        "* a\n* b": "list",
        "1. a\n2. b": "list",
        "| a | b |\n|---|---|\n| 1 | 2 |": "table",
        "![Caption.](../img/x.svg)": "figure",
        "<div>raw</div>": "other",
    }
    for english, role in cases.items():
        assert only_segment(f"<!--\n{english}\n-->\n\nx\n").role == role, english


def test_dollar_inside_code_is_not_math():
    from translation_tools.mdtext import inline_parts

    parts = inline_parts("Run `echo $HOME` then $x$.")
    assert parts.code == ["echo $HOME"] and parts.math == ["$x$"]


def test_single_line_comments_are_not_segments():
    doc = parse("<!--more-->\n<!-- toc -->\n<!-- Phần 3 -->\n")
    assert [b.kind for b in doc.blocks] == ["comment", "comment", "marker"]


def test_contributors_section_ends_at_next_heading_of_same_level():
    doc = parse("## Những người thực hiện\n\n* A\n\n## Next\n\n* B\n")
    assert doc.contributors == ["A"]
    assert [b.kind for b in doc.blocks] == ["contributors", "blank", "other", "blank", "other"]


def test_contributor_names_are_nfc_and_deduplicated():
    import unicodedata

    nfd = unicodedata.normalize("NFD", "Đặng Văn Ân")
    doc = parse(f"## Những người thực hiện\n* {nfd}\n*Đặng  Văn Ân\n")
    assert doc.contributors == ["Đặng Văn Ân"]


def test_bom_is_kept():
    text = "\ufeff---\ntitle: x\n---\n\nText.\n"
    doc = parse(text)
    assert doc.front_matter == {"title": "x"}
    assert write(doc) == text


def test_monolingual_page_counts_as_no_source():
    doc = parse("# Bài viết\n\nChỉ có tiếng Việt.\n")
    assert doc.monolingual
    assert doc.stats().no_source == 1 and doc.stats().segments == 0


# --- bad input ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, line, words",
    [
        ("", 1, "empty file"),
        ("  \n\n", 1, "empty file"),
        ("Text.\n\n<!--\nEnglish\n\nMore.\n", 3, "unterminated comment"),
        ("```python\nx = 1\n", 1, "unterminated code fence"),
        ("Intro.\n\n$$\nx = 1\n", 3, "unterminated display math"),
        ("---\ntitle: x\n", 1, "unterminated front matter"),
        ("---\ntitle: [x\n---\n", 3, "front matter is not valid YAML"),
        ("---\n- a\n- b\n---\n", 2, "YAML mapping"),
        ("## Những người thực hiện\n<!--\n* A\n", 2, "unterminated comment"),
        ("ok\nbad\x00\n", 2, "binary file"),
    ],
)
def test_bad_input_reports_file_and_line(text, line, words):
    with pytest.raises(FormatError) as caught:
        parse(text, path="docs/x.md")
    error = caught.value
    assert (error.path, error.line) == ("docs/x.md", line)
    assert words in error.message
    assert str(error) == f"docs/x.md:{line}: {error.message}"
    assert "\n" not in str(error)


def test_non_utf8_file_reports_line(tmp_path):
    page = tmp_path / "x.md"
    page.write_bytes("dòng một\n".encode() + b"caf\xe9\n")
    with pytest.raises(FormatError, match=r"x.md:2: not valid UTF-8"):
        parse_file(page)


def test_missing_file(tmp_path):
    with pytest.raises(FormatError, match="no such file"):
        parse_file(tmp_path / "missing.md")


def test_atomic_write_leaves_no_temp_file(tmp_path):
    target = tmp_path / "out.md"
    write_file_atomic(target, "a\r\nb")
    assert target.read_bytes() == b"a\r\nb"
    assert [p.name for p in tmp_path.iterdir()] == ["out.md"]


@pytest.mark.parametrize("case", CASES)
def test_scanner_agrees_with_markdown_it_on_fences_and_comments(case):
    from translation_tools.mdtext import markdown

    text = (FIXTURES / case / "input.md").read_text(encoding="utf-8")
    doc = parse(text)
    tokens = markdown().parse(text)
    theirs_fences = {(t.map[0] + 1, t.map[1]) for t in tokens if t.type == "fence"}
    ours_fences = {(b.start, b.end) for b in doc.blocks if b.kind in ("code", "toc")}
    assert ours_fences == theirs_fences
    theirs_comments = {
        (t.map[0] + 1, t.map[1]) for t in tokens if t.type == "html_block" and t.content.startswith("<!--")
    }
    ours_comments = {(s.english_start, s.english_end) for s in doc.segments()}
    assert ours_comments <= theirs_comments


@pytest.mark.parametrize(
    "lines",
    [
        ["source: d2l-en@2f1c3a9", "title: Chuỗi"],
        ["source_revision: v1.0.0-rc1", "lang: vi"],
    ],
)
def test_plain_front_matter_is_read_like_yaml(lines):
    import yaml

    from translation_tools.parse import simple_yaml

    assert simple_yaml(lines) == yaml.safe_load("\n".join(lines))


@pytest.mark.parametrize(
    "line",
    [
        "draft: yes",
        "draft: true",
        "n: No",
        "date: 2024-01-01",
        "x: 1e3",
        "a: b c",
        "a: 'q'",
        "- item",
        "a: null",
        "on: x",
        "y: z",
    ],
)
def test_front_matter_yaml_would_type_goes_to_pyyaml(line):
    from translation_tools.parse import simple_yaml

    assert simple_yaml([line]) is None


def test_bom_before_a_fence_on_the_first_line():
    text = "\ufeff```python\nx = 1\n```\n"
    doc = parse(text)
    assert [b.kind for b in doc.blocks] == ["code"] and write(doc) == text


def test_reference_alone_on_a_line_stays_in_its_paragraph():
    # Hard-wrapped English (d2l's) puts a reference on a line of its own; only :label:-style
    # directives make a line of their own.
    page = "<!--\nReplace the state in\n:eqref:`eq_h`\nwith a GRU.\n-->\n\nThay trạng thái trong\n:eqref:`eq_h`\nbằng GRU.\n"
    doc = parse(page)
    assert [block.kind for block in doc.blocks] == ["segment"]
    assert doc.segments()[0].translation == "Thay trạng thái trong\n:eqref:`eq_h`\nbằng GRU."
    english = parse("Replace the state in\n:eqref:`eq_h`\nwith a GRU.\n:label:`sec_x`\n")
    assert [block.kind for block in english.blocks] == ["other", "label"]
