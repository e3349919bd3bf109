"""Export each page as a Jupyter notebook per language, code cells carrying their cached outputs.

Run ``python -m translation_tools.execution.notebooks docs --out notebooks`` (``make notebooks``) to
write ``<out>/<page>.vi.ipynb`` and ``<page>.en.ipynb`` for every page of the book.
"""

from __future__ import annotations

import argparse
import base64
import html
import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translation_tools.execution.cache import default_cache_dir
from translation_tools.execution.cells import Cell, ExecutionError, code_cells
from translation_tools.execution.kernel import outputs_for
from translation_tools.execution.runner import Executor
from translation_tools.mdtext import sub_references
from translation_tools.site.editions import CUSTOM_TEXT  # ":numref:`text <label>`", read as the page reads it
from translation_tools.syntax import CODE_SPAN_PATTERN, DIRECTIVE_LINE, LABEL_DIRECTIVE, MATH
from translation_tools.syntax import CONTRIBUTORS_TITLE as SYNTAX_CONTRIBUTORS_TITLE
from translation_tools.write import write_file_atomic

LANGS = ("vi", "en")
IMAGE_RE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)(\s+\"[^\"]*\")?\)")
CONTRIBUTORS_TITLE = {"vi": SYNTAX_CONTRIBUTORS_TITLE, "en": "Contributors"}
UNTRANSLATED_NOTE = {"vi": " *(chưa dịch)*", "en": ""}
REFERENCES_TITLE = {"vi": "Tài liệu tham khảo", "en": "References"}
FIGURE_NAME = {"vi": "Hình", "en": "Figure"}
FIGURE_ALT = {"vi": "Hình do mã phía trên vẽ", "en": "Figure drawn by the code above"}
INSTALL_COMMENT = {
    "vi": "Cài gói rnnbook của sách (kéo theo torch, numpy, matplotlib): từ tệp wheel đặt cạnh notebook, "
    "nếu không có thì tải từ trang sách.",
    "en": "Install the book's package rnnbook (with torch, numpy, matplotlib): from the wheel beside this "
    "notebook, else from the book's site.",
}
FIGURE_LANGUAGE_COMMENT = {"vi": "nhãn của hình vẽ bằng tiếng Việt", "en": "figure labels in English"}
INSTALL_MISSING = {
    "vi": "Không thấy tệp rnnbook-*.whl: tải nó (hoặc tệp zip notebook) từ trang chủ của sách và đặt cạnh notebook này.",
    "en": "No rnnbook-*.whl found: download it (or the notebooks zip) from the book's home page and put it beside this notebook.",
}


def notebook_name(src_uri: str, lang: str) -> str:
    """``chapter_rnn/rnn.md`` -> ``chapter_rnn/rnn.vi.ipynb``."""
    stem = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    return f"{stem}.{lang}.ipynb"


def label_titles(docs: Iterable[Any], lang: str) -> dict[str, str]:
    """``label -> title`` for labels attached to a heading or figure, in one language."""
    titles: dict[str, str] = {}
    for doc in docs:
        previous = None
        for block in doc.blocks:
            if block.kind == "label" and previous is not None:
                text = segment_text(previous, lang) if previous.kind == "segment" else previous.text
                title = text.strip().split("\n")[0].lstrip("#").strip()
                caption = re.match(r"!\[([^\]]*)\]", title)
                for kind, name in LABEL_DIRECTIVE.findall(block.text):
                    if kind != "label":
                        continue
                    titles[name] = caption.group(1) if caption else title
            if block.kind not in ("blank", "label"):
                previous = block
    return titles


def segment_text(block: Any, lang: str) -> str:
    if lang == "en" or block.state == "untranslated" or not block.translation.strip():
        return block.english
    return block.translation


