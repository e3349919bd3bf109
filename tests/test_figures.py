"""The diagrams in docs/img: well-formed, bilingual labels, referenced images exist, true numbers.

A label is bilingual when it is a ``<switch>`` holding a Vietnamese ``<text systemLanguage="vi">``
first and the English fallback ``<text>`` (no ``systemLanguage``) second; the site keeps one
per edition. Text marked ``translate="no"`` (code, example sentences in a fixed language) and
lone symbols (H, W with a subscript, σ, B1) need no switch.
"""

from __future__ import annotations

import itertools
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
IMG = DOCS / "img"
SVG_NS = "{http://www.w3.org/2000/svg}"
SVGS = sorted(IMG.glob("*.svg"))

# Terms the book keeps in English in both editions (see docs/glossary.yml) and function names:
# a label made only of these needs no Vietnamese twin, and a switch may repeat them.
SAME_IN_BOTH = (
    "one-hot",
    "one_hot",
    "tanh",
    "softmax",
    "argmax",
    "token",
    "tokens",
    "batch",
    "minibatch",
    "embedding",
    "epoch",
    "perplexity",
    "teacher forcing",
    "BLEU",
    "RNN",
    "GRU",
    "LSTM",
    "NFC",
    "NFD",
    "num_steps",
    "valid_len",
    "<bos>",
    "<eos>",
    "<pad>",
    "<unk>",
)
_SAME = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, SAME_IN_BOTH)) + r")(?![\w-])", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]{3,}")


def text_runs(element: ET.Element) -> list[str]:
    """The pieces of text of `element`: its own text and each tspan's text, kept apart so that
    a symbol with a subscript (W + "xh") does not read as a word."""
    runs = [element.text or ""]
    for child in element.iter():
        if child is not element:
            runs += [child.text or "", child.tail or ""]
    return [run for run in runs if run.strip()]


def words(element: ET.Element) -> list[str]:
    """The words of three letters or more in `element`, terms kept in English left out."""
    return [w for run in text_runs(element) for w in _WORD.findall(_SAME.sub(" ", run))]


def plain(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def parents(tree: ET.ElementTree) -> dict[ET.Element, ET.Element]:
    return {child: parent for parent in tree.iter() for child in parent}


def untranslatable(element: ET.Element, parent_of: dict[ET.Element, ET.Element]) -> bool:
    while element is not None:
        if element.get("translate") == "no":
            return True
        element = parent_of.get(element)
    return False


def svg_id(path: Path) -> str:
    return path.name


def test_there_are_diagrams() -> None:
    assert len(SVGS) >= 10, f"expected the book's diagrams in {IMG}"


@pytest.mark.parametrize("svg", SVGS, ids=svg_id)
def test_svg_parses(svg: Path) -> None:
    root = ET.parse(svg).getroot()
    assert root.tag == SVG_NS + "svg", f"{svg.name}: the root element is {root.tag}, expected <svg>"


@pytest.mark.parametrize("svg", SVGS, ids=svg_id)
def test_every_worded_label_is_bilingual(svg: Path) -> None:
    tree = ET.parse(svg)
    parent_of = parents(tree)
    bare = []
    for text in tree.iter(SVG_NS + "text"):
        if not words(text) or untranslatable(text, parent_of):
            continue
        parent = parent_of[text]
        if parent.tag != SVG_NS + "switch":
            bare.append(plain(text))
    assert not bare, (
        f"{svg.name}: labels with words outside a <switch> (add a Vietnamese "
        f'<text systemLanguage="vi"> before each): {bare}'
    )


@pytest.mark.parametrize("svg", SVGS, ids=svg_id)
def test_every_switch_holds_vietnamese_then_english(svg: Path) -> None:
    tree = ET.parse(svg)
    for switch in tree.iter(SVG_NS + "switch"):
        kids = list(switch)
        assert [k.tag for k in kids] == [SVG_NS + "text"] * 2, (
            f"{svg.name}: a <switch> must hold exactly two <text>, got {[k.tag for k in kids]}"
        )
        vi, en = kids
        assert vi.get("systemLanguage") == "vi", (
            f"{svg.name}: the first text of a switch must be Vietnamese: {plain(vi)!r}"
        )
        assert en.get("systemLanguage") is None, (
            f"{svg.name}: the second text is the fallback, without systemLanguage: {plain(en)!r}"
        )
        assert plain(vi) and plain(en), f"{svg.name}: empty text in a switch ({plain(vi)!r}, {plain(en)!r})"
        if plain(vi) == plain(en):
            assert not words(en), f"{svg.name}: the Vietnamese label repeats the English one: {plain(en)!r}"


def test_words_ignore_symbols_and_terms_kept_in_english() -> None:
    label = ET.fromstring('<text>W<tspan dy="3">xh</tspan> tanh (batch, |V|)</text>')
    assert words(label) == []
    assert words(ET.fromstring("<text>hidden state</text>")) == ["hidden", "state"]
    assert words(ET.fromstring("<text>one-hot inputs</text>")) == ["inputs"]
    assert words(ET.fromstring("<text>&lt;eos&gt; &lt;pad&gt;</text>")) == []


# --- pages and their images -------------------------------------------------------------------

_FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
_CODE = re.compile(r"`[^`\n]*`")
_IMAGE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*([^)\s]+)")


