"""Write a ``Document`` back to text, and write files atomically."""

from __future__ import annotations

import os
import tempfile

from translation_tools.document import Document, Segment
from translation_tools.parse import FormatError
from translation_tools.syntax import OUTDATED_MARKER, REMOVED_NOTE, escape_comment


def write(doc: Document) -> str:
    """The page's text: the blocks' lines in order (``write(parse(x)) == x``)."""
    return "".join(block.text for block in doc.blocks)


def line_ending(doc: Document) -> str:
    """The page's line ending: what its first line ends with (``\\n`` for a one-line page)."""
    first = doc.blocks[0].text if doc.blocks else ""
    for ending in ("\r\n", "\n", "\r"):
        if ending in first:
            return ending
    return "\n"


def with_line_ending(text: str, eol: str) -> str:
    """``text`` (any line endings) with ``eol`` at the end of each line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return eol.join(lines)


def render_segment(english: str, slot: str, outdated: bool = False, review_marker: str = "") -> str:
    """A new segment: the English in a comment, its markers (outdated, then a review marker such as
    ``<!-- draft: machine -->``), a blank line, then the slot (``\\n`` line endings)."""
    marker = OUTDATED_MARKER + "\n" if outdated else ""
    if review_marker:
        marker += review_marker + "\n"
    return f"<!--\n{english}\n-->\n{marker}\n{slot}"


def rewrite_english(seg: Segment, english: str, eol: str, outdated: bool) -> str:
    """The segment's text with its English comment(s) replaced by ``english``, everything else kept."""
    from translation_tools.parse import split_lines

    lines = split_lines(seg.text)
    first, last = seg.english_lines
    comment = [f"<!--{eol}", *(line + eol for line in english.split("\n")), f"-->{eol}"]
    if outdated and seg.outdated_line is None:
        comment.append(OUTDATED_MARKER + eol)
    rest = lines[last + 1 :]
    if not rest and not lines[last].endswith(("\n", "\r")):
        comment[-1] = comment[-1][: -len(eol)]
    return "".join(lines[:first] + comment + rest)


def render_removed(seg: Segment, eol: str) -> str:
    """A removed-translation comment holding every line of the segment after its English."""
    from translation_tools.parse import split_lines

    lines = split_lines(seg.text)
    kept = "".join(lines[seg.english_lines[1] + 1 :]).strip("\r\n")
    ending = eol if seg.text.endswith(("\n", "\r")) else ""
    return f"<!-- {REMOVED_NOTE}{eol}{escape_comment(kept)}{eol}-->{ending}"


def _current_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def check_output(path: str, force: bool = False, make_folders: bool = False) -> None:
    """Raise ``FormatError`` unless ``path`` can be written as asked: every command writing a user's file calls this.

    Refused: a folder, an existing file without ``force``, and a parent folder that is missing
    (unless ``make_folders``: then the nearest existing one counts), not a folder, or not writable.
    """
    if os.path.isdir(path):
        raise FormatError(path, 1, "is a folder: give the output a file name (e.g. inside that folder)")
    if os.path.lexists(path) and not force:
        raise FormatError(path, 1, "already exists: pass --force to replace it")
    folder = os.path.dirname(path) or "."
    if make_folders:
        while not os.path.lexists(folder) and os.path.dirname(os.path.abspath(folder)) != os.path.abspath(folder):
            folder = os.path.dirname(os.path.abspath(folder))
    if not os.path.exists(folder):
        raise FormatError(path, 1, f"folder {folder} does not exist: create it first or choose another path")
    if not os.path.isdir(folder):
        raise FormatError(path, 1, f"{folder} is not a folder: choose another path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise FormatError(path, 1, f"folder {folder} is not writable: choose another path or fix its permissions")


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


def prune_entries(folder: str | os.PathLike[str], pattern: str, used: set[str], spare: int) -> None:
    """A cache folder's upkeep: keep the entries (``pattern`` files, named by key) this build
    used and, of the others, the ``spare`` newest; the rest go. Spares keep a build with other
    settings (or outputs) from evicting the usual build's entries."""
    import pathlib

    others = [p for p in pathlib.Path(folder).glob(pattern) if p.stem not in used]
    others.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for stale in others[spare:]:
        stale.unlink(missing_ok=True)
