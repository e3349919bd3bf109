"""``align``: a monolingual Vietnamese page and its English become one bilingual page, losing nothing.

Real pairs from d2l-vi (``x.md`` machine-translated, ``x_origin.md`` English) under
``tests/real/d2l-vi``; their block counts in ``expected.json`` come from reading the files.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import assert_nothing_lost, run_tools
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translation_tools.align import UNPAIRED_NOTE, align, pieces
from translation_tools.check import check_document
from translation_tools.document import Segment
from translation_tools.glossary import load_glossary
from translation_tools.parse import parse
from translation_tools.syntax import unescape_comment
from translation_tools.write import write

ROOT = Path(__file__).parent.parent
REAL = Path(__file__).parent / "real" / "d2l-vi"
EXPECTED = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
GLOSSARY = ROOT / "docs" / "glossary.yml"


def aligned(vietnamese: str, english: str, origin: str = "machine"):
    return align(parse(vietnamese, "x.md"), parse(english, "x_origin.md"), origin)


def english_homes(text: str) -> set[str]:
    """Stripped lines of the page inside English comments or in blocks both editions share."""
    homes: set[str] = set()
    for block in parse(text).blocks:
        lines = block.text.split("\n")
        if isinstance(block, Segment):
            first, last = block.english_lines
            homes.update(unescape_comment(line).strip() for line in lines[first : last + 1])
        elif block.kind in ("code", "math", "label", "toc", "comment", "html", "rule", "definition"):
            homes.update(unescape_comment(line).strip() for line in lines)
    return homes


def assert_english_kept(english: str, page: str) -> None:
    homes = english_homes(page)
    missing = [line for line in english.split("\n") if line.strip() and line.strip() not in homes]
    assert not missing, f"{len(missing)} English line(s) not in a comment or shared block, first: {missing[0]!r}"


# --- real d2l-vi pages -------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_page_aligns_block_for_block(name):
    vi_path = REAL / name
    en_path = vi_path.with_name(vi_path.stem + "_origin.md")
    vietnamese, english = vi_path.read_text(encoding="utf-8"), en_path.read_text(encoding="utf-8")
    want = EXPECTED[name]
    text, report = aligned(vietnamese, english)
    assert (len(pieces(parse(english))), len(pieces(parse(vietnamese)))) == (
        want["english_blocks"],
        want["vietnamese_blocks"],
    )
    counts = (len(report.pairs), report.segments, report.shared, len(report.english_only), len(report.vietnamese_only))
    assert counts == (want["paired"], want["segments"], want["shared"], want["english_only"], want["vietnamese_only"])
    doc = parse(text, name)
    assert write(doc) == text
    assert_nothing_lost(vietnamese, text)
    assert_english_kept(english, text)
    segments = doc.segments()
    assert len(segments) == want["segments"]
    assert all((seg.state, seg.review, seg.review_detail) == ("translated", "draft", "machine") for seg in segments)
    assert {seg.translation for seg in segments} <= {v.text for _, v in report.pairs}  # slots hold what was paired
    assert aligned(vietnamese, english)[0] == text  # same input, same bytes


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_check_lists_the_glossary_violations_of_the_draft(name):
    vi_path = REAL / name
    vietnamese = vi_path.read_text(encoding="utf-8")
    text, _ = aligned(vietnamese, vi_path.with_name(vi_path.stem + "_origin.md").read_text(encoding="utf-8"))
    doc = parse(text, "page.md")
    found = [d for d in check_document(doc, load_glossary(str(GLOSSARY))) if d.message.startswith("forbidden")]
    slots = {seg.slot_start: seg.translation for seg in doc.segments()}
    vietnamese_lines = vietnamese.split("\n")
    got = []
    for diagnostic in found:
        variant = diagnostic.message.split("'")[1]
        line = next(i for i, line in enumerate(vietnamese_lines, 1) if line and line in slots[diagnostic.line])
        got.append([line, variant])
    assert sorted(got) == sorted(EXPECTED[name]["forbidden"])
    drafts = [d for d in check_document(doc) if d.message.startswith("draft translation")]
    assert len(drafts) == EXPECTED[name]["segments"]


def test_real_tab_blocks_become_one_segment_each():
    text, _ = aligned(
        (REAL / "chapter_recurrent-modern" / "deep-rnn.md").read_text(encoding="utf-8"),
        (REAL / "chapter_recurrent-modern" / "deep-rnn_origin.md").read_text(encoding="utf-8"),
    )
    tabs = [seg for seg in parse(text).segments() if seg.english.startswith(":begin_tab:")]
    assert [seg.translation for seg in tabs] == [
        ":begin_tab:`mxnet`\n[Discussions](https://discuss.d2l.ai/t/340)\n:end_tab:",
        ":begin_tab:`pytorch`\n[Discussions](https://discuss.d2l.ai/t/1058)\n:end_tab:",
    ]


# --- blocks without a partner, blocks that differ ------------------------------------------------

ENGLISH = """\
# Title
:label:`sec_t`

