"""BibTeX entries for ``:cite:`` and ``:citet:`` (parsed with pybtex) and the references list of a page."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import os
import re
from dataclasses import asdict, dataclass

from translation_tools.write import write_file_atomic

AND = {"vi": "và", "en": "and"}
ET_AL = {"vi": "và cộng sự", "en": "et al."}


@dataclass(slots=True)
class Entry:
    key: str
    last_names: list[str]
    year: str
    title: str
    venue: str

    def authors(self, edition: str) -> str:
        """ "Hochreiter và Schmidhuber" / "Cho et al."."""
        names = self.last_names or ["?"]
        if len(names) == 1:
            return names[0]
        if len(names) == 2:
            return f"{names[0]} {AND[edition]} {names[1]}"
        return f"{names[0]} {ET_AL[edition]}"

    def short(self, edition: str) -> str:
        """ "Hochreiter và Schmidhuber, 1997" / "Cho et al., 2014" (inside a parenthetical :cite:)."""
        who = self.authors(edition)
        return f"{who}, {self.year}" if self.year else who

    def textual(self, edition: str) -> str:
        """ "Hochreiter và Schmidhuber (1997)" / "Cho et al. (2014)": a :citet: used as a subject."""
        who = self.authors(edition)
        return f"{who} ({self.year})" if self.year else who

    def full_html(self, edition: str) -> str:
        parts = [html.escape(", ".join(self.last_names) or "?")]
        if self.year:
            parts[0] += f" ({html.escape(self.year)})"
        parts.append(f"<em>{html.escape(self.title)}</em>" if self.title else "")
        if self.venue:
            parts.append(html.escape(self.venue))
        return ". ".join(part for part in parts if part) + "."


def anchor(key: str) -> str:
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def _latex_to_text(value: str) -> str:
    try:
        from pybtex.richtext import Text

        return str(Text.from_latex(value))
    except Exception:  # malformed LaTeX in a field: show it without braces
        return value.replace("{", "").replace("}", "")


def load(path: str, cache_dir: str | None = None) -> dict[str, Entry]:
    """Entries of a .bib file by key; {} when the file does not exist.

    Cached in memory by mtime and, with ``cache_dir``, on disk by content (pybtex
    takes most of a second to import and parse).
    """
    if not os.path.exists(path):
        return {}
    return _load(path, os.path.getmtime(path), cache_dir)


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float, cache_dir: str | None) -> dict[str, Entry]:
    return _load_cached(path, cache_dir) if cache_dir else _parse(path)


def _load_cached(path: str, cache_dir: str) -> dict[str, Entry]:
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    cached = os.path.join(cache_dir, f"bib-{digest[:16]}.json")
    try:
        with open(cached, encoding="utf-8") as handle:
            return {item["key"]: Entry(**item) for item in json.load(handle)}
    except (OSError, ValueError, TypeError):
        pass
    entries = _parse(path)
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        write_file_atomic(cached, json.dumps([asdict(entry) for entry in entries.values()], ensure_ascii=False))
    return entries


def _parse(path: str) -> dict[str, Entry]:
    from pybtex.database import parse_file

    data = parse_file(path, bib_format="bibtex")
    entries = {}
    for name, item in data.entries.items():
        people = item.persons.get("author") or item.persons.get("editor") or []
        last = [_latex_to_text(" ".join(person.prelast_names + person.last_names)) for person in people]
        fields = item.fields
        venue = (
            fields.get("journal")
            or fields.get("booktitle")
            or fields.get("publisher")
            or fields.get("howpublished")
            or ""
        )
        entries[name] = Entry(
            name, last, fields.get("year", ""), _latex_to_text(fields.get("title", "")), _latex_to_text(venue)
        )
    return entries
