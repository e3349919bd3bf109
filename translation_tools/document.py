"""The document model of a bilingual page: typed blocks with their source lines.

Every line of a page belongs to exactly one block, so joining the blocks' text
gives the page back byte for byte (see ``write.write``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from translation_tools.syntax import HEADING, OUTDATED_MARKER, SETEXT_UNDERLINE, UPDATE_TAG, clean

__all__ = ["OUTDATED_MARKER", "Block", "CodeBlock", "Document", "Segment", "Stats"]

BLOCK_KINDS = frozenset(
    {
        "front_matter",
        "segment",
        "code",
        "math",
        "label",
        "toc",
        "contributors",
        "marker",
        "note",
        "removed",
        "comment",
        "definition",
        "html",
        "rule",
        "blank",
        "other",
    }
)

_LINE_BREAK = re.compile("\r\n|\n|\r")  # the parser's line ends (see parse.split_lines)

TRANSLATED = "translated"
UNTRANSLATED = "untranslated"
OUTDATED = "outdated"
# Review states of a translated segment (``Segment.review``), from its review marker.
DRAFT = "draft"
REVIEWED = "reviewed"

# Block kinds besides segments: ``marker`` is a part/review/outdated marker, ``note`` a comment
# in Vietnamese (a translator's note), ``removed`` a translation whose English vanished in an
# update, ``comment`` any other comment that holds nothing to translate (commented-out code,
# math, an image without a caption, an empty comment).


@dataclass(slots=True)
class Block:
    """A run of source lines of one kind; ``start``/``end`` are 1-based, inclusive."""

    kind: str
    start: int
    end: int
    text: str

    @property
    def lines(self) -> list[str]:
        """The block's lines without their line endings."""
        return [line.rstrip("\r") for line in self.text.split("\n")][: self.end - self.start + 1]


@dataclass(slots=True)
class CodeBlock(Block):
    """A fenced block (kind ``code`` or ``toc``); ``info`` is the text after the fence."""

    info: str = ""
    body: str = ""

    @property
    def toc_entries(self) -> list[str]:
        """Page names listed in a ```` ```toc ```` block (option lines skipped)."""
        return [line.strip() for line in self.body.split("\n") if line.strip() and not line.strip().startswith(":")]


@dataclass(slots=True)
class Segment(Block):
    """English source in a comment followed by its translation slot.

    ``english`` is the Markdown inside the comment, dedented, without the
    comment markers. ``translation`` is the slot's text ("" when empty).
    ``slot_start`` is the line where the slot starts, or where it should go
    when it is empty; ``slot_end`` is ``slot_start - 1`` for an empty slot.
    """

    translation: str = ""
    state: str = UNTRANSLATED
    english_start: int = 0
    english_end: int = 0
    slot_start: int = 0
    slot_end: int = 0
    outdated_line: int | None = None
    review: str | None = None  # "draft" or "reviewed" (a marker between the English and the slot), else None
    review_detail: str = ""  # who reviewed it, or where a draft came from
    review_line: int | None = None
    _english: str | None = field(default=None, repr=False, compare=False)
    _role: str | None = field(default=None, repr=False, compare=False)

    @property
    def english(self) -> str:
        """The English Markdown; several English comments in a row are joined by a blank line."""
        # Computed on first use: ``status`` never needs it, and it costs a third of parsing.
        if self._english is None:
            count = self.english_end - self.english_start + 1
            offset = self.english_start - self.start
            lines = self.text.split("\n")[offset : offset + count]
            self._english = "\n\n".join(comment_body(part) for part in split_comments(lines))
        return self._english

    @property
    def english_lines(self) -> tuple[int, int]:
        """0-based offsets, in ``text``'s lines, of the first and last line of the English comments."""
        return self.english_start - self.start, self.english_end - self.start

    @property
    def role(self) -> str:
        """``heading``, ``paragraph``, ``list``, ``table``, ``figure`` or ``other``."""
        if self._role is None:
            from translation_tools.mdtext import detect_role

            self._role = detect_role(self.english)
        return self._role

    @property
    def review_state(self) -> str | None:
        """``draft`` or ``reviewed`` for a translated segment with a review marker, else None.

        An outdated segment keeps its marker but is outdated first: its review is stale.
        """
        return self.review if self.state == TRANSLATED else None

    def head_lines(self) -> list[tuple[int, str]]:
        """(line number, text) of the lines between the English comment(s) and the slot:
        outdated and review markers, translators' notes, blank lines."""
        lines = _LINE_BREAK.split(self.text)
        last = min(self.slot_start - 1, self.end)
        return [(number, lines[number - self.start]) for number in range(self.english_end + 1, last + 1)]

    @property
    def is_placeholder(self) -> bool:
        """True when the slot holds nothing but a ``*dịch … *`` placeholder (or nothing)."""
        return self.state == UNTRANSLATED