First paragraph with $x_1$.

Second paragraph with $x_2$.

```python
x = 1  # one
```

$$y = x.$$

Third paragraph with $x_3$.
"""
VIETNAMESE = """\
# Tiêu đề
:label:`sec_t`

Đoạn thứ nhất với $x_1$.

Đoạn thứ hai với $x_2$.

```python
x = 1  # one
```

$$y = x.$$

Đoạn thứ ba với $x_3$.
"""


def test_equal_pages_pair_every_block():
    text, report = aligned(VIETNAMESE, ENGLISH)
    assert (len(report.pairs), report.segments, report.shared) == (7, 4, 3)
    assert not report.english_only and not report.vietnamese_only
    assert text.startswith("<!--\n# Title\n-->\n<!-- draft: machine -->\n\n# Tiêu đề\n:label:`sec_t`\n\n<!--\n")
    assert "\n```python\nx = 1  # one\n```\n\n$$y = x.$$\n\n<!--\nThird" in text  # shared once, outside comments


def test_english_block_without_vietnamese_becomes_a_placeholder_segment():
    vietnamese = VIETNAMESE.replace("Đoạn thứ hai với $x_2$.\n\n", "")
    text, report = aligned(vietnamese, ENGLISH)
    assert [(p.start, p.text) for p in report.english_only] == [(6, "Second paragraph with $x_2$.")]
    assert not report.vietnamese_only
    assert "<!--\nSecond paragraph with $x_2$.\n-->\n\n*dịch đoạn phía trên*\n" in text
    second = parse(text).segments()[2]
    assert (second.english, second.state, second.review) == ("Second paragraph with $x_2$.", "untranslated", None)
    assert_nothing_lost(vietnamese, text)


def test_vietnamese_block_without_english_is_kept_under_a_note_and_checked():
    vietnamese = VIETNAMESE.replace("Đoạn thứ hai", "Một đoạn máy thêm vào.\n\nĐoạn thứ hai")
    text, report = aligned(vietnamese, ENGLISH)
    assert [(p.start, p.text) for p in report.vietnamese_only] == [(6, "Một đoạn máy thêm vào.")]
    assert f"\n{UNPAIRED_NOTE}\nMột đoạn máy thêm vào.\n\n<!--\nSecond" in text
    doc = parse(text, "page.md")
    first = doc.segments()[1]
    assert first.translation == "Đoạn thứ nhất với $x_1$."  # the extra paragraph did not join its slot
    line = text.split("\n").index("Một đoạn máy thêm vào.") + 1
    assert any(d.line == line and d.message.startswith("text outside any segment") for d in check_document(doc))
    assert_nothing_lost(vietnamese, text)


def test_code_that_differs_keeps_the_english_in_a_comment_above():
    vietnamese = VIETNAMESE.replace("x = 1  # one", "x = 1  # một")
    text, report = aligned(vietnamese, ENGLISH)
    assert [(e.start, v.start) for e, v in report.code_differs] == [(8, 8)]
    assert "<!--\n```python\nx = 1  # one\n```\n-->\n\n```python\nx = 1  # một\n```\n" in text
    assert_nothing_lost(vietnamese, text)
    assert_english_kept(ENGLISH, text)


def test_translated_formula_is_a_draft_segment():
    vietnamese = VIETNAMESE.replace("$$y = x.$$", "$$y = x \\text{ với mọi } x.$$")
    text, report = aligned(vietnamese, ENGLISH)
    formula = next(seg for seg in parse(text).segments() if seg.english.startswith("$$"))
    assert (formula.english, formula.translation) == ("$$y = x.$$", "$$y = x \\text{ với mọi } x.$$")
    assert (formula.state, formula.review) == ("translated", "draft") and report.segments == 5


def test_origin_word_and_plain_draft_marker():
    assert "<!-- draft: human -->" in aligned(VIETNAMESE, ENGLISH, "human")[0]
    plain = aligned(VIETNAMESE, ENGLISH, "")[0]
    assert "<!-- draft -->" in plain and "draft:" not in plain


def test_front_matter_and_credits_of_the_vietnamese_page_are_kept():
    vietnamese = "---\ntitle: Trang\n---\n" + VIETNAMESE + "\n## Những người thực hiện\n* Lê Văn C\n"
    text, report = aligned(vietnamese, ENGLISH)
    doc = parse(text)
    assert text.startswith("---\ntitle: Trang\n---\n\n<!--\n# Title\n-->")
    assert doc.contributors == ["Lê Văn C"] and text.count("## Những người thực hiện") == 1
    assert len(report.pairs) == 7 and not report.vietnamese_only


def test_lists_and_tables_pair_by_kind():
    english = "Intro with $a$.\n\n* one $b$\n* two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    vietnamese = "Mở đầu với $a$.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    _, report = aligned(vietnamese, english)
    assert [(e.kind, v.kind) for e, v in report.pairs] == [("paragraph", "paragraph"), ("table", "table")]
    assert [p.kind for p in report.english_only] == ["list"]


# --- the CLI ----------------------------------------------------------------------------------


def test_cli_align_writes_the_page_and_reports(tmp_path):
    (tmp_path / "x.md").write_text(VIETNAMESE.replace("Đoạn thứ hai với $x_2$.\n\n", ""), encoding="utf-8")
    (tmp_path / "x_origin.md").write_text(ENGLISH, encoding="utf-8")
    result = run_tools("align", "x.md", "x_origin.md", "-o", "page.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert (
        lines[0] == "x_origin.md:6: English paragraph has no Vietnamese counterpart: added as an untranslated segment"
    )
    assert lines[-1].startswith("page.md: 6 block(s) paired (3 draft segment(s), 3 written once")
    assert lines[-1].endswith("unpaired: 1 English, 0 Vietnamese")
    page = (tmp_path / "page.md").read_text(encoding="utf-8")
    assert parse(page).segments()[0].review == "draft"
    again = run_tools("align", "x.md", "x_origin.md", "-o", "page.md", cwd=tmp_path)
    assert again.returncode == 2 and again.stderr == "page.md:1: already exists: pass --force to replace it\n"
    assert run_tools("align", "x.md", "x_origin.md", "-o", "page.md", "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "page.md").read_text(encoding="utf-8") == page


def test_cli_align_to_stdout(tmp_path):
    (tmp_path / "x.md").write_text(VIETNAMESE, encoding="utf-8")
    (tmp_path / "x_origin.md").write_text(ENGLISH, encoding="utf-8")
    result = run_tools("align", "x.md", "x_origin.md", cwd=tmp_path)
    assert result.returncode == 0 and result.stdout == aligned(VIETNAMESE, ENGLISH)[0]


@pytest.mark.parametrize(
    "vietnamese, english, message",
    [
        ("<!--\nEnglish.\n-->\n\nTiếng Việt.\n", ENGLISH, "x.md:1: this page already has English comments"),
        (ENGLISH, VIETNAMESE, "x_origin.md:1: this page is the Vietnamese one: swap the arguments"),
        ("", ENGLISH, "x.md:1: empty file"),
    ],
)
def test_cli_align_bad_input_is_a_one_line_error(tmp_path, vietnamese, english, message):
    (tmp_path / "x.md").write_text(vietnamese, encoding="utf-8")
    (tmp_path / "x_origin.md").write_text(english, encoding="utf-8")
    result = run_tools("align", "x.md", "x_origin.md", "-o", "page.md", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and result.stderr.startswith(message)
    assert not (tmp_path / "page.md").exists()


# --- property: nothing is lost, and equal structure pairs every block --------------------------

WORDS = ["state", "hidden", "network", "gradient", "token", "model", "layer"]
VIET = ["trạng", "thái", "ẩn", "mạng", "mô", "hình", "tầng", "bước"]


@st.composite
def block_pair(draw, index: int) -> tuple[str, str, str]:
    """(kind, English, Vietnamese) of one block; prose carries ``$x_{index}$`` as translation would."""
    kind = draw(st.sampled_from(["heading", "paragraph", "paragraph", "list", "code", "math", "tab"]))
    en = " ".join(draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8)))
    vi = " ".join(draw(st.lists(st.sampled_from(VIET), min_size=1, max_size=10)))
    anchor = f"$x_{{{index}}}$"
    if kind == "heading":
        return (
            kind,
            f"## {en.capitalize()} {index}\n:label:`sec_{index}`",
            f"## {vi.capitalize()} {index}\n:label:`sec_{index}`",
        )
    if kind == "paragraph":
        return kind, f"{en.capitalize()} {anchor}.", f"{vi.capitalize()} {anchor}."
    if kind == "list":  # a code cell after it: two lists in a row would be one list to Markdown
        end = f"```\nend {index}\n```"
        return kind, f"* {en} {anchor}\n* {en}\n\n{end}", f"* {vi} {anchor}\n* {vi}\n\n{end}"
    if kind == "code":
        code = f"```python\nx = {index}\n```"
        return kind, code, code
    if kind == "math":
        math = f"$$y_{{{index}}} = x.$$"
        return kind, math, draw(st.sampled_from([math, f"$$y_{{{index}}} = x \\text{{ với }} t.$$"]))
    return kind, f":begin_tab:`pytorch`\n{en} {anchor}.\n:end_tab:", f":begin_tab:`pytorch`\n{vi} {anchor}.\n:end_tab:"


@st.composite
def page_pair(draw):
    size = draw(st.integers(1, 7))
    blocks = [draw(block_pair(index)) for index in range(size)]
    english = "\n\n".join(en for _, en, _ in blocks) + "\n"
    kept = [draw(st.integers(0, 4)) > 0 for _ in blocks]
    vietnamese_blocks = [vi for (_, _, vi), keep in zip(blocks, kept, strict=True) if keep]
    extra = draw(st.lists(st.integers(0, len(vietnamese_blocks)), max_size=2))
    for place in sorted(extra, reverse=True):
        vietnamese_blocks.insert(place, "Một đoạn thêm không có bản gốc.")
    if not vietnamese_blocks:
        vietnamese_blocks, extra = ["Chỉ một đoạn."], [0]
    return english, "\n\n".join(vietnamese_blocks) + "\n", kept, extra


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=page_pair())
def test_align_loses_nothing_and_pairs_what_matches(case):
    english, vietnamese, kept, extra = case
    text, report = aligned(vietnamese, english)
    doc = parse(text)
    assert write(doc) == text
    assert_nothing_lost(vietnamese, text)
    assert_english_kept(english, text)
    en, vi = pieces(parse(english)), pieces(parse(vietnamese))
    assert len(report.pairs) + len(report.english_only) == len(en)
    assert len(report.pairs) + len(report.vietnamese_only) == len(vi)
    assert all(e.kind == v.kind for e, v in report.pairs)
    if all(kept) and not extra:
        assert not report.english_only and not report.vietnamese_only
        assert all(e.text == v.text or e.prose or e.kind == "math" for e, v in report.pairs)
    elif not extra:  # only deletions: each Vietnamese block finds its own English (the anchors agree)
        assert not report.vietnamese_only
        assert all(e.anchors == v.anchors for e, v in report.pairs if e.prose)
    assert aligned(vietnamese, english)[0] == text


def test_real_files_are_the_upstream_blobs_byte_for_byte():
    rows = [line.split("\t") for line in (REAL / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    assert {path for path, _, _ in rows} == {str(p.relative_to(REAL)) for p in REAL.rglob("*.md")}
    for path, blob, _ in rows:
        data = (REAL / path).read_bytes()
        assert hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() == blob, path  # git's blob id
