"""``scaffold``: an English page becomes a bilingual skeleton; ``--update`` merges a new English version.

The update never loses a translated paragraph: unchanged English keeps its
translation, changed English keeps it under an outdated marker, and a
translation whose English disappeared is kept in a ``<!-- removed: … -->`` comment.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass, field

from translation_tools.document import OUTDATED_MARKER, UNTRANSLATED, Document, Segment
from translation_tools.parse import FormatError, parse, parse_file
from translation_tools.write import write_file_atomic

PLACEHOLDER = "*dịch đoạn phía trên*"
HEADING_PLACEHOLDER = "*dịch tiêu đề phía trên*"
CAPTION_PLACEHOLDER = "*dịch chú thích ảnh phía trên*"
REMOVED_NOTE = "removed: the English of this translation is gone from the new version; reuse it or delete this comment"
CONTRIBUTORS_SECTION = """## Những người thực hiện
Bản dịch trong trang này được thực hiện bởi:
<!--
Hướng dẫn: mỗi dòng một tên, bắt đầu bằng `* ` (dấu sao và một dấu cách).
-->

"""
SOURCE_KEY = "source_revision"
SIMILAR_ENOUGH = 0.5  # difflib ratio above which a changed paragraph keeps its (outdated) translation


@dataclass(slots=True)
class Item:
    """One piece of the English page: prose to translate, or raw text passed through."""

    kind: str  # "prose" or "raw"
    text: str
    line: int
    labels: list[str] = field(default_factory=list)  # :label:/:width: lines glued below it


def english_items(doc: Document) -> list[Item]:
    """Split an English page into prose blocks (by markdown-it) and pass-through blocks."""
    from translation_tools.mdtext import markdown

    items: list[Item] = []
    previous_end = 0
    for block in doc.blocks:
        text = block.text.rstrip("\r\n").replace("\r\n", "\n")
        if block.kind == "blank":
            continue
        if block.kind == "label":
            if items and block.start == previous_end + 1:
                items[-1].labels.append(text)
            else:
                items.append(Item("raw", text, block.start))
        elif block.kind == "other":
            lines = text.split("\n")
            for token in markdown().parse(text):
                if token.level != 0 or token.map is None or token.nesting == -1:
                    continue
                first, last = token.map
                chunk = "\n".join(lines[first:last]).strip("\n")
                kind = "raw" if token.type in ("hr", "html_block") else "prose"
                if "-->" in chunk and kind == "prose":
                    line = block.start + first
                    raise FormatError(
                        doc.path, line, "the English contains '-->', which would end its comment early: rephrase it"
                    )
                items.append(Item(kind, chunk, block.start + first))
        elif block.kind == "front_matter":
            continue
        else:
            items.append(Item("raw", text, block.start))
        previous_end = block.end
    return items


def placeholder_for(english: str) -> str:
    heading = re.match(r"(#{1,6})\s", english)
    if heading:
        return f"{heading.group(1)} {HEADING_PLACEHOLDER}"
    image = re.fullmatch(r"!\[[^\]]*\]\(([^)]*)\)", english.strip())
    if image:
        return f"![{CAPTION_PLACEHOLDER}]({image.group(1)})"
    return PLACEHOLDER


def render_segment(english: str, slot: str, outdated: bool = False) -> str:
    marker = OUTDATED_MARKER + "\n" if outdated else ""
    return f"<!--\n{english}\n-->\n{marker}\n{slot}"


def render_page(front_matter: str, pieces: list[str], contributors: str) -> str:
    body = "\n\n".join(pieces)
    return (front_matter + "\n" if front_matter else "") + body + "\n\n" + contributors.rstrip("\n") + "\n"


def with_source_revision(front_matter: str, revision: str | None) -> str:
    """Front matter text with ``source_revision`` set, keeping every other line as it was."""
    if revision is None:
        return front_matter
    line = f"{SOURCE_KEY}: {revision}"
    if not front_matter:
        return f"---\n{line}\n---\n"
    lines = front_matter.rstrip("\n").split("\n")
    for index, existing in enumerate(lines[1:-1], start=1):
        if existing.startswith(f"{SOURCE_KEY}:"):
            lines[index] = line
            break
    else:
        lines.insert(len(lines) - 1, line)
    return "\n".join(lines) + "\n"


def front_matter_text(doc: Document) -> str:
    for block in doc.blocks:
        if block.kind == "front_matter":
            return block.text.replace("\r\n", "\n")
    return ""


def scaffold(english: Document, revision: str | None = None) -> str:
    pieces = []
    for item in english_items(english):
        text = item.text if item.kind == "raw" else render_segment(item.text, placeholder_for(item.text))
        pieces.append("\n".join([text, *item.labels]))
    return render_page(with_source_revision(front_matter_text(english), revision), pieces, CONTRIBUTORS_SECTION)


@dataclass(slots=True)
class UpdateReport:
    kept: int = 0
    outdated: int = 0
    new: int = 0
    removed: list[Segment] = field(default_factory=list)


def _key(text: str) -> str:
    return " ".join(text.split())


def update(existing: Document, english: Document, revision: str | None = None) -> tuple[str, UpdateReport]:
    """Merge a new English version into a bilingual page."""
    old = existing.segments()
    used = [False] * len(old)
    by_key: dict[str, list[int]] = {}
    for index, seg in enumerate(old):
        by_key.setdefault(_key(seg.english), []).append(index)
    items = english_items(english)
    matches: dict[int, tuple[int, bool]] = {}  # item index -> (old index, changed?)
    for position, item in enumerate(items):
        if item.kind != "prose":
            continue
        for index in by_key.get(_key(item.text), []):
            if not used[index]:
                used[index] = True
                matches[position] = (index, False)
                break
    for position, item in enumerate(items):
        if item.kind != "prose" or position in matches:
            continue
        best, best_ratio = None, SIMILAR_ENOUGH
        for index, seg in enumerate(old):
            if used[index] or seg.state == UNTRANSLATED:
                continue
            matcher = difflib.SequenceMatcher(None, _key(seg.english), _key(item.text), autojunk=False)
            if matcher.quick_ratio() > best_ratio and matcher.ratio() > best_ratio:
                best, best_ratio = index, matcher.ratio()
        if best is not None:
            used[best] = True
            matches[position] = (best, True)

    report = UpdateReport()
    pieces = []
    for position, item in enumerate(items):
        if item.kind == "raw":
            pieces.append("\n".join([item.text, *item.labels]))
            continue
        if position in matches:
            seg = old[matches[position][0]]
            changed = matches[position][1] or seg.state == "outdated"
            slot = seg.translation.replace("\r\n", "\n")
            if seg.state == UNTRANSLATED:
                slot, changed = placeholder_for(item.text), False
                report.new += 1
            elif changed:
                report.outdated += 1
            else:
                report.kept += 1
            text = render_segment(item.text, slot, outdated=changed)
        else:
            report.new += 1
            text = render_segment(item.text, placeholder_for(item.text))
        pieces.append("\n".join([text, *item.labels]))
    for index, seg in enumerate(old):
        if not used[index] and seg.state != UNTRANSLATED:
            report.removed.append(seg)
            pieces.append(f"<!-- {REMOVED_NOTE}\n{seg.translation}\n-->")
    for block in existing.blocks:  # earlier removed translations stay until someone deletes them
        if block.kind == "comment" and block.text.lstrip().startswith("<!-- removed:"):
            pieces.append(block.text.rstrip("\r\n"))
    contributors = next((b.text for b in existing.blocks if b.kind == "contributors"), CONTRIBUTORS_SECTION)
    front = with_source_revision(front_matter_text(existing) or front_matter_text(english), revision)
    return render_page(front, pieces, contributors.replace("\r\n", "\n")), report


def run(args) -> int:
    if args.update:
        if len(args.files) != 2:
            print("scaffold --update needs EXISTING NEW_ENGLISH.md", file=sys.stderr)
            return 2
        existing_path, english_path = args.files
        existing = parse_file(existing_path)
        english = parse_file(english_path)
        text, report = update(existing, english, args.source_rev)
        parse(text, path=args.output or existing_path)  # never write something we could not read back
        write_file_atomic(args.output or existing_path, text)
        for seg in report.removed:
            first = seg.english.split("\n")[0][:60]
            print(
                f"{existing_path}:{seg.english_start}: removed: the English '{first}…' is gone; its translation "
                "is kept in a 'removed:' comment near the end",
                file=sys.stderr,
            )
        print(
            f"{args.output or existing_path}: {report.kept} kept, {report.outdated} outdated, {report.new} new, "
            f"{len(report.removed)} removed",
            file=sys.stderr,
        )
        return 0
    if len(args.files) != 1:
        print("scaffold takes one ENGLISH.md (or EXISTING NEW_ENGLISH.md with --update)", file=sys.stderr)
        return 2
    english = parse_file(args.files[0])
    text = scaffold(english, args.source_rev)
    if args.output:
        write_file_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
