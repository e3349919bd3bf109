"""Every internal link of the built book resolves: both editions, notebook views, the 404 page.

No browser needed: the crawl reads the built files (links, images, scripts, stylesheets) and
checks each target file and #fragment exists. Pages claim no canonical URL on localhost.
"""

from __future__ import annotations

import html.parser
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.slow

LINKING = {"a": "href", "link": "href", "img": "src", "script": "src", "source": "src", "iframe": "src"}
LOCAL_HOSTS = ("127.0.0.1", "localhost", "0.0.0.0")


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (tag, url)
        self.canonical: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(values[key])
        attr = LINKING.get(tag)
        if attr and values.get(attr):
            if tag == "link" and values.get("rel") == "canonical":
                self.canonical.append(values[attr])
            if tag == "link" and values.get("rel") in ("preconnect", "dns-prefetch"):
                return
            self.links.append((tag, values[attr]))


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8", errors="replace"))
    return page


def target_file(site: Path, url_path: str) -> Path | None:
    path = site / url_path.lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def test_every_internal_link_resolves(built_site: Path):
    site = built_site.resolve()
    pages = sorted(site.rglob("*.html"))
    assert (site / "404.html") in pages and (site / "en" / "404.html") in pages
    parsed: dict[Path, Page] = {}

    def page_of(path: Path) -> Page:
        if path not in parsed:
            parsed[path] = parse(path)
        return parsed[path]

    broken: list[str] = []
    checked = 0
    for path in pages:
        relative = path.relative_to(site).as_posix()
        base = "/" + relative  # the 404 pages' links start with "/": served at any address, they must
        for tag, url in page_of(path).links:
            parts = urlsplit(url)
            if parts.scheme in ("mailto", "data", "javascript", "tel") or (url.startswith("#") and not url[1:]):
                continue
            if parts.scheme or parts.netloc:
                assert parts.hostname not in LOCAL_HOSTS, f"{relative}: link to {url}"
                continue  # another site: not crawled (the book loads nothing from it)
            if url.startswith("#"):
                target = path
            else:
                joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), unquote(parts.path)))
                if parts.path.endswith("/") and not joined.endswith("/"):
                    joined += "/"
                found = target_file(site, joined)
                if found is None:
                    broken.append(f"{relative}: <{tag}> {url} (no {joined})")
                    continue
                target = found
            checked += 1
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html" and fragment not in page_of(target).ids:
                broken.append(f"{relative}: <{tag}> {url} (no #{fragment} in {target.relative_to(site)})")
    print(f"link crawl: {len(pages)} pages, {checked} internal links checked")
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken[:40])


def test_no_canonical_or_sitemap_url_on_localhost(built_site: Path):
    for path in built_site.rglob("*.html"):
        for url in parse(path).canonical:
            assert urlsplit(url).hostname not in LOCAL_HOSTS, f"{path}: canonical {url}"
    for sitemap in built_site.rglob("sitemap.xml"):
        text = sitemap.read_text(encoding="utf-8")
        assert not re.search(r"https?://(127\.0\.0\.1|localhost)", text), sitemap
