"""One page of the book as the Markdown of one edition (vi or en), from the parsed document.

The Vietnamese edition shows each translation with its English original a click
away, or the English marked "chưa dịch" with an edit link; the English edition
shows the English. Code, math, labels and toc blocks are shared by both.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from translation_tools.document import DRAFT, OUTDATED, UNTRANSLATED, Block, CodeBlock, Segment
from translation_tools.edition import edition_text
from translation_tools.mdtext import sub_references
from translation_tools.site import bib
from translation_tools.site.book import Book, BookError, PageInfo, heading_of, split_heading
from translation_tools.site.mathml import MathError, to_mathml
from translation_tools.syntax import DIRECTIVE_LINE, IMAGE, TAB_BEGIN, TAB_END, TABLE_CAPTION

UI = {
    "vi": {
        "badge": "chưa dịch",
        "translate": "Dịch đoạn này",
        "toggle": "EN",
        "toggle_title": "Xem bản gốc tiếng Anh",
        "outdated": "Bản gốc tiếng Anh của đoạn này đã thay đổi sau khi được dịch; bản dịch có thể chưa cập nhật.",
        "show_all": "Hiện bản gốc tiếng Anh",
        "hide_all": "Ẩn bản gốc tiếng Anh",
        "draft": "bản nháp",
        "draft_title": "Bản dịch nháp (dịch máy hoặc chưa được hiệu đính): đọc kèm bản gốc tiếng Anh.",
    },
    "en": {"monolingual": "This page exists only in Vietnamese."},
}
CUSTOM_TEXT = re.compile(r"(?P<text>.*?)\s*<(?P<name>[^>]+)>\s*$", re.DOTALL)


@dataclass
class Context:
    """Everything the rendering of one page in one edition needs."""

    book: Book
    info: PageInfo
    edition: str
    edit_url: str | None  # the page's source in the web editor, without #L
    outputs: dict = field(default_factory=dict)
    bibliography: dict = field(default_factory=dict)
    cited: list[str] = field(default_factory=list)
    # report(message) instead of failing on an unknown label or citation, or LaTeX that does not convert
    report: Callable[[str], None] | None = None


def render(ctx: Context) -> str:
    """The page's Markdown in ``ctx.edition``."""
    pieces: list[str] = []
    blocks = ctx.info.doc.blocks
    switch = ctx.edition == "vi" and any(seg.state != UNTRANSLATED for seg in ctx.info.doc.segments())
    for index, block in enumerate(blocks):
        piece = _block(ctx, index, block)
        if piece is None:
            continue
        pieces.append(piece.strip("\n"))
        if switch and heading_of(block, "vi") is not None:
            pieces.append(
                f'<button type="button" id="tt-show-all" class="tt-show-all" aria-pressed="false" data-search-exclude="1" '
                f'data-show="{UI["vi"]["show_all"]}" data-hide="{UI["vi"]["hide_all"]}">{UI["vi"]["show_all"]}</button>'
            )
            switch = False
    references = references_html(ctx)
    if references:
        pieces.append(references)
    text = "\n\n".join(pieces) + "\n"
    if ctx.edition == "en" and ctx.info.doc.monolingual:
        note = f'<p class="tt-monolingual-note" lang="en">{UI["en"]["monolingual"]}</p>'
        text = f'{note}\n\n<div class="tt-monolingual" lang="vi" markdown="1">\n\n{text}\n</div>\n'
    return text


def _block(ctx: Context, index: int, block: Block) -> str | None:
    kind = block.kind
    if isinstance(block, Segment):
        return _segment(ctx, index, block)
    if kind == "code":
        return block.text.rstrip("\n") + "\n\n" + (ctx.outputs.get(block.start) or "")
    if kind == "math":
        return _math(ctx, index, block)
    if kind == "toc" and isinstance(block, CodeBlock):
        return _toc(ctx, block)
    if kind == "other":
        return _other(ctx, index, block)
    if kind in ("definition", "html", "rule", "comment"):
        return block.text.rstrip("\n")  # shared by both editions as written
    if kind == "label" and TAB_BEGIN.fullmatch(block.text.strip()):
        return _tabs(block.text.strip())
    return None  # blank lines, labels (attached to their target), :end_tab:, comments, contributors


