"""The glossary (``docs/glossary.yml``, or a d2l-vn style Markdown table) and matching its terms in prose."""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from translation_tools.parse import FormatError
from translation_tools.syntax import FENCE

_SEPARATOR = r"[\s\-‐‑–—]+"  # spaces, hyphens and dashes all join the words of a term
_SEPARATOR_RUN = re.compile(_SEPARATOR)
_NON_WORD = re.compile(r"\W")
# Invisible characters that split a word for the matcher but not for the reader:
# zero-width space, non-joiner, joiner, word joiner, byte-order mark, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


@dataclass(slots=True)
class Term:
    en: str
    vi: str
    forbidden: list[str] = field(default_factory=list)
    note: str = ""
    also: list[str] = field(default_factory=list)
    line: int = 0


@dataclass
class Glossary:
    """The terms, and the three matchers built from them on first use (do not edit ``entries`` after)."""

    entries: list[Term]
    path: str = ""

    @cached_property
    def _english(self) -> PhraseIndex:
        return PhraseIndex(((term.en, index) for index, term in enumerate(self.entries)), plural=True)

    @cached_property
    def _renderings(self) -> PhraseIndex:
        return PhraseIndex(
            (rendering, index) for index, term in enumerate(self.entries) for rendering in (term.vi, *term.also)
        )

    @cached_property
    def _forbidden(self) -> tuple[PhraseIndex, list[tuple[str, Term]]]:
        variants = [(variant, term) for term in self.entries for variant in term.forbidden]
        return PhraseIndex((variant, number) for number, (variant, _) in enumerate(variants)), variants

    def terms_in(self, english_prose: str) -> list[Term]:
        """Terms whose English occurs in ``english_prose`` (longest terms win overlaps)."""
        return [self.entries[index] for index in self._term_indices(english_prose)]

    def forbidden_in(self, vietnamese: str) -> list[tuple[str, Term]]:
        """(variant, term) for each forbidden rendering that occurs, in the glossary's order."""
        index, variants = self._forbidden
        return [variants[number] for number in sorted({owner for _, _, owner in index.find(vietnamese)})]

    def missing_renderings(self, english_prose: str, vietnamese: str) -> list[Term]:
        """Terms the English uses whose Vietnamese (``vi`` or one of ``also``) the translation lacks."""
        used = self._term_indices(english_prose)
        if not used:
            return []
        rendered = {owner for _, _, owner in self._renderings.find(vietnamese)}
        return [self.entries[index] for index in used if index not in rendered]

    def _term_indices(self, english_prose: str) -> list[int]:
        # Every (term, place) candidate, longest term first; a candidate overlapping one taken is dropped.
        candidates = sorted(
            (-len(self.entries[owner].en), owner, start, end) for start, end, owner in self._english.find(english_prose)
        )
        starts: list[int] = []  # the taken spans, disjoint and sorted
        ends: list[int] = []
        found: set[int] = set()
        for _, owner, start, end in candidates:
            place = bisect_left(starts, end)
            if place and ends[place - 1] > start:
                continue
            starts.insert(place, start)
            ends.insert(place, end)
            found.add(owner)
        return sorted(found, key=lambda owner: (-len(self.entries[owner].en), owner))


