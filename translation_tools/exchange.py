"""PO and XLIFF round trip: one entry per segment for CAT tools (Poedit, Lokalize, OmegaT, Weblate), and back.

Export writes one file per page: the English as msgid / ``<source>``, the translation as msgstr /
``<target>``, a context id that survives edits elsewhere on the page (the page's path in the
book, then a hash of the English), the page and line as a reference, and the segment's state:

============  ===========================  ===================================
page          PO                           XLIFF ``<target state=…>``
============  ===========================  ===================================
untranslated  empty msgstr                 no ``<target>``
outdated      ``fuzzy`` flag               ``needs-translation``
draft         ``needs-review`` flag        ``needs-review-translation``
reviewed      ``# reviewed: Name`` comment ``signed-off`` + ``reviewed: Name`` note
============  ===========================  ===================================

Import writes back only what a translator changed (see ``plan_import``), through ``slots``:
a file exported and imported unchanged leaves every page byte as it was.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass, field

from translation_tools.document import DRAFT, OUTDATED, REVIEWED, UNTRANSLATED, Document, Segment
from translation_tools.pages import book_docs_dir, page_paths
from translation_tools.parse import FormatError, parse_file
from translation_tools.slots import SlotEdit, edit_page, normalise_translation, review_marker
from translation_tools.write import check_output, write_file_atomic

FORMATS = {"po": ".po", "xliff": ".xlf"}
PAGE_HEADER = "X-Page"  # the PO header naming the page (relative to where export ran)
NEEDS_REVIEW = "needs-review"  # the PO flag of a draft
_REVIEWED = re.compile(r"^\s*reviewed\s*(?::\s*(?P<name>.*?))?\s*$", re.IGNORECASE | re.MULTILINE)
# XLIFF 1.2 target states: below "needs-review-…" the target still needs translating (outdated).
_XLIFF_OUTDATED = frozenset({"new", "needs-translation", "needs-adaptation", "needs-l10n"})
_XLIFF_REVIEWED = frozenset({"signed-off", "final"})


@dataclass(slots=True)
class Entry:
    """One segment as a CAT tool sees it, whatever the file format."""

    key: str  # context id: "chapter/page.md#<hash of the English>", "~2" for the 2nd same English
    english: str
    translation: str = ""
    outdated: bool = False
    draft: bool = False
    draft_from: str = ""
    reviewer: str | None = None  # who reviewed it ("" when nobody is named), None when not reviewed
    reference: str = ""  # page:line
    line: int = 0  # the entry's line in the exported file (for messages)


def page_key(path: str) -> str:
    """The page's path inside the book (relative to the docs folder), else as given."""
    docs = book_docs_dir(path)
    if docs:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(docs))
        if not relative.startswith(".."):
            return relative.replace(os.sep, "/")
    return path.replace(os.sep, "/")


def english_hash(english: str) -> str:
    return hashlib.sha1(english.encode("utf-8")).hexdigest()[:12]


def page_entries(doc: Document, key: str | None = None) -> list[tuple[Entry, Segment]]:
    """An entry per segment of ``doc``, in page order."""
    key = key or page_key(doc.path)
    seen: dict[str, int] = {}
    entries = []
    for seg in doc.segments():
        digest = english_hash(seg.english)
        seen[digest] = seen.get(digest, 0) + 1
        suffix = f"~{seen[digest]}" if seen[digest] > 1 else ""
        entry = Entry(
            key=f"{key}#{digest}{suffix}",
            english=seg.english,
            translation=seg.translation if seg.state != UNTRANSLATED else "",
            outdated=seg.state == OUTDATED,
            draft=seg.review == DRAFT and seg.state != UNTRANSLATED,
            draft_from=seg.review_detail if seg.review == DRAFT else "",
            reviewer=seg.review_detail if seg.review == REVIEWED else None,
            reference=f"{doc.path}:{seg.english_start}",
        )
        entries.append((entry, seg))
    return entries


def _key_id(key: str) -> str:
    """The part of a context id that names the segment (the page part may differ after a move)."""
    return key.rpartition("#")[2]