@dataclass
class BookContext:
    """What a notebook needs from the whole book to read like its page.

    ``book`` is the site's :class:`translation_tools.site.book.Book` (numbers, labels, toc) and
    ``bibliography`` its entries (``translation_tools.site.bib``), read, never changed; ``with_code``
    the pages that have a notebook (only those are linked); ``docs_dir`` where images are read to
    be embedded; ``wheel`` the shipped wheel's file name and ``wheel_url`` where a notebook
    downloaded alone fetches it (None: only from beside the notebook)."""

    book: Any
    bibliography: dict[str, Any] = field(default_factory=dict)
    docs_dir: Path | None = None
    with_code: set[str] = field(default_factory=set)
    wheel: str | None = None
    wheel_url: str | None = None


@dataclass
class Render:
    """State of one notebook being written: view (math as MathML tokens) or download."""

    lang: str
    src_uri: str
    context: BookContext | None
    view: bool
    titles: dict[str, str]
    site_url: str | None
    math: list[str] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)

    def token(self, html_text: str) -> str:
        self.math.append(html_text)
        return math_token(len(self.math) - 1)


def math_token(index: int) -> str:
    """An inert word Markdown leaves alone; the view's HTML gets MathML in its place."""
    return f"RNNBOOKMATH{index}Z"


MATH_TOKEN = re.compile(r"(<p>\s*)?RNNBOOKMATH(\d+)Z(\s*</p>)?")


def mathml_html(latex: str, display: bool, number: str | None = None) -> str:
    """MathML as the page has it (``div.tt-math`` with its number for display math)."""
    from translation_tools.site.mathml import MathError, to_mathml

    try:
        mathml = to_mathml(latex, display)
    except MathError:
        mathml = f'<code class="tt-math-error">{html.escape(latex)}</code>'
    if not display:
        return mathml
    eqno = f'<span class="tt-eqno">({number})</span>' if number else ""
    return f'<div class="tt-math">{mathml}{eqno}</div>'


def replace_math_tokens(page_html: str, math: list[str]) -> str:
    """The view's HTML with each math token replaced by its MathML (a display block replaces the
    paragraph Markdown wrapped it in)."""

    def put(match: re.Match[str]) -> str:
        index = int(match.group(2))
        if index >= len(math):
            return match.group(0)
        value = math[index]
        if value.startswith("<div") and match.group(1) and match.group(3):
            return value
        return (match.group(1) or "") + value + (match.group(3) or "")

    return MATH_TOKEN.sub(put, page_html)


def prose(text: str, lang: str, titles: dict[str, str], page_dir: str, site_url: str | None, render=None) -> str:
    """Markdown a notebook can show: the book's roles as the page words them, images embedded."""
    text = "\n".join(line for line in text.split("\n") if not DIRECTIVE_LINE.fullmatch(line.strip()))
    context = render.context if render is not None else None

    def plain(kind: str, value: str) -> str:
        if context is not None:
            return resolved(kind, value.strip(), lang, context, render)
        if kind in ("numref", "ref"):
            return f"“{titles.get(value, value)}”"
        if kind == "eqref":
            return f"({value})"
        if kind == "cite":
            return "[" + ", ".join(key.strip() for key in value.split(",")) + "]"
        return ""  # :label: and :eqlabel: inside a paragraph

    text = sub_references(text, plain)
    if render is not None and render.view:
        text = CODE_OR_MATH.sub(lambda m: inline_math(m, render), text)
    docs_dir = context.docs_dir if context is not None else None

    def image(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"^[a-z]+:|^/|^#", target):
            return match.group(0)
        resolved_path = posixpath.normpath(posixpath.join(page_dir, target))
        if docs_dir is not None:
            uri = data_uri(docs_dir / resolved_path)
            if uri:
                return f"{match.group(1)}{uri}{match.group(3) or ''})"
        if not site_url:
            return match.group(0)
        if "://" in site_url:
            link = f"{site_url.rstrip('/')}/{resolved_path}"
        else:  # a folder path from the notebooks' root to docs/, for local copies
            up = "../" * (page_dir.count("/") + 1) if page_dir else ""
            link = posixpath.normpath(f"{up}{site_url}/{resolved_path}")
        return f"{match.group(1)}{link}{match.group(3) or ''})"

    return IMAGE_RE.sub(image, text)


