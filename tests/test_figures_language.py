"""Figures in the reader's language: SVG diagrams resolved per edition (site/figures.py), plots
drawn once per language by rnnbook.plot, and each edition keeping its own (execution engine)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import build_site, write_book

from rnnbook import BookFigure, plot, plot_history, say
from rnnbook.plot import VI, in_each_language, translate
from rnnbook.train import History
from translation_tools.execution.kernel import clean_outputs, outputs_for, untranslated_labels
from translation_tools.site.figures import FigureError, for_edition

DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 40">
  <!-- a note kept -->
  <text x="5" y="10">H</text>
  <switch>
    <text systemLanguage="vi" x="5" y="30">trạng thái ẩn</text>
    <text x="5" y="30">hidden state</text>
  </switch>
</svg>
"""


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    return [el.text or "" for el in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize(("edition", "label"), [("vi", "trạng thái ẩn"), ("en", "hidden state")])
def test_a_diagram_keeps_the_labels_of_its_edition(edition, label):
    svg = for_edition(DIAGRAM, edition)
    assert texts(svg) == ["H", label]
    assert "switch" not in svg and "systemLanguage" not in svg
    assert "a note kept" in svg and svg.startswith("<?xml")


def test_a_switch_without_the_edition_falls_back_to_the_unmarked_child():
    svg = DIAGRAM.replace('systemLanguage="vi"', 'systemLanguage="fr"')
    assert texts(for_edition(svg, "vi")) == ["H", "hidden state"]


def test_a_regional_language_tag_counts_for_its_language():
    svg = DIAGRAM.replace('systemLanguage="vi"', 'systemLanguage="vi-VN"')
    assert texts(for_edition(svg, "vi")) == ["H", "trạng thái ẩn"]


def test_a_diagram_without_switch_is_left_byte_for_byte():
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>H</text></svg>'
    assert for_edition(svg, "vi") is svg


def test_a_broken_diagram_names_its_line():
    with pytest.raises(FigureError) as error:
        for_edition("<svg xmlns='http://www.w3.org/2000/svg'>\n<switch>\n<text>a</switch>\n</svg>", "vi")
    assert error.value.line == 3


# --- plots -------------------------------------------------------------------------------------


def labels(fig) -> tuple[str, str, list[str]]:
    ax = fig.axes[0]
    legend = ax.get_legend()
    return ax.get_xlabel(), ax.get_ylabel(), [t.get_text() for t in legend.get_texts()] if legend else []


def test_a_plot_is_drawn_in_each_language_asked_for(monkeypatch):
    monkeypatch.setenv("RNNBOOK_LANG", "vi,en")
    fig = plot([1, 2, 3], [[3, 1, 2], [1, 2, 3]], legend=["train", "4-step"], xlabel="time", ylabel="loss")
    assert isinstance(fig, BookFigure) and list(fig.figures) == ["vi", "en"]
    assert labels(fig.figures["vi"]) == ("thời gian", "mất mát", ["huấn luyện", "4 bước"])
    assert labels(fig.figures["en"]) == ("time", "loss", ["train", "4-step"])
    assert fig.untranslated == {"vi": [], "en": []}


def test_a_plot_outside_the_book_is_english_and_acts_as_a_figure(monkeypatch):
    monkeypatch.delenv("RNNBOOK_LANG", raising=False)
    fig = plot([1, 2, 3], [3, 1, 2], xlabel="time")
    assert list(fig.figures) == ["en"] and len(fig.axes[0].lines) == 1  # matplotlib's API passes through
    assert fig.axes[0].get_xlabel() == "time"


def test_a_label_pair_and_an_unknown_label(monkeypatch):
    monkeypatch.setenv("RNNBOOK_LANG", "vi")
    fig = plot([1, 2], [1, 2], xlabel=("source sentence", "câu nguồn"), ylabel="some new label")
    assert labels(fig)[:2] == ("câu nguồn", "some new label")
    assert fig.untranslated == {"vi": ["some new label"]}


def test_symbols_and_math_need_no_translation():
    assert translate("x", "vi") == "x"
    assert translate("$\\sigma$ = 0.5", "vi") == "$\\sigma$ = 0.5"
    missing: list[str] = []
    assert translate("sigma=0.5", "vi", missing) == "sigma=0.5" and missing == []  # a "{}" entry of VI


def test_a_plot_function_calling_another_is_drawn_once_per_language(monkeypatch):
    monkeypatch.setenv("RNNBOOK_LANG", "vi,en")
    fig = plot_history(History(train_ppl=[9.0, 5.0], val_ppl=[10.0, 6.0]))
    assert isinstance(fig, BookFigure) and not isinstance(fig.figures["vi"], BookFigure)
    assert labels(fig.figures["vi"])[2] == ["huấn luyện", "kiểm định"]


def test_say_outside_a_drawing_is_english():
    assert say("time") == "time" and say(("time", "thời gian")) == "time"


def test_jupyter_shows_one_output_per_language_tagged(monkeypatch):
    import IPython.display

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, metadata=None: shown.append(metadata))
    monkeypatch.setenv("RNNBOOK_LANG", "vi,en")

    @in_each_language
    def draw():
        return plot([1, 2], [1, 2], xlabel="brand new words")

    draw()._ipython_display_()
    assert shown == [{"lang": "vi", "untranslated": ["brand new words"]}, {"lang": "en"}]


