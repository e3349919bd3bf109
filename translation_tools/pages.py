"""Turn the paths given on a command line into the Markdown pages they name."""

from __future__ import annotations

import os

from translation_tools.document import Document
from translation_tools.parse import FormatError, parse_file


def page_paths(paths: list[str]) -> list[str]:
    """Files as given, folders scanned recursively for ``*.md``, in a stable order."""
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                found.extend(_display(os.path.join(root, name)) for name in sorted(files) if name.endswith(".md"))
        elif os.path.exists(path):
            found.append(_display(path))
        else:
            raise FormatError(path, 1, "no such file or folder: check the path")
    return found


def load_pages(paths: list[str]) -> list[Document]:
    return [parse_file(path) for path in page_paths(paths)]


def chapter_of(path: str) -> str:
    """The folder a page lives in: the unit ``status`` totals by."""
    return os.path.dirname(path).replace(os.sep, "/") or "."


def _display(path: str) -> str:
    path = os.path.normpath(path)
    return path.replace(os.sep, "/")
