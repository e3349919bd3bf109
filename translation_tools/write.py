"""Write a ``Document`` back to text, and write files atomically."""

from __future__ import annotations

import os
import tempfile

from translation_tools.document import Document


def write(doc: Document) -> str:
    """The page's text: the blocks' lines in order (``write(parse(x)) == x``)."""
    return "".join(block.text for block in doc.blocks)


def write_file_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) via a temp file in the same folder."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
