"""Parse a bilingual page into a ``Document``: a line scanner, one pass, no regex per line.

The block structure (comments, fences, display math, labels) follows the
CommonMark rules markdown-it-py applies; ``tests/test_tt_parse.py`` checks the
two agree on the book. A hand-written scanner keeps ``status`` over a thousand
pages under a second, which a full Markdown tokenizer cannot.
"""

from __future__ import annotations

import os
import re
import unicodedata

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
)
from translation_tools.syntax import CODE_SPAN, FENCE

CONTRIBUTORS_TITLE = "Những người thực hiện"

# Characters str.splitlines() treats as line ends besides \n and \r\n.
_OTHER_BREAKS = "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # (and a lone \r)
_SIMPLE_YAML = re.compile(r"([A-Za-z_][\w-]*):[ \t]+([A-Za-z][\w@./+-]*)[ \t]*")
_YAML_WORDS = frozenset(["y", "yes", "n", "no", "true", "false", "on", "off", "null"])
_LABEL = re.compile(r":[a-z_]+:(`[^`]*`)?\s*")  # :label:`x`, :width:`400px`, :begin_tab:`pytorch`, :end_tab:
_OUTDATED = re.compile(r"<!--\s*outdated\b.*-->\s*", re.IGNORECASE)
_MARKER_TEXT = re.compile(
    r"(=+.*=+|-{3,}.*-{3,}|phần\s+\d+.*|(bắt đầu|kết thúc)\s+(dịch|review|hiệu đính)\b.*)",
    re.IGNORECASE,
)
_MARKER_FIRST = "=-PpBbKk"
_BREAK_FIRST = "<`~$:#"
_PLACEHOLDER = re.compile(r"\*\s*dịch\b[^*\n]*\*", re.IGNORECASE)
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")
_WORD = re.compile(r"\w")
_BULLET = re.compile(r"\s*[*+-](?!\*)(\s*)(.*)")
_SPACES = re.compile(r"\s+")
_HEADING = re.compile(r"(#{1,6})(\s|$)")


