"""MkDocs plugin ``rnnbook``: the Vietnamese edition at ``/`` and the English one at ``/en/``.

Each event does one thing: ``on_config`` sets the edition up, ``on_files`` parses the
book (nav from toc blocks, labels, generated pages), ``on_page_markdown`` writes a
page's Markdown for the edition, ``on_page_content`` turns math into MathML, adds
tooltips and credits and sanitises the body, ``on_post_build`` folds the search index and
builds ``/en/``. Problems in the sources are build warnings (``--strict`` fails on them);
a page that cannot be parsed stops the build.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import html
import json
import os
import posixpath
import re
import subprocess
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from translation_tools.pages import display_path
from translation_tools.site import (
    bib,
    editions,
    figures,
    fonts,
    links,
    printing,
    rendercache,
    sanitize,
    search,
    tooltips,
)
from translation_tools.site.book import Book, BookError, PageInfo
from translation_tools.site.generated import TEXT, contributors_markdown, glossary_markdown, progress_markdown
from translation_tools.site.mathml import MathError, convert_html
from translation_tools.syntax import SOURCE_SUFFIX
from translation_tools.write import write_file_atomic

log = get_plugin_logger(__name__)
HERE = Path(__file__).resolve().parent
ASSETS = ("assets/rnnbook/book.css", "assets/rnnbook/book.js")
GENERATED = {"progress.md", "glossary.md", "contributors.md"}
LANGUAGES = {"vi": "Tiếng Việt", "en": "English"}
# The palette toggle's label in the English edition, by the scheme it is shown on (the label
# says what a click switches to; mkdocs.yml gives the Vietnamese ones).
PALETTE_EN = {"default": "Switch to dark mode", "slate": "Switch to light mode"}
CREDITS = {
    "vi": {"title": "Những người thực hiện", "author": "Tác giả", "updated": "Cập nhật lần cuối"},
    "en": {"title": "Vietnamese translation by", "author": "Written by", "updated": "Last updated"},
}
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.DOTALL)
MATH_PLACEHOLDER = re.compile(r"<!--tt-math:(\d+)-->(?:<span class=\"tt-math-text\">[^<]*</span>)?")
TOC_MATH = re.compile(r"\\\((.+?)\\\)")
CHECK_CACHE = ".cache/site/check-findings.json"
SERVE_EDITIONS_ENV = "RNNBOOK_SERVE_EDITIONS"
CHECK_CACHE_SIZE = 5000  # pages remembered with their findings; older ones just get checked again
_CHECKED: dict[str, dict[str, list[tuple[str, str]]]] = {}  # root -> page key -> (severity, finding)
_GIT_CACHE: dict[str, dict[str, str]] = {}


class BookConfig(base.Config):
    edition = c.Choice(("vi", "en"), default="vi")
    english_dir = c.Type(str, default="en")
    english_site_name = c.Optional(c.Type(str))
    english_site_description = c.Optional(c.Type(str))  # the English edition's <meta name="description">
    build_english = c.Type(bool, default=True)
    bibliography = c.Type(str, default="references.bib")
    glossary = c.Type(str, default="glossary.yml")
    contributors_page = c.Type(str, default="contributors.md")
    check = c.Type(bool, default=True)
    drafts = c.Type(bool, default=False)  # show pages with `draft: true` in the nav
    # A toc entry without its page, an unknown or duplicate label, an unknown citation, LaTeX
    # that does not convert: "warn" logs a warning (the build goes on; --strict fails it),
    # "info" only logs it (chapters still being written), "error" stops the build.
    missing_references = c.Choice(("warn", "info", "error"), default="warn")


class BookPlugin(BasePlugin[BookConfig]):
    supports_multiple_instances = False
    _outer: BookPlugin | None = None  # the Vietnamese build, in the English build it starts

    # --- configuration -------------------------------------------------------------

    @event_priority(100)  # before the search plugin copies its settings
    def on_config(self, config):
        edition = self.config.edition
        # What the Vietnamese build warned about is only info in the English one (same sources).
        self.warned: set[str] = self._outer.warned if self._outer else set()
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.docs_dir = Path(config.docs_dir).resolve()
        self.mkdocs_config = config
        if edition == "en":
            config.theme["language"] = "en"
            config.site_name = self.config.english_site_name or config.site_name
            # Never the Vietnamese description: none is better than one in the other language.
            config.site_description = self.config.english_site_description
            _english_palette(config.theme)
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(HERE / "templates"))
        for search_plugin in ("material/search", "search"):
            if search_plugin in config.plugins:
                search.configure(config.plugins[search_plugin].config, edition)
        self.fonts = fonts.available(self.root)
        if not self.fonts and edition == "vi":
            log.info("fonts: node_modules/@fontsource is missing (`make setup` runs `npm ci`); system fonts used")
        config.extra_css = [*config.extra_css, *([fonts.CSS_PATH] if self.fonts else []), ASSETS[0]]
        config.extra_javascript = [*config.extra_javascript, ASSETS[1]]
        config.extra["tt_edition"] = edition
        other = "en" if edition == "vi" else "vi"
        prefix = f"{self.config.english_dir}/" if edition == "vi" else "../"
        english_root = f"{self.config.english_dir}/"
        config.extra["alternate"] = [
            {"name": LANGUAGES[edition], "lang": edition, "link": "", "current": True},
            {"name": LANGUAGES[other], "lang": other, "link": prefix},
        ]
        for alt in config.extra["alternate"]:  # from the site's root: the 404 page has no page URL
            alt["root"] = english_root if alt["lang"] == "en" else ""
        config.extra["tt_root"] = links.site_root(config.site_url, edition, self.config.english_dir)
        return config

    # --- the book as a whole ---------------------------------------------------------

    def on_files(self, files: Files, config):
        """The book as a whole, in named steps: read and check every page, build the book (toc,
        numbers, labels), load what rendering needs, add the assets and generated pages, set the nav."""
        self.glossary = self._load_glossary()
        self.glossary_terms = list(self.glossary.entries) if self.glossary else []
        pages = self._read_pages(files)
        try:
            self.book = Book(pages, report=self._book_report(), drafts=self.config.drafts)
        except BookError as error:
            raise PluginError(str(error)) from None
        self._prepare_rendering()
        for path in ASSETS:
            files.append(
                File.generated(config, path, abs_src_path=str(HERE / path.replace("assets/rnnbook/", "assets/")))
            )
        if self.fonts:  # the fonts are cut to the pages' characters after the build
            files.append(File.generated(config, fonts.CSS_PATH, content=fonts.css(self.root)))
        self._diagrams_for_edition(files, config)
        extra = self._generated_pages(files, config)
        edition = self.config.edition
        config.nav = self.book.nav(edition) + ([{TEXT[edition]["translation"]: extra}] if extra else [])
        return files

    def _diagrams_for_edition(self, files: Files, config) -> None:
        """Each SVG diagram with ``<switch>`` labels, its labels in this edition's language (figures.py)."""
        for file in list(files):
            if file.generated_by or not file.src_uri.endswith(".svg") or not file.abs_src_path:
                continue
            svg = Path(file.abs_src_path).read_text(encoding="utf-8")
            if not figures.has_switch(svg):
                continue
            try:
                content = figures.for_edition(svg, self.config.edition)
            except figures.FigureError as error:
                raise PluginError(f"{display_path(file.abs_src_path)}:{error.line}: {error}") from None
            files.remove(file)
            files.append(File.generated(config, file.src_uri, content=content))

    def _read_pages(self, files: Files) -> dict[str, PageInfo]:
        """Every page parsed once (shared with the execution plugin) and checked, by src_uri."""
        pages = {}
        self.urls: dict[str, str] = {}
        self.sources: dict[str, str] = {}  # src_uri -> the page's file
        self.sources_by_path: dict[str, str] = {}  # display path -> the page's file
        self.checked_lines: set[str] = set()  # "path:line" of check findings logged this build
        self.checked_new = False  # pages checked anew, to remember on disk
        for file in list(files.documentation_pages()):
            path = file.abs_src_path
            if file.generated_by or file.src_uri in GENERATED or not path or not file.src_uri.endswith(".md"):
                continue
            file = _serve_without_suffix(files, file)
            # Relative to the working directory, like `check` prints it (and resolves toc entries).
            display = display_path(path)
            doc = self._parse(path, display)
            if self.config.check:
                self._report_findings(doc)
            pages[file.src_uri] = PageInfo(file.src_uri, display, doc)
            self.sources[file.src_uri] = str(Path(path).resolve())
            self.sources_by_path[display] = self.sources[file.src_uri]
            self.urls[file.src_uri] = "" if file.url in (".", "./") else file.url  # as the search index has it
        if self.checked_new:
            _save_checked_pages(self.root, _checked_pages(self.root))
        return pages

    def _prepare_rendering(self) -> None:
        """Bibliography, glossary tooltips, per-page state and git dates for the pages to come."""
        edition = self.config.edition
        self.bibliography = bib.load(str(self.docs_dir / self.config.bibliography), str(self.root / ".cache" / "site"))
        # Vietnamese edition: the English original of a term; English edition: its Vietnamese.
        if edition == "vi":
            self.tips = tooltips.compile_terms([(term.vi, term.en) for term in self.glossary_terms])
        else:
            self.tips = tooltips.compile_terms([(term.en, term.vi) for term in self.glossary_terms], plural=True)
        self.contexts: dict[str, editions.Context] = {}
        self.math_stash: dict[str, list[str]] = {}
        self.math_chars: set[int] = set()  # what the math font must hold
        self.text_chars: set[int] = set()  # what the pages hold, for the cut text fonts
        self.git_dates = _git_dates(self.root)
        self.render_cache = self._render_cache()
        self.search_entries = self._remember_search_entries()
        self.printed: dict[str, str] = {}  # src_uri -> the page's final HTML, for the print view

    def _report(self):
        """Where a problem the build can go past is sent; None: it stops the build."""
        return {"warn": self._warn, "info": log.info}.get(self.config.missing_references)

    def _warn(self, message: str) -> None:
        if message in self.warned:
            log.info(message)
        else:
            self.warned.add(message)
            log.warning(message)

    def _book_report(self):
        """``_report``, except that a problem ``check`` already reported on that line is not warned twice."""
        report = self._report()
        if report is None:
            return None

        def book_report(message: str) -> None:
            (log.info if message.split(": ", 1)[0] in self.checked_lines else report)(message)

        return book_report

    def _parse(self, path: str, display: str):
        from translation_tools.pages import load_document
        from translation_tools.parse import FormatError

        try:
            return load_document(path, display)
        except FormatError as error:
            raise PluginError(error.diagnostic()) from None

    def _report_findings(self, doc) -> None:
        """Each finding of ``translation_tools check`` on this page in the build log, worded alike
        (``file:line: severity: message``). Errors are build warnings: a plain build goes on,
        ``--strict`` fails, just as ``check`` fails on them. Check warnings (an outdated
        translation, say) are logged as info, since ``check`` passes with them too."""
        for severity, finding in self._check(doc):
            (self._warn if severity == "error" else log.info)(finding)
            self.checked_lines.add(finding.split(": ", 1)[0])

    def _check(self, doc) -> list[tuple[str, str]]:
        """The page's findings, remembered on disk by its text, the glossary and the tools' code,
        so a warm build does not check it again (and still reports what it found)."""
        import translation_tools.check as check

        glossary = Path(self.glossary.path).read_text(encoding="utf-8") if self.glossary else ""
        parts = [doc.path, "".join(block.text for block in doc.blocks), glossary, _tools_digest()]
        key = hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()
        known = _checked_pages(self.root)
        if key in known:
            known[key] = known.pop(key)  # recently used: kept when the cache is trimmed
        else:
            known[key] = [
                (diagnostic.severity, str(diagnostic)) for diagnostic in check.check_document(doc, self.glossary)
            ]
            self.checked_new = True
        return [(severity, finding) for severity, finding in known[key]]

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
            files.append(
                File.generated(config, "contributors.md", content=self._contributors(files, config, contributors))
            )
            extra.append("contributors.md")
        files.append(File.generated(config, "progress.md", content=self._progress(files, config)))
        extra.append("progress.md")
        if self.glossary_terms:
            files.append(File.generated(config, "glossary.md", content=glossary_markdown(self.glossary_terms, edition)))
            extra.append("glossary.md")
        return extra

    def _progress(self, files: Files, config) -> str:
        # Paths relative to docs_dir, as on the site: the page never shows the build machine's folders.
        from translation_tools.status import StatusReport, status_of

        # The documents this build parsed, in the order `status` lists them (by file).
        docs = sorted((info.doc for info in self.book.pages.values()), key=lambda doc: self.sources_by_path[doc.path])
        report = StatusReport([dataclasses.replace(status_of(doc), path=self._relative(doc.path)) for doc in docs])
        here = File.generated(config, "progress.md", content="").url
        by_source = {self._relative(path): src for src, path in self.sources.items()}

        def src_of(path: str) -> str | None:
            return by_source.get(path)

        def url_to(src: str, fragment: str) -> str:
            file = files.get_file_from_path(src)
            url = get_relative_url(file.url, here) if file else src
            return html.escape(url + (f"#{fragment}" if fragment else ""))

        return progress_markdown(report, self.book, self.config.edition, src_of, url_to)

    def _contributors(self, files: Files, config, path: Path) -> str:
        """The contributors page: people with their pages by title (generated.contributors_markdown)."""
        here = File.generated(config, "contributors.md", content="").url
        by_source = {self._relative(source): src for src, source in self.sources.items()}

        def url_to(src: str, fragment: str) -> str:
            file = files.get_file_from_path(src)
            return html.escape(
                (get_relative_url(file.url, here) if file else src) + (f"#{fragment}" if fragment else "")
            )

        text = path.read_text(encoding="utf-8")
        return contributors_markdown(text, self.book, self.config.edition, by_source.get, url_to)

    def _relative(self, path: str) -> str:
        return os.path.relpath(os.path.abspath(path), self.docs_dir).replace(os.sep, "/")

    # --- one page -------------------------------------------------------------------

    render_cache: rendercache.RenderCache | None = None
    search_entries: search.RememberedEntries | None = None

    def on_pre_page(self, page, config, files):
        """Markdown pages render through the render cache (rendercache.py): only a changed page
        is converted again."""
        if self.render_cache is not None and page.file.src_uri.endswith(".md"):
            page.render = rendercache.cached_render(self.render_cache, page, page.render)
        return page

    def on_page_markdown(self, markdown, page, config, files):
        info = self.book.pages.get(page.file.src_uri)
        if info is None:
            page.edit_url = None  # generated: nothing to edit
            return markdown
        ctx = editions.Context(
            self.book,
            info,
            self.config.edition,
            self._edit_url(config, page.file.edit_uri),
            outputs=page.meta.get("rnnbook_outputs", {}),
            bibliography=self.bibliography,
            report=self._report(),
        )
        self.contexts[page.file.src_uri] = ctx
        try:
            return editions.render(ctx)
        except BookError as error:
            raise PluginError(str(error)) from None

    @staticmethod
    def _edit_url(config, source: str | None) -> str | None:
        if not config.repo_url or not config.edit_uri or not source:
            return None
        edit_uri = config.edit_uri if config.edit_uri.endswith("/") else config.edit_uri + "/"
        return config.repo_url.rstrip("/") + "/" + edit_uri.lstrip("/") + source

    @event_priority(50)  # the body is ours to clean before other plugins add their (trusted) markup
    def on_page_content(self, content, page, config, files):
        ctx = self.contexts.get(page.file.src_uri)
        source = ctx.info if ctx else None
        report = self._report()

        def math_error(latex: str, error: MathError) -> None:
            message = f"{_locate(source, page.file.src_uri, latex)}: {error}"
            if report is None:
                raise PluginError(message)
            report(message)  # the formula stays as written

        content = convert_html(content, math_error)
        _plain_toc_titles(page.toc)
        if ctx is not None:
            other_language = "en" if self.config.edition == "vi" else "vi"
            content = tooltips.annotate(content, self.tips, skip_lang=other_language)
            content += self._credits(ctx)
        # Last, over the whole body: Markdown lets raw HTML and any link target through from
        # translations, English comments, names and front matter, whatever `check` said of them.
        # (A notebook view is mkdocs-jupyter's HTML, not the book's prose.)
        if page.file.src_uri.endswith(".md"):
            content = sanitize.clean(content)
        return self._stash_math(page, content) if ctx is not None else content

    def _stash_math(self, page, content: str) -> str:
        """Swap each formula for a comment until ``on_post_page``: MathML is most of a page's
        tags, and the search plugin would otherwise parse every one of them."""
        stash: list[str] = []

        def keep(match: re.Match[str]) -> str:
            stash.append(match.group(0))
            # Inline formulas leave their text for the search index (a readable snippet).
            return f"<!--tt-math:{len(stash) - 1}-->" + links.math_search_text(match.group(0))

        content = MATH_ELEMENT.sub(keep, content)
        self.math_stash[page.file.src_uri] = stash
        self.math_chars |= fonts.math_characters(stash)
        return content

    def on_post_page(self, output, page, config):
        stash = self.math_stash.pop(page.file.src_uri, None)
        if stash:
            output = MATH_PLACEHOLDER.sub(lambda match: stash[int(match.group(1))], output)
        output = links.page_alternates(output, page.url, self.config.edition, self.config.english_dir, config.site_url)
        src_uri = page.file.src_uri
        if src_uri in self.book.toc_pages:
            self.printed[src_uri] = output  # for the print view, written after the build
        if src_uri == "index.md":
            output = _before_credits(output, printing.downloads_block(self.config.edition, printing.PRINT_PAGE))
        self.text_chars.update(map(ord, set(output)))  # the text fonts hold what the pages show
        return output

    def _credits(self, ctx: editions.Context) -> str:
        words = CREDITS[ctx.edition]
        meta = ctx.info.doc.front_matter
        people = ctx.info.doc.contributors or ([meta["author"]] if isinstance(meta.get("author"), str) else [])
        names = "".join(f"<li>{html.escape(name)}</li>" for name in people)
        date = self.git_dates.get(self.sources[ctx.info.src_uri]) or str(meta.get("date") or "")
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

    def _remember_search_entries(self) -> search.RememberedEntries | None:
        if not rendercache.enabled():
            return None
        plugins = self.mkdocs_config.plugins
        plugin = plugins.get("material/search") or plugins.get("search")
        return search.remember_entries(plugin, self.root / ".cache" / "site" / f"search-{self.config.edition}.json")

    def _render_cache(self) -> rendercache.RenderCache | None:
        if not rendercache.enabled():
            return None
        config = self.mkdocs_config
        snippets = (config["mdx_configs"] or {}).get("pymdownx.snippets", {})
        base_paths = snippets.get("base_path", ["."])
        folder = self.root / ".cache" / "site" / "render" / self.config.edition
        return rendercache.RenderCache(folder, config, [base_paths] if isinstance(base_paths, str) else base_paths)

    # --- after the build ------------------------------------------------------------

    def on_startup(self, command, dirty):
        self.command = command

    def on_post_build(self, config):
        if self.render_cache is not None:
            self.render_cache.prune()
        if self.search_entries is not None:
            self.search_entries.save()
        # Numbered pages only: the home page repeats the book's title but teaches nothing itself.
        reading_order = [src for src in self.book.order if self.book.pages[src].number and src in self.urls]
        order = {self.urls[src]: position for position, src in enumerate(reading_order)}
        search.add_folded_field(os.path.join(config.site_dir, "search", "search_index.json"), order)
        if self.fonts:
            for problem in (
                fonts.write_math_font(self.root, config.site_dir, self.math_chars),
                fonts.write_text_fonts(self.root, config.site_dir, self.text_chars),
            ):
                if problem:
                    log.info(problem)
        self._write_print_view(config)
        if self.config.edition == "vi" and self.config.build_english and self._english_now():
            self._build_english(config)

    def _write_print_view(self, config) -> None:
        """``print.html`` beside the edition's home page: the whole book in book order (printing.py)."""
        depth = {"index.md": 0}
        for src in self.book.order:
            for child in self.book.pages[src].children:
                depth.setdefault(child, depth.get(src, 0) + 1)
        pages = [
            printing.PrintedPage(
                self.urls[src],
                self.book.pages[src].nav_title(self.config.edition),
                depth.get(src, 1),
                self.printed[src],
            )
            for src in self.book.order
            if src in self.printed and src in self.urls
        ]
        view = printing.print_view(pages, self.config.edition, config.site_name)
        if view is not None:
            write_file_atomic(Path(config.site_dir) / printing.PRINT_PAGE, view)

    def _english_now(self) -> bool:
        """``serve`` rebuilds one edition, the Vietnamese, unless RNNBOOK_SERVE_EDITIONS=both
        (``make serve EDITIONS=both``): a one-paragraph edit then rebuilds in about a second."""
        return getattr(self, "command", "build") != "serve" or os.environ.get(SERVE_EDITIONS_ENV) == "both"

    def _build_english(self, config) -> None:
        """The same configuration, edition ``en``, into ``site_dir/en``."""
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        site_url = config.site_url or ""
        nested = load_config(
            config_file=config.config_file_path,
            site_dir=os.path.join(config.site_dir, self.config.english_dir),
            site_url=(site_url.rstrip("/") + f"/{self.config.english_dir}/") if site_url else None,
            use_directory_urls=config.use_directory_urls,  # the offline bundle builds both without
            strict=False,  # its warnings count in this build's strict tally, which fails once, with the total
        )
        for _name, plugin in nested.plugins.items():
            if isinstance(plugin, BookPlugin):
                plugin.config.edition = "en"
                plugin._outer = self
        build(nested)


