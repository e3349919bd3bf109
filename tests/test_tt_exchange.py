"""PO and XLIFF round trip: export, import unchanged (no byte moves), import edits (only their slots change)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import polib
import pytest
from conftest import ROOT, assert_golden, run_tools
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from translation_tools.document import DRAFT, OUTDATED, REVIEWED
from translation_tools.exchange import (
    english_hash,
    import_file,
    page_entries,
    plan_import,
    read_po,
    read_xliff,
    render_po,
    render_xliff,
)
from translation_tools.parse import parse
from translation_tools.slots import SlotEdit, edit_page
from translation_tools.syntax import OUTDATED_MARKER

REAL = ROOT / "tests" / "real" / "d2l-vn" / "pairs"
REAL_PAGES = sorted(REAL.glob("*/page.md"))

FIXTURES = ROOT / "tests" / "fixtures" / "exchange"
# A page with a segment in every state: translated, untranslated, outdated, draft, reviewed, empty slot.
PAGE = (FIXTURES / "page.md").read_text(encoding="utf-8")


def write_page(folder: Path, text: str = PAGE, name: str = "page.md") -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    return path


def exported(tmp_path: Path, page: Path, fmt: str) -> Path:
    out = tmp_path / f"out-{fmt}"
    result = run_tools("export", "--format", fmt, page.name, "-o", out, cwd=page.parent)
    assert result.returncode == 0, result.stderr
    return out / (page.stem + (".po" if fmt == "po" else ".xlf"))


# --- what the files say ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["page.po", "page.xlf"])
def test_export_matches_the_reviewed_golden_file(tmp_path, name):
    """``tests/fixtures/exchange/page.{po,xlf}`` are reviewed by hand; a difference is shown as a diff."""
    page = write_page(tmp_path)
    actual = exported(tmp_path, page, "po" if name.endswith(".po") else "xliff").read_bytes().decode("utf-8")
    assert_golden(FIXTURES / name, actual)


def test_po_entry_per_segment_with_state_flags_and_reference(tmp_path):
    po = polib.pofile(str(exported(tmp_path, write_page(tmp_path), "po")))
    assert po.metadata["X-Page"] == "page.md"
    by_english = {entry.msgid: entry for entry in po}
    assert len(by_english) == 7
    assert by_english["A plain paragraph."].msgstr == "Một đoạn văn."
    assert by_english["A plain paragraph."].flags == []
    assert by_english["Not translated yet."].msgstr == ""  # the placeholder is not a translation
    assert "fuzzy" in by_english["The English changed."].flags
    assert "needs-review" in by_english["A machine draft."].flags
    assert by_english["Read by a reviewer."].tcomment == "reviewed: Lê Thị Hoa"
    assert by_english["A plain paragraph."].occurrences == [("page.md", "10")]
    assert by_english["A plain paragraph."].msgctxt == f"page.md#{english_hash('A plain paragraph.')}"


def test_xliff_states(tmp_path):
    from translate.storage import xliff

    store = xliff.xlifffile.parsefile(str(exported(tmp_path, write_page(tmp_path), "xliff")))
    states = {}
    for unit in store.getunits():
        node = unit.getlanguageNode(lang=None, index=1)
        states[str(unit.source)] = None if node is None else node.get("state")
    assert states["A plain paragraph."] == "translated"
    assert states["Not translated yet."] is None
    assert states["The English changed."] == "needs-translation"
    assert states["A machine draft."] == "needs-review-translation"
    assert states["Read by a reviewer."] == "signed-off"
    assert store.getfilenames() == ["page.md"]


def test_same_english_twice_gets_two_ids():
    doc = parse("<!--\nAgain.\n-->\n\nLần một.\n\n<!--\nAgain.\n-->\n\nLần hai.\n", path="p.md")
    keys = [entry.key for entry, _ in page_entries(doc, "p.md")]
    assert keys == [f"p.md#{english_hash('Again.')}", f"p.md#{english_hash('Again.')}~2"]


def test_export_refuses_to_overwrite_without_force(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    target.write_text("mine", encoding="utf-8")
    again = run_tools("export", "--format", "po", page.name, "-o", tmp_path / "out-po", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr.strip().splitlines()[-1].endswith("already exists: pass --force to replace it")
    assert target.read_text(encoding="utf-8") == "mine"
    forced = run_tools("export", "--format", "po", page.name, "-o", tmp_path / "out-po", "--force", cwd=tmp_path)
    assert forced.returncode == 0 and "msgid" in target.read_text(encoding="utf-8")


def test_export_mirrors_the_folders(tmp_path):
    book = tmp_path / "book"
    (book / "ch1").mkdir(parents=True)
    write_page(book / "ch1", name="a.md")
    write_page(book, name="b.md")
    assert run_tools("export", "--format", "xliff", "book", "-o", "x", cwd=tmp_path).returncode == 0
    assert sorted(p.relative_to(tmp_path / "x").as_posix() for p in (tmp_path / "x").rglob("*.xlf")) == [
        "b.xlf",
        "ch1/a.xlf",
    ]


# --- round trip without edits ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["po", "xliff"])
def test_round_trip_without_edits_changes_no_byte(tmp_path, fmt):
    page = write_page(tmp_path)
    before = page.read_bytes()
    target = exported(tmp_path, page, fmt)
    result = run_tools(f"import-{fmt}", target, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert page.read_bytes() == before
    assert "unchanged" in result.stderr


@pytest.mark.parametrize("fmt", ["po", "xliff"])
def test_round_trip_on_the_book_and_real_d2l_pages(tmp_path, fmt):
    pages = tmp_path / "pages"
    shutil.copytree(ROOT / "docs", pages / "docs", ignore=shutil.ignore_patterns("img"))
    for number, real in enumerate(REAL_PAGES):
        shutil.copyfile(real, pages / f"real{number:02d}.md")
    before = {path: path.read_bytes() for path in pages.rglob("*.md")}
    assert len(before) > 40
    out = tmp_path / "out"
    assert run_tools("export", "--format", fmt, ".", "-o", out, cwd=pages).returncode == 0
    files = sorted(out.rglob("*.po" if fmt == "po" else "*.xlf"))
    assert len(files) > 40
    result = run_tools(f"import-{fmt}", *files, cwd=pages)
    assert result.returncode == 0, result.stderr
    changed = [path for path, data in before.items() if path.read_bytes() != data]
    assert changed == []


# --- edits ---------------------------------------------------------------------------------------


def edit_po(path: Path, english: str, **changes) -> None:
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid == english:
            for key, value in changes.items():
                setattr(entry, key, value)
    po.save(str(path))


def test_an_edited_po_entry_changes_only_its_slot_and_marks_it_draft(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "A plain paragraph.", msgstr="Một đoạn văn đã sửa.")
    result = run_tools("import-po", target, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    expected = PAGE.replace(
        "A plain paragraph.\n-->\n\nMột đoạn văn.",
        "A plain paragraph.\n-->\n<!-- draft: po -->\n\nMột đoạn văn đã sửa.",
    )
    assert page.read_text(encoding="utf-8") == expected


def test_filling_an_untranslated_entry_replaces_the_placeholder(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "Not translated yet.", msgstr="Chưa dịch.\nDòng hai.")
    assert run_tools("import-po", target, cwd=tmp_path).returncode == 0
    seg = next(s for s in parse(page.read_text(encoding="utf-8")).segments() if s.english == "Not translated yet.")
    assert (seg.translation, seg.review, seg.review_detail) == ("Chưa dịch.\nDòng hai.", DRAFT, "po")
    assert "*dịch đoạn phía trên*" not in page.read_text(encoding="utf-8")


def test_filling_an_empty_slot(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "xliff")
    text = target.read_text(encoding="utf-8")
    unit = text.split("<source>Nothing here at all.</source>", 1)
    target.write_text(
        unit[0] + "<source>Nothing here at all.</source><target>Trống.</target>" + unit[1], encoding="utf-8"
    )
    assert run_tools("import-xliff", target, cwd=tmp_path).returncode == 0
    after = page.read_text(encoding="utf-8")
    assert "Nothing here at all.\n-->\n<!-- draft: xliff -->\n\nTrống.\n\n## Những người thực hiện" in after


def test_clearing_fuzzy_confirms_an_outdated_translation(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "The English changed.", flags=[])
    assert run_tools("import-po", target, cwd=tmp_path).returncode == 0
    seg = next(s for s in parse(page.read_text(encoding="utf-8")).segments() if s.english == "The English changed.")
    assert (seg.state, seg.translation, seg.review) == ("translated", "Bản dịch cũ.", DRAFT)
    assert OUTDATED_MARKER not in page.read_text(encoding="utf-8")


def test_still_fuzzy_keeps_the_outdated_marker(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "The English changed.", msgstr="Bản dịch mới.")
    assert run_tools("import-po", target, cwd=tmp_path).returncode == 0
    seg = next(s for s in parse(page.read_text(encoding="utf-8")).segments() if s.english == "The English changed.")
    assert (seg.state, seg.translation) == (OUTDATED, "Bản dịch mới.")


def test_a_named_reviewer_in_the_file_marks_the_segment_reviewed(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "A machine draft.", tcomment="reviewed: Trần Văn Bình", flags=[])
    assert run_tools("import-po", target, cwd=tmp_path).returncode == 0
    after = page.read_text(encoding="utf-8")
    assert "A machine draft.\n-->\n<!-- reviewed: Trần Văn Bình -->\n\nBản nháp máy." in after
    assert after.replace("<!-- reviewed: Trần Văn Bình -->", "<!-- draft: machine -->") == PAGE


def test_editing_a_reviewed_text_makes_it_a_draft_again(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "Read by a reviewer.", msgstr="Đã sửa sau hiệu đính.")  # the old review comment stays
    assert run_tools("import-po", target, cwd=tmp_path).returncode == 0
    seg = next(s for s in parse(page.read_text(encoding="utf-8")).segments() if s.english == "Read by a reviewer.")
    assert (seg.review, seg.review_detail, seg.translation) == (DRAFT, "po", "Đã sửa sau hiệu đính.")


def test_xliff_signed_off_with_a_name_is_a_review(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "xliff")
    text = target.read_text(encoding="utf-8")
    old = '<target state="translated">Một đoạn văn.</target>'
    assert old in text
    text = text.replace(
        old, '<target state="signed-off">Một đoạn văn.</target><note from="reviewer">reviewed: An</note>'
    )
    target.write_text(text, encoding="utf-8")
    assert run_tools("import-xliff", target, cwd=tmp_path).returncode == 0
    seg = next(s for s in parse(page.read_text(encoding="utf-8")).segments() if s.english == "A plain paragraph.")
    assert (seg.review, seg.review_detail, seg.translation) == (REVIEWED, "An", "Một đoạn văn.")


def test_an_empty_translation_never_deletes_the_pages(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "A plain paragraph.", msgstr="")
    assert run_tools("import-po", target, cwd=tmp_path).returncode == 0
    assert page.read_text(encoding="utf-8") == PAGE


def test_entries_whose_english_changed_are_reported_and_not_applied(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "A plain paragraph.", msgstr="Sửa.")
    edit_po(target, "Not translated yet.", msgstr="Chưa dịch.")
    page.write_text(PAGE.replace("A plain paragraph.", "A changed paragraph."), encoding="utf-8")
    before = page.read_text(encoding="utf-8")
    line = next(entry.linenum for entry in polib.pofile(str(target)) if entry.msgid == "A plain paragraph.")
    result = run_tools("import-po", target, cwd=tmp_path)
    assert result.returncode == 2
    assert (
        f"{target.relative_to(tmp_path)}:{line}: the English of this entry is not on the page any more" in result.stderr
    )
    # The other entry is applied; nothing else moves.
    expected = before.replace(
        "Not translated yet.\n-->\n\n*dịch đoạn phía trên*",
        "Not translated yet.\n-->\n<!-- draft: po -->\n\nChưa dịch.",
    )
    assert page.read_text(encoding="utf-8") == expected != before


def test_a_translation_that_would_break_the_page_is_refused(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "A plain paragraph.", msgstr="Đoạn.\n\n<!--\nkhông\n-->")
    result = run_tools("import-po", target, cwd=tmp_path)
    assert result.returncode == 2
    assert "would change the page's structure" in result.stderr
    assert page.read_text(encoding="utf-8") == PAGE


# --- bad input -----------------------------------------------------------------------------------


def test_missing_and_malformed_files_are_one_line_errors(tmp_path):
    (tmp_path / "bad.po").write_text('msgid "x"\nmsgstr "y\n', encoding="utf-8")
    (tmp_path / "bad.xlf").write_text("<xliff><file>", encoding="utf-8")
    for command, name in (("import-po", "nope.po"), ("import-po", "bad.po"), ("import-xliff", "bad.xlf")):
        result = run_tools(command, name, cwd=tmp_path)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"{name}:"), result.stderr
        assert "Traceback" not in result.stderr


def test_a_file_whose_page_is_gone(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    page.unlink()
    result = run_tools("import-po", target, cwd=tmp_path)
    assert result.returncode == 2
    assert "its page page.md is not there" in result.stderr


def test_export_of_a_missing_path(tmp_path):
    result = run_tools("export", "--format", "po", "nope.md", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("nope.md:1: no such file or folder")
    assert not (tmp_path / "out").exists()


# --- properties ----------------------------------------------------------------------------------

ENGLISH_WORDS = ["state", "hidden", "network", "gradient", "token", "<b>", "&", "$x_t$", "`code`", '"q"', "\\n"]
VIET_WORDS = ["trạng", "thái", "ẩn", "mạng", "gradient", "mô", "hình", "<i>", "&amp;", "$h$", "\\", '"', "  "]
english_line = st.lists(st.sampled_from(ENGLISH_WORDS), min_size=1, max_size=6).map(lambda w: "Word " + " ".join(w))
viet_line = st.lists(st.sampled_from(VIET_WORDS), min_size=1, max_size=6).map(lambda w: "Từ " + " ".join(w).rstrip())
viet_text = st.lists(viet_line, min_size=1, max_size=3).map("\n".join)
slot = st.one_of(
    st.just(("untranslated", "*dịch đoạn phía trên*")),
    st.just(("empty", "")),
    viet_text.map(lambda t: ("translated", t)),
    viet_text.map(lambda t: ("outdated", t)),
    viet_text.map(lambda t: ("draft", t)),
    viet_text.map(lambda t: ("reviewed", t)),
)
segment = st.tuples(st.lists(english_line, min_size=1, max_size=3).map("\n".join), slot)


def render_page(segments, crlf: bool, final_newline: bool, code_last: bool) -> str:
    parts = []
    for english, (state, text) in segments:
        head = f"<!--\n{english}\n-->\n"
        if state == "outdated":
            head += OUTDATED_MARKER + "\n"
        elif state == "draft":
            head += "<!-- draft: machine -->\n"
        elif state == "reviewed":
            head += "<!-- reviewed: An -->\n"
        parts.append(head + ("\n" + text + "\n" if text else ""))
    page = "\n".join(parts) + ("\n```python\nx = 1\n```\n" if code_last else "")
    if not final_newline:
        page = page.rstrip("\n")
    return page.replace("\n", "\r\n") if crlf else page


pages = st.builds(render_page, st.lists(segment, min_size=1, max_size=6), st.booleans(), st.booleans(), st.booleans())
FORMATS = st.sampled_from(["po", "xliff"])


def through_file(fmt: str, page_text: str, folder: str):
    """The page's entries written as ``fmt`` and read back: what a CAT tool would hand back unedited."""
    doc = parse(page_text, path="page.md")
    entries = [entry for entry, _ in page_entries(doc)]
    path = Path(folder) / ("page.po" if fmt == "po" else "page.xlf")
    if fmt == "po":
        path.write_text(render_po("page.md", entries), encoding="utf-8")
        return doc, path, read_po(str(path))[1]
    path.write_bytes(render_xliff("page.md", entries))
    return doc, path, read_xliff(str(path))[1]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_text=pages, fmt=FORMATS)