# --- PO ------------------------------------------------------------------------------------------


def render_po(page: str, entries: list[Entry]) -> str:
    import polib

    po = polib.POFile(wrapwidth=78)
    po.header = (
        f"{page}, exported by `python -m translation_tools export`.\n"
        "Write the translations back with `python -m translation_tools import-po FILE`."
    )
    po.metadata = {
        "Project-Id-Version": page_key(page),
        "Language": "vi",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        PAGE_HEADER: page,
        "X-Source-Language": "en",
    }
    for entry in entries:
        flags = (["fuzzy"] if entry.outdated else []) + ([NEEDS_REVIEW] if entry.draft else [])
        path, _, line = entry.reference.rpartition(":")
        po.append(
            polib.POEntry(
                msgctxt=entry.key,
                msgid=entry.english,
                msgstr=entry.translation,
                occurrences=[(path, line)],
                flags=flags,
                comment=_state_note(entry, "clear the fuzzy flag"),
                tcomment="reviewed: " + entry.reviewer if entry.reviewer is not None else "",
            )
        )
    return str(po) + "\n"


def _state_note(entry: Entry, confirm: str) -> str:
    if entry.outdated:
        return f"outdated: the English changed since this translation; review it, then {confirm}"
    if entry.draft:
        return "draft" + (f" ({entry.draft_from})" if entry.draft_from else "") + ": unreviewed translation"
    return ""


def read_po(path: str) -> tuple[str, list[Entry]]:
    """The page a PO file belongs to, and its entries."""
    import polib

    _must_exist(path)
    try:
        po = polib.pofile(path, wrapwidth=78)
    except (OSError, ValueError, UnicodeDecodeError) as error:
        found = re.search(r"line (\d+)", str(error))
        raise FormatError(
            path, int(found.group(1)) if found else 1, f"not a valid PO file ({error}): fix it or export again"
        ) from None
    page = po.metadata.get(PAGE_HEADER, "")
    if not page:
        raise FormatError(path, 1, f"no '{PAGE_HEADER}' header: import only files written by `export --format po`")
    entries = [
        Entry(
            key=item.msgctxt or "",
            english=item.msgid,
            translation=item.msgstr,
            outdated="fuzzy" in item.flags,
            draft=NEEDS_REVIEW in item.flags,
            reviewer=_reviewer(item.tcomment),
            line=item.linenum or 1,
        )
        for item in po
        if not item.obsolete
    ]
    return page, entries


def _reviewer(text: str | None) -> str | None:
    found = _REVIEWED.search(text or "")
    return None if found is None else (found.group("name") or "")


def _must_exist(path: str) -> None:
    if os.path.isdir(path):
        raise FormatError(path, 1, "is a folder: pass the exported files themselves")
    if not os.path.isfile(path):
        raise FormatError(path, 1, "no such file: check the path")


# --- XLIFF ---------------------------------------------------------------------------------------


def render_xliff(page: str, entries: list[Entry]) -> bytes:
    from translate.storage import xliff

    store: xliff.xlifffile[xliff.xliffunit] = xliff.xlifffile(sourcelanguage="en", targetlanguage="vi")
    for entry in entries:
        unit = store.addsourceunit(entry.english, filename=page, createifmissing=True)
        unit.setid(entry.key)
        if entry.translation:
            unit.target = entry.translation
        if str(unit.source) != entry.english or str(unit.target or "") != entry.translation:
            # The toolkit drops the control characters XML 1.0 cannot hold: the file would not match the page.
            path, _, line = entry.reference.rpartition(":")
            raise FormatError(
                path, int(line), "this segment holds a control character XML cannot carry: remove it, or export as PO"
            )
        if entry.translation:
            if entry.outdated:
                state = "needs-translation"
            elif entry.draft:
                state = "needs-review-translation"
            elif entry.reviewer is not None:
                state = "signed-off"
            else:
                state = "translated"
            unit.set_state_n(unit.statemap[state])
        if entry.reviewer is not None:
            unit.addnote("reviewed: " + entry.reviewer if entry.reviewer else "reviewed", origin="reviewer")
        note = _state_note(entry, 'set its state to "translated"')
        if note:
            unit.addnote(note, origin="developer")
        unit.addlocation(entry.reference)
    store.removedefaultfile()
    return bytes(store).rstrip(b"\n") + b"\n"