class FormatError(ValueError):
    """Malformed input, reported as ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message

    def __reduce__(self):
        return (type(self), (self.path, self.line, self.message))


def split_lines(text: str) -> list[str]:
    """Split on ``\\n`` only, keeping each line's ending (``\\r\\n`` stays whole)."""
    if not any(char in text for char in _OTHER_BREAKS) and ("\r" not in text or text.count("\r") == text.count("\r\n")):
        return text.splitlines(True)  # same result, done in C, when no other line break occurs
    lines = text.split("\n")
    last = lines.pop()
    lines = [line + "\n" for line in lines]
    if last:
        lines.append(last)
    return lines


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
    """NFC and single spaces: the form names are compared and printed in."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", raw)).strip()


def placeholder_only(slot: str) -> bool:
    """True when a slot says nothing but ``*dịch … *`` (plus Markdown syntax)."""
    if not slot:
        return True
    if "*" not in slot and "](" not in slot:
        return _WORD.search(slot) is None
    text = _PLACEHOLDER.sub("", unicodedata.normalize("NFC", slot))
    text = _LINK_TARGET.sub("]", text)
    return _WORD.search(text) is None


def has_placeholder(slot: str) -> bool:
    """A ``*dịch … *`` placeholder outside inline code (a guide may quote one in backticks)."""
    text = CODE_SPAN.sub("", unicodedata.normalize("NFC", slot))
    return _PLACEHOLDER.search(text) is not None


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
            elif line[0] == ":" and _LABEL.fullmatch(line):
                self.add(Block("label", i + 1, i + 1, self.raw[i]))
                i += 1
            elif line[0] == "#" and self.contributors_heading(i):
                i = self.contributors_section(i)
            else:
                j = self.prose_end(i + 1)
                self.add(Block("other", i + 1, j, self.text(i, j - 1)))
                i = j
        doc = Document(self.path, self.blocks, self.front_matter, self.contributors)
        return doc

    # --- line tests -------------------------------------------------------

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
            return _LABEL.fullmatch(line) is not None
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
        title = unicodedata.normalize("NFC", line.lstrip("#")).strip()
        return _SPACES.sub(" ", title) == CONTRIBUTORS_TITLE

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

    def comment(self, i: int) -> int:
        stripped = self.stripped
        j = self.comment_end(i)
        if stripped[i] == "<!--" and j > i + 1:
            first = stripped[i + 1]
            if first and first[0] not in _MARKER_FIRST:
                return self.segment(i, j)  # the usual shape: English from the next line on
        if j == i:
            line = stripped[i]
            is_marker = _OUTDATED.fullmatch(line) or self.is_marker(line[4:].split("-->")[0])
            self.add(Block("marker" if is_marker else "comment", i + 1, i + 1, self.raw[i]))
            return i + 1
        if j - i <= 2:  # a short comment may be empty or a part marker rather than English
            pieces = [stripped[i][4:], *stripped[i + 1 : j], stripped[j].split("-->")[0]]
            pieces = [piece.strip() for piece in pieces if piece.strip()]
            if not pieces:
                self.add(Block("comment", i + 1, j + 1, self.text(i, j)))
                return j + 1
            if all(piece[0] in _MARKER_FIRST and self.is_marker(piece) for piece in pieces):
                self.add(Block("marker", i + 1, j + 1, self.text(i, j)))
                return j + 1
        if stripped[i][4:].lstrip()[:8].lower() == "removed:":
            # A translation whose English vanished in an update (see scaffold.py): kept, not a segment.
            self.add(Block("comment", i + 1, j + 1, self.text(i, j)))
            return j + 1
        return self.segment(i, j)

    def is_marker(self, text: str) -> bool:
        return _MARKER_TEXT.fullmatch(unicodedata.normalize("NFC", text.strip())) is not None

    def segment(self, i: int, j: int) -> int:
        """English comment on lines i..j, then blank lines, outdated markers and the slot."""
        raw = self.raw
        stripped = self.stripped
        n = len(raw)
        end = j  # last line of the segment so far
        outdated_line = None
        k = j + 1
        while k < n:
            line = stripped[k]
            if not line:
                k += 1
            elif line.startswith("<!--") and _OUTDATED.fullmatch(line):
                outdated_line = k + 1
                end = k
                k += 1
            else:
                break
        first = k
        breaks = self.breaks_prose
        while k < n:
            line = stripped[k]
            if not line or (line[0] in _BREAK_FIRST and breaks(k)):
                break
            k += 1
        if k > first:
            if k == first + 1:
                translation = raw[first].rstrip("\r\n")
            else:
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
                "segment", i + 1, end + 1, text, translation, state, i + 1, j + 1, slot_start, slot_end, outdated_line
            )
        )
        return end + 1

    def fence(self, i: int) -> int:
        match = self.fence_at(i)
        marker = match.group(1)
        info = match.group(2).strip()
        char, size = marker[0], len(marker)
        n = len(self.raw)
        for j in range(i + 1, n):
            line = self.stripped[j]
            if (
                line.startswith(char * size)
                and not line.strip(char)
                and len(self.raw[j]) - len(self.raw[j].lstrip(" ")) < 4
            ):
                break
        else:
            raise self.error(i, f"unterminated code fence: add a closing '{marker}' line")
        kind = "toc" if info.split(" ")[0].strip("{}.") == "toc" else "code"
        body = "".join(self.raw[i + 1 : j]).replace("\r\n", "\n").rstrip("\n")
        self.add(CodeBlock(kind, i + 1, j + 1, self.text(i, j), info, body))
        return j + 1

    def math(self, i: int) -> int:
        line = self.stripped[i]
        if len(line) >= 4 and line.endswith("$$"):
            j = i
        else:
            n = len(self.raw)
            for j in range(i + 1, n):
                if self.stripped[j].endswith("$$"):
                    break
                if not self.stripped[j]:
                    raise self.error(i, "unterminated display math: close it with '$$' before the blank line")
            else:
                raise self.error(i, "unterminated display math: close it with '$$'")
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
            heading = _HEADING.match(line)
            if heading and len(heading.group(1)) <= level:
                break
            bullet = _BULLET.fullmatch(line) if line else None
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