CODE_OR_MATH = re.compile(CODE_SPAN_PATTERN + "|" + MATH.pattern, re.DOTALL)
MIME = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif"}


def inline_math(match: re.Match[str], render: Render) -> str:
    found = match.group(0)
    if found.startswith("`"):
        return found  # a code span: its dollars are code
    display = found.startswith("$$")
    latex = found[2:-2] if display else found[1:-1]
    return render.token(mathml_html(latex, display))


def data_uri(path: Path) -> str | None:
    """The image as a ``data:`` URI, so a notebook shows it wherever it is opened."""
    mime = MIME.get(path.suffix.lower())
    if mime is None or not path.is_file():
        return None
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def resolved(kind: str, value: str, lang: str, context: BookContext, render) -> str:
    """A reference or citation as the page writes it: "Hình 1.3.2", "(1.3.1)", "(Elman, 1990)"."""
    if kind == "cite":
        parts = []
        for key in (key.strip() for key in value.split(",")):
            entry = context.bibliography.get(key)
            if not key:
                continue
            if entry is None:
                parts.append(key)
                continue
            if key not in render.cited:
                render.cited.append(key)
            parts.append(entry.short(lang))
        return "(" + "; ".join(parts) + ")"
    if kind not in ("numref", "ref", "eqref"):
        return ""
    custom = CUSTOM_TEXT.match(value)
    name = custom.group("name").strip() if custom else value
    target = context.book.labels.get(name)
    if custom and custom.group("text"):
        return custom.group("text")
    return target.text(lang) if target is not None else "??"


def references_markdown(render: Render) -> str:
    """The cited works, in order of first citation, as the page lists them."""
    context = render.context
    if context is None or not render.cited:
        return ""
    items = []
    for number, key in enumerate(render.cited, start=1):
        entry = context.bibliography[key]
        text = ", ".join(entry.last_names) or "?"
        if entry.year:
            text += f" ({entry.year})"
        text += f". *{entry.title}*" if entry.title else ""
        text += f". {entry.venue}" if entry.venue else ""
        items.append(f"{number}. {text}.")
    return f"## {REFERENCES_TITLE[render.lang]}\n\n" + "\n".join(items)


def install_source(lang: str, wheel: str | None, wheel_url: str | None) -> str:
    """The first code cell: install the book's package (a wheel beside the notebook, else the site's)."""
    pattern = wheel or "rnnbook-*.whl"
    fallback = (
        f"    source = str(wheels[0]) if wheels else {wheel_url!r}\n"
        if wheel_url
        else f"    if not wheels:\n        raise RuntimeError({INSTALL_MISSING[lang]!r})\n    source = str(wheels[0])\n"
    )
    return (
        f"# {INSTALL_COMMENT[lang]}\n"
        "import importlib, importlib.util, os, pathlib, subprocess, sys\n"
        f'os.environ.setdefault("RNNBOOK_LANG", {lang!r})  # {FIGURE_LANGUAGE_COMMENT[lang]}\n'
        'if importlib.util.find_spec("rnnbook") is None:\n'
        f'    wheels = [w for d in (".", "..", "../..") for w in sorted(pathlib.Path(d).glob({pattern!r}))]\n'
        f"{fallback}"
        '    subprocess.check_call([sys.executable, "-m", "pip", "install", "--quiet", source])\n'
        "    importlib.invalidate_caches()"
    )


