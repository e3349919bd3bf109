"""Freeze the book's prose into src/rnnbook/data/book_corpus.json.

    python scripts/freeze_corpus.py [DOCS_DIR] [-o OUTPUT]

Reads every page through the translation tools (the `export-corpus`
command when it exists, else the parser directly), strips Markdown so only
prose remains, and writes {"version", "pages": [{"path", "segments":
[{"en", "vi", "role"}]}]} atomically. `version` is a hash of the content,
so the file changes version exactly when the text changes.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "src" / "rnnbook" / "data" / "book_corpus.json"
PROSE_ROLES = {"heading", "paragraph", "list", "figure"}

_INLINE_MATH = re.compile(r"\$([^$\n]+)\$")
_SIMPLE_MATH = re.compile(r"[\w\s=+\-.,]{1,16}")
_ROLE_REF = re.compile(r"\s*:(numref|eqref|cite|citet|citep|label|eqlabel|ref|numeref):`[^`]*`")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_CODE = re.compile(r"`([^`\n]*)`")
_HTML = re.compile(r"<[^>\n]+>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{2,3})(?=\S)(.+?)(?<=\S)\1")
_LINE_PREFIX = re.compile(r"^\s*(#{1,6}\s+|[*+-]\s+|\d+[.)]\s+|>\s*)")
_SPACES = re.compile(r"[ \t]+")
_SPACE_BEFORE_PUNCT = re.compile(r" +([,.;:!?)])")


def clean(markdown: str) -> str:
    """Markdown of one segment -> plain prose, one sentence/line kept per line."""
    text = unicodedata.normalize("NFC", markdown)
    text = _ROLE_REF.sub("", text)
    # Short math such as $n$ or $n = 6$ reads as words; longer formulas do not.
    text = _INLINE_MATH.sub(lambda m: m.group(1) if _SIMPLE_MATH.fullmatch(m.group(1)) else "", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _HTML.sub("", text)
    for _ in range(2):  # nested emphasis such as *(**x**)*
        text = _EMPHASIS.sub(r"\2", text)
    lines = []
    for line in text.split("\n"):
        line = _LINE_PREFIX.sub("", line)
        line = _SPACE_BEFORE_PUNCT.sub(r"\1", _SPACES.sub(" ", line)).strip()
        line = line.replace("()", "").replace("( )", "").strip()
        if re.search(r"\w", line):
            lines.append(line)
    return "\n".join(lines)


def _role(english: str) -> str:
    first = english.lstrip()
    if first.startswith("#"):
        return "heading"
    if first.startswith("!["):
        return "figure"
    if first.startswith("|"):
        return "table"
    if _LINE_PREFIX.match(first):
        return "list"
    return "paragraph"


def _relative(path: str, docs: pathlib.Path) -> str:
    """Page paths relative to the docs folder: "chapter_rnn/rnn.md"."""
    page = pathlib.Path(path)
    page = page if page.is_absolute() else ROOT / page  # the exporter runs in ROOT
    try:
        return page.resolve().relative_to(docs.resolve()).as_posix()
    except ValueError:
        return pathlib.PurePosixPath(path).as_posix()


def export_with_cli(docs: pathlib.Path) -> dict | None:
    """The translation tools' own exporter, when this checkout has it."""
    with tempfile.TemporaryDirectory() as tmp:
        out = pathlib.Path(tmp) / "corpus.json"
        result = subprocess.run(
            [sys.executable, "-m", "translation_tools", "export-corpus", str(docs), "-o", str(out)],
            cwd=ROOT, capture_output=True, text=True)
        if result.returncode != 0 or not out.exists():
            return None
        return json.loads(out.read_text(encoding="utf-8"))


def export_with_parser(docs: pathlib.Path) -> dict:
    """Fallback: walk the pages with the parser and keep translated segments."""
    sys.path.insert(0, str(ROOT))
    from translation_tools.document import TRANSLATED
    from translation_tools.parse import parse_file

    pages = []
    for path in sorted(docs.rglob("*.md")):
        doc = parse_file(path)
        segments = [{"en": seg.english,
                     "vi": seg.translation if seg.state == TRANSLATED else "",
                     "role": _role(seg.english)}
                    for seg in doc.segments()]
        if segments:
            pages.append({"path": str(path), "segments": segments})
    return {"pages": pages}


def freeze(raw: dict, docs: pathlib.Path) -> dict:
    pages = []
    for page in raw["pages"]:
        segments = []
        for seg in page["segments"]:
            role = seg.get("role") or _role(seg.get("en", ""))
            if role not in PROSE_ROLES:
                continue  # tables and the like are not prose
            en, vi = clean(seg.get("en") or ""), clean(seg.get("vi") or "")
            if en or vi:
                segments.append({"en": en, "vi": vi, "role": role})
        if segments:
            pages.append({"path": _relative(page["path"], docs), "segments": segments})
    body = json.dumps(pages, ensure_ascii=False, sort_keys=True)
    version = "book-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:12]
    return {"version": version, "pages": pages}


def write_atomic(path: pathlib.Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs", nargs="?", default=str(ROOT / "docs"))
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--parser", action="store_true", help="skip export-corpus, use the parser")
    args = parser.parse_args(argv)
    docs = pathlib.Path(args.docs)
    if not docs.is_dir():
        print(f"{docs}:1: not a directory; pass the docs folder of the book", file=sys.stderr)
        return 2
    raw = None if args.parser else export_with_cli(docs)
    source = "export-corpus" if raw is not None else "parser"
    if raw is None:
        raw = export_with_parser(docs)
    frozen = freeze(raw, docs)
    words = {lang: sum(len(s[lang].split()) for p in frozen["pages"] for s in p["segments"])
             for lang in ("en", "vi")}
    if not words["en"] and not words["vi"]:
        print(f"{docs}:1: no prose found; write some pages first", file=sys.stderr)
        return 2
    write_atomic(pathlib.Path(args.output),
                 json.dumps(frozen, ensure_ascii=False, indent=1) + "\n")
    print(f"{args.output}: {frozen['version']} via {source}, {len(frozen['pages'])} pages, "
          f"{words['en']} English words, {words['vi']} Vietnamese words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
