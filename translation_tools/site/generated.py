"""Pages made at build time: translation progress (from ``status``) and the glossary."""

from __future__ import annotations

import html
import posixpath

from translation_tools.site.book import Book

TEXT = {
    "vi": {
        "progress": "Tiến độ dịch",
        "total": "Toàn bộ sách",
        "page": "Trang",
        "segments": "Đoạn",
        "translated": "Đã dịch",
        "untranslated": "Chưa dịch",
        "outdated": "Cần cập nhật",
        "draft": "Bản nháp",
        "reviewed": "Đã duyệt",
        "percent": "%",
        "no_source": "chỉ có tiếng Việt",
        "todo": "Đoạn chưa dịch",
        "drafts": "Bản nháp cần duyệt",
        "line": "dòng",
        "intro": "Trang này được tạo khi dựng sách, từ cùng mã với lệnh `translation-tools status`.",
        "glossary": "Bảng thuật ngữ",
        "filter": "Lọc thuật ngữ…",
        "en": "Tiếng Anh",
        "vi": "Tiếng Việt",
        "note": "Ghi chú",
        "avoid": "Tránh dùng",
        "glossary_intro": "Các thuật ngữ dùng thống nhất trong sách, tạo từ tệp `docs/glossary.yml`.",
        "translation": "Dịch thuật",
    },
    "en": {
        "progress": "Translation progress",
        "total": "Whole book",
        "page": "Page",
        "segments": "Segments",
        "translated": "Translated",
        "untranslated": "Untranslated",
        "outdated": "Outdated",
        "draft": "Draft",
        "reviewed": "Reviewed",
        "percent": "%",
        "no_source": "Vietnamese only",
        "todo": "Untranslated paragraphs",
        "drafts": "Drafts to review",
        "line": "line",
        "intro": "Generated at build time by the same code as `translation-tools status`.",
        "glossary": "Glossary",
        "filter": "Filter terms…",
        "en": "English",
        "vi": "Vietnamese",
        "note": "Note",
        "avoid": "Avoid",
        "glossary_intro": "The terms the book uses consistently, generated from `docs/glossary.yml`.",
        "translation": "Translation",
    },
}


def _bar(stats) -> str:
    total = max(stats.segments, 1)
    done = stats.translated if stats.segments else 1
    return (
        f'<progress class="tt-bar" value="{done}" max="{total}" '
        f'aria-label="{stats.percent:.1f}%">{stats.percent:.1f}%</progress>'
    )


# The table's count columns, in order: the names of Stats fields and of TEXT entries.
COLUMNS = ("segments", "translated", "untranslated", "outdated", "draft", "reviewed")


def _cells(stats) -> str:
    return "".join(f"<td>{getattr(stats, key)}</td>" for key in COLUMNS) + f"<td>{stats.percent:.1f}</td>"


def _data(stats) -> str:
    return " ".join(f'data-{key}="{getattr(stats, key)}"' for key in COLUMNS)


def progress_markdown(report, book: Book, edition: str, src_of, url_to) -> str:
    """The progress page. ``src_of(path)`` maps a status path to a src_uri (or None);
    ``url_to(src_uri, fragment)`` gives a link from the progress page."""
    t = TEXT[edition]
    total = report.total
    head = "".join(f"<th>{t[key]}</th>" for key in ("page", *COLUMNS, "percent"))
    out = [
        "---",
        "search:",
        "  exclude: true",
        "---",
        "",
        f"# {t['progress']}",
        "",
        t["intro"],
        "",
        f'<div class="tt-progress-total" {_data(total)}><strong>{t["total"]}</strong>: '
        f"{total.translated}/{total.segments} ({total.percent:.1f}%) {_bar(total)}</div>",
        "",
    ]
    from translation_tools.pages import chapter_of

    for chapter_key, stats in report.chapters().items():
        pages = [page for page in report.pages if chapter_of(page.path) == chapter_key]
        if not pages:
            continue
        first = src_of(pages[0].path) or pages[0].path
        folder = posixpath.dirname(first)
        index = book.pages.get(posixpath.join(folder, "index.md") if folder else "index.md")
        title = index.nav_title(edition) if index else (folder or "/")
        out += [
            f'<h2 class="tt-progress-chapter" data-chapter="{html.escape(chapter_key)}" {_data(stats)}>'
            f"{html.escape(title)}</h2>",
            "",
            f"<p>{_bar(stats)}</p>",
            "",
            f'<table class="tt-progress-table"><thead><tr>{head}</tr></thead><tbody>',
        ]
        todo: list[str] = []
        drafts: list[str] = []
        for page in pages:
            src = src_of(page.path)
            info = book.pages.get(src) if src else None
            name = html.escape(info.nav_title(edition) if info else page.path)
            link = f'<a href="{url_to(src, "")}">{name}</a>' if src else name
            if page.no_source:
                cells = f'<td colspan="{len(COLUMNS) + 1}">{t["no_source"]}</td>'
            else:
                cells = _cells(page.stats)
            out.append(
                f'<tr data-path="{html.escape(src or page.path)}" {_data(page.stats)}><td>{link}</td>{cells}</tr>'
            )
            if info is not None:
                segments = info.doc.segments()
                for found, lines in (
                    (todo, [seg.slot_start for seg in segments if seg.state != "translated"]),
                    (drafts, [seg.slot_start for seg in segments if seg.review_state == "draft"]),
                ):
                    if lines:
                        links = ", ".join(
                            f'<a href="{url_to(src, f"tt-L{line}")}">{t["line"]} {line}</a>' for line in lines
                        )
                        found.append(f"<li>{name}: {links}</li>")
        out.append("</tbody></table>")
        for key, items, css in (("todo", todo, "tt-todo"), ("drafts", drafts, "tt-drafts")):
            if items:
                out += ["", f'<details class="{css}"><summary>{t[key]}</summary><ul>{"".join(items)}</ul></details>']
        out.append("")
    return "\n".join(out) + "\n"


def glossary_markdown(terms, edition: str) -> str:
    """A filterable English ↔ Vietnamese table; the filter is book.js's."""
    t = TEXT[edition]
    rows = []
    for term in sorted(terms, key=lambda term: term.en.lower()):
        forbidden = ", ".join(term.forbidden or [])
        rows.append(
            f'<tr data-en="{html.escape(term.en)}" data-vi="{html.escape(term.vi)}"><td lang="en">{html.escape(term.en)}</td>'
            f'<td lang="vi">{html.escape(term.vi)}</td><td>{html.escape(term.note or "")}'
            + (f' <span class="tt-avoid">{t["avoid"]}: <s>{html.escape(forbidden)}</s></span>' if forbidden else "")
            + "</td></tr>"
        )
    return "\n".join(
        [
            f"# {t['glossary']}",
            "",
            t["glossary_intro"],
            "",
            f'<input type="search" id="tt-glossary-filter" class="tt-glossary-filter" placeholder="{t["filter"]}" '
            f'aria-label="{t["filter"]}">',
            "",
            f'<table id="tt-glossary" class="tt-glossary"><thead><tr><th>{t["en"]}</th><th>{t["vi"]}</th>'
            f"<th>{t['note']}</th></tr></thead><tbody>{''.join(rows)}</tbody></table>",
            "",
        ]
    )
