"""Review states: ``review PAGE --by NAME`` changes review markers only, and update keeps them."""

from __future__ import annotations

import pytest
from conftest import assert_nothing_lost, run_tools
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translation_tools.parse import parse, split_lines
from translation_tools.review import review
from translation_tools.syntax import REVIEW_MARKER
from translation_tools.update import update

NAME = "Nguyễn Văn A"
PAGE = """\
<!--
# Title
-->

# Tiêu đề

<!--
A machine draft.
-->
<!-- draft: machine -->

Một bản nháp máy.

<!--
Nobody translated this.
-->

*dịch đoạn phía trên*

<!--
A translation with a note.
-->
<!-- ghi chú: xem lại thuật ngữ -->

Một bản dịch có ghi chú.
"""


def reviewed(text: str, lines=None, name: str = NAME) -> tuple[str, object]:
    return review(parse(text), text, name, lines)


def non_marker_lines(text: str) -> list[str]:
    return [line for line in split_lines(text) if not REVIEW_MARKER.fullmatch(line.strip())]


def test_review_marks_every_translated_segment_after_its_english():
    text, report = reviewed(PAGE)
    assert text == (
        PAGE.replace("# Title\n-->\n", f"# Title\n-->\n<!-- reviewed: {NAME} -->\n")
        .replace("<!-- draft: machine -->", f"<!-- reviewed: {NAME} -->")
        .replace("with a note.\n-->\n", f"with a note.\n-->\n<!-- reviewed: {NAME} -->\n")
    )
    assert (len(report.marked), report.already, report.untranslated) == (3, 0, 1)
    states = [(seg.state, seg.review, seg.review_detail) for seg in parse(text).segments()]
    assert states == [
        ("translated", "reviewed", NAME),
        ("translated", "reviewed", NAME),
        ("untranslated", None, ""),
        ("translated", "reviewed", NAME),
    ]


def test_review_twice_changes_nothing_the_second_time():
    once, _ = reviewed(PAGE)
    twice, report = reviewed(once)
    assert twice == once and (len(report.marked), report.already) == (0, 3)


def test_another_reviewer_replaces_the_marker_in_place():
    once, _ = reviewed(PAGE)
    again, report = reviewed(once, name="Trần Thị B")
    assert again == once.replace(NAME, "Trần Thị B") and len(report.marked) == 3


def test_lines_select_segments_by_their_translation():
    doc = parse(PAGE)
    draft = doc.segments()[1]
    text, report = reviewed(PAGE, (draft.slot_start, draft.slot_start))
    assert [seg.review for seg in parse(text).segments()] == ["reviewed" if i == 1 else None for i in range(4)]
    assert text == PAGE.replace("<!-- draft: machine -->", f"<!-- reviewed: {NAME} -->")
    untouched, report = reviewed(PAGE, (draft.english_start, draft.english_end))  # the English alone: not the slot
    assert untouched == PAGE and not report.marked


def test_second_marker_is_dropped():
    page = "<!--\nA paragraph.\n-->\n<!-- draft -->\n<!-- reviewed: Lê C -->\n\nMột đoạn.\n"
    text, _ = reviewed(page)
    assert text == f"<!--\nA paragraph.\n-->\n<!-- reviewed: {NAME} -->\n\nMột đoạn.\n"


def test_outdated_segment_is_refused_and_nothing_changes():
    page = PAGE + "\n<!--\nChanged English.\n-->\n<!-- outdated: x -->\n\nBản dịch cũ.\n"
    text, report = reviewed(page)
    assert text == page and [seg.english for seg in report.refused] == ["Changed English."]
    # Left out of the range, the rest can be reviewed.
    outdated = parse(page).segments()[-1]
    text, report = reviewed(page, (1, outdated.start - 1))
    assert not report.refused and len(report.marked) == 3


def test_crlf_page_keeps_its_line_endings():
    page = PAGE.replace("\n", "\r\n")
    text, _ = reviewed(page)
    assert text == reviewed(PAGE)[0].replace("\n", "\r\n")


def test_update_of_a_reviewed_segment_makes_it_outdated_and_keeps_the_marker():
    page = f"<!--\nThe state is kept.\n-->\n<!-- reviewed: {NAME} -->\n\nTrạng thái được giữ lại.\n"
    english = parse("The state is kept across time steps.\n", "en.md")
    text, report = update(parse(page), english)
    assert report.outdated == 1
    (seg,) = parse(text).segments()
    assert (seg.state, seg.review, seg.review_detail) == ("outdated", "reviewed", NAME)
    assert seg.english == "The state is kept across time steps."
    assert_nothing_lost(page, text)
    assert reviewed(text)[1].refused == [parse(text).segments()[0]]
    # Once a translator has brought it in line and deleted the outdated line, it can be reviewed again.
    fixed = "".join(line for line in split_lines(text) if "outdated" not in line)
    assert parse(fixed).segments()[0].review_state == "reviewed"
    assert not reviewed(fixed, name="Trần Thị B")[1].refused


def test_update_of_a_draft_formula_keeps_it_a_segment():
    page = "<!--\n$$h_t = x_t.$$\n-->\n<!-- draft: machine -->\n\n$$h_t = x_t \\text{ với } t.$$\n"
    text, _ = update(parse(page), parse("$$h_t = x_{t-1}.$$\n", "en.md"))
    (seg,) = parse(text).segments()
    assert (seg.state, seg.review, seg.translation) == ("outdated", "draft", "$$h_t = x_t \\text{ với } t.$$")


# --- the CLI --------------------------------------------------------------------------------


