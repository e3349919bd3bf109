"""Contributor names: Vietnamese collation, aliases, git authors and the generated file."""

from __future__ import annotations

import os
import subprocess
import unicodedata

from conftest import run_tools

from translation_tools.contributors import collect_contributors, render_markdown, vietnamese_sort_key

PAGE = "<!--\n# T\n-->\n\n# T\n\n## Những người thực hiện\nBản dịch:\n<!--\n* Không phải tên\n-->\n\n{bullets}\n"


def sort(names):
    return sorted(names, key=vietnamese_sort_key)


def test_d_with_stroke_sorts_after_every_d():
    assert sort(["Đặng An", "Dương Bình", "Dũng", "Đào"]) == ["Dũng", "Dương Bình", "Đào", "Đặng An"]


def test_a_circumflex_sorts_after_every_plain_a():
    assert sort(["Ân", "Anh", "An", "Ăn", "Ba"]) == ["An", "Anh", "Ăn", "Ân", "Ba"]


def test_tones_break_ties_in_dictionary_order():
    assert sort(["Bạ", "Bá", "Bã", "Bả", "Bà", "Ba"]) == ["Ba", "Bà", "Bả", "Bã", "Bá", "Bạ"]


def test_letters_outrank_tones():
    assert sort(["Bác", "Bàn"]) == ["Bác", "Bàn"]  # c < n decides before the tones do


def test_horn_and_circumflex_letters():
    assert sort(["Ưng", "Ung", "Ơn", "Ôn", "On"]) == ["On", "Ôn", "Ơn", "Ung", "Ưng"]


def test_sort_key_ignores_normalisation_form():
    name = "Nguyễn Thị Ánh"
    assert vietnamese_sort_key(unicodedata.normalize("NFD", name))[:2] == vietnamese_sort_key(name)[:2]


def write_page(folder, name, bullets):
    path = folder / name
    path.write_text(PAGE.format(bullets="\n".join(bullets)), encoding="utf-8")
    return path


def test_names_are_normalised_aliased_and_sorted(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_page(docs, "b.md", ["*Trần  Thị Bích", "* @lehoa", "*"])
    write_page(docs, "a.md", ["* Đặng Văn An", "* Trần Thị Bích"])
    aliases = tmp_path / "aliases.yml"
    aliases.write_text("'@LeHoa': Lê Thị Hoa\n", encoding="utf-8")
    report = collect_contributors([str(docs)], str(aliases), use_git=False)
    assert [(p.name, p.pages) for p in report.people] == [
        ("Đặng Văn An", ["a.md"]),
        ("Lê Thị Hoa", ["b.md"]),
        ("Trần Thị Bích", ["a.md", "b.md"]),
    ]


def git(cwd, *args, author="Phạm Minh <minh@example.org>"):
    name, email = author[:-1].split(" <")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def test_git_authors_are_listed_where_there_is_history(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_page(docs, "a.md", ["* Đặng Văn An"])
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "docs/a.md")
    git(tmp_path, "commit", "-qm", "a")
    write_page(docs, "new.md", ["* Đặng Văn An"])  # no history yet
    # Lines not committed yet count as words of git's configured author (see test_tt_contributor_words.py).
    git(tmp_path, "config", "user.name", "Lê Văn Cường")
    git(tmp_path, "config", "user.email", "cuong@example.org")
    aliases = tmp_path / "aliases.yml"
    aliases.write_text("minh@example.org: Phạm Văn Minh\n", encoding="utf-8")
    report = collect_contributors([str(docs)], str(aliases))
    assert [(p.name, p.pages, p.git_pages) for p in report.people] == [
        ("Đặng Văn An", ["a.md", "new.md"], []),
        ("Lê Văn Cường", [], []),
        ("Phạm Văn Minh", [], ["a.md"]),
    ]
    text = render_markdown(report, "cmd")
    assert "## Phạm Văn Minh\n\n- Lịch sử git / Git history: `a.md`" in text


run_cli = run_tools


def test_write_then_check_then_stale(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_page(docs, "a.md", ["* Đặng Văn An"])
    assert run_cli("contributors", "docs", "--check", cwd=tmp_path).returncode == 1  # missing file is stale
    assert run_cli("contributors", "docs", "--write", "contributors.md", cwd=tmp_path).returncode == 0
    first = (tmp_path / "contributors.md").read_bytes()
    assert run_cli("contributors", "docs", "--check", cwd=tmp_path).returncode == 0
    assert run_cli("contributors", "docs", "--write", "contributors.md", cwd=tmp_path).returncode == 0
    assert (tmp_path / "contributors.md").read_bytes() == first  # deterministic
    write_page(docs, "b.md", ["* Võ Thị Cúc"])
    result = run_cli("contributors", "docs", "--check", cwd=tmp_path)
    assert result.returncode == 1
    assert (
        result.stderr.strip().splitlines()[-1]  # after the line saying no aliases.yml is in use
        == "contributors.md:1: stale: run `python -m translation_tools contributors docs --write contributors.md`"
    )


def test_book_alias_file_loads():
    from translation_tools.contributors import load_aliases

    path = os.path.join(os.path.dirname(__file__), "..", "docs", "aliases.yml")
    assert os.path.isfile(path), "docs/aliases.yml is missing"
    aliases = load_aliases(path)
    assert aliases, "docs/aliases.yml holds no alias"
    assert all(value == unicodedata.normalize("NFC", value) for value in aliases.values())
