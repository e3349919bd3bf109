"""The whole book on one page for printing, its PDF, and the site as a zip that works from disk.

- ``print_view``: every page of the book in book order (the nav's), in one HTML page written
  next to the edition's home page (``print.html``): the pages' rendered content as built
  (numbered headings, figures, MathML, code and its outputs), a table of contents first, each
  page's ids prefixed so they stay unique and links between pages turned into links inside
  the view. The plugin writes it at the end of every build, for both editions.
- ``render_pdf``: that page to PDF with Debian's Chromium through Playwright (``make pdf``).
- ``bundle``: the book built with ``use_directory_urls: false`` (a link to ``x.html``, not
  ``x/``, works opened from disk), zipped (``make bundle``).

Both files go to ``site/downloads/``; the home pages link them only once they exist (a plain
build links the print view alone), through ``link_download``.
"""

from __future__ import annotations

import argparse
import html
import os
import posixpath
import re
import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from translation_tools.write import write_file_atomic

PRINT_PAGE = "print.html"  # beside the edition's index.html: the theme's relative asset URLs stay valid
DOWNLOADS = "downloads"
MARKER = "<!--tt-downloads-->"
PDF_NAME = "rnnbook-{edition}.pdf"
BUNDLE_NAME = "rnnbook-offline.zip"
TEXT = {
    "vi": {
        "contents": "Mục lục",
        "downloads": "Tải về",
        "print": "Bản in: toàn bộ sách trên một trang",
        "pdf": "Toàn bộ sách dạng PDF",
        "bundle": "Trang web để đọc không cần mạng (tệp zip; giải nén rồi mở index.html)",
        "print_title": "bản in",
    },
    "en": {
        "contents": "Contents",
        "downloads": "Downloads",
        "print": "Print view: the whole book on one page",
        "pdf": "The whole book as a PDF",
        "bundle": "The website for reading offline (a zip; unpack it and open index.html)",
        "print_title": "print view",
    },
}
ARTICLE = re.compile(r'(<article class="md-content__inner md-typeset">)(.*?)(</article>)', re.DOTALL)
# Attributes holding a URL, and those holding ids (tabs pair an input's id with a label's for).
URL_ATTR = re.compile(r'(\s(?:href|src))="([^"]*)"')
ID_ATTR = re.compile(r'(\s(?:id|for|aria-controls|aria-labelledby|aria-describedby))="([^"]*)"')
TAB_NAME = re.compile(r'(\sname)="(__tabbed_[^"]*)"')
SHELL_FRAGMENT = re.compile(r'href="#([^"]+)"')
CANONICAL = re.compile(r'\s*<link rel="canonical"[^>]*>')
TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
HEAD_END = "</head>"
PRINT_CSS = """
<style>
.tt-print-page { break-before: page; }
.tt-print abbr.tt-term { position: static; }
.tt-print-toc ul { list-style: none; }
.tt-print-toc > ul { padding-left: 0; }
.tt-print .headerlink, .tt-print .tt-show-all, .tt-print .md-content__button,
.tt-print details.tt-orig, .tt-print .tt-downloads, .tt-print .cell-notebook { display: none !important; }
@media print {
  .md-header, .md-tabs, .md-sidebar, .md-footer, .md-top, .md-search, .md-dialog { display: none !important; }
  .md-main__inner { margin: 0; }
  .md-content { max-width: none; }
  .md-typeset pre, .md-typeset figure, .md-typeset table, .tt-math { break-inside: avoid; }
  .md-typeset h1, .md-typeset h2, .md-typeset h3 { break-after: avoid; }
}
@page { size: A4; margin: 18mm 16mm; }
</style>
"""


@dataclass(slots=True)
class PrintedPage:
    """One page of the book as built: where it is, its nav title, its final HTML."""

    url: str  # as MkDocs gives it: "chapter_rnn/rnn/" or "chapter_rnn/rnn.html", "" for the home page
    title: str  # "1.3. Mạng nơ-ron hồi tiếp"
    depth: int  # 0: the home page, 1: a chapter, 2: a section
    output: str


def article(output: str) -> str | None:
    """The page's content (the theme's ``<article>``), or None when it has none."""
    match = ARTICLE.search(output)
    return match.group(2) if match else None


