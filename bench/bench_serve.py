"""Serve benchmark: how long `make serve` takes to rebuild after a one-paragraph edit.

Copies the book into a temporary folder (the repository's files are never touched), starts
`mkdocs serve` there with the execution cache of the checkout (so nothing executes), edits one
paragraph of a chapter's translation three times, and prints the rebuild time MkDocs reports
each time ("Documentation built in … seconds"), for both editions and for the default of
`make serve` (one edition at a time).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = "docs/chapter_rnn/rnn.md"
BUILT = re.compile(r"Documentation built in ([\d.]+) seconds")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def copy_book(target: Path) -> None:
    for name in ("docs", "src", "mkdocs.yml", "pyproject.toml"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy2(source, target / name)


def rebuild_times(book: Path, editions: str, edits: int = 3) -> list[float]:
    env = dict(
        os.environ,
        NO_MKDOCS_2_WARNING="1",
        RNNBOOK_EXEC_CACHE=str(ROOT / ".cache" / "execution"),
        RNNBOOK_SERVE_EDITIONS=editions,
        PYTHONUNBUFFERED="1",
    )
    port = free_port()
    log = book / f"serve-{editions}.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=book,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            times: list[float] = []
            per_build = 2 if editions == "both" else 1  # the English edition is a nested build
            wait_for(log, per_build, server)
            page = book / PAGE
            for edit in range(edits):
                text = page.read_text(encoding="utf-8")
                # One paragraph of the translation changes: a word added to its first Vietnamese line.
                lines = text.split("\n")
                index = next(i for i, line in enumerate(lines) if line.startswith(("Trong ", "Một ")))
                lines[index] += f" (sửa {edit})"
                page.write_text("\n".join(lines), encoding="utf-8")
                times.append(wait_for(log, per_build * (edit + 2), server))
            return times
        finally:
            server.terminate()
            server.wait(timeout=30)


def wait_for(log: Path, count: int, server: subprocess.Popen, limit: float = 300) -> float:
    """Seconds of the ``count``-th "Documentation built" line (the outer build's), once it appears."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if server.poll() is not None:
            raise SystemExit(f"mkdocs serve stopped:\n{log.read_text()[-2000:]}")
        found = BUILT.findall(log.read_text(encoding="utf-8", errors="replace"))
        if len(found) >= count:
            return float(found[count - 1])
        time.sleep(0.2)
    raise SystemExit(f"no rebuild within {limit} s:\n{log.read_text()[-2000:]}")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        book = Path(tmp)
        copy_book(book)
        for editions, label in (("vi", "one edition (make serve)"), ("both", "both editions")):
            times = rebuild_times(book, editions)
            shown = ", ".join(f"{t:.2f}" for t in times)
            print(f"serve rebuild after a one-paragraph edit, {label:26}: {min(times):5.2f} s best ({shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
