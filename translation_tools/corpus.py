"""Export the book's prose as a parallel corpus: plain English and Vietnamese, segment by segment."""

from __future__ import annotations

import json
import unicodedata

from translation_tools.document import TRANSLATED
from translation_tools.pages import load_pages
from translation_tools.write import write_file_atomic

CORPUS_VERSION = 1


def export_corpus(paths: list[str]) -> dict:
    """``{"version": 1, "pages": [{"path", "segments": [{"en", "vi", "role"}]}]}``.

    Only translated segments are exported (an outdated translation no longer
    matches its English); math, code, labels, references and URLs are removed.
    Pages without English source are left out: the corpus is parallel text.
    """
    from translation_tools.mdtext import plain_text

    pages = []
    for doc in load_pages(paths):
        segments = []
        for segment in doc.segments():
            if segment.state != TRANSLATED:
                continue
            english = _nfc(plain_text(segment.english))
            vietnamese = _nfc(plain_text(segment.translation))
            if english and vietnamese:
                segments.append({"en": english, "vi": vietnamese, "role": segment.role})
        if segments:
            pages.append({"path": doc.path, "segments": segments})
    return {"version": CORPUS_VERSION, "pages": pages}


def write_corpus(paths: list[str], output: str) -> dict:
    corpus = export_corpus(paths)
    write_file_atomic(output, json.dumps(corpus, ensure_ascii=False, indent=1) + "\n")
    return corpus


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