class PhraseIndex:
    """Many phrases found in one regex pass: whole words, any case, any run of spaces, hyphens or
    dashes between words, and with ``plural`` an optional ``s``/``es`` on the last word.

    The phrases are compiled as a trie, so each word start in the text costs one descent rather
    than one attempt per phrase; phrases nested at the start of a longer match are found too.
    """

    def __init__(self, phrases: Iterable[tuple[str, int]], plural: bool = False) -> None:
        self._owners: dict[str, list[int]] = {}
        for phrase, owner in phrases:
            key = phrase_key(phrase)
            if key:
                self._owners.setdefault(key, []).append(owner)
        self._plural = plural
        suffix = "(?:e?s)?" if plural else ""
        # A lookahead, so that a match does not hide one starting inside it.
        self._pattern = re.compile(rf"(?<!\w)(?=({_trie_regex(self._owners)}{suffix})(?!\w))") if self._owners else None

    def find(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, owner) of every occurrence; offsets are in ``text`` as the matcher sees it."""
        if self._pattern is None:
            return
        for match in self._pattern.finditer(_matchable(text)):
            start, matched = match.start(), match.group(1)
            # The longest phrase from here, and any shorter one it begins with ("hidden state" in
            # "hidden state space"): each ends before a non-word character or at the match's end.
            for cut in [*(gap.start() for gap in _NON_WORD.finditer(matched)), len(matched)]:
                for key in self._keys_for(matched[:cut]):
                    for owner in self._owners[key]:
                        yield start, start + cut, owner

    def _keys_for(self, text: str) -> Iterator[str]:
        if text in self._owners:
            yield text
        if self._plural:
            for suffix in ("s", "es"):
                if text.endswith(suffix) and text[: -len(suffix)] in self._owners:
                    yield text[: -len(suffix)]


def phrase_key(phrase: str) -> str:
    """How the matcher sees a phrase: normalised, lower case, one space between words."""
    return _matchable(phrase).strip()


def _matchable(text: str) -> str:
    # Each run of separators becomes one space: the patterns stay small, and word boundaries stay put.
    return _SEPARATOR_RUN.sub(" ", normalise(text).lower())


def _trie_regex(keys: Iterable[str]) -> str:
    """A regex matching exactly ``keys``, the longest first."""
    end = ""  # marks a node where a key ends
    root: dict = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[end] = {}

    def regex(node: dict) -> str:
        branches = [re.escape(char) + regex(child) for char, child in sorted(node.items()) if char != end]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end in node else body  # greedy: the longer key first

    return regex(root)


def normalise(text: str) -> str:
    """NFC, without zero-width characters and soft hyphens (which hide a word from a search)."""
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE))


def load_glossary(path: str) -> Glossary:
    """Read a glossary: a Markdown table (``.md``) or YAML; malformed entries raise ``FormatError`` with their line."""
    try:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    except FileNotFoundError:
        raise FormatError(path, 1, "no such glossary file: check the path") from None
    except UnicodeDecodeError:
        raise FormatError(path, 1, "not valid UTF-8: re-save the glossary as UTF-8") from None
    if path.lower().endswith((".md", ".markdown")):
        return Glossary(_table_terms(path, source), path)
    return Glossary(_yaml_terms(path, source), path)


def _yaml_terms(path: str, source: str) -> list[Term]:
    import yaml

    try:
        root = yaml.compose(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FormatError(
            path, mark.line + 1 if mark else 1, f"invalid YAML ({getattr(error, 'problem', error)})"
        ) from None
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        raise FormatError(path, root.start_mark.line + 1, "the glossary must be a list of '- en: … vi: …' entries")
    entries = []
    for node in root.value:
        line = node.start_mark.line + 1
        data = yaml.safe_load(yaml.serialize(node))
        if not isinstance(data, dict) or not isinstance(data.get("en"), str) or not isinstance(data.get("vi"), str):
            raise FormatError(path, line, "each glossary entry needs 'en' and 'vi' strings")
        unknown = set(data) - {"en", "vi", "forbidden", "note", "also"}
        if unknown:
            raise FormatError(
                path, line, f"unknown key(s) {', '.join(sorted(unknown))}: use en, vi, also, forbidden, note"
            )
        lists = {key: data.get(key) or [] for key in ("forbidden", "also")}
        for key, value in lists.items():
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise FormatError(path, line, f"'{key}' must be a list of strings")
        entries.append(
            Term(
                normalise(data["en"]),
                normalise(data["vi"]),
                [normalise(v) for v in lists["forbidden"]],
                str(data.get("note") or ""),
                [normalise(v) for v in lists["also"]],
                line,
            )
        )
    return entries


# --- Markdown tables (d2l-vn's glossary.md: "## A" headings, each over a table) -------------------

_DELIMITER_ROW = re.compile(r"\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*")
_CELL_BORDER = re.compile(r"(?<!\\)\|")
_LINK = re.compile(r"!?\[([^\]]*)\]\(\s*<?([^)>\s]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_EMPHASIS = re.compile(r"(\*{1,3}|(?<!\w)_{1,3})(?=\S)(.+?)(?<=\S)\1")
_HTML_TAG = re.compile(r"<[^>]+>")
_RENDERING_BREAK = re.compile(r"[,/](?![^()]*\))")
_COLUMNS = {
    "en": ("english", "tiếng anh"),
    "vi": ("tiếng việt", "vietnamese"),
    "forbidden": ("không dùng", "forbidden"),
}


def _table_terms(path: str, source: str) -> list[Term]:
    entries: list[Term] = []
    tables = 0
    for header_line, header, rows in _tables(source.removeprefix("\ufeff").split("\n")):
        tables += 1
        labels = [_plain(cell).lower() for cell in header]
        column = {
            name: next((i for i, label in enumerate(labels) if any(word in label for word in words)), None)
            for name, words in _COLUMNS.items()
        }
        for name, shown in (("en", "English"), ("vi", "Tiếng Việt")):
            if column[name] is None:
                raise FormatError(
                    path,
                    header_line,
                    f"glossary table without a '{shown}' column: the header row must be '| English | Tiếng Việt | … |'",
                )
        for line, cells in rows:
            entry = _table_term(cells, column, line)
            if entry is None:
                continue
            if not entry.en:
                raise FormatError(
                    path, line, f"'{entry.vi}' has no English term: fill in the English cell or delete the row"
                )
            entries.append(entry)
    if not tables:
        raise FormatError(
            path,
            1,
            "no glossary table: write a '| English | Tiếng Việt |' header row, a '|---|---|' row, then one row per term",
        )
    return entries


def _table_term(cells: list[str], column: dict[str, int | None], line: int) -> Term | None:
    """The row's term, or None when its Vietnamese cell is empty."""

    def cell(name: str) -> str:
        index = column[name]
        return cells[index] if index is not None and index < len(cells) else ""

    renderings = _renderings(cell("vi"))
    if not renderings:
        return None
    known = {index for index in column.values() if index is not None}
    note = " ".join(text for index, raw in enumerate(cells) if index not in known and (text := _plain(raw, urls=True)))
    return Term(_plain(cell("en")), renderings[0], _renderings(cell("forbidden")), note, renderings[1:], line)


