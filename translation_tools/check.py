"""``check``: problems a reviewer would otherwise catch by hand, as ``file:line: severity: message``."""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass

from translation_tools.document import (
    DRAFT,
    OUTDATED,
    REVIEWED,
    TRANSLATED,
    UNTRANSLATED,
    Block,
    ContributorsBlock,
    Document,
    Segment,
)
from translation_tools.glossary import Glossary, load_glossary
from translation_tools.pages import page_paths
from translation_tools.parse import FormatError, has_placeholder, is_outdated_marker, parse_file
from translation_tools.syntax import FENCE, LABEL_DIRECTIVE, REFERENCE, REVIEW_LIKE, REVIEW_MARKER, toc_targets

ERROR = "error"
WARNING = "warning"

_UNSAFE = [
    (re.compile(r"<\s*script\b", re.IGNORECASE), "raw <script> tag"),
    (re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE), "an on…= event attribute"),
    (re.compile(r"javascript\s*:", re.IGNORECASE), "a javascript: URL"),
]
_HTML_TAG = re.compile(r"<[A-Za-z/][^>]*>")
_REMOTE = re.compile(r"^(https?:)?//", re.IGNORECASE)
_VIETNAMESE_LETTER = re.compile(r"[^\x00-\x7f]")
_WORDS = re.compile(r"[A-Za-z]+")
# Digits joined by points, commas or narrow spaces; _number_fix decides which of them break the number convention.
_GROUP_SPACE = "\u00a0\u202f\u2009"
_NUMBER = re.compile(rf"(?<![\w.,])\d+(?:[.,{_GROUP_SPACE}]\d+)+(?![\w]|[.,{_GROUP_SPACE}]\d)")
_THOUSANDS = re.compile(r"[1-9]\d{0,2}(?:([.,])\d{3})(?:\1\d{3})*")


@dataclass(slots=True)
class Diagnostic:
    path: str
    line: int
    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}"

    def as_dict(self) -> dict:
        return {"path": self.path, "line": self.line, "severity": self.severity, "message": self.message}


def check_document(doc: Document, glossary: Glossary | None = None) -> list[Diagnostic]:
    """Every problem inside one page (labels are checked across pages by ``check_pages``)."""
    out: list[Diagnostic] = []

    def report(line: int, severity: str, message: str) -> None:
        out.append(Diagnostic(doc.path, line, severity, message))

    labels: dict[str, int] = {}
    if doc.monolingual:
        body_start = next((b.end + 1 for b in doc.blocks if b.kind == "front_matter"), 1)
        text = "".join(b.text for b in doc.blocks if b.kind != "front_matter")
        for line, _, title in empty_headings(text):
            report(
                line + body_start - 1,
                WARNING,
                f"heading '{title}' has no text under it: write the section or remove it",
            )
    for block in doc.blocks:
        if isinstance(block, Segment):
            _check_segment(block, glossary, report)
            _check_review(doc.path, block, report)
        elif isinstance(block, ContributorsBlock):
            _check_contributors(block, report)
        elif block.kind == "other":
            _check_prose_block(block, glossary, report)
            if not doc.monolingual:
                report(
                    block.start,
                    WARNING,
                    "text outside any segment: a slot ends at a blank line, so join this to "
                    "the translation above or give it its own English comment",
                )
        elif block.kind == "html":
            _check_unsafe(block.text, block.start, report)
        elif block.kind == "removed":
            report(
                block.start,
                WARNING,
                "a translation whose English was removed is kept here: reuse it, then delete the comment",
            )
        elif block.kind == "marker" and is_outdated_marker(block.text):
            report(block.start, WARNING, "outdated marker without an English comment above it: delete the line")
        elif block.kind == "marker" and REVIEW_MARKER.fullmatch(block.text.strip()):
            report(
                block.start,
                WARNING,
                "review marker outside a segment: put it on the line after the English comment, or delete it",
            )
        elif block.kind in ("note", "comment") and REVIEW_LIKE.match(block.text.strip()):
            _malformed_review(block.start, report)
        elif block.kind == "toc":
            _check_toc(doc.path, block, report)
        elif block.kind == "label":
            for name in LABEL_DIRECTIVE.findall(block.text):
                label = name[1]
                if label in labels:
                    report(
                        block.start,
                        ERROR,
                        f"duplicate label '{label}' (first defined on line {labels[label]}): rename one",
                    )
                else:
                    labels[label] = block.start
    return out


