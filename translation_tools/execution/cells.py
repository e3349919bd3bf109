"""A page's executable cells: its Python code blocks, with snippet lines expanded by
pymdownx.snippets itself (the code path the page's own Markdown takes), and their outcomes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

PYTHON_INFOS = {"python", "py", "python3"}
SNIPPET_LINE = re.compile(r"""^\s*(?<!;)--8<--\s+["'][^"']+["']\s*$""")


class ExecutionError(Exception):
    """A page could not be executed; ``str()`` is ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


@dataclass(slots=True)
class Cell:
    """One executable code block: the fence line, the source after snippet expansion, outputs."""

    line: int
    source: str
    outputs: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass(slots=True)
class PageRun:
    """The outcome for one page: its cells with outputs, whether the kernel ran, how long."""

    path: str
    cells: list[Cell]
    executed: bool = False
    seconds: float = 0.0
    key: str = ""
    cpu_seconds: float = 0.0

    def outputs_by_line(self) -> dict[int, list[dict[str, Any]]]:
        return {cell.line: cell.outputs for cell in self.cells}


def fence_language(info: str) -> str:
    """The language of a fence info string: ``python``, ``{.python .x}`` and ``python title="a"``."""
    info = info.strip()
    if info.startswith("{"):
        match = re.search(r"\.([\w+-]+)", info)
        return match.group(1).lower() if match else ""
    return info.split()[0].lower() if info else ""


def code_cells(doc: Any, root: Path) -> list[Cell]:
    """The page's Python code blocks, in order, with snippet lines expanded."""
    if doc.front_matter.get("execute") is False:
        return []
    cells = []
    for block in doc.blocks:
        if block.kind != "code" or fence_language(getattr(block, "info", "")) not in PYTHON_INFOS:
            continue
        source = expand_snippets(block.body, root, doc.path, block.start + 1)
        cells.append(Cell(block.start, source))
    return cells


def expand_snippets(body: str, root: Path, page: str, first_line: int) -> str:
    """Replace ``--8<-- "file:section"`` lines as the page's Markdown does: with pymdownx.snippets
    (base path = the book's root, missing files and sections are errors)."""
    from pymdownx.snippets import SnippetMissingError

    lines = body.split("\n")
    try:
        return "\n".join(_snippets(str(root)).run(lines))
    except SnippetMissingError as error:
        # Name the line that asked for it: the first snippet line that fails on its own.
        for offset, line in enumerate(lines):
            if SNIPPET_LINE.match(line):
                try:
                    _snippets(str(root)).run([line])
                except SnippetMissingError as missing:
                    target = line.split("--8<--", 1)[1].strip().strip("\"'")
                    raise ExecutionError(
                        page,
                        first_line + offset,
                        f'snippet "{target}" not found: {missing} (under {root}; mark a section with '
                        "'# --8<-- [start:name]' and '# --8<-- [end:name]')",
                    ) from None
        raise ExecutionError(page, first_line, str(error)) from None


@lru_cache(maxsize=8)
def _snippets(root: str):
    """pymdownx.snippets' preprocessor, configured as the book's mkdocs.yml configures it."""
    import markdown

    md = markdown.Markdown(
        extensions=["pymdownx.snippets"],
        extension_configs={"pymdownx.snippets": {"base_path": [root], "check_paths": True}},
    )
    return md.preprocessors["snippet"]
