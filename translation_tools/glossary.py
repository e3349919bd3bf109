"""The glossary file (``docs/glossary.yml``) and matching its terms in prose."""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from translation_tools.parse import FormatError

_SEPARATOR = r"[\s\-‐‑–—]+"  # spaces, hyphens and dashes all join the words of a term


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
    entries: list[Term]
    path: str = ""

    @cached_property
    def _english_patterns(self) -> list[tuple[Term, re.Pattern[str]]]:
        return [(term, english_pattern(term.en)) for term in self.entries]

    def terms_in(self, english_prose: str) -> list[Term]:
        """Terms whose English occurs in ``english_prose`` (longest terms win overlaps)."""
        found = []
        taken: list[tuple[int, int]] = []
        for term, pattern in sorted(self._english_patterns, key=lambda item: -len(item[0].en)):
            for match in pattern.finditer(english_prose):
                span = match.span()
                if any(span[0] < end and start < span[1] for start, end in taken):
                    continue
                taken.append(span)
                if term not in found:
                    found.append(term)
        return found


def english_pattern(term: str) -> re.Pattern[str]:
    """Case-insensitive, whole words, any separator, optional plural on the last word."""
    words = [re.escape(word) for word in re.split(_SEPARATOR, term.strip())]
    return re.compile(r"(?<!\w)" + _SEPARATOR.join(words) + r"(?:s|es)?(?!\w)", re.IGNORECASE)


def vietnamese_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in re.split(_SEPARATOR, nfc(term).strip())]
    return re.compile(r"(?<!\w)" + _SEPARATOR.join(words) + r"(?!\w)", re.IGNORECASE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def load_glossary(path: str) -> Glossary:
    """Read the glossary YAML; malformed entries raise ``FormatError`` with their line."""
    import yaml

    try:
        with open(path, encoding="utf-8") as handle:
            source = handle.read()
    except FileNotFoundError:
        raise FormatError(path, 1, "no such glossary file: check the path") from None
    except UnicodeDecodeError:
        raise FormatError(path, 1, "not valid UTF-8: re-save the glossary as UTF-8") from None
    try:
        root = yaml.compose(source, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FormatError(
            path, mark.line + 1 if mark else 1, f"invalid YAML ({getattr(error, 'problem', error)})"
        ) from None
    if root is None:
        return Glossary([], path)
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
                nfc(data["en"]),
                nfc(data["vi"]),
                [nfc(v) for v in lists["forbidden"]],
                str(data.get("note") or ""),
                [nfc(v) for v in lists["also"]],
                line,
            )
        )
    return Glossary(entries, path)


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
