"""The glossary: one-pass term matching, normalised text, and d2l-vn style Markdown-table glossaries."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

import translation_tools.glossary as glossary_module
from translation_tools.check import check_document
from translation_tools.glossary import Glossary, Term, load_glossary
from translation_tools.mdtext import inline_parts
from translation_tools.pages import page_paths
from translation_tools.parse import FormatError, parse, parse_file

ROOT = Path(__file__).parent.parent
BOOK_GLOSSARY = ROOT / "docs" / "glossary.yml"
D2L_GLOSSARY = Path(__file__).parent / "real" / "d2l-vn" / "glossary.md"


def english_of_the_book() -> list[str]:
    """The English prose of every segment in docs/."""
    pages = [parse_file(path) for path in page_paths([str(ROOT / "docs")])]
    return [inline_parts(seg.english).prose for doc in pages for seg in doc.segments()]


def terms_one_regex_each(glossary: Glossary, english: str) -> list[Term]:
    """How ``terms_in`` worked before one-pass matching: a regex per term, longest term first."""
    separator = r"[\s\-‐‑–—]+"
    found: list[Term] = []
    taken: list[tuple[int, int]] = []
    for term in sorted(glossary.entries, key=lambda term: -len(term.en)):
        words = [re.escape(word) for word in re.split(separator, term.en.strip())]
        pattern = re.compile(r"(?<!\w)" + separator.join(words) + r"(?:s|es)?(?!\w)", re.IGNORECASE)
        for match in pattern.finditer(english):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            taken.append(match.span())
            if term not in found:
                found.append(term)
    return found


def english_terms(glossary: Glossary, english: str) -> list[str]:
    return [term.en for term in glossary.terms_in(english)]


def check(english: str, slot: str, glossary: Glossary, outdated: bool = False) -> list[tuple[int, str, str]]:
    marker = "<!-- outdated: the English above changed; review the translation, then delete this line -->\n"
    doc = parse(f"<!--\n{english}\n-->\n{marker if outdated else ''}\n{slot}\n", path="p.md")
    return [(d.line, d.severity, d.message) for d in check_document(doc, glossary)]


RNN = Glossary(
    [
        Term("recurrent neural network", "mạng nơ-ron hồi tiếp", ["mạng nơ-ron hồi quy"]),
        Term("neural network", "mạng nơ-ron"),
        Term("hidden state", "trạng thái ẩn"),
        Term("state", "trạng thái"),
        Term("batch", "batch"),
    ]
)


# --- one pass, same answers --------------------------------------------------------------------------


def test_one_pass_finds_the_same_terms_as_a_regex_per_term_on_the_book():
    glossary = load_glossary(str(BOOK_GLOSSARY))
    paragraphs = english_of_the_book()
    with_terms = [english for english in paragraphs if terms_one_regex_each(glossary, english)]
    assert len(with_terms) > 100  # the comparison covers real prose, not empty pages
    for english in paragraphs:
        assert glossary.terms_in(english) == terms_one_regex_each(glossary, english), english


def test_one_pass_finds_the_same_terms_as_a_regex_per_term_with_d2l_glossary():
    glossary = load_glossary(str(D2L_GLOSSARY))
    for english in english_of_the_book():
        assert glossary.terms_in(english) == terms_one_regex_each(glossary, english), english


def test_longest_term_wins_an_overlap():
    assert english_terms(RNN, "A recurrent neural network.") == ["recurrent neural network"]


def test_longest_term_wins_even_when_a_shorter_one_starts_first():
    glossary = Glossary(
        [Term("hidden state", "trạng thái ẩn"), Term("state space model", "mô hình không gian trạng thái")]
    )
    assert english_terms(glossary, "a hidden state space model") == ["state space model"]


def test_a_term_hidden_by_a_losing_longer_term_is_still_found():
    glossary = Glossary(
        [Term("time", "thời gian"), Term("time step size", "cỡ bước"), Term("step size schedule", "lịch")]
    )
    assert english_terms(glossary, "time step size schedule") == ["step size schedule", "time"]


def test_plural_on_the_last_word_only():
    assert english_terms(RNN, "Two Hidden States, two batches.") == ["hidden state", "batch"]
    assert english_terms(RNN, "hiddens state") == ["state"]


def test_whole_words_only():
    assert english_terms(RNN, "a statesman, a batchnorm, restate") == []


def test_any_separator_and_case_join_the_words():
    assert english_terms(RNN, "Recurrent–Neural\nnetwork") == ["recurrent neural network"]


def test_empty_glossary_finds_nothing():
    assert Glossary([]).terms_in("hidden state") == []
    assert Glossary([]).forbidden_in("mạng nơ-ron hồi quy") == []


def test_the_matchers_are_compiled_once_per_glossary(monkeypatch):
    built: list[str] = []
    trie_regex = glossary_module._trie_regex

    def counting(keys):
        built.append("regex")
        return trie_regex(keys)

    monkeypatch.setattr(glossary_module, "_trie_regex", counting)
    glossary = Glossary(list(RNN.entries))
    for _ in range(3):
        glossary.forbidden_in("mạng nơ-ron hồi quy")
        glossary.missing_renderings("hidden state", "trạng thái ẩn")
    assert len(built) == 3  # English terms, renderings, forbidden variants


def test_a_rendering_inside_a_longer_one_counts():
    assert RNN.missing_renderings("the state and the hidden state", "trạng thái ẩn") == []
    assert [t.en for t in RNN.missing_renderings("the hidden state", "trạng thái")] == ["hidden state"]


# --- normalised text -----------------------------------------------------------------------------------


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"])
def test_a_forbidden_rendering_split_by_an_invisible_character_is_found(invisible):
    slot = f"Một mạng nơ-ron hồi{invisible} quy."
    assert [variant for variant, _ in RNN.forbidden_in(slot)] == ["mạng nơ-ron hồi quy"]


def test_a_forbidden_rendering_in_nfd_is_found():
    slot = unicodedata.normalize("NFD", "Một Mạng Nơ-ron Hồi Quy.")
    assert slot != unicodedata.normalize("NFC", slot)
    found = check("A recurrent neural network.", slot, RNN)
    assert any(
        severity == "error" and "forbidden rendering 'mạng nơ-ron hồi quy'" in message for _, severity, message in found
    )


def test_an_english_term_split_by_a_zero_width_space_is_found():
    assert english_terms(RNN, "a hid\u200bden state") == ["hidden state"]


def test_terms_from_the_file_are_normalised(tmp_path):
    path = tmp_path / "glossary.yml"
    nfd = unicodedata.normalize("NFD", "mạng nơ-ron hồi quy")
    path.write_text(f"- en: recur\u200brent neural network\n  vi: x\n  forbidden: [{nfd}]\n", encoding="utf-8")
    term = load_glossary(str(path)).entries[0]
    assert term.en == "recurrent neural network"
    assert term.forbidden == ["mạng nơ-ron hồi quy"]


# --- outdated slots are published, so they are checked ------------------------------------------------


def test_outdated_slot_gets_the_forbidden_error():
    found = check("A recurrent neural network.", "Một mạng nơ-ron hồi quy.", RNN, outdated=True)
    assert [(line, severity, message.split(":")[0]) for line, severity, message in found] == [
        (4, "warning", "outdated translation"),
        (6, "error", "forbidden rendering 'mạng nơ-ron hồi quy'"),
        (
            6,
            "warning",
            "the English uses 'recurrent neural network' but the translation lacks the glossary rendering 'mạng nơ-ron hồi tiếp'",
        ),
    ]


def test_outdated_slot_gets_the_glossary_warning():
    found = check("The hidden state.", "Trạng thái cũ.", RNN, outdated=True)
    assert [message for _, _, message in found][1:] == [
        "the English uses 'hidden state' but the translation lacks the glossary rendering 'trạng thái ẩn'"
    ]


def test_outdated_slot_gets_the_leftover_placeholder_warning():
    found = check("English.", "*dịch đoạn phía trên* Bản dịch cũ.", RNN, outdated=True)
    assert [(line, severity) for line, severity, _ in found] == [(4, "warning"), (6, "warning")]
    assert "placeholder" in found[1][2]


def test_outdated_slot_may_differ_in_math_from_the_new_english():
    assert [severity for _, severity, _ in check("New $x_t$.", "Cũ $y$.", RNN, outdated=True)] == ["warning"]


# --- Markdown-table glossaries (d2l-vn) ---------------------------------------------------------------

TABLE = """\
# Bảng thuật ngữ

