"""``scaffold``: an English page becomes a bilingual skeleton; ``--update`` merges a new English version.

The update itself lives in ``update.py``: it edits the page in place and never loses a
translated line.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field

from translation_tools.document import Block, Document, Segment
from translation_tools.parse import FormatError, parse, parse_file
from translation_tools.syntax import CAPTION_PLACEHOLDER, HEADING_PLACEHOLDER, PARAGRAPH_PLACEHOLDER
from translation_tools.write import render_segment, write_file_atomic

CONTRIBUTORS_SECTION = """## Những người thực hiện
Bản dịch trong trang này được thực hiện bởi:
<!--
Hướng dẫn: mỗi dòng một tên, bắt đầu bằng `* ` (dấu sao và một dấu cách).
-->

"""
SOURCE_KEY = "source_revision"


@dataclass(slots=True)
class Item:
    """One piece of the English page: prose to translate, or raw text passed through."""

    kind: str  # "prose" or "raw"
    text: str
    line: int
    labels: list[str] = field(default_factory=list)  # :label:/:width: lines glued below it


# Blocks markdown-it reads together: prose, and the shared blocks that sit among prose (a loose
# list spans blank lines; a link definition or an indented code block is read in context).
_RUN_KINDS = frozenset({"other", "blank", "definition", "html", "rule"})
# Top-level markdown-it tokens written outside comments, as they are, in both editions.
_RAW_TOKENS = frozenset({"hr", "html_block", "code_block", "fence"})


def english_items(doc: Document) -> list[Item]:
    """Split an English page into prose to translate and blocks passed through unchanged.

    Runs of prose are read by markdown-it as a whole, so a list keeps its items and its
    looseness, and a top-level token is one item; lines no token covers (link reference
    definitions) pass through. Code, math, toc and label blocks come from the parser.
    """
    items: list[Item] = []
    previous_end = 0
    run: list[Block] = []

    def flush() -> None:
        nonlocal previous_end
        if run:
            items.extend(_run_items(doc, run))
            run.clear()

    for block in doc.blocks:
        if (
            block.kind in _RUN_KINDS
            or (block.kind == "code" and (block.text[:1] in (" ", "\t") and any(b.kind == "other" for b in run)))
            or (block.kind == "code" and not block.text.lstrip(" \t").startswith(("```", "~~~")))
        ):
            run.append(block)
            if block.kind != "blank":
                previous_end = block.end
            continue
        flush()
        text = block.text.rstrip("\r\n").replace("\r\n", "\n")
        if block.kind == "label":
            if items and block.start == previous_end + 1:
                items[-1].labels.append(text)
            else:
                items.append(Item("raw", text, block.start))
        elif block.kind == "front_matter":
            continue
        elif isinstance(block, Segment):
            # The English has a hidden comment of its own, then text: the comment is kept on one line
            # (a one-line comment is never English to translate) and the text is read as prose.
            items.append(Item("raw", "<!-- " + " ".join(block.english.split()) + " -->", block.start))
            if block.translation:
                items.extend(_prose_items(doc, block.translation, block.slot_start))
        else:
            items.append(Item("raw", text, block.start))
        previous_end = block.end
    flush()
    return items


def _run_items(doc: Document, run: list[Block]) -> list[Item]:
    return _prose_items(doc, "".join(block.text for block in run), run[0].start)


def _prose_items(doc: Document, text: str, first_line: int) -> list[Item]:
    """Items of a stretch of Markdown: one per top-level token, uncovered lines passed through."""
    from translation_tools.mdtext import markdown

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    covered = [False] * len(lines)
    found: list[tuple[int, Item]] = []
    for token in markdown().parse(text):
        if token.level != 0 or token.map is None or token.nesting == -1:
            continue
        start, end = token.map
        for index in range(start, end):
            covered[index] = True
        chunk = "\n".join(lines[start:end]).strip("\n")
        kind = "raw" if token.type in _RAW_TOKENS or _captionless_image(chunk) else "prose"
        if token.type == "html_block" and chunk.lstrip().startswith("<!--"):
            continue  # a comment the parser already placed (or that holds nothing)
        if "-->" in chunk and kind == "prose":
            raise FormatError(
                doc.path,
                first_line + start,
                "the English contains '-->', which would end its comment early: rephrase it",
            )
        found.append((start, Item(kind, chunk, first_line + start)))
    # Lines no token covers: link reference definitions (markdown-it keeps them in its env).
    index = 0
    while index < len(lines):
        if covered[index] or not lines[index].strip():
            index += 1
            continue
        start = index
        while index < len(lines) and not covered[index] and lines[index].strip():
            index += 1
        found.append((start, Item("raw", "\n".join(lines[start:index]), first_line + start)))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _captionless_image(chunk: str) -> bool:
    """An image with no caption has nothing to translate (the parser agrees: see ``comment_role``)."""
    from translation_tools.parse import comment_role

    return comment_role(chunk) == "image"


def placeholder_for(english: str) -> str:
    heading = re.match(r"(#{1,6})\s", english)
    if heading:
        return f"{heading.group(1)} {HEADING_PLACEHOLDER}"
    image = re.fullmatch(r"!\[[^\]]*\]\(([^)]*)\)", english.strip())
    if image:
        return f"![{CAPTION_PLACEHOLDER}]({image.group(1)})"
    return PARAGRAPH_PLACEHOLDER


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


def run(args) -> int:
    import os

    from translation_tools.write import check_output

    if args.update:
        if len(args.files) != 2:
            print("scaffold --update needs EXISTING NEW_ENGLISH.md", file=sys.stderr)
            return 2
        existing_path, english_path = args.files
        existing = parse_file(existing_path)
        english = parse_file(english_path)
        swap = "swap the arguments: PAGE first, then the new English"
        if english.segments():
            raise FormatError(
                english_path,
                english.segments()[0].start,
                f"this file has English comments, so it is a bilingual page, not the new English: {swap}",
            )
        if not existing.segments():
            raise FormatError(
                existing_path, 1, f"this page has no English comments, so it is not a bilingual page: {swap}"
            )
        target = args.output or existing_path
        check_output(target, args.force or os.path.realpath(target) == os.path.realpath(existing_path))
        from translation_tools.update import update

        text, report = update(existing, english, args.source_rev)
        parse(text, path=target)  # never write something we could not read back
        write_file_atomic(target, text)
        for seg in report.removed:
            first = seg.english.split("\n")[0][:60]
            print(
                f"{existing_path}:{seg.english_start}: removed: the English '{first}…' is gone; its translation "
                "is kept in a 'removed:' comment in its place",
                file=sys.stderr,
            )
        print(
            f"{args.output or existing_path}: {report.kept} kept, {report.outdated} outdated, {report.new} new, "
            f"{report.moved} moved, {len(report.removed)} removed",
            file=sys.stderr,
        )
        return 0
    if len(args.files) != 1:
        print("scaffold takes one ENGLISH.md (or EXISTING NEW_ENGLISH.md with --update)", file=sys.stderr)
        return 2
    english = parse_file(args.files[0])
    if args.output:
        check_output(args.output, args.force)
    text = scaffold(english, args.source_rev)
    if args.output:
        write_file_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
