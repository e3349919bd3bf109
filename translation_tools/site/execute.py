"""Run a page's Python cells in one Jupyter kernel, cached by the content of what the run used.

The cache key has two levels. The *page key* hashes the page's code cells (after snippet
expansion), the Python and torch versions and this engine's setup code. Under one page key the
cache keeps entries recorded after real runs; each entry lists the *dependencies* the run used,
and is valid while each still hashes the same:

- for every project module the kernel imported (a file under the book's root, outside any
  virtualenv or site-packages): its *skeleton* (imports and every top-level statement that is not
  a definition) and the top-level definitions (functions, classes, assignments to a name) the
  page used. A definition is used when the page's code names it, when any of its code ran during
  the page (traced with ``sys.setprofile``), or when a used definition names it (closure over
  names). So editing one function re-runs only the pages that reach it;
- every other file under the root the page's code opened for reading (an audit hook records
  ``open`` events), e.g. the shipped corpus.

Entries are written atomically (temporary file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from translation_tools.write import write_file_atomic

ENGINE_VERSION = "1"
KERNEL_NAME = "rnnbook-python"
DEFAULT_TIMEOUT = 300.0
CACHE_ENV = "RNNBOOK_EXEC_CACHE"
MAX_VARIANTS = 3

SNIPPET_RE = re.compile(r"""^(?P<indent>\s*)--8<--\s+(?P<quote>["'])(?P<target>[^"']+)(?P=quote)\s*$""")
SECTION_RE = re.compile(r"--8<--\s*\[(?P<kind>start|end):(?P<name>[^\]]+)\]")
PYTHON_INFOS = {"python", "py", "python3"}


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


# --------------------------------------------------------------------------- cells and snippets


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
    """Replace ``--8<-- "file:section"`` lines the way pymdownx.snippets does (base path = root)."""
    out = []
    for offset, line in enumerate(body.split("\n")):
        match = SNIPPET_RE.match(line)
        if not match or line.lstrip().startswith(";"):
            out.append(line)
            continue
        text = read_snippet(match.group("target"), root, page, first_line + offset)
        out.extend(match.group("indent") + piece if piece else piece for piece in text.split("\n"))
    return "\n".join(out)


def read_snippet(target: str, root: Path, page: str, line: int) -> str:
    """The text a snippet target names: a whole file, ``file:section`` or ``file:start:end``."""
    path_part, section, span = target, None, None
    range_match = re.match(r"^(.*?):(\d*):(\d*)$", target)
    if range_match:
        path_part, span = range_match.group(1), (range_match.group(2), range_match.group(3))
    elif ":" in target and not re.match(r"^[A-Za-z]:[\\/]", target):
        path_part, section = target.rsplit(":", 1)
    path = (root / path_part).resolve()
    if not path.is_file():
        raise ExecutionError(page, line, f'snippet "{target}" not found: no file {path_part} under {root}')
    lines = path.read_text(encoding="utf-8").splitlines()
    if span is not None:
        start = int(span[0] or 1)
        end = int(span[1] or len(lines))
        return "\n".join(lines[start - 1 : end])
    if section is None:
        return "\n".join(lines)
    picked, inside, found = [], False, False
    for text in lines:
        marker = SECTION_RE.search(text)
        if marker:
            if marker.group("name") == section:
                if marker.group("kind") == "start":
                    inside, found = True, True
                else:
                    inside = False
            continue  # section markers never reach the output, nested or not
        if inside:
            picked.append(text)
    if not found:
        raise ExecutionError(
            page,
            line,
            f'snippet "{target}" not found: no section "{section}" in {path_part} '
            f"(mark it with '# --8<-- [start:{section}]' and '# --8<-- [end:{section}]')",
        )
    return "\n".join(picked)


# --------------------------------------------------------------------------- hashing helpers


def sha(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def torch_version() -> str:
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


def index_module(source: str) -> ModuleIndex:
    """Split a module into its skeleton and its named top-level definitions."""
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


# --------------------------------------------------------------------------- the kernel side

# Runs first in every kernel: the two recorders. Nothing heavy is imported here; torch and
# matplotlib are configured through the environment and config files (see kernel_env).
KERNEL_SETUP = r"""
def __rnnbook_setup():
    import os, sys
    seen_code = set()
    add_code = seen_code.add
    def profile(frame, event, arg):
        if event == "call":
            add_code(frame.f_code)
    opened = set()
    def audit(event, args):
        if event == "open" and args and isinstance(args[0], str):
            mode = args[1] if len(args) > 1 and isinstance(args[1], str) else "r"
            if not any(flag in mode for flag in "wax+"):
                opened.add(os.path.abspath(args[0]))
        elif event in ("os.listdir", "os.scandir") and args and isinstance(args[0], str):
            opened.add(os.path.abspath(args[0]))
    sys.addaudithook(audit)
    sys.setprofile(profile)
    return seen_code, opened
__rnnbook_seen, __rnnbook_opened = __rnnbook_setup()
del __rnnbook_setup
"""

# Figures as SVG with stable ids and real text (smaller files); read when matplotlib loads.
MATPLOTLIBRC = "svg.hashsalt: rnnbook\nsvg.fonttype: none\nfigure.max_open_warning: 0\n"
IPYTHON_KERNEL_CONFIG = "c.InlineBackend.figure_formats = {'svg'}\nc.HistoryManager.enabled = False\n"

# Runs last: report what the page used, as one JSON line on stdout.
KERNEL_REPORT = r"""
def __rnnbook_report():
    import json, os, sys
    sys.setprofile(None)
    modules = sorted({os.path.abspath(m.__file__) for m in list(sys.modules.values())
                      if isinstance(getattr(m, "__file__", None), str) and m.__file__.endswith(".py")})
    code = sorted({(c.co_filename, c.co_name, c.co_firstlineno) for c in __rnnbook_seen})
    search = [os.path.abspath(p or ".") for p in sys.path if isinstance(p, str)]
    times = os.times()
    print(json.dumps({"modules": modules, "code": code, "opened": sorted(__rnnbook_opened),
                      "path": search, "cpu": times.user + times.system}))
__rnnbook_report()
"""


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


# --------------------------------------------------------------------------- the cache


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
        atomic_write(target, json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        old = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for stale in old[MAX_VARIANTS:]:
            stale.unlink(missing_ok=True)
        return target


def atomic_write(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` through a temporary file in the same folder."""
    write_file_atomic(target, data)


# --------------------------------------------------------------------------- running a page


def write_kernel_files(directory: Path) -> Path:
    """A kernel spec starting this interpreter (the venv's python) with ipykernel, plus the
    IPython and matplotlib config the kernel reads; returns the folder holding them."""
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "rnnbook (build)",
        "language": "python",
    }
    wanted = {
        directory / KERNEL_NAME / "kernel.json": json.dumps(spec, indent=1),
        directory / "ipython" / "profile_default" / "ipython_kernel_config.py": IPYTHON_KERNEL_CONFIG,
        directory / "matplotlib" / "matplotlibrc": MATPLOTLIBRC,
    }
    for path, text in wanted.items():
        data = text.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            atomic_write(path, data)
    return directory


def kernel_env(kernel_dir: Path) -> dict[str, str]:
    """The kernel's environment: deterministic hashing, one torch thread, SVG figures.

    The book's models are small: a second CPU thread buys little on an idle machine, and on a busy
    one OpenMP's spinning threads make training many times slower (measured here), so pages
    run single-threaded and take about the same time wherever they run.
    """
    env = dict(os.environ)
    env.update(
        PYTHONHASHSEED="0",
        SOURCE_DATE_EPOCH="0",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        MPLBACKEND="module://matplotlib_inline.backend_inline",
        MATPLOTLIBRC=str(kernel_dir / "matplotlib"),
        IPYTHONDIR=str(kernel_dir / "ipython"),
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    return env


def clean_outputs(outputs: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """Plain dicts; consecutive streams merged; a figure shown twice kept once; counts renumbered."""
    cleaned: list[dict[str, Any]] = []
    seen_images: set[str] = set()
    for out in outputs:
        out = json.loads(json.dumps(out))  # NotebookNode -> dict
        kind = out.get("output_type")
        if kind == "stream":
            if isinstance(out.get("text"), list):
                out["text"] = "".join(out["text"])
            last = cleaned[-1] if cleaned else None
            if last and last.get("output_type") == "stream" and last["name"] == out["name"]:
                last["text"] += out["text"]
                continue
        elif kind in ("display_data", "execute_result"):
            data = out.get("data", {})
            image = data.get("image/svg+xml") or data.get("image/png")
            if image is not None:
                marker = sha("".join(image) if isinstance(image, list) else image)
                if marker in seen_images:
                    continue
                seen_images.add(marker)
            if kind == "execute_result":
                out["execution_count"] = count
        cleaned.append(out)
    return cleaned


class Executor:
    """Runs or recalls pages; one instance per build, sharing a source index and the cache."""

    def __init__(self, root: Path, cache_dir: Path, timeout: float = DEFAULT_TIMEOUT):
        self.root = root.resolve()
        self.cache_dir = cache_dir.resolve()
        self.cache = ExecutionCache(self.cache_dir)
        self.timeout = timeout
        self.sources = SourceIndex()
        self.executed: list[str] = []
        self._gate: Any = None  # a semaphore while kernels are started ahead

    def run_page(self, path: str, cells: list[Cell]) -> PageRun:
        """Outputs for a page's cells: from the cache when every dependency holds, else by running."""
        if not cells:
            return PageRun(path, [])
        key = page_key(cells)
        hit = self._recall(path, cells, key)
        if hit is not None:
            return hit
        # Builds running at the same time (a serve and a test, say) share the cache: the
        # first one to reach a page runs it, the others wait for its entry.
        with self.cache.lock(key):
            hit = self._recall(path, cells, key)
            return hit if hit is not None else self._run_and_store(path, cells, key)

    def _recall(self, path: str, cells: list[Cell], key: str) -> PageRun | None:
        entry = self.cache.lookup(key, self.root, self.sources)
        if entry is None:
            return None
        for cell, outputs in zip(cells, entry["outputs"]):
            cell.outputs = outputs
        return PageRun(path, cells, executed=False, seconds=entry.get("seconds", 0.0), key=key)

    def _run_and_store(self, path: str, cells: list[Cell], key: str) -> PageRun:
        report, seconds = self._execute(path, cells)
        deps = collect_dependencies(report, cells, self.root, self.cache_dir, self.sources)
        cpu_seconds = round(float(report.get("cpu", 0.0)), 3)  # kernel CPU, all threads
        entry = {
            "engine": ENGINE_VERSION,
            "key": key,
            "page": path,
            "seconds": round(seconds, 3),
            "cpu_seconds": cpu_seconds,
            "deps": deps,
            "outputs": [cell.outputs for cell in cells],
            "cell_seconds": {str(cell.line): cell.seconds for cell in cells},
        }
        self.cache.store(key, entry)
        self.executed.append(path)
        return PageRun(path, cells, executed=True, seconds=seconds, key=key, cpu_seconds=cpu_seconds)

    def run_pages(self, pages: list[tuple[str, list[Cell]]], jobs: int = 1, prestart: bool = False) -> list[PageRun]:
        """``run_page`` for many pages, ``jobs`` pages' cells running at a time; results in page
        order. With ``prestart`` one more kernel starts while those run (cells still wait their
        turn), hiding most of a kernel's start-up. The first failing page (in order) is raised.
        """
        workers = max(1, jobs) + (1 if prestart else 0)
        if workers <= 1 or len(pages) <= 1:
            return [self.run_page(path, cells) for path, cells in pages]
        import threading
        from concurrent.futures import ThreadPoolExecutor

        self._gate = threading.BoundedSemaphore(max(1, jobs)) if prestart else None
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rnnbook-exec") as pool:
                futures = [pool.submit(self.run_page, path, cells) for path, cells in pages]
                results: list[PageRun] = []
                for future in futures:
                    error = future.exception()
                    if error is not None:
                        pool.shutdown(wait=True, cancel_futures=True)
                        raise error
                    results.append(future.result())
        finally:
            self._gate = None
        return results

    def _turn(self):
        """Wait for a free slot to run cells (only when kernels are started ahead)."""
        return self._gate if self._gate is not None else nullcontext()

    def _execute(self, path: str, cells: list[Cell]) -> tuple[dict[str, Any], float]:
        """Run the cells in a fresh kernel; the kernel's report and the seconds it was busy."""
        import nbformat
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync
        from nbclient import NotebookClient
        from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

        kernel_dir = write_kernel_files(self.cache_dir / "kernels")
        ksm = KernelSpecManager(kernel_dirs=[str(kernel_dir)], ensure_native_kernel=False)
        # IPC sockets: no TCP ports, and no warning about unencrypted TCP.
        # IPC sockets need a short path (108 bytes at most): a private temporary folder.
        ipc_dir = Path(tempfile.mkdtemp(prefix="rnbk-"))
        ipc = ipc_dir / "k"
        # Async: a blocking client would stall nbclient's event loop past a timeout.
        km = AsyncKernelManager(
            kernel_name=KERNEL_NAME,
            kernel_spec_manager=ksm,
            transport="ipc",
            ip=str(ipc),
        )
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(KERNEL_SETUP)]
        nb.cells += [nbformat.v4.new_code_cell(cell.source) for cell in cells]
        nb.cells.append(nbformat.v4.new_code_cell(KERNEL_REPORT))
        client = NotebookClient(
            nb,
            km=km,
            timeout=self.timeout,
            allow_errors=False,
            record_timing=False,
            kernel_name=KERNEL_NAME,
            resources={"metadata": {"path": str(self.root)}},
        )
        current = cells[0].line
        clean_exit = False
        started = time.perf_counter()
        try:
            with client.setup_kernel(env=kernel_env(kernel_dir), cwd=str(self.root)):
                startup = time.perf_counter() - started
                with self._turn():
                    # The page's clock runs while its kernel starts and while its cells run,
                    # not while a kernel started ahead waits for its turn.
                    running = time.perf_counter()
                    deadline = time.monotonic() + self.timeout - startup
                    for index, nb_cell in enumerate(nb.cells):
                        is_page_cell = 0 < index <= len(cells)
                        if is_page_cell:
                            current = cells[index - 1].line
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            raise CellTimeoutError("page time limit reached")
                        client.timeout = max(1, int(remaining + 0.999))
                        cell_started = time.perf_counter()
                        client.execute_cell(nb_cell, index)
                        if is_page_cell:
                            cells[index - 1].outputs = clean_outputs(nb_cell.outputs, index)
                            cells[index - 1].seconds = round(time.perf_counter() - cell_started, 3)
                    active = startup + time.perf_counter() - running
            clean_exit = True
        except CellExecutionError as error:
            name = getattr(error, "ename", "") or "Error"
            value = strip_ansi(str(getattr(error, "evalue", "") or "")).strip()
            raise ExecutionError(path, current, f"cell raised {name}: {value}") from None
        except (CellTimeoutError, TimeoutError):
            raise ExecutionError(
                path,
                current,
                f"page {path} ran past its time limit of {self.timeout:g} s in this cell "
                "(make the cell faster or raise the plugin's `timeout`)",
            ) from None
        except DeadKernelError as error:
            raise ExecutionError(path, current, f"kernel died while running this cell: {error}") from None
        finally:
            if km.has_kernel:  # nbclient leaves a kernel manager it was given running;
                run_sync(km.shutdown_kernel)(now=not clean_exit)  # a busy kernel is killed at once
            shutil.rmtree(ipc_dir, ignore_errors=True)
        text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
        return json.loads(text.strip().splitlines()[-1]), active


ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return ANSI_RE.sub("", text)


def default_cache_dir(root: Path, configured: str | None = None) -> Path:
    """``$RNNBOOK_EXEC_CACHE``, else the configured folder (relative to root), else .cache/execution."""
    chosen = os.environ.get(CACHE_ENV) or configured or ".cache/execution"
    path = Path(chosen)
    return path if path.is_absolute() else root / path
