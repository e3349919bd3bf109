"""Benchmark: ``status --json`` over a generated 1,000-page book (about 60 segments a page).

Prints wall time (interpreter start included) and pages per second. Goal: < 1 s.
Run: ``python bench/bench_status.py [--pages N] [--segments N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ENGLISH = (
    "At each time step the network reads one token, combines it with the hidden state "
    "$\\mathbf{{h}}_{{t-1}}$ through `nn.Linear`, and passes the result to :numref:`sec_rnn_{n}`. "
    "This paragraph number {n} is long enough to look like real prose in the book: the pages "
    "of the book hold one paragraph per line, often four or five sentences, with inline math, "
    "code and references mixed in, so a realistic segment is several hundred characters long."
)
VIETNAMESE = (
    "Tại mỗi bước thời gian, mạng đọc một token, kết hợp nó với trạng thái ẩn "
    "$\\mathbf{{h}}_{{t-1}}$ qua `nn.Linear`, rồi chuyển kết quả sang :numref:`sec_rnn_{n}`. "
    "Đoạn số {n} này đủ dài để giống văn xuôi thật trong sách: mỗi đoạn của sách nằm trên một "
    "dòng, thường bốn năm câu, xen lẫn công thức, mã và tham chiếu, nên một đoạn thực tế dài "
    "vài trăm ký tự."
)


def generate_page(index: int, segments: int) -> str:
    parts = [
        f"---\nsource: rev{index}\n---\n",
        f"<!--\n# Page {index}\n-->\n\n# Trang {index}\n:label:`sec_page_{index}`\n",
    ]
    for n in range(segments - 1):
        english = ENGLISH.format(n=n)
        if n % 7 == 3:
            slot = "*dịch đoạn phía trên*"
        else:
            slot = VIETNAMESE.format(n=n)
        outdated = (
            "<!-- outdated: the English above changed; review the translation, then delete this line -->\n"
            if n % 11 == 5
            else ""
        )
        parts.append(f"<!--\n{english}\n-->\n{outdated}\n{slot}\n")
        if n % 10 == 9:
            parts.append("```python\nmodel = RNNModel(vocab_size=28, num_hiddens=32)\nprint(model)\n```\n")
            parts.append("$$\\mathbf{h}_t = \\phi(\\mathbf{W} \\mathbf{x}_t + \\mathbf{b}).$$\n:eqlabel:`eq_x`\n")
    parts.append(
        "## Những người thực hiện\nBản dịch trong trang này được thực hiện bởi:\n<!--\nHướng dẫn.\n-->\n\n* Nhóm phát triển rnnbook\n"
    )
    return "\n".join(parts)


def build_book(root: str, pages: int, segments: int) -> int:
    size = 0
    for index in range(pages):
        folder = os.path.join(root, f"chapter_{index // 50:02d}")
        os.makedirs(folder, exist_ok=True)
        text = generate_page(index, segments)
        size += len(text.encode())
        with open(os.path.join(folder, f"page_{index:04d}.md"), "w", encoding="utf-8") as out:
            out.write(text)
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--segments", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        size = build_book(root, args.pages, args.segments)
        command = [sys.executable, "-m", "translation_tools", "status", root, "--json"]
        times, cpu = [], []
        for _ in range(args.repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, check=True)
            times.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        report = json.loads(result.stdout)
        best = min(times)
        print(f"book: {args.pages} pages, {report['total']['segments']} segments, {size / 1e6:.1f} MB")
        print(f"status --json: best {best:.3f} s of {args.repeat} (all: {', '.join(f'{t:.3f}' for t in times)})")
        print(
            f"CPU time (user+sys, all worker processes): best {min(cpu):.3f} s on {os.cpu_count()} CPU(s); "
            f"load average now {os.getloadavg()[0]:.1f} (wall time suffers when other jobs run)"
        )
        print(
            f"throughput: {args.pages / best:,.0f} pages/s  (goal: {args.pages} pages in < 1 s: {'met' if best < 1 else 'NOT met'})"
        )


if __name__ == "__main__":
    main()
