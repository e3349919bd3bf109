"""``import``: Hugo and Jekyll posts become Vietnamese-only pages; monolingual pages in the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import assert_golden, run_tools

from translation_tools.check import check_document
from translation_tools.importer import _note_line, import_post
from translation_tools.parse import FormatError, parse
from translation_tools.write import write

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name != "images")


def post_of(case: str) -> Path:
    return next(p for p in sorted((FIXTURES / case).glob("*.md")) if not p.name.startswith("expected"))


@pytest.mark.parametrize("case", CASES)
def test_import_golden(case):
    post = post_of(case)
    result = import_post(post.read_text(encoding="utf-8"), post.name, str(FIXTURES / "images"))
    assert_golden(FIXTURES / case / "expected.md", result.text)
    assert_golden(
        FIXTURES / case / "expected.err", "".join(note + "\n" for note in sorted(result.notes, key=_note_line))
    )


@pytest.mark.parametrize("case", CASES)
def test_imported_page_round_trips_and_is_monolingual(case):
    post = post_of(case)
    text = import_post(post.read_text(encoding="utf-8"), post.name, str(FIXTURES / "images")).text
    doc = parse(text, "page.md")
    assert write(doc) == text
    assert doc.monolingual
    stats = doc.stats()
    assert (stats.segments, stats.no_source) == (0, 1)
    assert doc.front_matter["title"]


def test_remote_image_becomes_a_captioned_link_that_check_reports():
    text = import_post("---\ntitle: T\n---\n\n![Một hình.](https://example.org/a.png)\n", "p.md").text
    assert '[Một hình.](https://example.org/a.png "remote image")' in text
    doc = parse(text, "page.md")
    messages = [d.message for d in check_document(doc)]
    assert any("image on another host" in m for m in messages)


def test_local_copy_is_used_when_supplied(tmp_path):
    images = tmp_path / "copies"
    images.mkdir()
    (images / "a.svg").write_text("<svg/>", encoding="utf-8")
    page = tmp_path / "docs" / "reading" / "x.md"
    result = import_post(
        '{{< image src="https://example.org/a.svg" title="Hình A" >}}\n', "p.md", str(images), str(page)
    )
    assert "![Hình A](../img/a.svg)" in result.text
    assert result.images == [(str(images / "a.svg"), str(tmp_path / "docs" / "img" / "a.svg"))]


def test_math_with_color_is_kept_verbatim():
    body = "Ta có $\\color{red}{x} < \\textcolor{blue}{y}$ và\n\n$$\\color{green}{a<b}$$\n"
    text = import_post(body, "p.md").text
    assert "$\\color{red}{x} < \\textcolor{blue}{y}$" in text and "$$\\color{green}{a<b}$$" in text


def test_more_and_toc_markers_are_understood():
    text = import_post("---\ntitle: T\n---\nMở đầu ngắn.\n<!--more-->\n<!-- toc -->\n\nThân bài.\n", "p.md").text
    assert "<!--" not in text.split("## Những người thực hiện")[0]
    assert parse(text).front_matter["description"] == "Mở đầu ngắn."


@pytest.mark.parametrize(
    "post, line, words",
    [
        ("---\ntitle: [broken\n---\nText.\n", 2, "broken YAML front matter"),
        ("---\ntitle: T\n", 1, "front matter never closed"),
        ("+++\ntitle = \n+++\n", 2, "broken TOML front matter"),
        ('Text.\n\n{{< image src="a.png" \n\nMore.\n', 3, "unclosed shortcode"),
        ('Text.\n\n<center><img src="a.png">\n\nMore.\n', 3, "unclosed HTML tag <center>"),
        ("```python\nx = 1\n", 1, "code fence never closed"),
    ],
)
def test_bad_posts_report_file_and_line(post, line, words):
    with pytest.raises(FormatError) as caught:
        import_post(post, "post.md")
    assert (caught.value.line, words in caught.value.message) == (line, True)


def test_cli_bad_post_writes_nothing(tmp_path):
    post = tmp_path / "post.md"
    post.write_text('Text.\n<figure><img src="a.png">\n', encoding="utf-8")
    out = tmp_path / "out.md"
    result = run_tools("import", post, "-o", out)
    assert result.returncode == 2
    assert result.stderr.strip() == f"{post}:2: unclosed HTML tag <figure>: add </figure>"
    assert not out.exists()


def test_cli_import_writes_page_and_copies_images(tmp_path):
    out = tmp_path / "docs" / "reading" / "lstm.md"
    out.parent.mkdir(parents=True)  # import makes the book's img folder, never the page's folder
    post = post_of("jekyll_html")
    result = run_tools("import", post, "-o", out, "--images", FIXTURES / "images")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "docs" / "img" / "lstm-cell.svg").exists()
    assert "![Một ô LSTM với ba cổng.](../img/lstm-cell.svg)" in out.read_text(encoding="utf-8")


def test_monolingual_page_with_toc_counts_as_no_source_in_status(tmp_path):
    page = tmp_path / "index.md"
    page.write_text(
        "# Bài đọc thêm\n\nCác bài viết tiếng Việt.\n\n```toc\n:maxdepth: 1\n\nbai-mot\n```\n", encoding="utf-8"
    )
    from translation_tools.status import collect_status

    report = collect_status([str(page)])
    assert report.pages[0].no_source and report.total.no_source == 1 and report.total.segments == 0


def test_check_reports_empty_headings_of_monolingual_pages():
    doc = parse("# Dàn ý\n\nMở đầu.\n\n## Phần trống\n\n## Phần có chữ\n\nChữ.\n", "p.md")
    found = [(d.line, d.message) for d in check_document(doc)]
    assert found == [(5, "heading 'Phần trống' has no text under it: write the section or remove it")]
