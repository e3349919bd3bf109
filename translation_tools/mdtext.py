"""Markdown-level questions about one segment's text, answered with markdown-it-py tokens.

Imported lazily: the status fast path never needs a tokenizer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from translation_tools.syntax import CODE_SPAN_PATTERN, MATH, REFERENCE, TABLE_CAPTION_LINE

_CODE_OR_MATH = re.compile(CODE_SPAN_PATTERN + "|" + MATH.pattern, re.DOTALL)


@lru_cache(maxsize=1)
def markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table").enable("strikethrough")


def tokens(text: str):
    return markdown().parse(mask_math(text)[0])


def mask_math(text: str) -> tuple[str, list[str]]:
    """Replace math with inert tokens so Markdown emphasis rules cannot touch it."""
    found: list[str] = []

    def keep(match: re.Match[str]) -> str:
        if match.group(0).startswith("`"):
            return match.group(0)  # a code span: its dollars are code, not math
        found.append(match.group(0))
        return f"MATH{len(found) - 1}X"

    return _CODE_OR_MATH.sub(keep, text), found


def detect_role(english: str) -> str:
    """Classify a segment's English by its first block token (a d2lbook ``:Caption`` line above a table is skipped)."""
    first, _, rest = english.partition("\n")
    if TABLE_CAPTION_LINE.fullmatch(first.strip()) and rest.strip().startswith("|"):
        english = rest
    for token in tokens(english):
        if token.type == "heading_open":
            return "heading"
        if token.type in ("bullet_list_open", "ordered_list_open"):
            return "list"
        if token.type == "table_open":
            return "table"
        if token.type == "paragraph_open":
            continue
        if token.type == "inline":
            children = [c for c in token.children or [] if c.type not in ("softbreak",)]
            if children and all(c.type == "image" or (c.type == "text" and not c.content.strip()) for c in children):
                return "figure"
            return "paragraph"
        return "other"
    return "other"


_SHAPE_NAMES = {
    "heading_open": "a heading",
    "paragraph_open": "a paragraph",
    "blockquote_open": "a quote",
    "fence": "a code block",
    "code_block": "a code block",
    "hr": "a rule",
    "html_block": "HTML",
}


def block_shape(text: str) -> list[str]:
    """The sequence of top-level blocks, as words: "a heading", "a list of 3 items", "a table of 2 columns"."""
    shape: list[str] = []
    open_lists: list[list[int]] = []
    for token in tokens(text):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            open_lists.append([0])
        elif token.type == "list_item_open" and len(open_lists) == 1:
            open_lists[0][0] += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            count = open_lists.pop()[0]
            if not open_lists:
                shape.append(f"a list of {count} item{'s' if count != 1 else ''}")
        elif token.type == "table_open" and token.level == 0:
            shape.append("table")
        elif token.type == "th_open" and shape and shape[-1].startswith("table"):
            shape[-1] = "table+" if shape[-1] == "table" else shape[-1] + "+"
        elif token.type == "thead_close" and shape and shape[-1].startswith("table"):
            columns = shape[-1].count("+")
            shape[-1] = f"a table of {columns} column{'s' if columns != 1 else ''}"
        elif token.level == 0 and token.type in _SHAPE_NAMES:
            shape.append(_SHAPE_NAMES[token.type])
    return shape


@dataclass(slots=True)
class InlineParts:
    """The parts of a paragraph that must survive translation unchanged."""

    math: list[str] = field(default_factory=list)
    code: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    prose: str = ""


_REFERENCE_OR_CODE = re.compile(REFERENCE.pattern + "|" + CODE_SPAN_PATTERN.replace("\\1", "\\3"))


def sub_references(text: str, replace: Callable[[str, str], str]) -> str:
    """``text`` with each reference outside code spans replaced by ``replace(kind, value)``."""

    def one(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)  # a code span that merely looks like a reference: `:label:`
        return replace(match.group(1), match.group(2))

    return _REFERENCE_OR_CODE.sub(one, text)


def split_references(text: str) -> tuple[list[str], str]:
    """References outside code spans, and the text with them blanked out."""
    found: list[str] = []

    def take(kind: str, value: str) -> str:
        found.append(f":{kind}:`{value}`")
        return " "

    return found, sub_references(text, take)


def inline_parts(text: str) -> InlineParts:
    """Split a segment into math, inline code, references, link targets and the prose left."""
    parts = InlineParts()
    parts.references, text = split_references(text)
    masked, parts.math = mask_math(text)
    prose: list[str] = []
    for token in markdown().parse(masked):
        for child in token.children or []:
            if child.type == "code_inline":
                parts.code.append(child.content)
            elif child.type == "link_open":
                parts.links.append(str(child.attrs.get("href", "")))
            elif child.type == "image":
                parts.links.append(str(child.attrs.get("src", "")))
                prose.append(child.content)
            elif child.type == "text":
                prose.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                prose.append(" ")
        if token.type in ("fence", "code_block"):
            parts.code.append(token.content)
    parts.prose = re.sub(r"MATH\d+X", " ", " ".join(prose))
    return parts


def plain_text(text: str) -> str:
    """Markdown stripped to readable words: no math, code, labels, references, URLs."""
    text = split_references(text)[1]
    masked, _ = mask_math(text)
    out: list[str] = []
    for token in markdown().parse(masked):
        if token.type == "inline":
            words = []
            for child in token.children or []:
                if child.type in ("text",) or child.type == "image":
                    words.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    words.append(" ")
            out.append("".join(words))
    joined = "\n".join(piece for piece in out if piece.strip())
    joined = re.sub(r"MATH\d+X", "", joined)
    joined = re.sub(r"[ \t]+", " ", joined)
    joined = re.sub(r"\( *\)", "", joined)
    joined = re.sub(r" +([,.;:!?)])", r"\1", joined)
    return "\n".join(line.strip() for line in joined.split("\n") if line.strip())
