"""Rendering one page to an edition's Markdown, without MkDocs: the contract with the execution plugin."""

from __future__ import annotations

from site_fixture import INTRO

from translation_tools.parse import parse
from translation_tools.site import editions, search
from translation_tools.site.book import Book, PageInfo
from translation_tools.site.mathml import to_mathml

PATH = "docs/chapter_a/intro.md"


def render(edition: str, outputs: dict) -> str:
    doc = parse(INTRO, PATH)
    info = PageInfo("chapter_a/intro.md", PATH, doc)
    ctx = editions.Context(
        Book({"chapter_a/intro.md": info}),
        info,
        edition,
        "https://example.org/edit/docs/chapter_a/intro.md",
        outputs=outputs,
        report=lambda message: None,
    )
    return editions.render(ctx)


def test_cell_outputs_follow_their_fence_in_both_editions():
    fence = next(block for block in parse(INTRO, PATH).blocks if block.kind == "code")
    output = '<div class="cell-output">2</div>'
    for edition in ("vi", "en"):
        markdown = render(edition, {fence.start: output})
        assert "```python\nprint(1 + 1)\n```\n\n" + output in markdown


def test_no_outputs_leaves_the_fence_alone():
    markdown = render("vi", {})
    assert "```python\nprint(1 + 1)\n```" in markdown and "cell-output" not in markdown


def test_fold_removes_vietnamese_diacritics_and_d_bar():
    assert search.fold("Mạng nơ-ron HỒI TIẾP, Đặng") == "mang no-ron hoi tiep, dang"


def test_book_latex_converts_to_mathml():
    formulas = [
        r"\mathbf{h}_t = \phi(\mathbf{X}_t \mathbf{W}_{xh} + \mathbf{b}_h)",
        r"\mathbf{a} \odot \mathbf{b}",
        r"\sigma(x) = \frac{1}{1 + \exp(-x)}",
        r"\tanh(x)",
        r"\operatorname{softmax}(\mathbf{o})",
        r"\sum_{t=1}^T \log p(x_t)",
        r"\prod_{i=1}^n a_i",
        r"\frac{\partial L}{\partial \mathbf{W}}",
        r"\mathbf{W}^\top",
        r"\boldsymbol{\theta}",
        r"\text{if } x > 0",
        r"\begin{aligned} a &= b \\ c &= d \end{aligned}",
        r"\begin{align} a &= b \end{align}",
    ]
    for latex in formulas:
        mathml = to_mathml(latex, display=True)
        assert mathml.startswith("<math") and 'display="block"' in mathml and "\\" not in mathml, latex
    assert "<mi>&</mi>" not in to_mathml(r"\begin{aligned} a &= b \\ c &= d \end{aligned}", True)
