"""The rnnbook-execute plugin in a real build with the site plugin: outputs in both editions,
figures as SVG files, notebook downloads and views, the English build hitting the cache."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import book_extensions, copy_of
from exec_fixture import PAGE_A, PAGE_B, write_exec_book

INDEX = """\
<!--
# Fixture Book
-->

# Sách thử

```toc
a
b
```
"""


def write_site(root: Path) -> Path:
    """The engine's fixture book (exec_fixture) plus a mkdocs.yml using the book's extensions."""
    write_exec_book(root)
    (root / "docs" / "index.md").write_text(INDEX, encoding="utf-8")
    extensions = book_extensions(root)
    config = {
        "site_name": "Sách thử",
        "site_url": "http://127.0.0.1:8000/",
        "theme": {"name": "material", "language": "vi", "font": False},
        "plugins": [
            "search",
            {"rnnbook-execute": {"timeout": 120}},
            "rnnbook",
            {"mkdocs-jupyter": {"include": ["*.ipynb"], "ignore": ["*.md", "*.py"]}},
        ],
        "markdown_extensions": extensions,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return root / "mkdocs.yml"


def build(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop("RNNBOOK_EXEC_CACHE", None)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("execsite")
    write_site(root)
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root, result.stderr


def page_html(root: Path, edition: str, name: str) -> str:
    base = root / "site" / ("en" if edition == "en" else "")
    return (base / name / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_each_page_runs_once_for_both_editions(site):
    _, log = site
    assert log.count("executed docs/a.md") == 1
    assert log.count("executed docs/b.md") == 1


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["vi", "en"])
def test_outputs_follow_their_cells(site, edition):
    root, _ = site
    html = page_html(root, edition, "a")
    outputs = re.findall(r'<div class="cell-output no-copy">(.*?)</div>', html, flags=re.S)
    assert len(outputs) == 3
    assert '<pre class="cell-output-text"><code>6</code></pre>' in outputs[0]
    assert '<pre class="cell-output-text cell-output-value"><code>42</code></pre>' in outputs[1]
    src = re.search(r'<figure class="cell-output-figure"><img src="([^"]+)"', outputs[2]).group(1)
    figure = (root / "site" / ("en" if edition == "en" else "") / "a" / src).resolve()
    assert figure.suffix == ".svg" and figure.read_text().lstrip().startswith("<?xml")
    assert figure.stat().st_mode & 0o044 == 0o044, "a web server can read it"
    # each output block sits right after its code block
    assert html.index(">double<") < html.index(outputs[0]) < html.index(">answer<") < html.index(outputs[1])


@pytest.mark.slow
@pytest.mark.parametrize("edition,label", [("vi", "Tải notebook"), ("en", "Download notebook")])
def test_notebook_download_button(site, edition, label):
    root, _ = site
    html = page_html(root, edition, "a")
    href = re.search(rf'<a class="md-button cell-notebook-download" href="([^"]+)"[^>]*>{label}</a>', html)
    assert href, f"no {label!r} button"
    notebook = (root / "site" / ("en" if edition == "en" else "") / "a" / href.group(1)).resolve()
    assert notebook.name == f"a.{edition}.ipynb" and notebook.is_file()


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["vi", "en"])
def test_notebook_view_rendered_by_mkdocs_jupyter(site, edition):
    root, _ = site
    view = root / "site" / ("en" if edition == "en" else "") / "notebooks" / "a" / "index.html"
    html = view.read_text(encoding="utf-8")
    assert "jupyter-wrapper" in html and ">double<" in html
    assert not re.search(r'src="https?://', html), "notebook view loads nothing remote"
    assert "cdnjs" not in html
    assert "<style" not in html or len(html) < 200_000, "the big notebook CSS is a shared file"


@pytest.mark.slow
def test_warm_build_executes_nothing(site, tmp_path):
    root, _ = site
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "executed" not in result.stderr


@pytest.mark.slow
def test_a_warm_build_after_a_prose_edit_shows_it_in_the_notebooks(site, tmp_path):
    """Notebooks and views are remembered between builds (.cache/site): an edit to the prose,
    code unchanged, runs nothing, and both the download and the view carry the new words."""
    root = copy_of(site[0], tmp_path / "book")
    page = root / "docs" / "a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Một đoạn văn.", "Một đoạn văn đã sửa."), encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "executed" not in result.stderr
    notebook = json.loads((root / "site" / "a.vi.ipynb").read_text(encoding="utf-8"))
    assert any("Một đoạn văn đã sửa." in "".join(cell["source"]) for cell in notebook["cells"])
    assert "Một đoạn văn đã sửa." in (root / "site" / "notebooks" / "a" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_failing_cell_fails_the_build_with_page_and_line(site):
    root, _ = site
    (root / "docs" / "b.md").write_text(PAGE_B + "\n```python\nraise ValueError('bad input')\n```\n", encoding="utf-8")
    try:
        result = build(root)
    finally:
        (root / "docs" / "b.md").write_text(PAGE_B, encoding="utf-8")
    assert result.returncode != 0
    assert "docs/b.md:14: cell raised ValueError: bad input" in result.stderr


@pytest.mark.slow
def test_fixture_pages_are_unchanged_by_the_build(site):
    root, _ = site
    assert (root / "docs" / "a.md").read_text(encoding="utf-8") == PAGE_A


def test_render_escapes_text_and_keeps_the_last_progress_state():
    from translation_tools.execution.plugin import ExecutePlugin

    plugin = ExecutePlugin()
    plugin.edition, plugin.assets = "vi", {}
    html = plugin.render(
        [
            {"output_type": "stream", "name": "stdout", "text": "<unk> & <eos>\n10%\r50%\r100%\n"},
            {"output_type": "stream", "name": "stderr", "text": "\x1b[31mwarning\x1b[0m\n"},
            {"output_type": "execute_result", "data": {"text/plain": "tensor([1, 2])"}, "execution_count": 1},
        ],
        "chapter/page/",
    )
    assert html.startswith('\n\n<div class="cell-output no-copy">') and html.endswith("</div>\n\n")
    assert "<code>&lt;unk&gt; &amp; &lt;eos&gt;\n100%</code>" in html
    assert '<pre class="cell-output-text cell-output-stderr"><code>warning</code></pre>' in html
    assert '<pre class="cell-output-text cell-output-value"><code>tensor([1, 2])</code></pre>' in html


def test_render_writes_figures_as_files_relative_to_the_page():
    from translation_tools.execution.plugin import ExecutePlugin

    plugin = ExecutePlugin()
    plugin.edition, plugin.assets = "en", {}
    svg = '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    html = plugin.render([{"output_type": "display_data", "data": {"image/svg+xml": svg}}], "chapter/page/")
    (name,) = plugin.assets
    assert name.startswith("assets/outputs/") and name.endswith(".svg")
    assert f'<img src="../../{name}" alt="Figure drawn by the code above"' in html
