"""The whole book seen at once: pages in toc order, their numbers, every label, the nav.

Built once per build from the parsed documents, before any page is rendered, so
a reference on page 1 can name a figure on page 20.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field

from translation_tools.document import UNTRANSLATED, Block, CodeBlock, Document, Segment, heading_text
from translation_tools.site.sanitize import escape_title, plain_text
from translation_tools.syntax import DIRECTIVE, HEADING, toc_targets

EDITIONS = ("vi", "en")
NAMES = {
    "chapter": {"vi": "Chương", "en": "Chapter"},
    "section": {"vi": "Mục", "en": "Section"},
    "figure": {"vi": "Hình", "en": "Figure"},
    "table": {"vi": "Bảng", "en": "Table"},
}


class BookError(ValueError):
    """A problem in the book's sources, reported as ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")


@dataclass(slots=True)
class Target:
    """Something a ``:label:`` names: a heading, figure, table or equation."""

    name: str
    kind: str  # chapter | section | figure | table | equation | anchor
    number: str | None
    src_uri: str
    anchor: str | None  # None: the page itself
    titles: dict[str, str]
    path: str
    line: int

    def text(self, edition: str) -> str:
        """Link text of a ``:numref:``: "Hình 1.3.2", or the title when unnumbered."""
        if self.kind == "equation":
            return f"({self.number})" if self.number else "(?)"
        if self.number and self.kind in NAMES:
            return f"{NAMES[self.kind][edition]} {self.number}"
        return self.titles.get(edition) or self.name


@dataclass(slots=True)
class PageInfo:
    src_uri: str
    path: str  # as printed in messages: docs/chapter_rnn/rnn.md
    doc: Document
    number: tuple[int, ...] | None = None
    children: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)
    # block index -> {"label": (value, line), "width": (value, line), ...}
    attached: dict[int, dict[str, tuple[str, int]]] = field(default_factory=dict)
    # block index -> ("section" | "figure" | ..., number or None)
    numbers: dict[int, tuple[str, str | None]] = field(default_factory=dict)

    def nav_title(self, edition: str) -> str:
        title = self.titles.get(edition) or self.src_uri
        return f"{dotted(self.number)} {title}" if self.number else title


def dotted(number: tuple[int, ...] | None) -> str:
    return ".".join(map(str, number)) + "." if number else ""


def plain_title(markdown: str) -> str:
    """Heading Markdown to nav text: no emphasis marks, code ticks or attribute lists."""
    match = HEADING.match(markdown.strip().split("\n")[0])
    text = match.group(2) if match else markdown.strip().split("\n")[0]
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return plain_text(re.sub(r"[*_`$]", "", text)).strip()


def split_heading(markdown: str) -> tuple[int, str, str] | None:
    """(level, title Markdown, the lines after the heading) when ``markdown`` opens with an
    ATX (``# Title``) or setext (``Title`` over ``===``/``---``) heading, as the model reads it."""
    lines = markdown.strip().split("\n")
    if heading_text("\n".join(lines[:2])) is None:  # it reads no further than the underline
        return None
    atx = HEADING.match(lines[0].strip())
    if atx and lines[0].startswith("#"):
        return len(atx.group(1)), atx.group(2), "\n".join(lines[1:])
    level = 1 if lines[1].strip().startswith("=") else 2
    return level, lines[0].strip(), "\n".join(lines[2:])


def heading_of(block: Block, edition: str) -> tuple[int, str] | None:
    """(level, Markdown text) when ``block`` is a heading in ``edition``."""
    if isinstance(block, Segment):
        if split_heading(block.english) is None:
            return None
        source = block.english if edition == "en" or block.state == UNTRANSLATED else block.translation
    elif block.kind == "other":
        source = block.text
    else:
        return None
    parts = split_heading(source)
    return (parts[0], parts[1]) if parts else None


