"""The book's package as a wheel the site ships, and a zip of an edition's notebooks with it.

``pyproject.toml`` packages both ``rnnbook`` and the tools (with their MkDocs and translation
dependencies); a reader's notebook needs only ``rnnbook``. So the wheel is written here, directly:
``src/rnnbook`` and its data, ``Requires-Dist`` limited to what ``rnnbook`` imports (torch, numpy,
matplotlib, pinned as in ``pyproject.toml``). No build backend runs, the bytes depend only on the
sources (fixed timestamps), and it takes milliseconds.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tomllib
import zipfile
from pathlib import Path

PACKAGE = "rnnbook"
RUNTIME = ("torch", "numpy", "matplotlib")  # what src/rnnbook imports outside the standard library
EPOCH = (2020, 1, 1, 0, 0, 0)


def project(root: Path) -> dict:
    with open(root / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]


def requirements(root: Path) -> list[str]:
    """The pinned runtime requirements of ``rnnbook`` from pyproject's dependencies."""
    found = []
    for spec in project(root).get("dependencies", []):
        name = re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0].strip().lower()
        if name in RUNTIME:
            found.append(spec)
    return found


def wheel_name(root: Path) -> str:
    return f"{PACKAGE}-{project(root)['version']}-py3-none-any.whl"


def package_files(root: Path) -> list[Path]:
    base = root / "src" / PACKAGE
    return sorted(
        path
        for path in base.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    )


def wheel_bytes(root: Path) -> bytes:
    """The wheel of ``src/rnnbook``: same sources, same bytes."""
    meta = project(root)
    version = meta["version"]
    dist_info = f"{PACKAGE}-{version}.dist-info"
    entries: list[tuple[str, bytes]] = [
        (path.relative_to(root / "src").as_posix(), path.read_bytes()) for path in package_files(root)
    ]
    metadata = [
        "Metadata-Version: 2.1",
        f"Name: {PACKAGE}",
        f"Version: {version}",
        f"Summary: {meta.get('description', '')}",
        f"Requires-Python: {meta.get('requires-python', '>=3.11')}",
        *(f"Requires-Dist: {spec}" for spec in requirements(root)),
    ]
    entries.append((f"{dist_info}/METADATA", ("\n".join(metadata) + "\n").encode("utf-8")))
    entries.append(
        (
            f"{dist_info}/WHEEL",
            b"Wheel-Version: 1.0\nGenerator: translation_tools.execution.wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
    )
    entries.append((f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode()))
    record = []
    for name, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    return zip_bytes(entries)


_ZIPS: dict[str, bytes] = {}  # digest of the entries -> the zip (both editions ship the same wheel)
ZIP_MEMO_SIZE = 8


def zip_bytes(entries: list[tuple[str, bytes]]) -> bytes:
    """A deflated zip of ``(name, data)`` with fixed timestamps and modes (the same entries give
    the same bytes, so a build compresses each archive once)."""
    digest = hashlib.sha256()
    for name, data in entries:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())
    key = digest.hexdigest()
    if key not in _ZIPS:
        if len(_ZIPS) >= ZIP_MEMO_SIZE:
            _ZIPS.pop(next(iter(_ZIPS)))
        _ZIPS[key] = _deflate(entries)
    return _ZIPS[key]


def _deflate(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
