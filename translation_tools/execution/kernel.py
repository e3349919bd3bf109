"""The kernel's side of a run: the code run before and after a page's cells, the kernel spec
and config files, its environment, and how its outputs are cleaned."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from translation_tools.execution.sources import sha
from translation_tools.write import write_file_atomic

KERNEL_NAME = "rnnbook-python"
LANGUAGES = ("vi", "en")  # the editions a run draws its figures for


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
            write_file_atomic(path, data)
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
        # Draw figures once per edition: each output is tagged with its language
        # (metadata "lang"); an edition keeps its own and the untagged ones.
        RNNBOOK_LANG=",".join(LANGUAGES),
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
                lang = (out.get("metadata") or {}).get("lang", "")
                marker = lang + sha("".join(image) if isinstance(image, list) else image)
                if marker in seen_images:
                    continue
                seen_images.add(marker)
            if kind == "execute_result":
                out["execution_count"] = count
        cleaned.append(out)
    return cleaned


def outputs_for(outputs: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """The outputs an edition shows: untagged ones, and those tagged with its language."""
    return [out for out in outputs if (out.get("metadata") or {}).get("lang", lang) == lang]


def untranslated_labels(outputs: list[dict[str, Any]], lang: str) -> list[str]:
    """Labels a figure drawn for ``lang`` could not translate (its output's metadata says which)."""
    labels: list[str] = []
    for out in outputs_for(outputs, lang):
        labels += [str(label) for label in (out.get("metadata") or {}).get("untranslated", [])]
    return labels


ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    return ANSI_RE.sub("", text)