def _check_segment(seg: Segment, glossary: Glossary | None, report) -> None:
    from translation_tools.mdtext import inline_parts

    _check_unsafe(seg.english, seg.english_start, report)
    if "<!--" in seg.english:
        report(
            seg.english_start,
            WARNING,
            "this English comment holds another '<!--': a '-->' is probably missing before it; close the comment",
        )
    if not seg.translation:
        report(
            seg.english_start,
            ERROR,
            "translation slot missing after the English comment: add the Vietnamese "
            "(or '*dịch đoạn phía trên*') after a blank line",
        )
        return
    _check_stray_close(seg.translation, seg.slot_start, report)
    _check_unsafe(seg.translation, seg.slot_start, report)
    if seg.state not in (TRANSLATED, OUTDATED):
        return
    if seg.state == OUTDATED:
        report(
            seg.outdated_line or seg.slot_start,
            WARNING,
            "outdated translation: the English changed; update the Vietnamese, then delete the outdated line",
        )
    # An outdated slot is still published: its placeholder, glossary and forbidden words are checked too.
    if has_placeholder(seg.translation):
        report(seg.slot_start, WARNING, "placeholder '*dịch … *' left beside the translation: delete it")
    english = inline_parts(seg.english)
    vietnamese = inline_parts(seg.translation)
    _check_numbers(vietnamese.prose, english.prose, seg.translation, seg.slot_start, report)
    if seg.state == OUTDATED:
        # It follows the old English, so its math, code and references may rightly differ from the new.
        if glossary is not None:
            _check_glossary(glossary, english.prose, vietnamese.prose, seg.slot_start, report)
        return
    # A formula translated as a whole (its \text{} words) is the translation, not math to copy;
    # a :label: written inside the English comment defines, it is not a reference to keep.
    formula = seg.translation.lstrip().startswith("$$")
    for kind, ours, theirs in (
        ("inline math", [] if formula else english.math, vietnamese.math),
        ("inline code", english.code, vietnamese.code),
        ("reference", _references(english.references), _references(vietnamese.references)),
        ("link target", english.links, vietnamese.links),
    ):
        missing = Counter(_squash(x) for x in ours) - Counter(_squash(x) for x in theirs)
        for item in missing:
            shown = next(x for x in ours if _squash(x) == item)
            report(
                seg.slot_start,
                ERROR,
                f"{kind} {_quote(kind, shown)} from the English is missing or altered "
                "in the translation: copy it unchanged",
            )
    _check_structure(seg, report)
    _check_english_left(english.prose, vietnamese.prose, seg.slot_start, report)
    if glossary is not None:
        _check_glossary(glossary, english.prose, vietnamese.prose, seg.slot_start, report)


def _check_review(path: str, seg: Segment, report) -> None:
    """Review markers: drafts to review, markers that say nothing, and what only looks like one."""
    markers = 0
    for line, text in seg.head_lines():
        stripped = text.strip()
        if REVIEW_MARKER.fullmatch(stripped):
            markers += 1
            if markers == 2:
                report(line, WARNING, "a second review marker: keep one (the last one counts), delete the other")
        elif REVIEW_LIKE.match(stripped):
            _malformed_review(line, report)
    if seg.review is None or seg.review_line is None:
        return
    if seg.state == UNTRANSLATED:
        report(
            seg.review_line,
            WARNING,
            f"{seg.review} marker on an untranslated segment: translate it first, or delete the marker",
        )
    elif seg.review == REVIEWED and not seg.review_detail:
        report(
            seg.review_line,
            WARNING,
            "review marker without a name: write '<!-- reviewed: Full Name -->' (or run review with --by)",
        )
    elif seg.review_state == DRAFT:
        lines = f"{seg.slot_start}" + (f"-{seg.slot_end}" if seg.slot_end > seg.slot_start else "")
        report(
            seg.review_line,
            WARNING,
            f"draft translation: review it, then run 'review {path} --lines {lines} --by \"Full Name\"'",
        )


