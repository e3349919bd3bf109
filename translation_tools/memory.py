"""Translation memory: every translated segment of the book in one index, to suggest translations for a page.

The index is a small SQLite file (``.cache/translation-memory.sqlite3`` beside the book's docs
folder) kept up to date page by page: a run re-reads only the pages whose size or time changed,
so an editor can ask for one page's suggestions in a fraction of a second however big the book.

A memory entry is a translated segment that is not a draft (``<!-- draft -->`` text is what
the memory helps to review, not a source). Matches are exact (the same English, spaces aside)
or fuzzy: candidates share word trigrams with the query (each entry is indexed by the smallest
hashes of its trigrams, a bottom-k sketch, so the index stays small), then rapidfuzz's ratio
(0–100) ranks them.
"""

from __future__ import annotations

import heapq
import os
import re
import sqlite3
import sys
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from translation_tools.document import DRAFT, OUTDATED, TRANSLATED, UNTRANSLATED, Document, Segment
from translation_tools.parse import FormatError, parse_file
from translation_tools.syntax import clean

SCHEMA = "1"
SKETCH = 16  # hashed trigrams kept per entry
POSTINGS = 2000  # entries read per trigram (a trigram shared by more says little anyway)
CANDIDATES = 40  # best-sharing candidates compared in full
FUZZY_MIN = 60.0  # similarity below which a match is not shown
SHOWN = 3  # matches shown per segment
CACHE_NAME = os.path.join(".cache", "translation-memory.sqlite3")
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Match:
    similarity: float  # 0–100
    exact: bool
    page: str
    line: int
    english: str
    translation: str
    reviewed: bool

    def as_dict(self) -> dict:
        return {
            "similarity": round(self.similarity, 1),
            "exact": self.exact,
            "page": self.page,
            "line": self.line,
            "english": self.english,
            "translation": self.translation,
            "reviewed": self.reviewed,
        }


@dataclass(slots=True)
class Suggestion:
    """What the book offers for one untranslated, draft or outdated segment."""

    segment: Segment
    state: str  # "untranslated", "draft" or "outdated"
    matches: list[Match] = field(default_factory=list)
    terms: list[tuple[str, str]] = field(default_factory=list)  # (English term, Vietnamese rendering)

    def as_dict(self) -> dict:
        return {
            "line": self.segment.english_start,
            "slot": self.segment.slot_start,
            "state": self.state,
            "english": self.segment.english,
            "matches": [match.as_dict() for match in self.matches],
            "terms": [{"en": en, "vi": vi} for en, vi in self.terms],
        }


def normalise(english: str) -> str:
    """What "the same English" means: NFC, no zero-width characters, single spaces."""
    return " ".join(clean(english).split())


def sketch(norm: str) -> list[int]:
    """The ``SKETCH`` smallest hashes of the word trigrams (words, for a text of one or two)."""
    words = _WORD.findall(norm.casefold())
    if len(words) >= 3:
        grams = {f"{a} {b} {c}" for a, b, c in zip(words, words[1:], words[2:])}
    else:
        grams = set(words) or {norm.casefold()}
    return heapq.nsmallest(SKETCH, {zlib.crc32(gram.encode("utf-8")) for gram in grams})


def _exact_key(norm: str) -> int:
    return zlib.crc32(norm.encode("utf-8"))


def memory_segments(doc: Document) -> Iterator[Segment]:
    """The segments of a page the memory learns from: translated and not drafts."""
    for seg in doc.segments():
        if seg.state == TRANSLATED and seg.review != DRAFT and seg.translation.strip():
            yield seg