def build_notebook(
    doc: Any,
    src_uri: str,
    cells: list[Cell],
    lang: str,
    titles: dict[str, str] | None = None,
    site_url: str | None = None,
    validate: bool = True,
    context: BookContext | None = None,
    view: bool = False,
) -> Any:
    """The page as a notebook in ``lang``: prose as Markdown cells, code with outputs.

    With a ``context`` (the whole book), references, citations, numbers and images read as on
    the page, and a first cell installs the book's package. ``view``: the notebook mkdocs-jupyter
    renders, its math as tokens (``nb.metadata["rnnbook"]["math"]`` holds their MathML, see
    :func:`replace_math_tokens`) and its links to other notebook views."""
    import nbformat

    render = Render(lang, src_uri, context, view, titles or {}, site_url)
    page_dir = posixpath.dirname(src_uri)
    by_line = {cell.line: cell for cell in cells}
    info = context.book.pages.get(src_uri) if context is not None else None
    numbers = info.numbers if info is not None else {}
    nb_cells: list[Any] = []
    pending: list[str] = []

    def text_of(value: str) -> str:
        return prose(value, lang, render.titles, page_dir, site_url, render if context is not None else None)

    def flush() -> None:
        text = "\n\n".join(p.strip("\n") for p in pending if p.strip()).strip()
        pending.clear()
        if text:
            nb_cells.append(
                nbformat.from_dict(
                    {
                        "cell_type": "markdown",
                        "id": f"{lang}-md-{len(nb_cells)}",
                        "metadata": {},
                        "source": text,
                    }
                )
            )

    install = None
    if context is not None and cells and context.wheel:
        install = nbformat.from_dict(
            {
                "cell_type": "code",
                "id": f"{lang}-install",
                "metadata": {"tags": ["rnnbook-install"]},
                "source": install_source(lang, context.wheel, context.wheel_url),
                "execution_count": None,
                "outputs": [],
            }
        )
    count = 0
    for index, block in enumerate(doc.blocks):
        kind = block.kind
        number = numbers.get(index, (None, None))[1]
        if kind == "segment":
            text = segment_text(block, lang)
            if lang == "vi" and block.state == "untranslated" and block.role == "paragraph":
                text += UNTRANSLATED_NOTE[lang]
            text = text_of(text)
            if number and context is not None:
                text = numbered(text, numbers[index][0], number, lang)
            pending.append(text)
        elif kind == "code" and block.start in by_line:
            flush()
            cell = by_line[block.start]
            count += 1
            nb_cells.append(
                nbformat.from_dict(
                    {
                        "cell_type": "code",
                        "id": f"{lang}-code-{block.start}",
                        "metadata": {},
                        "source": cell.source,
                        "execution_count": count,
                        "outputs": [output_of(o, count, lang) for o in outputs_for(cell.outputs, lang)],
                    }
                )
            )
        elif kind == "code":
            pending.append(block.text)
        elif kind == "math" and context is not None:
            latex = block.text.strip()
            latex = latex[2:-2] if latex.endswith("$$") and len(latex) >= 4 else latex[2:]
            if view:
                pending.append(render.token(mathml_html(latex, True, number)))
            else:
                tag = f" \\tag{{{number}}}" if number else ""
                pending.append(f"$$\n{latex.strip()}{tag}\n$$")
        elif kind in ("math", "other", "definition", "html", "rule"):
            pending.append(text_of(block.text))
        elif kind == "toc":
            pending.append(toc_markdown(block, src_uri, lang, context, view))
        elif kind == "contributors" and doc.contributors:
            names = "\n".join(f"* {name}" for name in doc.contributors)
            pending.append(f"## {CONTRIBUTORS_TITLE[lang]}\n\n{names}")
    pending.append(references_markdown(render))
    flush()
    if install is not None:  # right before the first code cell, after the page's introduction
        first = next((i for i, cell in enumerate(nb_cells) if cell.cell_type == "code"), len(nb_cells))
        nb_cells.insert(first, install)

    nb = nbformat.v4.new_notebook()
    nb.cells = nb_cells
    meta: dict[str, Any] = {"source": f"docs/{src_uri}", "lang": lang}
    if view:
        meta["math"] = render.math
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "rnnbook": meta,
    }
    if validate:
        nbformat.validate(nb)
    return nb