def image_targets(markdown: str) -> list[str]:
    """The local images a page shows (code spans and fences, which only quote the syntax, left out)."""
    text = _CODE.sub("", _FENCE.sub("", markdown))
    return [t for t in _IMAGE.findall(text) if not re.match(r"[a-z]+:|/|#", t)]


def test_image_targets_skip_code_and_remote_images() -> None:
    page = (
        "![A `<bos>` cell.](../img/a.svg)\n`![x](../img/quoted.svg)`\n"
        "![r](https://example.org/b.png)\n```\n![c](../img/code.svg)\n```\n"
    )
    assert image_targets(page) == ["../img/a.svg"]


PAGES = sorted(p for p in DOCS.rglob("*.md"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_image_a_page_shows_exists(page: Path) -> None:
    missing = [
        t for t in image_targets(page.read_text(encoding="utf-8")) if not (page.parent / t.split("#")[0]).is_file()
    ]
    assert not missing, f"{page.relative_to(ROOT)}: missing images {missing}"


def test_every_diagram_is_used_by_a_page() -> None:
    used = {(page.parent / t).resolve() for page in PAGES for t in image_targets(page.read_text(encoding="utf-8"))}
    unused = [svg.name for svg in SVGS if svg.resolve() not in used]
    assert not unused, f"diagrams no page shows: {unused}"


# --- the numbers the new diagrams show --------------------------------------------------------


def svg_texts(name: str) -> list[str]:
    return [plain(t) for t in ET.parse(IMG / name).iter(SVG_NS + "text")]


def test_preprocessing_figure_shows_the_indices_the_page_prints() -> None:
    from rnnbook import Vocab, load_text, tokenize

    sentence = "mạng nơ-ron đọc chuỗi xyzzy"
    page = (DOCS / "chapter_rnn" / "text-preprocessing.md").read_text(encoding="utf-8")
    assert f"tokenize('{sentence}', 'syllable')" in page, "the page's example sentence changed"
    assert "vocab = Vocab(syllables)" in page and "syllables = tokenize(text_vi, 'syllable')" in page
    vocab = Vocab(tokenize(load_text("vi"), "syllable"))
    shown = [int(t) for t in svg_texts("text-preprocessing-pipeline.svg") if t.isdigit()]
    assert shown == vocab[tokenize(sentence, "syllable")]


def test_translation_figure_bleu_example() -> None:
    from rnnbook import bleu

    texts = svg_texts("machine-translation-pipeline.svg")
    assert any("p1 = 3/4" in t and "p2 = 1/3" in t and "BLEU = 0.5" in t for t in texts), texts
    assert bleu("mạng nơ-ron hồi tiếp", "mạng hồi tiếp") == pytest.approx(0.5)
    # Each precision on its own, counted independently of bleu(): 3 of 4 words, 1 of 3 word pairs.
    pred, ref = ["mạng", "nơ-ron", "hồi", "tiếp"], ["mạng", "hồi", "tiếp"]
    assert sum(w in ref for w in pred) / len(pred) == 3 / 4
    pairs = set(itertools.pairwise(ref))
    assert sum(p in pairs for p in itertools.pairwise(pred)) / (len(pred) - 1) == 1 / 3


def test_generation_figure_bars_are_the_softmax_of_the_page_logits() -> None:
    page = (DOCS / "chapter_applications" / "text-generation.md").read_text(encoding="utf-8")
    assert "logits = torch.tensor([3.0, 2.0, 1.0, 0.5, -1.0])" in page, "the page's logits changed"
    logits, full_height = [3.0, 2.0, 1.0, 0.5, -1.0], 70
    root = ET.parse(IMG / "text-generation-loop.svg").getroot()
    for colour, tau in (("#2b5d8c", 0.5), ("#9cc3e6", 2.0)):
        group = next(g for g in root.iter(SVG_NS + "g") if g.get("fill") == colour)
        heights = [float(r.get("height", "nan")) for r in group.iter(SVG_NS + "rect")]
        exps = [math.exp(v / tau) for v in logits]
        expected = [e / sum(exps) * full_height for e in exps]
        assert heights == pytest.approx(expected, abs=0.06), (tau, heights)
