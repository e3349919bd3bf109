"""Benchmark: ``suggest PAGE --json`` (translation memory) on a generated 1,000-page book.

The book's prose is drawn from a seeded vocabulary, with a pool of sentences reused across
pages (exact matches) and reworded (fuzzy ones), about 60 segments a page. Prints the time of
the first call (which builds the index), of later calls (interpreter start included: what an
editor waits for) and of an in-process lookup per page. Goal: < 0.2 s per page.
Run: ``python bench/bench_suggest.py [--pages N] [--segments N] [--calls N]``.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

_WORDS = (
    "the a of to in and for with each step state hidden token sequence model network gradient layer "
    "weights input output time we our this that is are can be from by at on as it its which when "
    "vector matrix loss training data batch length vocabulary character word next previous long short "
    "memory gate update reset cell value attention encoder decoder translation sentence language "
    "probability distribution sample predict learn compute update parameter rate clipping norm large "
    "small first last every one two three many few more less better worse faster slower simple"
)
WORDS = _WORDS.split()
_VIET = "trạng thái ẩn mạng mô hình bước chuỗi token gradient tầng trọng số đầu vào ra thời gian ta của"
VIET = _VIET.split()
OUTDATED = "<!-- outdated: the English above changed; review the translation, then delete this line -->\n"
CONTRIBUTORS = "## Những người thực hiện\nBản dịch trong trang này được thực hiện bởi:\n\n* Nhóm phát triển rnnbook\n"


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def reworded(rng: random.Random, text: str) -> str:
    words = text.rstrip(".").split()
    for _ in range(max(1, len(words) // 8)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words) + "."


def vietnamese(rng: random.Random) -> str:
    return " ".join(rng.choice(VIET) for _ in range(rng.randint(10, 24))).capitalize() + "."


def generate_page(rng: random.Random, index: int, segments: int, shared: list[str]) -> str:
    parts = [f"<!--\n# Page {index}\n-->\n\n# Trang {index}\n"]
    for n in range(segments - 1):
        roll = rng.random()
        if roll < 0.3:
            english = rng.choice(shared)
        elif roll < 0.5:
            english = reworded(rng, rng.choice(shared))
        else:
            english = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
        marker = ""
        if n % 7 == 3:
            slot = "*dịch đoạn phía trên*"
        else:
            slot = vietnamese(rng)
            marker = OUTDATED if n % 11 == 5 else "<!-- draft: machine -->\n" if n % 13 == 6 else ""
        parts.append(f"<!--\n{english}\n-->\n{marker}\n{slot}\n")
    parts.append(CONTRIBUTORS)
    return "\n".join(parts)


def build_book(root: str, pages: int, segments: int) -> list[str]:
    rng = random.Random(20261201)
    shared = [sentence(rng) for _ in range(3000)]
    docs = os.path.join(root, "docs")
    paths = []
    for index in range(pages):
        folder = os.path.join(docs, f"chapter_{index // 50:02d}")
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"page_{index:04d}.md")
        with open(path, "w", encoding="utf-8") as out:
            out.write(generate_page(rng, index, segments, shared))
        paths.append(path)
    with open(os.path.join(root, "mkdocs.yml"), "w", encoding="utf-8") as out:
        out.write("site_name: bench\n")
    return paths


def call(page: str, root: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "translation_tools", "suggest", page, "--json"],
        cwd=root,
        capture_output=True,
        check=True,
        env=dict(os.environ, PYTHONPATH=ROOT),
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--segments", type=int, default=60)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        pages = build_book(root, args.pages, args.segments)
        sample = [os.path.relpath(pages[i * len(pages) // args.calls], root) for i in range(args.calls)]
        cold = call(sample[0], root)
        warm = [call(page, root) for page in sample]
        edited = os.path.join(root, sample[1])
        with open(edited, "a", encoding="utf-8") as out:
            out.write("\n<!--\nOne more sentence.\n-->\n\nMột câu nữa.\n")
        after_edit = call(sample[0], root)

        from translation_tools.memory import open_memory, suggest
        from translation_tools.parse import parse_file

        memory = open_memory(os.path.join(root, "docs"))
        start = time.perf_counter()
        counted = matched = 0
        for page in sample:
            found = suggest(parse_file(os.path.join(root, page)), memory)
            counted += len(found)
            matched += sum(1 for suggestion in found if suggestion.matches)
        in_process = (time.perf_counter() - start) / len(sample)
        memory.close()
        cache = os.path.getsize(os.path.join(root, ".cache", "translation-memory.sqlite3"))

    mean = sum(warm) / len(warm)
    print(f"book: {args.pages} pages, {args.segments} segments a page; index {cache / 1e6:.1f} MB")
    print(f"suggest, first call (builds the index): {cold:.2f} s")
    print(
        f"suggest, later calls: {mean:.3f} s per page (mean of {len(warm)}, max {max(warm):.3f}), "
        f"interpreter start included"
    )
    print(f"suggest after one page of the book changed: {after_edit:.3f} s")
    print(
        f"in process (index open): {in_process * 1000:.1f} ms per page, {counted / len(sample):.0f} segments asked a page, {matched / max(counted, 1):.0%} of them with a match"
    )
    print(f"goal: < 0.2 s per page: {'met' if mean < 0.2 else 'NOT met'}")


if __name__ == "__main__":
    main()
