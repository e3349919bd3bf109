"""Parse a bilingual page into a ``Document``: a line scanner, one pass, no regex per line.

The block structure (comments, fences, display math, labels) follows the
CommonMark rules markdown-it-py applies; ``tests/test_tt_parse.py`` checks the
two agree on the book. A hand-written scanner keeps ``status`` over a thousand
pages under a second, which a full Markdown tokenizer cannot.
"""

from __future__ import annotations

import os
import re

from translation_tools.document import (
    OUTDATED,
    TRANSLATED,
    UNTRANSLATED,
    Block,
    CodeBlock,
    ContributorEntry,
    ContributorsBlock,
    Document,
    FrontMatterBlock,
    Segment,
    comment_body,
)
from translation_tools.syntax import (
    CODE_SPAN,
    CONTRIBUTORS_TITLE,
    DIRECTIVE_LINE,
    FENCE,
    HEADING_START,
    HTML_BLOCK,
    IMAGE,
    INDENTED_CODE,
    LINK_DEFINITION,
    LIST_OR_QUOTE,
    MARKER_TEXT,
    NAME_BULLET,
    OUTDATED_COMMENT,
    PLACEHOLDER,
    REMOVED,
    REVIEW_MARKER,
    TAB_BEGIN,
    TAB_END,
    TABLE_CAPTION_LINE,
    THEMATIC_BREAK,
    UPDATE_TAG,
    clean,
    is_vietnamese,
)

__all__ = ["CONTRIBUTORS_TITLE", "FormatError", "parse", "parse_file"]

# Characters str.splitlines() treats as line ends besides \n, \r\n and \r: kept inside lines.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r)|[^\r\n]+$")
_SIMPLE_YAML = re.compile(r"([A-Za-z_][\w-]*):[ \t]+([A-Za-z][\w@./+-]*)[ \t]*")
_YAML_WORDS = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])
_MARKER_FIRST = "=-PpBbKkRr"
_BREAK_FIRST = "<`~$:#"
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")
_WORD = re.compile(r"\w")
_SPACES = re.compile(r"\s+")
_LINK_OR_HTML = re.compile(r"\[[^\]]*\]\(|<[A-Za-z/!]")
_EMPHASIS_NOTE = re.compile(r"\*[^*\s][^*]*\*")  # *Lần cập nhật gần nhất: …*, an italic line


class FormatError(ValueError):
    """Malformed input, reported as ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message

    def diagnostic(self) -> str:
        """The line ``check`` prints for it (and the site build, and the execution plugin)."""
        return f"{self.path}:{self.line}: error: {self.message}"

    def __reduce__(self):
        return (type(self), (self.path, self.line, self.message))


def split_lines(text: str) -> list[str]:
    """Split at ``\\n``, ``\\r\\n`` and a lone ``\\r`` (old Mac files), keeping each line's ending."""
    if not any(char in text for char in _OTHER_BREAKS):
        return text.splitlines(True)  # same result, done in C, when no other line break occurs
    return _LINE.findall(text)


def simple_yaml(lines: list[str]) -> dict | None:
    """``key: word`` lines read without loading PyYAML (it costs more than parsing a page).

    Only values YAML itself reads as plain strings qualify (a letter first, no
    spaces, not yes/no/true/null…); anything else returns None and goes to PyYAML.
    """
    data = {}
    for line in lines:
        match = _SIMPLE_YAML.fullmatch(line)
        if (
            match is None
            or match.group(2).lower() in _YAML_WORDS
            or match.group(1).lower() in _YAML_WORDS
            or match.group(1) in data
        ):
            return None
        data[match.group(1)] = match.group(2)
    return data or None


def normalize_name(raw: str) -> str:
    """NFC, no zero-width characters, single spaces: the form names are compared and printed in."""
    return _SPACES.sub(" ", clean(raw)).strip()


def placeholder_only(slot: str) -> bool:
    """True when a slot says nothing but a ``*dịch … trên*`` placeholder (plus Markdown syntax)."""
    if not slot:
        return True
    if "*" not in slot and "](" not in slot:
        return _WORD.search(slot) is None
    text = PLACEHOLDER.sub("", clean(slot))
    text = _LINK_TARGET.sub("]", text)
    return _WORD.search(text) is None


