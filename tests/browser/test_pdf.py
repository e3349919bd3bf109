"""`make pdf` and `make bundle` on the real book: the PDF of each edition (Chromium's, read back
with pypdf) and the offline zip opened from disk (file://) in Chromium."""

from __future__ import annotations

import html
import re
import shutil
import unicodedata
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser.conftest import search
from translation_tools.site import printing

pytestmark = [pytest.mark.browser, pytest.mark.slow]
# Each edition's page titles in book order, as the print view's table of contents lists them.
TOC_ENTRY = re.compile(r'<li><a href="#tt-p\d+">([^<]+)</a></li>')


def _text(page) -> str:
    return unicodedata.normalize("NFC", page.extract_text() or "")


@pytest.fixture(scope="module")
def pdfs(built_site: Path, browser, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("pdf")
    written = {}
    for edition, home in printing.home_pages(built_site).items():
        written[edition] = out / f"rnnbook-{edition}.pdf"
        # The session's browser: a second sync Playwright cannot start inside the first one's loop.
        printing.render_pdf(home.parent / printing.PRINT_PAGE, written[edition], browser=browser)
    return written


@pytest.mark.parametrize("edition", ["vi", "en"])
def test_pdf_has_the_pages_in_book_order_and_vietnamese_text(built_site, pdfs, edition):
    from pypdf import PdfReader

    view = (printing.home_pages(built_site)[edition].parent / printing.PRINT_PAGE).read_text(encoding="utf-8")
    # The print view's table of contents, each page once (the home page's own toc repeats entries).
    titles = list(dict.fromkeys(html.unescape(title) for title in TOC_ENTRY.findall(view)))
    assert len(titles) >= 20, titles
    reader = PdfReader(pdfs[edition])
    texts = [_text(page) for page in reader.pages]
    assert len(texts) > len(titles)  # every page of the book starts on a new sheet
    # Each page's title opens a sheet after the table of contents, in book order.
    toc_sheets = next(index for index, text in enumerate(texts) if titles[-1] in text) + 1
    # After the table of contents, the pages' titles come in book order (searched one after another).
    # Each page of the book opens a sheet with its title (compared without spaces: pypdf joins
    # "1." to the next word and wraps long headings); those sheets come in book order.
    # NFKC as well: Chromium's PDF keeps the "fi" ligature (U+FB01), pypdf gives it back as is.
    openings = ["".join(unicodedata.normalize("NFKC", text).split())[:200] for text in texts[toc_sheets:]]
    sheet = -1
    for title in titles:
        wanted = "".join(unicodedata.normalize("NFKC", title).split())
        found = next((i for i in range(sheet + 1, len(openings)) if wanted in openings[i][: len(wanted) + 40]), None)
        assert found is not None, f"no sheet after {sheet} opens with {title!r} in the {edition} PDF"
        sheet = found
    whole = "\n".join(texts)
    # Vietnamese extracts with its diacritics (ạ, ơ, ồ, ế); the English edition holds it on the
    # page that exists only in Vietnamese.
    assert "Vì sao trí nhớ của mạng hồi tiếp mờ dần" in whole
    assert "Download notebook" not in whole and "Tải notebook" not in whole  # controls are not printed
    # A glossary term reads in its place (a positioned <abbr> is painted apart, and its words
    # would come out at the end of the line).
    flat = " ".join(whole.split())
    if edition == "vi":
        assert "Mạng nơ-ron hồi tiếp" in whole and "Lan truyền ngược qua thời gian" in whole
        assert "và các cổng (GRU, LSTM)" in flat
    else:
        assert "This book teaches recurrent neural networks (RNNs)" in flat


@pytest.fixture(scope="module")
def bundle(built_site: Path, tmp_path_factory) -> Path:
    """``make bundle`` into a copy of the built site's home pages; the zip unpacked."""
    site = tmp_path_factory.mktemp("bundle-site")
    for edition, home in printing.home_pages(built_site).items():
        target = printing.home_pages(site)[edition]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(home, target)
    zip_path = printing.make_bundle(str(Path(__file__).resolve().parents[2] / "mkdocs.yml"), site)
    assert zip_path == site / "downloads" / printing.BUNDLE_NAME
    for home in printing.home_pages(site).values():
        assert printing.BUNDLE_NAME in home.read_text(encoding="utf-8")  # linked once it exists
    unpacked = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(unpacked)
    return unpacked / "rnnbook"


def test_bundle_opened_from_disk_has_working_relative_links(browser, bundle):
    assert (bundle / "index.html").exists() and (bundle / "en" / "index.html").exists()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))
    try:
        page.goto((bundle / "chapter_rnn" / "rnn.html").as_uri(), wait_until="load")
        images = page.eval_on_selector_all("article img", "imgs => imgs.map(i => [i.src, i.naturalWidth])")
        assert images and all(width > 0 for _src, width in images), images
        links = page.eval_on_selector_all(
            "article a[href]:not([href^='#']):not([href^='http'])", "links => links.map(a => a.href)"
        )
        assert links
        for link in links:
            path = Path(link.split("#")[0].removeprefix("file://"))
            assert path.is_file(), f"{link}: not in the bundle (a directory URL?)"
        # Following the next-page link from disk lands on a page of the book.
        page.click("a.md-footer__link--next")
        page.wait_for_load_state("load")
        assert page.url.startswith("file://") and page.url.endswith(".html")
        assert page.locator("article h1").count() == 1
        # The search index is fetched, which file:// refuses: the one request allowed to fail.
        assert not [url for url in failed if url.startswith("file://") and not url.endswith(".json")], failed
    finally:
        context.close()


@pytest.mark.parametrize(
    ("edition", "query", "expected"),
    [("vi", "lan truyền ngược", "Lan truyền ngược"), ("en", "backpropagation", "Backpropagation")],
)
def test_bundle_opened_from_disk_can_search(browser, bundle, edition, query, expected):
    home = bundle / ("index.html" if edition == "vi" else "en/index.html")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            None if request.url.startswith(("file://", "data:", "blob:", "about:")) else outside.append(request.url)
        ),
    )
    try:
        page.goto(home.as_uri(), wait_until="load")
        links = search(page, query)
        assert links and urlsplit(links[0]).path.endswith(".html"), links  # a page file, as the bundle has them
        first = page.locator(".md-search-result__item").first.inner_text()
        assert expected.lower() in first.lower(), first
        assert not outside, outside  # the shim and the index are in the bundle
    finally:
        context.close()
