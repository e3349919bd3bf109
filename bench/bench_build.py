"""Site build time: the book's own configuration (both editions: / and /en/) vs two plain
Material builds of the same Markdown (one per edition), in one run. Goal: ratio <= 1.25.

"Warm" means what a second ``make build`` finds: the execution cache, mkdocs-jupyter's render
cache, and the site's caches of lightened notebook views, notebooks and rendered Markdown
(``.cache/site``), all filled by one ordinary (not ``--quiet``) warm-up build. The same build with
the Markdown render cache off (``RNNBOOK_RENDER_CACHE=0``: every page converted again, as the
plain builds do) is printed too."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENV = dict(os.environ, NO_MKDOCS_2_WARNING="1")


def timed_build(config: Path, site_dir: Path, quiet: bool = True, **env: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the build process and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            *(["--quiet"] if quiet else []),
            "-f",
            str(config),
            "-d",
            str(site_dir),
        ],
        cwd=ROOT,
        env=dict(ENV, **env),
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def plain_config(work: Path) -> Path:
    """Plain Material over the same docs: same Markdown extensions, none of our plugins or hooks."""
    ours = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    config = {
        "site_name": "plain",
        "docs_dir": str(ROOT / "docs"),
        "theme": {"name": "material", "language": "vi", "font": False},
        "plugins": ["search"],
        "markdown_extensions": [
            {"pymdownx.snippets": {"base_path": [str(ROOT)]}} if ext == "pymdownx.snippets" else ext
            for ext in (next(iter(e)) if isinstance(e, dict) else e for e in ours.get("markdown_extensions", []))
        ],
    }
    path = work / "mkdocs.plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def site_only_config(work: Path) -> Path:
    """The book's configuration without the execution plugins: what the site plugin alone costs."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    config["plugins"] = [
        p
        for p in config["plugins"]
        if (next(iter(p)) if isinstance(p, dict) else p) not in ("rnnbook-execute", "mkdocs-jupyter")
    ]
    config["docs_dir"] = str(ROOT / "docs")
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(ROOT)]
            ext["pymdownx.snippets"]["check_paths"] = True
    for key in ("strict", "site_url"):
        config.pop(key, None)
    config["repo_url"] = "https://example.org/book"  # mkdocs.yml reads these with !ENV tags
    path = work / "mkdocs.site-only.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


def main() -> None:
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        plain = plain_config(work)
        timed_build(ROOT / "mkdocs.yml", work / "warmup", quiet=False)  # fills the caches (see above)
        ours = [timed_build(ROOT / "mkdocs.yml", work / f"ours{i}") for i in range(repeats)]
        uncached = [
            timed_build(ROOT / "mkdocs.yml", work / f"uncached{i}", RNNBOOK_RENDER_CACHE="0") for i in range(repeats)
        ]
        single = [timed_build(plain, work / f"plain{i}") for i in range(2 * repeats)]
        pairs = [(a[0] + b[0], a[1] + b[1]) for a, b in zip(single[::2], single[1::2])]
        site_config = site_only_config(work)
        timed_build(site_config, work / "site-warmup", quiet=False)
        site_only = min(timed_build(site_config, work / f"site{i}") for i in range(repeats))
        editions = (work / "ours0" / "index.html").exists() and (work / "ours0" / "en" / "index.html").exists()
    best, pair = min(ours), min(pairs)
    print(
        f"book build, both editions (ours, warm): {best[0]:7.2f} s wall, {min(o[1] for o in ours):6.2f} s CPU"
        f"{'' if editions else '  (English edition missing!)'}"
    )
    plain_cpu = min(p[1] for p in pairs)
    print(f"two plain Material builds, same Markdown: {pair[0]:7.2f} s wall, {plain_cpu:6.2f} s CPU")
    print(
        f"  ours, every page's Markdown converted   : {min(uncached)[0]:7.2f} s wall, "
        f"{min(u[1] for u in uncached):6.2f} s CPU -> {min(u[1] for u in uncached) / plain_cpu:.2f}x CPU of the plain pair"
    )
    print(
        f"  of which site plugin only (no execution): {site_only[0]:7.2f} s wall, {site_only[1]:6.2f} s CPU "
        f"-> {site_only[0] / pair[0]:.2f}x wall, {site_only[1] / min(p[1] for p in pairs):.2f}x CPU of the plain pair"
    )
    print(
        f"ratio ours / plain pair                 : {best[0] / pair[0]:7.2f}x wall, "
        f"{min(o[1] for o in ours) / min(p[1] for p in pairs):5.2f}x CPU  (goal <= 1.25x)"
    )


if __name__ == "__main__":
    main()