def test_property_round_trip_without_edits_plans_nothing(page_text, fmt):
    with tempfile.TemporaryDirectory() as folder:
        doc, path, entries = through_file(fmt, page_text, folder)
    assert len(entries) == len(doc.segments())
    planned, problems = plan_import(doc, entries, str(path), fmt)
    assert planned == [] and problems == []


def is_subsequence(small: list[str], big: list[str]) -> bool:
    """``small`` in order inside ``big``; a page's last line without an ending may have gained one."""
    it = iter(big)
    return all(any(line == other or line == other.rstrip("\r\n") for other in it) for line in small)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(page_text=pages, fmt=FORMATS, data=st.data())
def test_property_edits_change_only_their_slots(page_text, fmt, data):
    with tempfile.TemporaryDirectory() as folder:
        doc, path, entries = through_file(fmt, page_text, folder)
    segments = doc.segments()
    chosen = data.draw(st.sets(st.integers(0, len(segments) - 1)), label="edited")
    new_texts = {}
    for index in sorted(chosen):
        new = data.draw(viet_text, label=f"translation {index}")
        if new != entries[index].translation:
            entries[index].translation = new
            new_texts[index] = new
    planned, problems = plan_import(doc, entries, str(path), fmt)
    assert problems == []
    text, refused = edit_page(doc, [edit for edit, _ in planned])
    assert refused == []
    after = parse(text, path="page.md")
    assert [s.english for s in after.segments()] == [s.english for s in segments]
    for index, (old, new) in enumerate(zip(segments, after.segments(), strict=True)):
        if index in new_texts:
            assert new.translation == new_texts[index]
            assert (new.review, new.review_detail) == (DRAFT, fmt)
        else:
            assert new.text.replace("\r\n", "\n") == old.text.replace("\r\n", "\n")
    # Every line outside the edited slots is still there, in order.
    edited_lines = set()
    for index in new_texts:
        edited_lines.update(range(segments[index].slot_start, segments[index].slot_end + 1))
        edited_lines.add(segments[index].review_line)
    lines = page_text.splitlines(keepends=True)
    kept = [line for number, line in enumerate(lines, start=1) if number not in edited_lines]
    assert is_subsequence(kept, text.splitlines(keepends=True))
    assert text.endswith(("\n", "\r")) == page_text.endswith(("\n", "\r"))
    # The same edits give the same bytes.
    assert edit_page(doc, [edit for edit, _ in planned])[0] == text


