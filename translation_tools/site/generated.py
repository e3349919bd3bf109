"""Pages made at build time: translation progress (from ``status``), the glossary, the contributors."""

from __future__ import annotations

import html
import posixpath
import re

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
        "contributors": "Những người thực hiện",
        "contributors_intro": "Những người đã dịch, viết và hiệu đính cuốn sách, theo thứ tự bảng chữ cái "
        "tiếng Việt, với các trang của họ. Trang ghi *lịch sử git* là trang người đó đã sửa theo lịch sử git "
        "mà không có tên trong mục “Những người thực hiện” của trang.",
        "pages": "Trang",
        "git_pages": "Lịch sử git",
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
        "contributors": "Contributors",
        "contributors_intro": "Everyone who translated, wrote or reviewed the book, in Vietnamese alphabetical "
        "order, with their pages. Pages under *git history* come from the page's git history, not its "
        "contributors section.",
        "pages": "Pages",
        "git_pages": "Git history",
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

    # In book order: a chapter is a run of pages of one folder as the toc lists them (a page of
    # the root folder listed after the chapters, "Lời cảm ơn", is a group of its own).
    from translation_tools.status import Stats

    position = {src: number for number, src in enumerate(book.order)}

    def place(page) -> tuple[int, str]:
        return (position.get(src_of(page.path) or "", len(position)), page.path)

    runs: list[tuple[str, list]] = []
    for page in sorted(report.pages, key=place):
        key = chapter_of(page.path)
        if runs and runs[-1][0] == key:
            runs[-1][1].append(page)
        else:
            runs.append((key, [page]))
    for chapter_key, pages in runs:
        stats = Stats()
        for page in pages:
            stats = stats + page.stats
        title = _chapter_title(book, [src_of(page.path) for page in pages], edition, chapter_key)
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


def _chapter_title(book: Book, sources: list[str | None], edition: str, folder: str) -> str:
    """A group's title: its folder's index page when the group holds it, else the page the toc
    lists its pages under, else its one page's title; a folder name only when nothing is known."""
    known = [src for src in sources if src and src in book.pages]
    if not known:
        return folder
    directory = posixpath.dirname(known[0])
    index_src = posixpath.join(directory, "index.md") if directory else "index.md"
    if index_src in known:
        return book.pages[index_src].nav_title(edition)
    parents = [info for info in book.pages.values() if known[0] in info.children]
    if parents and parents[0].src_uri != "index.md":
        return parents[0].nav_title(edition)
    if len(known) == 1 or index_src not in book.pages:
        return book.pages[known[0]].nav_title(edition)
    return book.pages[index_src].nav_title(edition)


CONTRIBUTOR_HEADING = re.compile(r"^## (?P<name>.+?)\s*$")
CONTRIBUTOR_LINE = re.compile(r"^- (?P<vi>[^/:]+?) / (?P<en>[^:]+?): (?P<rest>.*)$")
PAGE_PATH = re.compile(r"`([^`]+)`")


def contributors_markdown(text: str, book: Book, edition: str, src_of, url_to) -> str:
    """The contributors page from ``contributors.md`` (``translation-tools contributors``): each
    person with their pages as links by title, in book order, in the edition's language."""
    if not any(CONTRIBUTOR_HEADING.match(line) for line in text.split("\n")):
        return text  # written by hand, not by the command: shown as written
    t = TEXT[edition]
    position = {src: number for number, src in enumerate(book.order)}
    out = ["---", "search:", "  exclude: true", "---", "", f"# {t['contributors']}", "", t["contributors_intro"], ""]
    for line in text.split("\n"):
        heading = CONTRIBUTOR_HEADING.match(line)
        if heading:
            out += ["", f'<h2 class="tt-contributor">{html.escape(heading.group("name"))}</h2>', ""]
            continue
        item = CONTRIBUTOR_LINE.match(line)
        if not item:
            continue
        label = item.group(edition).strip()
        paths = PAGE_PATH.findall(item.group("rest"))
        if not paths:  # counts: "12 từ / words, 3 trang / page(s)"
            value = re.sub(r"(\d+) ([^/,]+?) / ([^,]+)", r"\1 \2" if edition == "vi" else r"\1 \3", item.group("rest"))
            out.append(f"- {html.escape(label)}: {html.escape(value)}")
            continue
        links = []
        sources = [(src_of(path), path) for path in paths]
        for src, path in sorted(sources, key=lambda pair: (position.get(pair[0] or "", len(position)), pair[1])):
            info = book.pages.get(src) if src else None
            if info is None:
                links.append(f"<code>{html.escape(path)}</code>")
            else:
                links.append(f'<a href="{url_to(src, "")}">{html.escape(info.nav_title(edition))}</a>')
        out.append(f"- {html.escape(label)}: " + ", ".join(links))
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
