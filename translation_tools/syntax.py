"""The few Markdown and d2lbook patterns every module agrees on, defined once."""

from __future__ import annotations

import re

# A fence opening or closing line (CommonMark: at most three spaces of indent).
FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
# An inline code span; the backreference is group 1, so put it first when combining.
CODE_SPAN_PATTERN = r"(`+)[^`]+?\1(?!`)"
CODE_SPAN = re.compile(CODE_SPAN_PATTERN)
# $…$ not preceded by a backslash or another dollar, and not $$; then $$…$$ across lines.
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:\\.|[^$\\\n])+?)\$(?!\$)")
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.DOTALL)
MATH = re.compile(DISPLAY_MATH.pattern + "|" + INLINE_MATH.pattern, re.DOTALL)
# d2lbook references and labels: :numref:`sec_rnn`, :eqref:`eq_x`, :cite:`A.2014`.
REFERENCE = re.compile(r":(numref|eqref|cite|ref|label|eqlabel):`([^`\n]*)`")