# --- segments ----------------------------------------------------------------


def _segment(ctx: Context, index: int, seg: Segment) -> str:
    if heading_of(seg, ctx.edition) is not None:
        return _heading(ctx, index, seg)
    if seg.role == "figure" and IMAGE.match(seg.english.strip()):
        return _figure(ctx, index, seg)
    vi = ctx.edition == "vi"
    label = _label(ctx, index)
    attrs = f' id="{label}"' if label else ""
    if not vi:
        body = _prose(ctx, index, seg, seg.english, seg.english_start)
        return f'<div class="tt-seg"{attrs} markdown="1">\n\n{body}\n\n</div>' if attrs else body
    if seg.state == UNTRANSLATED:
        body = _prose(ctx, index, seg, seg.english, seg.english_start, "en")
        return (
            f'<div class="tt-seg tt-untranslated" lang="en" id="{label or f"tt-L{seg.slot_start}"}" markdown="1">\n\n'
            f"{body}\n\n{_untranslated_note(ctx, seg)}\n\n</div>"
        )
    body = _prose(ctx, index, seg, seg.translation, seg.slot_start)
    english = _prose(ctx, index, seg, seg.english, seg.english_start, "en", numbered=False)
    outdated = seg.state == OUTDATED
    draft = seg.review_state == DRAFT
    if (outdated or draft) and not label:
        attrs = f' id="tt-L{seg.slot_start}"'  # the progress page links here
    classes = "tt-seg tt-outdated" if outdated else "tt-seg tt-draft" if draft else "tt-seg"
    notice = f'<p class="tt-outdated-note" data-search-exclude="1">{UI["vi"]["outdated"]}</p>\n\n' if outdated else ""
    notice += _draft_note(seg) + "\n\n" if draft else ""
    return (
        f'<div class="{classes}"{attrs} markdown="1">\n\n{body}\n\n{notice}'
        f"{_original(english, open_=outdated)}\n\n</div>"
    )


def _prose(
    ctx: Context,
    index: int,
    seg: Segment,
    text: str,
    first_line: int,
    edition: str | None = None,
    numbered: bool = True,
) -> str:
    """A segment's text as shown: tabs captioned, directive lines written inside an English comment
    (a table's ``:label:``) left out, a table's ``:Caption`` line (d2lbook's) over its table with
    the table's number, references linked."""
    text = "\n".join(line for line in _tabs(text).split("\n") if not _directive_line(line))
    caption = TABLE_CAPTION.match(text)
    title = _refs(ctx, caption.group("caption"), seg, first_line, edition) if caption else ""
    body = _refs(ctx, text[caption.end() :] if caption else text, seg, first_line, edition)
    return _table_caption(ctx, index, title, numbered) + body


def _directive_line(line: str) -> bool:
    return line.startswith(":") and DIRECTIVE_LINE.fullmatch(line.strip()) is not None


def _tabs(text: str) -> str:
    """d2lbook's ``:begin_tab:`pytorch``` … ``:end_tab:`` lines: the site shows every tab, each
    under a caption naming it."""
    if ":begin_tab:" not in text and ":end_tab:" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        begin = TAB_BEGIN.fullmatch(line.strip())
        if begin:
            name = html.escape((begin.group(1) or "").strip("`"))
            lines += [f'<p class="tt-tab-name" data-search-exclude="1">{name}</p>', ""] if name else []
        elif not TAB_END.fullmatch(line.strip()):
            lines.append(line)
    return "\n".join(lines)


def _original(english: str, open_: bool = False) -> str:
    """The English original in a <details>, closed unless asked."""
    return (
        f'<details class="tt-orig" lang="en" data-search-exclude="1"{" open" if open_ else ""} markdown="1">\n'
        f'<summary class="tt-toggle" title="{UI["vi"]["toggle_title"]}">{UI["vi"]["toggle"]}</summary>\n\n'
        f"{english}\n\n</details>"
    )


