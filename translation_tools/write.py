"""Write a ``Document`` back to text, and write files atomically."""

from __future__ import annotations

import os
import tempfile

from translation_tools.document import Document


def write(doc: Document) -> str:
    """The page's text: the blocks' lines in order (``write(parse(x)) == x``)."""
    return "".join(block.text for block in doc.blocks)


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def write_file_atomic(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Replace ``path`` with ``data`` (text is written as UTF-8) via a temp file in the same folder.

    The file gets the usual mode (0666 less the umask), not mkstemp's 0600, so a web server
    can read what the site writes.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".part")
    try:
        os.fchmod(handle, 0o666 & ~_UMASK)
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
