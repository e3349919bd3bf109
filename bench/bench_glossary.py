"""Glossary checks on one long generated text: the book's glossary and a generated 2,000-term one,
the one-pass matchers against the former one-regex-per-term code (kept below), in one run.

Prints seconds for the first check (matchers compiled) and a repeat, and the ratio. Goal: the
2,000-term check at least 10× faster than one regex per term.
Run: ``python bench/bench_glossary.py [--paragraphs N] [--terms N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from translation_tools.check import _check_glossary  # noqa: E402
from translation_tools.glossary import Glossary, Term, load_glossary  # noqa: E402

ENGLISH_FILLER = [
    "the",
    "model",
    "reads",
    "one",
    "token",
    "at",
    "each",
    "step",
    "and",
    "updates",
    "what",
    "it",
    "keeps",
]
VIETNAMESE_FILLER = ["mô", "hình", "đọc", "một", "từ", "ở", "mỗi", "bước", "rồi", "cập", "nhật", "những", "gì", "nó"]
SYLLABLES = [consonant + vowel for consonant in "bcdghklmnprstv" for vowel in "aeiou"]
VIETNAMESE_SYLLABLES = ["mạng", "hồi", "tiếp", "trạng", "thái", "ẩn", "lan", "truyền", "ngược", "gọt", "ngôn", "ngữ"]
VIETNAMESE_SYLLABLES += [
    "chuỗi",
    "vựng",
    "tách",
    "âm",
    "tiết",
    "cặp",
    "giải",
    "mã",
    "hoá",
    "dừng",
    "tiềm",
    "kho",
    "liệu",
]
VIETNAMESE_SYLLABLES += ["học", "sâu", "đặc", "trưng", "lớp", "nút", "cổng", "nhớ", "dài", "ngắn", "hạn"]


# --- the code before one-pass matching: one regex per term, compiled on each call ---------------

_SEPARATOR = r"[\s\-‐‑–—]+"


def _old_english_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in re.split(_SEPARATOR, term.strip())]
    return re.compile(r"(?<!\w)" + _SEPARATOR.join(words) + r"(?:s|es)?(?!\w)", re.IGNORECASE)


def _old_vietnamese_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in re.split(_SEPARATOR, unicodedata.normalize("NFC", term).strip())]
    return re.compile(r"(?<!\w)" + _SEPARATOR.join(words) + r"(?!\w)", re.IGNORECASE)


def _old_terms_in(glossary: Glossary, english: str) -> list[Term]:
    found: list[Term] = []
    taken: list[tuple[int, int]] = []
    for term in sorted(glossary.entries, key=lambda term: -len(term.en)):
        for match in _old_english_pattern(term.en).finditer(english):
            span = match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            taken.append(span)
            if term not in found:
                found.append(term)
    return found


def old_check_glossary(glossary: Glossary, english: str, vietnamese: str, line: int, report) -> None:
    text = unicodedata.normalize("NFC", vietnamese)
    for term in glossary.entries:
        for variant in term.forbidden:
            if _old_vietnamese_pattern(variant).search(text):
                report(line, "error", f"forbidden rendering '{variant}': the glossary says '{term.en}' → '{term.vi}'")
    for term in _old_terms_in(glossary, english):
        if not any(_old_vietnamese_pattern(r).search(text) for r in [term.vi, *term.also]):
            report(
                line,
                "warning",
                f"the English uses '{term.en}' but the translation lacks the glossary rendering '{term.vi}'",
            )


# --- generated inputs -------------------------------------------------------------------------------


def generated_glossary(size: int, rng: random.Random) -> Glossary:
    entries, seen = [], set()
    while len(entries) < size:
        en = " ".join("".join(rng.sample(SYLLABLES, 3)) for _ in range(rng.randint(1, 3)))
        if en in seen:
            continue
        seen.add(en)
        vi = " ".join(rng.sample(VIETNAMESE_SYLLABLES, rng.randint(2, 4)))
        forbidden = [" ".join(rng.sample(VIETNAMESE_SYLLABLES, 3))] if len(entries) % 10 == 0 else []
        also = [" ".join(rng.sample(VIETNAMESE_SYLLABLES, 2))] if len(entries) % 5 == 0 else []
        entries.append(Term(en, vi, forbidden, also=also))
    return Glossary(entries)


def generated_text(glossary: Glossary, paragraphs: int, rng: random.Random) -> tuple[str, str]:
    """English and Vietnamese of ``paragraphs`` paragraphs of about 60 words, a few glossary terms each."""
    english, vietnamese = [], []
    for _ in range(paragraphs):
        en_words = [rng.choice(ENGLISH_FILLER) for _ in range(50)]
        vi_words = [rng.choice(VIETNAMESE_FILLER) for _ in range(60)]
        for term in rng.sample(glossary.entries, min(4, len(glossary.entries))):
            en_words.insert(rng.randrange(len(en_words)), term.en + ("s" if rng.random() < 0.3 else ""))
            if rng.random() < 0.8:  # sometimes the rendering is missing: a warning
                vi_words.insert(rng.randrange(len(vi_words)), rng.choice([term.vi, *term.also]))
            if term.forbidden and rng.random() < 0.5:
                vi_words.insert(rng.randrange(len(vi_words)), term.forbidden[0])
        english.append(" ".join(en_words) + ".")
        vietnamese.append(" ".join(vi_words) + ".")
    return "\n\n".join(english), "\n\n".join(vietnamese)


def timed(check, glossary: Glossary, english: str, vietnamese: str) -> tuple[float, list]:
    found: list = []
    start = time.perf_counter()
    check(glossary, english, vietnamese, 1, lambda *diagnostic: found.append(diagnostic))
    return time.perf_counter() - start, found


def compare(name: str, glossary: Glossary, english: str, vietnamese: str, repeat: int) -> float:
    """Prints the figures for one glossary; returns old / new time of a repeated check."""
    size = len(english) + len(vietnamese)
    print(f"{name}: {len(glossary.entries)} terms, text {size / 1000:.0f} kB")
    old_times, new_times = [], []
    old_found: list = []
    new_found: list = []
    for _ in range(repeat):
        seconds, old_found = timed(old_check_glossary, glossary, english, vietnamese)
        old_times.append(seconds)
    fresh = Glossary(list(glossary.entries))  # matchers not yet compiled
    first, new_found = timed(_check_glossary, fresh, english, vietnamese)
    for _ in range(repeat):
        seconds, new_found = timed(_check_glossary, fresh, english, vietnamese)
        new_times.append(seconds)
    ratio = min(old_times) / min(new_times)
    print(f"  one regex per term (before): best {min(old_times):.3f} s of {repeat}")
    print(f"  one pass (now):              first {first:.3f} s (matchers compiled), then best {min(new_times):.4f} s")
    print(f"  ratio before / now: {ratio:,.0f}×; including the first call: {min(old_times) / first:,.1f}×")
    same = sorted(old_found) == sorted(new_found)
    print(f"  diagnostics: {len(new_found)} ({'the same as before' if same else 'DIFFERENT from before'})")
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=150, help="paragraphs in the long text")
    parser.add_argument("--terms", type=int, default=2000, help="terms in the generated glossary")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(20240601)
    book = load_glossary(str(ROOT / "docs" / "glossary.yml"))
    compare("book glossary", book, *generated_text(book, args.paragraphs, rng), args.repeat)
    generated = generated_glossary(args.terms, rng)
    ratio = compare("generated glossary", generated, *generated_text(generated, args.paragraphs, rng), args.repeat)
    print(f"goal: {args.terms}-term check >= 10× faster than before: {'met' if ratio >= 10 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