def test_cli_review_writes_the_page_and_says_how_many(tmp_path):
    path = tmp_path / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    result = run_tools("review", path, "--by", "  Nguyễn   Văn A ")
    assert result.returncode == 0, result.stderr
    assert f"{path}: 3 segment(s) marked reviewed by {NAME}" in result.stderr
    assert path.read_text(encoding="utf-8") == reviewed(PAGE)[0]


def test_cli_review_applies_the_books_aliases(tmp_path):
    (tmp_path / "aliases.yml").write_text("nva: Nguyễn Văn A\n", encoding="utf-8")
    path = tmp_path / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    result = run_tools("review", path, "--by", "nva", "--lines", "12")
    assert result.returncode == 0, result.stderr
    assert path.read_text(encoding="utf-8") == PAGE.replace("<!-- draft: machine -->", f"<!-- reviewed: {NAME} -->")


def test_cli_review_refuses_outdated_with_file_line_and_exit_2(tmp_path):
    page = PAGE + "\n<!--\nChanged English.\n-->\n<!-- outdated: x -->\n\nBản dịch cũ.\n"
    path = tmp_path / "page.md"
    path.write_text(page, encoding="utf-8")
    result = run_tools("review", path, "--by", NAME)
    assert result.returncode == 2
    line = page.split("\n").index("<!-- outdated: x -->") + 1
    assert result.stderr.splitlines()[0].startswith(f"{path}:{line}: outdated translation: review the text")
    assert path.read_text(encoding="utf-8") == page


@pytest.mark.parametrize(
    "args, message",
    [
        (["--by", NAME, "--lines", "9-3"], "--lines 9-3: the range must start at 1 or later"),
        (["--by", NAME, "--lines", "abc"], "--lines 'abc': give a line range such as 12-40"),
        (["--by", NAME, "--lines", "500-600"], f"--lines 500-600: the page has only {len(PAGE.splitlines())} lines"),
        (["--by", "  "], "--by '  ': give the reviewer's full name"),
        (["--by", "A -->"], "give the reviewer's full name"),
    ],
)
def test_cli_review_bad_arguments_are_one_line_errors(tmp_path, args, message):
    path = tmp_path / "page.md"
    path.write_text(PAGE, encoding="utf-8")
    result = run_tools("review", path, *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"{path}:1: ") and message in result.stderr
    assert path.read_text(encoding="utf-8") == PAGE


def test_cli_review_missing_page_is_a_one_line_error(tmp_path):
    result = run_tools("review", tmp_path / "nope.md", "--by", NAME)
    assert result.returncode == 2 and result.stderr.strip().endswith("no such file: check the path")


# --- property: review changes review markers and nothing else -----------------------------------

WORDS = ["state", "hidden", "network", "gradient", "token", "model", "time", "step"]
VIET = ["trạng", "thái", "ẩn", "mạng", "mô", "hình", "bước", "tầng"]
english_text = st.lists(st.sampled_from(WORDS), min_size=2, max_size=6).map(lambda ws: " ".join(ws).capitalize() + ".")
vietnamese_text = st.lists(st.sampled_from(VIET), min_size=2, max_size=6).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
review_marker = st.sampled_from(
    [None, "<!-- draft -->", "<!-- draft: machine -->", "<!-- reviewed: Lê Văn C -->", "<!-- reviewed: -->"]
)


@st.composite
def segment_text(draw) -> str:
    lines = ["<!--", draw(english_text), "-->"]
    outdated = draw(st.integers(0, 5)) == 0
    if outdated:
        lines.append("<!-- outdated: the English above changed -->")
    for _ in range(draw(st.integers(0, 2))):
        marker = draw(review_marker)
        if marker:
            lines.append(marker)
    if draw(st.booleans()):
        lines.append("<!-- ghi chú: reviewed later -->")
    lines.append("")
    slot = draw(st.sampled_from(["placeholder", "one", "two"]))
    if slot == "placeholder":
        lines.append("*dịch đoạn phía trên*")
    else:
        lines.append(draw(vietnamese_text))
        if slot == "two":
            lines += ["", draw(vietnamese_text)]
    return "\n".join(lines)


@st.composite
def generated_page(draw) -> str:
    blocks = draw(st.lists(st.one_of(segment_text(), st.just("```python\nx = 1\n```")), min_size=1, max_size=7))
    text = "\n\n".join(blocks) + draw(st.sampled_from(["\n", ""]))
    return text.replace("\n", "\r\n") if draw(st.integers(0, 4)) == 0 else text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page=generated_page(), data=st.data())
def test_review_changes_only_review_marker_lines(page, data):
    doc = parse(page)
    total = len(split_lines(page))
    first = data.draw(st.integers(1, total))
    lines = data.draw(st.sampled_from([None, (first, data.draw(st.integers(first, total)))]))
    text, report = review(doc, page, NAME, lines)
    assert non_marker_lines(text) == non_marker_lines(page)
    after = parse(text)
    if report.refused:
        assert text == page
        return
    for old, new in zip(doc.segments(), after.segments(), strict=True):
        assert (old.state, old.translation) == (new.state, new.translation)
        chosen = lines is None or (old.slot_start <= lines[1] and max(old.slot_end, old.slot_start) >= lines[0])
        if chosen and old.state == "translated":
            assert (new.review, new.review_detail) == ("reviewed", NAME)
            assert sum(bool(REVIEW_MARKER.fullmatch(line.strip())) for _, line in new.head_lines()) == 1
        else:
            assert (new.review, new.review_detail) == (old.review, old.review_detail)
    assert review(after, text, NAME, lines)[0] == text  # a second run changes nothing