def split_comments(lines: list[str]) -> list[list[str]]:
    """Lines holding one or more comments (and blank lines between them), one list per comment."""
    parts: list[list[str]] = []
    current: list[str] | None = None
    for line in lines:
        if current is None:
            if not line.strip():
                continue
            current = []
        current.append(line)
        if "-->" in line and (len(current) > 1 or "-->" in line.split("<!--", 1)[-1]):
            parts.append(current)
            current = None
    if current:
        parts.append(current)
    return parts


def comment_body(lines: list[str]) -> str:
    """The text between ``<!--`` and ``-->`` in ``lines``, blank edges dropped.

    Lines keep their trailing spaces (two of them are a hard line break) and, below four
    spaces, their indentation; only the text beside the markers is trimmed.
    """
    lines = [line.rstrip("\r") for line in lines]
    lines[0] = UPDATE_TAG.sub("<!--", lines[0], count=1).split("<!--", 1)[1]
    lines[-1] = lines[-1].split("-->", 1)[0].rstrip()
    if len(lines) > 1 or not lines[0].strip():
        lines[0] = lines[0].rstrip() if not lines[0].strip() else lines[0]
    else:
        lines[0] = lines[0].strip()
    lines = [line if line.strip() else "" for line in lines]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    # English indented as a whole by four or more spaces would read as code: that margin is
    # the writer's, not the text's. A smaller one is kept (a list's columns carry its structure).
    margins = [line[: len(line) - len(line.lstrip())] for line in lines if line]
    cut = min(map(len, margins), default=0)
    while cut and len({margin[:cut] for margin in margins}) > 1:
        cut -= 1
    if cut >= 4:
        lines = [line[cut:] for line in lines]
    return "\n".join(lines)


def heading_text(markdown: str) -> str | None:
    """The title when ``markdown`` opens with a heading: ``# Title`` or ``Title`` over ``===``/``---``."""
    lines = [clean(line).strip() for line in markdown.strip().split("\n")]
    if not lines or not lines[0]:
        return None
    atx = HEADING.match(lines[0])
    if atx:
        return atx.group(2).strip() or None
    if len(lines) > 1 and SETEXT_UNDERLINE.fullmatch(lines[1]) and not lines[0].startswith(("<", "!", "|", "*", "-")):
        return lines[0]
    return None


@dataclass(slots=True)
class ContributorEntry:
    """One bullet of a contributors section, as written and normalised."""

    line: int
    raw: str
    name: str


@dataclass(slots=True)
class ContributorsBlock(Block):
    """The ``## Những người thực hiện`` section, heading to the next heading."""

    entries: list[ContributorEntry] = field(default_factory=list)


