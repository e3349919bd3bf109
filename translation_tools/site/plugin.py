"""MkDocs plugin ``rnnbook``: the Vietnamese edition at ``/`` and the English one at ``/en/``.

Each event does one thing: ``on_config`` sets the edition up, ``on_files`` parses the
book (nav from toc blocks, labels, generated pages), ``on_page_markdown`` writes a
page's Markdown for the edition, ``on_page_content`` turns math into MathML and adds
tooltips and credits, ``on_post_build`` folds the search index and builds ``/en/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import subprocess
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from translation_tools.document import Document
from translation_tools.site import bib, editions, search, tooltips
from translation_tools.site.book import Book, BookError, PageInfo
from translation_tools.site.generated import TEXT, glossary_markdown, progress_markdown
from translation_tools.site.mathml import MathError, convert_html
from translation_tools.write import write_file_atomic

log = get_plugin_logger(__name__)
HERE = Path(__file__).resolve().parent
ASSETS = ("assets/rnnbook/book.css", "assets/rnnbook/book.js")
GENERATED = {"progress.md", "glossary.md", "contributors.md"}
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
CREDITS = {
    "vi": {"title": "Những người thực hiện", "author": "Tác giả", "updated": "Cập nhật lần cuối"},
    "en": {"title": "Vietnamese translation by", "author": "Written by", "updated": "Last updated"},
}
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.DOTALL)
MATH_PLACEHOLDER = re.compile(r"<!--tt-math:(\d+)-->")
TOC_MATH = re.compile(r"\\\((.+?)\\\)")
CHECK_CACHE = ".cache/site/checked-pages.json"
CHECK_CACHE_SIZE = 5000  # keys of pages that passed; old ones just get checked again
_CHECKED: dict[str, set[str]] = {}
_DOC_CACHE: dict[str, tuple[tuple[float, int], Document]] = {}
_GIT_CACHE: dict[str, dict[str, str]] = {}
_STATUS_CACHE: dict[str, tuple[tuple, object]] = {}


class BookConfig(base.Config):
    edition = c.Choice(("vi", "en"), default="vi")
    english_dir = c.Type(str, default="en")
    english_site_name = c.Optional(c.Type(str))
    build_english = c.Type(bool, default=True)
    bibliography = c.Type(str, default="references.bib")
    glossary = c.Type(str, default="glossary.yml")
    contributors_page = c.Type(str, default="contributors.md")
    check = c.Type(bool, default=True)
    drafts = c.Type(bool, default=False)  # show pages with `draft: true` in the nav
    # "info" while chapters are still being written: a missing page or label is logged, not fatal.
    missing_references = c.Choice(("error", "info"), default="error")


class BookPlugin(BasePlugin[BookConfig]):
    supports_multiple_instances = False

    # --- configuration -------------------------------------------------------------

    @event_priority(100)  # before the search plugin copies its settings
    def on_config(self, config):
        edition = self.config.edition
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.docs_dir = Path(config.docs_dir).resolve()
        if edition == "en":
            config.theme["language"] = "en"
            config.site_name = self.config.english_site_name or config.site_name
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(HERE / "templates"))
        for search_plugin in ("material/search", "search"):
            if search_plugin in config.plugins:
                search.configure(config.plugins[search_plugin].config, edition)
        config.extra_css = [*config.extra_css, ASSETS[0]]
        config.extra_javascript = [*config.extra_javascript, ASSETS[1]]
        config.extra["tt_edition"] = edition
        other = "en" if edition == "vi" else "vi"
        prefix = f"{self.config.english_dir}/" if edition == "vi" else "../"
        config.extra["alternate"] = [
            {"name": LANGUAGES[edition], "lang": edition, "link": "", "current": True},
            {"name": LANGUAGES[other], "lang": other, "link": prefix},
        ]
        return config

    # --- the book as a whole ---------------------------------------------------------

    def on_files(self, files: Files, config):
        edition = self.config.edition
        self.glossary = self._load_glossary()
        self.glossary_terms = list(self.glossary.entries) if self.glossary else []
        pages = {}
        self.urls: dict[str, str] = {}
        for file in files.documentation_pages():
            if (
                file.generated_by
                or file.src_uri in GENERATED
                or not file.abs_src_path
                or not file.src_uri.endswith(".md")
            ):
                continue
            # Relative to the working directory, like `check` prints it (and resolves toc entries).
            display = os.path.relpath(file.abs_src_path).replace(os.sep, "/")
            doc = self._parse(file.abs_src_path, display)
            pages[file.src_uri] = PageInfo(file.src_uri, display, doc)
            self.urls[file.src_uri] = "" if file.url in (".", "./") else file.url  # as the search index has it
        try:
            self.book = Book(pages, report=self._lenient(), drafts=self.config.drafts)
        except BookError as error:
            raise PluginError(str(error)) from None
        self.bibliography = bib.load(str(self.docs_dir / self.config.bibliography), str(self.root / ".cache" / "site"))
        # Vietnamese edition: the English original of a term; English edition: its Vietnamese.
        if edition == "vi":
            self.tips = tooltips.compile_terms([(term.vi, term.en) for term in self.glossary_terms])
        else:
            self.tips = tooltips.compile_terms([(term.en, term.vi) for term in self.glossary_terms], plural=True)
        self.contexts: dict[str, editions.Context] = {}
        self.math_stash: dict[str, list[str]] = {}
        self.git_dates = _git_dates(self.root)
        for path in ASSETS:
            files.append(
                File.generated(config, path, abs_src_path=str(HERE / path.replace("assets/rnnbook/", "assets/")))
            )
        extra = self._generated_pages(files, config)
        config.nav = self.book.nav(edition) + ([{TEXT[edition]["translation"]: extra}] if extra else [])
        return files

    def _lenient(self):
        return log.info if self.config.missing_references == "info" else None

    def _parse(self, path: str, display: str):
        from translation_tools.parse import FormatError, parse_file

        stat = os.stat(path)
        key = (stat.st_mtime, stat.st_size)
        cached = _DOC_CACHE.get(path)
        if cached and cached[0] == key and cached[1].path == display:
            return cached[1]
        try:
            doc = parse_file(path, display=display)
        except FormatError as error:  # worded as `translation_tools check` prints it
            raise PluginError(f"{error.path}:{error.line}: error: {error.message}") from None
        if self.config.check:
            self._check(doc)
        _DOC_CACHE[path] = (key, doc)
        return doc

    def _check(self, doc) -> None:
        """Fail on the first error ``translation_tools check`` reports for this page, worded alike.

        A page that passed is remembered on disk (by its text, the glossary and the check
        code), so a warm build does not check it again.
        """
        import translation_tools.check as check
        import translation_tools.glossary as glossary

        parts = [doc.path, "".join(block.text for block in doc.blocks)]
        for path in (check.__file__, glossary.__file__, self.glossary.path if self.glossary else None):
            parts.append(Path(path).read_text(encoding="utf-8") if path else "")
        key = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
        passed = _checked_pages(self.root)
        if key in passed:
            return
        for diagnostic in check.check_document(doc, self.glossary):
            if diagnostic.severity == "error":
                raise PluginError(str(diagnostic))
        passed.add(key)
        _save_checked_pages(self.root, passed)

    def _load_glossary(self):
        path = self.docs_dir / self.config.glossary
        if not path.exists():
            return None
        from translation_tools.glossary import load_glossary
        from translation_tools.parse import FormatError

        try:
            return load_glossary(str(path))
        except FormatError as error:
            raise PluginError(str(error)) from None

    def _generated_pages(self, files: Files, config) -> list[str]:
        edition = self.config.edition
        extra = [
            src
            for src in self.book.order
            if src not in self.book.toc_pages and (self.config.drafts or not self.book.is_draft(src))
        ]
        contributors = self.root / self.config.contributors_page
        if contributors.exists() and files.get_file_from_path("contributors.md") is None:
            files.append(File.generated(config, "contributors.md", abs_src_path=str(contributors)))
            extra.append("contributors.md")
        files.append(File.generated(config, "progress.md", content=self._progress(files, config)))
        extra.append("progress.md")
        if self.glossary_terms:
            files.append(File.generated(config, "glossary.md", content=glossary_markdown(self.glossary_terms, edition)))
            extra.append("glossary.md")
        return extra

    def _progress(self, files: Files, config) -> str:
        report = _status(str(self.docs_dir))
        here = File.generated(config, "progress.md", content="").url

        def src_of(path: str) -> str | None:
            src = os.path.relpath(os.path.abspath(path), self.docs_dir).replace(os.sep, "/")
            return src if src in self.book.pages else None

        def url_to(src: str, fragment: str) -> str:
            file = files.get_file_from_path(src)
            url = get_relative_url(file.url, here) if file else src
            return html.escape(url + (f"#{fragment}" if fragment else ""))

        return progress_markdown(report, self.book, self.config.edition, src_of, url_to)

    # --- one page -------------------------------------------------------------------

    def on_page_markdown(self, markdown, page, config, files):
        info = self.book.pages.get(page.file.src_uri)
        if info is None:
            page.edit_url = None  # generated: nothing to edit
            return markdown
        ctx = editions.Context(
            self.book,
            info,
            self.config.edition,
            self._edit_url(config, page.file.src_uri),
            outputs=page.meta.get("rnnbook_outputs", {}),
            bibliography=self.bibliography,
            report=self._lenient(),
        )
        self.contexts[page.file.src_uri] = ctx
        try:
            return editions.render(ctx)
        except BookError as error:
            raise PluginError(str(error)) from None

    @staticmethod
    def _edit_url(config, src_uri: str) -> str | None:
        if not config.repo_url or not config.edit_uri:
            return None
        edit_uri = config.edit_uri if config.edit_uri.endswith("/") else config.edit_uri + "/"
        return config.repo_url.rstrip("/") + "/" + edit_uri.lstrip("/") + src_uri

    def on_page_content(self, content, page, config, files):
        ctx = self.contexts.get(page.file.src_uri)
        source = ctx.info if ctx else None

        def math_error(latex: str, error: MathError) -> None:
            raise PluginError(f"{_locate(source, page.file.src_uri, latex)}: {error}")

        content = convert_html(content, math_error)
        _plain_toc_titles(page.toc)
        if ctx is None:
            return content
        other_language = "en" if self.config.edition == "vi" else "vi"
        content = tooltips.annotate(content, self.tips, skip_lang=other_language)
        return self._stash_math(page, content + self._credits(ctx))

    def _stash_math(self, page, content: str) -> str:
        """Swap each formula for a comment until ``on_post_page``: MathML is most of a page's
        tags, and the search plugin would otherwise parse every one of them."""
        stash: list[str] = []

        def keep(match: re.Match[str]) -> str:
            stash.append(match.group(0))
            return f"<!--tt-math:{len(stash) - 1}-->"

        content = MATH_ELEMENT.sub(keep, content)
        self.math_stash[page.file.src_uri] = stash
        return content

    def on_post_page(self, output, page, config):
        stash = self.math_stash.pop(page.file.src_uri, None)
        if not stash:
            return output
        return MATH_PLACEHOLDER.sub(lambda match: stash[int(match.group(1))], output)

    def _credits(self, ctx: editions.Context) -> str:
        words = CREDITS[ctx.edition]
        meta = ctx.info.doc.front_matter
        people = ctx.info.doc.contributors or ([meta["author"]] if isinstance(meta.get("author"), str) else [])
        names = "".join(f"<li>{html.escape(name)}</li>" for name in people)
        date = self.git_dates.get(str(self.docs_dir / ctx.info.src_uri)) or str(meta.get("date") or "")
        if not names and not date:
            return ""
        parts = ['<aside class="tt-credits" data-search-exclude="1">']
        if names:
            title = words["author"] if ctx.info.doc.monolingual else words["title"]
            parts.append(
                f'<p class="tt-credits-title"><strong>{title}</strong></p><ul class="tt-contributors">{names}</ul>'
            )
        if date:
            parts.append(f'<p class="tt-updated">{words["updated"]}: <time datetime="{date}">{date}</time></p>')
        parts.append("</aside>")
        return "".join(parts)

    # --- after the build ------------------------------------------------------------

    def on_post_build(self, config):
        # Numbered pages only: the home page repeats the book's title but teaches nothing itself.
        reading_order = [src for src in self.book.order if self.book.pages[src].number and src in self.urls]
        order = {self.urls[src]: position for position, src in enumerate(reading_order)}
        search.add_folded_field(os.path.join(config.site_dir, "search", "search_index.json"), order)
        if self.config.edition == "vi" and self.config.build_english:
            self._build_english(config)

    def _build_english(self, config) -> None:
        """The same configuration, edition ``en``, into ``site_dir/en``."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        site_url = config.site_url or ""
        nested = load_config(
            config_file=config.config_file_path,
            site_dir=os.path.join(config.site_dir, self.config.english_dir),
            site_url=(site_url.rstrip("/") + f"/{self.config.english_dir}/") if site_url else None,
            strict=config.strict,
        )
        for _name, plugin in nested.plugins.items():
            if isinstance(plugin, BookPlugin):
                plugin.config.edition = "en"
        build(nested)


