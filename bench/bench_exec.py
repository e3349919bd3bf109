"""Execution benchmark: cold builds (empty cache) with one kernel and with one per core, a warm
build, and a plain build (no execution).

Prints the build times (both editions each), the parallel / one-worker ratio of the cold builds
(goal <= 0.6 on 2 cores), the warm/plain ratio, and the seconds each page's code took in the
cold run against the budget for the whole book. ``--warm-only`` skips the cold runs and uses the
repository's own cache; ``--one-cold`` runs only the parallel cold build.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from translation_tools.execution.runner import worker_count

ROOT = Path(__file__).resolve().parent.parent

BUDGET_SECONDS = 600


def build(site_dir: Path, **env_overrides: str) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **env_overrides)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site_dir)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"build failed ({env_overrides})")
    return seconds


def latest_entries(cache_dir: Path) -> list[dict]:
    """The newest cache entry of each page."""
    newest: dict[str, tuple[int, dict]] = {}
    for entry in cache_dir.glob("*/*.json"):
        data = json.loads(entry.read_text(encoding="utf-8"))
        stamp = entry.stat().st_mtime_ns
        page = data.get("page", "?")
        if page not in newest or newest[page][0] < stamp:
            newest[page] = (stamp, data)
    return [data for _, data in newest.values()]


def page_seconds(cache_dir: Path) -> list[tuple[float, float, str]]:
    """(wall seconds, kernel CPU seconds, page) of each page's newest entry, slowest first."""
    rows = [
        (float(d.get("seconds", 0.0)), float(d.get("cpu_seconds", 0.0)), d.get("page", "?"))
        for d in latest_entries(cache_dir)
    ]
    return sorted(rows, reverse=True)


def slowest_cells(cache_dir: Path) -> list[tuple[float, str]]:
    """(seconds, page:line) of every executed cell, slowest first."""
    rows = []
    for data in latest_entries(cache_dir):
        for line, seconds in data.get("cell_seconds", {}).items():
            rows.append((float(seconds), f"{data.get('page', '?')}:{line}"))
    return sorted(rows, reverse=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-only", action="store_true", help="skip the cold builds")
    parser.add_argument("--one-cold", action="store_true", help="skip the one-worker cold build")
    parser.add_argument(
        "--report",
        type=Path,
        metavar="CACHE_DIR",
        help="only print the recorded times of an existing cache (no builds)",
    )
    args = parser.parse_args()
    if args.report:
        print_page_times(args.report, f"recorded in {args.report}")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-exec-") as tmp:
        tmp_path = Path(tmp)
        cache = tmp_path / "cache"
        env = {} if args.warm_only else {"RNNBOOK_EXEC_CACHE": str(cache)}
        if not args.warm_only:
            if not args.one_cold:
                serial = build(
                    tmp_path / "serial", RNNBOOK_EXEC_CACHE=str(tmp_path / "serial-cache"), RNNBOOK_EXEC_JOBS="1"
                )
                print(f"cold build, one kernel at a time             : {serial:8.1f} s")
            cold = build(tmp_path / "cold", **env)
            print(f"cold build, one kernel per core ({worker_count(0)} here)      : {cold:8.1f} s")
            if not args.one_cold:
                print(f"cold parallel / one worker                    : {cold / serial:8.2f}x  (goal <= 0.6)")
        warm = build(tmp_path / "warm", **env)
        print(f"warm build (everything from the cache)        : {warm:8.1f} s")
        plain = build(tmp_path / "plain", RNNBOOK_EXECUTE="0")
        print(f"plain build (execution plugin off)            : {plain:8.1f} s")
        print(f"warm / plain                                  : {warm / plain:8.2f}x")
        if not args.warm_only:
            print_page_times(cache, "cold run")
    return 0


def print_page_times(cache: Path, label: str) -> None:
    rows = page_seconds(cache)
    total = sum(row[0] for row in rows)
    cpu = sum(row[1] for row in rows)
    print(f"\ncode execution per page ({label}, {len(rows)} pages with code):")
    print("     wall   kernel CPU  page")
    for seconds, cpu_seconds, page in rows:
        print(f"  {seconds:7.1f} s {cpu_seconds:7.1f} s  {page}")
    print("  slowest cells:")
    for seconds, where in slowest_cells(cache)[:8]:
        print(f"  {seconds:7.1f} s  {where}")
    verdict = "within" if total <= BUDGET_SECONDS else "OVER"
    print(
        f"  {total:7.1f} s {cpu:7.1f} s  total — {verdict} the {BUDGET_SECONDS} s budget"
        f" (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    sys.exit(main())
