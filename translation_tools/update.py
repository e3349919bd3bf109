"""``scaffold --update``: merge a new English version into a bilingual page, in place.

The page is edited, never rebuilt: every block that is not English source (translations,
translators' notes, markers, credits, a "Thảo luận" section, blank lines) stays where it is,
byte for byte. Only English comments and the shared blocks (code, math, labels, toc) change.

How the English is matched: the page's English (its comments and shared blocks) and the new
English are both cut into normalised pieces (sentences and list items, whitespace and list
numbers ignored), diffed, and linked: a page unit and a new block are linked when they share a
piece, or when they sit in the same changed run and are similar enough. Each group of linked
units and blocks is unchanged (kept as it is), changed (the English is rewritten, the
translation kept under an outdated marker) or gone (the translation is kept in a ``removed``
comment in place). New blocks become new segments with a placeholder.

Invariant (tested on generated pages and on real d2l-vn pages): every Vietnamese line of the
page before is in the page after, in place, under an outdated marker, or inside a removed
block; the same English gives back the same bytes.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from translation_tools.document import UNTRANSLATED, Block, Document, Segment
from translation_tools.syntax import VIETNAMESE_LETTERS, clean, is_vietnamese
from translation_tools.write import (
    line_ending,
    render_removed,
    render_segment,
    rewrite_english,
    with_line_ending,
)

SIMILAR_ENOUGH = 0.5  # difflib ratio above which a changed paragraph keeps its (outdated) translation
_PIECE_BREAK = re.compile(r"(?<=[.!?:;])\s+|\s+(?=(?:[*+-]|1[.)])\s)")
_LIST_NUMBER = re.compile(r"(?m)^(\s*)\d+([.)])(?=\s)")
_SHARED = frozenset({"code", "math", "label", "definition", "html", "rule"})
# Blocks the book owns even when they look like English: its toc (it names this book's pages),
# text outside comments and comments that are not English source.
_PASSIVE = frozenset({"other", "comment", "toc"})


@dataclass(slots=True)
class UpdateReport:
    kept: int = 0
    outdated: int = 0
    new: int = 0
    moved: int = 0
    removed: list[Segment] = field(default_factory=list)


@dataclass(slots=True)
class _Unit:
    """A page block that carries English: a segment, a shared block, or passive text."""

    block: int  # index in doc.blocks
    kind: str  # "segment", "shared" or "passive"
    text: str
    pieces: list[str]


@dataclass(slots=True)
class _NewItem:
    kind: str  # "prose" or "raw"
    text: str
    pieces: list[str]


def pieces(text: str) -> list[str]:
    """Sentences and list items, whitespace-normalised: what matching compares."""
    text = _LIST_NUMBER.sub(r"\g<1>1\2", clean(text))
    return [piece for piece in _PIECE_BREAK.split(" ".join(text.split())) if piece]


def _units(doc: Document) -> list[_Unit]:
    units = []
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Segment):
            english = block.english
            # A commented formula is matched whole, as the new English's formula block is.
            cut = [" ".join(english.split())] if english.startswith("$$") else pieces(english)
            units.append(_Unit(index, "segment", english, cut))
        elif block.kind in _SHARED:
            text = block.text.strip()
            # A formula or code block the translators translated in place (\text{và}) is theirs.
            kind = "passive" if not VIETNAMESE_LETTERS.isdisjoint(clean(text)) else "shared"
            units.append(_Unit(index, kind, text, [" ".join(text.split())]))
        elif block.kind in _PASSIVE and not is_vietnamese(block.text):
            units.append(_Unit(index, "passive", block.text, pieces(_comment_text(block))))
    return units


def _comment_text(block: Block) -> str:
    text = block.text.strip()
    if block.kind == "comment" and text.startswith("<!--") and text.endswith("-->"):
        return text[4:-3]
    return text


def _new_items(english: Document) -> list[_NewItem]:
    from translation_tools.scaffold import english_items

    items = []
    for item in english_items(english):
        if item.kind == "prose":
            items.append(_NewItem("prose", item.text, pieces(item.text)))
        else:
            items.append(_NewItem("raw", item.text, [" ".join(item.text.split())]))
        for label in item.labels:
            items.append(_NewItem("raw", label, [" ".join(label.split())]))
    return items


class _Groups:
    """Union-find over page units (``u3``) and new items (``i5``)."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def link(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _compatible(unit: _Unit, item: _NewItem) -> bool:
    if unit.kind == "passive":
        return True
    if unit.kind == "segment" and item.kind == "raw":  # a formula translated after its commented English
        return unit.text.startswith("$$") and item.text.startswith("$$")
    return (unit.kind == "segment") == (item.kind == "prose")