def page_key(path: str) -> str:
    """A page's URL path without ``index.html``: what links to it end with."""
    path = path.split("#", 1)[0]
    if path == "index.html" or path.endswith("/index.html"):
        path = path[: -len("index.html")]
    return path.rstrip("/")


def _page_dir(url: str) -> str:
    """The folder a page's relative links start from."""
    return url.rstrip("/") if url.endswith("/") or not url else posixpath.dirname(url)


def print_view(pages: list[PrintedPage], edition: str, site_name: str) -> str | None:
    """The print page: the first page's HTML (the home page) as a shell, its content replaced by
    a table of contents and every page's content in order. None when a page has no content."""
    if not pages or ARTICLE.search(pages[0].output) is None:
        return None
    ids = {page_key(page.url): index for index, page in enumerate(pages)}
    toc = [f'<nav class="tt-print-toc"><h1 id="tt-print-contents">{TEXT[edition]["contents"]}</h1>']
    depth = 0
    for index, page in enumerate(pages):
        while depth < page.depth + 1:
            toc.append("<ul>")
            depth += 1
        while depth > page.depth + 1:
            toc.append("</ul>")
            depth -= 1
        toc.append(f'<li><a href="#tt-p{index}">{html.escape(page.title)}</a></li>')
    toc.append("</ul>" * depth + "</nav>")
    sections = ["".join(toc)]
    for index, page in enumerate(pages):
        body = article(page.output)
        if body is None:
            return None
        body = _relink(body, index, _page_dir(page.url), ids)
        sections.append(f'<section class="tt-print-page" id="tt-p{index}">{body}</section>')
    # The shell's sidebar toc links to the home page's headings, which now carry its prefix.
    content = "\n".join(sections)
    shell = SHELL_FRAGMENT.sub(
        lambda match: (
            f'href="#tt-p0-{match.group(1)}"' if f'id="tt-p0-{match.group(1)}"' in content else match.group(0)
        ),
        pages[0].output,
    )
    output = ARTICLE.sub(lambda match: match.group(1) + content + match.group(3), shell, count=1)
    output = CANONICAL.sub("", output, count=1)
    title = f"<title>{html.escape(site_name)} ({TEXT[edition]['print_title']})</title>"
    output = TITLE.sub(lambda _match: title, output, count=1)
    output = output.replace(HEAD_END, PRINT_CSS + HEAD_END, 1)
    return BODY.sub(_print_class, output, count=1)


BODY = re.compile(r"<body\b[^>]*>")


def _print_class(match: re.Match[str]) -> str:
    tag = match.group(0)
    if ' class="' in tag:
        return tag.replace(' class="', ' class="tt-print ', 1)
    return tag[:5] + ' class="tt-print"' + tag[5:]


def _relink(body: str, index: int, page_dir: str, ids: dict[str, int]) -> str:
    """A page's content as seen from the print page (at the root of its edition): ids prefixed
    with the page's number, links to a page of the view turned into fragments, other relative
    URLs (images, notebooks, the glossary) rewritten from the page's folder."""
    prefix = f"tt-p{index}-"

    def url(match: re.Match[str]) -> str:
        attr, value = match.group(1), html.unescape(match.group(2))
        parts = urlsplit(value)
        if parts.scheme or value.startswith(("//", "data:", "mailto:")):
            return match.group(0)
        if not parts.path:  # "#x": this page
            return f'{attr}="#{prefix}{html.escape(parts.fragment)}"' if parts.fragment else f'{attr}="#tt-p{index}"'
        target = posixpath.normpath(posixpath.join(page_dir, unquote(parts.path)))
        target = "" if target == "." else target
        if target.startswith("../"):
            return match.group(0)  # outside the edition (the other edition's pages): left as written
        page = ids.get(page_key(target + ("/" if parts.path.endswith("/") else "")))
        if page is not None and attr.strip() == "href":
            fragment = f"tt-p{page}-{parts.fragment}" if parts.fragment else f"tt-p{page}"
            return f'{attr}="#{html.escape(fragment)}"'
        relative = target + ("/" if parts.path.endswith("/") and target else "")
        relative = relative or "./"
        return f'{attr}="{html.escape(relative + (f"#{parts.fragment}" if parts.fragment else ""))}"'

    def ident(match: re.Match[str]) -> str:
        values = " ".join(prefix + value for value in match.group(2).split())
        return f'{match.group(1)}="{values}"'

    body = URL_ATTR.sub(url, body)
    body = ID_ATTR.sub(ident, body)
    return TAB_NAME.sub(lambda match: f'{match.group(1)}="{prefix}{match.group(2)}"', body)


