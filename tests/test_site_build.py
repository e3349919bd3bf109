"""Plain (non-strict) builds of a tiny book with problems: `check` findings are build warnings,
unsafe HTML is neutralised in every page, and the pages name themselves without machine paths."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import MKDOCS, run_tools, write_book
from site_fixture import CHAPTER, CONTRIBUTORS, INTRO, files

INTRO_PATH = "docs/chapter_a/intro.md"
UNSAFE = '<img src=x onerror="alert(1)"> <script>alert(2)</script> [bấm](javascript:alert(3))'
# A translation with unsafe HTML beside ordinary Markdown: a link, emphasis, inline code and math.
TRANSLATED = (
    f"Trạng thái thay đổi theo thời gian {UNSAFE}, xem [trang](https://example.org/a), *nhấn mạnh*, `mã` và $x_t$."
)
SETEXT = """\
<!--
Setext Title
============
-->

Tiêu đề kiểu setext <img src=z onerror=alert(9)>
===================
:label:`sec_setext`

<!--
Setext Details
--------------
-->

Chi tiết kiểu setext
--------------------

<!--
A body <b onmouseover="alert(4)">paragraph</b> with $x \\notacommand$.
-->

Một đoạn văn với $x \\notacommand$.

$$\\frac{1}{$$
"""
UNTITLED = """\
<!--
Notes without a title.
-->

Ghi chú không có tiêu đề.
"""


def build(root: Path, strict: bool = False) -> subprocess.CompletedProcess:
    """``mkdocs build`` (plain unless ``strict``) of the book in ``root``, output captured."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", RNNBOOK_EXECUTE="0")
    command = [*MKDOCS, "build", "--config-file", str(root / "mkdocs.yml"), "--site-dir", str(root / "site")]
    return subprocess.run(
        [*command, *(["--strict"] if strict else [])], cwd=root, env=env, capture_output=True, text=True
    )


def problem_book() -> dict[str, str]:
    book = files()
    intro = INTRO.replace("Trạng thái thay đổi theo thời gian.", TRANSLATED)
    intro = intro.replace("Nhắc lại: mạng nơ-ron hồi tiếp.", "Nhắc lại: mạng nơ-ron hồi quy.")  # forbidden term
    intro = intro.replace("The state changes over time.", "The state changes <script>alert(5)</script> over time.")
    book[INTRO_PATH] = intro.replace("* Trần Thị B", "* Trần <img src=y onerror=alert(6)> B")
    book["docs/chapter_a/index.md"] = CHAPTER.replace("```toc\nintro\n", "```toc\nintro\nsetext\nuntitled\n")
    book["docs/chapter_a/setext.md"] = SETEXT
    book["docs/chapter_a/untitled.md"] = UNTITLED
    book["contributors.md"] = CONTRIBUTORS + '* Mallory <a href="javascript:alert(7)" onclick="alert(8)">M</a>\n'
    return book


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    """The problem book built twice without --strict: (root, first build, second build from the check cache)."""
    root = tmp_path_factory.mktemp("plain")
    write_book(root, problem_book())
    first = build(root)
    second = build(root)
    return root, first, second


def html_of(root: Path, *parts: str) -> str:
    return (root / "site" / Path(*parts) / "index.html").read_text(encoding="utf-8")


def article(page: str) -> str:
    return page[page.index("<article") : page.index("</article>")]


def warnings(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("WARNING")]


def test_check_findings_are_warnings_of_a_plain_build(plain):
    root, first, second = plain
    assert first.returncode == 0, first.stderr
    check = run_tools("check", "docs", cwd=root).stdout.splitlines()
    errors = [line for line in check if ": error: " in line]
    assert any("forbidden rendering" in line for line in errors) and any("script" in line for line in errors)
    cache = (root / ".cache" / "site" / "check-findings.json").read_text(encoding="utf-8")
    assert "forbidden rendering" in cache
    for result in (first, second):  # the second build answers from that cache, and still says it all
        shown = warnings(result)
        for line in errors:
            assert sum(line in warning for warning in shown) == 1, (line, result.stderr)  # once, not per edition
        outdated = next(line for line in check if "outdated translation" in line)
        assert any(outdated in line for line in result.stderr.splitlines() if line.startswith("INFO"))


# The formulas SETEXT breaks, which the site finds when it renders the math (check does not).
# The unknown command is in the English (line 19) and in its translation (line 22): one warning.
MATH_PROBLEMS = [
    "docs/chapter_a/setext.md:19: unknown LaTeX command \\notacommand",
    "docs/chapter_a/setext.md:24: unbalanced '{'",
]


