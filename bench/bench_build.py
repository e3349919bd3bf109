"""Site build time: the book's own configuration vs plain Material on the same Markdown, one run."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def timed_build(config: Path, site_dir: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "-f", str(config), "-d", str(site_dir)],
                   cwd=ROOT, env=ENV, check=True, capture_output=True)
    return time.perf_counter() - start


def plain_config(work: Path) -> Path:
    """Plain Material over the same docs: same Markdown extensions, none of our plugins or hooks."""
    ours = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    config = {
        "site_name": "plain",
        "docs_dir": str(ROOT / "docs"),
        "theme": {"name": "material", "language": "vi", "font": False},
        "plugins": ["search"],
        "markdown_extensions": [
            {"pymdownx.snippets": {"base_path": [str(ROOT)]}} if ext == "pymdownx.snippets"
            else ext
            for ext in (list(e)[0] if isinstance(e, dict) else e for e in ours.get("markdown_extensions", []))
        ],
    }
    path = work / "mkdocs.plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain = plain_config(work)
        timed_build(ROOT / "mkdocs.yml", work / "warmup")  # warm caches (execution cache, imports)
        ours = min(timed_build(ROOT / "mkdocs.yml", work / f"ours{i}") for i in range(3))
        base = min(timed_build(plain, work / f"plain{i}") for i in range(3))
    print(f"book build (ours, warm)      : {ours:7.2f} s")
    print(f"plain Material, same Markdown: {base:7.2f} s")
    print(f"ratio ours / plain           : {ours / base:7.2f}x")


if __name__ == "__main__":
    main()