def has_placeholder(slot: str) -> bool:
    """A ``*dịch … trên*`` placeholder outside inline code (a guide may quote one in backticks)."""
    text = CODE_SPAN.sub("", clean(slot))
    return PLACEHOLDER.search(text) is not None


def is_outdated_marker(line: str) -> bool:
    return OUTDATED_COMMENT.fullmatch(line.strip()) is not None


def is_marker_text(text: str) -> bool:
    """Part and review markers: ``===== Bắt đầu dịch Phần 3 =====``, ``Phần 2``, ``REVISE PHẦN 1``."""
    return MARKER_TEXT.fullmatch(clean(text).strip()) is not None


def comment_role(body: str) -> str:
    """What a comment holds: ``english`` (to translate), ``code``, ``math``, ``image``, ``vietnamese`` or ``empty``."""
    text = body.strip()
    if not text:
        return "empty"
    if text.startswith(("```", "~~~")) and _fenced_whole(text):
        return "code"
    if text.startswith("$$") and text.endswith("$$"):
        return "math"
    lines = [line for line in text.split("\n") if not DIRECTIVE_LINE.fullmatch(line.strip())]
    image = IMAGE.match("\n".join(lines).strip()) if lines else None
    if image and not image.group("caption").strip():
        return "image"
    if is_vietnamese(text):
        return "vietnamese"
    return "english"


def _fenced_whole(text: str) -> bool:
    """``text`` is one fenced code block: an opening fence line, then its closing fence last."""
    lines = text.split("\n")
    opening = FENCE.fullmatch(lines[0])
    if opening is None or (opening.group(1)[0] == "`" and "`" in opening.group(2)) or len(lines) < 2:
        return False
    marker = opening.group(1)
    last = lines[-1].strip()
    return last.startswith(marker[0] * len(marker)) and not last.strip(marker[0])


def is_name_bullet(line: str) -> re.Match[str] | None:
    """``* Full Name`` (or ``*Name``): a contributor; italic notes, links, HTML and rules are not."""
    stripped = line.strip()
    if _EMPHASIS_NOTE.fullmatch(stripped) or _LINK_OR_HTML.search(stripped):
        return None
    match = NAME_BULLET.fullmatch(stripped)
    if match is None or not match.group(2).strip() or set(match.group(2)) <= set("-*_ "):
        return None
    return match