def test_strict_build_fails_on_the_same_findings(tmp_path):
    write_book(tmp_path, problem_book())
    result = build(tmp_path, strict=True)
    assert result.returncode != 0
    assert "error: forbidden rendering" in result.stderr
    # One tally for both editions: the English build's warnings count in it, each problem once.
    errors = [line for line in run_tools("check", "docs", cwd=tmp_path).stdout.splitlines() if ": error: " in line]
    problems = errors + MATH_PROBLEMS
    shown = warnings(result)
    for problem in problems:
        assert sum(problem in warning for warning in shown) == 1, (problem, shown)
    assert len(shown) == len(problems), shown
    assert f"Aborted with {len(problems)} warnings in strict mode" in result.stdout + result.stderr


def test_malformed_page_fails_a_plain_build_too(tmp_path):
    book = files()
    book[INTRO_PATH] = INTRO.replace("mỗi dòng một tên.\n-->", "mỗi dòng một tên.")
    write_book(tmp_path, book)
    result = build(tmp_path)
    assert result.returncode != 0
    message = next(
        line for line in run_tools("check", "docs", cwd=tmp_path).stdout.splitlines() if "unterminated" in line
    )
    assert message in result.stderr and "Traceback" not in result.stderr


PAGES = [("chapter_a", "intro"), ("contributors",), ("chapter_a", "setext")]


@pytest.mark.parametrize("edition", ["", "en"])
@pytest.mark.parametrize("parts", PAGES, ids="/".join)
def test_unsafe_html_is_neutralised(plain, edition, parts):
    root = plain[0]
    page = html_of(root, edition, *parts)
    body = article(page)
    assert "<script" not in body
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page), "an event handler attribute survived"
    assert "javascript:" not in page.lower() and "alert(" not in page


def test_markdown_still_renders_beside_unsafe_html(plain):
    vi = article(html_of(plain[0], "chapter_a", "intro"))
    assert '<img src="x">' in vi  # what is harmless in the tag stays
    assert '<a href="https://example.org/a">trang</a>' in vi and "<a>bấm</a>" in vi
    assert "<em>nhấn mạnh</em>" in vi and "<code>mã</code>" in vi and "<mi>x</mi>" in vi  # inline math: MathML
    assert re.search(r'<details class="tt-orig" lang="en">\s*<summary class="tt-toggle"', vi)
    assert re.search(r'<p class="tt-orig tt-orig-heading" hidden="[^"]*" lang="en">', vi)
    for body in (vi, article(html_of(plain[0], "en", "chapter_a", "intro"))):
        assert re.search(
            r'<div class="tt-math" id="eq_state"><div class="tt-math-scroll"><math [^>]*display="block"', body
        )
        assert re.search(
            r'<figure class="tt-figure" id="fig_unrolled">\s*<p><img alt="[^"]+" src="../../img/net.svg"', body
        )
        assert '<a href="#fig_unrolled">' in body and '<a class="headerlink" href="#sec_details"' in body
        assert "<table>" in body and "The state changes  over time." in body


def test_contributor_names_are_text(plain):
    box = re.search(r'<aside class="tt-credits">(.*?)</aside>', article(html_of(plain[0], "chapter_a", "intro")))
    assert box and "<li>Nguyễn Văn A</li>" in box.group(1) and "<img" not in box.group(1)


def test_progress_page_shows_no_machine_path(plain):
    root = plain[0]
    for edition in ("", "en"):
        page = html_of(root, edition, "progress")
        assert str(root) not in page and "/tmp" not in page and os.sep + "docs" + os.sep not in page
        assert 'data-chapter="chapter_a"' in page
        assert 'data-path="chapter_a/untitled.md"' in page and ">1.3. chapter_a/untitled.md<" in page


def test_bad_math_is_a_warning_and_shown_as_written(plain):
    root, first, _ = plain
    shown = warnings(first)
    assert any("docs/chapter_a/setext.md:19: unknown LaTeX command \\notacommand" in line for line in shown)
    assert any("docs/chapter_a/setext.md:24: unbalanced '{'" in line for line in shown), first.stderr
    body = article(html_of(root, "chapter_a", "setext"))
    assert '<code class="tt-math-error">\\frac{1}{</code>' in body and "\\(x \\notacommand\\)" in body


def test_setext_heading_names_the_page(plain):
    root = plain[0]
    vi, en = html_of(root, "chapter_a", "setext"), html_of(root, "en", "chapter_a", "setext")
    assert re.search(r'<h1 id="sec_setext">1\.2\. Tiêu đề kiểu setext', article(vi))
    assert re.search(r'<h2 id="[^"]+">1\.2\.1\. Chi tiết kiểu setext', article(vi))
    assert re.search(r'<h1 id="sec_setext">1\.2\. Setext Title', article(en))
    assert "1.2. Tiêu đề kiểu setext" in html_of(root, "chapter_a")  # the nav
    assert "1.2. Setext Title" in html_of(root, "en", "chapter_a")
    assert ">1.2. Tiêu đề kiểu setext</a>" in article(html_of(root, "progress"))
    assert "=====" not in article(vi) and "-----" not in article(vi)
