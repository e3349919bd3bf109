"""One page as one edition sees it: the English original, or the Vietnamese translation.

The one definition of "the English edition" and "the Vietnamese edition" of a page: the site
renders what ``edition_text`` chooses, and ``python -m translation_tools edition en|vi PAGE``
prints ``edition_markdown``. Shared blocks (code, math, labels, toc, link definitions, HTML,
thematic breaks, prose outside comments, comments that hold nothing to translate) belong to
both editions; the workflow's own comments (markers, translators' notes, removed translations)
to neither.
"""

from __future__ import annotations

import sys

from translation_tools.document import UNTRANSLATED, Document, Segment

EDITIONS = ("vi", "en")
SHARED_KINDS = frozenset({"code", "math", "label", "toc", "definition", "html", "rule", "other", "comment"})
# Glued to the block above them, as d2lbook writes them: `:label:` right under its target.
GLUED_KINDS = frozenset({"label"})


def edition_text(seg: Segment, edition: str) -> str:
    """The Markdown a segment shows in ``edition``: the translation, or the English where none."""
    if edition == "en" or seg.state == UNTRANSLATED:
        return seg.english
    return seg.translation


def edition_markdown(doc: Document, edition: str) -> str:
    """The page's Markdown in ``edition``, blocks separated as the page separates them."""
    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {', '.join(EDITIONS)}, not {edition!r}")
    out: list[str] = []
    for block in doc.blocks:
        if isinstance(block, Segment):
            text = edition_text(block, edition)
        elif block.kind in SHARED_KINDS:
            text = block.text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        else:
            continue
        if not text.strip():
            continue
        if out and block.kind in GLUED_KINDS:
            out[-1] += "\n" + text
        else:
            out.append(text)
    return "\n\n".join(out) + "\n" if out else ""


def run(args) -> int:
    from translation_tools.parse import parse_file

    doc = parse_file(args.page)
    sys.stdout.write(edition_markdown(doc, args.edition))
    return 0