def read_xliff(path: str) -> tuple[str, list[Entry]]:
    from translate.storage import xliff

    _must_exist(path)
    with open(path, "rb") as handle:
        data = handle.read()
    try:
        store = xliff.xlifffile.parsestring(data)
    except Exception as error:  # lxml's XMLSyntaxError, or the toolkit's own complaint
        raise FormatError(
            path, getattr(error, "lineno", None) or 1, f"not a valid XLIFF file ({error}): fix it or export again"
        ) from None
    pages = store.getfilenames()
    if len(pages) != 1 or not pages[0] or pages[0] == "NoName":
        raise FormatError(
            path, 1, "expected one <file original=PAGE>: import only files written by `export --format xliff`"
        )
    entries = []
    for unit in store.getunits():
        node = unit.getlanguageNode(lang=None, index=1)
        state = node.get("state", "") if node is not None else ""
        translation = str(unit.target or "") if node is not None else ""
        reviewer = _reviewer(unit.getnotes()) if state in _XLIFF_REVIEWED else None
        if state in _XLIFF_REVIEWED and reviewer is None:
            reviewer = ""
        entries.append(
            Entry(
                key=unit.xmlelement.get("id", ""),
                english=str(unit.source or ""),
                translation=translation,
                outdated=state in _XLIFF_OUTDATED,
                draft=state.startswith("needs-review"),
                reviewer=reviewer,
                line=unit.xmlelement.sourceline or 1,
            )
        )
    return pages[0], entries


# --- import --------------------------------------------------------------------------------------


@dataclass(slots=True)
class ImportReport:
    page: str
    written: int = 0  # slots whose translation changed
    reviewed: int = 0  # review markers set without a text change
    confirmed: int = 0  # outdated markers cleared without a text change
    problems: list[FormatError] = field(default_factory=list)


def plan_import(
    doc: Document, entries: list[Entry], source: str, origin: str
) -> tuple[list[tuple[SlotEdit, Entry]], list[FormatError]]:
    """The edits the entries ask for (each with its entry), and the entries that cannot be applied.

    An entry changes its segment only when the translator changed something:

    - a new translation (an empty one never deletes the page's): the slot gets it, marked draft
      (``<!-- draft: po -->``) unless the entry names a reviewer the page did not have;
    - an outdated entry no longer fuzzy: the translator confirmed it, the outdated marker goes;
    - a reviewer named where the page had none (or another): the review marker says so.

    An entry whose English is not on the page any more is reported as ``source:line``, never applied.
    """
    current = {_key_id(entry.key): (entry, seg) for entry, seg in page_entries(doc)}
    edits: list[tuple[SlotEdit, Entry]] = []
    problems: list[FormatError] = []
    for entry in entries:
        found = current.get(_key_id(entry.key))
        if found is None or found[0].english != entry.english:
            why = "is not on the page any more" if found is None else "was edited in the file"
            problems.append(
                FormatError(
                    source,
                    entry.line,
                    f"the English of this entry {why} ({doc.path}): not applied; export the page again and redo it",
                )
            )
            continue
        old, seg = found
        if entry.reviewer is not None and entry.reviewer != old.reviewer and old.outdated and entry.outdated:
            problems.append(
                FormatError(
                    source,
                    entry.line,
                    "a review of an outdated translation is not recorded: confirm the translation first "
                    "(clear the fuzzy flag, or set the state to translated)",
                )
            )
            entry.reviewer = old.reviewer
        edit = _edit_for(old, entry, seg, origin)
        if edit is not None:
            edits.append((edit, entry))
    return edits, problems


