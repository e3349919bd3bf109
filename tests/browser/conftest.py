"""Browser fixtures: the built book served on 127.0.0.1 and Debian's Chromium driven by Playwright.

When Chromium is missing the browser tests are skipped with the reason, except under CI=true,
where they fail: CI must exercise them (`make test` installs Chromium with apt-get as root).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHAPTER = "/chapter_rnn/rnn/"  # the chapter page the browser tests read
# One list of Chromium's flags for the book (the PDF and the tests): headless, no network of its own.
from translation_tools.site.printing import CHROMIUM_ARGS  # noqa: E402


def chromium_executable() -> str | None:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def pytest_collection_modifyitems(config, items):
    """Skip browser tests with a printed reason when Chromium is missing, except under CI=true."""
    if chromium_executable() or os.environ.get("CI") == "true":
        return
    skip = pytest.mark.skip(
        reason="Debian's chromium is not installed; `make test` installs it with apt-get when run as root"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def served_site(built_site: Path):
    """The built book, served on 127.0.0.1."""
    with serve(built_site) as url:
        yield url


@pytest.fixture(scope="session")
def served_fixture_book(tmp_path_factory):
    """The tiny fixture book of the site tests (it has an untranslated paragraph), built and served."""
    from conftest import build_site, write_book
    from site_fixture import files

    root = tmp_path_factory.mktemp("fixture-book")
    config = write_book(root, files())
    result = build_site(config, root / "site", cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    with serve(root / "site") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    executable = chromium_executable()
    if executable is None:  # only reached under CI=true: there the browser tests must run
        pytest.fail("CI=true but Chromium is missing: `make test` must run as root to apt-get install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """A page plus everything it did: console errors, page errors, and every request's URL."""

    def __init__(self, context, base_url: str):
        self.base_url = base_url
        self.page = context.new_page()
        self.console_errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def goto(self, path: str):
        self.page.goto(self.base_url + path, wait_until="networkidle")
        return self.page

    def foreign_requests(self) -> list[str]:
        local = urlsplit(self.base_url).netloc
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:", "about:")) and urlsplit(url).netloc != local
        ]


@pytest.fixture
def visit(browser, served_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served_site)
    yield Visit(context, served_site)
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


def search(page, query: str) -> list[str]:
    """Type a query into Material's search box and return the result links, best first."""
    box = page.locator("input.md-search__input")
    box.click()  # on a desktop viewport the search box sits in the header
    # The index loads in a web worker; a query typed before it is ready gets no answer, so
    # type again until results show (bounded: the worker of a large index needs a few seconds).
    for attempt in range(6):
        box.fill("")
        box.type(query)
        try:
            page.wait_for_selector(".md-search-result__item", timeout=5_000)
            break
        except Exception:
            if attempt == 5:
                raise
    return page.eval_on_selector_all(".md-search-result__item > a", "els => els.map(e => e.href)")
