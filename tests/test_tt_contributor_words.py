"""Words per contributor: translated words from ``git blame`` of the slot lines, reviewed words from review markers."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_tools

from translation_tools.contributors import collect_contributors, count_words, render_markdown

FIRST = """\
<!--
# Title
-->

# Tiêu đề của trang

<!--
One paragraph.
-->

Một đoạn văn ngắn.

<!--
A second paragraph.
-->

*dịch đoạn phía trên*

## Những người thực hiện

* Ân Văn Một
"""


def git(repo: Path, author: str, *args: str) -> None:
    email = author.split()[-1].lower() + "@example.org"
    subprocess.run(
        ["git", "-c", f"user.name={author}", "-c", f"user.email={email}", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path) -> Path:
    """Two authors: An wrote the page, Bình translated the second paragraph and reviewed the first."""
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "page.md"
    page.write_text(FIRST, encoding="utf-8")
    git(tmp_path, "An Nguyen", "add", ".")
    git(tmp_path, "An Nguyen", "commit", "-q", "-m", "first")
    second = FIRST.replace("*dịch đoạn phía trên*", "Đoạn thứ hai,\nhai dòng — năm từ.").replace(
        "One paragraph.\n-->\n", "One paragraph.\n-->\n<!-- reviewed: binh -->\n"
    )
    page.write_text(second, encoding="utf-8")
    git(tmp_path, "Binh Tran", "commit", "-q", "-am", "second")
    (tmp_path / "aliases.yml").write_text(
        "nguyen@example.org: Nguyễn Văn An\ntran@example.org: Trần Văn Bình\nbinh: Trần Văn Bình\n", encoding="utf-8"
    )
    return tmp_path


def people(report) -> dict:
    return {person.name: person for person in report.people}


def test_count_words_skips_markup():
    assert count_words("## Tiêu đề — *một* | 2 bước") == 5


def test_translated_words_follow_git_blame_and_aliases(repo):
    report = people(collect_contributors([str(repo / "docs")], str(repo / "aliases.yml")))
    an, binh = report["Nguyễn Văn An"], report["Trần Văn Bình"]
    assert an.words_translated == 4 + 4  # "# Tiêu đề của trang" and "Một đoạn văn ngắn."
    assert an.translated_pages == ["page.md"]
    assert binh.words_translated == 3 + 4  # "Đoạn thứ hai," and "hai dòng — năm từ."
    assert binh.words_reviewed == 4  # the reviewed first paragraph
    assert binh.reviewed_pages == ["page.md"]
    assert an.words_reviewed == 0


def test_credits_still_give_pages_without_words(repo):
    credited = people(collect_contributors([str(repo / "docs")], str(repo / "aliases.yml")))["Ân Văn Một"]
    assert credited.pages == ["page.md"] and credited.words_translated == 0


def test_vietnamese_collation_of_the_people(repo):
    names = [p.name for p in collect_contributors([str(repo / "docs")], str(repo / "aliases.yml")).people]
    assert names == ["Ân Văn Một", "Nguyễn Văn An", "Trần Văn Bình"]  # Â after A, before N


def test_uncommitted_lines_belong_to_the_configured_author(repo):
    page = repo / "docs" / "page.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Một đoạn văn ngắn.", "Một đoạn văn dài hơn nhiều."))
    subprocess.run(["git", "config", "user.name", "Binh Tran"], cwd=repo, check=True)
    subprocess.run(["git", "config", "user.email", "tran@example.org"], cwd=repo, check=True)
    report = people(collect_contributors([str(repo / "docs")], str(repo / "aliases.yml")))
    assert report["Trần Văn Bình"].words_translated == 7 + 6
    assert report["Nguyễn Văn An"].words_translated == 4


def test_drafts_are_not_counted_as_translated(repo):
    page = repo / "docs" / "page.md"
    page.write_text(page.read_text(encoding="utf-8").replace("<!-- reviewed: binh -->", "<!-- draft: machine -->"))
    git(repo, "Binh Tran", "commit", "-q", "-am", "draft")
    report = people(collect_contributors([str(repo / "docs")], str(repo / "aliases.yml")))
    assert report["Nguyễn Văn An"].words_translated == 4  # the draft's four words are nobody's
    assert report["Trần Văn Bình"].words_reviewed == 0


def test_no_git_counts_reviews_only(repo):
    report = people(collect_contributors([str(repo / "docs")], str(repo / "aliases.yml"), use_git=False))
    assert report["Trần Văn Bình"].words_reviewed == 4
    assert all(person.words_translated == 0 for person in report.values())


def test_json_and_markdown_carry_the_words(repo):
    result = run_tools("contributors", "docs", "--aliases", "aliases.yml", "--json", cwd=repo)
    assert result.returncode == 0, result.stderr
    binh = next(p for p in json.loads(result.stdout)["contributors"] if p["name"] == "Trần Văn Bình")
    assert (binh["words_translated"], binh["words_reviewed"], binh["reviewed_pages"]) == (7, 4, ["page.md"])
    text = render_markdown(collect_contributors([str(repo / "docs")], str(repo / "aliases.yml")), "cmd")
    section = text.split("## Trần Văn Bình\n", 1)[1].split("\n## ", 1)[0]
    assert "- Đã dịch / Translated: 7 từ / words, 1 trang / page(s)" in section
    assert "- Đã hiệu đính / Reviewed: 4 từ / words, 1 trang / page(s)" in section


def test_outside_a_repository_words_are_zero(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text(FIRST, encoding="utf-8")
    report = collect_contributors([str(docs)])
    assert [(p.name, p.words_translated) for p in report.people] == [("Ân Văn Một", 0)]