@pytest.mark.parametrize("fmt", ["po", "xliff"])
def test_import_file_writes_only_when_something_changed(tmp_path, fmt):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, fmt)
    stamp = page.stat().st_mtime_ns
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        report = import_file(str(target.relative_to(tmp_path)), fmt)
    finally:
        os.chdir(cwd)
    assert (report.written, report.reviewed, report.confirmed, report.problems) == (0, 0, 0, [])
    assert page.stat().st_mtime_ns == stamp


def test_xliff_refuses_what_xml_cannot_carry_and_po_keeps_it(tmp_path):
    page = write_page(tmp_path, "<!--\nForm\x0cfeed.\n-->\n\nKý tự điều khiển\x0c.\n")
    before = page.read_bytes()
    result = run_tools("export", "--format", "xliff", "page.md", "-o", "x", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "page.md:1: this segment holds a control character XML cannot carry: remove it, or export as PO"
    )
    assert not (tmp_path / "x").exists()
    target = exported(tmp_path, page, "po")
    assert run_tools("import-po", target, cwd=tmp_path).returncode == 0
    assert page.read_bytes() == before


def test_a_review_of_a_still_outdated_entry_is_reported_not_recorded(tmp_path):
    page = write_page(tmp_path)
    target = exported(tmp_path, page, "po")
    edit_po(target, "The English changed.", tcomment="reviewed: An")
    line = next(entry.linenum for entry in polib.pofile(str(target)) if entry.msgid == "The English changed.")
    result = run_tools("import-po", target, cwd=tmp_path)
    assert result.returncode == 2
    assert f"page.po:{line}: a review of an outdated translation is not recorded" in result.stderr
    assert page.read_text(encoding="utf-8") == PAGE


def test_a_new_review_marker_replaces_every_old_one():
    doc = parse("<!--\nWord.\n-->\n<!-- draft -->\n<!-- reviewed: X -->\n\nTừ.\n")
    text, refused = edit_page(doc, [SlotEdit(doc.segments()[0], review="<!-- reviewed: Y -->")])
    assert (text, refused) == ("<!--\nWord.\n-->\n<!-- reviewed: Y -->\n\nTừ.\n", [])
