"""The execution cache: ``<dir>/<page key>/<variant>.json`` entries, each valid while the
dependencies it records still hash the same; written atomically, locked across processes."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from translation_tools.execution.cells import Cell
from translation_tools.execution.kernel import IPYTHON_KERNEL_CONFIG, KERNEL_SETUP, MATPLOTLIBRC
from translation_tools.execution.sources import SourceIndex, dependencies_hold, sha
from translation_tools.write import write_file_atomic

ENGINE_VERSION = "1"
CACHE_ENV = "RNNBOOK_EXEC_CACHE"
MAX_VARIANTS = 3


@functools.cache
def torch_version() -> str:
    """The installed torch's version (its metadata, not an import: fixed for the process)."""
    try:
        from importlib.metadata import version

        return version("torch")
    except Exception:  # torch is optional for the engine itself
        return "none"


def page_key(cells: list[Cell]) -> str:
    """Hash of what a page asks for, before we know what it will use."""
    parts = [ENGINE_VERSION, sys.version, torch_version(), KERNEL_SETUP, MATPLOTLIBRC, IPYTHON_KERNEL_CONFIG]
    for cell in cells:
        parts.append(cell.source)
    return sha(*parts)


class ExecutionCache:
    """``<dir>/<page key>/<variant>.json`` entries, newest first, written atomically."""

    def __init__(self, directory: Path):
        self.directory = directory

    def lookup(self, key: str, root: Path, sources: SourceIndex) -> dict[str, Any] | None:
        folder = self.directory / key
        if not folder.is_dir():
            return None
        entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for path in entries:
            try:
                entry = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # unreadable entries are ignored, never trusted
            if entry.get("engine") == ENGINE_VERSION and dependencies_hold(entry["deps"], root, sources):
                return entry
        return None

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """An exclusive lock on one page key across processes (released if a process dies)."""
        import fcntl

        folder = self.directory / "locks"
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / f"{key}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def store(self, key: str, entry: dict[str, Any]) -> Path:
        folder = self.directory / key
        folder.mkdir(parents=True, exist_ok=True)
        variant = sha(json.dumps(entry["deps"], sort_keys=True))[:16]
        target = folder / f"{variant}.json"
        write_file_atomic(target, json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        old = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in old[MAX_VARIANTS:]:
            stale.unlink(missing_ok=True)
        return target


def default_cache_dir(root: Path, configured: str | None = None) -> Path:
    """``$RNNBOOK_EXEC_CACHE``, else the configured folder (relative to root), else .cache/execution."""
    chosen = os.environ.get(CACHE_ENV) or configured or ".cache/execution"
    path = Path(chosen)
    return path if path.is_absolute() else root / path
