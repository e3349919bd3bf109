"""``align VIETNAMESE.md ENGLISH.md``: a bilingual page from a monolingual translation and its English.

Both pages are cut into blocks the way ``scaffold`` cuts an English page (``english_items``: the
parser's blocks, runs of prose split into markdown-it's top-level tokens). Each block gets a kind
(``heading2``, ``paragraph``, ``list``, ``table``, ``figure``, ``code``, ``math``, ``label``, a
``:begin_tab:`` block…) and the two sequences are aligned by dynamic programming: a block pairs
only with a block of its own kind, and a pair scores higher when the things translation leaves
alone (math, inline code, references, link targets, numbers, acronyms) agree and the lengths fit.

A paired prose block becomes a segment whose translation is marked ``<!-- draft: machine -->``;
code, math and labels that agree are written once, outside comments (a formula that differs is a
translated formula, a code block that differs keeps its English in a comment above it). A block
without a partner is kept and reported: English alone becomes a segment with a placeholder,
Vietnamese alone stays as it is under a one-line note, where ``check`` sees it as text outside
any segment. Every line of both pages is in the result.
"""

from __future__ import annotations

import difflib
import math
import re
import sys
from collections import Counter
from dataclasses import dataclass, field

from translation_tools.document import Document
from translation_tools.parse import FormatError, parse, parse_file
from translation_tools.syntax import (
    DIRECTIVE_LINE,
    DRAFT_FROM_MARKER,
    DRAFT_MARKER,
    FENCE,
    PARAGRAPH_PLACEHOLDER,
    TAB_BEGIN,
    TAB_END,
    clean,
    escape_comment,
    is_vietnamese,
)
from translation_tools.write import render_segment, write, write_file_atomic

# The one-line note over a Vietnamese block that found no English (a comment, so it ends the slot above).
UNPAIRED_NOTE = "<!-- align: no English block matches the text below: give it its English comment, or join it to the translation above -->"
_SHARED = frozenset({"code", "toc", "math"})  # written once when both sides agree
_EXACT = frozenset({"label", "comment", "raw"})  # pair only when equal
_ACRONYM = re.compile(r"(?<![^\W\d_])[A-Z]{2,}\d*")
_NUMBER = re.compile(r"\d+")
_SAME = 8.0  # the score of two equal shared blocks: an anchor no prose pair outweighs


@dataclass(slots=True)
class Piece:
    """A block of one page: its kind, its text, its lines (1-based, inclusive)."""

    kind: str
    text: str
    start: int
    end: int
    glued: bool = False  # a label line right under the block before it
    _anchors: Counter[str] | None = field(default=None, repr=False)

    @property
    def prose(self) -> bool:
        return self.kind not in _SHARED and self.kind not in _EXACT

    @property
    def anchors(self) -> Counter[str]:
        """What a translation keeps as it is: math, inline code, references, links, numbers, acronyms."""
        if self._anchors is None:
            from translation_tools.mdtext import inline_parts

            parts = inline_parts(self.text)
            found = Counter(
                [f"m:{_squash(x)}" for x in parts.math]
                + [f"c:{x}" for x in parts.code]
                + [f"r:{x}" for x in parts.references]
                + [f"l:{x}" for x in parts.links]
            )
            found.update(f"w:{x}" for x in _ACRONYM.findall(parts.prose))
            found.update(f"n:{x}" for x in _NUMBER.findall(parts.prose))
            self._anchors = found
        return self._anchors


@dataclass(slots=True)
class AlignReport:
    pairs: list[tuple[Piece, Piece]] = field(default_factory=list)
    segments: int = 0  # pairs written as draft segments
    shared: int = 0  # pairs written once, outside comments
    code_differs: list[tuple[Piece, Piece]] = field(default_factory=list)  # English kept in a comment
    english_only: list[Piece] = field(default_factory=list)
    vietnamese_only: list[Piece] = field(default_factory=list)


def _squash(text: str) -> str:
    return "".join(clean(text).split())


def pieces(doc: Document) -> list[Piece]:
    """The page's blocks in order, labels as blocks of their own, each ``:begin_tab:`` block that
    holds prose as one block; the contributors section is left out (see ``contributors_text``)."""
    from translation_tools.scaffold import english_items

    lines = write(doc).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    credits = {block.start for block in doc.blocks_of("contributors")}
    flat: list[Piece] = []
    for item in english_items(doc):
        if item.line in credits:
            continue
        end = item.line + item.text.count("\n")
        kind = _prose_kind(item.text) if item.kind == "prose" else _raw_kind(item.text)
        flat.append(Piece(kind, item.text, item.line, end))
        for offset, label in enumerate(item.labels, start=1):
            flat.append(Piece("label", label, end + offset, end + offset, glued=True))
    return _group_tabs(flat, _tab_ranges(doc), lines)


def _prose_kind(text: str) -> str:
    from translation_tools.mdtext import detect_role, tokens

    role = detect_role(text)
    if role == "heading":
        level = next(token.tag for token in tokens(text) if token.type == "heading_open")
        return f"heading{level[1:]}"
    return role


