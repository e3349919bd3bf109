"""A page's Markdown rendered once per version: MkDocs' ``Page.render`` remembered on disk.

A warm build or a ``serve`` rebuild renders again only the pages whose rendering input changed.
An entry is found by a key over everything the rendering reads:

- the Markdown the page hands to MkDocs (after the site plugin made it the edition's),
- the page's place (``src_uri``, ``url``) and the place of every file of the site, since links
  are resolved and checked against them,
- the Markdown configuration (extensions, their options, link validation, URL style) and the
  versions of the packages that render,
- the bytes of each file the page includes with pymdownx.snippets (``--8<-- "path:section"``).

An entry stores what ``Page.render`` leaves on the page: the HTML, the toc tokens, the title
found in the text, the anchors the page has and the anchored links it makes (MkDocs checks
those after the build). A rendering that logs anything at INFO or above is never stored, so a
broken link is reported on every build, as without the cache; so is a page that includes a
file the key cannot find. (A ``--quiet`` build recalls but stores nothing: MkDocs drops its INFO
notes before they could be counted.) ``RNNBOOK_RENDER_CACHE=0`` turns this cache and the
remembered search entries (``search.RememberedEntries``) off.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from mkdocs.structure.toc import get_toc

from translation_tools.write import prune_entries, write_file_atomic

FORMAT = "1"
ENV = "RNNBOOK_RENDER_CACHE"
PACKAGES = ("mkdocs", "markdown", "pymdown-extensions", "pygments", "mkdocs-material")
SNIPPET = re.compile(r"""^[ \t]*-{1,}8<-{1,}[ \t]+(['"])(.+?)\1[ \t]*$""", re.M)
SNIPPET_BLOCK = re.compile(r"^[ \t]*-{1,}8<-{1,}[ \t]*$", re.M)  # a block of paths: not keyed, not cached


def enabled() -> bool:
    return os.environ.get(ENV, "1") != "0"


def _versions() -> str:
    found = []
    for name in PACKAGES:
        try:
            found.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            found.append(f"{name}=-")
    return ",".join(found)


class RenderCache:
    """One per edition and build: keys pages, recalls or stores renders, prunes what went unused."""

    def __init__(self, folder: Path, config: Any, base_paths: list[str]):
        self.folder = folder
        self.base_paths = [Path(p) for p in base_paths]
        self.used: set[str] = set()
        self.keyed = 0  # pages keyed this build (recalled or rendered)
        self._files_digest: tuple[int, str] | None = None
        settings = {
            "extensions": [repr(e) for e in config["markdown_extensions"]],
            "options": config["mdx_configs"] or {},
            "validation": repr(config.get("validation")),
            "use_directory_urls": config["use_directory_urls"],
        }
        self.settings = hashlib.sha256(
            (FORMAT + _versions() + json.dumps(settings, sort_keys=True, default=repr)).encode()
        ).hexdigest()

    def files_digest(self, files) -> str:
        """Where every file of the site lands (links are resolved against it), once per build."""
        if self._files_digest is None or self._files_digest[0] != id(files):
            digest = hashlib.sha256()
            for file in sorted(files, key=lambda f: f.src_uri):
                digest.update(f"{file.src_uri}\0{file.url}\0{file.inclusion}\n".encode())
            self._files_digest = (id(files), digest.hexdigest())
        return self._files_digest[1]

    def key(self, page, files) -> str | None:
        """The page's key, or None when it includes something the key cannot follow."""
        markdown = page.markdown or ""
        digest = hashlib.sha256()
        for part in (self.settings, self.files_digest(files), page.file.src_uri, page.url, markdown):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        self.keyed += 1
        if SNIPPET_BLOCK.search(markdown):
            return None
        for match in SNIPPET.finditer(markdown):
            included = self._snippet_file(match.group(2))
            if included is None:
                return None  # let pymdownx.snippets report it
            digest.update(str(included).encode() + b"\0" + hashlib.sha256(included.read_bytes()).digest())
        return digest.hexdigest()

    def _snippet_file(self, spec: str) -> Path | None:
        name = spec
        if ":" in spec and not os.path.exists(spec):  # "path:section" or "path:start:end"
            name = spec.split(":", 1)[0]
        for base in self.base_paths:
            candidate = base / name
            if candidate.is_file():
                return candidate
        return None

    def recall(self, page, files, key: str) -> bool:
        """Put a stored render on the page; False when there is none (or it cannot be read)."""
        try:
            entry = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            page.content = entry["content"]
            page.toc = get_toc(entry["toc"])
            page._title_from_render = entry["title"]
            page.present_anchor_ids = set(entry["anchors"])
            links = {}
            for src_uri, anchors in entry["links"].items():
                target = files.get_file_from_path(src_uri)
                if target is None:
                    return False  # the files moved under the key: render again
                links[target] = anchors
            page.links_to_anchors = links
        except (OSError, ValueError, KeyError, TypeError):
            return False
        self.used.add(key)
        return True

    def store(self, page, key: str, toc_tokens: list) -> None:
        entry = {
            "content": page.content,
            "toc": toc_tokens,
            "title": page._title_from_render,
            "anchors": sorted(page.present_anchor_ids or ()),
            "links": {f.src_uri: anchors for f, anchors in (page.links_to_anchors or {}).items()},
        }
        with contextlib.suppress(OSError, TypeError, ValueError):
            write_file_atomic(self.folder / f"{key}.json", json.dumps(entry, ensure_ascii=False).encode("utf-8"))
            self.used.add(key)

    def prune(self) -> None:
        """Keep this build's entries and, of the others, the newest up to one build's worth."""
        prune_entries(self.folder, "*.json", self.used, self.keyed)


class _Records(logging.Handler):
    """Counts what a rendering logs at INFO or above (a page that says anything is not stored)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def toc_tokens(items) -> list[dict[str, Any]]:
    """``page.toc`` back as the tokens ``get_toc`` reads."""
    return [
        {"level": item.level, "id": item.id, "name": item.title, "children": toc_tokens(item.children)}
        for item in items
    ]


def cached_render(cache: RenderCache, page, render):
    """``page.render`` through the cache: ``render`` is MkDocs' own (bound) method."""

    def run(config, files) -> None:
        key = cache.key(page, files)
        if key is not None and cache.recall(page, files, key):
            return
        records = _Records()
        loggers = [logging.getLogger(), logging.getLogger("mkdocs")]
        for logger in loggers:
            logger.addHandler(records)
        try:
            render(config, files)
        finally:
            for logger in loggers:
                logger.removeHandler(records)
        # Under --quiet MkDocs drops INFO notes before any handler sees them: store nothing then.
        if key is not None and records.count == 0 and logging.getLogger("mkdocs").isEnabledFor(logging.INFO):
            cache.store(page, key, toc_tokens(page.toc))

    return run
