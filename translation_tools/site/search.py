"""Search that answers Vietnamese typed without diacritics ("hoi tiep" finds "hồi tiếp").

Material's search worker indexes every field listed in the index's ``config.fields``.
We add fields ``ftitle`` and ``ftext`` holding each section's title and text with
diacritics removed, boosted below ``title`` and ``text``, so a query with diacritics still
ranks exact matches first and one without them still finds the page.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import unicodedata
from importlib.metadata import version
from pathlib import Path

from translation_tools.write import write_file_atomic

TAG = re.compile(r"<[^>]+>")
MATERIAL_VERSION = version("mkdocs-material")
# Controls are not content. The book's own carry data-search-exclude (Material leaves them out);
# these labels are a safety net for a control bar that reaches the index without it.
CONTROL_LABELS = (
    "Tải notebook",
    "Xem notebook",
    "Mọi notebook (.zip)",
    "Download notebook",
    "View notebook",
    "All notebooks (.zip)",
    "Hiện bản gốc tiếng Anh",
    "Ẩn bản gốc tiếng Anh",
)
PARAGRAPH = re.compile(r"<p>(.*?)</p>\s*", re.DOTALL)


def without_controls(text: str) -> str:
    """An index entry's text without paragraphs made only of control labels (and empty ones)."""

    def keep(match: re.Match[str]) -> str:
        inner = TAG.sub("", match.group(1))
        for label in CONTROL_LABELS:
            inner = inner.replace(label, "")
        return "" if not inner.strip() else match.group(0)

    return PARAGRAPH.sub(keep, text).strip()


# Split like the worker does, but also on Vietnamese/typographic punctuation.
SEPARATOR = r"[\s\-,:;!?=\[\]()\"“”‘’'/…]+|\.(?!\d)|&[lg]t;|&amp;"
# Below title (1000) and text (1): a query typed with diacritics ranks exact matches first.
FOLDED_TITLE_BOOST = 100.0
FOLDED_TEXT_BOOST = 0.5
ORDER_BOOST = 0.02
TAGS_BOOST = 2.0


def _fold_table() -> dict[int, str | None]:
    """Every Latin letter with diacritics (U+00C0–U+024F, U+1E00–U+1EFF) to its base letter."""
    table: dict[int, str | None] = dict.fromkeys(range(768, 880))  # combining marks
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        base = "".join(c for c in unicodedata.normalize("NFD", chr(code)) if unicodedata.category(c) != "Mn")
        if base != chr(code):
            table[code] = base
    table[ord("đ")], table[ord("Đ")] = "d", "D"
    return table


FOLD = _fold_table()


def fold(text: str) -> str:
    """Lower case without diacritics: "Mạng nơ-ron hồi tiếp" -> "mang no-ron hoi tiep"."""
    return text.translate(FOLD).lower()


def configure(search_config, edition: str) -> None:
    """Settings of Material's search plugin for an edition.

    No stemmer: Material turns every query term into a prefix query ("networks*"),
    which skips lunr's pipeline, so a stemmed index ("network") would miss the
    plural; prefixes already find "networks" from "network". Vietnamese also drops
    the trimmer: lunr's trimmers cut tone-marked letters (U+1EA0–U+1EF9) off words,
    and the English stemmer would turn "máy" into "mái".
    """
    # Material weighs front-matter tags a million times a word of text: an imported post
    # tagged "lstm" would outrank the LSTM chapter.
    search_config["fields"] = {**search_config.get("fields", {}), "tags": {"boost": TAGS_BOOST}}
    search_config["lang"] = ["en"]
    search_config["separator"] = SEPARATOR
    search_config["pipeline"] = ["stopWordFilter"] if edition == "vi" else ["stopWordFilter", "trimmer"]


def add_folded_field(index_path: str, order: dict[str, int] | None = None) -> None:
    """Rewrite ``search_index.json`` in place with the folded fields ``ftitle`` and ``ftext``.

    ``order`` (page URL -> position in the book) breaks near-ties in favour of earlier
    pages, by at most ``ORDER_BOOST``: where a book introduces a term is its best hit
    ("hồi tiếp" -> chapter 1, not chapter 2 "… hồi tiếp hiện đại").
    """
    if not os.path.exists(index_path):
        return
    with open(index_path, encoding="utf-8") as handle:
        data = json.load(handle)
    fields = data["config"].setdefault("fields", {})
    fields["ftitle"] = {"boost": FOLDED_TITLE_BOOST}
    fields["ftext"] = {"boost": FOLDED_TEXT_BOOST}
    count = max(len(order or {}), 1)
    for doc in data["docs"]:
        if "text" in doc:
            doc["text"] = without_controls(doc["text"])
        position = (order or {}).get(doc["location"].split("#")[0])
        if position is not None:
            doc["boost"] = round(1 + ORDER_BOOST * (1 - position / count), 4)
        for field, source in (("ftitle", "title"), ("ftext", "text")):
            plain = " ".join(TAG.sub(" ", doc.get(source, "")).split())
            folded = fold(plain)
            if folded != plain.lower():
                doc[field] = folded
    write_file_atomic(index_path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))


class RememberedEntries:
    """Material's ``SearchIndex.add_entry_from_context`` remembered by page: a page whose HTML,
    place, toc and search settings are as last time gets last time's entries instead of being
    parsed again (the parse is a sixth of a warm build). Kept in one JSON file per edition
    (``.cache/site/search-<edition>.json``), holding the pages of the last build only."""

    def __init__(self, path: Path, index) -> None:
        self.path = path
        self.index = index
        self.parse = index.add_entry_from_context  # Material's own, bound to its index
        try:
            known = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        self.known: dict[str, list] = known if isinstance(known, dict) else {}
        self.kept: dict[str, list] = {}

    @staticmethod
    def key(page) -> str:
        def toc(items) -> list:
            return [[item.id, item.title, item.level, toc(item.children)] for item in items]

        meta = {name: page.meta.get(name) for name in ("search", "tags", "title")}
        parts = [MATERIAL_VERSION, page.url, str(page.title), json.dumps(meta, default=str, sort_keys=True)]
        parts += [json.dumps(toc(page.toc or [])), page.content or ""]
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def __call__(self, page) -> None:
        if (page.meta.get("search") or {}).get("exclude"):
            return self.parse(page)
        key = self.key(page)
        entries = self.known.get(key)
        if entries is None:
            start = len(self.index.entries)
            self.parse(page)
            entries = self.index.entries[start:]
        else:
            self.index.entries.extend(dict(entry) for entry in entries)
        self.kept[key] = [dict(entry) for entry in entries]

    def save(self) -> None:
        if self.kept.keys() != self.known.keys():
            with contextlib.suppress(OSError, TypeError, ValueError):
                write_file_atomic(self.path, json.dumps(self.kept, ensure_ascii=False, default=str))


def remember_entries(search_plugin, path: Path) -> RememberedEntries | None:
    """Route Material's per-page indexing through :class:`RememberedEntries` (None when the
    search plugin is not Material's, or has no index yet)."""
    index = getattr(search_plugin, "search_index", None)
    if index is None or not hasattr(index, "add_entry_from_context") or not hasattr(index, "entries"):
        return None
    remembered = RememberedEntries(path, index)
    index.add_entry_from_context = remembered
    return remembered
