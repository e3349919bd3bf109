"""Shared fixtures: the book's site built once per test session with `mkdocs build --strict`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


def build_site(config: Path, site_dir: Path, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run a strict MkDocs build and return the finished process (output captured as text)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [*MKDOCS, "build", "--strict", "--config-file", str(config), "--site-dir", str(site_dir)],
        cwd=cwd, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole book, built strictly into a temporary folder."""
    site_dir = tmp_path_factory.mktemp("book") / "site"
    result = build_site(ROOT / "mkdocs.yml", site_dir)
    assert result.returncode == 0, f"strict build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir
