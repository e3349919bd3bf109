"""The writing commands never clobber a file by surprise, and nothing switches off silently.

Every error is one ``file:line: message`` line on stderr with exit code 2, and leaves the
input files as they were (compared byte for byte).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from conftest import run_tools

PAGE = (
    "<!--\n# Title\n-->\n\n# Tiêu đề\n\n"
    "<!--\nA recurrent neural network.\n-->\n\nMột mạng nơ-ron hồi quy.\n\n"
    "<!--\nAnother.\n-->\n\n*dịch đoạn phía trên*\n\n"
    "## Những người thực hiện\n* Đặng Văn An\n* @an\n"
)
ENGLISH = "# Title\n\nA recurrent neural network.\n\nA new paragraph.\n"
POST = "---\ntitle: Bài viết\n---\n\nMột đoạn.\n\n![Hình](https://example.org/a.png)\n"
GLOSSARY = "- en: recurrent neural network\n  vi: mạng nơ-ron hồi tiếp\n  forbidden: [mạng nơ-ron hồi quy]\n"
FORBIDDEN = ":11: error: forbidden rendering"


def files(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` and its bytes: equal before and after means nothing was touched."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def error_line(result) -> str:
    """The one stderr line of a failed command (asserting it is one line, exit 2, no traceback)."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


@pytest.fixture
def work(tmp_path):
    (tmp_path / "english.md").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    return tmp_path


WRITERS = {
    "scaffold": ["scaffold", "english.md", "-o"],
    "import": ["import", "post.md", "-o"],
    "contributors": ["contributors", "page.md", "--no-git", "--write"],
}
EACH_WRITER = pytest.mark.parametrize("command", WRITERS)


@EACH_WRITER
def test_existing_output_is_refused_then_replaced_with_force(work, command):
    (work / "out.md").write_text("hand-written\n", encoding="utf-8")
    before = files(work)
    result = run_tools(*WRITERS[command], "out.md", cwd=work)
    assert error_line(result) == "out.md:1: already exists: pass --force to replace it"
    assert files(work) == before
    result = run_tools(*WRITERS[command], "out.md", "--force", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "out.md").read_text(encoding="utf-8") != "hand-written\n"
    assert {name: data for name, data in files(work).items() if name != "out.md"} == {
        name: data for name, data in before.items() if name != "out.md"
    }


@EACH_WRITER
def test_output_that_is_a_folder_is_refused(work, command):
    (work / "out").mkdir()
    before = files(work)
    line = error_line(run_tools(*WRITERS[command], "out", "--force", cwd=work))
    assert line.startswith("out:1: is a folder: give the output a file name")
    assert files(work) == before and not any((work / "out").iterdir())


@EACH_WRITER
def test_output_in_a_missing_folder_is_refused_and_not_created(work, command):
    before = files(work)
    line = error_line(run_tools(*WRITERS[command], "nope/out.md", cwd=work))
    assert line == "nope/out.md:1: folder nope does not exist: create it first or choose another path"
    assert files(work) == before and not (work / "nope").exists()


@EACH_WRITER
def test_output_in_an_unwritable_folder_is_refused(work, command):
    locked = work / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as a user (root) who may write to any folder")
        before = files(work)
        line = error_line(run_tools(*WRITERS[command], "locked/out.md", cwd=work))
        assert line.startswith("locked/out.md:1: folder locked is not writable")
        assert files(work) == before
    finally:
        locked.chmod(0o755)


def test_unwritable_folder_message_when_access_is_denied(work, monkeypatch, capsys):
    """The same refusal in process, for runs as root where chmod does not lock a folder."""
    from translation_tools.cli import main

    (work / "locked").mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode: not str(path).endswith("locked") and real_access(path, mode))
    monkeypatch.chdir(work)
    before = files(work)
    assert main(["scaffold", "english.md", "-o", "locked/out.md"]) == 2
    assert capsys.readouterr().err.startswith("locked/out.md:1: folder locked is not writable")
    assert files(work) == before