def _checked_pages(root: Path) -> set[str]:
    if str(root) not in _CHECKED:
        path = root / CHECK_CACHE
        try:
            _CHECKED[str(root)] = set(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError):
            _CHECKED[str(root)] = set()
    return _CHECKED[str(root)]


def _save_checked_pages(root: Path, passed: set[str]) -> None:
    """Written atomically; a cache that cannot be written only costs time."""
    path = root / CHECK_CACHE
    with contextlib.suppress(OSError):
        write_file_atomic(path, json.dumps(sorted(passed)[-CHECK_CACHE_SIZE:]))


def _plain_toc_titles(items) -> None:
    """Heading math in the sidebar toc as its LaTeX text, not arithmatex's ``\\( \\)``."""
    for item in items:
        item.title = TOC_MATH.sub(r"\1", item.title)
        _plain_toc_titles(item.children)


def _status(docs_dir: str):
    """``collect_status`` of the docs folder (what ``status --json`` prints), reused while no page changes."""
    from translation_tools.status import collect_status

    stamp = tuple(
        sorted(
            (os.path.join(root, name), os.stat(os.path.join(root, name)).st_mtime_ns)
            for root, _, names in os.walk(docs_dir)
            for name in names
            if name.endswith(".md")
        )
    )
    cached = _STATUS_CACHE.get(docs_dir)
    if cached is None or cached[0] != stamp:
        cached = (stamp, collect_status([docs_dir]))
        _STATUS_CACHE[docs_dir] = cached
    return cached[1]