def _draft_note(seg: Segment) -> str:
    """The "bản nháp" badge of a draft translation (machine or unreviewed text); "" for others."""
    if seg.review_state != DRAFT:
        return ""
    return (
        f'<p class="tt-draft-note" lang="vi" data-search-exclude="1"><span class="tt-badge tt-badge-draft" '
        f'title="{UI["vi"]["draft_title"]}">{UI["vi"]["draft"]}</span></p>'
    )


def _untranslated_note(ctx: Context, seg: Segment) -> str:
    link = ""
    if ctx.edit_url:
        href = html.escape(f"{ctx.edit_url}#L{seg.slot_start}")
        link = f' <a class="tt-edit" href="{href}" data-line="{seg.slot_start}">{UI["vi"]["translate"]}</a>'
    return f'<p class="tt-untranslated-note" lang="vi" data-search-exclude="1"><span class="tt-badge">{UI["vi"]["badge"]}</span>{link}</p>'


def _heading_parts(seg: Segment, edition: str) -> tuple[int, str]:
    parts = heading_of(seg, edition)
    assert parts is not None, "render() sends only headings here"
    return parts


def _heading(ctx: Context, index: int, seg: Segment) -> str:
    level, text = _heading_parts(seg, ctx.edition)
    vi = ctx.edition == "vi"
    untranslated = vi and seg.state == UNTRANSLATED
    line_base = seg.english_start if (not vi or untranslated) else seg.slot_start
    text = _refs(ctx, text, seg, line_base, "en" if untranslated else None)
    attrs = []
    label = _label(ctx, index)
    if label:
        attrs.append(f"#{label}")
    elif untranslated or (vi and seg.review_state == DRAFT):
        attrs.append(f"#tt-L{seg.slot_start}")
    if untranslated:
        attrs += ['lang="en"', ".tt-untranslated"]
    line = "#" * level + " " + _numbered(ctx, index, text) + (" { " + " ".join(attrs) + " }" if attrs else "")
    if not vi:
        return line
    if untranslated:
        return f"{line}\n\n{_untranslated_note(ctx, seg)}"
    english = _heading_parts(seg, "en")[1]
    notice = (
        f'\n\n<p class="tt-outdated-note" data-search-exclude="1">{UI["vi"]["outdated"]}</p>'
        if seg.state == OUTDATED
        else ""
    )
    notice += "\n\n" + _draft_note(seg) if seg.review_state == DRAFT else ""
    return (
        f'{line}\n\n<p class="tt-orig tt-orig-heading" lang="en" data-search-exclude="1" hidden markdown="span">'
        f"{_refs(ctx, english, seg, seg.english_start, 'en')}</p>{notice}"
    )


def _numbered(ctx: Context, index: int, text: str) -> str:
    number = ctx.info.numbers.get(index, (None, None))[1]
    return f"{number}. {text}" if number else text


def _figure(ctx: Context, index: int, seg: Segment) -> str:
    vi = ctx.edition == "vi"
    untranslated = vi and seg.state == UNTRANSLATED
    source = edition_text(seg, ctx.edition).strip()
    match = IMAGE.match(source) or IMAGE.match(seg.english.strip())
    english = IMAGE.match(seg.english.strip())
    assert match is not None and english is not None, "render() sends only figures here"
    caption = _refs(
        ctx,
        match.group("caption"),
        seg,
        seg.english_start if not vi or untranslated else seg.slot_start,
        "en" if untranslated else None,
    )
    label = _label(ctx, index)
    number = ctx.info.numbers.get(index, (None, None))[1]
    width = ctx.info.attached.get(index, {}).get("width", (None, 0))[0]
    image_attrs = f'{{ width="{html.escape(width)}" }}' if width else (match.group("attrs") or "")
    alt = re.sub(r"[*_`$\[\]]", "", match.group("caption")).replace('"', "'")  # text: no marks, no math
    name = {"vi": "Hình", "en": "Figure"}[ctx.edition]
    prefix = f'<span class="tt-fignum">{name} {number}:</span> ' if number else ""
    draft = vi and seg.review_state == DRAFT
    figure_attrs = f' id="{label}"' if label else (f' id="tt-L{seg.slot_start}"' if untranslated or draft else "")
    lang = ' lang="en"' if untranslated else ""
    classes = "tt-figure tt-untranslated" if untranslated else "tt-figure"
    parts = [
        f'<figure class="{classes}"{figure_attrs}{lang} markdown="1">',
        f"![{alt}]({match.group('src')}){image_attrs}",
        f'<figcaption markdown="span">{prefix}{caption}</figcaption>',
    ]
    if untranslated:
        parts.append(_untranslated_note(ctx, seg))
    elif vi:
        if draft:
            parts.append(_draft_note(seg))
        parts.append(
            _original(_refs(ctx, english.group("caption"), seg, seg.english_start, "en"), open_=seg.state == OUTDATED)
        )
    parts.append("</figure>")
    return "\n\n".join(parts)


