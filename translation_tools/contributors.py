"""Who translated what: names from the pages' sections, aliases, git authors, ``contributors.md``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from dataclasses import dataclass, field

from translation_tools.pages import book_file, load_pages, page_paths
from translation_tools.parse import FormatError, normalize_name
from translation_tools.write import check_output, write_file_atomic

# Vietnamese alphabet order; f, j, w, z (foreign names) sit where Latin puts them.
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
# Letter-forming marks (they make ă â ê ô ơ ư) versus tone marks.
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn
# Tones, secondary key, in the dictionary order: ngang, huyền, hỏi, ngã, sắc, nặng.
TONE_ORDER = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def vietnamese_sort_key(name: str) -> tuple:
    """Collation key: letters by the Vietnamese alphabet first, tones second, then case.

    "Đặng" sorts after every "D…" name, "Ân" after every "An…" name; "Ba" < "Bà" < "Bả"
    < "Bã" < "Bá" < "Bạ" because tones compare only when the letters are equal.
    """
    letters: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", name):
        base, marks = _split(char.lower())
        tone = 0
        letter = base
        for mark in marks:
            if mark in TONE_ORDER:
                tone = TONE_ORDER[mark]
            elif mark in _LETTER_MARKS:
                letter = unicodedata.normalize("NFC", letter + mark)
        if letter in _LETTER_RANK:
            letters.append((2, _LETTER_RANK[letter]))
        elif letter.isspace():
            letters.append((0, 0))
        elif letter.isdigit():
            letters.append((1, ord(letter)))
        else:
            letters.append((3, ord(letter)))
        tones.append(tone)
    return (letters, tones, unicodedata.normalize("NFC", name))


def _split(char: str) -> tuple[str, str]:
    if char == "đ":
        return "đ", ""
    decomposed = unicodedata.normalize("NFD", char)
    return decomposed[0], decomposed[1:]


@dataclass(slots=True)
class Person:
    name: str
    pages: list[str] = field(default_factory=list)  # from the pages' contributors sections
    git_pages: list[str] = field(default_factory=list)  # from git history only
    words_translated: int = 0  # words of translation lines git blame gives them (drafts left out)
    translated_pages: list[str] = field(default_factory=list)  # pages holding those words
    words_reviewed: int = 0  # words of the translations their <!-- reviewed: Name --> markers cover
    reviewed_pages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "pages": self.pages,
            "git_pages": self.git_pages,
            "words_translated": self.words_translated,
            "translated_pages": self.translated_pages,
            "words_reviewed": self.words_reviewed,
            "reviewed_pages": self.reviewed_pages,
        }


@dataclass(slots=True)
class ContributorsReport:
    people: list[Person]

    def as_dict(self) -> dict:
        return {"contributors": [p.as_dict() for p in self.people]}


def load_aliases(path: str | None) -> dict[str, str]:
    """``docs/aliases.yml``: a mapping from handle, e-mail or misspelling to the full name (none without a path)."""
    if not path:
        return {}
    import yaml

    if not os.path.isfile(path):
        raise FormatError(path, 1, "no such alias file: check the path, or leave out --aliases to use the book's own")
    with open(path, encoding="utf-8") as handle:
        try:
            data = yaml.safe_load(handle) or {}
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            raise FormatError(
                path, mark.line + 1 if mark else 1, "invalid YAML: write 'handle: Full Name' lines"
            ) from None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise FormatError(path, 1, "the alias file must map 'handle or misspelling: Full Name'")
    return {_alias_key(key): normalize_name(value) for key, value in data.items()}


def _alias_key(name: str) -> str:
    return normalize_name(name).lstrip("@").casefold()


def canonical(name: str, aliases: dict[str, str]) -> str:
    name = normalize_name(name)
    return aliases.get(_alias_key(name), name)


def git_authors(path: str) -> list[tuple[str, str]]:
    """(name, e-mail) of every commit touching ``path`` (following renames); [] without history."""
    try:
        result = subprocess.run(
            ["git", "log", "--follow", "--format=%aN%x00%aE", "--", os.path.basename(path)],
            cwd=os.path.dirname(os.path.abspath(path)),
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    authors = []
    for line in result.stdout.splitlines():
        name, _, email = line.partition("\x00")
        if (name, email) not in authors:
            authors.append((name, email))
    return authors


UNCOMMITTED = "0" * 40  # git blame's commit for lines not committed yet
_WORDLIKE = re.compile(r"\w")


def count_words(text: str) -> int:
    """Words of a translation: the space-separated tokens holding a letter or digit (markup alone is none)."""
    return sum(1 for token in text.split() if _WORDLIKE.search(token))


def blame_authors(path: str) -> dict[int, tuple[str, str]] | None:
    """Line number -> (author, e-mail) from one ``git blame --line-porcelain``; None outside a repository.

    Lines not committed yet belong to git's configured author (who will commit them), so the
    figures are the same before and after the commit; a page git does not track is all such lines.
    """
    folder = os.path.dirname(os.path.abspath(path))
    try:
        result = subprocess.run(
            ["git", "blame", "--line-porcelain", "--", os.path.basename(path)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"], cwd=folder, capture_output=True, text=True
        )
        author = _configured_author(folder) if inside.returncode == 0 else None
        if author is None:
            return None
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            return dict.fromkeys(range(1, len(handle.read().splitlines()) + 1), author)
    lines: dict[int, tuple[str, str]] = {}
    me: tuple[str, str] | None = None
    commit, number, author_name, mail = "", 0, "", ""
    for line in result.stdout.split("\n"):
        if line.startswith("\t"):
            if commit == UNCOMMITTED:
                me = me or _configured_author(folder) or ("", "")
                if me[0]:
                    lines[number] = me
            else:
                lines[number] = (author_name, mail)
        elif line.startswith("author "):
            author_name = line[len("author ") :]
        elif line.startswith("author-mail "):
            mail = line[len("author-mail ") :].strip("<>")
        else:
            head = line.split(" ")
            if len(head) >= 3 and len(head[0]) == 40 and head[2].isdigit():
                commit, number = head[0], int(head[2])
    return lines


def _configured_author(folder: str) -> tuple[str, str] | None:
    result = subprocess.run(["git", "var", "GIT_AUTHOR_IDENT"], cwd=folder, capture_output=True, text=True)
    found = re.match(r"(.*?) <(.*?)>", result.stdout) if result.returncode == 0 else None
    return (found.group(1), found.group(2)) if found else None


def _count_page(doc, page: str, person, aliases: dict[str, str], use_git: bool) -> None:
    """Add the page's translated words (by blame) and reviewed words (by marker) to their people."""
    from translation_tools.document import DRAFT, REVIEWED, UNTRANSLATED

    segments = [seg for seg in doc.segments() if seg.state != UNTRANSLATED]
    blame = blame_authors(doc.path) if use_git and segments else None
    for seg in segments:
        if seg.review == REVIEWED and seg.review_detail:
            reviewer = person(canonical(seg.review_detail, aliases))
            reviewer.words_reviewed += count_words(seg.translation)
            if page not in reviewer.reviewed_pages:
                reviewer.reviewed_pages.append(page)
        if blame is None or seg.review == DRAFT:
            continue
        for number, text in zip(range(seg.slot_start, seg.slot_end + 1), seg.translation.split("\n")):
            who = blame.get(number)
            words = count_words(text)
            if who is None or not words:
                continue
            author, email = who
            entry = person(aliases.get(_alias_key(email)) or canonical(author, aliases))
            entry.words_translated += words
            if page not in entry.translated_pages:
                entry.translated_pages.append(page)


