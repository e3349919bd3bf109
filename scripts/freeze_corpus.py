"""Freeze the book's prose into src/rnnbook/data/book_corpus.json.

    python scripts/freeze_corpus.py [DOCS_DIR] [-o OUTPUT]

The translation tools' corpus exporter reads every page and strips it to plain prose; this script
keeps the prose roles, makes page paths relative to the docs folder, and stamps a `version` that is
a hash of the content, so the file changes version exactly when the text changes. The rnnbook
package only reads the result: it never imports the translation tools.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "src" / "rnnbook" / "data" / "book_corpus.json"
PROSE_ROLES = {"heading", "paragraph", "list", "figure"}

sys.path.insert(0, str(ROOT))
from translation_tools.corpus import export_corpus
from translation_tools.write import write_file_atomic


def relative(path: str, docs: pathlib.Path) -> str:
    """Page paths relative to the docs folder: "chapter_rnn/rnn.md"."""
    page = pathlib.Path(path)
    page = page if page.is_absolute() else pathlib.Path.cwd() / page
    try:
        return page.resolve().relative_to(docs.resolve()).as_posix()
    except ValueError:
        return pathlib.PurePosixPath(path).as_posix()


def freeze(docs: pathlib.Path) -> dict:
    pages = []
    for page in export_corpus([str(docs)])["pages"]:
        segments = [seg for seg in page["segments"] if seg["role"] in PROSE_ROLES]
        if segments:
            pages.append({"path": relative(page["path"], docs), "segments": segments})
    body = json.dumps(pages, ensure_ascii=False, sort_keys=True)
    return {"version": "book-" + hashlib.sha256(body.encode("utf-8")).hexdigest()[:12], "pages": pages}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("docs", nargs="?", default=str(ROOT / "docs"))
    parser.add_argument("-o", "--output", default=str(DEFAULT_OUTPUT))
    args = parser.parse_args(argv)
    docs = pathlib.Path(args.docs)
    if not docs.is_dir():
        print(f"{docs}:1: not a directory; pass the docs folder of the book", file=sys.stderr)
        return 2
    frozen = freeze(docs)
    words = {lang: sum(len(s[lang].split()) for p in frozen["pages"] for s in p["segments"]) for lang in ("en", "vi")}
    if not words["en"]:
        print(f"{docs}:1: no translated prose found; write some pages first", file=sys.stderr)
        return 2
    write_file_atomic(args.output, json.dumps(frozen, ensure_ascii=False, indent=1) + "\n")
    print(
        f"{args.output}: {frozen['version']}, {len(frozen['pages'])} pages, "
        f"{words['en']} English words, {words['vi']} Vietnamese words"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
