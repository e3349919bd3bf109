"""Rendering one page to an edition's Markdown, without MkDocs: the contract with the execution plugin."""

from __future__ import annotations

import re

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


REVIEWS = """\
<!--
# Review States
-->
<!-- draft: machine -->

# Các trạng thái duyệt

<!--
A machine translated this.
-->
<!-- draft: machine -->

Một cỗ máy đã dịch đoạn này.

<!--
Someone reviewed this.
-->
<!-- reviewed: Nguyễn Văn A -->

Có người đã duyệt đoạn này.

<!--
This changed after its draft.
-->
<!-- outdated: the English above changed -->
<!-- draft -->

Đoạn này đã đổi sau bản nháp.

<!--
![A network.](../img/net.svg)
-->
<!-- draft -->

![Một mạng.](../img/net.svg)
"""


def render_page(text: str, edition: str) -> str:
    doc = parse(text, PATH)
    info = PageInfo("chapter_a/intro.md", PATH, doc)
    ctx = editions.Context(Book({"chapter_a/intro.md": info}), info, edition, None, report=lambda message: None)
    return editions.render(ctx)


BADGE = '<span class="tt-badge tt-badge-draft"'


def test_draft_paragraph_heading_and_figure_carry_the_badge():
    markdown = render_page(REVIEWS, "vi")
    segments = parse(REVIEWS, PATH).segments()
    draft = re.search(r'<div class="tt-seg tt-draft" id="tt-L(\d+)" markdown="1">(.*?)</div>', markdown, re.DOTALL)
    assert draft and int(draft.group(1)) == segments[1].slot_start  # the progress page links here
    assert "Một cỗ máy đã dịch đoạn này." in draft.group(2) and f"{BADGE} " in draft.group(2)
    assert ">bản nháp</span>" in draft.group(2)
    heading = markdown.split("<button", 1)[0]
    assert heading.startswith(f"# Các trạng thái duyệt {{ #tt-L{segments[0].slot_start} }}") and BADGE in heading
    figure = re.search(r'<figure class="tt-figure" id="tt-L(\d+)"(.*?)</figure>', markdown, re.DOTALL)
    assert figure and int(figure.group(1)) == segments[4].slot_start and BADGE in figure.group(2)
    assert markdown.count(BADGE) == 3  # not on the reviewed or the outdated segment


def test_reviewed_and_outdated_segments_have_no_draft_badge():
    markdown = render_page(REVIEWS, "vi")
    reviewed = re.search(r'<div class="tt-seg"[^>]*>(.*?)</div>', markdown, re.DOTALL)
    assert reviewed and "Có người đã duyệt" in reviewed.group(1) and "tt-badge" not in reviewed.group(1)
    outdated = re.search(r'<div class="tt-seg tt-outdated"[^>]*>(.*?)</div>', markdown, re.DOTALL)
    assert outdated and "tt-outdated-note" in outdated.group(1) and "tt-badge" not in outdated.group(1)


def test_english_edition_shows_no_draft_badge():
    assert "tt-badge" not in render_page(REVIEWS, "en") and "bản nháp" not in render_page(REVIEWS, "en")
