"""``check``: one tiny page per problem, asserting the message and its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from translation_tools.check import check_document, check_pages
from translation_tools.glossary import Glossary, Term, load_glossary
from translation_tools.parse import parse

GLOSSARY = Glossary(
    [
        Term("recurrent neural network", "mạng nơ-ron hồi tiếp", ["mạng nơ-ron hồi quy"]),
        Term("hidden state", "trạng thái ẩn"),
        Term("encoder-decoder", "mã hoá – giải mã", also=["mã hóa – giải mã"]),
    ]
)


def problems(english: str, slot: str, glossary=GLOSSARY) -> list[tuple[int, str, str]]:
    doc = parse(f"<!--\n{english}\n-->\n\n{slot}\n", path="p.md")
    return [(d.line, d.severity, d.message) for d in check_document(doc, glossary)]


def only(english: str, slot: str, glossary=GLOSSARY) -> tuple[int, str, str]:
    found = problems(english, slot, glossary)
    assert len(found) == 1, found
    return found[0]


def test_clean_segment_has_no_problem():
    assert problems("The $h_t$ of `nn.RNN`, see :numref:`sec_rnn`.", "$h_t$ của `nn.RNN`, xem :numref:`sec_rnn`.") == []


def test_missing_slot_is_an_error():
    doc = parse("<!--\nEnglish.\n-->\n\n<!--\nMore.\n-->\n\nThêm.\n", path="p.md")
    found = check_document(doc)
    assert [(d.line, d.severity) for d in found] == [(1, "error")]
    assert "translation slot missing" in found[0].message


def test_untranslated_placeholder_is_not_a_problem():
    assert problems("English.", "*dịch đoạn phía trên*") == []


def test_placeholder_beside_translation_warns():
    line, severity, message = only("English.", "*dịch đoạn phía trên* Tiếng Việt.")
    assert (line, severity) == (5, "warning") and "placeholder" in message


@pytest.mark.parametrize(
    "english, slot, kind",
    [
        ("Math $x_t$ here.", "Công thức $x_{t}$ ở đây.", "inline math"),
        ("Code `nn.GRU` here.", "Mã `nn.LSTM` ở đây.", "inline code"),
        ("See :numref:`sec_rnn`.", "Xem :numref:`sec_gru`.", "reference"),
        ("Cite :cite:`Cho.2014`.", "Trích dẫn.", "reference"),
        ("A [link](https://pytorch.org).", "Một [liên kết](https://example.org).", "link target"),
        ("![Fig.](../img/a.svg)", "![Hình.](../img/b.svg)", "link target"),
    ],
)
def test_altered_inline_parts_are_errors(english, slot, kind):
    line, severity, message = only(english, slot)
    assert (line, severity) == (5, "error") and message.startswith(kind)


def test_spacing_inside_math_does_not_matter():
    assert problems("Math $x_t + 1$.", "Công thức $x_t+1$.") == []


def test_slot_repeating_the_english_is_an_error():
    text = "This sentence was copied into the slot unchanged."
    assert only(text, text)[1:] == ("error", "the slot repeats the English: translate it into Vietnamese")


def test_english_words_without_vietnamese_letters_warn():
    assert only("Some text.", "This sentence is still written in English words.")[1] == "warning"


def test_forbidden_glossary_rendering_is_an_error():
    _line, severity, message = only("A recurrent neural network.", "Một mạng nơ-ron hồi quy và mạng nơ-ron hồi tiếp.")
    assert severity == "error" and "forbidden rendering 'mạng nơ-ron hồi quy'" in message


def test_missing_glossary_rendering_warns_with_plural_and_case():
    _line, severity, message = only("Hidden States carry memory.", "Các trạng thái giữ bộ nhớ.")
    assert severity == "warning" and "'trạng thái ẩn'" in message


def test_glossary_accepts_listed_spelling_variants_and_dashes():
    assert problems("An encoder–decoder model.", "Một mô hình mã hóa-giải mã.") == []


def test_glossary_ignores_terms_inside_code_and_math():
    assert problems("Call `hidden_state()` on $hidden state$.", "Gọi `hidden_state()` trên $hidden state$.") == []


def test_glossary_compares_nfc():
    import unicodedata

    slot = unicodedata.normalize("NFD", "Trạng thái ẩn.")
    assert problems("Hidden state.", slot) == []


@pytest.mark.parametrize(
    "slot",
    [
        "Chữ <script>alert(1)</script>.",
        'Ảnh <img src="a.png" onerror="x()">.',
        "[Bấm](javascript:alert(1)).",
    ],
)
def test_unsafe_html_in_translation_is_an_error(slot):
    found = problems("Plain text here.", slot)
    assert any(severity == "error" and "not allowed" in message for _, severity, message in found)


def test_outdated_segment_warns_at_marker_line():
    doc = parse("<!--\nNew English.\n-->\n<!-- outdated -->\n\nBản dịch cũ.\n", path="p.md")
    assert [(d.line, d.severity) for d in check_document(doc)] == [(4, "warning")]


def test_stray_comment_close_is_an_error():
    doc = parse("Văn bản.\n-->\n", path="p.md")
    assert [(d.line, d.severity) for d in check_document(doc)] == [(2, "error")]


def test_contributor_bullets_without_space_or_with_double_space_warn():
    doc = parse("## Những người thực hiện\n*Nguyễn Văn A\n* Trần  Thị B\n*\n* Lê C\n", path="p.md")
    found = [(d.line, d.severity) for d in check_document(doc)]
    assert found == [(2, "warning"), (3, "warning")]


def test_duplicate_labels_within_and_across_pages():
    first = parse(":label:`sec_a`\n\n:label:`sec_a`\n", path="a.md")
    second = parse("$$x$$\n:eqlabel:`sec_a`\n", path="b.md")
    found = [(d.path, d.line, d.severity) for d in check_pages([first, second])]
    assert found == [("a.md", 3, "error"), ("b.md", 2, "error")]


def test_unknown_reference_warns_only_for_a_whole_book():
    doc = parse("<!--\nSee :numref:`sec_missing`.\n-->\n\nXem :numref:`sec_missing`.\n", path="a.md")
    assert check_pages([doc]) == []
    assert [d.severity for d in check_pages([doc], whole_book=True)] == ["warning"]


def test_book_glossary_loads_and_holds_the_design_terms():
    path = Path(__file__).parent.parent / "docs" / "glossary.yml"
    glossary = load_glossary(str(path))
    terms = {term.en: term for term in glossary.entries}
    assert terms["recurrent neural network"].vi == "mạng nơ-ron hồi tiếp"
    assert "mạng nơ-ron hồi quy" in terms["recurrent neural network"].forbidden
    assert terms["attention"].vi == "cơ chế tập trung"


def test_glossary_file_errors_point_at_the_entry(tmp_path):
    from translation_tools.parse import FormatError

    bad = tmp_path / "glossary.yml"
    bad.write_text("- en: a\n  vi: b\n- en: c\n", encoding="utf-8")
    with pytest.raises(FormatError, match=r"glossary.yml:3: each glossary entry needs"):
        load_glossary(str(bad))


def test_reference_syntax_quoted_in_code_is_code_not_a_reference():
    english = "Lines such as `:label:` and `:eqlabel:` stay; see :numref:`sec_a`."
    assert problems(english, "Các dòng như `:label:` và `:eqlabel:` được giữ; xem :numref:`sec_a`.") == []
    found = only(english, "Các dòng như `:label:` và `:eqlabel:` được giữ.")
    assert found[2].startswith("reference :numref:`sec_a`")


def test_a_second_translated_paragraph_belongs_to_the_slot():
    doc = parse("<!--\nA.\n-->\n\nMột.\n\nĐoạn thứ hai của bản dịch.\n", path="p.md")
    assert check_document(doc) == []
    assert doc.segments()[0].translation == "Một.\n\nĐoạn thứ hai của bản dịch."


def test_text_outside_segments_of_a_bilingual_page_warns():
    doc = parse("<!--\nA.\n-->\n\nMột.\n\n```python\nx = 1\n```\n\nĐoạn lạc ra ngoài.\n", path="p.md")
    found = [(d.line, d.severity, d.message.split(":")[0]) for d in check_document(doc)]
    assert found == [(11, "warning", "text outside any segment")]


def test_forbidden_rendering_in_a_monolingual_page_is_an_error():
    doc = parse("# Bài viết\n\nMột mạng nơ-ron hồi quy đơn giản.\n", path="p.md")
    found = [(d.line, d.severity) for d in check_document(doc, GLOSSARY)]
    assert found == [(3, "error")]


def test_toc_entries_must_name_pages(tmp_path):
    (tmp_path / "a.md").write_text("# A\n", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "index.md").write_text("# Sub\n", encoding="utf-8")
    index = tmp_path / "index.md"
    doc = parse("# Mục lục\n\n```toc\n:maxdepth: 2\n\na\nsub\nmissing\n```\n", path=str(index))
    found = [(d.line, d.severity, d.message.split(":")[0]) for d in check_document(doc)]
    assert found == [(8, "error", "toc entry 'missing' names no page")]


def test_unknown_citation_keys_warn_for_a_whole_book():
    doc = parse(
        "<!--\nAs shown :cite:`Known.2014,Unknown.2020`.\n-->\n\nNhư :cite:`Known.2014,Unknown.2020`.\n", path="a.md"
    )
    found = [d.message for d in check_pages([doc], whole_book=True, citation_keys={"Known.2014"})]
    assert found == [":cite:`Unknown.2020` is not in references.bib: add its BibTeX entry"]


def test_citation_keys_are_read_from_bibtex(tmp_path):
    from translation_tools.check import citation_keys

    bib = tmp_path / "references.bib"
    bib.write_text(
        "@article{Cho.2014,\n title={x}}\n@inproceedings{ Hochreiter.Schmidhuber.1997 ,\n}\n", encoding="utf-8"
    )
    assert citation_keys(str(bib)) == {"Cho.2014", "Hochreiter.Schmidhuber.1997"}


def test_html_in_the_credits_is_flagged_and_italic_notes_are_not_names():
    page = (
        "<!--\nA.\n-->\n\nMột.\n\n## Những người thực hiện\nBản dịch trong trang này được thực hiện bởi:\n"
        "<!--\nHướng dẫn <b>không</b> tính.\n-->\n\n* Nguyễn Văn A\n* <b>Trần Thị B</b>\n"
        "*Lần cập nhật gần nhất: 10/09/2020.*\n* [Tiếng Anh](https://example.org)\n- - -\n"
    )
    doc = parse(page, path="p.md")
    assert doc.contributors == ["Nguyễn Văn A"]
    found = [(d.line, d.message.split(":")[0]) for d in check_document(doc)]
    assert found == [(14, "HTML in the credits")]


def test_a_second_credits_section_adds_its_names():
    page = (
        "<!--\nA.\n-->\n\nMột.\n\n## Những người thực hiện\n* Nguyễn Văn A\n\n"
        "<!--\nB.\n-->\n\nHai.\n\n### Những người thực hiện\n* Lê Văn C\n"
    )
    assert parse(page).contributors == ["Nguyễn Văn A", "Lê Văn C"]


# --- review markers -------------------------------------------------------------------------


def review_problems(marker: str, slot: str = "Một đoạn.") -> list[tuple[int, str, str]]:
    doc = parse(f"<!--\nA paragraph.\n-->\n{marker}\n\n{slot}\n", path="p.md")
    return [(d.line, d.severity, d.message) for d in check_document(doc, GLOSSARY)]


@pytest.mark.parametrize("marker", ["<!-- draft -->", "<!-- draft: machine -->", "<!--draft:machine-->"])
def test_draft_translation_warns_with_the_review_command(marker):
    assert review_problems(marker) == [
        (4, "warning", "draft translation: review it, then run 'review p.md --lines 6 --by \"Full Name\"'")
    ]


def test_reviewed_translation_is_clean():
    assert review_problems("<!-- reviewed: Nguyễn Văn A -->") == []


@pytest.mark.parametrize("marker", ["<!-- reviewed: -->", "<!-- reviewed -->"])
def test_review_marker_without_a_name_warns(marker):
    (found,) = review_problems(marker)
    assert found[:2] == (4, "warning") and found[2].startswith("review marker without a name")


@pytest.mark.parametrize(
    "marker",
    ["<!-- reviewed by Nguyễn Văn A -->", "<!-- review: Nguyễn Văn A -->", "<!-- reviewd: Lê Văn C -->"],
)
def test_misspelt_review_marker_is_reported_not_taken_as_a_note(marker):
    found = review_problems(marker)
    assert [(line, severity) for line, severity, _ in found] == [(4, "warning")]
    assert found[0][2].startswith("malformed review marker")
    assert parse(f"<!--\nA paragraph.\n-->\n{marker}\n\nMột đoạn.\n").segments()[0].review is None


def test_second_review_marker_warns():
    doc = parse("<!--\nA paragraph.\n-->\n<!-- draft -->\n<!-- reviewed: Lê C -->\n\nMột đoạn.\n", path="p.md")
    assert [(d.line, d.message.split(":")[0]) for d in check_document(doc)] == [(5, "a second review marker")]


def test_review_marker_on_untranslated_segment_warns():
    (found,) = review_problems("<!-- reviewed: Lê C -->", "*dịch đoạn phía trên*")
    assert found[:2] == (4, "warning") and "untranslated segment" in found[2]


def test_review_marker_outside_a_segment_warns():
    doc = parse("Một đoạn.\n\n<!-- reviewed: Lê Văn C -->\n", path="p.md")
    found = [(d.line, d.message) for d in check_document(doc)]
    assert (3, "review marker outside a segment: put it on the line after the English comment, or delete it") in found


def test_outdated_segment_with_review_marker_is_outdated_not_draft():
    doc = parse(
        "<!--\nA paragraph.\n-->\n<!-- outdated: the English changed -->\n<!-- draft -->\n\nMột đoạn.\n", path="p.md"
    )
    assert [d.message.split(":")[0] for d in check_document(doc)] == ["outdated translation"]