@functools.cache
def _tools_digest() -> str:
    """The translation tools' code (check, parser, patterns): a change to it checks every page again."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _checked_pages(root: Path) -> dict[str, list[tuple[str, str]]]:
    """Findings by page key, oldest first."""
    if str(root) not in _CHECKED:
        path = root / CHECK_CACHE
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        _CHECKED[str(root)] = known if isinstance(known, dict) else {}
    return _CHECKED[str(root)]


def _save_checked_pages(root: Path, known: dict[str, list[tuple[str, str]]]) -> None:
    """Written atomically; a cache that cannot be written only costs time."""
    path = root / CHECK_CACHE
    kept = dict(list(known.items())[-CHECK_CACHE_SIZE:])
    with contextlib.suppress(OSError):
        write_file_atomic(path, json.dumps(kept, ensure_ascii=False))


def _before_credits(output: str, block: str) -> str:
    """``block`` at the end of the page's content, before its credits box."""
    for anchor in ('<aside class="tt-credits"', "</article>"):
        if anchor in output:
            return output.replace(anchor, block + anchor, 1)
    return output


def _english_palette(theme) -> None:
    """English labels on the palette toggle (the theme's ``palette`` list, or one palette)."""
    palettes = theme.get("palette") or []
    for palette in palettes if isinstance(palettes, list) else [palettes]:
        toggle = palette.get("toggle") if isinstance(palette, dict) else None
        if isinstance(toggle, dict) and toggle.get("name"):
            scheme = palette.get("scheme", "default")
            toggle["name"] = PALETTE_EN.get(scheme, PALETTE_EN["default"])


def _serve_without_suffix(files: Files, file: File) -> File:
    """d2l-vn's ``rnn_vn.md`` served as ``rnn/`` (``index_vn.md`` as its folder's index), unless
    a page has that name already; edit links and messages keep the file's own name."""
    stem, ext = posixpath.splitext(file.src_uri)
    src_uri = stem.removesuffix(SOURCE_SUFFIX) + ext
    if src_uri == file.src_uri or files.get_file_from_path(src_uri) is not None:
        return file
    served = File(src_uri, file.src_dir, file.dest_dir, file.use_directory_urls, inclusion=file.inclusion)
    served.abs_src_path = file.abs_src_path
    served.edit_uri = file.edit_uri
    files.remove(file)
    files.append(served)
    return served


def _plain_toc_titles(items) -> None:
    """Heading math in the sidebar toc as its LaTeX text, not arithmatex's ``\\( \\)``."""
    for item in items:
        item.title = TOC_MATH.sub(r"\1", item.title)
        _plain_toc_titles(item.children)


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
