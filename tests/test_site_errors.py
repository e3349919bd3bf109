"""A broken page fails the strict build with one `file:line: ...` message (the `check` one when it has it)."""

from __future__ import annotations

import pytest
from conftest import build_site, run_tools, write_book
from site_fixture import INTRO, files

INTRO_PATH = "docs/chapter_a/intro.md"


def build_with(tmp_path, **changes):
    book = files()
    book.update(changes)
    config = write_book(tmp_path, book)
    return build_site(config, tmp_path / "site", cwd=tmp_path)


def test_malformed_page_fails_with_the_check_message(tmp_path):
    broken = INTRO.replace("mỗi dòng một tên.\n-->", "mỗi dòng một tên.")
    result = build_with(tmp_path, **{INTRO_PATH: broken})
    assert result.returncode != 0
    check = run_tools("check", "docs", cwd=tmp_path)
    message = next(line for line in check.stdout.splitlines() if line.startswith(INTRO_PATH))
    assert "unterminated comment" in message
    assert message in result.stderr


def test_with_both_plugins_a_malformed_page_fails_with_the_check_message(tmp_path):
    broken = INTRO.replace("mỗi dòng một tên.\n-->", "mỗi dòng một tên.")
    book = files()
    book[INTRO_PATH] = broken
    result = build_site(write_book(tmp_path, book, execute=True), tmp_path / "site", cwd=tmp_path)
    assert result.returncode != 0
    check = run_tools("check", "docs", cwd=tmp_path)
    message = next(line for line in check.stdout.splitlines() if line.startswith(INTRO_PATH))
    assert ": error: unterminated comment" in message
    assert message in result.stderr, result.stderr


def test_forbidden_glossary_variant_fails_like_check(tmp_path):
    bad = INTRO.replace("Nhắc lại: mạng nơ-ron hồi tiếp.", "Nhắc lại: mạng nơ-ron hồi quy.")
    result = build_with(tmp_path, **{INTRO_PATH: bad})
    check = run_tools("check", "docs", cwd=tmp_path)
    errors = [line for line in check.stdout.splitlines() if ": error: " in line]
    assert errors and result.returncode != 0
    assert errors[0] in result.stderr


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (":numref:`fig_unrolled`", ":numref:`fig_nowhere`", "unknown label 'fig_nowhere'"),
        (":eqref:`eq_state`", ":eqref:`eq_nowhere`", "unknown label 'eq_nowhere'"),
        (":cite:`Elman.1990`", ":cite:`Nobody.2099`", "unknown citation key 'Nobody.2099'"),
        (":label:`sec_details`", ":label:`sec_intro`", "duplicate label 'sec_intro'"),
        ("\\odot", "\\frac{1}{", "unbalanced"),
        ("\\odot", "\\notacommand", "unknown LaTeX command \\notacommand"),
        ("$x_t$", "$x_t \\alsonotacommand$", "unknown LaTeX command \\alsonotacommand"),  # inline math
    ],
)
def test_bad_reference_or_math_names_file_and_line(tmp_path, old, new, expected):
    text = INTRO.replace(old, new) if "label:" not in old else INTRO.replace(old, new, 1)
    result = build_with(tmp_path, **{INTRO_PATH: text})
    assert result.returncode != 0
    lines = [number for number, line in enumerate(text.split("\n"), 1) if new in line]
    if "label:" in old:
        lines = lines[1:]  # the duplicate, not the first definition
    assert expected in result.stderr, result.stderr
    assert any(f"{INTRO_PATH}:{line}:" in result.stderr for line in lines), result.stderr


def test_toc_entry_without_page_fails(tmp_path):
    chapter = files()["docs/chapter_a/index.md"].replace("intro\n```", "intro\nmissing\n```")
    result = build_with(tmp_path, **{"docs/chapter_a/index.md": chapter})
    assert result.returncode != 0
    assert "docs/chapter_a/index.md:" in result.stderr and "toc entry 'missing' names no page" in result.stderr