def _raw_kind(text: str) -> str:
    first = text.lstrip("\n").split("\n", 1)[0]
    fence = FENCE.fullmatch(first)
    if fence:
        return "toc" if fence.group(2).strip().split(" ")[0].strip("{}.") == "toc" else "code"
    if first.lstrip().startswith("$$"):
        return "math"
    if all(DIRECTIVE_LINE.fullmatch(line.strip()) for line in text.split("\n")):
        return "label"
    if first.lstrip().startswith("<!--"):
        return "comment"
    return "raw"


def _tab_ranges(doc: Document) -> list[tuple[int, int, str]]:
    """(first line, last line, tab name) of each ``:begin_tab:`` … ``:end_tab:`` block."""
    ranges = []
    begin: tuple[int, str] | None = None
    for block in doc.blocks_of("label"):
        line = block.text.strip()
        opened = TAB_BEGIN.fullmatch(line)
        if opened:
            begin = (block.start, (opened.group(1) or "").strip("`"))
        elif TAB_END.fullmatch(line) and begin is not None:
            ranges.append((begin[0], block.start, begin[1]))
            begin = None
    return ranges


def _group_tabs(flat: list[Piece], ranges: list[tuple[int, int, str]], lines: list[str]) -> list[Piece]:
    """A tab holding prose becomes one piece (it is translated as a whole, as d2l-vn does);
    a tab of code only keeps its pieces, its begin and end lines shared labels."""
    out: list[Piece] = []
    index = 0
    for first, last, name in ranges:
        while index < len(flat) and flat[index].start < first:
            out.append(flat[index])
            index += 1
        inside = []
        while index < len(flat) and flat[index].start <= last:
            inside.append(flat[index])
            index += 1
        if any(piece.prose for piece in inside):
            text = "\n".join(lines[first - 1 : last])
            out.append(Piece(f"tab:{name}", text, first, last))
        else:
            out.extend(inside)
    out.extend(flat[index:])
    return out


def contributors_text(doc: Document) -> str | None:
    blocks = list(doc.blocks_of("contributors"))
    return "\n\n".join(block.text.replace("\r\n", "\n").rstrip("\n") for block in blocks) + "\n" if blocks else None


# --- pairing -------------------------------------------------------------------------------


def score(english: Piece, vietnamese: Piece) -> float | None:
    """How well two blocks pair; None when they cannot (another kind, or unequal labels)."""
    if english.kind != vietnamese.kind:
        return None
    same = _squash(english.text) == _squash(vietnamese.text)
    if english.kind in _EXACT:
        return _SAME if same else None
    if english.kind in _SHARED:
        if same:
            return _SAME
        return 1.0 + 2.0 * difflib.SequenceMatcher(None, english.text, vietnamese.text, autojunk=False).ratio()
    a, b = english.anchors, vietnamese.anchors
    union = sum((a | b).values())
    agree = sum((a & b).values()) / union if union else 0.5
    ratio = (len(vietnamese.text) + 20) / (len(english.text) + 20)
    fit = max(0.0, 1.0 - abs(math.log(ratio / 1.1)) / math.log(3.0))
    return 2.0 + 4.0 * agree + 2.0 * fit


def pair(english: list[Piece], vietnamese: list[Piece]) -> list[tuple[int | None, int | None]]:
    """The best order-keeping pairing: (English index, Vietnamese index), None for no partner."""
    n, m = len(english), len(vietnamese)
    scores = [[score(e, v) for v in vietnamese] for e in english]
    best = [[0.0] * (m + 1) for _ in range(n + 1)]  # best[i][j]: the best total for english[i:], vietnamese[j:]
    for i in range(n - 1, -1, -1):
        row, below = best[i], best[i + 1]
        for j in range(m - 1, -1, -1):
            value = max(below[j], row[j + 1])
            both = scores[i][j]
            if both is not None:
                value = max(value, both + below[j + 1])
            row[j] = value
    steps: list[tuple[int | None, int | None]] = []
    i = j = 0
    while i < n or j < m:
        both = scores[i][j] if i < n and j < m else None
        if both is not None and math.isclose(best[i][j], both + best[i + 1][j + 1]):
            steps.append((i, j))
            i, j = i + 1, j + 1
        elif i < n and (j == m or math.isclose(best[i][j], best[i + 1][j])):
            steps.append((i, None))
            i += 1
        else:
            steps.append((None, j))
            j += 1
    return steps


# --- writing ---------------------------------------------------------------------------------


