"""What a run used: the project's modules split into definitions, the files the page read, and
whether a cached run's dependencies still hash as they did."""

from __future__ import annotations

import ast
import hashlib
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from translation_tools.execution.cells import Cell


def sha(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass(slots=True)
class Unit:
    """A top-level definition of a module: its lines, source hash and the names it refers to."""

    name: str
    start: int
    end: int
    def_line: int
    digest: str
    refs: frozenset[str]


@dataclass(slots=True)
class ModuleIndex:
    skeleton: str
    units: dict[str, Unit]

    def unit_at(self, line: int) -> Unit | None:
        for unit in self.units.values():
            if unit.start <= line <= unit.end:
                return unit
        return None


def names_in(node: ast.AST) -> set[str]:
    """Every identifier a piece of code mentions (names, attributes, imported names)."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            found.add(sub.id)
        elif isinstance(sub, ast.Attribute):
            found.add(sub.attr)
        elif isinstance(sub, ast.alias):
            found.add((sub.asname or sub.name).split(".")[0])
            found.add(sub.name.split(".")[-1])
    return found


INDEX_MEMO_SIZE = 512  # module versions; both editions of a build, and serve's rebuilds, parse each once
_INDEXES: OrderedDict[str, ModuleIndex] = OrderedDict()


def index_module(source: str) -> ModuleIndex:
    """Split a module into its skeleton and its named top-level definitions (memoised by content)."""
    key = sha(source)
    found = _INDEXES.get(key)
    if found is not None:
        _INDEXES.move_to_end(key)
        return found
    index = _index_module(source)
    _INDEXES[key] = index
    if len(_INDEXES) > INDEX_MEMO_SIZE:
        _INDEXES.popitem(last=False)
    return index


def _index_module(source: str) -> ModuleIndex:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ModuleIndex(sha(source), {})
    lines = source.splitlines()
    units: dict[str, Unit] = {}
    skeleton: list[str] = []
    for node in tree.body:
        start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        end = node.end_lineno or node.lineno
        text = "\n".join(lines[start - 1 : end])
        names: list[str] = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if all(isinstance(t, ast.Name) for t in targets):
                names = [t.id for t in targets if not t.id.startswith("__")]  # type: ignore[attr-defined]
        if not names:
            skeleton.append(text)
            continue
        refs = frozenset(names_in(node))
        for name in names:
            units[name] = Unit(name, start, end, node.lineno, sha(text), refs)
    return ModuleIndex(sha("\n".join(skeleton)), units)


class SourceIndex:
    """Module indexes memoised by file content, so a build hashes each source once."""

    def __init__(self) -> None:
        self._by_path: dict[str, tuple[tuple[int, int], ModuleIndex | None, str | None]] = {}

    def _stat(self, path: Path) -> tuple[int, int] | None:
        try:
            st = path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size)

    def module(self, path: Path) -> ModuleIndex | None:
        stamp = self._stat(path)
        if stamp is None:
            return None
        cached = self._by_path.get(str(path))
        if cached and cached[0] == stamp and cached[1] is not None:
            return cached[1]
        index = index_module(path.read_text(encoding="utf-8", errors="replace"))
        self._by_path[str(path)] = (stamp, index, None)
        return index

    def file_digest(self, path: Path) -> str | None:
        stamp = self._stat(path)
        if stamp is None:
            return None
        key = "data:" + str(path)
        cached = self._by_path.get(key)
        if cached and cached[0] == stamp and cached[2] is not None:
            return cached[2]
        digest = sha(path.read_bytes()) if path.is_file() else sha(*sorted(os.listdir(path)))
        self._by_path[key] = (stamp, None, digest)
        return digest


def is_project_file(path: Path, root: Path, cache_dir: Path) -> bool:
    """A file under the root that belongs to the project (not a venv, site-packages or cache)."""
    try:
        rel = path.relative_to(root)
    except ValueError:
        return False
    parts = set(rel.parts)
    if parts & {"site-packages", "dist-packages", ".venv", "venv", ".git", "__pycache__", ".tox"}:
        return False
    if any(part.endswith((".egg-info", ".dist-info")) for part in rel.parts):
        return False  # install metadata, read by importlib.metadata, not by the page
    if path == cache_dir or cache_dir in path.parents:
        return False
    return path.suffix not in {".pyc", ".pyo", ".ipynb"}


def collect_dependencies(
    report: dict[str, Any], cells: list[Cell], root: Path, cache_dir: Path, sources: SourceIndex
) -> dict[str, Any]:
    """Turn a kernel report into the dependency record stored with a cache entry."""
    modules = {Path(m) for m in report["modules"] if is_project_file(Path(m), root, cache_dir)}
    indexes = {m: ix for m in modules if (ix := sources.module(m)) is not None}
    used: dict[Path, set[str]] = {m: set() for m in indexes}

    page_names: set[str] = set()
    for cell in cells:
        try:
            page_names |= names_in(ast.parse(cell.source))
        except SyntaxError:
            page_names |= set(re.findall(r"[A-Za-z_]\w*", cell.source))
    for module, index in indexes.items():
        used[module] |= page_names & index.units.keys()

    for filename, name, first_line in report["code"]:
        module = Path(filename)
        found = indexes.get(module)
        if found is None:
            continue
        unit = found.unit_at(first_line)
        if unit is None or (name == unit.name and first_line <= unit.def_line):
            continue  # module code, or a class body run at import time
        used[module].add(unit.name)

    # Close over names: a used definition pulls in every definition it mentions.
    pending = [(m, n) for m, names in used.items() for n in names]
    while pending:
        module, name = pending.pop()
        for ref in indexes[module].units[name].refs:
            for other, index in indexes.items():
                if ref in index.units and ref not in used[other]:
                    used[other].add(ref)
                    pending.append((other, ref))

    search_path = set(report.get("path", [])) | {str(root)}
    record: dict[str, Any] = {"modules": {}, "files": {}}
    for module, index in sorted(indexes.items()):
        rel = module.relative_to(root).as_posix()
        record["modules"][rel] = {
            "skeleton": index.skeleton,
            "units": {n: index.units[n].digest for n in sorted(used[module])},
        }
    for opened in report["opened"]:
        path = Path(opened)
        if path.suffix == ".py" or path in modules or not is_project_file(path, root, cache_dir):
            continue
        if path.is_dir() and (str(path) in search_path or (path / "__init__.py").is_file()):
            continue  # the import system lists these; module sources are tracked above
        digest = sources.file_digest(path)
        if digest is not None:
            record["files"][path.relative_to(root).as_posix()] = digest
    return record


def dependencies_hold(record: dict[str, Any], root: Path, sources: SourceIndex) -> bool:
    """True when every dependency of a cache entry still hashes as recorded."""
    for rel, wanted in record.get("modules", {}).items():
        index = sources.module(root / rel)
        if index is None or index.skeleton != wanted["skeleton"]:
            return False
        for name, digest in wanted["units"].items():
            unit = index.units.get(name)
            if unit is None or unit.digest != digest:
                return False
    return all(sources.file_digest(root / rel) == digest for rel, digest in record.get("files", {}).items())
