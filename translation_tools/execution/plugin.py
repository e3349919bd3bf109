"""MkDocs plugin ``rnnbook-execute``: run the pages' code (cached), expose outputs, add notebooks.

Contract with the site plugin: ``page.meta["rnnbook_outputs"] = {fence_line: html}``; the site
plugin appends each string right after the code fence that starts on that source line.
Markup: ``div.cell-output.no-copy`` (no Material copy button on outputs) holding
``pre.cell-output-text`` (stdout; ``.cell-output-stderr`` and ``.cell-output-value`` for stderr
and a final expression's value) and ``figure.cell-output-figure > img`` (SVG files under
``assets/outputs/``). A "Tải notebook"/"Download notebook" bar (``p.cell-notebook``) follows the
page's h1 on pages with code; notebook views live at ``notebooks/<page>/`` in each edition (the
same path in both, so the language menu finds the other one), rendered by mkdocs-jupyter and
lightened here: MathML in place of the math, the book's code styles, ``assets/rnnbook-notebook.css``
instead of JupyterLab's CSS. Each edition ships ``downloads/rnnbook-<version>-py3-none-any.whl``
(``translation_tools.execution.wheel``) and ``downloads/rnnbook-notebooks-<lang>.zip``.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import os
import re
import time
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils import get_relative_url

from translation_tools.execution import notebooks as nbexport
from translation_tools.execution import wheel as nbwheel
from translation_tools.execution.cache import default_cache_dir
from translation_tools.execution.cells import ExecutionError, PageRun, code_cells
from translation_tools.execution.kernel import outputs_for, strip_ansi, untranslated_labels
from translation_tools.execution.runner import Executor
from translation_tools.write import prune_entries, write_file_atomic

log = get_plugin_logger("rnnbook-execute")

# mkdocs-jupyter (loaded after this plugin) imports nbconvert's command-line app, which at import
# time builds every installed exporter to list the enabled ones in its --help text: about a fifth
# of a second per build for a list no build reads. nbconvert's own switch skips that check.
os.environ.setdefault("NBCONVERT_DISABLE_CONFIG_EXPORTERS", "1")

OUTPUT_DIR = "assets/outputs"
CSS_NAME = "assets/rnnbook-execute.css"
NOTEBOOK_CSS = "assets/rnnbook-notebook.css"
NOTEBOOK_DIR = "notebooks"
DOWNLOADS = "downloads"
BUTTON_TEXT = {
    "vi": ("Tải notebook", "Xem notebook", "Tải notebook Jupyter của trang này"),
    "en": ("Download notebook", "View notebook", "Download this page as a Jupyter notebook"),
}
ZIP_TEXT = {
    "vi": ("Mọi notebook (.zip)", "Mọi notebook của sách, kèm gói rnnbook để cài"),
    "en": ("All notebooks (.zip)", "Every notebook of the book, with the rnnbook package to install"),
}
ZIP_README = {
    "vi": "Các notebook của sách, theo từng chương. Mở bằng Jupyter (pip install jupyterlab; jupyter lab);\n"
    "ô đầu tiên của mỗi notebook cài gói rnnbook từ tệp {wheel} trong thư mục này.\n",
    "en": "The book's notebooks, by chapter. Open them with Jupyter (pip install jupyterlab; jupyter lab);\n"
    "the first cell of each installs the rnnbook package from {wheel} in this folder.\n",
}
FIGURE_ALT = nbexport.FIGURE_ALT
LANGUAGE_NAMES = {"vi": "Vietnamese", "en": "English"}
NOTEBOOK_STYLE = """\
.jupyter-wrapper .jp-Cell{margin:0 0 .8em}
.jupyter-wrapper .jp-Collapser,.jupyter-wrapper .jp-MarkdownCell .jp-InputPrompt{display:none}
.jupyter-wrapper .jp-InputPrompt,.jupyter-wrapper .jp-OutputPrompt{font-family:var(--md-code-font-family);font-size:.65rem;color:var(--md-default-fg-color--light)}
.jupyter-wrapper .jp-OutputPrompt:empty{display:none}
.jupyter-wrapper .jp-CodeCell .highlight pre{margin:.2em 0}
.jupyter-wrapper .jp-OutputArea{margin:-.2em 0 1em;border-left:.2rem solid var(--md-accent-fg-color--transparent,#e0e0ff);padding-left:.6rem}
.jupyter-wrapper .jp-OutputArea pre{margin:.3em 0;padding:.4em .2em;font-size:.85em;background:none;white-space:pre-wrap;overflow-wrap:anywhere}
.jupyter-wrapper .jp-OutputArea [data-mime-type="application/vnd.jupyter.stderr"] pre{color:var(--md-code-hl-number-color,#b00)}
.jupyter-wrapper .jp-OutputArea img,.jupyter-wrapper .jp-RenderedMarkdown img{max-width:100%;height:auto;background:#fff}
.jupyter-wrapper .anchor-link{margin-left:.3em;opacity:0;text-decoration:none}
.jupyter-wrapper :is(h1,h2,h3,h4):hover .anchor-link{opacity:.5}
"""
STYLE = """\
.md-typeset .cell-output{margin:-.6em 0 1.2em;border-left:.2rem solid var(--md-accent-fg-color--transparent,#e0e0ff);padding-left:.6rem}
.md-typeset .cell-output pre.cell-output-text{margin:.3em 0;font-size:.85em;background:none;box-shadow:none}
.md-typeset .cell-output pre.cell-output-text>code{background:none;padding:.4em .2em;white-space:pre-wrap;overflow-wrap:anywhere}
.md-typeset .cell-output pre.cell-output-stderr>code{color:var(--md-code-hl-number-color,#b00)}
.md-typeset .cell-output figure.cell-output-figure{margin:.4em 0;text-align:left}
.md-typeset .cell-output figure.cell-output-figure img{max-width:100%;height:auto;background:#fff}
.md-typeset .cell-notebook{display:flex;gap:.5rem;flex-wrap:wrap;margin:.2em 0 1em}
.md-typeset .cell-notebook .md-button{font-size:.7rem;padding:.3em 1em}
"""


class ExecuteConfig(Config):
    enabled = c.Type(bool, default=True)
    cache_dir = c.Type(str, default=".cache/execution")
    timeout = c.Type((int, float), default=300)
    notebooks = c.Type(bool, default=True)
    edition = c.Type(str, default="")
    jobs = c.Type(int, default=0)  # pages whose cells run at a time (one torch thread each); 0: one per core
    prestart = c.Type(bool, default=True)  # start the next page's kernel while one runs


def edition_of(config: Any, configured: str) -> str:
    """``vi`` or ``en``: this plugin's option, else the site plugin's ``edition``, else the theme."""
    if configured:
        return configured
    for name, plugin in config.plugins.items():
        value = getattr(plugin, "config", {}).get("edition") if hasattr(plugin, "config") else None
        if isinstance(value, str) and value in ("vi", "en") and name != "rnnbook-execute":
            return value
    language = str(config.theme.get("language") or "vi")
    return "en" if language.startswith("en") else "vi"


class ExecutePlugin(BasePlugin[ExecuteConfig]):
    """Executes each page's Python cells in one kernel per page, with a content-hash cache."""

    def on_config(self, config):
        self.root = Path(config.config_file_path or ".").resolve().parent
        self.docs_dir = Path(config.docs_dir).resolve()
        self.edition = edition_of(config, self.config.edition)
        self.enabled = self.config.enabled and os.environ.get("RNNBOOK_EXECUTE", "1") != "0"
        self.cache_dir = default_cache_dir(self.root, self.config.cache_dir)
        self.runs: dict[str, PageRun] = {}
        self.assets: dict[str, bytes] = {}
        self.notebook_data: dict[str, bytes] = {}
        self.view_math: dict[str, list[str]] = {}  # view src_uri -> MathML of its math tokens
        self.view_dir = self.root / ".cache" / "site" / "notebook-views" / self.edition
        self.views_used: set[str] = set()
        self.wheel_file = nbwheel.wheel_name(self.root) if (self.root / "src" / nbwheel.PACKAGE).is_dir() else None
        jupyter = config.plugins.get("mkdocs-jupyter")
        if jupyter is not None:
            # One render cache per edition, as each build evicts the entries it did not use; a
            # build without notebooks gets its own folder so it evicts nothing that matters.
            folder = self.edition if self.enabled and self.config.notebooks else "unused"
            jupyter.config["cache_dir"] = str(self.root / ".cache" / "mkdocs-jupyter" / folder)
        if CSS_NAME not in config.extra_css:
            config.extra_css.append(CSS_NAME)
        self.site_url = config.site_url or None
        return config

    def _on_files_run(self, files: Files, config):
        if not self.enabled:
            return files
        from translation_tools.pages import display_path, load_document
        from translation_tools.parse import FormatError

        executor = Executor(self.root, self.cache_dir, float(self.config.timeout))
        parsed = []
        for file in list(files.documentation_pages()):
            if not file.src_uri.endswith(".md") or file.abs_src_path is None:
                continue
            if file.generated_by is not None:
                continue  # pages made by plugins (progress, glossary) have no code of their own
            path = Path(file.abs_src_path)
            display = display_path(path)
            try:  # the site plugin asks for the same parse: one per page and build
                doc = load_document(path, display)
            except FormatError as error:
                raise PluginError(error.diagnostic()) from None
            parsed.append((file, display, doc))
        started, ran = time.perf_counter(), 0
        try:
            pages = [(display, code_cells(doc, self.root)) for _, display, doc in parsed]
            jobs = int(os.environ.get("RNNBOOK_EXEC_JOBS") or self.config.jobs)
            runs = executor.run_pages(pages, jobs=jobs, prestart=bool(self.config.prestart))
        except ExecutionError as error:
            raise PluginError(str(error)) from None
        for (file, display, _doc), run in zip(parsed, runs):
            self.runs[file.src_uri] = run
            if run.executed:
                ran += 1
                log.info(
                    "executed %s (%d cells) in %.1f s (kernel CPU %.1f s)",
                    display,
                    len(run.cells),
                    run.seconds,
                    run.cpu_seconds,
                )
        if ran:
            log.info("executed %d of %d pages in %.1f s", ran, len(parsed), time.perf_counter() - started)
        if self.config.notebooks:
            self.add_notebooks(files, config, parsed)
        return files

    @event_priority(-100)
    def _on_files_mark(self, files: Files, config):
        """After mkdocs-jupyter wraps our notebooks (its wrapper hides their inclusion level),
        mark them as pages outside the nav again, so MkDocs does not list them as missing."""
        for file in files:
            if file.src_uri.startswith(NOTEBOOK_DIR + "/") and file.src_uri.endswith(".ipynb"):
                file.inclusion = InclusionLevel.NOT_IN_NAV
        return files

    on_files = CombinedEvent(_on_files_run, _on_files_mark)

    def on_startup(self, command, dirty):
        # `serve` rebuilds in about a second without the notebook views (downloads stay);
        # RNNBOOK_SERVE_EDITIONS=both (`make serve EDITIONS=both`) serves everything.
        self.notebook_views = command != "serve" or os.environ.get("RNNBOOK_SERVE_EDITIONS") == "both"

    notebook_views = True

    def add_notebooks(self, files: Files, config, parsed) -> None:
        """Each page with code as a notebook in this edition's language: a download (with math as
        ``$…$`` for Jupyter) and a notebook view (math as MathML). Pages without code get neither.
        Both are remembered by ``_notebook_key`` (.cache/site/notebooks/), so a warm build makes
        only the changed pages' notebooks. (The other edition's build makes the other language's;
        validation is left to tests.)"""
        lang = self.edition
        with_code = {file.src_uri for file, _, _ in parsed if self.runs[file.src_uri].cells}
        site = config.plugins.get("rnnbook")
        site_config = getattr(site, "config", {}) if site is not None else {}
        bibliography = Path(config.docs_dir) / str(site_config.get("bibliography", "references.bib"))
        wheel_url = nbexport.public_url(self.site_url, f"{DOWNLOADS}/{self.wheel_file}") if self.wheel_file else None
        drafts = bool(site_config.get("drafts", False))
        context = None
        book_key = _book_digest(Path(config.docs_dir), lang, wheel_url, self.wheel_file, drafts, sorted(with_code))
        store = self.root / ".cache" / "site" / "notebooks" / lang
        used: set[str] = set()
        gen_dir = self.cache_dir / "notebooks" / self.edition
        for file, _, doc in parsed:
            cells = self.runs[file.src_uri].cells
            if not cells:
                continue  # prose only: no notebook to download or view
            key = _notebook_key(book_key, file.src_uri, cells)
            used.add(key)
            entry = _read_json(store / f"{key}.json")
            if entry is None:
                if context is None:
                    context = nbexport.book_context(
                        {file.src_uri: (display, doc) for file, display, doc in parsed},
                        with_code,
                        Path(config.docs_dir),
                        bibliography,
                        self.wheel_file,
                        wheel_url,
                        drafts=drafts,
                        cache_dir=self.root / ".cache" / "site",
                    )
                nb = nbexport.build_notebook(doc, file.src_uri, cells, lang, validate=False, context=context)
                view_nb = nbexport.build_notebook(
                    doc, file.src_uri, cells, lang, validate=False, context=context, view=True
                )
                math = view_nb.metadata["rnnbook"].pop("math")
                entry = {
                    "download": nbexport.notebook_bytes(nb).decode("utf-8"),
                    "view": nbexport.notebook_bytes(view_nb).decode("utf-8"),
                    "math": math,
                }
                with contextlib.suppress(OSError):
                    write_file_atomic(store / f"{key}.json", json.dumps(entry, ensure_ascii=False).encode("utf-8"))
            self.notebook_data[nbexport.notebook_name(file.src_uri, lang)] = entry["download"].encode("utf-8")
            if not self.notebook_views:
                continue  # a quick serve: downloads, but no notebook views
            view_uri = f"{NOTEBOOK_DIR}/{nbexport.view_path(file.src_uri)}.ipynb"
            self.view_math[view_uri] = entry["math"]
            source = gen_dir / view_uri
            nbexport.write_if_changed(source, entry["view"].encode("utf-8"))
            if files.get_file_from_path(view_uri) is None:
                # A real src_dir (not File.generated): mkdocs-jupyter's NotebookFile wrapper
                # recomputes abs_src_path from src_dir.
                view = File(
                    view_uri,
                    src_dir=str(gen_dir),
                    dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls,
                    inclusion=InclusionLevel.NOT_IN_NAV,
                )
                view.generated_by = "rnnbook-execute"  # other plugins skip it as a source page
                view.edit_uri = None
                files.append(view)
        prune_entries(store, "*.json", used, len(used))  # this build's, and one other build's worth

    # ----------------------------------------------------------------- pages

    def is_notebook_view(self, page) -> bool:
        return page.file.src_uri.startswith(NOTEBOOK_DIR + "/") and page.file.src_uri.endswith(".ipynb")

    def on_page_markdown(self, markdown, page, config, files):
        if self.is_notebook_view(page):
            page.meta.setdefault("search", {"exclude": True})
            return markdown
        run = self.runs.get(page.file.src_uri)
        if run is None or not run.cells:
            return markdown
        page.meta["rnnbook_outputs"] = {
            cell.line: self.render(cell.outputs, page.url) for cell in run.cells if cell.outputs
        }
        for cell in run.cells:
            missing = untranslated_labels(cell.outputs, self.edition)
            if missing:
                log.warning(
                    "%s:%d: a figure's labels have no %s version: %s; add them to rnnbook.plot.VI "
                    "or pass (English, Vietnamese) pairs",
                    run.path,
                    cell.line,
                    LANGUAGE_NAMES[self.edition],
                    ", ".join(repr(label) for label in missing),
                )
        return markdown

    def render(self, outputs: list[dict[str, Any]], page_url: str) -> str:
        """HTML for one cell's outputs in this edition's language (raw HTML block, blank lines around it)."""
        parts = []
        for out in outputs_for(outputs, self.edition):
            kind = out.get("output_type")
            if kind == "stream":
                cls = "cell-output-text" + (" cell-output-stderr" if out.get("name") == "stderr" else "")
                parts.append(text_block(out.get("text", ""), cls))
            elif kind in ("execute_result", "display_data"):
                parts.append(self.render_data(out.get("data", {}), kind, page_url))
            elif kind == "error":
                parts.append(text_block("\n".join(out.get("traceback", [])), "cell-output-text cell-output-stderr"))
        body = "".join(p for p in parts if p)
        return f'\n\n<div class="cell-output no-copy">{body}</div>\n\n' if body else ""

    def render_data(self, data: dict[str, Any], kind: str, page_url: str) -> str:
        for mime, ext in (("image/svg+xml", "svg"), ("image/png", "png")):
            if mime in data:
                content = data[mime]
                content = "".join(content) if isinstance(content, list) else content
                raw = content.encode("utf-8") if ext == "svg" else base64_bytes(content)
                name = f"{OUTPUT_DIR}/{hashlib.sha256(raw).hexdigest()[:20]}.{ext}"
                self.assets[name] = raw
                src = get_relative_url(name, page_url)
                alt = FIGURE_ALT[self.edition]
                return (
                    f'<figure class="cell-output-figure"><img src="{html.escape(src)}" '
                    f'alt="{alt}" loading="lazy"></figure>'
                )
        text = data.get("text/plain")
        if text is None:
            return ""
        text = "".join(text) if isinstance(text, list) else text
        cls = "cell-output-text" + (" cell-output-value" if kind == "execute_result" else "")
        return text_block(text, cls)

    @event_priority(100)  # a notebook view is lightened before other plugins read its ~0.7 MB
    def _on_view_content(self, content, page, config, files):
        if not self.is_notebook_view(page):
            return content
        key = self._view_key(content, page)
        self.views_used.add(key)
        cached = self.view_dir / f"{key}.html"
        try:
            return cached.read_text(encoding="utf-8")
        except OSError:
            pass
        light = self.lighten_notebook_page(content, page)
        with contextlib.suppress(OSError):
            write_file_atomic(cached, light.encode("utf-8"))
        return light

    def _view_key(self, content: str, page) -> str:
        """What a lightened view depends on: the lightening code, the edition, the page's place
        (relative links) and math, and mkdocs-jupyter's HTML."""
        digest = hashlib.sha256(_code_digest().encode())
        math = json.dumps(self.view_math.get(page.file.src_uri, []), ensure_ascii=False)
        for part in (self.edition, page.url, math, content):
            digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _on_page_content_bar(self, content, page, config, files):
        if not self.enabled or not self.config.notebooks or self.is_notebook_view(page):
            return content
        name = nbexport.notebook_name(page.file.src_uri, self.edition)
        if name not in self.notebook_data:
            return content
        download, view, title = BUTTON_TEXT[self.edition]
        href = get_relative_url(name, page.url)
        view_file = files.get_file_from_path(f"{NOTEBOOK_DIR}/{nbexport.view_path(page.file.src_uri)}.ipynb")
        view_link = ""
        if view_file is not None and view_file.url != getattr(page.file, "url", None):
            view_link = (
                f'<a class="md-button cell-notebook-view" '
                f'href="{html.escape(get_relative_url(view_file.url, page.url))}">{view}</a>'
            )
        zip_link = ""
        if self.wheel_file:
            zip_text, zip_title = ZIP_TEXT[self.edition]
            zip_href = get_relative_url(self.zip_name(), page.url)
            zip_link = (
                f'<a class="md-button cell-notebook-zip" href="{html.escape(zip_href)}" download '
                f'title="{zip_title}">{zip_text}</a>'
            )
        bar = (
            f'<p class="cell-notebook"><a class="md-button cell-notebook-download" '
            f'href="{html.escape(href)}" download title="{title}">{download}</a>{view_link}{zip_link}</p>'
        )
        match = re.search(r"</h1>", content)
        if match:
            return content[: match.end()] + bar + content[match.end() :]
        return bar + content

    on_page_content = CombinedEvent(_on_view_content, _on_page_content_bar)

    def zip_name(self) -> str:
        return f"{DOWNLOADS}/rnnbook-notebooks-{self.edition}.zip"

    def lighten_notebook_page(self, output: str, page) -> str:
        """A notebook view's body as the book shows it (cached by ``_view_key``). mkdocs-jupyter inlines ~0.6 MB of JupyterLab CSS, loads MathJax from a CDN and leaves
        math as LaTeX: drop its styles and scripts for the book's light stylesheet, code blocks
        Material styles (and gives a copy button), MathML in place of the math tokens, and the
        page's alt text on plots."""
        css = f'<link rel="stylesheet" href="{get_relative_url(NOTEBOOK_CSS, page.url)}">'
        styles = list(re.finditer(r'<style type="text/css">.*?</style>', output, flags=re.S))
        if styles:
            first = styles[0]
            output = output[: first.start()] + "\0rnnbook-nb-css\0" + output[first.end() :]
            output = re.sub(r'<style type="text/css">.*?</style>', "", output, flags=re.S)
            output = output.replace("\0rnnbook-nb-css\0", css, 1)
        output = re.sub(r'<script[^>]+src="(?:(?:https?:)?//[^"]*)?"[^>]*>\s*</script>', "", output)
        output = re.sub(r'<script type="text/x-mathjax-config">.*?</script>', "", output, flags=re.S)
        output = re.sub(r"<!-- (?:Load )?[Mm]ath[Jj]ax configuration -->", "", output)
        # nbconvert's Mermaid loader imports from a CDN; the book has no Mermaid in notebooks.
        output = re.sub(
            r"<script\b[^>]*>(?:(?!</script>).)*?import\(\s*[\"']https?://.*?</script>", "", output, flags=re.S
        )
        # Its copy button (a script and a hidden copy of each cell): Material gives code blocks one.
        output = re.sub(
            r"<script>(?:(?!</script>).)*?(?:clipboard-copy|ClipboardCopyElement).*?</script>", "", output, flags=re.S
        )
        output = re.sub(r'<div class="zeroclipboard-container">.*?</clipboard-copy>\s*</div>', "", output, flags=re.S)
        output = re.sub(r'<div class="clipboard-copy-txt"[^>]*>.*?</div>', "", output, flags=re.S)
        output = re.sub(
            r'<div class="highlight-ipynb[^"]*"><pre>(?:<span></span>)?(.*?)</pre></div>',
            r'<div class="highlight"><pre><code>\1</code></pre></div>',
            output,
            flags=re.S,
        )
        alt = html.escape(FIGURE_ALT[self.edition])
        output = re.sub(
            r'(<div class="jp-Rendered(?:Image|SVG) jp-OutputArea-output[^>]*>\s*<img\b)(?![^>]*\balt=)',
            rf'\1 alt="{alt}"',
            output,
        )
        output = output.replace('alt="No description has been provided for this image"', f'alt="{alt}"')
        return nbexport.replace_math_tokens(output, self.view_math.get(page.file.src_uri, []))

    def on_post_build(self, config):
        if self.notebook_views and self.enabled and self.config.notebooks:
            prune_entries(self.view_dir, "*.html", self.views_used, len(self.views_used))
        site = Path(config.site_dir)
        write_file_atomic(site / CSS_NAME, STYLE.encode("utf-8"))
        write_file_atomic(site / NOTEBOOK_CSS, NOTEBOOK_STYLE.encode("utf-8"))
        for name, raw in self.assets.items():
            target = site / name
            if not target.is_file():
                write_file_atomic(target, raw)
        for name, data in self.notebook_data.items():
            write_file_atomic(site / name, data)
        if self.notebook_data and self.wheel_file:
            self.write_downloads(site)

    def write_downloads(self, site: Path) -> None:
        """The wheel, and a zip of this edition's notebooks with the wheel at its top."""
        wheel_data = nbwheel.wheel_bytes(self.root)
        assert self.wheel_file is not None
        nbexport.write_if_changed(site / DOWNLOADS / self.wheel_file, wheel_data)
        top = f"rnnbook-notebooks-{self.edition}"
        readme = ZIP_README[self.edition].format(wheel=self.wheel_file).encode("utf-8")
        entries = [(f"{top}/README.txt", readme), (f"{top}/{self.wheel_file}", wheel_data)]
        entries += [(f"{top}/{name}", data) for name, data in sorted(self.notebook_data.items())]
        nbexport.write_if_changed(site / self.zip_name(), nbwheel.zip_bytes(entries))


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _book_digest(docs_dir: Path, lang: str, *settings: Any) -> str:
    """What every notebook of an edition reads from the book: each file under ``docs_dir``
    (pages for numbers, labels and titles; images it embeds; the bibliography), the notebook
    code, the edition and its settings (wheel, drafts, the pages that have notebooks)."""
    digest = hashlib.sha256(f"{_code_digest()}\0{lang}\0{json.dumps(settings, default=str)}".encode())
    for path in sorted(docs_dir.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(docs_dir).parts):
            digest.update(path.relative_to(docs_dir).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _notebook_key(book_key: str, src_uri: str, cells: list) -> str:
    """One page's notebooks: the book's digest, the page, and its cells with their outputs."""
    payload = json.dumps([[cell.line, cell.source, cell.outputs] for cell in cells], sort_keys=True, default=str)
    return hashlib.sha256(f"{book_key}\0{src_uri}\0{payload}".encode("utf-8", "surrogatepass")).hexdigest()


@functools.cache
def _code_digest() -> str:
    """The translation tools' code (this plugin, the notebook writer and the document model
    they use): a change to any of it makes every notebook and view again."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def text_block(text: str, cls: str) -> str:
    text = strip_ansi(text)
    text = "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))  # progress bars
    text = text.rstrip("\n")
    if not text:
        return ""
    return f'<pre class="{cls}"><code>{html.escape(text, quote=False)}</code></pre>'


def base64_bytes(content: str) -> bytes:
    import base64

    return base64.b64decode(content)
