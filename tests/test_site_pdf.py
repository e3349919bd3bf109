"""Textual citations, the English edition's own strings, the home page's table of contents and
downloads, and the print view the PDF is made from (the fixture book, built in a few seconds)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from conftest import build_site, write_book
from site_fixture import BIB, files

from translation_tools.check import check_pages
from translation_tools.parse import parse
from translation_tools.site import bib, editions, printing
from translation_tools.site.book import Book, PageInfo

VIETNAMESE = re.compile(r"[ạảãàáâậầấẩẫăắằặẳẵđèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹ]", re.IGNORECASE)
PATH = "docs/a.md"
CITING = """\
<!--
LSTM was proposed by :citet:`Hochreiter.Schmidhuber.1997`; :citet:`Elman.1990,Hochreiter.Schmidhuber.1997` came first.
-->

LSTM được :citet:`Hochreiter.Schmidhuber.1997` đề xuất; :citet:`Elman.1990,Hochreiter.Schmidhuber.1997` có trước.
"""
TWO_AUTHORS = """\
@article{Hochreiter.Schmidhuber.1997,
  title = {Long Short-Term Memory},
  author = {Hochreiter, Sepp and Schmidhuber, J{\\"u}rgen},
  journal = {Neural Computation},
  year = {1997}
}
"""


def rendered(text: str, edition: str) -> str:
    doc = parse(text, PATH)
    info = PageInfo("a.md", PATH, doc)
    entries = {
        "Hochreiter.Schmidhuber.1997": bib.Entry(
            "Hochreiter.Schmidhuber.1997", ["Hochreiter", "Schmidhuber"], "1997", "Long Short-Term Memory", "NC"
        ),
        "Elman.1990": bib.Entry("Elman.1990", ["Elman"], "1990", "Finding Structure in Time", "CS"),
    }
    ctx = editions.Context(Book({"a.md": info}), info, edition, None, bibliography=entries, report=lambda m: None)
    return editions.render(ctx)


@pytest.mark.parametrize(
    ("edition", "first", "both"),
    [
        (
            "vi",
            "Hochreiter và Schmidhuber (1997)",
            "[Elman (1990)](#ref-Elman-1990) và [Hochreiter và Schmidhuber (1997)]",
        ),
        (
            "en",
            "Hochreiter and Schmidhuber (1997)",
            "[Elman (1990)](#ref-Elman-1990) and [Hochreiter and Schmidhuber (1997)]",
        ),
    ],
)
def test_citet_names_the_authors_as_the_subject_in_each_edition(edition, first, both):
    markdown = rendered(CITING, edition)
    assert f"[{first}](#ref-Hochreiter-Schmidhuber-1997)" in markdown
    assert both in markdown
    assert "(Hochreiter" not in markdown  # no parenthetical form
    assert markdown.count('<li id="ref-Hochreiter-Schmidhuber-1997">') == 1  # listed under the references


def test_check_reports_an_unknown_citet_key():
    doc = parse(
        "<!--\nAs :citet:`Known.2014,Unknown.2020` showed.\n-->\n\nNhư :citet:`Known.2014,Unknown.2020`.\n", "a.md"
    )
    found = [d.message for d in check_pages([doc], whole_book=True, citation_keys={"Known.2014"})]
    assert found == [":citet:`Unknown.2020` is not in references.bib: add its BibTeX entry"]


def test_bibliography_forms_of_one_two_and_three_authors():
    one, two, three = (bib.Entry("k", names, "2014", "t", "") for names in (["Cho"], ["A", "B"], ["Cho", "B", "C"]))
    assert [one.textual("en"), two.textual("vi"), three.textual("en"), three.textual("vi")] == [
        "Cho (2014)",
        "A và B (2014)",
        "Cho et al. (2014)",
        "Cho và cộng sự (2014)",
    ]
    assert two.short("en") == "A and B, 2014"


# --- the fixture book, built ------------------------------------------------------------------

HOME = files()["docs/index.md"].replace("```toc\n:numbered:\n", "```toc\n:numbered:\n:maxdepth: 2\n")
INTRO_CITET = (
    files()["docs/chapter_a/intro.md"]
    .replace(":cite:`Elman.1990`.\n-->", ":cite:`Elman.1990`. :citet:`Hochreiter.Schmidhuber.1997` came later.\n-->")
    .replace(":cite:`Elman.1990`. Nhắc", ":cite:`Elman.1990`. :citet:`Hochreiter.Schmidhuber.1997` đến sau. Nhắc")
)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("pdf-book")
    book = {
        **files(),
        "docs/index.md": HOME,
        "docs/chapter_a/intro.md": INTRO_CITET,
        "docs/references.bib": BIB + TWO_AUTHORS,
    }
    config = write_book(root, book, plugin={"english_site_description": "A tiny book."})
    settings = yaml.safe_load(config.read_text(encoding="utf-8"))
    settings["site_description"] = "Một cuốn sách nhỏ."
    settings["theme"]["palette"] = [
        {"scheme": "default", "toggle": {"icon": "material/weather-night", "name": "Chế độ tối"}},
        {"scheme": "slate", "toggle": {"icon": "material/weather-sunny", "name": "Chế độ sáng"}},
    ]
    config.write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    result = build_site(config, root / "site", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "site"


def test_english_edition_chrome_has_no_vietnamese(fixture_site):
    page = (fixture_site / "en" / "chapter_a" / "intro" / "index.html").read_text(encoding="utf-8")
    description = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert description is not None and description.group(1) == "A tiny book."
    labels = re.findall(r'<input class="md-option"[^>]*aria-label="([^"]*)"', page)
    assert labels == ["Switch to dark mode", "Switch to light mode"]
    credits = re.search(r'<p class="tt-credits-title"><strong>([^<]*)</strong>', page)
    assert credits is not None and not VIETNAMESE.search(credits.group(1))
    vietnamese = (fixture_site / "chapter_a" / "intro" / "index.html").read_text(encoding="utf-8")
    assert 'aria-label="Chế độ tối"' in vietnamese and 'content="Một cuốn sách nhỏ."' in vietnamese


def test_citet_in_the_built_pages(fixture_site):
    vi = (fixture_site / "chapter_a" / "intro" / "index.html").read_text(encoding="utf-8")
    en = (fixture_site / "en" / "chapter_a" / "intro" / "index.html").read_text(encoding="utf-8")
    assert '<a href="#ref-Hochreiter-Schmidhuber-1997">Hochreiter và Schmidhuber (1997)</a> đến sau' in vi
    assert '<a href="#ref-Hochreiter-Schmidhuber-1997">Hochreiter and Schmidhuber (1997)</a> came later' in en


def test_home_page_toc_goes_down_to_maxdepth(fixture_site):
    home = (fixture_site / "index.html").read_text(encoding="utf-8")
    toc = re.search(r'<div class="tt-toc">(.*?)</div>', home, re.DOTALL)
    assert toc is not None
    titles = re.findall(r"<a href=\"([^\"]+)\">([^<]+)</a>", toc.group(1))
    assert titles == [("chapter_a/", "1. Mạng hồi tiếp"), ("chapter_a/intro/", "1.1. Khởi đầu")]


def test_plain_build_links_the_print_view_and_no_missing_download(fixture_site):
    for home in printing.home_pages(fixture_site).values():
        output = home.read_text(encoding="utf-8")
        block = re.search(r'<section class="tt-downloads".*?</section>', output, re.DOTALL)
        assert block is not None
        links = re.findall(r'href="([^"]+)"', block.group(0))
        assert links == ["print.html"]
        assert all((home.parent / link).exists() for link in links)


def test_link_download_adds_a_link_once(tmp_path):
    home = tmp_path / "index.html"
    home.write_text("<article>" + printing.downloads_block("en", "print.html") + "</article>", encoding="utf-8")
    for _ in range(2):
        assert printing.link_download(home, "downloads/rnnbook-en.pdf", "The whole book as a PDF", 2_500_000)
    output = home.read_text(encoding="utf-8")
    assert output.count('href="downloads/rnnbook-en.pdf"') == 1 and "(2.5 MB)" in output
    assert not printing.link_download(tmp_path / "index.html", "x", "y", 1) or printing.MARKER in output


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(values["id"] or "")
        for attr in ("href", "src"):
            if values.get(attr):
                self.urls.append(values[attr] or "")


@pytest.mark.parametrize("edition", ["vi", "en"])
def test_print_view_has_every_page_in_book_order_with_unique_ids_and_working_links(fixture_site, edition):
    folder = fixture_site if edition == "vi" else fixture_site / "en"
    view = (folder / printing.PRINT_PAGE).read_text(encoding="utf-8")
    sections = re.findall(r'<section class="tt-print-page" id="(tt-p\d+)">', view)
    assert sections == ["tt-p0", "tt-p1", "tt-p2", "tt-p3"]
    headings = {
        "vi": ["Một cuốn sách nhỏ", "1. Mạng hồi tiếp", "1.1. Khởi đầu"],
        "en": ["A Tiny Book", "1. Recurrent Networks", "1.1. Getting Started"],
    }
    positions = [view.index(f">{title}") for title in headings[edition]]
    assert positions == sorted(positions)
    assert "<math" in view and "tt-fignum" in view and '<div class="highlight"' in view
    assert "1.1.1. " in view or "1.1.1 " in view  # the section heading keeps its number
    links = Links()
    links.feed(view)
    assert len(links.ids) == len(set(links.ids)), "ids repeat across pages"
    ids = set(links.ids)
    for url in links.urls:
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            continue
        if not parts.path:
            assert parts.fragment in ids, f"{url}: no such id in the print view"
            continue
        target = folder / unquote(parts.path)
        assert target.exists() or (target / "index.html").exists(), f"{url}: missing from the built site"
