"""The English edition is the English original: ``edition en`` of ``scaffold(page)`` renders as ``page``.

Rendered by markdown-it-py's CommonMark preset, HTML compared with whitespace normalised and
HTML comments left out (they render as nothing, and the bilingual format owns comments).
Checked per construct, over generated pages, and over the CommonMark specification's examples.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run_tools
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from translation_tools.edition import edition_markdown
from translation_tools.parse import FormatError, parse
from translation_tools.scaffold import scaffold

SPEC = Path(__file__).parent / "real" / "commonmark" / "spec.txt"
DOCS = Path(__file__).parent.parent / "docs"
COMMONMARK = MarkdownIt("commonmark")


def rendered(markdown: str) -> str:
    html = re.sub(r"<!--.*?-->", "", COMMONMARK.render(markdown), flags=re.DOTALL)
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


def english_edition_of_scaffold(english: str) -> str:
    page = scaffold(parse(english, "english.md"))
    return edition_markdown(parse(page, "page.md"), "en")


def assert_faithful(english: str) -> None:
    back = english_edition_of_scaffold(english)
    assert rendered(back) == rendered(english), f"English edition:\n{back}"


# --- one construct at a time ----------------------------------------------------------------

CONSTRUCTS = {
    "link_definitions": 'See [the spec][cm] and ![a logo][logo].\n\n[cm]: https://spec.commonmark.org "CommonMark"\n[logo]: /img/logo.svg\n',
    "multi_paragraph_list_item": "- First item.\n\n  Its second paragraph.\n\n- Second item.\n",
    "loose_and_tight_lists": "1. one\n2. two\n\ntext\n\n* a\n\n* b\n",
    "list_item_with_code": "- Run this:\n\n  ```python\n  x = 1\n  ```\n- Then that.\n",
    "nested_list": "- outer\n  - inner\n    - innermost\n- outer again\n",
    "indented_code": "A paragraph.\n\n    indented = code\n    more = code\n\nAfter.\n",
    "html_block": '<div class="note">\n<b>raw</b> HTML\n</div>\n\nText.\n',
    "hard_breaks": "line one  \nline two\\\nline three\n",
    "setext_headings": "Title\n=====\n\nSubtitle\n--------\n\nBody.\n",
    "thematic_break": "Above.\n\n***\n\nBelow.\n",
    "tabs": "\tcode with a tab\n\n-\titem with a tab\n",
    "block_quote": "> quoted\n> lines\n\n> second quote\n",
    "table": "| a | b |\n|---|---|\n| 1 | 2 |\n",
}


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_scaffold_keeps_construct(name):
    assert_faithful(CONSTRUCTS[name])


def test_link_definitions_stay_outside_comments_and_untranslated():
    page = scaffold(parse(CONSTRUCTS["link_definitions"]))
    doc = parse(page)
    assert [b.kind for b in doc.blocks if b.kind not in ("blank", "contributors")] == ["segment", "definition"]
    assert doc.stats().segments == 1
    assert "[cm]: https://spec.commonmark.org" in edition_markdown(doc, "vi")


def test_a_multi_paragraph_list_item_is_one_segment():
    doc = parse(scaffold(parse(CONSTRUCTS["multi_paragraph_list_item"])))
    assert [seg.english for seg in doc.segments()] == [CONSTRUCTS["multi_paragraph_list_item"].strip()]


def test_indented_code_passes_through_as_code():
    doc = parse(scaffold(parse(CONSTRUCTS["indented_code"])))
    assert [b.kind for b in doc.blocks if b.kind in ("segment", "code")] == ["segment", "code", "segment"]


def test_a_translated_list_item_keeps_its_code_in_the_slot():
    page = "<!--\n- Run this:\n\n  ```python\n  x = 1\n  ```\n-->\n\n- Chạy đoạn này:\n\n  ```python\n  x = 1\n  ```\n"
    (seg,) = parse(page).segments()
    assert seg.translation.endswith("  ```") and seg.state == "translated"


def test_an_english_comment_holding_text_stays_a_one_line_comment():
    english = "<!-- an author's\nnote -->\nVisible text.\n"
    page = scaffold(parse(english))
    assert "<!-- an author's note -->" in page
    assert rendered(edition_markdown(parse(page), "en")) == rendered(english)


# --- generated pages ------------------------------------------------------------------------

word = st.sampled_from(["state", "gate", "token", "layer", "loss", "model", "step"])
sentence = st.lists(word, min_size=2, max_size=6).map(lambda ws: " ".join(ws).capitalize() + ".")
inline = st.one_of(sentence, sentence.map(lambda s: f"*{s}*"), sentence.map(lambda s: f"`{s}`"))
paragraph = st.lists(inline, min_size=1, max_size=3).map(" ".join)
heading = st.tuples(st.integers(1, 4), sentence).map(lambda t: "#" * t[0] + " " + t[1].rstrip("."))
bullets = st.lists(paragraph, min_size=1, max_size=4)
tight_list = bullets.map(lambda items: "\n".join("- " + i for i in items))
loose_list = bullets.map(lambda items: "\n\n".join("1. " + i for i in items))
deep_list = st.tuples(paragraph, paragraph, paragraph).map(lambda t: f"- {t[0]}\n\n  {t[1]}\n  - {t[2]}")
quote = paragraph.map(lambda p: "> " + p)
table = st.lists(word, min_size=2, max_size=3).map(
    lambda ws: "| " + " | ".join(ws) + " |\n|" + "---|" * len(ws) + "\n| " + " | ".join("1" for _ in ws) + " |"
)
fenced = st.sampled_from(["x = 1", "print(x)"]).map(lambda c: f"```python\n{c}\n```")
indented = st.sampled_from(["x = 1", "y = 2"]).map(lambda c: "    " + c)
math = st.sampled_from(["x^2", r"\mathbf{h}_t"]).map(lambda m: f"$${m}$$")
figure = sentence.map(lambda s: f"![{s}](../img/x.svg)\n:label:`fig_x`")
definition = st.just("[ref]: https://example.org/ref")
html = st.just('<div class="box">\nraw\n</div>')
rule = st.just("***")
block = st.one_of(
    paragraph, heading, tight_list, loose_list, deep_list, quote, table, fenced, math, figure, definition, html, rule
)


@st.composite
def english_page(draw):
    blocks = draw(st.lists(block, min_size=1, max_size=8))
    text = "\n\n".join(blocks) + "\n"
    # Indented code only where CommonMark reads it as code: after a paragraph, not a list.
    if draw(st.booleans()):
        text += "\nClosing words.\n\n" + draw(indented) + "\n"
    return text


@settings(max_examples=200, deadline=None)
@given(english_page())
def test_fidelity_over_generated_pages(english):
    assert_faithful(english)


# --- the CommonMark specification ---------------------------------------------------------

EXAMPLE = re.compile(r"^`{32} example[^\n]*\n(.*?)^\.\n.*?^`{32}$", re.MULTILINE | re.DOTALL)
EXAMPLES = [m.group(1).replace("→", "\t") for m in EXAMPLE.finditer(SPEC.read_text(encoding="utf-8"))]
# What the format cannot carry, each with its reason; rejected with a one-line file:line error.
REJECTED = {
    96: "opens with '---': front matter in this format, and not a YAML mapping",
    126: "unterminated code fence",
    127: "unterminated code fence",
    137: "unterminated code fence",
    139: "unterminated code fence",
    239: "unterminated code fence",
    320: "unterminated code fence",
    326: "unterminated code fence",
    627: "'-->' in the text would end the English comment early",
    628: "'-->' in the text would end the English comment early",
}
# Read, but not as CommonMark reads them.
DIFFERENT = {
    98: "a page opening with '---' opens front matter in this format (here an empty one)",
}


def test_the_spec_has_its_655_examples():
    assert len(EXAMPLES) == 655


@pytest.mark.parametrize("number", range(1, len(EXAMPLES) + 1))
def test_commonmark_example(number):
    english = EXAMPLES[number - 1]
    if number in REJECTED:
        with pytest.raises(FormatError):
            english_edition_of_scaffold(english)
        return
    back = english_edition_of_scaffold(english)
    if number in DIFFERENT:
        assert rendered(back) != rendered(english), "fixed: remove it from DIFFERENT"
    else:
        assert rendered(back) == rendered(english), f"English edition:\n{back}"


def test_at_least_97_percent_of_the_examples_that_parse_are_faithful():
    parsed = len(EXAMPLES) - len(REJECTED)
    assert (parsed - len(DIFFERENT)) / parsed >= 0.97


# --- the command ----------------------------------------------------------------------------

PAGES = sorted(DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_edition_of_every_book_page_holds_its_segments(page):
    doc = parse(page.read_text(encoding="utf-8"), str(page))
    english, vietnamese = edition_markdown(doc, "en"), edition_markdown(doc, "vi")
    for seg in doc.segments():
        assert seg.english in english
        assert (seg.translation if seg.state != "untranslated" else seg.english) in vietnamese
    for block in doc.blocks:
        if block.kind in ("contributors", "marker", "removed") and len(block.text.strip()) > 40:
            assert block.text.strip() not in english  # the workflow's own blocks are in no edition


def test_edition_command_prints_the_english_and_rejects_a_bad_edition(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("<!--\n# Title\n-->\n\n# Tiêu đề\n\n```python\nx = 1\n```\n", encoding="utf-8")
    result = run_tools("edition", "en", page)
    assert result.returncode == 0 and result.stdout == "# Title\n\n```python\nx = 1\n```\n"
    assert run_tools("edition", "vi", page).stdout == "# Tiêu đề\n\n```python\nx = 1\n```\n"
    bad = run_tools("edition", "fr", page)
    assert bad.returncode == 2
    missing = run_tools("edition", "en", tmp_path / "nope.md")
    assert missing.returncode == 2 and missing.stderr.startswith(f"{tmp_path / 'nope.md'}:1:")


# --- the Vietnamese edition keeps the structure ---------------------------------------------


def structure_findings(page: str) -> list[str]:
    from translation_tools.check import check_document

    return [d.message for d in check_document(parse(page, "p.md")) if "blocks differ" in d.message]


def test_a_list_item_translated_as_a_paragraph_is_reported():
    page = "<!--\n* One item.\n-->\n\nMột mục.\n"
    (message,) = structure_findings(page)
    assert "the English has a list of 1 item, the translation has a paragraph" in message


def test_a_table_with_another_number_of_columns_is_reported():
    page = "<!--\n| a | b |\n|---|---|\n| 1 | 2 |\n-->\n\n| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n"
    (message,) = structure_findings(page)
    assert "a table of 2 columns" in message and "a table of 3 columns" in message


def test_a_faithful_translation_has_no_structure_finding():
    page = "<!--\n# Title\n-->\n\n# Tiêu đề\n\n<!--\n- a\n- b\n-->\n\n- một\n- hai\n"
    assert structure_findings(page) == []


def test_the_book_keeps_its_structure():
    found = [m for page in PAGES for m in structure_findings(page.read_text(encoding="utf-8"))]
    assert found == []


def test_a_real_page_missing_a_list_item_is_reported():
    # d2l-vn's introduction, line 78: four English bullets, three translated (the one about
    # finding the people in an image is missing), read by hand.
    page = Path(__file__).parent / "real" / "d2l-vn" / "final" / "chapter_introduction" / "index_vn.md"
    from translation_tools.check import check_document

    found = [d for d in check_document(parse(page.read_text(encoding="utf-8"), "index_vn.md")) if d.line == 78]
    assert any("a list of 4 items, the translation has a list of 3 items" in d.message for d in found)


@settings(max_examples=150, deadline=None)
@given(english_page(), english_page())
def test_after_an_update_the_english_edition_is_the_new_english(old, new):
    from translation_tools.update import update

    page = scaffold(parse(old, "old.md"))
    text, _ = update(parse(page, "page.md"), parse(new, "new.md"))
    assert rendered(edition_markdown(parse(text, "page.md"), "en")) == rendered(new)
