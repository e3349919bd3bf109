"""Links between the editions (hreflang, the 404 page's language links) and the search text of a formula."""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from urllib.parse import urlsplit

# Material writes one per edition in <head>, each to the edition's home page.
ALTERNATE = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="(?P<lang>vi|en)">')
TAG = re.compile(r"<[^>]+>")


def site_root(site_url: str | None, edition: str, english_dir: str) -> str:
    """The Vietnamese edition's root as an absolute path ("/" when no site_url is configured)."""
    path = urlsplit(site_url or "").path or "/"
    path = path if path.endswith("/") else path + "/"
    if edition == "en" and path.rstrip("/").endswith("/" + english_dir):
        path = path.rstrip("/")[: -len(english_dir)]
    return path


def page_alternates(output: str, page_url: str | None, edition: str, english_dir: str, site_url: str | None) -> str:
    """Point each hreflang alternate at this page in that edition, not at the edition's home page.
    Absolute when the site has a ``site_url``, else relative to the page."""
    if page_url is None or "hreflang" not in output:
        return output
    url = "" if page_url in (".", "./") else page_url
    prefix = f"{english_dir}/"
    current = (prefix if edition == "en" else "") + url  # both from the Vietnamese root
    folder = current if current.endswith("/") or not current else posixpath.dirname(current) + "/"
    root = None
    if site_url:
        root = site_url if site_url.endswith("/") else site_url + "/"
        if edition == "en" and root.endswith("/" + prefix):
            root = root[: -len(prefix)]

    def target(lang: str) -> str:
        path = (prefix if lang == "en" else "") + url
        if root:
            return root + path
        relative = posixpath.relpath(path or ".", folder.rstrip("/") or ".")
        return relative + "/" if (not path or path.endswith("/")) and relative != "." else relative

    return ALTERNATE.sub(
        lambda m: f'<link rel="alternate" href="{html.escape(target(m.group("lang")))}" hreflang="{m.group("lang")}">',
        output,
    )


def math_search_text(mathml: str) -> str:
    """For an inline formula, its text as a hidden span the search index reads (the page gets the
    MathML back in its place): "the state ht at step t", not "the state  at step ". Display
    formulas give nothing."""
    if 'display="block"' in mathml.split(">", 1)[0]:
        return ""
    text = unicodedata.normalize("NFKC", html.unescape(TAG.sub("", mathml)))
    text = " ".join(text.replace("\u2061", "").split())
    return f'<span class="tt-math-text">{html.escape(text, quote=False)}</span>' if text else ""
