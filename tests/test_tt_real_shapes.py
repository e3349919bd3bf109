"""Shapes real d2l-vn pages have, each read the way a translator means it."""

from __future__ import annotations

from translation_tools.check import check_document
from translation_tools.execution.notebooks import prose
from translation_tools.parse import parse


def kinds(text: str) -> list[str]:
    return [block.kind for block in parse(text).blocks if block.kind != "blank"]


def test_commented_out_code_math_and_captionless_image_are_not_segments():
    page = "<!--\n```python\nx = 1\n```\n-->\n\n<!--\n$$x$$\n-->\n\n<!--\n![](../img/qr.svg)\n-->\n"
    assert kinds(page) == ["comment", "comment", "comment"]
    assert parse(page).stats().segments == 0


def test_a_vietnamese_comment_is_a_note_and_does_not_break_the_slot():
    page = "<!--\nThe English paragraph.\n-->\n<!-- đoạn này trước bị thiếu nên mình bổ sung -->\n\nĐoạn dịch.\n"
    (seg,) = parse(page).segments()
    assert (seg.state, seg.translation) == ("translated", "Đoạn dịch.")


def test_a_commented_formula_then_its_translation_is_translated():
    page = "<!--\n$$y = x \\text{ where } x > 0$$\n-->\n\n$$y = x \\text{ với } x > 0$$\n"
    doc = parse(page)
    assert [s.state for s in doc.segments()] == ["translated"]
    assert [d.message for d in check_document(doc)] == []


def test_a_tab_block_is_a_slot():
    page = "<!--\n:begin_tab:`mxnet`\nSome English.\n:end_tab:\n-->\n\n:begin_tab:`mxnet`\nMột câu.\n:end_tab:\n"
    (seg,) = parse(page).segments()
    assert seg.state == "translated" and seg.translation.endswith(":end_tab:")


def test_a_table_caption_and_its_table_share_one_translation():
    page = (
        "<!--\n:Latency numbers.\n-->\n\n<!--\n| a | b |\n|---|---|\n| 1 | 2 |\n-->\n\n"
        ":Độ trễ.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    (seg,) = parse(page).segments()
    assert (seg.state, seg.role) == ("translated", "table")


def test_only_the_placeholder_family_is_untranslated():
    page = "<!--\nMachine translation.\n-->\n\n*dịch máy*\n\n<!--\nCovariate shift.\n-->\n\n*dịch chuyển hiệp biến*\n"
    assert [s.state for s in parse(page).segments()] == ["translated", "translated"]


def test_zero_width_characters_do_not_hide_a_placeholder_or_split_a_name():
    page = "<!--\nA.\n-->\n\n*dịch\u200b đoạn phía trên*\n\n## Những người\u200b thực hiện\n* Nguyễn\u200b Văn A\n"
    doc = parse(page)
    assert [s.state for s in doc.segments()] == ["untranslated"]
    assert doc.contributors == ["Nguyễn Văn A"]


def test_a_bom_page_reads_like_any_other():
    doc = parse("\ufeff<!--\n# A title\n-->\n\n# Tiêu đề\n")
    assert [s.state for s in doc.segments()] == ["translated"]
    assert doc.title == "Tiêu đề"


def test_setext_titles_name_the_page():
    assert parse("<!--\nTitle\n=====\n-->\n\nTiêu đề\n=======\n").title == "Tiêu đề"
    assert parse("Bài viết\n--------\n\nNội dung.\n").title == "Bài viết"


def test_a_label_inside_the_english_comment_is_not_a_reference_to_keep():
    page = "<!--\n| a |\n|---|\n| 1 |\n:label:`tab_x`\n-->\n\n| a |\n|---|\n| 1 |\n\n:label:`tab_x`\n"
    assert [d.message for d in check_document(parse(page, "p.md")) if "reference" in d.message] == []


def test_toc_entries_may_name_d2l_vn_pages_with_or_without_the_suffix(tmp_path):
    (tmp_path / "gan_vn.md").write_text("# GAN\n", encoding="utf-8")
    index = tmp_path / "index_vn.md"
    index.write_text("# Chương\n\n```toc\n:maxdepth: 2\n\ngan\ngan_vn\nmissing\n```\n", encoding="utf-8")
    found = [d.message for d in check_document(parse(index.read_text(encoding="utf-8"), str(index)))]
    assert len(found) == 1 and "toc entry 'missing'" in found[0]


def test_notebook_prose_keeps_roles_quoted_in_code():
    text = "Các dòng `:label:` và `:eqlabel:`, cùng các khối `toc`, xem :numref:`sec_x`."
    assert prose(text, "vi", {"sec_x": "Mục X"}, "", None) == (
        "Các dòng `:label:` và `:eqlabel:`, cùng các khối `toc`, xem “Mục X”."
    )
