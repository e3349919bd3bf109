"""The built site loads nothing from another host: every resource URL is local."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

# Which attributes of which tags make the browser fetch something.
RESOURCE_ATTRS = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"),
}
# <link rel=...> values that fetch (navigation hints such as canonical/alternate do not).
FETCHING_RELS = {
    "stylesheet",
    "icon",
    "shortcut",
    "apple-touch-icon",
    "preload",
    "prefetch",
    "modulepreload",
    "manifest",
    "mask-icon",
    "preconnect",
    "dns-prefetch",
}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
CSS_IMPORT = re.compile(r"""@import\s+['"]([^'"]+)['"]""")


def is_remote(url: str) -> bool:
    url = url.strip()
    if url.startswith("//"):
        return True
    parts = urlsplit(url)
    return parts.scheme in {"http", "https", "ftp", "ws", "wss"} and parts.hostname not in {"127.0.0.1", "localhost"}


class ResourceCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[int, str, str]] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        line = self.getpos()[0]
        for attr in RESOURCE_ATTRS.get(tag, ()):
            value = values.get(attr)
            if value:
                for candidate in value.split(",") if attr == "srcset" else [value]:
                    self.urls.append((line, f"<{tag} {attr}>", candidate.strip().split(" ")[0]))
        if tag == "link":
            rels = set((values.get("rel") or "").lower().split())
            if rels & FETCHING_RELS and values.get("href"):
                self.urls.append((line, f"<link rel={values.get('rel')}>", values["href"]))
        if values.get("style"):
            for url in CSS_URL.findall(values["style"]):
                self.urls.append((line, f"<{tag} style>", url))
        self.in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            for url in CSS_URL.findall(data) + CSS_IMPORT.findall(data):
                self.urls.append((self.getpos()[0], "<style>", url))


def remote_resources_in_html(text: str) -> list[tuple[int, str, str]]:
    collector = ResourceCollector()
    collector.feed(text)
    return [item for item in collector.urls if is_remote(item[2])]


def remote_resources_in_css(text: str) -> list[tuple[int, str, str]]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for url in CSS_URL.findall(line) + CSS_IMPORT.findall(line):
            if is_remote(url):
                found.append((number, "css url()", url))
    return found


def test_collector_flags_remote_resources():
    html = (
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css">\n'
        '<script src="//cdn.example.org/x.js"></script>\n<img src="img/a.svg">\n'
        '<a href="https://github.com/">a link is not a resource</a>\n'
        '<style>body{background:url("http://evil.example/b.png")}</style>'
    )
    found = [url for _, _, url in remote_resources_in_html(html)]
    assert found == ["https://fonts.googleapis.com/css", "//cdn.example.org/x.js", "http://evil.example/b.png"]
    assert remote_resources_in_css("a{src:url(https://x.example/f.woff2)}\nb{src:url(f.woff2)}") == [
        (1, "css url()", "https://x.example/f.woff2")
    ]


def test_built_site_loads_nothing_from_another_host(built_site: Path):
    problems = []
    files = list(built_site.rglob("*.html")) + list(built_site.rglob("*.css"))
    assert any(f.name == "index.html" for f in files)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        scan = remote_resources_in_css if path.suffix == ".css" else remote_resources_in_html
        for line, what, url in scan(text):
            problems.append(f"{path.relative_to(built_site)}:{line}: {what} loads {url}")
    assert not problems, "\n".join(problems)


def test_home_page_is_vietnamese(built_site: Path):
    assert '<html lang="vi"' in (built_site / "index.html").read_text(encoding="utf-8")