class Book:
    """Pages in toc order with numbers, labels and the nav of each edition."""

    def __init__(self, documents: dict[str, PageInfo], report=None, drafts: bool = False) -> None:
        """``report(message)``, when given, receives missing toc pages and duplicate labels
        instead of an error (the build goes on without them).
        Pages whose front matter says ``draft: true`` stay out of the toc tree unless ``drafts``."""
        self.pages = documents
        self.report = report
        self.drafts = drafts
        self.order: list[str] = []
        self.labels: dict[str, Target] = {}
        if "index.md" in self.pages:
            self._walk_toc("index.md", None, root=True, seen=set())
        self.toc_pages = set(self.order)
        for src_uri in sorted(self.pages):
            if src_uri not in self.order:
                self.order.append(src_uri)
        for src_uri in self.order:
            self._collect(self.pages[src_uri])

    # --- toc tree ---------------------------------------------------------------

    def toc_entries(self, info: PageInfo, only: CodeBlock | None = None) -> list[tuple[str, bool]]:
        """(src_uri, numbered) for every entry of the page's toc blocks (or block ``only``), in order."""
        entries = []
        blocks = (
            [only] if only is not None else [b for b in info.doc.blocks if isinstance(b, CodeBlock) and b.kind == "toc"]
        )
        for block in blocks:
            options = [line.strip() for line in block.body.split("\n") if line.strip().startswith(":")]
            numbered = any(option.startswith(":numbered:") for option in options)
            for offset, line in enumerate(block.body.split("\n"), start=1):
                name = line.strip()
                if not name or name.startswith(":"):
                    continue
                candidates = [self.resolve(info.src_uri, candidate) for candidate in toc_targets(name)]
                target = next((c for c in candidates if c in self.pages), candidates[0])
                if target not in self.pages:
                    error = BookError(
                        info.path, block.start + offset, f"toc entry '{name}' names no page: expected {target} in docs/"
                    )
                    if self.report is None:
                        raise error
                    self.report(str(error))
                    continue
                entries.append((target, numbered))
        return entries

    def is_draft(self, src_uri: str) -> bool:
        return bool(self.pages[src_uri].doc.front_matter.get("draft"))

    @staticmethod
    def resolve(src_uri: str, name: str) -> str:
        target = name if name.endswith(".md") else name + ".md"
        if target.startswith("/"):
            return target.lstrip("/")
        return posixpath.normpath(posixpath.join(posixpath.dirname(src_uri), target))

    def _walk_toc(self, src_uri: str, number, root: bool, seen: set[str]) -> None:
        seen.add(src_uri)
        self.order.append(src_uri)
        info = self.pages[src_uri]
        info.number = number
        entries = self.toc_entries(info)
        explicit = any(numbered for _, numbered in entries)
        count = 0
        for child, numbered in entries:
            if child in seen or (self.is_draft(child) and not self.drafts):
                continue
            info.children.append(child)
            if root:
                numbered = numbered if explicit else child.startswith("chapter")
            else:
                numbered = number is not None
            child_number = None
            if numbered:
                count += 1
                child_number = (*(number or ()), count)
            self._walk_toc(child, child_number, False, seen)

    # --- labels and numbers -----------------------------------------------------

    def _collect(self, info: PageInfo) -> None:
        blocks = info.doc.blocks
        counters = {"figure": 0, "table": 0, "equation": 0}
        levels = [0] * 7
        target_index = None  # the block a following :label: line attaches to
        for index, block in enumerate(blocks):
            if block.kind == "blank":
                continue
            if block.kind == "label":
                match = DIRECTIVE.search(block.text)
                if match is None or target_index is None:
                    continue
                info.attached.setdefault(target_index, {})[match.group(1)] = (match.group(2).strip(), block.start)
                continue
            target_index = index
            kind = self._kind(block, index, levels, info)
            if kind in counters and kind != "equation":
                counters[kind] += 1
                info.numbers[index] = (kind, self._number(info, counters[kind]))
        title = info.doc.front_matter.get("title")
        if not info.titles and isinstance(title, str):
            info.titles = {"vi": title, "en": title}
        # Only labelled equations get a number, as in d2lbook.
        for index in sorted(info.attached):
            if info.doc.blocks[index].kind == "math" and {"label", "eqlabel"} & info.attached[index].keys():
                counters["equation"] += 1
                info.numbers[index] = ("equation", self._number(info, counters["equation"]))
        self._register_labels(info)

    @staticmethod
    def _number(info: PageInfo, count: int) -> str:
        return ".".join(map(str, (*(info.number or ()), count)))

    def _kind(self, block: Block, index: int, levels: list[int], info: PageInfo) -> str | None:
        heading = heading_of(block, "vi")
        if heading is not None:
            level, text = heading
            if level == 1 and not info.titles:
                info.titles["vi"] = plain_title("# " + text)
                english = heading_of(block, "en")
                info.titles["en"] = plain_title("# " + english[1]) if english else info.titles["vi"]
            levels[level] += 1
            for deeper in range(level + 1, 7):
                levels[deeper] = 0
            number = None
            if info.number is not None:
                if level == 1:
                    number = ".".join(map(str, info.number))
                elif level <= 3:
                    number = ".".join(map(str, (*info.number, *levels[2 : level + 1])))
            kind = "chapter" if level == 1 and info.number is not None and len(info.number) == 1 else "section"
            info.numbers[index] = (kind, number)
            return None
        if block.kind == "math":
            return "equation"
        if isinstance(block, Segment) and block.role == "figure":
            return "figure"
        if isinstance(block, Segment) and block.role == "table":
            return "table"
        return None

    def _register_labels(self, info: PageInfo) -> None:
        for index, directives in info.attached.items():
            for key in ("label", "eqlabel"):
                if key not in directives:
                    continue
                name, line = directives[key]
                block = info.doc.blocks[index]
                kind, number = info.numbers.get(index, ("anchor", None))
                heading = heading_of(block, "vi")
                titles = {}
                if heading is not None:
                    titles = {
                        edition: plain_title("# " + parts[1])
                        for edition in EDITIONS
                        if (parts := heading_of(block, edition)) is not None
                    }
                anchor = None if heading is not None and heading[0] == 1 else name
                if name in self.labels:
                    first = self.labels[name]
                    error = BookError(
                        info.path,
                        line,
                        f"duplicate label '{name}': already defined at {first.path}:{first.line}; rename one of them",
                    )
                    if self.report is None:
                        raise error
                    self.report(str(error))  # references go to the first definition
                    continue
                self.labels[name] = Target(name, kind, number, info.src_uri, anchor, titles, info.path, line)

    # --- nav --------------------------------------------------------------------

    def nav(self, edition: str) -> list:
        """MkDocs ``nav`` from the toc tree: chapters become sections with their index page."""
        if "index.md" not in self.pages:
            return []
        root = self.pages["index.md"]
        nav: list = [{escape_title(root.titles.get(edition) or "index"): "index.md"}]
        for child in root.children:
            nav.append(self._nav_item(child, edition))
        return nav

    def _nav_item(self, src_uri: str, edition: str):
        info = self.pages[src_uri]
        title = escape_title(info.nav_title(edition))  # the theme writes nav titles unescaped
        if not info.children:
            return {title: src_uri}
        return {title: [src_uri, *(self._nav_item(child, edition) for child in info.children)]}