@dataclass(slots=True)
class FrontMatterBlock(Block):
    """YAML between ``---`` lines at the top of the file; ``data`` is the parsed mapping."""

    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Stats:
    """Segment counts of a page or a set of pages; ``no_source`` counts pages without English."""

    segments: int = 0
    translated: int = 0  # draft and reviewed segments are translated too
    untranslated: int = 0
    outdated: int = 0
    no_source: int = 0
    draft: int = 0
    reviewed: int = 0

    @property
    def percent(self) -> float:
        """Share of translated segments; a set without segments is complete."""
        if not self.segments:
            return 100.0
        return 100.0 * self.translated / self.segments

    def __add__(self, other: Stats) -> Stats:
        return Stats(
            self.segments + other.segments,
            self.translated + other.translated,
            self.untranslated + other.untranslated,
            self.outdated + other.outdated,
            self.no_source + other.no_source,
            self.draft + other.draft,
            self.reviewed + other.reviewed,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "segments": self.segments,
            "translated": self.translated,
            "untranslated": self.untranslated,
            "outdated": self.outdated,
            "draft": self.draft,
            "reviewed": self.reviewed,
        }


@dataclass(slots=True)
class Document:
    """A parsed page: its blocks in order, plus what consumers ask for most."""

    path: str
    blocks: list[Block]
    front_matter: dict[str, Any] = field(default_factory=dict)
    contributors: list[str] = field(default_factory=list)

    def segments(self) -> list[Segment]:
        return [block for block in self.blocks if isinstance(block, Segment)]

    def blocks_of(self, kind: str) -> Iterator[Block]:
        return (block for block in self.blocks if block.kind == kind)

    @property
    def monolingual(self) -> bool:
        """A page with prose but no English source (an imported post, say)."""
        has_segment = False
        has_prose = False
        for block in self.blocks:
            if block.kind == "segment":
                has_segment = True
                break
            if block.kind == "other":
                has_prose = True
        return has_prose and not has_segment

    @property
    def title(self) -> str | None:
        """Front matter ``title``, else the first heading, ATX or setext (translated when possible)."""
        if isinstance(self.front_matter.get("title"), str):
            return self.front_matter["title"]
        for block in self.blocks:
            if isinstance(block, Segment):
                found = heading_text(block.english)
                if found is not None:
                    translated = heading_text(block.translation) if block.state != UNTRANSLATED else None
                    return translated or found
            elif block.kind == "other":
                found = heading_text(block.text)
                if found is not None:
                    return found
        return None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready view of the model (used by the golden fixtures)."""
        blocks = []
        for block in self.blocks:
            item: dict[str, Any] = {"kind": block.kind, "start": block.start, "end": block.end}
            if isinstance(block, Segment):
                item.update(
                    role=block.role,
                    state=block.state,
                    english=block.english,
                    translation=block.translation,
                    english_start=block.english_start,
                    english_end=block.english_end,
                    slot_start=block.slot_start,
                    slot_end=block.slot_end,
                    outdated_line=block.outdated_line,
                    review=block.review,
                    review_detail=block.review_detail,
                    review_line=block.review_line,
                )
            elif isinstance(block, CodeBlock):
                item.update(info=block.info)
                if block.kind == "toc":
                    item.update(toc=block.toc_entries)
            elif isinstance(block, ContributorsBlock):
                item.update(entries=[[e.line, e.name] for e in block.entries])
            blocks.append(item)
        stats = self.stats()
        return {
            "front_matter": self.front_matter,
            "contributors": self.contributors,
            "monolingual": self.monolingual,
            "stats": {**stats.as_dict(), "no_source": stats.no_source},
            "blocks": blocks,
        }

    def stats(self) -> Stats:
        stats = Stats()
        for block in self.blocks:
            if block.kind != "segment":
                continue
            stats.segments += 1
            state = block.state  # type: ignore[attr-defined]
            if state == TRANSLATED:
                stats.translated += 1
                review = block.review  # type: ignore[attr-defined]
                if review == DRAFT:
                    stats.draft += 1
                elif review == REVIEWED:
                    stats.reviewed += 1
            elif state == OUTDATED:
                stats.outdated += 1
            else:
                stats.untranslated += 1
        if not stats.segments and self.monolingual:
            stats.no_source = 1
        return stats
