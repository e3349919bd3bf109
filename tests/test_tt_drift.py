"""``status --upstream``: pages whose English moved since their ``source_revision``, against a folder or a git revision."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_tools

PAGE = """---
source_revision: {rev}
---
<!--
# Title
-->

# Tiêu đề

<!--
First paragraph stays.
-->

Đoạn một.

<!--
Second paragraph before.
-->

Đoạn hai.
"""
ENGLISH_THEN = "# Title\n\nFirst paragraph stays.\n\nSecond paragraph before.\n"
ENGLISH_NOW = (
    "# Title\n\nA brand new opening paragraph about penguins.\n\n"
    "First paragraph stays.\n\nSecond paragraph before, now changed a little.\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=Upstream", "-c", "user.email=up@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def upstream_json(cwd: Path, *args) -> dict:
    result = run_tools("status", "docs", "--json", "--upstream", *args, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return {page["page"]: page for page in json.loads(result.stdout)["pages"]}


@pytest.fixture
def folder_book(tmp_path) -> Path:
    write(tmp_path / "docs" / "ch" / "moved.md", PAGE.format(rev="r1"))
    write(tmp_path / "docs" / "ch" / "same.md", PAGE.format(rev="r1"))
    write(tmp_path / "docs" / "ch" / "norev.md", PAGE.replace("---\nsource_revision: {rev}\n---\n", ""))
    write(tmp_path / "docs" / "ch" / "orphan.md", PAGE.format(rev="r1"))
    write(tmp_path / "en" / "ch" / "moved.md", ENGLISH_NOW)
    write(tmp_path / "en" / "elsewhere" / "same.md", ENGLISH_THEN)  # found by its name alone
    return tmp_path


def test_folder_counts_the_changed_segments(folder_book):
    pages = upstream_json(folder_book, "en")
    moved = pages["docs/ch/moved.md"]
    assert moved["state"] == "changed"
    assert moved["changes"] == {"kept": 2, "outdated": 1, "new": 1, "moved": 0, "removed": 0}
    assert moved["changed_segments"] == 2
    assert moved["source"] == "en/ch/moved.md"
    assert moved["command"] == "python -m translation_tools scaffold --update docs/ch/moved.md en/ch/moved.md"


def test_folder_states_of_the_other_pages(folder_book):
    pages = upstream_json(folder_book, "en")
    assert pages["docs/ch/same.md"]["state"] == "current"
    assert pages["docs/ch/same.md"]["source"] == "en/elsewhere/same.md"
    assert pages["docs/ch/norev.md"]["state"] == "no-revision"
    assert pages["docs/ch/orphan.md"]["state"] == "no-source"


def test_the_printed_command_brings_the_page_up_to_date(folder_book):
    pages = upstream_json(folder_book, "en")
    command = pages["docs/ch/moved.md"]["command"].split()[3:]  # after "python -m translation_tools"
    assert run_tools(*command, cwd=folder_book).returncode == 0
    assert upstream_json(folder_book, "en")["docs/ch/moved.md"]["state"] == "current"


def test_text_output(folder_book):
    result = run_tools("status", "docs", "--upstream", "en", cwd=folder_book)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert (
        "docs/ch/moved.md: the English moved since r1: 2 segment(s) changed "
        "(1 outdated, 1 new, 0 moved, 0 removed; 2 kept)" in lines
    )
    assert "  update: python -m translation_tools scaffold --update docs/ch/moved.md en/ch/moved.md" in lines
    assert "docs/ch/same.md: current (follows r1)" in lines
    assert lines[-1] == "1 of 4 page(s) behind their English"


@pytest.fixture
def git_book(tmp_path) -> tuple[Path, str, str]:
    repo = tmp_path / "en"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo / "ch" / "moved.md", ENGLISH_THEN)
    write(repo / "ch" / "same.md", ENGLISH_THEN)
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "then")
    then = git(repo, "rev-parse", "HEAD")
    write(repo / "ch" / "moved.md", ENGLISH_NOW)
    git(repo, "commit", "-q", "-am", "now")
    now = git(repo, "rev-parse", "HEAD")
    write(tmp_path / "docs" / "ch" / "moved.md", PAGE.format(rev=then[:10]))
    write(tmp_path / "docs" / "ch" / "same.md", PAGE.format(rev=then[:10]))
    return tmp_path, then, now


def test_git_revision_uses_the_diff_and_the_update(git_book):
    book, _, now = git_book
    pages = upstream_json(book, "HEAD", "--upstream-repo", "en")
    moved = pages["docs/ch/moved.md"]
    assert moved["state"] == "changed"
    assert moved["diffstat"] == "1 file changed, 3 insertions(+), 1 deletion(-)"
    assert moved["changes"]["outdated"] == 1 and moved["changes"]["new"] == 1
    assert moved["command"] == (
        f"git -C en show {now[:12]}:ch/moved.md > moved.en.md && "
        f"python -m translation_tools scaffold --update docs/ch/moved.md moved.en.md --source-rev {now[:12]}"
    )
    assert pages["docs/ch/same.md"]["state"] == "current"


def test_git_command_runs_and_records_the_new_revision(git_book):
    book, _, now = git_book
    command = upstream_json(book, "HEAD", "--upstream-repo", "en")["docs/ch/moved.md"]["command"]
    subprocess.run(command.replace("python", f"{__import__('sys').executable}", 1), shell=True, cwd=book, check=True)
    assert f"source_revision: {now[:12]}" in (book / "docs" / "ch" / "moved.md").read_text(encoding="utf-8")
    assert upstream_json(book, "HEAD", "--upstream-repo", "en")["docs/ch/moved.md"]["state"] == "current"


def test_unknown_page_revision_is_reported(git_book):
    book, _, _ = git_book
    page = book / "docs" / "ch" / "same.md"
    page.write_text(PAGE.format(rev="deadbeef"), encoding="utf-8")
    same = upstream_json(book, "HEAD", "--upstream-repo", "en")["docs/ch/same.md"]
    assert same["state"] == "no-source" and "'deadbeef' is not a revision" in same["note"]


def test_bad_upstream_arguments_are_one_line_errors(git_book):
    book, _, _ = git_book
    for args, start in (
        (["--upstream", "nowhere"], "nowhere:1: no such folder: give the English folder, or a git revision"),
        (["--upstream", "v9", "--upstream-repo", "en"], "en:1: 'v9' is not a revision of this repository"),
        (["--upstream", "HEAD", "--upstream-repo", "nope"], "nope:1: no such folder"),
    ):
        result = run_tools("status", "docs", *args, cwd=book)
        assert result.returncode == 2
        assert result.stderr.strip().startswith(start) and len(result.stderr.strip().splitlines()) == 1