def numbered(text: str, kind: str, number: str, lang: str) -> str:
    """A heading or figure with the page's number: "## 1.2.3. Title", "*Hình 1.2.1:* caption"."""
    if kind in ("chapter", "section"):
        return re.sub(r"^(#{1,6})\s+", lambda m: f"{m.group(1)} {number}. ", text, count=1)
    if kind == "figure":
        match = re.match(r"\s*!\[([^\]]*)\]\([^)]*\)", text)
        if match:
            return f"{text}\n\n*{FIGURE_NAME[lang]} {number}:* {match.group(1)}"
    return text


def output_of(output: dict[str, Any], count: int, lang: str) -> dict[str, Any]:
    """A cell output for the notebook: its count, and plots with the page's alt text."""
    output = dict(output)
    if output.get("output_type") == "execute_result":
        output["execution_count"] = count
    data = output.get("data") or {}
    images = [mime for mime in ("image/svg+xml", "image/png") if mime in data]
    if images:
        metadata = dict(output.get("metadata") or {})
        for mime in images:
            metadata[mime] = dict(metadata.get(mime) or {}, alt=FIGURE_ALT[lang])
        output["metadata"] = metadata
    return output


def toc_markdown(block: Any, src_uri: str, lang: str, context: BookContext | None, view: bool) -> str:
    """A toc block as a list: titles with their numbers, linked only where a notebook exists."""
    if context is None or src_uri not in context.book.pages:
        entries = getattr(block, "toc_entries", [])
        return "\n".join(f"- {entry}" for entry in entries)
    lines = []
    here = posixpath.dirname(src_uri) or "."
    for child, _numbered in context.book.toc_entries(context.book.pages[src_uri], block):
        title = context.book.pages[child].nav_title(lang)
        if child not in context.with_code:
            lines.append(f"- {title}")
            continue
        if view:  # views sit at notebooks/<page>/ in both editions
            link = posixpath.relpath(view_path(child), view_path(src_uri)) + "/"
        else:
            link = posixpath.relpath(notebook_name(child, lang), here)
        lines.append(f"- [{title}]({link})")
    return "\n".join(lines)


def view_path(src_uri: str) -> str:
    """``chapter_rnn/rnn.md`` -> ``chapter_rnn/rnn`` (a view's folder under notebooks/)."""
    return src_uri[:-3] if src_uri.endswith(".md") else src_uri


