"""The patterns of the bilingual format and the Markdown around it, defined once.

The parser, the writers (scaffold, update), ``check``, the site and the notebook export all
take their patterns from here, so that what counts as a placeholder, a label line or a marker
is decided in one place.
"""

from __future__ import annotations

import re
import unicodedata

# --- Markdown --------------------------------------------------------------------------------

# A fence opening or closing line (CommonMark: at most three spaces of indent).
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
# An inline code span; the backreference is group 1, so put it first when combining.
CODE_SPAN_PATTERN = r"(`+)[^`]+?\1(?!`)"
CODE_SPAN = re.compile(CODE_SPAN_PATTERN)
# $…$ not preceded by a backslash or another dollar, and not $$; then $$…$$ across lines.
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\\n])+?)\$(?!\$)")
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.DOTALL)
MATH = re.compile(DISPLAY_MATH.pattern + "|" + INLINE_MATH.pattern, re.DOTALL)
# An ATX heading line: level marks, then the title (closing #s and {attrs} left out).
HEADING = re.compile(r"(#{1,6})\s+(.*?)\s*(\{[^}]*\})?\s*#*\s*$")
HEADING_START = re.compile(r"(#{1,6})(\s|$)")
# A setext underline (the line under a title): === for level 1, --- for level 2.
SETEXT_UNDERLINE = re.compile(r" {0,3}(=+|-+)[ \t]*")
# Block starts CommonMark shares between the editions (outside comments, never translated):
# a link reference definition, an HTML block (not a comment), a thematic break, indented code.
LINK_DEFINITION = re.compile(r" {0,3}\[(?:[^\]\\]|\\.)+\]:\s*\S.*")
HTML_BLOCK = re.compile(r" {0,3}<(?:/?[A-Za-z][A-Za-z0-9-]*(?:[\s/>]|$)|\?|![A-Z]|!\[CDATA\[)")
THEMATIC_BREAK = re.compile(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*")
INDENTED_CODE = re.compile(r"(?: {4}| {0,3}\t).*\S.*")
LIST_OR_QUOTE = re.compile(r" {0,3}(?:[*+-]|\d{1,9}[.)])(?:[ \t]|$)| {0,3}>")

# An image alone: ![caption](target "title"){attrs}
IMAGE = re.compile(r"!\[(?P<caption>.*)\]\((?P<src>[^)\s]+)(?:\s+\"[^\"]*\")?\)(?P<attrs>\{[^}]*\})?\s*$", re.DOTALL)

# --- d2lbook ---------------------------------------------------------------------------------

# References and labels inside text: :numref:`sec_rnn`, :eqref:`eq_x`, :cite:`A.2014`, and the
# textual citation :citet:`A.2014` ("A (2014)", a citation used as the sentence's subject).
REFERENCE = re.compile(r":(numref|eqref|citet|cite|ref|label|eqlabel):`([^`\n]*)`")
# A line of its own holding a directive: :label:`x`, :width:`400px`, :begin_tab:`pytorch`, :end_tab:
# (a reference alone on a line, :eqref:`x` in hard-wrapped English, is part of its paragraph).
DIRECTIVE_LINE = re.compile(r":(?!(?:numref|eqref|citet|cite|ref):)[a-z_]+:(`[^`]*`)?\s*")
# The label directives on such a line: (name, value).
LABEL_DIRECTIVE = re.compile(r":(label|eqlabel):`([^`]*)`")
DIRECTIVE = re.compile(r":([a-z_]+):`([^`]*)`")
# d2lbook's table caption: a ":Caption" line (not a directive) over the table, a blank line between.
TABLE_CAPTION_LINE = re.compile(r":(?![a-z_]+:)(?P<caption>.*\S)\s*")
TABLE_CAPTION = re.compile(r"\s*:(?![a-z_]+:)(?P<caption>[^\n]*\S)[ \t]*\n[ \t]*\n(?=[ \t]*\|)")
TAB_BEGIN = re.compile(r":begin_tab:(`[^`]*`)?\s*")
TAB_END = re.compile(r":end_tab:\s*")

# A toc entry names a page by its path without ".md"; d2l-vn names its pages `rnn_vn.md`
# and lists them as `rnn` or `rnn_vn`.
SOURCE_SUFFIX = "_vn"


def toc_targets(entry: str) -> list[str]:
    """The files (relative to the toc's page) a toc entry may name, in the order they are tried."""
    name = entry.strip().removesuffix(".md")
    bare = name.removesuffix(SOURCE_SUFFIX)
    found: list[str] = []
    for target in (
        f"{name}.md",
        f"{name}/index.md",
        f"{bare}.md",
        f"{bare}{SOURCE_SUFFIX}.md",
        f"{bare}/index{SOURCE_SUFFIX}.md",
    ):
        if target not in found:
            found.append(target)
    return found


# --- The bilingual format ----------------------------------------------------------------------

COMMENT_OPEN = "<!--"
COMMENT_CLOSE = "-->"
# How a writer keeps '-->' inside a comment without closing it (read back by ``unescape_comment``).
ESCAPED_CLOSE = "--&gt;"

# Placeholders: the *dịch … trên* family ("translate the … above"), never any phrase that
# merely starts with "dịch" (*dịch máy* is machine translation, a real translation).
PLACEHOLDER = re.compile(r"\*\s*dịch\b[^*\n]*\btrên\s*\*", re.IGNORECASE)
PARAGRAPH_PLACEHOLDER = "*dịch đoạn phía trên*"
HEADING_PLACEHOLDER = "*dịch tiêu đề phía trên*"
CAPTION_PLACEHOLDER = "*dịch chú thích ảnh phía trên*"

# The outdated marker: the exact line writers use, and what the parser accepts.
OUTDATED_MARKER = "<!-- outdated: the English above changed; review the translation, then delete this line -->"
OUTDATED_COMMENT = re.compile(r"<!--\s*outdated\b.*-->\s*", re.IGNORECASE)

# Review state of a translation, on its own line between the English and the slot:
# "<!-- draft -->" (machine or unreviewed text, "<!-- draft: machine -->" says where it came
# from) and "<!-- reviewed: Full Name -->".
DRAFT_MARKER = "<!-- draft -->"
REVIEW_MARKER = re.compile(r"<!--\s*(?P<state>draft|reviewed)\b\s*(?::\s*(?P<detail>.*?))?\s*-->\s*", re.IGNORECASE)
# What the writers put on that line: "<!-- reviewed: Full Name -->", "<!-- draft: machine -->".
REVIEWED_MARKER = "<!-- reviewed: {name} -->"
DRAFT_FROM_MARKER = "<!-- draft: {origin} -->"
# A comment that starts like a review marker (check reports it when REVIEW_MARKER does not match).
REVIEW_LIKE = re.compile(r"<!--\s*(?:draft|review(?:ed|er)?|reviewd)\b", re.IGNORECASE)

# A translation whose English vanished in an update: "<!-- removed: …" (spacing free).
REMOVED = re.compile(r"<!--\s*removed:", re.IGNORECASE)
REMOVED_NOTE = "removed: the English of this translation is gone from the new version; reuse it or delete this comment"

# d2l-vn marks English that replaced an older version with "<!-- UPDATE": the comment before it
# is the superseded English (kept, not translated) and "UPDATE" is not part of the text.
UPDATE_TAG = re.compile(r"<!--\s*UPDATE\b\s*")

# Part and review markers: <!-- ===== Bắt đầu dịch Phần 3 ===== -->, <!-- Phần 2 -->, REVISE PHẦN 1 - BẮT ĐẦU.
MARKER_TEXT = re.compile(
    r"(=+\s+\S.*\s=+|-{3,}\s+\S.*\s-{3,}|phần\s+\d+.*|(bắt đầu|kết thúc)\s+(dịch|review|hiệu đính)\b.*|revise\s+phần\b.*)",
    re.IGNORECASE,
)

# The credits section: "## Những người thực hiện" (or ###), one "* Full Name" bullet a person.
CONTRIBUTORS_TITLE = "Những người thực hiện"
CONTRIBUTORS_HEADING = "## " + CONTRIBUTORS_TITLE
NAME_BULLET = re.compile(r"\s*[*+-](?![*+-])(\s*)(.*)")

# Letters only Vietnamese uses among Latin scripts (tone marks, ă â đ ê ô ơ ư), NFC.
VIETNAMESE_LETTERS = frozenset(
    "ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
    "ĂÂĐÊÔƠƯÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ"
)
# Characters that change nothing on screen but break comparisons.
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"[^\W\d_]+")


def clean(text: str) -> str:
    """The form text is compared in: NFC, zero-width characters removed."""
    return ZERO_WIDTH.sub("", unicodedata.normalize("NFC", text))


def is_vietnamese(text: str) -> bool:
    """True when at least a third of the words carry letters only Vietnamese uses."""
    words = _WORD.findall(clean(text))
    if not words:
        return False
    marked = sum(1 for word in words if not VIETNAMESE_LETTERS.isdisjoint(word))
    return marked * 3 >= len(words)


def escape_comment(text: str) -> str:
    """Text made safe to sit inside an HTML comment."""
    return text.replace(COMMENT_CLOSE, ESCAPED_CLOSE)


def unescape_comment(text: str) -> str:
    return text.replace(ESCAPED_CLOSE, COMMENT_CLOSE)