def _locate(info: PageInfo | None, src_uri: str, latex: str) -> str:
    """``path:line`` of the first line holding ``latex`` (math errors come from HTML)."""
    if info is None:
        return src_uri
    probe = latex.strip().split("\n")[0][:40]
    for block in info.doc.blocks:
        if probe in block.text:
            for offset, line in enumerate(block.text.split("\n")):
                if probe in line:
                    return f"{info.path}:{block.start + offset}"
    return f"{info.path}:1"


def _git_dates(root: Path) -> dict[str, str]:
    """Last commit date (YYYY-MM-DD) of every file with history, from one ``git log``."""
    key = str(root)
    if key in _GIT_CACHE:
        return _GIT_CACHE[key]
    dates: dict[str, str] = {}
    try:
        top = subprocess.run(
            ["git", "-C", key, "rev-parse", "--show-toplevel"], capture_output=True, text=True, timeout=10
        )
        if top.returncode == 0:
            log_output = subprocess.run(
                ["git", "-C", key, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", "."],
                capture_output=True,
                text=True,
                timeout=30,
            ).stdout
            base_dir = top.stdout.strip()
            date = ""
            for line in log_output.split("\n"):
                if line.startswith("\x00"):
                    date = line[1:]
                elif line and date:
                    dates.setdefault(str(Path(base_dir, line)), date)
    except (OSError, subprocess.SubprocessError):
        pass
    _GIT_CACHE[key] = dates
    return dates
