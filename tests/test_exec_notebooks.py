"""Exported notebooks: both languages, prose and code with cached outputs, valid, runnable, and
the same bytes from the CLI's process as from this one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import copy_of

from translation_tools.execution.cells import Cell, code_cells
from translation_tools.execution.notebooks import build_notebook, export, label_titles, notebook_name
from translation_tools.parse import parse, parse_file

PAGE = """\
<!--
# Gates
-->

# Cổng
:label:`sec_gates`

<!--
See :numref:`sec_gates` and :eqref:`eq_z` :cite:`Cho.2014`.
-->

Xem :numref:`sec_gates` và :eqref:`eq_z` :cite:`Cho.2014`.

<!--
Waiting for a translator.
-->

*dịch đoạn phía trên*

$$z = \\sigma(x).$$
:eqlabel:`eq_z`

<!--
![A gate.](../img/gate.svg)
-->

![Một cổng.](../img/gate.svg)

```python
print("xin chào")
```

```bash
pip install rnnbook
```
"""


def notebook(lang: str):
    doc = parse(PAGE, "docs/chapter/gates.md")
    cells = [Cell(29, 'print("xin chào")', [{"output_type": "stream", "name": "stdout", "text": "xin chào\n"}])]
    titles = label_titles([doc], lang)
    return build_notebook(doc, "chapter/gates.md", cells, lang, titles, "https://book.example/")


def sources(nb, kind: str) -> list[str]:
    return [cell.source for cell in nb.cells if cell.cell_type == kind]


def test_names_sit_next_to_the_page():
    assert notebook_name("chapter_rnn/rnn.md", "vi") == "chapter_rnn/rnn.vi.ipynb"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_notebook_validates(lang):
    nbformat.validate(notebook(lang))


def test_vietnamese_notebook_holds_translations_and_falls_back_to_english():
    text = "\n".join(sources(notebook("vi"), "markdown"))
    assert text.startswith("# Cổng")
    assert "Xem “Cổng” và (eq_z) [Cho.2014]." in text
    assert "Waiting for a translator. *(chưa dịch)*" in text
    assert ":label:" not in text and ":eqlabel:" not in text
    assert "![Một cổng.](https://book.example/img/gate.svg)" in text
    assert "```bash\npip install rnnbook\n```" in text


def test_english_notebook_holds_the_source():
    text = "\n".join(sources(notebook("en"), "markdown"))
    assert text.startswith("# Gates")
    assert "See “Gates” and (eq_z) [Cho.2014]." in text
    assert "Cổng" not in text


def test_code_cells_carry_outputs_and_counts():
    nb = notebook("vi")
    (code,) = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code.source == 'print("xin chào")'
    assert code.execution_count == 1
    assert code.outputs[0]["text"] == "xin chào\n"


def test_exported_notebook_runs_with_nbclient(executed_book, tmp_path):
    """The fixture page a, exported with its cached outputs, re-runs to the same text output."""
    from nbclient import NotebookClient

    from translation_tools.execution.runner import Executor

    root = copy_of(executed_book, tmp_path / "book")
    doc = parse_file(root / "docs" / "a.md", "docs/a.md")
    run = Executor(root, root / ".cache" / "execution").run_page("docs/a.md", code_cells(doc, root))
    nb = build_notebook(doc, "a.md", run.cells, "vi")
    fresh = nbformat.from_dict(nbformat.reads(nbformat.writes(nb), as_version=4))
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(fresh, timeout=120, resources={"metadata": {"path": str(root)}}).execute()
    nbformat.validate(fresh)
    stdout = [o for c in fresh.cells if c.cell_type == "code" for o in c.outputs if o.get("name") == "stdout"]
    assert stdout[0]["text"] == "6\n"


NOTEBOOKS = ("a.vi.ipynb", "a.en.ipynb", "b.vi.ipynb", "b.en.ipynb")


@pytest.fixture(scope="module")
def cli_book(executed_book, tmp_path_factory) -> Path:
    """A copy of the executed fixture book after `python -m translation_tools.execution.notebooks
    docs --out nb` ran in a process of its own (another hash seed and time zone than this one)."""
    root = copy_of(executed_book, tmp_path_factory.mktemp("cli") / "book")
    env = dict(
        os.environ, RNNBOOK_EXEC_CACHE=str(root / ".cache" / "execution"), PYTHONHASHSEED="4321", TZ="Asia/Ho_Chi_Minh"
    )
    result = subprocess.run(
        [sys.executable, "-m", "translation_tools.execution.notebooks", "docs", "--out", "nb"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "wrote 4 notebooks to nb/\n"
    return root


def test_cli_writes_both_languages_from_the_cache(cli_book):
    for name in NOTEBOOKS:
        nbformat.validate(nbformat.read(cli_book / "nb" / name, as_version=4))
    english = nbformat.read(cli_book / "nb" / "a.en.ipynb", as_version=4)
    assert english.cells[0].source.startswith("# Page A")
    code = [cell for cell in english.cells if cell.cell_type == "code"]
    assert code[0].outputs[0]["text"] == "6\n"  # double(3), recalled from the cache


def test_notebooks_are_the_same_bytes_from_another_process(cli_book, monkeypatch):
    """The CLI's notebooks (another process) and the same export run here agree byte for byte."""
    root = cli_book.resolve()
    monkeypatch.setenv("RNNBOOK_EXEC_CACHE", str(root / ".cache" / "execution"))
    export(root / "docs", root / "nb-here", root)  # recalled from the cache: no kernel starts
    names = sorted(path.name for path in (root / "nb").iterdir())
    assert set(NOTEBOOKS) <= set(names)
    assert sorted(path.name for path in (root / "nb-here").iterdir()) == names
    for name in names:
        theirs = (root / "nb" / name).read_bytes()
        assert (root / "nb-here" / name).read_bytes() == theirs, f"{name} differs between two processes"


def test_cli_bad_folder_is_one_line_and_exit_2(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "translation_tools.execution.notebooks", "nowhere", "--out", "nb"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("nowhere:1: ")
