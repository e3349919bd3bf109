"""Export each page as a Jupyter notebook per language, code cells carrying their cached outputs.

Run ``python -m translation_tools.execution.notebooks docs --out notebooks`` (``make notebooks``) to
write ``<out>/<page>.vi.ipynb`` and ``<page>.en.ipynb`` for every page of the book.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from translation_tools.execution.cache import default_cache_dir
from translation_tools.execution.cells import Cell, ExecutionError, code_cells
from translation_tools.execution.runner import Executor
from translation_tools.mdtext import sub_references
from translation_tools.syntax import CONTRIBUTORS_TITLE as SYNTAX_CONTRIBUTORS_TITLE
from translation_tools.syntax import DIRECTIVE_LINE, LABEL_DIRECTIVE
from translation_tools.write import write_file_atomic

LANGS = ("vi", "en")
IMAGE_RE = re.compile(r"(!\[[^\]]*\]\()([^)\s]+)(\s+\"[^\"]*\")?\)")
CONTRIBUTORS_TITLE = {"vi": SYNTAX_CONTRIBUTORS_TITLE, "en": "Contributors"}
UNTRANSLATED_NOTE = {"vi": " *(chưa dịch)*", "en": ""}


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


def prose(text: str, lang: str, titles: dict[str, str], page_dir: str, site_url: str | None) -> str:
    """Markdown a notebook can show: the book's roles replaced by plain text, images absolute."""
    text = "\n".join(line for line in text.split("\n") if not DIRECTIVE_LINE.fullmatch(line.strip()))

    def plain(kind: str, value: str) -> str:
        if kind in ("numref", "ref"):
            return f"“{titles.get(value, value)}”"
        if kind == "eqref":
            return f"({value})"
        if kind == "cite":
            return "[" + ", ".join(key.strip() for key in value.split(",")) + "]"
        return ""  # :label: and :eqlabel: inside a paragraph

    text = sub_references(text, plain)
    if site_url:

        def absolute(match: re.Match[str]) -> str:
            target = match.group(2)
            if re.match(r"^[a-z]+:|^/|^#", target):
                return match.group(0)
            resolved = posixpath.normpath(posixpath.join(page_dir, target))
            if "://" in site_url:
                link = f"{site_url.rstrip('/')}/{resolved}"
            else:  # a folder path from the notebooks' root to docs/, for local copies
                up = "../" * (page_dir.count("/") + 1) if page_dir else ""
                link = posixpath.normpath(f"{up}{site_url}/{resolved}")
            return f"{match.group(1)}{link}{match.group(3) or ''})"

        text = IMAGE_RE.sub(absolute, text)
    return text


def build_notebook(
    doc: Any,
    src_uri: str,
    cells: list[Cell],
    lang: str,
    titles: dict[str, str] | None = None,
    site_url: str | None = None,
    validate: bool = True,
) -> Any:
    """The page as a notebook in ``lang``: prose as Markdown cells, code with outputs."""
    import nbformat

    titles = titles or {}
    page_dir = posixpath.dirname(src_uri)
    by_line = {cell.line: cell for cell in cells}
    nb_cells: list[Any] = []
    pending: list[str] = []

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

    for block in doc.blocks:
        kind = block.kind
        if kind == "segment":
            text = segment_text(block, lang)
            if lang == "vi" and block.state == "untranslated" and block.role == "paragraph":
                text += UNTRANSLATED_NOTE[lang]
            pending.append(prose(text, lang, titles, page_dir, site_url))
        elif kind == "code" and block.start in by_line:
            flush()
            cell = by_line[block.start]
            count = len([c for c in nb_cells if c.cell_type == "code"]) + 1
            outputs = [
                dict(o, execution_count=count) if o.get("output_type") == "execute_result" else o for o in cell.outputs
            ]
            nb_cells.append(
                nbformat.from_dict(
                    {
                        "cell_type": "code",
                        "id": f"{lang}-code-{block.start}",
                        "metadata": {},
                        "source": cell.source,
                        "execution_count": count,
                        "outputs": outputs,
                    }
                )
            )
        elif kind == "code":
            pending.append(block.text)
        elif kind in ("math", "other", "definition", "html", "rule"):
            pending.append(prose(block.text, lang, titles, page_dir, site_url))
        elif kind == "toc":
            entries = getattr(block, "toc_entries", [])
            links = [
                f"- [{entry}]({notebook_name(entry + '.md', lang).rsplit('/', 1)[-1]})"
                if "/" not in entry
                else f"- [{entry}]({notebook_name(entry + '.md', lang)})"
                for entry in entries
            ]
            pending.append("\n".join(links))
        elif kind == "contributors" and doc.contributors:
            names = "\n".join(f"* {name}" for name in doc.contributors)
            pending.append(f"## {CONTRIBUTORS_TITLE[lang]}\n\n{names}")
    flush()

    nb = nbformat.v4.new_notebook()
    nb.cells = nb_cells
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "rnnbook": {"source": f"docs/{src_uri}", "lang": lang},
    }
    if validate:
        nbformat.validate(nb)
    return nb


def notebook_bytes(nb: Any) -> bytes:
    import nbformat

    return (nbformat.writes(nb) + "\n").encode("utf-8")


def write_if_changed(path: Path, data: bytes) -> bool:
    """Atomic write that leaves an identical file alone (so mtime-based watchers stay quiet)."""
    if path.is_file() and path.read_bytes() == data:
        return False
    write_file_atomic(path, data)
    return True


def export(
    docs_dir: Path, out_dir: Path, root: Path, site_url: str | None = None, timeout: float = 300.0, jobs: int = 0
) -> list[Path]:
    """Execute (or recall) every page and write both notebooks of each; returns the paths."""
    from translation_tools.parse import parse_file

    executor = Executor(root, default_cache_dir(root), timeout)
    pages = sorted(p for p in docs_dir.rglob("*.md") if p.is_file())
    parsed = []
    for page in pages:
        src_uri = page.relative_to(docs_dir).as_posix()
        display = page.relative_to(root).as_posix() if page.is_relative_to(root) else str(page)
        parsed.append((src_uri, display, parse_file(page, display)))
    written = []
    titles = {lang: label_titles([doc for _, _, doc in parsed], lang) for lang in LANGS}
    if site_url is None:  # local notebooks show the images straight from docs/
        site_url = Path(os.path.relpath(docs_dir, out_dir.resolve())).as_posix()
    cells = [(display, code_cells(doc, root)) for _, display, doc in parsed]
    runs = executor.run_pages(cells, jobs, prestart=True)
    for (src_uri, _display, doc), run in zip(parsed, runs):
        for lang in LANGS:
            nb = build_notebook(doc, src_uri, run.cells, lang, titles[lang], site_url)
            target = out_dir / notebook_name(src_uri, lang)
            write_if_changed(target, notebook_bytes(nb))
            written.append(target)
    return written


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
        "--site-url", default=None, help="make image links absolute to this site (default: relative to docs/)"
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
