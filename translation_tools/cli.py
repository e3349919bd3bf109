"""Command line: ``python -m translation_tools <command>`` / ``translation-tools <command>``.

Exit codes: 0 fine, 1 a gate failed (``--min-percent``, stale ``--check``,
``--strict`` warnings), 2 bad input or errors found. Heavy imports stay inside
the commands so ``status --json`` starts fast.
"""

from __future__ import annotations

import argparse
import json
import sys

from translation_tools.parse import FormatError


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except FormatError as error:
        print(str(error), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="translation-tools", description="Tools for the bilingual book format.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    status = commands.add_parser("status", help="segments translated per page, chapter and in total")
    status.add_argument("paths", nargs="*", default=["docs"], metavar="PATH")
    status.add_argument("--json", action="store_true", help="print JSON instead of a table")
    status.add_argument(
        "--min-percent", type=float, default=None, metavar="N", help="exit 1 when the total is below N %%"
    )
    status.set_defaults(run=run_status)

    contributors = commands.add_parser("contributors", help="who translated what; regenerate contributors.md")
    contributors.add_argument("paths", nargs="*", default=["docs"], metavar="PATH")
    contributors.add_argument(
        "--aliases",
        default=None,
        metavar="FILE",
        help="alias file (handle/misspelling -> full name); default: the book's aliases.yml",
    )
    contributors.add_argument("--write", metavar="FILE", help="regenerate FILE (e.g. contributors.md)")
    contributors.add_argument(
        "--force", action="store_true", help="with --write, replace FILE even if this command did not generate it"
    )
    contributors.add_argument(
        "--check", nargs="?", const="contributors.md", metavar="FILE", help="exit 1 when FILE is stale"
    )
    contributors.add_argument("--no-git", action="store_true", help="leave out git authors")
    contributors.add_argument("--json", action="store_true")
    contributors.set_defaults(run=run_contributors)

    scaffold = commands.add_parser(
        "scaffold", help="English page -> bilingual skeleton, or merge a new English version"
    )
    scaffold.add_argument(
        "files", nargs="+", metavar="FILE", help="ENGLISH.md, or EXISTING NEW_ENGLISH.md with --update"
    )
    scaffold.add_argument(
        "-o", "--output", metavar="OUT", help="output file (default: stdout; with --update, EXISTING)"
    )
    scaffold.add_argument("--update", action="store_true", help="merge NEW_ENGLISH.md into EXISTING")
    scaffold.add_argument("--force", action="store_true", help="replace OUT if it exists")
    scaffold.add_argument("--source-rev", metavar="REV", help="record the upstream revision in front matter")
    scaffold.set_defaults(run=run_scaffold)

    check = commands.add_parser("check", help="report format, reference and glossary problems as file:line")
    check.add_argument("paths", nargs="*", default=["docs"], metavar="PATH")
    check.add_argument(
        "--glossary",
        default=None,
        metavar="FILE",
        help="glossary file (default: glossary.yml or glossary.md in the book's docs_dir, found from mkdocs.yml)",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--json", action="store_true")
    check.set_defaults(run=run_check)

    glossary = commands.add_parser("glossary", help="list the glossary")
    glossary.add_argument("file", nargs="?", default="docs/glossary.yml")
    glossary.add_argument("--json", action="store_true")
    glossary.set_defaults(run=run_glossary)

    corpus = commands.add_parser("export-corpus", help="write the book's prose as parallel JSON")
    corpus.add_argument("paths", nargs="*", default=["docs"], metavar="PATH")
    corpus.add_argument("-o", "--output", required=True, metavar="FILE.json")
    corpus.set_defaults(run=run_export_corpus)

    importer = commands.add_parser("import", help="convert a Hugo or Jekyll post into a book page")
    importer.add_argument("post", metavar="POST.md")
    importer.add_argument("-o", "--output", metavar="OUT.md", help="output page (default: stdout)")
    importer.add_argument("--images", metavar="DIR", help="local copies of remote images, copied next to the page")
    importer.add_argument("--force", action="store_true", help="replace OUT.md and copied images if they exist")
    importer.set_defaults(run=run_import)
    return parser


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def run_status(args) -> int:
    from translation_tools.status import collect_status, render_table

    report = collect_status(args.paths, jobs=0, keep_going=True)
    if args.json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
    else:
        render_table(report, _console())
    for error in report.errors:
        print(str(error), file=sys.stderr)
    if args.min_percent is not None and report.total.percent < args.min_percent:
        print(f"translated {report.total.percent:.1f}% < --min-percent {args.min_percent:g}", file=sys.stderr)
        return 2 if report.errors else 1
    return 2 if report.errors else 0


def run_export_corpus(args) -> int:
    from translation_tools.corpus import write_corpus

    corpus = write_corpus(args.paths, args.output)
    count = sum(len(page["segments"]) for page in corpus["pages"])
    print(f"{args.output}: {count} segments from {len(corpus['pages'])} pages", file=sys.stderr)
    return 0


def run_contributors(args) -> int:
    from translation_tools.contributors import run

    return run(args)


def run_scaffold(args) -> int:
    from translation_tools.scaffold import run

    return run(args)


def run_check(args) -> int:
    from translation_tools.check import run

    return run(args)


def run_glossary(args) -> int:
    from translation_tools.glossary import run

    return run(args)


def run_import(args) -> int:
    from translation_tools.importer import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
