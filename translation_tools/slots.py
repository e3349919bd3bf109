"""Write translations into segments' slots, in place: the editor ``suggest --write`` and the PO/XLIFF import share.

Only what an edit names changes: the slot's lines, the review marker line and (when a
translator confirmed an outdated translation) the outdated marker. Every other byte of the
page stays, and the result is parsed back and compared before anyone writes it.
"""

from __future__ import annotations

from dataclasses import dataclass

from translation_tools.document import Document, Segment
from translation_tools.parse import FormatError, parse, split_lines
from translation_tools.syntax import REVIEW_MARKER
from translation_tools.write import line_ending, write


@dataclass(slots=True)
class SlotEdit:
    """What to change in one segment; ``None`` keeps that part as it is."""

    segment: Segment
    translation: str | None = None  # the new slot text ("\n" line endings)
    review: str | None = None  # the new review marker line, e.g. "<!-- draft: memory -->"
    clear_outdated: bool = False  # delete the outdated marker (a translator confirmed the translation)


def review_marker(state: str, detail: str = "") -> str:
    """The marker line a writer puts between the English and the slot."""
    from translation_tools.syntax import DRAFT_FROM_MARKER, DRAFT_MARKER, REVIEWED_MARKER

    if state == "reviewed":
        return REVIEWED_MARKER.format(name=detail) if detail else "<!-- reviewed -->"
    return DRAFT_FROM_MARKER.format(origin=detail) if detail else DRAFT_MARKER


def normalise_translation(text: str) -> str:
    """A translation as a slot holds it: ``\\n`` line endings, no blank lines before or after."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def apply_edits(doc: Document, edits: list[SlotEdit]) -> str:
    """The page's text with ``edits`` applied (segments of ``doc``, at most one edit each)."""
    original = write(doc)
    lines = split_lines(original)
    eol = line_ending(doc)
    for edit in sorted(edits, key=lambda e: e.segment.start, reverse=True):
        seg = edit.segment
        base = seg.start - 1
        stop = max(seg.end, seg.slot_end, seg.slot_start - 1)
        region = lines[base:stop]
        _edit_region(region, base, lines, edit, eol)
        lines[base:stop] = region
    text = "".join(lines)
    if not original.endswith(("\n", "\r")) and text.endswith(eol):
        text = text[: -len(eol)]  # a page without a final line ending keeps none
    return text


def _edit_region(region: list[str], base: int, page: list[str], edit: SlotEdit, eol: str) -> None:
    seg = edit.segment
    # From the bottom up, so the positions above stay valid: slot, then the marker lines.
    if edit.translation is not None:
        _replace_slot(region, base, page, seg, edit.translation, eol)
    markers: list[tuple[int, str]] = []  # (local index, "delete" | "replace" | "insert")
    if edit.clear_outdated and seg.outdated_line is not None:
        markers.append((seg.outdated_line - 1 - base, "delete"))
    if edit.review is not None:
        if seg.review_line is not None:
            markers.append((seg.review_line - 1 - base, "replace"))
            # Earlier review markers of the segment go: one marker, one state.
            for number, content in seg.head_lines():
                if number != seg.review_line and REVIEW_MARKER.fullmatch(content.strip()):
                    markers.append((number - 1 - base, "delete"))
        else:
            after = seg.english_end - base  # right after the English's closing line
            if seg.outdated_line == seg.english_end + 1 and not edit.clear_outdated:
                after += 1  # below an outdated marker that stays
            markers.append((after, "insert"))
    # Higher lines first; on one line, a deletion before an insertion (the new marker replaces the old).
    for index, action in sorted(markers, key=lambda m: (m[0], m[1] != "insert"), reverse=True):
        if action == "delete":
            del region[index]
        elif action == "replace":
            region[index] = edit.review + _ending(region[index], eol)  # type: ignore[operator]
        else:
            if index > 0 and not region[index - 1].endswith(("\n", "\r")):
                region[index - 1] += eol
            region.insert(index, edit.review + eol)  # type: ignore[operator]


def _replace_slot(region: list[str], base: int, page: list[str], seg: Segment, text: str, eol: str) -> None:
    new = [line + eol for line in text.split("\n")]
    if seg.slot_end >= seg.slot_start:  # a slot with lines: they are replaced, the last keeps its ending
        first, last = seg.slot_start - 1 - base, seg.slot_end - base
        new[-1] = new[-1][: -len(eol)] + _ending(region[last - 1], "")
        region[first:last] = new
        return
    # An empty slot: the translation goes where the parser expects it, one blank line around it.
    at = seg.slot_start - 1 - base
    if at == len(region) and region and not region[-1].endswith(("\n", "\r")):
        region[-1] += eol
    before_blank = at > 0 and not region[at - 1].strip()
    following = base + at
    if following < len(page) and page[following].strip():
        new.append(eol)
    region[at:at] = ([] if before_blank else [eol]) + new


def _ending(line: str, default: str) -> str:
    for ending in ("\r\n", "\n", "\r"):
        if line.endswith(ending):
            return ending
    return default


def edit_page(doc: Document, edits: list[SlotEdit]) -> tuple[str, list[SlotEdit]]:
    """Apply the edits that keep the page's structure; return the text and the edits refused.

    An edit is refused when its translation would change how the page parses (a translation
    holding a comment, a fence or a label line would swallow or split segments).
    """
    if not edits:
        return write(doc), []
    text = apply_edits(doc, edits)
    if _faithful(doc, text, edits):
        return text, []
    good = [edit for edit in edits if _faithful(doc, apply_edits(doc, [edit]), [edit])]
    refused = [edit for edit in edits if edit not in good]
    return apply_edits(doc, good), refused


def _faithful(doc: Document, text: str, edits: list[SlotEdit]) -> bool:
    """The edited page parses to the same segments, the edited ones holding what was asked."""
    try:
        after = parse(text, path=doc.path)
    except FormatError:
        return False
    old, new = doc.segments(), after.segments()
    if len(old) != len(new):
        return False
    wanted = {id(edit.segment): edit for edit in edits}
    for before, now in zip(old, new, strict=True):
        if before.english != now.english:
            return False
        edit = wanted.get(id(before))
        translation = before.translation if edit is None or edit.translation is None else edit.translation
        if now.translation != translation:
            return False
        if edit is not None and edit.review is not None and now.review_line is None:
            return False
        cleared = edit is not None and edit.clear_outdated
        if (now.outdated_line is None) != (before.outdated_line is None or cleared):
            return False
    return True