class Memory:
    """The index of a book's translated segments; ``cache`` None keeps it in memory only."""

    def __init__(self, docs: str, cache: str | None = None) -> None:
        self.docs = docs
        self.db = sqlite3.connect(cache or ":memory:", timeout=30, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL" if cache else "PRAGMA journal_mode=MEMORY")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._create()
        self.errors: list[FormatError] = []

    def _create(self) -> None:
        db = self.db
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        stored = dict(db.execute("SELECT key, value FROM meta").fetchall())
        docs = os.path.abspath(self.docs)
        if stored and (stored.get("schema") != SCHEMA or stored.get("docs") != docs):
            for table in ("meta", "pages", "entries", "grams"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.executescript(
            """
            CREATE TABLE IF NOT EXISTS pages (path TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER);
            CREATE TABLE IF NOT EXISTS entries (
                id INTEGER PRIMARY KEY, path TEXT, line INTEGER, exact INTEGER, norm TEXT,
                english TEXT, translation TEXT, reviewed INTEGER);
            CREATE INDEX IF NOT EXISTS entries_path ON entries (path);
            CREATE INDEX IF NOT EXISTS entries_exact ON entries (exact);
            CREATE TABLE IF NOT EXISTS grams (gram INTEGER, entry INTEGER, PRIMARY KEY (gram, entry)) WITHOUT ROWID;
            """
        )
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?), ('docs', ?)", (SCHEMA, docs))

    def refresh(self) -> int:
        """Re-read the pages that changed since the index last saw them; return how many."""
        on_disk = dict(_stat_pages(self.docs))
        known = {path: (mtime, size) for path, mtime, size in self.db.execute("SELECT * FROM pages")}
        changed = [path for path, stamp in on_disk.items() if known.get(path) != stamp]
        gone = [path for path in known if path not in on_disk]
        if not changed and not gone:
            return 0
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            for path in gone + changed:
                # Grams of removed entries stay behind (deleting them would need a second index);
                # they point at no entry and are skipped, and ``_compact`` drops them in bulk.
                db.execute("DELETE FROM entries WHERE path = ?", (path,))
                db.execute("DELETE FROM pages WHERE path = ?", (path,))
            for path in changed:
                self._add_page(path, on_disk[path])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self._compact()
        return len(changed) + len(gone)

    def _add_page(self, path: str, stamp: tuple[int, int]) -> None:
        try:
            doc = parse_file(os.path.join(self.docs, path), display=self.display(path))
        except FormatError as error:
            self.errors.append(error)  # a broken page teaches nothing; it is read again once fixed
            return
        self.db.execute("INSERT INTO pages VALUES (?, ?, ?)", (path, *stamp))
        for seg in memory_segments(doc):
            norm = normalise(seg.english)
            cursor = self.db.execute(
                "INSERT INTO entries (path, line, exact, norm, english, translation, reviewed) VALUES (?,?,?,?,?,?,?)",
                (
                    path,
                    seg.english_start,
                    _exact_key(norm),
                    norm,
                    seg.english,
                    seg.translation,
                    seg.review == "reviewed",
                ),
            )
            entry = cursor.lastrowid
            self.db.executemany("INSERT OR IGNORE INTO grams VALUES (?, ?)", [(gram, entry) for gram in sketch(norm)])

    def _compact(self) -> None:
        """Drop the grams of removed entries once they outnumber a quarter of the index."""
        (entries,) = self.db.execute("SELECT COUNT(*) FROM entries").fetchone()
        (grams,) = self.db.execute("SELECT COUNT(*) FROM grams").fetchone()
        if grams > 1.25 * SKETCH * max(entries, 1):
            self.db.execute("DELETE FROM grams WHERE entry NOT IN (SELECT id FROM entries)")

    def display(self, path: str) -> str:
        return os.path.join(self.docs, path).replace(os.sep, "/")

    def lookup(self, english: str, limit: int = SHOWN) -> list[Match]:
        """The closest entries to ``english``: exact ones first, then fuzzy ones above ``FUZZY_MIN``."""
        from rapidfuzz import fuzz

        norm = normalise(english)
        exact = self._rows("SELECT * FROM entries WHERE exact = ? AND norm = ?", (_exact_key(norm), norm))
        shared: Counter[int] = Counter()
        for gram in sketch(norm):
            shared.update(
                row[0] for row in self.db.execute("SELECT entry FROM grams WHERE gram = ? LIMIT ?", (gram, POSTINGS))
            )
        exact_ids = {row[0] for row in exact}
        best = [entry for entry, _ in shared.most_common(CANDIDATES + len(exact_ids)) if entry not in exact_ids]
        fuzzy = self._rows(f"SELECT * FROM entries WHERE id IN ({','.join('?' * len(best))})", best) if best else []
        query = norm.casefold()
        matches = [self._match(row, 100.0, True) for row in exact]
        for row in fuzzy:
            score = fuzz.ratio(query, row[4].casefold(), score_cutoff=FUZZY_MIN)
            if score:
                matches.append(self._match(row, min(score, 99.9), False))
        matches.sort(key=lambda m: (-m.similarity, not m.reviewed, m.page, m.line))
        return _distinct(matches)[:limit]

    def _rows(self, sql: str, params) -> list[tuple]:
        return self.db.execute(sql, params).fetchall()

    def _match(self, row: tuple, similarity: float, exact: bool) -> Match:
        _, path, line, _, _, english, translation, reviewed = row
        return Match(similarity, exact, self.display(path), line, english, translation, bool(reviewed))

    def close(self) -> None:
        self.db.close()


def _distinct(matches: list[Match]) -> list[Match]:
    """One match per distinct translation (the same sentence translated alike on ten pages is one offer)."""
    seen: set[str] = set()
    out = []
    for match in matches:
        if match.translation not in seen:
            seen.add(match.translation)
            out.append(match)
    return out


def _stat_pages(docs: str) -> Iterator[tuple[str, tuple[int, int]]]:
    for root, dirs, files in os.walk(docs):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if name.endswith(".md"):
                full = os.path.join(root, name)
                try:
                    info = os.stat(full)
                except OSError:
                    continue
                yield os.path.relpath(full, docs).replace(os.sep, "/"), (info.st_mtime_ns, info.st_size)


def state_of(seg: Segment) -> str | None:
    """``untranslated``, ``draft`` or ``outdated`` for a segment the memory can help with, else None."""
    if seg.state == UNTRANSLATED:
        return "untranslated"
    if seg.state == OUTDATED:
        return "outdated"
    if seg.review == DRAFT:
        return "draft"
    return None


def suggest(doc: Document, memory: Memory, glossary=None) -> list[Suggestion]:
    """A suggestion for each untranslated, draft or outdated segment of ``doc``."""
    suggestions = []
    for seg in doc.segments():
        state = state_of(seg)
        if state is None:
            continue
        terms: list[tuple[str, str]] = []
        if glossary is not None:
            from translation_tools.mdtext import inline_parts

            terms = [(term.en, term.vi) for term in glossary.terms_in(inline_parts(seg.english).prose)]
        suggestions.append(Suggestion(seg, state, memory.lookup(seg.english), terms))
    return suggestions


def fill_exact(doc: Document, suggestions: list[Suggestion]) -> tuple[str, list[tuple[Suggestion, Match]]]:
    """The page with each untranslated slot that has an exact match filled, as a ``draft: memory``."""
    from translation_tools.slots import SlotEdit, edit_page, review_marker

    chosen = []
    for suggestion in suggestions:
        exact = [match for match in suggestion.matches if match.exact]
        if suggestion.state == "untranslated" and exact:
            chosen.append((suggestion, exact[0]))  # reviewed first, then page order (see ``lookup``)
    edits = [SlotEdit(s.segment, m.translation, review_marker(DRAFT, "memory")) for s, m in chosen]
    text, refused = edit_page(doc, edits)
    refused_ids = {id(edit.segment) for edit in refused}
    return text, [(s, m) for s, m in chosen if id(s.segment) not in refused_ids]


def cache_path(docs: str) -> str:
    """``.cache/translation-memory.sqlite3`` in the folder above the docs folder (the book's root)."""
    return os.path.join(os.path.dirname(os.path.abspath(docs)), CACHE_NAME)


def open_memory(docs: str, use_cache: bool = True, cache: str | None = None) -> Memory:
    """The book's memory, brought up to date; without a writable cache folder, built in memory."""
    path = cache or (cache_path(docs) if use_cache else None)
    if path:
        try:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            memory = Memory(docs, path)
        except (OSError, sqlite3.Error) as error:
            print(f"{path}: cannot keep the memory's index here ({error}): building it in memory", file=sys.stderr)
            memory = Memory(docs, None)
    else:
        memory = Memory(docs, None)
    memory.refresh()
    return memory


# --- command -------------------------------------------------------------------------------------


def run(args) -> int:
    import json

    from translation_tools.pages import book_docs_dir, book_file

    doc = parse_file(args.page)
    docs = args.book or book_docs_dir(args.page)
    if not docs:
        raise FormatError(
            args.page, 1, "no mkdocs.yml above this page: pass --book DIR (the folder of the book's pages)"
        )
    if not os.path.isdir(docs):
        raise FormatError(docs, 1, "no such folder: pass --book DIR (the folder of the book's pages)")
    memory = open_memory(docs, use_cache=not args.no_cache, cache=args.cache)
    glossary = None
    glossary_path = args.glossary or book_file([args.page], "glossary.yml", "glossary.md")
    if glossary_path:
        from translation_tools.glossary import load_glossary

        glossary = load_glossary(glossary_path)
    suggestions = suggest(doc, memory, glossary)
    filled: list[tuple[Suggestion, Match]] = []
    if args.write:
        from translation_tools.write import write_file_atomic

        text, filled = fill_exact(doc, suggestions)
        if filled:
            write_file_atomic(args.page, text)
    memory.close()
    for error in memory.errors:
        print(f"{error} (left out of the memory)", file=sys.stderr)
    if args.json:
        data = {
            "page": doc.path,
            "book": docs,
            "segments": [s.as_dict() for s in suggestions],
            "filled": [{"line": s.segment.english_start, "from": f"{m.page}:{m.line}"} for s, m in filled],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render_text(doc.path, suggestions))
    for suggestion, match in filled:
        print(
            f"{doc.path}:{suggestion.segment.slot_start}: filled from {match.page}:{match.line} (exact), "
            "marked <!-- draft: memory -->",
            file=sys.stderr,
        )
    return 0


def render_text(page: str, suggestions: list[Suggestion]) -> str:
    out = []
    for suggestion in suggestions:
        first = suggestion.segment.english.split("\n", 1)[0]
        out.append(f"{page}:{suggestion.segment.english_start}: {suggestion.state}: {_short(first, 70)}")
        for match in suggestion.matches:
            kind = "exact" if match.exact else "fuzzy"
            out.append(f"  {match.similarity:5.1f}% {kind}  {match.page}:{match.line}  {_short(match.translation, 70)}")
        if suggestion.terms:
            out.append("  glossary: " + "; ".join(f"{en} → {vi}" for en, vi in suggestion.terms))
    if not suggestions:
        out.append(f"{page}: nothing to suggest (no untranslated, draft or outdated segment)")
    return "\n".join(out) + "\n"


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