## A
| English | Tiếng Việt | Thảo luận tại |
|---------|------------|---------------|
| attention | *cơ chế tập trung* | [#12](https://git.io/abc) |
| autoregressive | [tự hồi quy](https://example.org/ar) | |
| accuracy |  | |

## B
| English            | Tiếng Việt                  | Ghi chú |
|:-------------------|:----------------------------|---------|
| **batch** size     | kích thước batch, cỡ batch / cỡ lô | thường dùng |
| import (module)    | nhập (mô-đun, gói)          |
| a \\| b              | a hoặc b                    | |

```
| English | Tiếng Việt |
|---|---|
| fenced | không phải thuật ngữ |
```
"""


def table_glossary(tmp_path, text: str, name: str = "glossary.md") -> Glossary:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_glossary(str(path))


def test_table_glossary_reads_every_section(tmp_path):
    entries = table_glossary(tmp_path, TABLE).entries
    assert [(t.en, t.line) for t in entries] == [
        ("attention", 6),
        ("autoregressive", 7),
        ("batch size", 13),
        ("import (module)", 14),
        ("a | b", 15),
    ]


def test_table_glossary_cells_lose_their_markdown(tmp_path):
    terms = {t.en: t for t in table_glossary(tmp_path, TABLE).entries}
    assert terms["attention"].vi == "cơ chế tập trung"
    assert terms["autoregressive"].vi == "tự hồi quy"


def test_table_glossary_several_renderings_first_is_vi(tmp_path):
    terms = {t.en: t for t in table_glossary(tmp_path, TABLE).entries}
    assert (terms["batch size"].vi, terms["batch size"].also) == ("kích thước batch", ["cỡ batch", "cỡ lô"])
    assert (terms["import (module)"].vi, terms["import (module)"].also) == ("nhập (mô-đun, gói)", [])


def test_table_glossary_extra_columns_become_the_note(tmp_path):
    terms = {t.en: t for t in table_glossary(tmp_path, TABLE).entries}
    assert terms["attention"].note == "#12 (https://git.io/abc)"
    assert terms["batch size"].note == "thường dùng"
    assert terms["autoregressive"].note == ""


def test_table_glossary_forbidden_column_is_checked(tmp_path):
    glossary = table_glossary(
        tmp_path,
        "| English | Tiếng Việt | Không dùng |\n|---|---|---|\n| recurrent neural network | mạng nơ-ron hồi tiếp | mạng nơ-ron hồi quy |\n",
    )
    found = check("A recurrent neural network.", "Một mạng nơ-ron hồi quy, tức mạng nơ-ron hồi tiếp.", glossary)
    assert [(line, severity) for line, severity, _ in found] == [(5, "error")]


def test_table_without_a_vietnamese_column_is_an_error_at_its_header(tmp_path):
    with pytest.raises(FormatError) as error:
        table_glossary(tmp_path, "# Glossary\n\n| English | Notes |\n|---|---|\n| token | kept |\n")
    assert (error.value.line, str(error.value).split(": ")[0]) == (3, f"{tmp_path / 'glossary.md'}:3")
    assert "without a 'Tiếng Việt' column" in error.value.message


def test_table_row_without_english_is_an_error_at_its_line(tmp_path):
    with pytest.raises(FormatError) as error:
        table_glossary(tmp_path, "| English | Tiếng Việt |\n|---|---|\n| token | token |\n|  | trạng thái |\n")
    assert error.value.line == 4 and "no English term" in error.value.message


def test_markdown_file_without_a_table_is_an_error(tmp_path):
    with pytest.raises(FormatError, match=r"glossary.md:1: no glossary table"):
        table_glossary(tmp_path, "# Bảng thuật ngữ\n\nChưa có gì.\n")


def test_yaml_file_is_still_read_as_yaml(tmp_path):
    glossary = table_glossary(tmp_path, "- en: token\n  vi: token\n", name="glossary.yml")
    assert [(t.en, t.vi, t.line) for t in glossary.entries] == [("token", "token", 1)]


def test_d2l_glossary_has_one_term_per_row_with_vietnamese():
    rows = 0
    for line in D2L_GLOSSARY.read_text(encoding="utf-8").split("\n"):
        cells = line.split("|")
        if len(cells) < 3 or set(line.strip()) <= set("|-: ") or cells[1].strip() == "English":
            continue
        rows += bool(cells[2].strip())
    assert rows > 400
    assert len(load_glossary(str(D2L_GLOSSARY)).entries) == rows


def test_d2l_glossary_known_entries():
    terms = {t.en: t for t in load_glossary(str(D2L_GLOSSARY)).entries}
    bptt = terms["backpropagation through time"]
    assert (bptt.vi, bptt.also, bptt.line) == ("lan truyền ngược qua thời gian", [], 44)
    assert terms["bag of words"].vi == "túi từ"  # its row has no closing '|'
    inference = terms["inference (in model training and inference)"]
    assert (inference.vi, inference.also) == ("dự đoán", ["suy luận"])
    assert terms["import (module, package)"].vi == "nhập (mô-đun, gói thư viện)"
    assert terms["adversarial learning"].note == "https://git.io/JvQxt"


def test_d2l_glossary_checks_a_translation():
    glossary = load_glossary(str(D2L_GLOSSARY))
    found = check("Beam search is a heuristic.", "Tìm kiếm chùm là một phương pháp.", glossary)
    assert [message for _, _, message in found] == [
        "the English uses 'heuristic' but the translation lacks the glossary rendering 'thực nghiệm'"
    ]
