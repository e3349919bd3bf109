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
    status.add_argument(
        "--upstream",
        metavar="ENGLISH_DIR_OR_GIT_REV",
        help="per page with a source_revision: did its English move since, how many segments, the update command",
    )
    status.add_argument(
        "--upstream-repo", metavar="REPO", help="the English repository's checkout, when --upstream is a git revision"
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
    corpus.add_argument("--force", action="store_true", help="replace FILE.json if it exists")
    corpus.set_defaults(run=run_export_corpus)

    edition = commands.add_parser("edition", help="print a page's Markdown as one edition (en or vi) sees it")
    edition.add_argument("edition", choices=("en", "vi"))
    edition.add_argument("page", metavar="PAGE")
    edition.set_defaults(run=run_edition)

    importer = commands.add_parser("import", help="convert a Hugo or Jekyll post into a book page")
    importer.add_argument("post", metavar="POST.md")
    importer.add_argument("-o", "--output", metavar="OUT.md", help="output page (default: stdout)")
    importer.add_argument("--images", metavar="DIR", help="local copies of remote images, copied next to the page")
    importer.add_argument("--force", action="store_true", help="replace OUT.md and copied images if they exist")
    importer.set_defaults(run=run_import)

    review = commands.add_parser("review", help="mark translated segments reviewed (only the review markers change)")
    review.add_argument("page", metavar="PAGE")
    review.add_argument("--by", required=True, metavar="NAME", help="the reviewer's full name")
    review.add_argument("--lines", metavar="A-B", help="only segments whose translation has a line in A-B")
    review.add_argument(
        "--aliases", default=None, metavar="FILE", help="alias file for NAME; default: the book's aliases.yml"
    )
    review.set_defaults(run=run_review)

    align = commands.add_parser(
        "align", help="Vietnamese page + its English -> bilingual page, block by block, translations as drafts"
    )
    align.add_argument("vietnamese", metavar="VIETNAMESE.md")
    align.add_argument("english", metavar="ENGLISH.md")
    align.add_argument("-o", "--output", metavar="PAGE.md", help="output page (default: stdout)")
    align.add_argument("--force", action="store_true", help="replace PAGE.md if it exists")
    align.add_argument(
        "--origin",
        default="machine",
        metavar="WORD",
        help="where the drafts come from, written as <!-- draft: WORD --> (default: machine; '' for <!-- draft -->)",
    )
    align.set_defaults(run=run_align)

    suggest = commands.add_parser(
        "suggest", help="translation memory: the book's closest translations and glossary terms for a page's gaps"
    )
    suggest.add_argument("page", metavar="PAGE")
    suggest.add_argument(
        "--write", action="store_true", help="fill untranslated slots that have an exact match, as drafts"
    )
    suggest.add_argument("--json", action="store_true")
    suggest.add_argument(
        "--book", metavar="DIR", help="the folder of the book's pages (default: docs_dir of mkdocs.yml)"
    )
    suggest.add_argument("--glossary", metavar="FILE", help="glossary file (default: the book's glossary.yml)")
    suggest.add_argument("--cache", metavar="FILE", help="the memory's index (default: .cache/ beside the docs folder)")
    suggest.add_argument("--no-cache", action="store_true", help="build the index in memory, keep nothing")
    suggest.set_defaults(run=run_suggest)

    export = commands.add_parser("export", help="pages -> PO or XLIFF files for CAT tools, one file per page")
    export.add_argument("paths", nargs="+", metavar="PATH")
    export.add_argument("--format", required=True, choices=("po", "xliff"))
    export.add_argument("-o", "--output", required=True, metavar="DIR", help="folder for the exported files")
    export.add_argument("--force", action="store_true", help="replace exported files that exist")
    export.set_defaults(run=run_export)

    for fmt, name in (("po", "PO"), ("xliff", "XLIFF")):
        back = commands.add_parser(f"import-{fmt}", help=f"write the translations of exported {name} files back")
        back.add_argument("files", nargs="+", metavar="FILE")
        back.set_defaults(run=run_import_po if fmt == "po" else run_import_xliff)
    return parser


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False)


def run_status(args) -> int:
    if args.upstream:
        from translation_tools.drift import run_upstream

        return run_upstream(args)
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
    from translation_tools.write import check_output

    check_output(args.output, args.force)
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


def run_edition(args) -> int:
    from translation_tools.edition import run

    return run(args)


def run_import(args) -> int:
    from translation_tools.importer import run

    return run(args)


def run_review(args) -> int:
    from translation_tools.review import run

    return run(args)


def run_align(args) -> int:
    from translation_tools.align import run

    return run(args)


def run_suggest(args) -> int:
    from translation_tools.memory import run

    return run(args)


def run_export(args) -> int:
    from translation_tools.exchange import run_export

    return run_export(args)


def run_import_po(args) -> int:
    from translation_tools.exchange import run_import

    return run_import(args, "po")


def run_import_xliff(args) -> int:
    from translation_tools.exchange import run_import

    return run_import(args, "xliff")


if __name__ == "__main__":
    sys.exit(main())
