"""Helpers for the claim tests (``tests/test_book_claims*.py``): run a page's code cells as the
build runs them, and measure what its samples and series look like.

``page_namespace(page)`` runs the code cells of ``docs/PAGE`` in order (snippets expanded as the
build expands them, one torch thread as in the build's kernel) and returns the names they leave.
The measures (``book_share``, ``loops``, ``flat_share`` ...) compute an expectation independently of
what the page prints.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
from collections import Counter
from pathlib import Path

import torch

from rnnbook import load_text, tokenize
from translation_tools.execution.cells import code_cells
from translation_tools.parse import parse_file

ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def page_namespace(page: str, stop_at: str | None = None) -> dict:
    """The names left by running the code cells of ``docs/PAGE`` in order, as the build runs them.

    ``stop_at``: stop before the first cell whose source contains this text (for a model that a
    later cell of the page replaces). The cells' printed output is discarded.
    """
    torch.set_num_threads(1)  # as in the build's kernel (OMP_NUM_THREADS=1)
    namespace: dict = {}
    for cell in code_cells(parse_file(ROOT / "docs" / page), ROOT):
        if stop_at is not None and stop_at in cell.source:
            break
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(cell.source, f"docs/{page}:{cell.line}", "exec"), namespace)
    return namespace


@functools.cache
def vi_syllables() -> list[str]:
    return tokenize(load_text("vi"), "syllable")


@functools.cache
def book_syllables() -> frozenset[str]:
    """Every syllable that occurs somewhere in the Vietnamese text of the book."""
    return frozenset(vi_syllables())


def written_syllables(text: str, prefix: str) -> list[str]:
    """The syllables `generate` wrote after ``prefix``, without a last one cut off by the length limit."""
    assert text.startswith(prefix), f"expected the sample to start with {prefix!r}: {text!r}"
    tail = text[len(prefix) :]
    syllables = tokenize(tail, "syllable")
    return syllables[:-1] if tail and tail[-1].isalnum() else syllables


def book_share(text: str, prefix: str) -> float:
    """The share of written syllables that occur in the book: a rough measure of correct spelling."""
    syllables = written_syllables(text, prefix)
    assert syllables, f"expected some syllables after {prefix!r}: {text!r}"
    return sum(s in book_syllables() for s in syllables) / len(syllables)


def loops(text: str, prefix: str, times: int = 3) -> bool:
    """Whether some pair of consecutive written syllables comes back at least ``times`` times."""
    syllables = written_syllables(text, prefix)
    pairs = Counter(itertools.pairwise(syllables))
    return max(pairs.values(), default=0) >= times


def loader_ids(loader) -> list[int]:
    return [i for X, _ in loader for i in X.flatten().tolist()]


def count_pair(tokens: list[str], first: str, second: str) -> int:
    count = 0
    for a, b in itertools.pairwise(tokens):
        if a == first and b == second:
            count += 1
    return count


def flat_share(values: torch.Tensor, tolerance: float = 0.005) -> float:
    """The share of steps where a series moves by less than ``tolerance``."""
    steps = (values[1:] - values[:-1]).abs()
    return (steps < tolerance).float().mean().item()