def _table_caption(ctx: Context, index: int, title: str = "", numbered: bool = True) -> str:
    """The line over a table: its number when it has one, its title when written ("Bảng 1.2: title")."""
    kind, number = ctx.info.numbers.get(index, (None, None))
    name = ""
    if numbered and kind == "table" and number:
        name = {"vi": "Bảng", "en": "Table"}[ctx.edition] + f" {number}"
    text = f"{name}: {title}" if name and title else name or title
    span = ' markdown="span"' if title else ""
    return f'<p class="tt-tabnum"{span}>{text}</p>\n\n' if text else ""


def _label(ctx: Context, index: int) -> str | None:
    directives = ctx.info.attached.get(index, {})
    for key in ("label", "eqlabel"):
        if key in directives:
            return directives[key][0]
    return None


# --- other blocks --------------------------------------------------------------


def _math(ctx: Context, index: int, block: Block) -> str:
    latex = block.text.strip()
    latex = latex[2:-2] if latex.endswith("$$") and len(latex) >= 4 else latex[2:]
    try:
        mathml = to_mathml(latex, display=True)
    except MathError as error:
        problem = BookError(ctx.info.path, block.start, str(error))
        if ctx.report is None:
            raise problem from None
        ctx.report(str(problem))
        mathml = f'<code class="tt-math-error">{html.escape(latex)}</code>'  # shown as written
    label = _label(ctx, index)
    number = ctx.info.numbers.get(index, (None, None))[1]
    attrs = f' id="{label}"' if label else ""
    eqno = f'<span class="tt-eqno">({number})</span>' if number else ""
    return f'<div class="tt-math"{attrs}>{mathml}{eqno}</div>'


def _toc(ctx: Context, block: CodeBlock) -> str:
    """The toc block's pages as a list; with ``:maxdepth: N`` (d2lbook's option), their own toc
    pages nested under them down to N levels (the home page's ``:maxdepth: 2``: every chapter
    with its sections)."""
    depth = _maxdepth(block)
    items = []
    for src_uri, _numbered_flag in ctx.book.toc_entries(ctx.info, block):
        items += _toc_item(ctx, src_uri, 1, depth)
    return '<div class="tt-toc" markdown="1">\n\n' + "\n".join(items) + "\n\n</div>"


def _toc_item(ctx: Context, src_uri: str, level: int, depth: int) -> list[str]:
    child = ctx.book.pages[src_uri]
    href = posixpath.relpath(src_uri, posixpath.dirname(ctx.info.src_uri) or ".")
    lines = ["    " * (level - 1) + f"- [{child.nav_title(ctx.edition)}]({href})"]
    if level < depth:
        for grandchild in child.children:
            lines += _toc_item(ctx, grandchild, level + 1, depth)
    return lines


def _maxdepth(block: CodeBlock) -> int:
    for line in block.body.split("\n"):
        option = re.fullmatch(r":maxdepth:\s*(\d+)", line.strip())
        if option:
            return max(int(option.group(1)), 1)
    return 1