def _malformed_review(line: int, report) -> None:
    report(
        line,
        WARNING,
        "malformed review marker: write '<!-- draft -->', '<!-- draft: machine -->' or "
        "'<!-- reviewed: Full Name -->' on its own line after the English comment",
    )


def _check_structure(seg: Segment, report) -> None:
    """The translation keeps the English's blocks: a list keeps its items, a table its columns."""
    from translation_tools.mdtext import block_shape

    if seg.translation.lstrip().startswith(("$$", ":begin_tab:")):
        return
    # A paragraph may be translated as several (the slot reads on after a blank line).
    ours, theirs = (_paragraphs_merged(block_shape(text)) for text in (seg.english, seg.translation))
    if ours == theirs:
        return
    first = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), min(len(ours), len(theirs)))
    said = ours[first] if first < len(ours) else "nothing more"
    written = theirs[first] if first < len(theirs) else "nothing more"
    report(
        seg.slot_start,
        WARNING,
        f"the translation's blocks differ from the English's: where the English has {said}, the translation "
        f"has {written}; keep the same headings, paragraphs, list items and table columns",
    )


def _paragraphs_merged(shape: list[str]) -> list[str]:
    return [part for index, part in enumerate(shape) if part != "a paragraph" or shape[index - 1 : index] != [part]]


def _references(found: list[str]) -> list[str]:
    return [reference for reference in found if not LABEL_DIRECTIVE.match(reference)]


def _quote(kind: str, text: str) -> str:
    return f"`{text}`" if kind == "inline code" else repr(text) if kind == "link target" else text


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", text))


def _check_english_left(english: str, vietnamese: str, line: int, report) -> None:
    words = _WORDS.findall(vietnamese)
    if len(words) < 6:
        return
    if _squash(english).lower() == _squash(vietnamese).lower():
        report(line, ERROR, "the slot repeats the English: translate it into Vietnamese")
    elif not _VIETNAMESE_LETTER.search(vietnamese):
        report(line, WARNING, "the slot looks like English (no Vietnamese letters): translate it")


def _check_numbers(vietnamese: str, english: str, text: str, first_line: int, report) -> None:
    """Numbers in Vietnamese prose follow the translation guide: a decimal point, no thousands separator."""
    as_in_english = set(_NUMBER.findall(english))
    for number in dict.fromkeys(_NUMBER.findall(vietnamese)):
        fix = _number_fix(number, as_in_english)
        if fix is None:
            continue
        shown = re.sub(f"[{_GROUP_SPACE}]", "\u2423", number)  # a visible space: ␣
        offset = next((index for index, line in enumerate(text.split("\n")) if number in line), 0)
        report(
            first_line + offset,
            WARNING,
            f"number '{shown}' {fix}, as the code prints numbers (see the translation guide)",
        )


def _number_fix(number: str, as_in_english: set[str]) -> str | None:
    """What to write instead of ``number``, or None when it already follows the convention."""
    plain = re.sub(f"[.,{_GROUP_SPACE}]", "", number)
    if re.search(f"[{_GROUP_SPACE}]", number):
        return f"groups its digits with a narrow space: write '{plain}'"
    thousands = _THOUSANDS.fullmatch(number)
    if "," in number:
        if thousands and number.count(",") > 1:
            return f"has commas between thousands: write '{plain}'"
        whole, _, rest = number.partition(",")
        if "," in rest or ("." in whole and not _THOUSANDS.fullmatch(whole)):
            return None  # a list written without spaces, such as 1,2,3
        decimal = whole.replace(".", "") + "." + rest
        if thousands:
            return f"has a comma: write '{plain}' if it is a whole number, '{decimal}' if it is a decimal"
        return f"has a decimal comma: write '{decimal}'"
    if thousands and number not in as_in_english:
        # 10.000 reads as ten thousand in Vietnamese; the English, where it means ten, writes it the same way.
        return f"has a point between thousands (a decimal point to an English reader): write '{plain}'"
    return None  # a decimal such as 0.25, or a version such as 2.13.0


def _check_forbidden(glossary: Glossary, vietnamese: str, line: int, report) -> None:
    for variant, term in glossary.forbidden_in(vietnamese):
        report(line, ERROR, f"forbidden rendering '{variant}': the glossary says '{term.en}' → '{term.vi}'")