def notebook_bytes(nb: Any) -> bytes:
    import nbformat

    return (nbformat.writes(nb) + "\n").encode("utf-8")


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomic write that leaves an identical file alone (so mtime-based watchers stay quiet)."""
    if path.is_file() and path.read_bytes() == data:
        return False
    write_file_atomic(path, data)
    return True


def book_context(
    pages: dict[str, tuple[str, Any]],
    with_code: set[str],
    docs_dir: Path | None,
    bibliography: Path | None,
    wheel: str | None = None,
    wheel_url: str | None = None,
    drafts: bool = False,
    cache_dir: Path | None = None,
) -> BookContext:
    """The book's numbers, labels and citations for notebooks, from ``{src_uri: (path, doc)}``
    (the site plugin reports problems in them; here they only read as "??")."""
    from translation_tools.site import bib
    from translation_tools.site.book import Book, PageInfo

    infos = {src_uri: PageInfo(src_uri, display, doc) for src_uri, (display, doc) in pages.items()}
    book = Book(infos, report=lambda message: None, drafts=drafts)
    entries = bib.load(str(bibliography), str(cache_dir) if cache_dir else None) if bibliography else {}
    return BookContext(book, entries, docs_dir, with_code, wheel, wheel_url)


def export(
    docs_dir: Path, out_dir: Path, root: Path, site_url: str | None = None, timeout: float = 300.0, jobs: int = 0
) -> list[Path]:
    """Execute (or recall) every page and write both notebooks of each page with code, the
    book's wheel beside them; returns the notebooks' paths."""
    from translation_tools.execution import wheel
    from translation_tools.parse import parse_file

    executor = Executor(root, default_cache_dir(root), timeout)
    pages = sorted(p for p in docs_dir.rglob("*.md") if p.is_file())
    parsed = []
    for page in pages:
        src_uri = page.relative_to(docs_dir).as_posix()
        display = page.relative_to(root).as_posix() if page.is_relative_to(root) else str(page)
        parsed.append((src_uri, display, parse_file(page, display)))
    written = []
    cells = [(display, code_cells(doc, root)) for _, display, doc in parsed]
    runs = executor.run_pages(cells, jobs, prestart=True)
    with_code = {src_uri for (src_uri, _, _), run in zip(parsed, runs) if run.cells}
    wheel_file = wheel.wheel_name(root) if (root / "src" / wheel.PACKAGE).is_dir() else None
    context = book_context(
        {src_uri: (display, doc) for src_uri, display, doc in parsed},
        with_code,
        docs_dir,
        docs_dir / "references.bib",
        wheel_file,
        public_url(site_url, f"downloads/{wheel_file}") if wheel_file else None,
    )
    for (src_uri, _display, doc), run in zip(parsed, runs):
        if not run.cells:
            continue  # a page without code has no notebook
        for lang in LANGS:
            nb = build_notebook(doc, src_uri, run.cells, lang, context=context)
            target = out_dir / notebook_name(src_uri, lang)
            write_if_changed(target, notebook_bytes(nb))
            written.append(target)
    if wheel_file and written:
        write_if_changed(out_dir / wheel_file, wheel.wheel_bytes(root))
    return written


def public_url(site_url: str | None, path: str) -> str | None:
    """``site_url`` + ``path`` when the site has a public address (not this machine's)."""
    if not site_url or "://" not in site_url:
        return None
    host = re.sub(r"^[a-z]+://", "", site_url).split("/")[0].split(":")[0].lower()
    if host in ("127.0.0.1", "localhost", "0.0.0.0", "::1", "[::1]"):
        return None
    return site_url.rstrip("/") + "/" + path


def configured_timeout(mkdocs_yml: Path, default: float = 300.0) -> float:
    """The ``timeout`` of the rnnbook-execute plugin in mkdocs.yml, so both runs agree."""
    try:
        import yaml

        config = yaml.load(mkdocs_yml.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        for plugin in config.get("plugins", []):
            if isinstance(plugin, dict) and "rnnbook-execute" in plugin:
                return float((plugin["rnnbook-execute"] or {}).get("timeout", default))
    except (OSError, ValueError, AttributeError, yaml.YAMLError):
        pass
    return default


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m translation_tools.execution.notebooks",
        description="Write every page of the book as a Vietnamese and an English notebook.",
    )
    parser.add_argument("docs", type=Path, help="the docs folder (e.g. docs)")
    parser.add_argument("--out", type=Path, default=Path("notebooks"), help="output folder")
    parser.add_argument(
        "--site-url", default=None, help="the book's public address, where a notebook alone fetches the wheel"
    )
    parser.add_argument(
        "--timeout", type=float, default=None, help="per-page time limit, seconds (default: mkdocs.yml's, else 300)"
    )
    parser.add_argument("--jobs", type=int, default=0, help="pages executed at a time (default: one per core)")
    args = parser.parse_args(argv)
    from translation_tools.parse import FormatError

    if not args.docs.is_dir():
        print(f"{args.docs}:1: not a folder; pass the book's docs folder, e.g. `docs`", file=sys.stderr)
        return 2
    root = Path.cwd()
    timeout = args.timeout or configured_timeout(root / "mkdocs.yml")
    try:
        paths = export(args.docs.resolve(), args.out, root.resolve(), args.site_url, timeout, args.jobs)
    except (ExecutionError, FormatError) as error:
        print(str(error), file=sys.stderr)
        return 2
    print(f"wrote {len(paths)} notebooks to {args.out}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
