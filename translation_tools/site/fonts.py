"""Self-hosted fonts: Noto Sans (text) and Noto Sans Mono (code and outputs), both with every
Vietnamese letter, and STIX Two Math.

The fonts come from the npm packages ``@fontsource/noto-sans``, ``@fontsource/noto-sans-mono``
and ``@fontsource/stix-two-math`` that ``make setup`` installs into ``node_modules/`` (``npm ci``,
pinned in ``package-lock.json``); nothing is loaded from another host. The text and monospace
fonts ship as Fontsource's Latin and Vietnamese subsets, each declared with its ``unicode-range``
so a page downloads only the ranges and weights it shows. The math font (400 kB whole) is cut down at
build time with fontTools to the characters the book's formulas use, keeping its OpenType
MATH table (large operators, stretchy delimiters): about 20 kB as WOFF2.

Without ``node_modules`` the build still works: no ``fonts.css``, the system fonts are used,
and the build log says how to get the fonts.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import html
import io
import os
import re
from pathlib import Path

FONT_DIR = "assets/rnnbook/fonts"
CSS_PATH = "assets/rnnbook/fonts.css"
MONO_PACKAGE = "@fontsource/noto-sans-mono"
TEXT_PACKAGE = "@fontsource/noto-sans"
MATH_PACKAGE = "@fontsource/stix-two-math"
MATH_SOURCE = "files/stix-two-math-latin-400-normal.woff"
MATH_FILE = "stix-two-math-subset.woff2"
# Latin + Vietnamese cover every Vietnamese letter; latin-ext (50 kB) is
# left out because its range overlaps Vietnamese's and, declared later, would win.
# Fontsource's ranges (the same for both families).
MONO_SUBSETS = {
    "vietnamese": "U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,U+01AF-01B0,"
    "U+0300-0301,U+0303-0304,U+0308-0309,U+0323,U+0329,U+1EA0-1EF9,U+20AB",
    "latin": "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,"
    "U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD",
}
# (family, package, file prefix, [(weight, style)]): the faces the site ships.
FAMILIES = (
    # No italic face: the browser slants the upright one (the page-weight budget has no room).
    ("Noto Sans", TEXT_PACKAGE, "noto-sans", [("400", "normal"), ("700", "normal")]),
    ("Noto Sans Mono", MONO_PACKAGE, "noto-sans-mono", [("400", "normal"), ("700", "normal")]),
)
# Always in the math font, whatever this build's formulas hold: digits, ASCII operators and
# brackets. Letters come from the formulas, each with the math italic form Chromium draws a
# one-letter <mi> with (x -> U+1D465), so the font holds what the pages show and little more.
MATH_BASE = {*range(0x20, 0x41), *range(0x5B, 0x61), *range(0x7B, 0x7F)}


def math_italic(code: int) -> int | None:
    """The code point of the math italic form of a Latin or Greek letter (None for others)."""
    char = chr(code)
    if char == "h":
        return 0x210E  # PLANCK CONSTANT: the math italic h lives outside the block
    if "a" <= char <= "z":
        return 0x1D44E + code - ord("a")
    if "A" <= char <= "Z":
        return 0x1D434 + code - ord("A")
    if 0x3B1 <= code <= 0x3C9:
        return 0x1D6FC + code - 0x3B1
    if 0x391 <= code <= 0x3A9:
        return 0x1D6E2 + code - 0x391
    return {0x3D5: 0x1D719, 0x3F5: 0x1D716, 0x3D1: 0x1D717, 0x3F1: 0x1D71A, 0x3D6: 0x1D71B}.get(code)


MATH_TEXT = re.compile(r"<[^>]+>")
SUBSET_CACHE = ".cache/site/fonts"


def package_dir(root: Path, package: str) -> Path:
    return root / "node_modules" / package


def available(root: Path) -> bool:
    return (package_dir(root, MONO_PACKAGE) / "files").is_dir() and (
        package_dir(root, MATH_PACKAGE) / MATH_SOURCE
    ).is_file()


@dataclasses.dataclass(frozen=True)
class Face:
    """One face the site ships: Fontsource's Latin and Vietnamese files merged into one."""

    family: str
    weight: str
    style: str
    name: str  # the file in the site
    sources: tuple[Path, ...]  # Fontsource's subset files, Latin first


def faces(root: Path) -> list[Face]:
    """Every face whose Fontsource files exist."""
    found = []
    for family, package, prefix, styles in FAMILIES:
        for weight, style in styles:
            files = package_dir(root, package) / "files"
            sources = tuple(files / f"{prefix}-{subset}-{weight}-{style}.woff2" for subset in MONO_SUBSETS)
            if all(path.is_file() for path in sources):
                found.append(Face(family, weight, style, f"{prefix}-{weight}-{style}.woff2", sources[::-1]))
    return found


# A face holds printable ASCII, every letter of its Vietnamese subset (so any Vietnamese typed
# into the search box has its glyph) and whatever else the site's pages show: one file per face,
# so a word is never drawn from two fonts (a PDF's text would read "M ạ ng").
ASCII = set(range(0x20, 0x7F))
TEXT_FEATURES = ["kern", "liga", "clig", "calt", "locl", "mark", "mkmk"]


