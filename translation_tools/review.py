"""``review PAGE --by NAME [--lines A-B]``: mark translated segments reviewed, never touching the text.

Each translated segment whose slot has a line in the range gets ``<!-- reviewed: NAME -->`` on
the line after its English comment (a draft or an older review marker there is replaced, and a
second marker is dropped). Only review-marker lines change: every other line of the page stays
as it was, byte for byte. An outdated translation is refused until someone has brought it in line
with the new English and deleted its outdated marker.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from translation_tools.document import OUTDATED, REVIEWED, TRANSLATED, Document, Segment
from translation_tools.parse import FormatError, normalize_name, parse, parse_file, split_lines
from translation_tools.syntax import REVIEW_MARKER, REVIEWED_MARKER
from translation_tools.write import line_ending, write_file_atomic

_RANGE = re.compile(r"\s*(\d+)\s*(?:[-:]\s*(\d+)\s*)?")


@dataclass(slots=True)
class ReviewReport:
    marked: list[Segment] = field(default_factory=list)  # segments whose marker now names the reviewer
    already: int = 0  # already reviewed by that name: left as they were
    untranslated: int = 0  # in the range but with nothing to review
    refused: list[Segment] = field(default_factory=list)  # outdated: nothing is written while any is left


def parse_range(text: str, path: str) -> tuple[int, int]:
    """``A-B`` (or ``A``) as 1-based inclusive line numbers."""
    match = _RANGE.fullmatch(text)
    if match is None:
        raise FormatError(path, 1, f"--lines {text!r}: give a line range such as 12-40 (or one line, 12)")
    first = int(match.group(1))
    last = int(match.group(2) or first)
    if first < 1 or last < first:
        raise FormatError(path, 1, f"--lines {text}: the range must start at 1 or later and not run backwards")
    return first, last


def reviewer_name(raw: str, path: str) -> str:
    """The name as it goes into the marker: single spaces, NFC; no comment syntax, not empty."""
    name = normalize_name(raw)
    if not name or "-->" in name or "<!--" in name:
        raise FormatError(path, 1, f'--by {raw!r}: give the reviewer\'s full name, e.g. --by "Nguyễn Văn A"')
    return name


def review(doc: Document, text: str, name: str, lines: tuple[int, int] | None = None) -> tuple[str, ReviewReport]:
    """``text`` (the page ``doc`` was parsed from) with the segments in ``lines`` marked reviewed by ``name``.

    Outdated segments in the range are listed in ``report.refused``; the text is then returned
    unchanged.
    """
    report = ReviewReport()
    source = split_lines(text)
    eol = line_ending(doc)
    marker = REVIEWED_MARKER.format(name=name)
    replace: dict[int, str | None] = {}  # 0-based line -> new text (None: drop the line)
    insert_after: dict[int, str] = {}
    for seg in doc.segments():
        if not _selected(seg, lines):
            continue
        if seg.state == OUTDATED:
            report.refused.append(seg)
            continue
        if seg.state != TRANSLATED:
            report.untranslated += 1
            continue
        markers = [number for number, content in seg.head_lines() if REVIEW_MARKER.fullmatch(content.strip())]
        if seg.review == REVIEWED and seg.review_detail == name and len(markers) == 1:
            report.already += 1
            continue
        report.marked.append(seg)
        if seg.review_line is None:
            index = seg.english_end - 1
            insert_after[index] = marker + (_ending(source[index]) or eol)
            continue
        for number in markers:
            replace[number - 1] = None
        index = seg.review_line - 1
        replace[index] = marker + _ending(source[index])
    if report.refused:
        return text, report
    out: list[str] = []
    for index, line in enumerate(source):
        kept = replace.get(index, line)
        if kept is not None:
            out.append(kept)
        if index in insert_after:
            out.append(insert_after[index])
    return "".join(out), report


def _selected(seg: Segment, lines: tuple[int, int] | None) -> bool:
    """The segment's slot has a line in the range (an empty slot: its place does)."""
    if lines is None:
        return True
    first, last = lines
    return seg.slot_start <= last and max(seg.slot_end, seg.slot_start) >= first


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def run(args) -> int:
    from translation_tools.contributors import canonical, load_aliases
    from translation_tools.pages import book_file

    path = args.page
    doc = parse_file(path)
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    lines = parse_range(args.lines, path) if args.lines else None
    total = len(split_lines(text))
    if lines and lines[0] > total:
        raise FormatError(path, 1, f"--lines {args.lines}: the page has only {total} lines")
    name = reviewer_name(args.by, path)
    aliases_path = args.aliases or book_file([path], "aliases.yml")
    full = canonical(name, load_aliases(aliases_path)) if aliases_path else name
    if full != name:
        print(f"--by {name}: written as {full} (from {aliases_path})", file=sys.stderr)
    new, report = review(doc, text, full, lines)
    for seg in report.refused:
        print(
            f"{path}:{seg.outdated_line or seg.slot_start}: outdated translation: review the text against the new "
            "English first and delete the outdated line, then run review again (or leave it out with --lines)",
            file=sys.stderr,
        )
    if report.refused:
        print(f"{path}: nothing marked: {len(report.refused)} outdated segment(s) in the range", file=sys.stderr)
        return 2
    if new != text:
        parse(new, path=path)  # never write what we could not read back
        write_file_atomic(path, new)
    where = f" in lines {lines[0]}-{lines[1]}" if lines else ""
    print(
        f"{path}: {len(report.marked)} segment(s) marked reviewed by {full}{where}"
        f" ({report.already} already were, {report.untranslated} untranslated left alone)",
        file=sys.stderr,
    )
    return 0
