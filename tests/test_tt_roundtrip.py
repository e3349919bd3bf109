"""The invariant ``write(parse(x)) == x`` over generated documents mixing every construct.

Normal runs try 300 documents; set ``TT_FUZZ_EXAMPLES=5000`` for a long fuzzing run.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from translation_tools.parse import FormatError, parse
from translation_tools.write import write

SAFE_WORDS = [
    "state",
    "trạng thái",
    "ẩn",
    "$x_t$",
    "`nn.RNN`",
    ":numref:`sec_rnn`",
    "[link](a.md)",
    "*dịch đoạn phía trên*",
    "**đậm**",
    "#",
    "|",
    "*",
    "Đặng",
]
# Structural tokens may appear anywhere but at the start of a line, where they would open a block.
WORDS = st.sampled_from([*SAFE_WORDS, "-->", "<!--", "$$", "```", "~~~"])
LINE = st.builds(lambda first, rest: " ".join([first, *rest]), st.sampled_from(SAFE_WORDS), st.lists(WORDS, max_size=5))
PROSE = st.lists(LINE, min_size=1, max_size=3).map("\n".join)

SEGMENT = st.builds(
    lambda english, outdated, slot: "<!--\n" + english + "\n-->\n" + outdated + "\n" + slot + "\n",
    st.lists(
        st.sampled_from(["A paragraph.", "# Heading", "* item", "| a | b |", "![Cap.](x.svg)"]), min_size=1, max_size=3
    ).map("\n".join),
    st.sampled_from(["", "<!-- outdated: review -->\n", "<!--OUTDATED-->\n"]),
    st.one_of(st.just(""), st.just("*dịch đoạn phía trên*"), PROSE),
)
CODE = st.builds(
    lambda body, info: f"```{info}\n{body}\n```\n",
    PROSE.filter(lambda s: "```" not in s),
    st.sampled_from(["", "python", "toc", "{.python .input}"]),
)
MATH = st.sampled_from(["$$x = 1$$\n", "$$\n\\begin{aligned}a &= b\\end{aligned}\n$$\n:eqlabel:`eq_a`\n"])
LABEL = st.sampled_from([":label:`sec_a`\n", ":width:`400px`\n"])
MARKER = st.sampled_from(["<!-- Phần 1 -->\n", "<!-- ===== Bắt đầu dịch Phần 2 ===== -->\n", "<!--more-->\n"])
CONTRIBUTORS = st.lists(st.sampled_from(["* Nguyễn Văn A", "*Trần  B", "*", "<!-- Phần 2 -->", ""]), max_size=4).map(
    lambda lines: "## Những người thực hiện\nBản dịch:\n" + "".join(line + "\n" for line in lines)
)
BLOCK = st.one_of(SEGMENT, CODE, MATH, LABEL, MARKER, PROSE.map(lambda s: s + "\n"), st.just("\n"), CONTRIBUTORS)
FRONT = st.sampled_from(["", "---\ntitle: Chuỗi\nsource: abc123\n---\n", "\ufeff"])
ENDING = st.sampled_from(["keep", "strip", "crlf", "crlf-strip"])


def assemble(front: str, blocks: list[str], ending: str) -> str:
    text = front + "\n".join(blocks)
    if "strip" in ending:
        text = text.rstrip("\n")
    if "crlf" in ending:
        text = text.replace("\n", "\r\n")
    return text


EXAMPLES = int(os.environ.get("TT_FUZZ_EXAMPLES", "300"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRONT, st.lists(BLOCK, min_size=1, max_size=12), ENDING)
def test_write_parse_round_trip(front, blocks, ending):
    text = assemble(front, blocks, ending)
    assume(text.strip())  # an all-blank file is the "empty file" error, tested elsewhere
    doc = parse(text, path="gen.md")  # every generated document is well formed
    assert write(doc) == text
    line = 1
    for block in doc.blocks:
        assert block.start == line and block.end >= block.start
        line = block.end + 1
    for segment in doc.segments():
        assert segment.start <= segment.english_start <= segment.english_end <= segment.end
        assert segment.state in ("translated", "untranslated", "outdated")


@settings(max_examples=max(100, EXAMPLES // 3), deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=200))
def test_arbitrary_text_round_trips_or_fails_cleanly(text):
    try:
        doc = parse(text, path="any.md")
    except FormatError as error:
        assert str(error).startswith("any.md:")
        return
    assert write(doc) == text