def test_contributors_replaces_the_file_it_generated_without_force(work):
    assert run_tools("contributors", "page.md", "--no-git", "--write", "contributors.md", cwd=work).returncode == 0
    first = (work / "contributors.md").read_text(encoding="utf-8")
    (work / "page.md").write_text(PAGE.replace("Đặng Văn An", "Võ Thị Cúc"), encoding="utf-8")
    result = run_tools("contributors", "page.md", "--no-git", "--write", "contributors.md", cwd=work)
    assert result.returncode == 0, result.stderr
    again = (work / "contributors.md").read_text(encoding="utf-8")
    assert "## Võ Thị Cúc" in again and "## Đặng Văn An" in first and again != first


def test_contributors_refuses_a_hand_written_file(work):
    (work / "contributors.md").write_text("# Contributors\n\nThanks to everyone!\n", encoding="utf-8")
    before = files(work)
    result = run_tools("contributors", "page.md", "--no-git", "--write", "contributors.md", cwd=work)
    assert error_line(result) == "contributors.md:1: already exists: pass --force to replace it"
    assert files(work) == before


def test_import_refuses_to_replace_a_different_image(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"new image")
    (tmp_path / "docs" / "img").mkdir(parents=True)
    (tmp_path / "docs" / "img" / "a.png").write_bytes(b"old image")
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    before = files(tmp_path)
    result = run_tools("import", "post.md", "-o", "docs/post.md", "--images", "images", cwd=tmp_path)
    image = tmp_path / "docs" / "img" / "a.png"
    assert error_line(result) == f"{image}:1: already exists: pass --force to replace it"
    assert files(tmp_path) == before
    result = run_tools("import", "post.md", "-o", "docs/post.md", "--images", "images", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert image.read_bytes() == b"new image"


def test_import_keeps_an_identical_image_without_force(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "a.png").write_bytes(b"same image")
    (tmp_path / "docs" / "img").mkdir(parents=True)
    (tmp_path / "docs" / "img" / "a.png").write_bytes(b"same image")
    (tmp_path / "post.md").write_text(POST, encoding="utf-8")
    result = run_tools("import", "post.md", "-o", "docs/post.md", "--images", "images", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "](img/a.png)" in (tmp_path / "docs" / "post.md").read_text(encoding="utf-8")


def test_update_refuses_a_bilingual_file_as_the_new_english(work):
    before = files(work)
    line = error_line(run_tools("scaffold", "--update", "english.md", "page.md", cwd=work))
    assert line.startswith("page.md:1: this file has English comments, so it is a bilingual page, not the new English")
    assert line.endswith("swap the arguments: PAGE first, then the new English")
    assert files(work) == before


def test_update_refuses_a_page_without_english_comments(work):
    (work / "plain.md").write_text("# Tiêu đề\n\nChỉ có tiếng Việt.\n", encoding="utf-8")
    before = files(work)
    line = error_line(run_tools("scaffold", "--update", "plain.md", "english.md", cwd=work))
    assert line == (
        "plain.md:1: this page has no English comments, so it is not a bilingual page: "
        "swap the arguments: PAGE first, then the new English"
    )
    assert files(work) == before


def test_update_output_to_another_file_follows_the_overwrite_rule(work):
    (work / "other.md").write_text("keep me\n", encoding="utf-8")
    before = files(work)
    line = error_line(run_tools("scaffold", "--update", "page.md", "english.md", "-o", "other.md", cwd=work))
    assert line == "other.md:1: already exists: pass --force to replace it"
    assert files(work) == before
    result = run_tools("scaffold", "--update", "page.md", "english.md", "-o", "other.md", "--force", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "A new paragraph." in (work / "other.md").read_text(encoding="utf-8")
    assert (work / "page.md").read_bytes() == before["page.md"]


def test_update_in_place_needs_no_force(work):
    result = run_tools("scaffold", "--update", "page.md", "english.md", cwd=work)
    assert result.returncode == 0, result.stderr
    assert "A new paragraph." in (work / "page.md").read_text(encoding="utf-8")


def fake_book(root: Path, docs_dir: str | None) -> Path:
    """A book whose mkdocs.yml names ``docs_dir`` (None: the default, docs), one chapter page."""
    config = "site_name: Sách\nmarkdown_extensions:\n  - pymdownx.emoji:\n      emoji_index: !!python/name:x.y\n"
    if docs_dir:
        config += f"docs_dir: {docs_dir}\n"
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    chapter = root / (docs_dir or "docs") / "chapter"
    chapter.mkdir(parents=True)
    (chapter / "page.md").write_text(PAGE, encoding="utf-8")
    return chapter.parent


def test_check_finds_the_glossary_in_the_docs_dir_named_by_mkdocs_yml(tmp_path):
    book = tmp_path / "book"
    book.mkdir()
    docs = fake_book(book, "pages")
    (docs / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    (book / "glossary.yml").write_text("- not: a glossary\n", encoding="utf-8")  # beside mkdocs.yml: not the book's
    before = files(tmp_path)
    result = run_tools("check", "book/pages/chapter/page.md", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout.startswith("book/pages/chapter/page.md" + FORBIDDEN)
    assert "glossary: book/pages/glossary.yml (the book's; pass --glossary FILE for another)" in result.stderr
    assert files(tmp_path) == before


def test_check_ignores_a_glossary_outside_the_books_docs_dir(tmp_path):
    (tmp_path / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")  # above the book: another book's
    (tmp_path / "book").mkdir()
    fake_book(tmp_path / "book", None)
    result = run_tools("check", "book/docs", cwd=tmp_path)
    assert FORBIDDEN not in result.stdout
    assert result.stderr.startswith("no glossary in use: ")


def test_check_finds_the_glossary_in_a_parent_folder_without_mkdocs_yml(tmp_path):
    chapter = tmp_path / "notes" / "chapter"
    chapter.mkdir(parents=True)
    (chapter / "page.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "notes" / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    before = files(tmp_path)
    result = run_tools("check", "page.md", cwd=chapter)
    assert result.returncode == 2
    assert result.stdout.startswith("page.md" + FORBIDDEN)
    assert f"glossary: {tmp_path / 'notes' / 'glossary.yml'} (the book's" in result.stderr  # outside cwd: absolute
    assert files(tmp_path) == before


def test_check_says_when_no_glossary_is_in_use(tmp_path):
    (tmp_path / "page.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")  # no longer a fallback
    result = run_tools("check", "page.md", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stderr.splitlines()[0] == (
        "no glossary in use: no glossary.yml or glossary.md in the book's docs_dir (from mkdocs.yml) "
        "or above the pages, so terms are not checked: pass --glossary FILE"
    )


def test_check_with_a_missing_glossary_file_is_an_error(work):
    before = files(work)
    assert error_line(run_tools("check", "page.md", "--glossary", "nope.yml", cwd=work)) == (
        "nope.yml:1: no such glossary file: check the path"
    )
    assert files(work) == before


def test_contributors_with_a_missing_alias_file_is_an_error(work):
    before = files(work)
    line = error_line(run_tools("contributors", "page.md", "--no-git", "--aliases", "nope.yml", cwd=work))
    assert line.startswith("nope.yml:1: no such alias file: check the path")
    assert files(work) == before


def test_contributors_uses_the_books_aliases(tmp_path):
    docs = fake_book(tmp_path, None)
    (docs / "aliases.yml").write_text("'@an': Đặng Văn An\n", encoding="utf-8")
    result = run_tools("contributors", "docs", "--no-git", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    names = [person["name"] for person in json.loads(result.stdout)["contributors"]]
    assert names == ["Đặng Văn An"]


def test_contributors_says_when_no_aliases_are_in_use(work):
    result = run_tools("contributors", "page.md", "--no-git", "--json", cwd=work)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("no aliases.yml found beside the book's mkdocs.yml or above the pages")
    assert sorted(person["name"] for person in json.loads(result.stdout)["contributors"]) == ["@an", "Đặng Văn An"]


def test_status_counts_good_pages_and_lists_a_bad_one(work):
    (work / "bad.md").write_text("Text.\n\n<!--\nEnglish\n", encoding="utf-8")
    before = files(work)
    result = run_tools("status", "page.md", "bad.md", "english.md", "--json", cwd=work)
    assert error_line(result).startswith("bad.md:3: unterminated comment")
    data = json.loads(result.stdout)
    assert [page["path"] for page in data["pages"]] == ["page.md", "english.md"]
    assert data["total"]["segments"] == 3
    [error] = data["errors"]
    assert (error["path"], error["line"]) == ("bad.md", 3)
    assert error["message"].startswith("unterminated comment")
    assert error_line(result) == f"bad.md:3: {error['message']}"  # the JSON and the one stderr line agree
    assert files(work) == before


def test_status_table_with_a_bad_page_exits_2(work):
    (work / "bad.md").write_bytes(b"caf\xe9\n")
    result = run_tools("status", ".", cwd=work)
    assert error_line(result).startswith("bad.md:1: not valid UTF-8")
    assert "page.md" in result.stdout


def test_a_page_given_twice_is_counted_once(work):
    result = run_tools("status", "page.md", "./page.md", ".", str(work / "page.md"), "--json", cwd=work)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert [page["path"] for page in data["pages"]] == ["page.md", "english.md", "post.md"]
    assert data["total"]["segments"] == 3


def test_check_reports_a_page_given_twice_once(work):
    result = run_tools("check", "page.md", ".", "--glossary", "glossary.yml", cwd=_with_glossary(work))
    assert result.stdout.count(FORBIDDEN) == 1


def _with_glossary(root: Path) -> Path:
    (root / "glossary.yml").write_text(GLOSSARY, encoding="utf-8")
    return root


@pytest.mark.parametrize("command", ["status", "check", "contributors"])
def test_a_folder_without_pages_is_an_error(work, command):
    (work / "empty" / "sub").mkdir(parents=True)
    (work / "empty" / "notes.txt").write_text("not a page\n", encoding="utf-8")
    before = files(work)
    line = error_line(run_tools(command, "page.md", "empty", cwd=work))
    assert line == "empty:1: no Markdown pages here: pass a folder holding .md pages, or a page"
    assert files(work) == before


def test_parallel_status_keeps_going_past_a_bad_page(work, monkeypatch):
    from translation_tools import status

    for index in range(3):
        (work / f"p{index}.md").write_text(PAGE, encoding="utf-8")
    (work / "p9.md").write_text("x\n<!--\nopen\n", encoding="utf-8")
    monkeypatch.setattr(status, "PARALLEL_THRESHOLD", 2)
    report = status.collect_status([str(work)], jobs=2, keep_going=True)
    assert [(e.path.rsplit("/", 1)[-1], e.line) for e in report.errors] == [("p9.md", 2)]
    assert report.total.segments == 4 * 3  # page.md and p0..p2


def test_export_corpus_refuses_to_overwrite_without_force(tmp_path):
    page = tmp_path / "p.md"
    page.write_text("<!--\nA line.\n-->\n\nMột dòng.\n", encoding="utf-8")
    out = tmp_path / "corpus.json"
    out.write_text("mine\n", encoding="utf-8")
    refused = run_tools("export-corpus", page, "-o", out)
    assert refused.returncode == 2 and refused.stderr.startswith(f"{out}:1: already exists")
    assert out.read_text(encoding="utf-8") == "mine\n"
    assert run_tools("export-corpus", page, "-o", out, "--force").returncode == 0
    assert '"Một dòng."' in out.read_text(encoding="utf-8")
