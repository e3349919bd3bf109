"""The site's HTML sanitiser on its own: what book pages hold passes unchanged, nothing that runs script does."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from translation_tools.site.mathml import to_mathml
from translation_tools.site.sanitize import clean, escape_title

FORMULAS = [
    r"\mathbf{h}_t = \phi(\mathbf{X}_t \mathbf{W}_{xh} + \mathbf{h}_{t-1} \mathbf{W}_{hh} + \mathbf{b}_h)",
    r"\hat{y}_t = \mathop{\mathrm{argmax}}_{y} P(y \mid \hat{y}_1, \ldots, \hat{y}_{t-1}, \mathbf{c})",
    r"\operatorname{softmax}(\mathbf{o})_i = \frac{\exp(o_i)}{\sum_j \exp(o_j)}",
    r"\begin{aligned} \mathbf{R}_t &= \sigma(\mathbf{X}_t \mathbf{W}_{xr}) \\ \mathbf{Z}_t &= \sigma(\mathbf{X}_t) \end{aligned}",
    r"\|\mathbf{g}\| \leq \theta, \quad \sqrt[3]{x}, \quad \overline{x}, \quad \text{if } x > 0",
    r"\boxed{x} \cancel{y} \boldsymbol{\theta}^\top \prod_{i=1}^n a_i",
]
# What Markdown, its extensions and the plugin put in a page body.
PROSE = [
    '<h2 id="sec_x">1.1. Chi tiết<a class="headerlink" href="#sec_x" title="Permanent link">¶</a></h2>',
    '<p class="tt-orig tt-orig-heading" data-search-exclude="1" hidden="hidden" lang="en">Details</p>',
    '<details class="tt-orig" lang="en" open=""><summary class="tt-toggle" title="EN">EN</summary><p>x</p></details>',
    '<button type="button" id="tt-show-all" class="tt-show-all" aria-pressed="false" data-show="a">a</button>',
    '<table><thead><tr><th style="text-align:left">a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>',
    '<figure class="tt-figure" id="fig_x"><p><img alt="x" src="../img/x.svg" width="300px"></p>'
    '<figcaption><span class="tt-fignum">Hình 1:</span> x</figcaption></figure>',
    '<div class="tabbed-set tabbed-alternate" data-tabs="1:1"><input checked="checked" id="__tabbed_1_1" '
    'name="__tabbed_1" type="radio"><div class="tabbed-labels"><label for="__tabbed_1_1">A</label></div></div>',
    '<div class="highlight"><pre><span></span><code><span class="n">x</span> <span class="o">=</span> 1\n</code></pre></div>',
    '<p><a href="https://example.org/a">a</a> <a href="../b/#c">b</a> <a href="mailto:a@example.org">c</a> '
    "<em>e</em> <strong>s</strong> <code>&lt;b&gt;</code> <kbd>K</kbd> <sub>1</sub><sup>2</sup> H<br>x</p>",
    '<div class="cell-output no-copy"><pre class="cell-output-text"><code>2</code></pre></div>',
    '<aside class="tt-credits"><ul class="tt-contributors"><li>Nguyễn Văn A</li></ul>'
    '<p class="tt-updated"><time datetime="2024-01-02">2024-01-02</time></p></aside>',
    '<abbr class="tt-term" title="recurrent neural network">mạng nơ-ron hồi tiếp</abbr>',
]


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, tuple(sorted(attrs))))

    def handle_data(self, data):
        if self.items and self.items[-1][0] == "#text":
            data = self.items.pop()[1] + data
        self.items.append(("#text", data))


def structure(html: str) -> list[tuple]:
    """Elements with their attributes, and text, in order: equal however the HTML is spelled."""
    parser = _Structure()
    parser.feed(html)
    parser.close()
    return parser.items


@pytest.mark.parametrize("latex", FORMULAS)
def test_formulas_pass_unchanged(latex):
    for display in (True, False):
        mathml = to_mathml(latex, display)
        assert structure(clean(mathml)) == structure(mathml)


@pytest.mark.parametrize("html", PROSE)
def test_book_markup_passes_unchanged(html):
    assert clean(html) == html


@pytest.mark.parametrize(
    "unsafe, kept",
    [
        ('<img src=x onerror="alert(1)">', '<img src="x">'),
        ("<script>alert(1)</script>after", "after"),
        ("<style>body{}</style><iframe src=//a.b></iframe>text", "text"),
        ('<a href="javascript:alert(1)">a</a>', "<a>a</a>"),
        ('<a href=" JaVaScRiPt:alert(1)">a</a>', "<a>a</a>"),
        ('<img src="data:image/svg+xml;base64,PHN2Zz4=">', "<img>"),
        ('<p onclick="alert(1)" style="color:red">p</p>', "<p>p</p>"),
        ('<svg onload="alert(1)"><circle/></svg>', ""),
        ("<form action=//a.b><input type=submit></form>", '<input type="submit">'),
        ("<math><mtext><img src=x onerror=alert(1)></mtext></math>", '<math><mtext><img src="x"></mtext></math>'),
        ('<math href="javascript:alert(1)"><mi>x</mi></math>', "<math><mi>x</mi></math>"),
        ('<object data="a.swf"></object><embed src="a.swf">x', "x"),
    ],
)
def test_unsafe_markup_is_dropped(unsafe, kept):
    assert clean(unsafe) == kept


def test_nav_titles_are_text():
    assert escape_title("Khởi <img src=x onerror=alert(1)>đầu & <b>x</b> < y") == "Khởi đầu &amp; x &lt; y"