def parse_file(path: str | os.PathLike[str], display: str | None = None) -> Document:
    """Read and parse one page; any problem becomes a ``FormatError``."""
    name = display or os.fspath(path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise FormatError(name, 1, "no such file: check the path") from None
    except IsADirectoryError:
        raise FormatError(name, 1, "is a directory: pass a Markdown file or use a command that scans folders") from None
    except OSError as error:
        raise FormatError(name, 1, f"cannot read the file ({error.strerror})") from None
    if b"\x00" in data:
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        raise FormatError(name, line, "binary file (NUL byte): only UTF-8 Markdown pages belong here")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise FormatError(name, line, "not valid UTF-8: re-save the file with UTF-8 encoding") from None
    return parse(text, path=name)


def parse(text: str, path: str = "<string>") -> Document:
    """Parse a page; raises ``FormatError`` for empty or malformed input."""
    if not text or text.isspace():
        raise FormatError(path, 1, "empty file: write the page or delete the file")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FormatError(path, line, "binary file (NUL byte): only UTF-8 Markdown pages belong here")
    return _Scanner(text, path).run()


class _Scanner:
    """Walks the lines once, appending blocks; ``i`` is a 0-based line index."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.raw = split_lines(text)
        # Line content without ending or BOM, stripped of surrounding blanks.
        stripped = list(map(str.strip, self.raw))
        if stripped and stripped[0].startswith("\ufeff"):
            stripped[0] = stripped[0][1:].strip()
        self.stripped = stripped
        self.blocks: list = []
        self.front_matter: dict = {}
        self.contributors: list[str] = []

    def error(self, index: int, message: str) -> FormatError:
        return FormatError(self.path, index + 1, message)

    def add(self, block):
        self.blocks.append(block)

    def text(self, first: int, last: int) -> str:
        if first == last:
            return self.raw[first]
        return "".join(self.raw[first : last + 1])

    def run(self) -> Document:
        i = 0
        n = len(self.raw)
        stripped = self.stripped
        if stripped[0] == "---":
            i = self.front_matter_block()
        while i < n:
            line = stripped[i]
            if not line:
                j = i + 1
                while j < n and not stripped[j]:
                    j += 1
                self.add(Block("blank", i + 1, j, self.text(i, j - 1)))
                i = j
            elif line.startswith("<!--"):
                i = self.comment(i)
            elif line[0] in "`~" and self.fence_at(i):
                i = self.fence(i)
            elif line.startswith("$$"):
                i = self.math(i)
            elif line[0] == ":" and DIRECTIVE_LINE.fullmatch(line):
                self.add(Block("label", i + 1, i + 1, self.raw[i]))
                i += 1
            elif line[0] == "#" and self.contributors_heading(i):
                i = self.contributors_section(i)
            elif (kind := self.shared_start(i)) is not None:
                i = self.shared(i, kind)
            else:
                j = self.prose_end(i + 1)
                self.add(Block("other", i + 1, j, self.text(i, j - 1)))
                i = j
        doc = Document(self.path, self.blocks, self.front_matter, self.contributors)
        return doc

    # --- line tests -------------------------------------------------------

    def shared_start(self, i: int) -> str | None:
        """``definition``, ``html``, ``rule`` or ``code`` (indented) when such a block starts on line i."""
        raw = self.raw[i].rstrip("\r\n")
        first = self.stripped[i][0]
        if first == "[" and LINK_DEFINITION.fullmatch(raw):
            return "definition"
        if first == "<" and HTML_BLOCK.match(raw):
            return "html"
        if first in "-*_" and THEMATIC_BREAK.fullmatch(raw):
            return "rule"
        if raw[:1] in (" ", "\t") and INDENTED_CODE.fullmatch(raw) and self.after_block(i):
            return "code"
        return None

    def after_block(self, i: int) -> bool:
        """Line i follows a blank line (or starts the page) and the block above is not prose,
        which an indented line could be continuing (a list item's second paragraph)."""
        if i > 0 and self.stripped[i - 1]:
            return False
        previous = next((block for block in reversed(self.blocks) if block.kind != "blank"), None)
        return previous is None or previous.kind not in ("other", "contributors")

    def shared(self, i: int, kind: str) -> int:
        """A block both editions show as it is; returns the index after it."""
        n = len(self.raw)
        j = i + 1
        if kind == "rule":
            j = i + 1
        elif kind == "code":  # indented lines, blank lines between them
            last = i
            while j < n:
                if self.stripped[j]:
                    if not INDENTED_CODE.fullmatch(self.raw[j].rstrip("\r\n")):
                        break
                    last = j
                j += 1
            j = last + 1
        else:
            while j < n and self.stripped[j] and not (kind == "definition" and self.stripped[j].startswith("<!--")):
                j += 1
        text = self.text(i, j - 1)
        if kind == "code":
            self.add(CodeBlock("code", i + 1, j, text, "", text.replace("\r\n", "\n").rstrip("\n")))
        else:
            self.add(Block(kind, i + 1, j, text))
        return j

    def fence_at(self, i: int):
        line = self.raw[i].rstrip("\r\n")
        match = FENCE.fullmatch(line.lstrip("\ufeff") if i == 0 else line)
        if not match:
            return None
        if match.group(1)[0] == "`" and "`" in match.group(2):
            return None
        return match

    def breaks_prose(self, i: int) -> bool:
        """Lines that end a slot or a paragraph: blank, comment, fence, math, label."""
        line = self.stripped[i]
        if not line:
            return True
        first = line[0]
        if first not in _BREAK_FIRST:
            return False
        if first == "<":
            return line.startswith("<!--")
        if first in "`~":
            return self.fence_at(i) is not None
        if first == "$":
            return line.startswith("$$")
        if first == ":":
            return DIRECTIVE_LINE.fullmatch(line) is not None
        if first == "#":
            return self.contributors_heading(i)
        return False

    def prose_end(self, j: int) -> int:
        n = len(self.raw)
        while j < n and not self.breaks_prose(j):
            j += 1
        return j

    def contributors_heading(self, i: int) -> bool:
        line = self.stripped[i]
        if not (line.startswith(("## ", "### "))):
            return False
        return normalize_name(line.lstrip("#")) == CONTRIBUTORS_TITLE

    # --- block readers: each returns the index after its block ---------------

    def front_matter_block(self) -> int:
        n = len(self.raw)
        for j in range(1, n):
            if self.stripped[j] in ("---", "..."):
                break
        else:
            raise self.error(0, "unterminated front matter: close the YAML with a '---' line")
        source = "".join(self.raw[1:j])
        data = {}
        simple = simple_yaml(self.stripped[1:j])
        if simple is not None:
            data = simple
        elif source.strip():
            import yaml

            loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
            try:
                data = yaml.load(source, Loader=loader)
            except yaml.YAMLError as error:
                mark = getattr(error, "problem_mark", None)
                line = mark.line + 1 if mark else 0  # 0-based index: YAML starts on line 2
                problem = getattr(error, "problem", None) or "invalid YAML"
                raise self.error(
                    line, f"front matter is not valid YAML ({problem}): fix the YAML between the '---' lines"
                ) from None
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise self.error(1, "front matter must be a YAML mapping of 'key: value' lines")
        self.front_matter = data
        self.add(FrontMatterBlock("front_matter", 1, j + 1, self.text(0, j), data))
        return j + 1

    def comment_end(self, i: int) -> int:
        """Index of the line closing the comment opened on line ``i``."""
        if "-->" in self.stripped[i][4:]:
            return i
        n = len(self.raw)
        for j in range(i + 1, n):
            if "-->" in self.raw[j]:
                return j
        raise self.error(i, "unterminated comment: add '-->' on its own line after the English text")

    def comment_kind(self, i: int, j: int) -> str:
        """What the comment on lines i..j is: ``english``, ``math``, ``marker``, ``note``, ``removed`` or ``comment``."""
        stripped = self.stripped
        if j == i and (is_outdated_marker(stripped[i]) or REVIEW_MARKER.fullmatch(stripped[i])):
            return "marker"
        if REMOVED.match(stripped[i]):
            return "removed"
        if j - i <= 2:  # a short comment may be a part marker rather than English
            pieces = [stripped[i][4:], *stripped[i + 1 : j]]
            if j > i:
                pieces.append(stripped[j].split("-->")[0])
            else:
                pieces[0] = pieces[0].split("-->")[0]
            pieces = [piece.strip() for piece in pieces if piece.strip()]
            if pieces and all(piece[0] in _MARKER_FIRST and is_marker_text(piece) for piece in pieces):
                return "marker"
        body = comment_body([line.rstrip("\r\n") for line in self.raw[i : j + 1]])
        if j == i:  # a one-line comment (<!--more-->, a note) is never English to translate
            return "note" if is_vietnamese(body) else "comment"
        if body.isascii() and body and body[0] not in "`~$!" and "![" not in body:
            return "english"  # the usual case, decided without a closer look
        role = comment_role(body)
        if role == "vietnamese":
            return "note"
        if role == "english" or role == "math":
            return role
        return "comment"

    def comment(self, i: int) -> int:
        j = self.comment_end(i)
        kind = self.comment_kind(i, j)
        if kind == "english" and self.superseded(j + 1):
            kind = "comment"
        if kind == "english" or (kind == "math" and self.math_follows(j + 1)):
            return self.segment(i, j)
        self.add(Block("comment" if kind == "math" else kind, i + 1, j + 1, self.text(i, j)))
        return j + 1

    def prose_after_markers(self, k: int) -> bool:
        """After blank lines and more markers, a translation (prose) follows, not another English comment."""
        n = len(self.raw)
        while k < n:
            line = self.stripped[k]
            if not line:
                k += 1
            elif line.startswith("<!--"):
                close = self.comment_end(k)
                if self.comment_kind(k, close) != "marker" or is_outdated_marker(line):
                    return False
                k = close + 1
            else:
                return not self.breaks_prose(k) and not HEADING_START.match(line)
        return False

    def superseded(self, k: int) -> bool:
        """An ``<!-- UPDATE`` comment follows (after blank lines): this English is the old version."""
        n = len(self.raw)
        while k < n and not self.stripped[k]:
            k += 1
        return k < n and UPDATE_TAG.match(self.stripped[k]) is not None

    def math_follows(self, k: int) -> bool:
        """A display math block starts at line k, after blank lines and outdated or review markers:
        a translated formula."""
        n = len(self.raw)
        stripped = self.stripped
        while k < n and (
            not stripped[k] or is_outdated_marker(stripped[k]) or REVIEW_MARKER.fullmatch(stripped[k]) is not None
        ):
            k += 1
        return k < n and self.stripped[k].startswith("$$")

    def segment(self, i: int, j: int) -> int:
        """English comment(s) on lines i..j, then blank lines, notes, outdated markers and the slot."""
        raw = self.raw
        stripped = self.stripped
        n = len(raw)
        english_end = end = j  # last line of the English, and of the segment so far
        outdated_line = None
        review: tuple[str, str, int] | None = None
        k = j + 1
        while k < n:
            line = stripped[k]
            if not line:
                k += 1
            elif is_outdated_marker(line):
                outdated_line = k + 1
                end = k
                k += 1
            elif line.startswith("<!--") and (review_match := REVIEW_MARKER.fullmatch(line)):
                review = (review_match.group("state").lower(), (review_match.group("detail") or "").strip(), k + 1)
                end = k
                k += 1
            elif line.startswith("<!--"):
                close = self.comment_end(k)
                kind = self.comment_kind(k, close)
                if kind == "note":  # a translator's note between the English and its slot
                    end = k = close
                    k += 1
                elif kind == "english" and outdated_line is None and self.caption_then_table(i, k, close):
                    english_end = end = k = close  # a table caption and its table: one translation after both
                    k += 1
                elif kind == "marker" and self.prose_after_markers(close + 1):
                    end = k = close  # part markers between an English paragraph and its translation
                    k += 1
                else:
                    break
            else:
                break
        first = k
        k = self.slot_end(first)
        if k > first:
            translation = "\n".join([line.rstrip("\r\n") for line in raw[first:k]])
            end = k - 1
            slot_start = first + 1
            slot_end = k
        else:
            translation = ""
            after = end + 1  # 0-based index of the line after the segment
            slot_start = after + 2 if after < n and not stripped[after] else after + 1
            slot_end = slot_start - 1
        if placeholder_only(translation):
            state = UNTRANSLATED
        elif outdated_line is not None:
            state = OUTDATED
        else:
            state = TRANSLATED
        text = "".join(raw[i : end + 1])
        self.blocks.append(
            Segment(
                "segment",
                i + 1,
                end + 1,
                text,
                translation,
                state,
                i + 1,
                english_end + 1,
                slot_start,
                slot_end,
                outdated_line,
                *(review or (None, "", None)),
            )
        )
        return end + 1

    def caption_then_table(self, caption: int, table: int, close: int) -> bool:
        """d2lbook writes a table's caption as a ``:Caption`` line above it; real pages comment them apart."""
        first = comment_body(
            [self.raw[caption].rstrip("\r\n"), *[line.rstrip("\r\n") for line in self.raw[caption + 1 : table]]]
        )
        second = comment_body([line.rstrip("\r\n") for line in self.raw[table : close + 1]])
        return TABLE_CAPTION_LINE.fullmatch(first.split("\n", 1)[0]) is not None and second.startswith("|")

    def slot_end(self, first: int) -> int:
        """Index after the slot starting at ``first``: prose paragraphs, a formula or a tab block."""
        stripped = self.stripped
        n = len(self.raw)
        if first >= n:
            return first
        line = stripped[first]
        if line.startswith("$$"):  # a translated formula
            return self.math_end(first) + 1
        if line.startswith(":begin_tab:") and TAB_BEGIN.fullmatch(line):
            for k in range(first + 1, n):
                if TAB_END.fullmatch(stripped[k]):
                    return k + 1
            return first
        k = first
        breaks = self.breaks_prose
        in_list = LIST_OR_QUOTE.match(self.raw[first]) is not None
        while True:
            start = k
            while k < n and not (not stripped[k] or (stripped[k][0] in _BREAK_FIRST and breaks(k))):
                k += 1
            while in_list and k < n and self.raw[k][:1] in (" ", "\t") and self.fence_at(k):
                k = self.fence_end(k) + 1  # a code block inside a translated list item
                while k < n and not (not stripped[k] or (stripped[k][0] in _BREAK_FIRST and breaks(k))):
                    k += 1
            if k == start:
                return k
            # A translation may have several paragraphs: prose after blank lines, before the next
            # comment, fence, formula, label or heading, still belongs to this slot.
            after = k
            while after < n and not stripped[after]:
                after += 1
            if after == k or after >= n:
                return k
            if in_list and self.raw[after][:1] in (" ", "\t") and self.fence_at(after):
                k = after  # the item goes on with a code block
                continue
            if breaks(after) or HEADING_START.match(stripped[after]):
                return k
            if self.shared_paragraph(first, after):
                return k
            k = after

    def shared_paragraph(self, slot: int, i: int) -> bool:
        """A block after a blank line that is not more translation: a link definition, an HTML
        block, a rule, or indented code (unless the slot is a list or quote it may continue)."""
        raw = self.raw[i].rstrip("\r\n")
        first = self.stripped[i][0]
        if (
            (first == "[" and LINK_DEFINITION.fullmatch(raw))
            or (first == "<" and HTML_BLOCK.match(raw))
            or (first in "-*_" and THEMATIC_BREAK.fullmatch(raw))
        ):
            return True
        return bool(INDENTED_CODE.fullmatch(raw)) and not LIST_OR_QUOTE.match(self.raw[slot])

    def fence_end(self, i: int) -> int:
        """Index of the line closing the fence opened on line ``i``."""
        match = self.fence_at(i)
        marker = match.group(1)
        char, size = marker[0], len(marker)
        for j in range(i + 1, len(self.raw)):
            line = self.stripped[j]
            if (
                line.startswith(char * size)
                and not line.strip(char)
                and len(self.raw[j]) - len(self.raw[j].lstrip(" ")) < 4
            ):
                return j
        raise self.error(i, f"unterminated code fence: add a closing '{marker}' line")

    def fence(self, i: int) -> int:
        match = self.fence_at(i)
        info = match.group(2).strip()
        j = self.fence_end(i)
        kind = "toc" if info.split(" ")[0].strip("{}.") == "toc" else "code"
        body = "".join(self.raw[i + 1 : j]).replace("\r\n", "\n").rstrip("\n")
        self.add(CodeBlock(kind, i + 1, j + 1, self.text(i, j), info, body))
        return j + 1

    def math_end(self, i: int) -> int:
        """Index of the line closing the display math opened on line ``i``."""
        line = self.stripped[i]
        if len(line) >= 4 and line.endswith("$$"):
            return i
        n = len(self.raw)
        for j in range(i + 1, n):
            if self.stripped[j].endswith("$$"):
                return j
            if not self.stripped[j]:
                raise self.error(i, "unterminated display math: close it with '$$' before the blank line")
        raise self.error(i, "unterminated display math: close it with '$$'")

    def math(self, i: int) -> int:
        j = self.math_end(i)
        self.add(Block("math", i + 1, j + 1, self.text(i, j)))
        return j + 1

    def contributors_section(self, i: int) -> int:
        level = len(self.stripped[i]) - len(self.stripped[i].lstrip("#"))
        n = len(self.raw)
        entries: list[ContributorEntry] = []
        j = i + 1
        while j < n:
            line = self.stripped[j]
            if line.startswith("<!--"):
                j = self.comment_end(j) + 1
                continue
            if line and line[0] in "`~" and self.fence_at(j):
                j = self.fence(j)
                self.blocks.pop()  # the fence stays inside this section
                continue
            heading = HEADING_START.match(line)
            if heading and len(heading.group(1)) <= level:
                break
            bullet = is_name_bullet(line) if line else None
            if bullet:
                name = normalize_name(bullet.group(2))
                if name:
                    entries.append(ContributorEntry(j + 1, self.raw[j].rstrip("\r\n"), name))
            j += 1
        # Blank lines before the next heading belong between blocks, not to the section.
        last = j - 1
        while last > i and not self.stripped[last] and j < n:
            last -= 1
        block = ContributorsBlock("contributors", i + 1, last + 1, self.text(i, last), entries)
        self.add(block)
        for entry in entries:
            if entry.name not in self.contributors:
                self.contributors.append(entry.name)
        return last + 1