def _check_glossary(glossary: Glossary, english: str, vietnamese: str, line: int, report) -> None:
    _check_forbidden(glossary, vietnamese, line, report)
    for term in glossary.missing_renderings(english, vietnamese):
        report(
            line,
            WARNING,
            f"the English uses '{term.en}' but the translation lacks the glossary rendering '{term.vi}'",
        )


def _check_prose_block(block: Block, glossary: Glossary | None, report) -> None:
    """Text outside segments: monolingual pages, or prose that lost its English comment."""
    from translation_tools.mdtext import inline_parts

    _check_stray_close(block.text, block.start, report)
    _check_unsafe(block.text, block.start, report)
    _check_numbers(inline_parts(block.text).prose, "", block.text, block.start, report)
    if glossary is not None:
        _check_forbidden(glossary, block.text, block.start, report)
    for match in re.finditer(r"\]\(([^)\s]+) \"remote image\"\)", block.text):
        report(
            block.start,
            WARNING,
            f"figure links to an image on another host ({match.group(1)}): "
            "re-import with --images DIR holding a local copy, or draw the figure",
        )
    for match in re.finditer(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)", block.text):
        if _REMOTE.match(match.group(1)):
            report(
                block.start,
                WARNING,
                f"image from another host ({match.group(1)}): the site loads nothing "
                "from elsewhere; copy it into docs/img and link the copy",
            )


def empty_headings(text: str) -> list[tuple[int, int, str]]:
    """(line, level, title) of headings with nothing under them before a same-or-higher heading or the end."""
    headings: list[list] = []  # [line, level, title, has_content]
    in_fence = False
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else re.match(r"(#{1,6})\s+(.*?)\s*#*\s*$", line)
        if heading:
            headings.append([number, len(heading.group(1)), heading.group(2), False])
        elif stripped and headings and not stripped.startswith("<!--") and not stripped.startswith("---"):
            headings[-1][3] = True
    empty = []
    for index, (number, level, title, has_content) in enumerate(headings):
        following = headings[index + 1] if index + 1 < len(headings) else None
        if not has_content and (following is None or following[1] <= level) and title != "Những người thực hiện":
            empty.append((number, level, title))
    return empty


def _check_toc(path: str, block, report) -> None:
    folder = os.path.dirname(path)
    for offset, line in enumerate(block.text.split("\n")[1:-1], start=1):
        entry = line.strip()
        if not entry or entry.startswith((":", "```")):
            continue
        targets = [os.path.join(folder, name) for name in toc_targets(entry)]
        if not any(os.path.exists(target) for target in targets):
            target = targets[0]
            report(block.start + offset, ERROR, f"toc entry '{entry}' names no page: create {target} or fix the name")


def _check_stray_close(text: str, first_line: int, report) -> None:
    for offset, line in enumerate(text.split("\n")):
        if line.strip().startswith("-->"):
            report(first_line + offset, ERROR, "'-->' without a matching '<!--': open the comment or delete the line")


def _check_unsafe(text: str, first_line: int, report) -> None:
    for offset, line in enumerate(text.split("\n")):
        for pattern, what in _UNSAFE:
            if pattern.search(line):
                report(first_line + offset, ERROR, f"{what} is not allowed in the book: use Markdown instead")


def _check_contributors(block: ContributorsBlock, report) -> None:
    for entry in block.entries:
        bullet = entry.raw.lstrip()
        if len(bullet) > 1 and not bullet[1].isspace():
            report(entry.line, WARNING, f"write '* {entry.name}' with a space after the '*'")
        elif "  " in bullet[1:].strip():
            report(entry.line, WARNING, f"double space in the name: write '* {entry.name}'")
    in_comment = False
    for offset, line in enumerate(block.text.split("\n")):
        stripped = line.strip()
        if not in_comment and _HTML_TAG.search(stripped.replace("<!--", "")):
            report(block.start + offset, WARNING, "HTML in the credits: write names as '* Full Name' lines, no markup")
        if "<!--" in stripped:
            in_comment = "-->" not in stripped.split("<!--")[-1]
        elif "-->" in stripped:
            in_comment = False


