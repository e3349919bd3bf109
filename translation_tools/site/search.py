"""Search that answers Vietnamese typed without diacritics ("hoi tiep" finds "hồi tiếp").

Material's search worker indexes every field listed in the index's ``config.fields``.
We add a field ``folded`` holding each section's title and text with diacritics
removed, boosted below ``title`` and ``text``, so a query with diacritics still
ranks exact matches first and one without them still finds the page.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata

TAG = re.compile(r"<[^>]+>")
# Split like the worker does, but also on Vietnamese/typographic punctuation.
SEPARATOR = r"[\s\-,:;!?=\[\]()\"“”‘’'/…]+|\.(?!\d)|&[lg]t;|&amp;"
FOLDED_BOOST = 0.5


def fold(text: str) -> str:
    """Lower case without diacritics: "Mạng nơ-ron hồi tiếp" -> "mang no-ron hoi tiep"."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(char for char in decomposed if unicodedata.category(char) != "Mn")
    return stripped.replace("đ", "d").replace("Đ", "D").lower()


def configure(search_config, edition: str) -> None:
    """Settings of Material's search plugin for an edition.

    Vietnamese: no stemmer or trimmer, as lunr's English stemmer turns "máy" into
    "mái" and both lunr trimmers cut tone-marked letters (U+1EA0–U+1EF9) off words.
    """
    search_config["lang"] = ["en"]
    search_config["separator"] = SEPARATOR
    search_config["pipeline"] = ["stopWordFilter"] if edition == "vi" else ["stemmer", "stopWordFilter", "trimmer"]


def add_folded_field(index_path: str) -> None:
    """Rewrite ``search_index.json`` in place with the ``folded`` field."""
    if not os.path.exists(index_path):
        return
    with open(index_path, encoding="utf-8") as handle:
        data = json.load(handle)
    data["config"].setdefault("fields", {})["folded"] = {"boost": FOLDED_BOOST}
    for doc in data["docs"]:
        plain = TAG.sub(" ", f"{doc.get('title', '')} {doc.get('text', '')}")
        folded = fold(plain)
        if folded != plain.lower():
            doc["folded"] = " ".join(folded.split())
    temporary = index_path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
    os.replace(temporary, index_path)
