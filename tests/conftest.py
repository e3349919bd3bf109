"""Shared fixtures and helpers; test modules import from here (or from the fixture books
``site_fixture`` and ``exec_fixture``), never from each other.

- the book's site built once per test session with `mkdocs build --strict` (``built_site``);
- the execution engine's fixture book run once per session (``executed_book``);
- golden files (``assert_golden``: a missing one fails; ``UPDATE_GOLDEN=1`` rewrites);
- the writers' invariant (``assert_nothing_lost``).

A test using ``built_site`` or ``executed_book`` is marked ``slow`` here (it builds the whole
book or starts kernels); other slow tests carry the mark themselves.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from exec_fixture import run_book, write_exec_book

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
SLOW_FIXTURES = {"built_site", "executed_book"}


def pytest_collection_modifyitems(config, items):
    """Mark ``slow`` every test that builds the whole book or runs the engine's fixture book."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


# --- golden files and committed test data ---------------------------------------------------


def assert_golden(path: Path, actual: str) -> None:
    """Compare ``actual`` with the reviewed golden file ``path`` byte for byte, showing a diff.

    A missing or different golden file fails. Only on request, ``UPDATE_GOLDEN=1`` (ignored under
    CI=true), writes ``actual`` there instead and skips the test saying so: review, then commit.
    """
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    expected = path.read_bytes().decode("utf-8") if path.exists() else None
    if actual == expected:
        return
    update = os.environ.get("UPDATE_GOLDEN") == "1"
    if update and os.environ.get("CI") != "true":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual.encode("utf-8"))
        pytest.skip(f"UPDATE_GOLDEN=1 {'wrote' if expected is None else 'rewrote'} {shown}: review it, then commit it")
    how = "UPDATE_GOLDEN=1 is ignored under CI=true" if update else "run with UPDATE_GOLDEN=1 to write it"
    if expected is None:
        pytest.fail(f"golden file {shown} is missing: restore it from git, or {how} from this output and review it")
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(shown), "actual"))
    pytest.fail(f"output differs from {shown} (if the new output is right, {how}):\n{diff}")


def committed(items: list, what: str) -> list:
    """``items`` (files or folders of committed test data found by a glob), failing when there are none.

    Called at import: a test module whose data is gone fails to collect instead of skipping.
    """
    if not items:
        raise FileNotFoundError(f"{what} is missing: it is committed test data; restore it from git")
    return items


def build_site(config: Path, site_dir: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run a strict MkDocs build and return the finished process (output captured as text)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def run_tools(*args, cwd=None, columns: int | None = None) -> subprocess.CompletedProcess:
    """Run the translators' CLI (`python -m translation_tools ARGS`) and capture its text output
    (``columns``: the terminal width tables are drawn for)."""
    env = dict(os.environ, COLUMNS=str(columns)) if columns else None
    return subprocess.run(
        [sys.executable, "-m", "translation_tools", *map(str, args)], cwd=cwd, capture_output=True, text=True, env=env
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole book, built strictly into a temporary folder.

    RNNBOOK_BUILT_SITE=DIR reuses a site you built yourself (for iterating on browser tests).
    """
    prebuilt = os.environ.get("RNNBOOK_BUILT_SITE")
    if prebuilt:
        assert (Path(prebuilt) / "index.html").exists(), f"RNNBOOK_BUILT_SITE={prebuilt} has no index.html"
        return Path(prebuilt)
    site_dir = tmp_path_factory.mktemp("book") / "site"
    result = build_site(ROOT / "mkdocs.yml", site_dir)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


@pytest.fixture(scope="session")
def executed_book(tmp_path_factory) -> Path:
    """The engine's fixture book (``exec_fixture``) after one cold run: both pages executed, cache
    filled. Shared by the session: a test that edits or executes in it works on a copy
    (``copy_of``)."""
    root = tmp_path_factory.mktemp("exec-book")
    write_exec_book(root)
    executor = run_book(root)
    assert executor.executed == ["docs/a.md", "docs/b.md"]
    return root


def copy_of(folder: Path, target: Path) -> Path:
    """A private copy of ``folder`` (a fixture book, cache included) at ``target``."""
    shutil.copytree(folder, target)
    return target


def book_config() -> dict:
    """The book's mkdocs.yml, read as MkDocs reads it (``!ENV`` tags resolved)."""
    from mkdocs.utils.yaml import yaml_load

    return yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))


def book_extensions(root: Path) -> list:
    """The book's Markdown extensions, with snippets resolved against ``root`` (a fixture book)."""
    real = book_config()
    extensions = []
    for ext in real.get("markdown_extensions", []):
        name = next(iter(ext)) if isinstance(ext, dict) else ext
        if name == "pymdownx.snippets":
            ext = {name: {"base_path": [str(root)], "check_paths": True}}
        extensions.append(ext)
    return extensions


def write_book(root: Path, files: dict[str, str], plugin: dict | None = None, execute: bool = False) -> Path:
    """Write a small book (``files`` relative to ``root``) with a mkdocs.yml like the real one.

    Same theme and Markdown extensions as the book, plugins ``search`` and ``rnnbook``
    only (no code execution, unless ``execute``: then ``rnnbook-execute`` runs first, as in the
    book's mkdocs.yml), so a fixture build takes a second or two.
    """
    import yaml

    real = book_config()
    extensions = book_extensions(root)
    config = {
        "site_name": "Sách thử",
        "site_url": "http://127.0.0.1:8000/",
        "repo_url": "https://example.org/book",
        "edit_uri": "edit/main/docs/",
        "theme": {"name": "material", "language": "vi", "font": False, "features": real["theme"].get("features", [])},
        "plugins": ["search", *([{"rnnbook-execute": {"timeout": 60}}] if execute else []), {"rnnbook": plugin or {}}],
        "markdown_extensions": extensions,
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "mkdocs.yml"


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny tensors: a second torch thread only adds contention on a busy 2-core machine."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


# --- the writers' invariant: no Vietnamese line is ever lost ---------------------------------


def vietnamese_lines(text: str) -> list[str]:
    """Lines a translator wrote: a Vietnamese letter, outside the English comments, not a placeholder."""
    import unicodedata

    from translation_tools.parse import parse
    from translation_tools.syntax import PLACEHOLDER, VIETNAMESE_LETTERS

    doc = parse(text)
    english: set[int] = set()
    for seg in doc.segments():
        english.update(range(seg.english_start, seg.english_end + 1))
    found = []
    for number, line in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = unicodedata.normalize("NFC", line).strip()
        if number in english or not line or VIETNAMESE_LETTERS.isdisjoint(line):
            continue
        if PLACEHOLDER.fullmatch(line.lstrip("#! [").split("](")[0].strip() + ("*" if line.endswith(")") else "")):
            continue
        if PLACEHOLDER.search(line) and not PLACEHOLDER.sub("", line).strip("#![]() ./_-*abcdefghijklmnopqrstuvwxyz"):
            continue
        found.append(line)
    return found


def lines_of(text: str) -> set[str]:
    """The page's lines as compared: NFC, stripped, '-->' escaped inside comments read back."""
    import unicodedata

    from translation_tools.syntax import unescape_comment

    return {unescape_comment(unicodedata.normalize("NFC", line)).strip() for line in text.splitlines()}


def assert_nothing_lost(before: str, after: str) -> None:
    kept = lines_of(after)
    lost = [line for line in vietnamese_lines(before) if line not in kept]
    assert not lost, f"{len(lost)} Vietnamese line(s) lost, first: {lost[0]!r}"