def check_pages(
    docs: list[Document],
    glossary: Glossary | None = None,
    whole_book: bool = False,
    citation_keys: set[str] | None = None,
) -> list[Diagnostic]:
    """Per-page checks plus labels defined twice across pages (and, for a whole book, unknown references)."""
    out: list[Diagnostic] = []
    defined: dict[str, tuple[str, int]] = {}
    for doc in docs:
        out.extend(check_document(doc, glossary))
        seen_here: set[str] = set()
        for block in doc.blocks_of("label"):
            for _, label in LABEL_DIRECTIVE.findall(block.text):
                if label in defined and label not in seen_here:
                    path, line = defined[label]
                    out.append(
                        Diagnostic(
                            doc.path,
                            block.start,
                            ERROR,
                            f"duplicate label '{label}' (also defined at {path}:{line}): rename one",
                        )
                    )
                defined.setdefault(label, (doc.path, block.start))
                seen_here.add(label)
    if whole_book:
        out.extend(_unknown_references(docs, defined, citation_keys))
    return out


def _unknown_references(docs: list[Document], defined: dict, citation_keys: set[str] | None) -> list[Diagnostic]:
    from translation_tools.mdtext import split_references

    out = []
    for doc in docs:
        for seg in doc.segments():
            for reference in split_references(seg.english)[0]:
                match = REFERENCE.fullmatch(reference)
                assert match is not None, "split_references returns REFERENCE matches"
                kind, target = match.groups()
                if kind in ("numref", "eqref", "ref") and target not in defined:
                    out.append(
                        Diagnostic(
                            doc.path,
                            seg.english_start,
                            WARNING,
                            f":{kind}:`{target}` refers to a label no page defines",
                        )
                    )
                if kind in ("cite", "citet") and citation_keys is not None:
                    for key in (part.strip() for part in target.split(",")):
                        if key and key not in citation_keys:
                            out.append(
                                Diagnostic(
                                    doc.path,
                                    seg.english_start,
                                    WARNING,
                                    f":{kind}:`{key}` is not in references.bib: add its BibTeX entry",
                                )
                            )
    return out


def citation_keys(path: str) -> set[str]:
    with open(path, encoding="utf-8") as handle:
        return set(re.findall(r"@\w+\s*\{\s*([^,\s]+)\s*,", handle.read()))


def run(args) -> int:
    from translation_tools.pages import book_file

    page_files = page_paths(args.paths)
    glossary_path = args.glossary
    if not glossary_path:
        glossary_path = book_file(args.paths, "glossary.yml", "glossary.md")
        if glossary_path:
            print(f"glossary: {glossary_path} (the book's; pass --glossary FILE for another)", file=sys.stderr)
        else:
            print(
                "no glossary in use: no glossary.yml or glossary.md in the book's docs_dir (from mkdocs.yml) "
                "or above the pages, so terms are not checked: pass --glossary FILE",
                file=sys.stderr,
            )
    glossary = load_glossary(glossary_path) if glossary_path else None
    docs, diagnostics = [], []
    for path in page_files:
        try:
            docs.append(parse_file(path))
        except FormatError as error:
            diagnostics.append(Diagnostic(error.path, error.line, ERROR, error.message))  # = error.diagnostic()
    whole_book = any(os.path.isdir(path) for path in args.paths)
    bibliography = book_file(args.paths, "references.bib") if whole_book else None
    if whole_book and not bibliography:
        print(
            "no references.bib in the book's docs_dir or above the pages: :cite: keys are not checked", file=sys.stderr
        )
    keys = citation_keys(bibliography) if bibliography else None
    diagnostics.extend(check_pages(docs, glossary, whole_book, keys))
    diagnostics.sort(key=lambda d: (d.path, d.line))
    errors = sum(d.severity == ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.json:
        import json

        sys.stdout.write(json.dumps([d.as_dict() for d in diagnostics], ensure_ascii=False, indent=1) + "\n")
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
        pages = len(docs) + len({d.path for d in diagnostics if d.path not in {doc.path for doc in docs}})
        print(f"{errors} error(s), {warnings} warning(s) in {pages} page(s)", file=sys.stderr)
    if errors or (args.strict and warnings):
        return 2
    return 0
