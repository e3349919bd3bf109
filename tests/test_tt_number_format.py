"""``check``: numbers in Vietnamese prose are written as the code prints them (decimal point, no grouping)."""

from __future__ import annotations

import pytest

from translation_tools.check import check_document
from translation_tools.parse import parse


def number_warnings(english: str, slot: str) -> list[tuple[int, str]]:
    doc = parse(f"<!--\n{english}\n-->\n\n{slot}\n", path="p.md")
    return [(d.line, d.message) for d in check_document(doc) if d.message.startswith("number ")]


@pytest.mark.parametrize(
    "slot, fix",
    [
        ("Xác suất 0,25 là nhỏ.", "write '0.25'"),
        ("Một bộ từ vựng gồm 10.000 token.", "write '10000'"),
        ("Một bộ từ vựng gồm 1.000.000 token.", "write '1000000'"),
        ("Một bộ từ vựng gồm 10,000 token.", "write '10000' if it is a whole number, '10.000' if it is a decimal"),
        ("Hàng 10,000,000 token.", "write '10000000'"),
        ("Giá trị 1.000,5 theo kiểu châu Âu.", "write '1000.5'"),
        ("Có 38\u00a0152 token.", "write '38152'"),
        ("Có 38\u202f152 token.", "write '38152'"),
        ("- Mục một.\n- Xác suất 0,9 ở mục hai.", "write '0.9'"),
        ("| cột |\n|---|\n| 0,5 |", "write '0.5'"),
        ("![Với w = 0,9.](../img/a.svg)", "write '0.9'"),
    ],
)
def test_a_decimal_comma_or_thousands_separator_warns(slot, fix):
    found = number_warnings("A number, in English.", slot)
    assert len(found) == 1, found
    assert fix in found[0][1] and "as the code prints numbers" in found[0][1]


def test_the_warning_points_at_the_line_of_the_number():
    found = number_warnings("* One.\n* Two.", "* Một.\n* Hai với 0,5.")
    assert [line for line, _ in found] == [7]  # the slot starts on line 6


def test_a_number_repeated_in_a_slot_warns_once():
    assert len(number_warnings("It is 16,000 twice: 16,000.", "Hai lần 16.000: 16.000.")) == 1


@pytest.mark.parametrize(
    "slot",
    [
        "Xác suất 0.25 và mất mát 1.5, như mã in ra.",
        "Mã in `0,25` và `10.000` trong ô mã.",
        "Công thức $0,25 + 10.000$ ở đây.",
        "Các bài tập 1, 2 và 3.",
        "Các bước 1,2,3.",
        "Phiên bản 2.13.0 và v1.100.2 của thư viện.",
        "Độ chính xác 0.250 sau 10000 bước.",
        "Giá trị 3.14159 và 12.5 %.",
        "Năm 2014, hai nhóm; mục 3.2.",
    ],
)
def test_numbers_that_follow_the_convention_or_are_not_prose_do_not_warn(slot):
    assert number_warnings("A number, in English.", slot) == []


def test_a_decimal_with_three_places_copied_from_the_english_does_not_warn():
    assert number_warnings("The loss printed is 1.250.", "Mất mát in ra là 1.250.") == []


def test_an_untranslated_slot_is_not_checked():
    assert number_warnings("Ten thousand, 10,000.", "*dịch đoạn phía trên*") == []


def test_a_monolingual_page_is_checked_outside_code_and_math():
    doc = parse("# Bài viết\n\nVới $w = 0,9$ và `0,9`, còn lại 0,006.\n", path="p.md")
    found = [(d.line, d.message) for d in check_document(doc)]
    assert len(found) == 1 and found[0][0] == 3 and "write '0.006'" in found[0][1]


def test_the_english_source_is_not_checked():
    assert (
        number_warnings("Ten thousand is 10,000 and a quarter 0,25.", "Mười nghìn là 10000 và một phần tư là 0.25.")
        == []
    )
