"""Notebooks a reader can use anywhere: references, citations and numbers as on the page, images
embedded, math as MathML in views, plots with alt text, a first cell installing the shipped wheel
(which holds only rnnbook), nothing for pages without code; and (slow) a downloaded notebook
running in a fresh virtualenv that gets rnnbook only from that wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from translation_tools.execution import wheel
from translation_tools.execution.cells import Cell
from translation_tools.execution.notebooks import book_context, build_notebook, replace_math_tokens
from translation_tools.parse import parse

ROOT = Path(__file__).resolve().parent.parent

INDEX = """\
# Sách

```toc
:numbered:
gates
```
"""

PAGE = """\
<!--
# Gates
-->

# Cổng
:label:`sec_gates`

<!--
See :numref:`sec_gates`, :numref:`fig_gate` and :eqref:`eq_z` :cite:`Elman.1990`.
-->

Xem :numref:`sec_gates`, :numref:`fig_gate` và :eqref:`eq_z` :cite:`Elman.1990`, với $z_t$.

$$z = \\sigma(x).$$
:eqlabel:`eq_z`

<!--
![A gate.](img/gate.svg)
-->

![Một cổng.](img/gate.svg)
:label:`fig_gate`

```python
print("xin chào")
```
"""

SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>'


def context_for(tmp_path: Path, wheel_name: str | None = "rnnbook-0.1.0-py3-none-any.whl"):
    docs = tmp_path / "docs"
    (docs / "img").mkdir(parents=True)
    (docs / "img" / "gate.svg").write_text(SVG, encoding="utf-8")
    (docs / "references.bib").write_text(
        "@article{Elman.1990, author={Elman, Jeffrey L.}, title={Finding structure in time}, "
        "journal={Cognitive Science}, year={1990}}\n",
        encoding="utf-8",
    )
    pages = {
        "index.md": ("docs/index.md", parse(INDEX, "docs/index.md")),
        "gates.md": ("docs/gates.md", parse(PAGE, "docs/gates.md")),
    }
    context = book_context(pages, {"gates.md"}, docs, docs / "references.bib", wheel_name)
    return context, pages["gates.md"][1]


CELLS = [
    Cell(24, 'print("xin chào")', [{"output_type": "stream", "name": "stdout", "text": "xin chào\n"}]),
]
PLOT = Cell(24, "plot()", [{"output_type": "display_data", "data": {"image/svg+xml": SVG}, "metadata": {}}])


def markdown(nb) -> str:
    return "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")


@pytest.mark.parametrize(
    "lang,expected",
    [
        ("vi", "Xem Chương 1, Hình 1.1 và (1.1) (Elman, 1990), với $z_t$."),
        ("en", "See Chapter 1, Figure 1.1 and (1.1) (Elman, 1990)."),
    ],
)
def test_references_and_citations_read_as_on_the_page(tmp_path, lang, expected):
    context, doc = context_for(tmp_path)
    nb = build_notebook(doc, "gates.md", CELLS, lang, context=context)
    text = markdown(nb)
    assert expected in text
    assert "eq_z" not in text and "Elman.1990" not in text and ":label:" not in text
    assert text.startswith("# 1. ")
    assert ("Tài liệu tham khảo" if lang == "vi" else "References") in text
    assert "Elman (1990). *Finding structure in time*. Cognitive Science." in text
    assert "$$\nz = \\sigma(x). \\tag{1.1}\n$$" in text  # Jupyter numbers it like the page
    nbformat.validate(nb)


def test_images_are_embedded_and_plots_have_the_pages_alt_text(tmp_path):
    context, doc = context_for(tmp_path)
    nb = build_notebook(doc, "gates.md", [PLOT], "vi", context=context)
    assert "![Một cổng.](data:image/svg+xml;base64," in markdown(nb)
    assert "*Hình 1.1:* Một cổng." in markdown(nb)
    (output,) = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert output["metadata"]["image/svg+xml"]["alt"] == "Hình do mã phía trên vẽ"


def test_view_has_math_tokens_that_become_mathml(tmp_path):
    context, doc = context_for(tmp_path)
    nb = build_notebook(doc, "gates.md", CELLS, "vi", context=context, view=True)
    math = nb.metadata["rnnbook"]["math"]
    text = markdown(nb)
    assert "$" not in text and len(math) == 2
    html = replace_math_tokens(f"<p>x {text.split('với ')[1].split('.')[0]}.</p><p>RNNBOOKMATH1Z</p>", math)
    assert "<math" in html and "RNNBOOKMATH" not in html
    assert '<div class="tt-math"><math' in html and '<span class="tt-eqno">(1.1)</span>' in html
    assert "<p><div" not in html


def test_first_code_cell_installs_the_wheel_beside_the_notebook(tmp_path):
    context, doc = context_for(tmp_path)
    nb = build_notebook(doc, "gates.md", CELLS, "en", context=context)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert code[0].metadata["tags"] == ["rnnbook-install"]
    assert "rnnbook-0.1.0-py3-none-any.whl" in code[0].source and "pip" in code[0].source
    assert code[1].source == 'print("xin chào")' and code[1].execution_count == 1
    assert nb.cells[0].cell_type == "markdown", "the page's title and introduction come first"
    compile(code[0].source, "install", "exec")


def test_wheel_holds_only_rnnbook_and_runtime_requirements():
    data = wheel.wheel_bytes(ROOT)
    assert data == wheel.wheel_bytes(ROOT), "same sources, same bytes"
    names = zipfile.ZipFile(__import__("io").BytesIO(data)).namelist()
    assert all(name.startswith(("rnnbook/", "rnnbook-0.1.0.dist-info/")) for name in names)
    assert "rnnbook/__init__.py" in names and "rnnbook/data/book_corpus.json" in names
    assert not any("__pycache__" in name for name in names)
    metadata = zipfile.ZipFile(__import__("io").BytesIO(data)).read("rnnbook-0.1.0.dist-info/METADATA").decode()
    requires = [line.split(": ", 1)[1] for line in metadata.splitlines() if line.startswith("Requires-Dist")]
    assert sorted(r.split("=")[0].split(">")[0] for r in requires) == ["matplotlib", "numpy", "torch"]


@pytest.mark.slow
def test_downloaded_notebook_runs_in_a_fresh_virtualenv(tmp_path):
    """The CLI's notebooks and wheel, copied alone to a folder; a virtualenv without system site
    packages holding only Jupyter's kernel; the notebook's own first cell installs rnnbook from the
    wheel (torch, numpy and matplotlib come from pip's configured local index: no network)."""
    from nbclient import NotebookClient

    out = tmp_path / "export"
    env = dict(os.environ)
    result = subprocess.run(
        [sys.executable, "-m", "translation_tools.execution.notebooks", "docs", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    reader = tmp_path / "reader"
    (reader / "chapter_rnn").mkdir(parents=True)
    wheel_file = out / wheel.wheel_name(ROOT)
    (reader / wheel_file.name).write_bytes(wheel_file.read_bytes())
    source = out / "chapter_rnn" / "rnn.en.ipynb"
    (reader / "chapter_rnn" / source.name).write_bytes(source.read_bytes())

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "ipykernel"], check=True, timeout=600)
    check = subprocess.run([str(python), "-c", "import rnnbook"], capture_output=True, cwd=tmp_path)
    assert check.returncode != 0, "rnnbook must come from the wheel, not be there already"
    kernels = tmp_path / "jupyter" / "kernels" / "fresh"
    kernels.mkdir(parents=True)
    spec = {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"], "language": "python"}
    (kernels / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    os.environ["JUPYTER_PATH"] = str(tmp_path / "jupyter")
    try:
        nb = nbformat.read(reader / "chapter_rnn" / source.name, as_version=4)

        def stdout(notebook) -> list[str]:  # (a fresh matplotlib may warn on stderr while it builds its cache)
            cells = [
                c
                for c in notebook.cells
                if c.cell_type == "code" and "rnnbook-install" not in c.metadata.get("tags", [])
            ]
            # Per cell, all its stdout: a kernel may split one cell's prints into several streams.
            return ["".join(o["text"] for o in c.outputs if o.get("name") == "stdout") for c in cells]

        expected = stdout(nb)
        for cell in nb.cells:
            if cell.cell_type == "code":
                cell.outputs = []
        NotebookClient(
            nb, timeout=900, kernel_name="fresh", resources={"metadata": {"path": str(reader / "chapter_rnn")}}
        ).execute()
    finally:
        del os.environ["JUPYTER_PATH"]
    assert any(expected) and stdout(nb) == expected
    assert subprocess.run([str(python), "-c", "import rnnbook"], cwd=tmp_path).returncode == 0
    tools = subprocess.run([str(python), "-c", "import translation_tools"], capture_output=True, cwd=tmp_path)
    assert tools.returncode != 0, "the wheel holds rnnbook only"