def collect_contributors(paths: list[str], aliases_path: str | None = None, use_git: bool = True) -> ContributorsReport:
    aliases = load_aliases(aliases_path)
    people: dict[str, Person] = {}

    def person(name: str) -> Person:
        return people.setdefault(name, Person(name))

    for doc in load_pages(paths):
        page = _page_name(doc.path, paths)
        for name in doc.contributors:
            entry = person(canonical(name, aliases))
            if page not in entry.pages:
                entry.pages.append(page)
        _count_page(doc, page, person, aliases, use_git)
        if use_git:
            for author, email in git_authors(doc.path):
                name = aliases.get(_alias_key(email)) or canonical(author, aliases)
                entry = person(name)
                if page not in entry.pages and page not in entry.git_pages:
                    entry.git_pages.append(page)
    ordered = sorted(people.values(), key=lambda p: vietnamese_sort_key(p.name))
    for entry in ordered:
        entry.pages.sort()
        entry.git_pages.sort()
        entry.translated_pages.sort()
        entry.reviewed_pages.sort()
    return ContributorsReport(ordered)


def _page_name(path: str, roots: list[str]) -> str:
    """Paths relative to the folder given (``docs/x/y.md`` -> ``x/y.md``)."""
    from translation_tools.pages import relative_to_roots

    return relative_to_roots(path, roots) or path


