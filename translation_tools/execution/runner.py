"""Run or recall pages: one ``Executor`` per build, sharing a source index and the cache."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from translation_tools.execution.cache import ENGINE_VERSION, ExecutionCache, page_key
from translation_tools.execution.cells import Cell, ExecutionError, PageRun
from translation_tools.execution.kernel import (
    KERNEL_NAME,
    KERNEL_REPORT,
    KERNEL_SETUP,
    clean_outputs,
    kernel_env,
    strip_ansi,
    write_kernel_files,
)
from translation_tools.execution.sources import SourceIndex, collect_dependencies
from translation_tools.write import write_file_atomic

DEFAULT_TIMEOUT = 300.0
MAX_AUTO_JOBS = 4  # kernels at once when the count is automatic: each holds torch (~0.5 GB)


def worker_count(jobs: int) -> int:
    """``jobs`` as asked; 0 means one kernel per usable core (bounded), since pages are independent."""
    if jobs > 0:
        return jobs
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_AUTO_JOBS))


TIMINGS = ".cache/execution-times.json"  # page -> seconds of its last run, whichever cache ran it


def longest_first(paths: list[str], timings: dict[str, float]) -> list[int]:
    """Indexes of ``paths`` by their last recorded time, longest first, so no long page starts
    last while the other kernels sit idle; never-timed pages go first, in page order."""
    return sorted(range(len(paths)), key=lambda i: -timings.get(paths[i], float("inf")))


def read_timings(root: Path) -> dict[str, float]:
    try:
        data = json.loads((root / TIMINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()} if isinstance(data, dict) else {}


def record_timings(root: Path, seconds: dict[str, float]) -> None:
    """Remember how long pages took, for the next run's order (a hint: losing it costs nothing)."""
    if not seconds:
        return
    timings = {**read_timings(root), **{path: round(s, 1) for path, s in seconds.items()}}
    with contextlib.suppress(OSError):
        write_file_atomic(root / TIMINGS, json.dumps(timings, indent=1, sort_keys=True).encode("utf-8"))


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
        jobs = worker_count(jobs)
        workers = jobs + (1 if prestart else 0)
        # Pages the cache answers need no worker (a warm build starts no thread at all).
        found: dict[int, PageRun] = {}
        for i, (path, cells) in enumerate(pages):
            hit = self._recall(path, cells, page_key(cells)) if cells else PageRun(path, [])
            if hit is not None:
                found[i] = hit
        missing = [i for i in range(len(pages)) if i not in found]
        if workers <= 1 or len(missing) <= 1:
            runs = [found[i] if i in found else self.run_page(*pages[i]) for i in range(len(pages))]
            record_timings(self.root, {run.path: run.seconds for run in runs if run.executed})
            return runs
        import threading
        from concurrent.futures import ThreadPoolExecutor

        self._gate = threading.BoundedSemaphore(max(1, jobs)) if prestart else None
        order = longest_first([path for path, _ in pages], read_timings(self.root))
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="rnnbook-exec") as pool:
                futures = {i: pool.submit(self.run_page, *pages[i]) for i in order if i not in found}
                results: list[PageRun] = []
                for i in range(len(pages)):
                    if i in found:
                        results.append(found[i])
                        continue
                    error = futures[i].exception()
                    if error is not None:
                        pool.shutdown(wait=True, cancel_futures=True)
                        raise error
                    results.append(futures[i].result())
        finally:
            self._gate = None
        record_timings(self.root, {run.path: run.seconds for run in results if run.executed})
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