def write_text_fonts(root: Path, site_dir: str, characters: set[int]) -> str | None:
    """Write each face, cut to ASCII, Vietnamese and ``characters``, into the site (cached on
    disk). Returns a problem to log, or None."""
    for face in faces(root):
        problem = _write_subset(root, face.sources, characters, Path(site_dir) / FONT_DIR / face.name, keep=ASCII)
        if problem:
            return problem
    return None


def css(root: Path) -> str:
    """``fonts.css``: the faces, and the theme's text, code and math fonts set to them."""
    ranges = ",".join(MONO_SUBSETS.values())
    rules = [
        f"@font-face{{font-family:'{face.family}';font-style:{face.style};font-display:swap;"
        f"font-weight:{face.weight};src:url(fonts/{face.name}) format('woff2');unicode-range:{ranges}}}"
        for face in faces(root)
    ]
    rules.append(
        "@font-face{font-family:'STIX Two Math';font-style:normal;font-display:swap;font-weight:400;"
        f"src:url(fonts/{MATH_FILE}) format('woff2')}}"
    )
    families = {face.family for face in faces(root)}
    if "Noto Sans" in families:
        rules.append(":root{--md-text-font:'Noto Sans'}")
    rules.append(":root{--md-code-font:'Noto Sans Mono'}")
    rules.append("math{font-family:'STIX Two Math',math}")
    return "/* rnnbook: self-hosted fonts (fonts.py) */\n" + "\n".join(rules) + "\n"


def math_characters(mathml: list[str]) -> set[int]:
    """The code points of some formulas' text."""
    found: set[int] = set()
    for formula in mathml:
        found.update(ord(char) for char in html.unescape(MATH_TEXT.sub("", formula)))
    return found


def write_math_font(root: Path, site_dir: str, characters: set[int]) -> str | None:
    """Write the math font, cut to ``characters`` (and ``MATH_BASE``), into the site; cached on
    disk by its character set. Returns a problem to log, or None."""
    source = package_dir(root, MATH_PACKAGE) / MATH_SOURCE
    if not source.is_file():
        return None
    italics = {math_italic(code) for code in characters}
    unicodes = sorted(MATH_BASE | characters | {code for code in italics if code is not None})
    return _write_subset(root, (source,), set(unicodes), Path(site_dir) / FONT_DIR / MATH_FILE)


def _write_subset(
    root: Path,
    sources: tuple[Path, ...],
    characters: set[int],
    target: Path,
    keep: frozenset[int] | set[int] = frozenset(),
) -> str | None:
    """``sources`` (merged when several) cut to ``keep``, ``characters`` and every character of
    the sources after the first, as WOFF2 at ``target``; cached on disk by fonts and characters."""
    fingerprint = ";".join(f"{path.name}:{path.stat().st_size}" for path in sources)
    recipe = f"{fingerprint}:{TEXT_FEATURES}:{sorted(characters | keep)}"  # what the cut depends on
    digest = hashlib.sha256(recipe.encode()).hexdigest()[:16]
    cached = root / SUBSET_CACHE / f"{target.stem}-{digest}.woff2"
    if not cached.is_file():
        try:
            data = _subset(sources, characters | keep)
        except Exception as error:  # fontTools raises many types; the book still reads without it
            return f"could not cut the font {sources[0]}: {type(error).__name__}: {error}"
        with contextlib.suppress(OSError):
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            tmp.write_bytes(data)
            os.replace(tmp, cached)
    else:
        data = cached.read_bytes()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return None


def _subset(sources: tuple[Path, ...], characters: set[int]) -> bytes:
    from fontTools import merge, subset
    from fontTools.ttLib import TTFont

    if len(sources) == 1:
        font = TTFont(str(sources[0]), recalcTimestamp=False)
        unicodes = sorted(characters)
    else:  # one face from Fontsource's subsets: every character of the later ones is kept
        plain = []
        extra: set[int] = set()
        for index, path in enumerate(sources):
            part = TTFont(str(path), recalcTimestamp=False)
            if index:
                extra |= set(part.getBestCmap())
            part.flavor = None
            buffer = io.BytesIO()
            part.save(buffer)
            buffer.seek(0)
            plain.append(buffer)
        font = merge.Merger().merge(plain)
        unicodes = sorted(characters | extra)
    options = subset.Options()
    # The math font keeps every feature (ssty, flac, dtls…: what a math renderer asks for). A
    # text face drops ccmp, which would split ọ, ụ, ị into a letter and a dot that a PDF's text
    # layer cannot map back ("h\x00\x00c" for "học"); its letters are precomposed anyway.
    options.layout_features = ["*"] if len(sources) == 1 else TEXT_FEATURES
    options.flavor = "woff2"  # (needs brotli)
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)  # keeps the MATH table and the glyph variants it names
    buffer = io.BytesIO()
    font.flavor = "woff2"
    font.save(buffer)
    return buffer.getvalue()