GENERATOR = "python -m translation_tools contributors docs --write contributors.md"
_GENERATED = re.compile(
    r"^<!-- Generated by `python -m translation_tools contributors [^`]*`; do not edit by hand\. -->$", re.M
)


def render_markdown(report: ContributorsReport, command: str) -> str:
    lines = [
        "# Những người thực hiện / Contributors",
        "",
        f"<!-- Generated by `{command}`; do not edit by hand. -->",
        "",
        "Những người đã dịch, viết và hiệu đính cuốn sách, theo thứ tự bảng chữ cái tiếng Việt.",
        'Trang ghi "lịch sử git" là trang người đó đã sửa theo lịch sử git mà không có tên trong mục',
        '"Những người thực hiện" của trang.',
        "",
        "Everyone who translated, wrote or reviewed the book, in Vietnamese alphabetical order.",
        'Pages marked "git history" come from the page\'s git history, not its contributors section.',
        "",
        'Số từ "đã dịch" đếm các dòng bản dịch mà `git blame` ghi cho người đó (trừ bản nháp);',
        'số từ "đã hiệu đính" đếm các bản dịch có dấu `<!-- reviewed: Tên -->` của người đó.',
        'Words "translated" count the translation lines `git blame` gives the person (drafts left out);',
        'words "reviewed" count the translations their `<!-- reviewed: Name -->` markers cover.',
        "",
    ]
    for entry in report.people:
        lines.append(f"## {entry.name}")
        lines.append("")
        if entry.pages:
            lines.append("- Trang / Pages: " + ", ".join(f"`{page}`" for page in entry.pages))
        if entry.git_pages:
            lines.append("- Lịch sử git / Git history: " + ", ".join(f"`{page}`" for page in entry.git_pages))
        if entry.words_translated:
            lines.append(
                f"- Đã dịch / Translated: {entry.words_translated} từ / words, "
                f"{len(entry.translated_pages)} trang / page(s)"
            )
        if entry.words_reviewed:
            lines.append(
                f"- Đã hiệu đính / Reviewed: {entry.words_reviewed} từ / words, "
                f"{len(entry.reviewed_pages)} trang / page(s)"
            )
        lines.append("")
    return "\n".join(lines)


def generated_by_us(path: str) -> bool:
    """Whether ``path`` is a file ``render_markdown`` wrote (so ``--write`` may replace it without ``--force``)."""
    try:
        with open(path, encoding="utf-8") as handle:
            return bool(_GENERATED.search(handle.read(4096)))
    except (OSError, UnicodeDecodeError):
        return False


def run(args) -> int:
    if args.write:
        check_output(args.write, args.force or generated_by_us(args.write))
    page_paths(args.paths)  # a wrong path is the one error shown, before any note
    aliases = args.aliases or book_file(args.paths, "aliases.yml")
    if aliases is None:
        print(
            "no aliases.yml found beside the book's mkdocs.yml or above the pages: names are used as written "
            "(pass --aliases FILE to merge handles and misspellings)",
            file=sys.stderr,
        )
    report = collect_contributors(args.paths, aliases, use_git=not args.no_git)
    target = args.write or args.check or "contributors.md"
    command = "python -m translation_tools contributors " + " ".join(args.paths) + f" --write {target}"
    text = render_markdown(report, GENERATOR)
    if args.write:
        write_file_atomic(args.write, text)
        print(f"{args.write}: {len(report.people)} contributor(s)", file=sys.stderr)
        return 0
    if args.check:
        try:
            with open(args.check, encoding="utf-8", newline="") as handle:
                current = handle.read()
        except FileNotFoundError:
            current = None
        except IsADirectoryError:
            raise FormatError(args.check, 1, "is a folder: pass the contributors file to compare") from None
        if current != text:
            print(f"{args.check}:1: stale: run `{command}`", file=sys.stderr)
            return 1
        return 0
    if args.json:
        import json

        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Những người thực hiện / Contributors")
    table.add_column("Name")
    table.add_column("Pages")
    table.add_column("Git history only")
    table.add_column("Words translated", justify="right")
    table.add_column("Words reviewed", justify="right")
    for entry in report.people:
        table.add_row(
            entry.name,
            ", ".join(entry.pages),
            ", ".join(entry.git_pages),
            str(entry.words_translated),
            str(entry.words_reviewed),
        )
    Console(highlight=False).print(table)
    return 0
