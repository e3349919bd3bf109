"""Turn the paths given on a command line into the Markdown pages they name, and find the book's files."""

from __future__ import annotations

import os
from collections import OrderedDict

from translation_tools.document import Document
from translation_tools.parse import FormatError, parse_file

MKDOCS_CONFIGS = ("mkdocs.yml", "mkdocs.yaml")
DOCUMENT_CACHE_SIZE = 4096  # pages; a bigger book only parses some pages again

_DOCUMENTS: OrderedDict[tuple[str, str], tuple[tuple[int, int], Document]] = OrderedDict()


def load_document(path: str | os.PathLike[str], display: str) -> Document:
    """The page parsed, once per version of the file: both site plugins of a build, and every
    rebuild of ``serve`` that leaves the file alone, share one parse (a bounded LRU)."""
    stat = os.stat(path)
    stamp = (stat.st_mtime_ns, stat.st_size)
    key = (os.path.realpath(path), display)
    cached = _DOCUMENTS.get(key)
    if cached is not None and cached[0] == stamp:
        _DOCUMENTS.move_to_end(key)
        return cached[1]
    doc = parse_file(path, display=display)
    _DOCUMENTS[key] = (stamp, doc)
    if len(_DOCUMENTS) > DOCUMENT_CACHE_SIZE:
        _DOCUMENTS.popitem(last=False)
    return doc


def page_paths(paths: list[str]) -> list[str]:
    """Files as given, folders scanned recursively for ``*.md``, each page once, in a stable order.

    A missing path or a folder without pages is a ``FormatError``: a typo must not pass for an empty book.
    """
    found: dict[str, str] = {}  # real path -> path as shown, first mention wins
    for path in paths:
        if os.path.isdir(path):
            here = _pages_under(path)
            if not here:
                raise FormatError(path, 1, "no Markdown pages here: pass a folder holding .md pages, or a page")
        elif os.path.exists(path):
            here = [path]
        else:
            raise FormatError(path, 1, "no such file or folder: check the path")
        for page in here:
            found.setdefault(os.path.realpath(page), _display(page))
    return list(found.values())


def _pages_under(folder: str) -> list[str]:
    pages: list[str] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        pages.extend(os.path.join(root, name) for name in sorted(files) if name.endswith(".md"))
    return pages


def load_pages(paths: list[str]) -> list[Document]:
    return [parse_file(path) for path in page_paths(paths)]


def chapter_of(path: str) -> str:
    """The folder a page lives in: the unit ``status`` totals by."""
    return os.path.dirname(path).replace(os.sep, "/") or "."


def book_file(paths: list[str], *names: str) -> str | None:
    """The first of ``names`` (``glossary.yml``, ``references.bib``, ...) belonging to the book of ``paths``.

    The book is the nearest ``mkdocs.yml`` above a path, and its files sit in its ``docs_dir``;
    with no ``mkdocs.yml`` above, the nearest folder above holding one of ``names`` is used.
    """
    for path in paths:
        found = _book_file_of(path, names)
        if found:
            return found
    return None


def _book_file_of(path: str, names: tuple[str, ...]) -> str | None:
    folder = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    nearest = None
    while True:
        config = next((c for c in (os.path.join(folder, n) for n in MKDOCS_CONFIGS) if os.path.isfile(c)), None)
        if config:
            return _first_file(docs_dir(config), names)
        nearest = nearest or _first_file(folder, names)
        parent = os.path.dirname(folder)
        if parent == folder:
            return nearest
        folder = parent


def book_docs_dir(path: str) -> str | None:
    """The ``docs_dir`` of the nearest ``mkdocs.yml`` above ``path`` (the folder of the book's pages), or None."""
    folder = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    while True:
        config = next((c for c in (os.path.join(folder, n) for n in MKDOCS_CONFIGS) if os.path.isfile(c)), None)
        if config:
            found = docs_dir(config)
            return _display(os.path.relpath(found) if _inside_cwd(found) else found)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def docs_dir(config: str) -> str:
    """The ``docs_dir`` of a MkDocs config (default ``docs``), relative to the config's folder."""
    import yaml

    class Loader(yaml.SafeLoader):
        """Safe YAML that reads ``!!python/name:`` and ``!ENV`` tags as nothing: only docs_dir matters."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        with open(config, encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=Loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FormatError(config, mark.line + 1 if mark else 1, "invalid YAML: fix the MkDocs config") from None
    except (OSError, UnicodeDecodeError) as error:
        raise FormatError(config, 1, f"cannot read the MkDocs config ({error})") from None
    value = data.get("docs_dir", "docs") if isinstance(data, dict) else "docs"
    if not isinstance(value, str):
        raise FormatError(config, 1, "docs_dir must be a folder name, e.g. 'docs_dir: docs'")
    return os.path.join(os.path.dirname(config), value)


def _first_file(folder: str, names: tuple[str, ...]) -> str | None:
    for name in names:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return _display(os.path.relpath(candidate) if _inside_cwd(candidate) else candidate)
    return None


def _inside_cwd(path: str) -> bool:
    return not os.path.relpath(path).startswith("..")


def relative_to_roots(path: str, roots: list[str]) -> str | None:
    """``path`` relative to the first given folder that holds it (``docs/x/y.md`` -> ``x/y.md``)."""
    for root in roots:
        if os.path.isdir(root):
            relative = os.path.relpath(path, root)
            if not relative.startswith(".."):
                return relative.replace(os.sep, "/")
    return None


def display_path(path: str | os.PathLike[str]) -> str:
    """How messages name a page: relative to the working folder (as ``check`` prints it)."""
    return _display(os.path.relpath(path))


def _display(path: str) -> str:
    path = os.path.normpath(path)
    return path.replace(os.sep, "/")
