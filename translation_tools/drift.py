"""``status --upstream``: which pages' English moved since the revision they follow, by how much, and the command to update.

A page records the English revision it follows in its front matter (``source_revision``, which
``scaffold --update --source-rev`` writes). The English it is compared with is either a folder
(the file of the same path, or the only file of the same name) or a git revision of the English
repository (``--upstream-repo``). How many segments changed is what ``update`` would do,
computed in memory: nothing is written.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field

from translation_tools.pages import page_paths
from translation_tools.parse import FormatError, parse, parse_file
from translation_tools.scaffold import SOURCE_KEY

SOURCE_PATH_KEY = "source_path"  # optional front matter: the English file's path upstream, when it differs


@dataclass(slots=True)
class Drift:
    page: str
    revision: str | None = None  # the page's source_revision
    source: str | None = None  # the English file (folder) or its path in the repository (git)
    state: str = "current"  # current, changed, no-revision, no-source
    changes: dict[str, int] = field(default_factory=dict)  # kept, outdated, new, moved, removed
    diffstat: str = ""
    command: str = ""
    note: str = ""

    @property
    def changed_segments(self) -> int:
        return sum(self.changes.get(key, 0) for key in ("outdated", "new", "moved", "removed"))

    def as_dict(self) -> dict:
        return {
            "page": self.page,
            "revision": self.revision,
            "source": self.source,
            "state": self.state,
            "changes": self.changes,
            "changed_segments": self.changed_segments,
            "diffstat": self.diffstat,
            "command": self.command,
            "note": self.note,
        }


def _git(repo: str, *args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", "-C", repo, *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as error:
        return subprocess.CompletedProcess(args, 1, "", str(error))


def _relative(page: str, roots: list[str]) -> str:
    from translation_tools.pages import relative_to_roots

    return relative_to_roots(page, roots) or os.path.basename(page)


def _find(candidates: list[str], files: set[str], by_name: dict[str, list[str]], name: str) -> str | None:
    """The first candidate path that exists, else the only file called ``name``."""
    for candidate in candidates:
        if candidate in files:
            return candidate
    found = by_name.get(name, [])
    return found[0] if len(found) == 1 else None


def _index(files: list[str]) -> tuple[set[str], dict[str, list[str]]]:
    by_name: dict[str, list[str]] = {}
    for path in files:
        by_name.setdefault(os.path.basename(path), []).append(path)
    return set(files), by_name


def drift_report(paths: list[str], upstream: str, repo: str | None = None) -> tuple[str | None, list[Drift]]:
    """The upstream revision compared with (git only) and a ``Drift`` per page."""
    if os.path.isdir(upstream) and repo is None:
        return None, _against_folder(paths, upstream)
    if repo is None:
        raise FormatError(
            upstream, 1, "no such folder: give the English folder, or a git revision with --upstream-repo REPO"
        )
    if not os.path.isdir(repo):
        raise FormatError(repo, 1, "no such folder: --upstream-repo takes the English repository's checkout")
    resolved = _git(repo, "rev-parse", "--verify", "--quiet", upstream + "^{commit}")
    if resolved.returncode != 0:
        raise FormatError(repo, 1, f"'{upstream}' is not a revision of this repository: check --upstream")
    return resolved.stdout.strip(), _against_git(paths, upstream, resolved.stdout.strip(), repo)


def _pages_with_revision(paths: list[str]):
    for page in page_paths(paths):
        doc = parse_file(page)
        if not doc.segments():
            continue
        revision = doc.front_matter.get(SOURCE_KEY)
        yield page, doc, (str(revision) if revision is not None else None)


def _candidates(page: str, doc, paths: list[str]) -> list[str]:
    explicit = doc.front_matter.get(SOURCE_PATH_KEY)
    return ([str(explicit)] if explicit else []) + [_relative(page, paths)]


def _against_folder(paths: list[str], folder: str) -> list[Drift]:
    files: list[str] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        files.extend(
            os.path.relpath(os.path.join(root, n), folder).replace(os.sep, "/") for n in names if n.endswith(".md")
        )
    known, by_name = _index(sorted(files))
    head = _git(folder, "rev-parse", "--short", "HEAD")
    new_revision = head.stdout.strip() if head.returncode == 0 else None
    report: list[Drift] = []
    for drift, doc, found in _located(paths, known, by_name, folder, report):
        english_path = os.path.join(folder, found).replace(os.sep, "/")
        drift.source = english_path
        _compare(drift, doc, parse_file(english_path), english_path, new_revision)
    return report


def _located(paths: list[str], known, by_name, where: str, report: list[Drift]):
    """(drift, page, English file) for each page with a recorded revision and a source in ``where``;
    every page gets its ``Drift`` in ``report``, those without either say why."""
    for page, doc, revision in _pages_with_revision(paths):
        drift = Drift(page, revision)
        report.append(drift)
        if revision is None:
            drift.state = "no-revision"
            continue
        found = _find(_candidates(page, doc, paths), known, by_name, os.path.basename(page))
        if found is None:
            drift.state, drift.note = "no-source", f"no {os.path.basename(page)} in {where}"
            continue
        yield drift, doc, found


def _against_git(paths: list[str], upstream: str, sha: str, repo: str) -> list[Drift]:
    listing = _git(repo, "ls-tree", "-r", "--name-only", sha)
    known, by_name = _index([line for line in listing.stdout.splitlines() if line.endswith(".md")])
    short = sha[:12]
    report: list[Drift] = []
    for drift, doc, found in _located(paths, known, by_name, upstream, report):
        drift.source = found
        stat = _git(repo, "diff", "--stat", f"{drift.revision}..{sha}", "--", found)
        if stat.returncode != 0:
            drift.state, drift.note = "no-source", f"'{drift.revision}' is not a revision of {repo}"
            continue
        drift.diffstat = stat.stdout.strip().splitlines()[-1].strip() if stat.stdout.strip() else ""
        if not drift.diffstat:
            continue  # the English file did not change between the two revisions
        text = _git(repo, "show", f"{sha}:{found}").stdout
        saved = os.path.basename(found).removesuffix(".md") + ".en.md"
        fetch = f"git -C {shlex.quote(repo)} show {shlex.quote(f'{short}:{found}')} > {shlex.quote(saved)} && "
        _compare(drift, doc, parse(text, path=f"{upstream}:{found}"), saved, short, prefix=fetch)
    return report


def _compare(drift: Drift, doc, english, english_path: str, revision: str | None, prefix: str = "") -> None:
    """Run the update in memory and fill in what it would change and the command that does it."""
    from translation_tools.update import update

    try:
        _, result = update(doc, english, revision)
    except FormatError as error:
        drift.state, drift.note = "no-source", str(error)
        return
    drift.changes = {
        "kept": result.kept,
        "outdated": result.outdated,
        "new": result.new,
        "moved": result.moved,
        "removed": len(result.removed),
    }
    if drift.changed_segments:
        drift.state = "changed"
        rev = f" --source-rev {revision}" if revision else ""
        files = f"{shlex.quote(drift.page)} {shlex.quote(english_path)}"
        drift.command = f"{prefix}python -m translation_tools scaffold --update {files}{rev}"


def render_text(revision: str | None, report: list[Drift]) -> str:
    out = []
    for drift in report:
        if drift.state == "no-revision":
            out.append(
                f"{drift.page}: no {SOURCE_KEY} in the front matter (update with --source-rev REV to record one)"
            )
        elif drift.state == "no-source":
            out.append(f"{drift.page}: {drift.note}")
        elif drift.state == "current":
            out.append(f"{drift.page}: current (follows {drift.revision})")
        else:
            c = drift.changes
            out.append(
                f"{drift.page}: the English moved since {drift.revision}: {drift.changed_segments} segment(s) changed "
                f"({c['outdated']} outdated, {c['new']} new, {c['moved']} moved, {c['removed']} removed; {c['kept']} kept)"
                + (f"; {drift.diffstat}" if drift.diffstat else "")
            )
            out.append(f"  update: {drift.command}")
    changed = sum(1 for drift in report if drift.state == "changed")
    against = f" (upstream {revision[:12]})" if revision else ""
    out.append(f"{changed} of {len(report)} page(s) behind their English{against}")
    return "\n".join(out) + "\n"


def run_upstream(args) -> int:
    """``status --upstream``: print the drift of every page, as a list or JSON."""
    import json

    revision, report = drift_report(args.paths, args.upstream, args.upstream_repo)
    if args.json:
        data = {"upstream": args.upstream, "revision": revision, "pages": [drift.as_dict() for drift in report]}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(render_text(revision, report))
    return 0
