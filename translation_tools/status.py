"""Translation progress per page, per chapter and in total: one object, a table and JSON."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from translation_tools.document import Document, Stats
from translation_tools.pages import chapter_of, page_paths
from translation_tools.parse import FormatError, parse_file


@dataclass(slots=True)
class PageStatus:
    path: str
    stats: Stats
    contributors: list[str] = field(default_factory=list)

    @property
    def no_source(self) -> bool:
        return bool(self.stats.no_source)

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            **self.stats.as_dict(),
            "percent": round(self.stats.percent, 1),
            "no_source": self.no_source,
            "contributors": self.contributors,
        }


@dataclass(slots=True)
class StatusReport:
    pages: list[PageStatus]
    errors: list[FormatError] = field(default_factory=list)  # pages that could not be read or parsed

    @property
    def total(self) -> Stats:
        total = Stats()
        for page in self.pages:
            total = total + page.stats
        return total

    def chapters(self) -> dict[str, Stats]:
        chapters: dict[str, Stats] = {}
        for page in self.pages:
            key = chapter_of(page.path)
            chapters[key] = chapters.get(key, Stats()) + page.stats
        return chapters

    def as_dict(self) -> dict:
        total = self.total
        return {
            "pages": [page.as_dict() for page in self.pages],
            "chapters": [
                {"path": path, **stats.as_dict(), "percent": round(stats.percent, 1)}
                for path, stats in self.chapters().items()
            ],
            "total": {**total.as_dict(), "percent": round(total.percent, 1), "no_source_pages": total.no_source},
            "errors": [{"path": e.path, "line": e.line, "message": e.message} for e in self.errors],
        }


def collect_status(paths: list[str], jobs: int = 1, keep_going: bool = False) -> StatusReport:
    """Parse every page under ``paths``; a malformed page raises ``FormatError``.

    With ``keep_going`` (the CLI) a malformed page goes to ``errors`` and the others are still
    counted. ``jobs=0`` means one forked worker per CPU for large books (the CLI does this);
    library callers such as the site plugin stay in one process and stop at the first error.
    """
    pages = page_paths(paths)
    jobs = jobs or _cpu_count()
    if jobs > 1 and len(pages) >= PARALLEL_THRESHOLD:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_page_or_error, pages, chunksize=max(1, len(pages) // (jobs * 4)))
    else:
        results = [_page_or_error(path) for path in pages]
    errors = [result for result in results if isinstance(result, FormatError)]
    if errors and not keep_going:
        raise errors[0]
    return StatusReport([result for result in results if isinstance(result, PageStatus)], errors)


def page_status(path: str) -> PageStatus:
    return status_of(parse_file(path))


def status_of(doc: Document) -> PageStatus:
    """A parsed page's counts (the site's progress page uses the documents it already parsed)."""
    return PageStatus(doc.path, doc.stats(), doc.contributors)


def _page_or_error(path: str) -> PageStatus | FormatError:
    try:
        return page_status(path)
    except FormatError as error:
        return error


PARALLEL_THRESHOLD = 200


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def render_table(report: StatusReport, console) -> None:
    """A rich table: a row per chapter with a progress bar, then its pages.

    "Done" counts every translated segment; when any page has review markers, "Draft" and
    "Reviewed" columns show the part of it that is a draft or has been reviewed."""
    from rich.progress_bar import ProgressBar
    from rich.table import Table

    total = report.total
    columns = ["segments", "translated", "untranslated", "outdated"]
    if total.draft or total.reviewed:
        columns += ["draft", "reviewed"]
    table = Table(title="Tiến độ dịch / Translation status", show_lines=False)
    table.add_column("Page", no_wrap=True)
    for key in columns:
        table.add_column(_HEADERS[key], justify="right")
    table.add_column("%", justify="right")
    table.add_column("")
    chapters = report.chapters()
    by_chapter: dict[str, list[PageStatus]] = {}
    for page in report.pages:
        by_chapter.setdefault(chapter_of(page.path), []).append(page)
    for chapter, pages in by_chapter.items():
        stats = chapters[chapter]
        table.add_row(
            f"[bold]{chapter}/[/bold]",
            *_cells(stats, columns),
            ProgressBar(total=max(stats.segments, 1), completed=stats.translated if stats.segments else 1, width=12),
        )
        for page in pages:
            name = "  " + page.path.rsplit("/", 1)[-1]
            if page.no_source:
                table.add_row(name, *["-"] * len(columns), "no source", "")
            else:
                table.add_row(name, *_cells(page.stats, columns), "")
    table.add_row(
        "[bold]Total[/bold]",
        *_cells(total, columns),
        ProgressBar(total=max(total.segments, 1), completed=total.translated if total.segments else 1, width=12),
        end_section=True,
    )
    console.print(table)


_HEADERS = {
    "segments": "Segs",
    "translated": "Done",
    "untranslated": "Left",
    "outdated": "Outdated",
    "draft": "Draft",
    "reviewed": "Reviewed",
}


def _cells(stats: Stats, columns: list[str]) -> list[str]:
    return [str(getattr(stats, key)) for key in columns] + [f"{stats.percent:.1f}"]