def align(vietnamese: Document, english: Document, origin: str = "machine") -> tuple[str, AlignReport]:
    """The bilingual page, and what was paired and what was not."""
    from translation_tools.scaffold import CONTRIBUTORS_SECTION, front_matter_text, placeholder_for, render_page

    marker = DRAFT_FROM_MARKER.format(origin=origin) if origin else DRAFT_MARKER
    en, vi = pieces(english), pieces(vietnamese)
    report = AlignReport()
    out: list[str] = []
    previous: tuple[int | None, int | None] = (None, None)
    for i, j in pair(en, vi):
        e = en[i] if i is not None else None
        v = vi[j] if j is not None else None
        if e is not None and v is not None:
            report.pairs.append((e, v))
            text = _paired(e, v, marker, report)
            glued = e.glued and _follows(previous[0], i)
        elif e is not None:
            report.english_only.append(e)
            if e.prose:
                body = escape_comment(e.text) if e.kind.startswith("tab:") else e.text
                slot = PARAGRAPH_PLACEHOLDER if e.kind.startswith("tab:") else placeholder_for(e.text)
                text = render_segment(body, slot)
            else:
                text = e.text
            glued = e.glued and _follows(previous[0], i)
        else:
            assert v is not None
            report.vietnamese_only.append(v)
            text = f"{UNPAIRED_NOTE}\n{v.text}" if v.prose else v.text
            glued = v.glued and _follows(previous[1], j)
        if glued and out:
            out[-1] += "\n" + text
        else:
            out.append(text)
        previous = (i, j)
    front = front_matter_text(vietnamese) or front_matter_text(english)
    credits = contributors_text(vietnamese) or CONTRIBUTORS_SECTION
    return render_page(front, out, credits), report


def _follows(before: int | None, index: int | None) -> bool:
    """The block written last is the one right before ``index`` on the same page."""
    return before is not None and index is not None and before == index - 1


def _paired(e: Piece, v: Piece, marker: str, report: AlignReport) -> str:
    if e.prose:
        report.segments += 1
        body = escape_comment(e.text) if e.kind.startswith("tab:") else e.text
        return render_segment(body, v.text, review_marker=marker)
    if _squash(e.text) == _squash(v.text):
        report.shared += 1
        return v.text
    if e.kind == "math":  # a translated formula (\text{…}): English in the comment, as a segment
        report.segments += 1
        return render_segment(escape_comment(e.text), v.text, review_marker=marker)
    report.code_differs.append((e, v))
    return f"<!--\n{escape_comment(e.text)}\n-->\n\n{v.text}"


_NAMES = {
    "heading": "heading",
    "paragraph": "paragraph",
    "list": "list",
    "table": "table",
    "figure": "figure",
    "code": "code block",
    "toc": "toc block",
    "math": "formula",
    "label": "label line",
    "comment": "comment",
    "tab": ":begin_tab: block",
}


def describe(piece: Piece) -> str:
    kind = piece.kind.split(":")[0].rstrip("0123456789")
    return _NAMES.get(kind, "block")


def messages(report: AlignReport, vietnamese_path: str, english_path: str) -> list[str]:
    """One ``file:line`` line per block without a partner and per code block that differs, in page order."""
    found = []
    for piece in report.english_only:
        what = "added as an untranslated segment" if piece.prose else "written as it is"
        found.append(
            (
                piece.start,
                f"{english_path}:{piece.start}: English {describe(piece)} has no Vietnamese counterpart: {what}",
            )
        )
    for piece in report.vietnamese_only:
        found.append(
            (
                piece.start,
                f"{vietnamese_path}:{piece.start}: Vietnamese {describe(piece)} has no English counterpart: "
                "kept as it is" + (", under an align note" if piece.prose else ""),
            )
        )
    for e, v in report.code_differs:
        found.append(
            (
                e.start,
                f"{english_path}:{e.start}: the {describe(e)} differs from {vietnamese_path}:{v.start}: "
                "the English is kept in a comment above the Vietnamese",
            )
        )
    return [message for _, message in found]


def _language_check(vietnamese: Document, english: Document) -> None:
    for doc in (vietnamese, english):
        if doc.segments():
            raise FormatError(
                doc.path,
                doc.segments()[0].start,
                "this page already has English comments (a bilingual page): align takes a Vietnamese-only "
                "page and its English source; to merge new English into a bilingual page use scaffold --update",
            )
    vi_text = "\n".join(piece.text for piece in pieces(vietnamese) if piece.prose)
    en_text = "\n".join(piece.text for piece in pieces(english) if piece.prose)
    if is_vietnamese(en_text) and not is_vietnamese(vi_text):
        raise FormatError(english.path, 1, "this page is the Vietnamese one: swap the arguments (VIETNAMESE.md first)")


def run(args) -> int:
    from translation_tools.write import check_output

    if "-->" in args.origin or "\n" in args.origin:
        raise FormatError(args.vietnamese, 1, f"--origin {args.origin!r}: give one word, such as machine")
    vietnamese = parse_file(args.vietnamese)
    english = parse_file(args.english)
    if args.output:
        check_output(args.output, args.force)
    _language_check(vietnamese, english)
    text, report = align(vietnamese, english, args.origin)
    target = args.output or "<stdout>"
    parse(text, path=target)  # never write what we could not read back
    for message in messages(report, args.vietnamese, args.english):
        print(message, file=sys.stderr)
    if args.output:
        write_file_atomic(args.output, text)
    else:
        sys.stdout.write(text)
    print(
        f"{target}: {len(report.pairs)} block(s) paired ({report.segments} draft segment(s), {report.shared} "
        f"written once, {len(report.code_differs)} code block(s) differing); unpaired: "
        f"{len(report.english_only)} English, {len(report.vietnamese_only)} Vietnamese",
        file=sys.stderr,
    )
    return 0
