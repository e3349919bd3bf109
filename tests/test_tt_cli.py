"""The command line through a subprocess: exit codes, one-line errors, JSON outputs."""

from __future__ import annotations

import json

import pytest
from conftest import run_tools

GOOD = "<!--\n# Title\n-->\n\n# Tiêu đề\n\n<!--\nA paragraph with $x$.\n-->\n\nMột đoạn với $x$.\n\n<!--\nAnother.\n-->\n\n*dịch đoạn phía trên*\n\n## Những người thực hiện\n* Đặng Văn An\n"


run = run_tools


@pytest.fixture
def book(tmp_path):
    chapter = tmp_path / "docs" / "chapter_a"
    chapter.mkdir(parents=True)
    (chapter / "one.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "docs" / "post.md").write_text("# Bài viết\n\nChỉ có tiếng Việt.\n", encoding="utf-8")
    return tmp_path


def test_status_json_counts_pages_chapters_and_total(book):
    result = run("status", "docs", "--json", cwd=book)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    pages = {page["path"]: page for page in data["pages"]}
    one = pages["docs/chapter_a/one.md"]
    assert (one["segments"], one["translated"], one["untranslated"], one["outdated"]) == (3, 2, 1, 0)
    assert one["contributors"] == ["Đặng Văn An"]
    assert pages["docs/post.md"]["no_source"] is True and pages["docs/post.md"]["segments"] == 0
    assert data["total"]["segments"] == 3 and data["total"]["no_source_pages"] == 1
    assert {c["path"] for c in data["chapters"]} == {"docs", "docs/chapter_a"}


def test_status_json_counts_drafts_and_reviews_as_translated(book):
    draft = "<!--\nA draft.\n-->\n<!-- draft: machine -->\n\nMột bản nháp.\n\n"
    review = "<!--\nChecked.\n-->\n<!-- reviewed: Lê Văn C -->\n\nĐã kiểm tra.\n\n"
    stale = "<!--\nChanged.\n-->\n<!-- outdated: x -->\n<!-- reviewed: Lê Văn C -->\n\nĐã đổi.\n"
    (book / "docs" / "chapter_a" / "two.md").write_text(draft + review + stale, encoding="utf-8")
    data = json.loads(run("status", "docs", "--json", cwd=book).stdout)
    two = next(page for page in data["pages"] if page["path"] == "docs/chapter_a/two.md")
    assert {key: two[key] for key in ("segments", "translated", "outdated", "draft", "reviewed")} == {
        "segments": 3,
        "translated": 2,
        "outdated": 1,
        "draft": 1,
        "reviewed": 1,
    }
    chapter = next(entry for entry in data["chapters"] if entry["path"] == "docs/chapter_a")
    assert (chapter["translated"], chapter["draft"], chapter["reviewed"]) == (4, 1, 1)
    assert (data["total"]["draft"], data["total"]["reviewed"], data["total"]["segments"]) == (1, 1, 6)
    table = run("status", "docs", cwd=book, columns=120).stdout
    assert "Draft" in table and "Reviewed" in table


def test_status_table_has_no_review_columns_without_markers(book):
    table = run("status", "docs", cwd=book, columns=120).stdout
    assert "Outdated" in table and "Draft" not in table


def test_status_table_renders(book):
    result = run("status", "docs", cwd=book)
    assert result.returncode == 0
    assert "one.md" in result.stdout and "no source" in result.stdout


def test_status_min_percent_gates(book):
    assert run("status", "docs", "--json", "--min-percent", "60", cwd=book).returncode == 0
    result = run("status", "docs", "--json", "--min-percent", "90", cwd=book)
    assert result.returncode == 1
    assert "66.7% < --min-percent 90" in result.stderr


def test_main_runs_in_process(book, capsys, monkeypatch):
    from translation_tools.cli import main

    monkeypatch.chdir(book)
    assert main(["status", "docs", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["translated"] == 2


BAD_INPUTS = pytest.mark.parametrize(
    "name, content, expected",
    [
        ("latin1.md", "café\n".encode("latin-1"), "latin1.md:1: not valid UTF-8"),
        ("open.md", b"Text.\n\n<!--\nEnglish\n", "open.md:3: unterminated comment"),
        ("fence.md", b"Text.\n```python\nx = 1\n", "fence.md:2: unterminated code fence"),
        ("empty.md", b"", "empty.md:1: empty file"),
        ("binary.md", b"\x89PNG\r\n\x1a\n\x00\x00", "binary.md:3: binary file"),
    ],
)


@BAD_INPUTS
def test_bad_input_is_one_line_and_exit_2(tmp_path, name, content, expected):
    (tmp_path / name).write_bytes(content)
    result = run("status", name, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(expected)
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@BAD_INPUTS
def test_check_reports_bad_input_as_an_error_line(tmp_path, name, content, expected, capsys, monkeypatch):
    from translation_tools.cli import main

    (tmp_path / name).write_bytes(content)
    monkeypatch.chdir(tmp_path)
    assert main(["check", name]) == 2
    path, line, message = expected.split(":", 2)
    out = capsys.readouterr().out
    assert out.startswith(f"{path}:{line}: error:{message}") and len(out.strip().splitlines()) == 1


def test_missing_path_is_one_line_and_exit_2(tmp_path):
    result = run("status", "nope.md", cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (2, "nope.md:1: no such file or folder: check the path")


def test_check_exit_codes(book):
    assert run("check", "docs", cwd=book).returncode == 0
    page = book / "docs" / "chapter_a" / "two.md"
    page.write_text("<!--\nSee $x_t$.\n-->\n\nXem $x_{t}$ nhé.\n", encoding="utf-8")
    result = run("check", "docs", cwd=book)
    assert result.returncode == 2
    assert result.stdout.startswith("docs/chapter_a/two.md:5: error: inline math $x_t$")
    page.write_text("<!--\nSee.\n-->\n\n*dịch đoạn phía trên* Xem.\n", encoding="utf-8")
    assert run("check", "docs", cwd=book).returncode == 0
    assert run("check", "docs", "--strict", cwd=book).returncode == 2


def test_check_json(book):
    (book / "docs" / "bad.md").write_text("<!--\nA.\n-->\n", encoding="utf-8")
    result = run("check", "docs", "--json", cwd=book)
    assert result.returncode == 2
    [finding] = json.loads(result.stdout)
    assert sorted(finding) == ["line", "message", "path", "severity"]
    assert (finding["path"], finding["line"], finding["severity"]) == ("docs/bad.md", 1, "error")
    assert finding["message"].startswith("translation slot missing after the English comment")


def test_export_corpus_writes_plain_parallel_text(book, tmp_path):
    out = tmp_path / "corpus.json"
    result = run("export-corpus", "docs", "-o", out, cwd=book)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data == {
        "version": 1,
        "pages": [
            {
                "path": "docs/chapter_a/one.md",
                "segments": [
                    {"en": "Title", "vi": "Tiêu đề", "role": "heading"},
                    {"en": "A paragraph with.", "vi": "Một đoạn với.", "role": "paragraph"},
                ],
            }
        ],
    }


def test_export_corpus_bad_page_writes_nothing(tmp_path):
    (tmp_path / "bad.md").write_bytes(b"<!--\nopen\n")
    out = tmp_path / "corpus.json"
    result = run("export-corpus", "bad.md", "-o", out, cwd=tmp_path)
    assert result.returncode == 2 and not out.exists()


def test_parallel_status_matches_serial(tmp_path, monkeypatch):
    from translation_tools import status

    for index in range(6):
        (tmp_path / f"p{index}.md").write_text(GOOD.replace("Title", f"Title {index}"), encoding="utf-8")
    monkeypatch.setattr(status, "PARALLEL_THRESHOLD", 2)
    serial = status.collect_status([str(tmp_path)], jobs=1).as_dict()
    parallel = status.collect_status([str(tmp_path)], jobs=2).as_dict()
    assert parallel == serial and serial["total"]["segments"] == 18


def test_parallel_status_reports_a_bad_page(tmp_path, monkeypatch):
    from translation_tools import status
    from translation_tools.parse import FormatError

    for index in range(4):
        (tmp_path / f"p{index}.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "p9.md").write_text("x\n<!--\nopen\n", encoding="utf-8")
    monkeypatch.setattr(status, "PARALLEL_THRESHOLD", 2)
    with pytest.raises(FormatError) as caught:
        status.collect_status([str(tmp_path)], jobs=2)
    assert (caught.value.path.endswith("p9.md"), caught.value.line) == (True, 2)