def _other(ctx: Context, index: int, block: Block) -> str:
    # Prose outside segments is the page's own language: Vietnamese words for its references.
    text = _refs(ctx, block.text.rstrip("\n"), block, block.start, "vi" if ctx.info.doc.monolingual else None)
    heading = split_heading(text)
    if heading:  # ATX or setext, written as ATX with the number and label
        level, title, rest = heading
        label = _label(ctx, index)
        attrs = f" {{ #{label} }}" if label else ""
        first = "#" * level + " " + _numbered(ctx, index, title) + attrs
        text = first + ("\n" + rest if rest else "")
    return text


# --- inline references -----------------------------------------------------------


def _refs(ctx: Context, text: str, block: Block, first_line: int, edition: str | None = None) -> str:
    """Replace :numref:, :eqref:, :cite:, :citet: outside code spans with Markdown links."""
    edition = edition or ctx.edition

    def replace(role: str, value: str) -> str:
        written = f":{role}:`{value}`"
        if role in ("label", "eqlabel"):
            return written  # definitions are attached to their target, not links
        line = _line_of(block, written, first_line)
        value = value.strip()
        if role in ("cite", "citet"):
            return _cite(ctx, value, line, edition, textual=role == "citet")
        custom = CUSTOM_TEXT.match(value)
        name = custom.group("name").strip() if custom else value
        target = ctx.book.labels.get(name)
        if target is None and ctx.report is not None:
            ctx.report(f"{ctx.info.path}:{line}: unknown label '{name}' in :{role}:")
            return "??"
        if target is None:
            raise BookError(
                ctx.info.path,
                line,
                f"unknown label '{name}' in :{role}:: define it with :label:`{name}` or fix the name",
            )
        text = custom.group("text") if custom and custom.group("text") else target.text(edition)
        return f"[{text}]({_href(ctx, target.src_uri, target.anchor)})"

    return sub_references(text, replace)


def _href(ctx: Context, src_uri: str, anchor: str | None) -> str:
    fragment = f"#{anchor}" if anchor else ""
    if src_uri == ctx.info.src_uri:
        return fragment or "#"
    return posixpath.relpath(src_uri, posixpath.dirname(ctx.info.src_uri) or ".") + fragment


def _cite(ctx: Context, value: str, line: int, edition: str, textual: bool = False) -> str:
    """``:cite:`` as "(Elman, 1990; Cho et al., 2014)"; ``:citet:`` as "Elman (1990) and Cho et al. (2014)",
    each name linked to its entry in the page's references."""
    parts = []
    for key in (key.strip() for key in value.split(",")):
        if not key:
            continue
        entry = ctx.bibliography.get(key)
        if entry is None and ctx.report is not None:
            ctx.report(f"{ctx.info.path}:{line}: unknown citation key '{key}'")
            parts.append(html.escape(key))
            continue
        if entry is None:
            raise BookError(
                ctx.info.path, line, f"unknown citation key '{key}': add it to docs/references.bib or fix the key"
            )
        if key not in ctx.cited:
            ctx.cited.append(key)
        parts.append(f"[{entry.textual(edition) if textual else entry.short(edition)}](#{bib.anchor(key)})")
    if textual:
        return ", ".join(parts[:-1]) + f" {bib.AND[edition]} " + parts[-1] if len(parts) > 1 else "".join(parts)
    return "(" + "; ".join(parts) + ")"


def _line_of(block: Block, needle: str, first_line: int) -> int:
    """The source line of ``needle`` in ``block``, searching from ``first_line``."""
    lines = block.text.split("\n")
    start = max(first_line - block.start, 0)
    for offset, line in enumerate(lines[start:], start=start):
        if needle in line:
            return block.start + offset
    for offset, line in enumerate(lines):
        if needle.split("`")[0] in line:
            return block.start + offset
    return first_line


def references_html(ctx: Context) -> str:
    """The page's references list, in order of first citation."""
    if not ctx.cited:
        return ""
    title = {"vi": "Tài liệu tham khảo", "en": "References"}[ctx.edition]
    items = "".join(
        f'<li id="{bib.anchor(key)}">{ctx.bibliography[key].full_html(ctx.edition)}</li>' for key in ctx.cited
    )
    return f'<section class="tt-references"><h2 id="tt-references">{title}</h2><ol>{items}</ol></section>'