def _edit_for(old: Entry, new: Entry, seg: Segment, origin: str) -> SlotEdit | None:
    text = new.translation if new.translation == old.translation else normalise_translation(new.translation)
    changed = bool(text) and text != old.translation
    confirmed = old.outdated and not new.outdated
    claimed = new.reviewer is not None and new.reviewer != old.reviewer
    if not (changed or confirmed or claimed):
        return None
    edit = SlotEdit(seg, translation=text if changed else None, clear_outdated=confirmed)
    if claimed:
        edit.review = review_marker(REVIEWED, new.reviewer or "")
    else:
        edit.review = review_marker(DRAFT, origin)
    return edit


def import_file(path: str, fmt: str) -> ImportReport:
    """Write one exported file's translations back into its page."""
    page, entries = read_po(path) if fmt == "po" else read_xliff(path)
    if not os.path.isfile(page):
        raise FormatError(
            path, 1, f"its page {page} is not there (the path is relative to where export ran): import from that folder"
        )
    doc = parse_file(page)
    planned, problems = plan_import(doc, entries, path, fmt)
    text, refused = edit_page(doc, [edit for edit, _ in planned])
    report = ImportReport(page, problems=problems)
    for edit, entry in planned:
        if edit in refused:
            report.problems.append(
                FormatError(
                    path,
                    entry.line,
                    "this translation would change the page's structure (a comment, fence, formula or label "
                    f"line in it; {doc.path}:{edit.segment.slot_start}): not applied; keep it to prose",
                )
            )
        elif edit.translation is not None:
            report.written += 1
        elif edit.clear_outdated:
            report.confirmed += 1
        else:
            report.reviewed += 1
    if len(refused) < len(planned):
        write_file_atomic(page, text)
    return report


def export_pages(paths: list[str], fmt: str, out_dir: str, force: bool = False) -> list[tuple[str, str]]:
    """Write one file per page under ``out_dir``; every target is checked before any is written."""
    pages = page_paths(paths)
    targets: dict[str, str] = {}
    for page in pages:
        target = os.path.join(out_dir, os.path.splitext(_relative_name(page, paths))[0] + FORMATS[fmt])
        if target in targets:
            raise FormatError(
                page, 1, f"{targets[target]} and this page would both be exported to {target}: export them apart"
            )
        targets[target] = page
    for target in targets:
        check_output(target, force, make_folders=True)
    rendered: list[tuple[str, str, str | bytes]] = []  # every page read before any file is written
    for target, page in targets.items():
        entries = [entry for entry, _ in page_entries(parse_file(page))]
        if entries:  # a page without English segments has nothing to translate
            rendered.append((page, target, render_po(page, entries) if fmt == "po" else render_xliff(page, entries)))
    for _, target, data in rendered:
        write_file_atomic(target, data)
    return [(page, target) for page, target, _ in rendered]


def _relative_name(page: str, roots: list[str]) -> str:
    for root in roots:
        if os.path.isdir(root):
            relative = os.path.relpath(page, root)
            if not relative.startswith(".."):
                return relative
    return os.path.basename(page)


# --- commands ------------------------------------------------------------------------------------


def run_export(args) -> int:
    done = export_pages(args.paths, args.format, args.output, args.force)
    for page, target in done:
        print(f"{page} -> {target}", file=sys.stderr)
    print(f"{len(done)} page(s) with segments exported as {args.format} to {args.output}", file=sys.stderr)
    return 0


def run_import(args, fmt: str) -> int:
    failed = False
    for path in args.files:
        try:
            report = import_file(path, fmt)
        except FormatError as error:  # this file is unusable; the others are still imported
            print(str(error), file=sys.stderr)
            failed = True
            continue
        for problem in report.problems:
            print(str(problem), file=sys.stderr)
            failed = True
        if report.written or report.confirmed or report.reviewed or report.problems:
            print(
                f"{report.page}: {report.written} translation(s) written, {report.confirmed} outdated confirmed, "
                f"{report.reviewed} review(s) recorded, {len(report.problems)} entr(ies) not applied",
                file=sys.stderr,
            )
        else:
            print(f"{report.page}: unchanged", file=sys.stderr)
    return 2 if failed else 0