def test_every_plot_label_the_book_passes_has_vietnamese():
    """The literal labels in the pages' plot calls are all in VI (or are pairs or symbols)."""
    calls = re.compile(r"(?:xlabel|ylabel)=(['\"])(.+?)\1|legend=\[([^\]]*)\]")
    missing = set()
    for page in Path(__file__).resolve().parent.parent.joinpath("docs").rglob("*.md"):
        for match in calls.finditer(page.read_text(encoding="utf-8")):
            found = [match.group(2)] if match.group(2) else re.findall(r"(['\"])(.*?)\1", match.group(3))
            for label in found:
                text = label if isinstance(label, str) else label[1]
                text = re.sub(r"\{[^}]*\}", "{}", text)  # f-string fields
                translated = translate(text, "vi", out := [])
                if out and text not in VI:
                    missing.add((page.name, text, translated))
    assert not missing, f"expected a Vietnamese version in rnnbook.plot.VI for: {sorted(missing)}"


# --- the engine keeps each edition's outputs ---------------------------------------------------


def figure_output(lang: str | None, svg: str) -> dict:
    return {"output_type": "display_data", "data": {"image/svg+xml": svg}, "metadata": {"lang": lang} if lang else {}}


def test_an_edition_keeps_its_outputs_and_the_untagged_ones():
    outputs = [
        figure_output("vi", "<svg>vi</svg>"),
        figure_output("en", "<svg>en</svg>"),
        figure_output(None, "<svg/>"),
    ]
    assert [o["data"]["image/svg+xml"] for o in outputs_for(outputs, "vi")] == ["<svg>vi</svg>", "<svg/>"]
    assert [o["data"]["image/svg+xml"] for o in outputs_for(outputs, "en")] == ["<svg>en</svg>", "<svg/>"]


def test_the_same_figure_in_two_languages_is_not_taken_for_a_repeat():
    outputs = [figure_output("vi", "<svg>x</svg>"), figure_output("en", "<svg>x</svg>")]
    assert len(clean_outputs(outputs, 1)) == 2
    assert len(clean_outputs([figure_output(None, "<svg>x</svg>")] * 2, 1)) == 1


def test_untranslated_labels_are_read_for_one_edition():
    out = figure_output("vi", "<svg/>")
    out["metadata"]["untranslated"] = ["new words"]
    assert untranslated_labels([out, figure_output("en", "<svg/>")], "vi") == ["new words"]
    assert untranslated_labels([out], "en") == []


PAGE = """<!--
# Plots
-->

# Hình vẽ

```python
from rnnbook import plot
plot([1, 2, 3], [3, 1, 2], xlabel="time", ylabel=LABEL)
```
"""

SVG_PAGE_DIAGRAM = DIAGRAM


@pytest.mark.slow
def test_each_edition_shows_its_own_plot_and_diagram(tmp_path):
    page = PAGE.replace("LABEL", '"loss"') + "\n<!--\n![A diagram.](d.svg)\n-->\n\n![Một sơ đồ.](d.svg)\n"
    config = write_book(tmp_path, {"docs/index.md": page, "docs/d.svg": DIAGRAM}, execute=True)
    result = build_site(config, tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    for edition, site, words in (("vi", tmp_path / "site", "thời gian"), ("en", tmp_path / "site" / "en", "time")):
        html = (site / "index.html").read_text(encoding="utf-8")
        images = re.findall(r'<img src="([^"]+\.svg)"', html)
        plots = [(site / src).read_text(encoding="utf-8") for src in images if "d.svg" not in src]
        assert len(plots) == 1, f"expected one plot in the {edition} edition: {images}"
        assert f">{words}<" in plots[0].replace("\n", ""), f"expected the {edition} label {words!r} in the plot"
        diagram = (site / "d.svg").read_text(encoding="utf-8")
        assert texts(diagram)[1] == ("trạng thái ẩn" if edition == "vi" else "hidden state")


@pytest.mark.slow
def test_a_plot_label_without_vietnamese_fails_the_strict_build_at_its_cell(tmp_path):
    config = write_book(tmp_path, {"docs/index.md": PAGE.replace("LABEL", '"weights seen"')}, execute=True)
    result = build_site(config, tmp_path / "site", cwd=tmp_path)
    assert result.returncode != 0
    assert re.search(r"index\.md:7: a figure's labels have no Vietnamese version: 'weights seen'", result.stderr), (
        result.stderr[-2000:]
    )