def _tables(lines: list[str]) -> Iterator[tuple[int, list[str], list[tuple[int, list[str]]]]]:
    """(header line, header cells, [(line, cells)]) of each pipe table outside code fences."""
    fence = ""
    index = 0
    while index < len(lines):
        text = lines[index].rstrip("\r")
        opening = FENCE.match(text)
        if opening and (not fence or opening.group(1)[0] == fence):
            fence = "" if fence else opening.group(1)[0]
        follower = lines[index + 1].rstrip("\r") if index + 1 < len(lines) else ""
        if fence or "|" not in text or "|" not in follower or not _DELIMITER_ROW.fullmatch(follower):
            index += 1
            continue
        header_line = index + 1
        rows = []
        index += 2
        while index < len(lines) and "|" in lines[index] and lines[index].strip():
            rows.append((index + 1, _cells(lines[index].rstrip("\r"))))
            index += 1
        yield header_line, _cells(text), rows


def _cells(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    return [cell.strip().replace("\\|", "|") for cell in _CELL_BORDER.split(row)]


def _plain(cell: str, urls: bool = False) -> str:
    """A cell's text without Markdown: links become their text (with ``urls``, their address too)."""

    def link(match: re.Match[str]) -> str:
        text, url = match.group(1).strip(), match.group(2)
        return text if not urls or not url or url == text else f"{text} ({url})" if text else url

    text = _LINK.sub(link, cell)
    text = _HTML_TAG.sub(" ", text).replace("`", "")
    previous = None
    while previous != text:  # **bold *inside* bold**
        previous, text = text, _EMPHASIS.sub(r"\2", text)
    return normalise(" ".join(text.split()))


def _renderings(cell: str) -> list[str]:
    """A cell's renderings: separated by ',' or '/', except inside parentheses ("nhập (mô-đun, gói)")."""
    return [part.strip() for part in _RENDERING_BREAK.split(_plain(cell)) if part.strip()]


def run(args) -> int:
    glossary = load_glossary(args.file)
    if args.json:
        import json

        rows = [
            {"en": t.en, "vi": t.vi, "also": t.also, "forbidden": t.forbidden, "note": t.note} for t in glossary.entries
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1) + "\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Bảng thuật ngữ / Glossary")
    for name in ("English", "Tiếng Việt", "Không dùng / Forbidden", "Ghi chú / Note"):
        table.add_column(name)
    for term in sorted(glossary.entries, key=lambda t: t.en.lower()):
        table.add_row(term.en, term.vi, ", ".join(term.forbidden), term.note)
    Console(highlight=False).print(table)
    return 0