def downloads_block(edition: str, print_href: str) -> str:
    """The home page's list of downloads: the print view, then (``link_download``) the files
    that ``make pdf`` and ``make bundle`` wrote. Outside the search index (added after it)."""
    text = TEXT[edition]
    return (
        f'<section class="tt-downloads" data-search-exclude="1"><h2 id="tt-downloads">{text["downloads"]}</h2>'
        f'<ul><li><a href="{html.escape(print_href)}">{text["print"]}</a></li>{MARKER}</ul></section>'
    )


def link_download(home: Path, href: str, label: str, size: int) -> bool:
    """Add a download to the home page ``home`` (its ``downloads_block``); False when it has none.
    Linking the same file twice changes nothing."""
    output = home.read_text(encoding="utf-8")
    if MARKER not in output:
        return False
    link = f'<a href="{html.escape(href)}">'
    if link not in output:
        item = f"<li>{link}{html.escape(label)}</a> ({size / 1e6:.1f} MB)</li>"
        home.write_text(output.replace(MARKER, item + MARKER, 1), encoding="utf-8")
    return True


def home_pages(site: Path, english_dir: str = "en") -> dict[str, Path]:
    """Each edition's home page in a built site: {"vi": site/index.html, "en": site/en/index.html}."""
    return {"vi": site / "index.html", "en": site / english_dir / "index.html"}


# --- PDF ---------------------------------------------------------------------------------------


def render_pdf(page: Path, pdf: Path, executable: str | None = None, timeout_s: float = 300, browser=None) -> None:
    """``page`` (a print view on disk) to ``pdf`` with Chromium, A4, page numbers in the footer.

    ``browser``: a Playwright browser already running (the tests share one); else one is started.
    """
    pdf.parent.mkdir(parents=True, exist_ok=True)
    partial = pdf.with_suffix(".pdf.part")
    if browser is not None:
        _print(browser, page, partial, timeout_s)
    else:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            started = playwright.chromium.launch(
                executable_path=executable or _chromium(), headless=True, args=CHROMIUM_ARGS
            )
            try:
                _print(started, page, partial, timeout_s)
            finally:
                started.close()
    os.replace(partial, pdf)


def _print(browser, page: Path, target: Path, timeout_s: float) -> None:
    tab = browser.new_page()
    try:
        tab.goto(page.resolve().as_uri(), wait_until="load", timeout=timeout_s * 1000)
        tab.emulate_media(media="print")
        tab.evaluate("document.fonts.ready.then(() => true)")
        tab.pdf(
            path=str(target),
            format="A4",
            print_background=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=(
                '<div style="font-size:8px;width:100%;text-align:center;">'
                '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
            ),
            margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
        )
    finally:
        tab.close()


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--allow-file-access-from-files",
]


def _chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("Chromium is missing: run `make chromium` (Debian's chromium package) or set CHROMIUM=path")


def make_pdfs(site: Path, english_dir: str = "en") -> list[Path]:
    """One PDF per edition from the built site's print views, linked from both home pages."""
    written = []
    for edition, home in home_pages(site, english_dir).items():
        view = home.parent / PRINT_PAGE
        if not view.exists():
            raise SystemExit(f"{view}: no print view; build the site first (`make build`)")
        pdf = site / DOWNLOADS / PDF_NAME.format(edition=edition)
        render_pdf(view, pdf)
        written.append(pdf)
    for edition, home in home_pages(site, english_dir).items():
        for pdf in written:
            other = pdf.stem.rsplit("-", 1)[-1]
            label = TEXT[edition]["pdf"] + ("" if other == edition else f" ({_language_name(other, edition)})")
            link_download(home, os.path.relpath(pdf, home.parent).replace(os.sep, "/"), label, pdf.stat().st_size)
    return written


