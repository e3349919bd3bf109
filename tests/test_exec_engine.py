"""The execution engine on a tiny fixture book (``exec_fixture``): outputs, the content cache,
errors, snippets.

Kernels start in a few seconds each, so the book is executed once per session (``executed_book``
in conftest) and every test works on its own copy (pages, fixture modules and cache together).
Tests that start a kernel are marked ``slow``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import copy_of
from exec_fixture import MODULE_A, run_book, write_exec_book

from translation_tools.execution.cells import Cell, ExecutionError, code_cells, expand_snippets
from translation_tools.execution.runner import Executor, longest_first, read_timings, record_timings
from translation_tools.execution.sources import index_module
from translation_tools.parse import parse_file


@pytest.fixture
def book(executed_book: Path, tmp_path: Path) -> Path:
    """A private copy of the executed book (cache included) that a test may edit."""
    return copy_of(executed_book, tmp_path / "book")


def outputs_of(root: Path, name: str):
    executor = Executor(root, root / ".cache" / "execution")
    doc = parse_file(root / "docs" / f"{name}.md", f"docs/{name}.md")
    return executor.run_page(f"docs/{name}.md", code_cells(doc, root)), executor


def test_text_value_and_figure_outputs(book):
    run, executor = outputs_of(book, "a")
    assert executor.executed == []  # recalled from the cache
    text, value, figure = (cell.outputs for cell in run.cells)
    assert text == [{"output_type": "stream", "name": "stdout", "text": "6\n"}]
    assert value[0]["output_type"] == "execute_result"
    assert value[0]["data"]["text/plain"] == "42"
    svgs = [o["data"]["image/svg+xml"] for o in figure if "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 1, "a figure shown and returned appears once"
    assert "<svg" in svgs[0] and "1970-01-01" in svgs[0]  # SOURCE_DATE_EPOCH: reproducible


def test_cells_are_numbered_by_fence_line(book):
    run, _ = outputs_of(book, "a")
    assert [cell.line for cell in run.cells] == [13, 18, 22]


def test_unchanged_book_runs_nothing(book):
    assert run_book(book).executed == []


def test_prose_edit_runs_nothing(book):
    page = book / "docs" / "a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Một đoạn văn.", "Một đoạn văn đã sửa."), encoding="utf-8")
    assert run_book(book).executed == []


def test_unused_function_edit_runs_nothing(book):
    module = book / "fixmod_a.py"
    module.write_text(module.read_text().replace("never called", "still never called"))
    assert run_book(book).executed == []


def test_function_edit_reruns_only_the_page_using_it(book):
    module = book / "fixmod_a.py"
    module.write_text(module.read_text().replace("return x * SCALE", "return x * SCALE + 1"))
    executor = run_book(book)
    assert executor.executed == ["docs/a.md"]
    run, _ = outputs_of(book, "a")
    assert run.cells[0].outputs[0]["text"] == "7\n"


def test_data_file_edit_reruns_the_page_that_read_it(book):
    (book / "data" / "words.txt").write_text("một hai ba bốn\n", encoding="utf-8")
    executor = run_book(book)
    assert executor.executed == ["docs/b.md"]
    run, _ = outputs_of(book, "b")
    assert run.cells[0].outputs[0]["text"] == "12\n"


def test_cell_edit_reruns_that_page(book):
    page = book / "docs" / "b.md"
    page.write_text(page.read_text(encoding="utf-8").replace("triple(len(words))", "triple(1)"), encoding="utf-8")
    assert run_book(book).executed == ["docs/b.md"]


def test_two_kernels_at_a_time_give_the_same_outputs(book):
    expected = {name: outputs_of(book, name)[0].cells[0].outputs for name in ("a", "b")}
    assert [expected[name][0]["text"] for name in ("a", "b")] == ["6\n", "9\n"]  # double(3), triple(3)
    shutil.rmtree(book / ".cache" / "execution")
    executor = Executor(book, book / ".cache" / "execution")
    pages = [(f"docs/{n}.md", code_cells(parse_file(book / "docs" / f"{n}.md"), book)) for n in ("a", "b")]
    runs = executor.run_pages(pages, jobs=2)
    assert sorted(executor.executed) == ["docs/a.md", "docs/b.md"]
    assert [run.cells[0].outputs for run in runs] == [expected["a"], expected["b"]]


@pytest.mark.slow
def test_concurrent_runs_of_the_same_code_execute_once(tmp_path):
    """Two builds (here: two threads) reaching the same page share one run through a lock."""
    from translation_tools.execution.cells import Cell

    executor = Executor(tmp_path, tmp_path / "cache")
    pages = [(f"docs/{name}.md", [Cell(3, "print(40 + 2)")]) for name in ("x", "y")]
    runs = executor.run_pages(pages, jobs=2)
    assert len(executor.executed) == 1
    assert [run.cells[0].outputs[0]["text"] for run in runs] == ["42\n", "42\n"]


@pytest.mark.slow
def test_kernels_started_ahead_run_pages_in_turn(tmp_path):
    from translation_tools.execution.cells import Cell

    executor = Executor(tmp_path, tmp_path / "cache")
    pages = [(f"docs/p{i}.md", [Cell(3, f"print({i} * 2)")]) for i in range(3)]
    runs = executor.run_pages(pages, jobs=1, prestart=True)
    assert sorted(executor.executed) == ["docs/p0.md", "docs/p1.md", "docs/p2.md"]
    assert [run.cells[0].outputs[0]["text"] for run in runs] == ["0\n", "2\n", "4\n"]


def test_failing_cell_names_page_and_fence_line(book):
    page = book / "docs" / "c.md"
    page.write_text("# C\n\n```python\nx = 1\n```\n\n```python\n1 / 0\n```\n", encoding="utf-8")
    with pytest.raises(ExecutionError) as info:
        run_book(book, pages=("c",))
    assert str(info.value) == "docs/c.md:7: cell raised ZeroDivisionError: division by zero"
    assert not list((book / ".cache" / "execution").glob("*/*.tmp")), "no half-written entry"


# The page's clock includes its kernel's start-up (runner.Executor._execute), so the limit is
# generous next to any start-up (a few seconds on a busy machine) and the cell sleeps far past it:
# whatever the start-up took, the limit is reached inside the sleeping cell, and long before it ends.
LIMIT, SLEEP = 20, 120


def test_page_time_limit_names_page_and_cell(book):
    page = book / "docs" / "slow.md"
    page.write_text(
        f"# Slow\n\n```python\nx = 1\n```\n\n```python\nimport time\ntime.sleep({SLEEP})\n```\n", encoding="utf-8"
    )
    started = time.monotonic()
    with pytest.raises(ExecutionError) as info:
        run_book(book, pages=("slow",), timeout=LIMIT)
    assert time.monotonic() - started < SLEEP - 30, "the sleeping cell was not stopped at the limit"
    assert str(info.value) == (
        f"docs/slow.md:7: page docs/slow.md ran past its time limit of {LIMIT} s in this cell "
        "(make the cell faster or raise the plugin's `timeout`)"
    )


def test_missing_snippet_section_is_an_error_before_running(tmp_path):
    write_exec_book(tmp_path)
    with pytest.raises(ExecutionError) as info:
        expand_snippets('x = 1\n--8<-- "fixmod_a.py:nope"', tmp_path, "docs/a.md", 20)
    assert str(info.value).startswith('docs/a.md:21: snippet "fixmod_a.py:nope" not found')


def test_missing_snippet_file_is_an_error(tmp_path):
    with pytest.raises(ExecutionError) as info:
        expand_snippets('--8<-- "nowhere.py:part"', tmp_path, "docs/a.md", 5)
    assert str(info.value).startswith('docs/a.md:5: snippet "nowhere.py:part" not found')


def test_snippet_expansion_keeps_indentation_and_drops_markers(tmp_path):
    (tmp_path / "m.py").write_text(
        "# --8<-- [start:outer]\ndef f():\n    # --8<-- [start:inner]\n    return 1\n"
        "    # --8<-- [end:inner]\n# --8<-- [end:outer]\n"
    )
    body = 'if True:\n    --8<-- "m.py:outer"'
    assert expand_snippets(body, tmp_path, "p.md", 1) == "if True:\n    def f():\n        return 1"


def test_module_index_splits_definitions_from_skeleton():
    first = index_module(MODULE_A)
    second = index_module(MODULE_A.replace("never called", "not called"))
    assert set(first.units) == {"SCALE", "double", "unused", "answer"}
    assert first.skeleton == second.skeleton
    assert first.units["double"].digest == second.units["double"].digest
    assert first.units["unused"].digest != second.units["unused"].digest
    assert "SCALE" in first.units["double"].refs


def test_pages_start_longest_first_by_their_last_time():
    paths = ["a.md", "b.md", "c.md", "d.md"]
    assert longest_first(paths, {"a.md": 2.0, "b.md": 9.0, "c.md": 5.0}) == [3, 1, 2, 0]  # d: never timed
    assert longest_first(paths, {}) == [0, 1, 2, 3]


def test_parallel_results_keep_page_order_and_times_are_recorded(tmp_path, monkeypatch):
    from translation_tools.execution.cells import PageRun

    (tmp_path / ".cache").mkdir()
    record_timings(tmp_path, {"slow.md": 7.0, "quick.md": 1.0})
    started: list[str] = []

    def fake_run(self, path, cells):
        started.append(path)
        return PageRun(path, cells, executed=True, seconds=len(path))

    monkeypatch.setattr(Executor, "run_page", fake_run)
    executor = Executor(tmp_path, tmp_path / "cache")  # an empty cache: every page must run
    pages = [(name, [Cell(1, f"print({name!r})")]) for name in ("quick.md", "slow.md", "new.md")]
    runs = executor.run_pages(pages, jobs=1, prestart=True)
    assert [run.path for run in runs] == ["quick.md", "slow.md", "new.md"]
    assert set(started[:2]) == {"new.md", "slow.md"}, started  # submitted first: never timed, then longest
    assert read_timings(tmp_path) == {"quick.md": 8.0, "slow.md": 7.0, "new.md": 6.0}


def test_pages_the_cache_answers_start_no_worker(tmp_path, monkeypatch):
    from translation_tools.execution.cells import PageRun

    def recall(self, path, cells, key):
        return PageRun(path, cells, executed=False) if path != "changed.md" else None

    ran: list[str] = []

    def run_page(self, path, cells):
        ran.append(path)
        return PageRun(path, cells, executed=True, seconds=1.0)

    monkeypatch.setattr(Executor, "_recall", recall)
    monkeypatch.setattr(Executor, "run_page", run_page)
    executor = Executor(tmp_path, tmp_path / "cache")
    pages = [(name, [Cell(1, "x = 1")]) for name in ("a.md", "changed.md", "b.md")]
    runs = executor.run_pages(pages, jobs=2, prestart=True)
    assert [run.path for run in runs] == ["a.md", "changed.md", "b.md"]
    assert ran == ["changed.md"]  # only the page the cache could not answer ran
    assert [run.executed for run in runs] == [False, True, False]