def _link(units: list[_Unit], items: list[_NewItem]) -> tuple[_Groups, set[int], set[int]]:
    """Groups of linked units and items; also the units and items matched piece for piece."""
    old = [(piece, u) for u, unit in enumerate(units) for piece in unit.pieces]
    new = [(piece, i) for i, item in enumerate(items) for piece in item.pieces]
    groups = _Groups()
    unequal_units: set[int] = set()
    unequal_items: set[int] = set()
    matcher = difflib.SequenceMatcher(None, [p for p, _ in old], [p for p, _ in new], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for (_, u), (_, i) in zip(old[a1:a2], new[b1:b2], strict=True):
                if _compatible(units[u], items[i]):
                    groups.link(f"u{u}", f"i{i}")
                else:
                    unequal_units.add(u)
                    unequal_items.add(i)
            continue
        run_units = sorted({u for _, u in old[a1:a2]})
        run_items = sorted({i for _, i in new[b1:b2]})
        unequal_units.update(run_units)
        unequal_items.update(run_items)
        if op == "insert" and 0 < a1 < len(old) and old[a1 - 1][1] == old[a1][1]:
            inside = old[a1][1]  # new words in the middle of one unit: that unit changed
            unequal_units.add(inside)
            for i in run_items:
                if _compatible(units[inside], items[i]):
                    groups.link(f"u{inside}", f"i{i}")
            continue
        for i, u in _monotone_links(units, items, run_units, run_items):
            groups.link(f"u{u}", f"i{i}")
    return groups, unequal_units, unequal_items


def _monotone_links(
    units: list[_Unit], items: list[_NewItem], run_units: list[int], run_items: list[int]
) -> list[tuple[int, int]]:
    """Similar enough (item, unit) pairs of a changed run, most similar in all, never crossing:
    a later item never links to an earlier unit, so the page keeps the new English's order."""
    score = [
        [
            _similarity(units[u].text, items[i].text)
            if _compatible(units[u], items[i]) and not (units[u].kind == "passive" and items[i].kind != "raw")
            else 0.0
            for u in run_units
        ]
        for i in run_items
    ]
    score = [[s if s > SIMILAR_ENOUGH else 0.0 for s in row] for row in score]
    width = len(run_units)
    # best[j][k]: the best total for the first j items when the last link is to unit k or before.
    best = [[0.0] * (width + 1) for _ in range(len(run_items) + 1)]
    choice: list[list[int | None]] = [[None] * (width + 1) for _ in range(len(run_items) + 1)]
    for j in range(1, len(run_items) + 1):
        for k in range(width + 1):
            best[j][k], choice[j][k] = best[j - 1][k], None  # item j-1 stays unlinked
            if k and score[j - 1][k - 1] and best[j - 1][k] + score[j - 1][k - 1] > best[j][k]:
                best[j][k], choice[j][k] = best[j - 1][k] + score[j - 1][k - 1], k - 1
            if k and best[j][k - 1] > best[j][k]:
                best[j][k], choice[j][k] = best[j][k - 1], -1  # the last link lies further left
    links = []
    j, k = len(run_items), width
    while j and k >= 0:
        picked = choice[j][k]
        if picked == -1:
            k -= 1
        elif picked is None:
            j -= 1
        else:
            links.append((run_items[j - 1], run_units[picked]))
            j -= 1
    return links


def _similarity(a: str, b: str) -> float:
    a, b = " ".join(clean(a).split()), " ".join(clean(b).split())
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() > SIMILAR_ENOUGH else 0.0


def update(existing: Document, english: Document, revision: str | None = None) -> tuple[str, UpdateReport]:
    """The page with ``english`` merged in, and what happened to its segments."""
    from translation_tools.scaffold import with_source_revision

    units = _units(existing)
    items = _new_items(english)
    groups, unequal_units, unequal_items = _link(units, items)
    eol = line_ending(existing)
    report = UpdateReport()

    members: dict[str, tuple[list[int], list[int]]] = {}
    for u in range(len(units)):
        root = groups.find(f"u{u}")
        members.setdefault(root, ([], []))[0].append(u)
    for i in range(len(items)):
        root = groups.find(f"i{i}")
        members.setdefault(root, ([], []))[1].append(i)

    # A unit whose English is gone but equals a new item elsewhere was moved, not removed.
    lonely_units = {u for u in range(len(units)) if not members[groups.find(f"u{u}")][1]}
    moved: dict[int, int] = {}  # item -> unit
    by_text: dict[str, list[int]] = {}
    for u in sorted(lonely_units):
        if units[u].kind == "segment":
            by_text.setdefault(" ".join(units[u].pieces), []).append(u)
    for i in range(len(items)):
        if not members[groups.find(f"i{i}")][0] and items[i].kind == "prose":
            candidates = by_text.get(" ".join(items[i].pieces))
            if candidates:
                moved[i] = candidates.pop(0)
    moved_units = set(moved.values())

    unit_of_block = {unit.block: u for u, unit in enumerate(units)}
    last_unit_block = max(unit_of_block, default=-1)
    out: list[str] = []
    absorbed: set[int] = set()  # new items written inside a rewritten group
    done_groups: set[str] = set()
    next_item = 0

    def new_texts(limit: int) -> list[str]:
        """New items before item ``limit`` not yet written, each ending with one line ending."""
        nonlocal next_item
        texts = []
        while next_item < limit:
            i = next_item
            next_item += 1
            if members[groups.find(f"i{i}")][0] or i in absorbed:
                continue  # present in the page: written with its group
            if i in moved:
                report.moved += 1
                texts.append(_ended(existing.blocks[units[moved[i]].block].text, eol))
                continue
            texts.append(_item_text(items[i], eol, report))
        return texts

    for index, block in enumerate(existing.blocks):
        found = unit_of_block.get(index)
        if block.kind == "front_matter" and revision:
            out.append(with_line_ending(with_source_revision(block.text.replace("\r\n", "\n"), revision), eol))
            continue
        if found is None:
            out.append(block.text)
            continue
        u = found
        unit = units[u]
        root = groups.find(f"u{u}")
        group_units, group_items = members[root]
        if u in moved_units:
            pass  # written where the new English has it
        elif not group_items:
            if unit.kind == "passive":
                out.append(block.text)
            elif isinstance(block, Segment) and block.state != UNTRANSLATED:
                report.removed.append(block)
                out.append(render_removed(block, eol))
            elif isinstance(block, Segment) and _has_vietnamese_notes(block):
                out.append(render_removed(block, eol))
        else:
            out.extend(text + eol for text in new_texts(min(group_items)))
            changed = any(x in unequal_units for x in group_units) or any(i in unequal_items for i in group_items)
            # The same words cut into other paragraphs or list items: rewritten, not outdated.
            recut = not changed and _paragraphs(units[x].text for x in group_units) != _paragraphs(
                items[i].text for i in group_items
            )
            if any(units[x].kind == "passive" for x in group_units) or not (changed or recut):
                out.append(block.text)
                if isinstance(block, Segment):
                    report.kept += 1
            elif root not in done_groups:
                done_groups.add(root)
                span = range(min(group_items), max(group_items) + 1)
                inside = [
                    i for i in span if i in group_items or (not members[groups.find(f"i{i}")][0] and i not in moved)
                ]
                absorbed.update(inside)
                new = [items[i] for i in inside]
                out.append(_rewrite_group(existing, units, group_units, new, eol, report, outdated=changed))
        if index == last_unit_block:
            tail = new_texts(len(items))
            if tail:
                if out and not out[-1].endswith(("\n", "\r")):
                    out.append(eol)
                out.extend(eol + text for text in tail)
    if last_unit_block < 0:
        out.extend(eol + text for text in new_texts(len(items)))
    if revision and not any(block.kind == "front_matter" for block in existing.blocks):
        out.insert(0, with_line_ending(with_source_revision("", revision), eol))
    return "".join(out), report


def _ended(text: str, eol: str) -> str:
    return text if text.endswith(("\n", "\r")) else text + eol


def _has_vietnamese_notes(seg: Segment) -> bool:
    """A translator's note sits between the English and the slot (the slot itself may be a placeholder)."""
    lines = seg.text.split("\n")[seg.english_lines[1] + 1 : seg.slot_start - seg.start]
    return any(is_vietnamese(line) for line in lines)


def _paragraphs(texts) -> list[str]:
    """The paragraphs of some Markdown, whitespace and list numbers normalised."""
    found = []
    for text in texts:
        for paragraph in re.split(r"\n[ \t]*\n", clean(text).strip()):
            found.append(" ".join(_LIST_NUMBER.sub(r"\g<1>1\2", paragraph).split()))
    return found


def _rewrite_group(
    doc: Document,
    units: list[_Unit],
    group_units: list[int],
    new: list[_NewItem],
    eol: str,
    report: UpdateReport,
    outdated: bool = True,
) -> str:
    """A changed group: its new English in the first segment, every translation of the group kept
    (under an outdated marker when the words changed, not when they were only cut differently)."""
    # The prose up to the first shared block is the group's English; what follows keeps its place.
    cut = next((index for index, item in enumerate(new) if item.kind == "raw"), len(new))
    prose = [item.text for item in new[:cut]]
    after = new[cut:]
    segments = [b for u in group_units if isinstance(b := doc.blocks[units[u].block], Segment)]
    if segments and not prose and after and after[0].text.startswith("$$") and segments[0].english.startswith("$$"):
        prose, after = [after[0].text], after[1:]  # a translated formula: the new formula is its English
    if not segments or not prose:
        kept = []
        for seg in segments:  # no prose left to hang a translation on: it is kept, as a removed one
            if isinstance(seg, Segment) and seg.state != UNTRANSLATED:
                report.removed.append(seg)
                kept.append(render_removed(seg, eol) + ("" if seg.text.endswith(("\n", "\r")) else eol) + eol)
        return "".join(kept) + "".join(_item_text(item, eol, report) + eol for item in new).rstrip("\r\n") + eol
    first = segments[0]
    assert isinstance(first, Segment)
    translated = any(isinstance(s, Segment) and s.state != UNTRANSLATED for s in segments)
    text = rewrite_english(first, "\n\n".join(prose), eol, outdated=translated and outdated)
    for seg in segments[1:]:
        assert isinstance(seg, Segment)
        if seg.state != UNTRANSLATED or _has_vietnamese_notes(seg):
            rest = seg.text.split("\n")[seg.english_lines[1] + 1 :]
            text = _ended(text, eol) + eol + "\n".join(rest).strip("\r\n") + eol
    if translated and outdated:
        report.outdated += 1
    elif translated:
        report.kept += 1
    else:
        report.new += 1
    for item in after:
        text = _ended(text, eol) + eol + _item_text(item, eol, report)
    return text


def _item_text(item: _NewItem, eol: str, report: UpdateReport) -> str:
    """A new item as page text: a segment with its placeholder, or the shared block as it is."""
    from translation_tools.scaffold import placeholder_for

    if item.kind == "prose":
        report.new += 1
        return with_line_ending(render_segment(item.text, placeholder_for(item.text)), eol) + eol
    return with_line_ending(item.text, eol) + eol