def _language_name(language: str, edition: str) -> str:
    names = {"vi": {"vi": "tiếng Việt", "en": "tiếng Anh"}, "en": {"vi": "Vietnamese", "en": "English"}}
    return names[edition][language]


# --- offline bundle --------------------------------------------------------------------------


# Search from disk: Material reads ``search/search_index.js`` (the index as a script) on file://
# pages, and runs its search worker in an iframe through the iframe-worker shim (npm package
# ``iframe-worker``, self-hosted: Chromium starts no Worker from a file:// page).
WORKER_SHIM = "node_modules/iframe-worker/shim/index.js"
WORKER_SHIM_PATH = "assets/rnnbook/iframe-worker.js"


def build_offline(config_file: str, site_dir: Path) -> None:
    """The book built into ``site_dir`` with ``use_directory_urls: false``, strictly, with
    search that works opened from disk (when the shim is installed)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s - %(message)s")
    config = load_config(config_file=config_file, site_dir=str(site_dir), use_directory_urls=False, strict=True)
    shim = Path(config_file).resolve().parent / WORKER_SHIM
    if shim.is_file():
        config.extra["polyfills"] = [*config.extra.get("polyfills", []), WORKER_SHIM_PATH]
    build(config)
    for index in site_dir.rglob("search/search_index.json"):
        edition_root = index.parent.parent
        write_file_atomic(index.with_suffix(".js"), b"var __index = " + index.read_bytes())
        if shim.is_file():
            write_file_atomic(edition_root / WORKER_SHIM_PATH, shim.read_bytes())


def make_bundle(config_file: str, site: Path, english_dir: str = "en") -> Path:
    """``site/downloads/rnnbook-offline.zip``: the book built for opening from disk (with the
    PDFs ``make pdf`` left in ``site/downloads``), in one folder ``rnnbook/``."""
    zip_path = site / DOWNLOADS / BUNDLE_NAME
    with tempfile.TemporaryDirectory(prefix="rnnbook-bundle-") as tmp:
        offline = Path(tmp) / "rnnbook"
        build_offline(config_file, offline)
        pdfs = sorted((site / DOWNLOADS).glob("*.pdf")) if (site / DOWNLOADS).is_dir() else []
        for pdf in pdfs:
            (offline / DOWNLOADS).mkdir(exist_ok=True)
            shutil.copy2(pdf, offline / DOWNLOADS / pdf.name)
            for edition, home in home_pages(offline, english_dir).items():
                other = pdf.stem.rsplit("-", 1)[-1]
                label = TEXT[edition]["pdf"] + ("" if other == edition else f" ({_language_name(other, edition)})")
                href = os.path.relpath(offline / DOWNLOADS / pdf.name, home.parent).replace(os.sep, "/")
                link_download(home, href, label, pdf.stat().st_size)
        zip_path.parent.mkdir(parents=True, exist_ok=True)
        partial = zip_path.with_suffix(".zip.part")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(offline.rglob("*")):
                if path.is_file():
                    archive.write(path, path.relative_to(offline.parent).as_posix())
        os.replace(partial, zip_path)
    for edition, home in home_pages(site, english_dir).items():
        href = os.path.relpath(zip_path, home.parent).replace(os.sep, "/")
        link_download(home, href, TEXT[edition]["bundle"], zip_path.stat().st_size)
    return zip_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m translation_tools.site.printing", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    pdf = commands.add_parser("pdf", help="one PDF per edition from a built site's print views")
    pdf.add_argument("site", nargs="?", default="site")
    bundle = commands.add_parser("bundle", help="the site built for reading from disk, zipped")
    bundle.add_argument("site", nargs="?", default="site")
    bundle.add_argument("--config-file", default="mkdocs.yml")
    args = parser.parse_args(argv)
    site = Path(args.site)
    if not (site / "index.html").exists():
        print(f"{site}: no built site; run `make build` first", file=sys.stderr)
        return 2
    if args.command == "pdf":
        for path in make_pdfs(site):
            print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    else:
        path = make_bundle(args.config_file, site)
        print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
