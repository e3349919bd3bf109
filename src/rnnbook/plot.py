"""Figures for the book: line plots, perplexity curves, Zipf plots, saved as SVG.

Every figure speaks the reader's language. A plot function decorated with
`in_each_language` is drawn once per language in `figure_languages()` (the
environment variable RNNBOOK_LANG: "en", "vi", or "vi,en" as the book's build
sets it), and writes its labels through `say`, which gives the label in the
language being drawn: an (English, Vietnamese) pair as given, or a plain English
label looked up in `VI`. In Jupyter the figure shows once per language, each
output tagged with its language, and each edition of the book keeps its own.
"""
import functools
import io
import os
import pathlib
import re
import sys
import tempfile
import typing

import matplotlib

# Inside Jupyter the kernel picks an inline backend (and says so through
# MPLBACKEND); elsewhere, e.g. in tests or scripts on a server, use the
# non-interactive Agg backend so no window is ever opened.
if "ipykernel" not in sys.modules and not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # (after the backend is chosen)

# Vietnamese for the labels the book's plots use. "{}" stands for a number or a
# name filled in by the page (f"{k}-step" -> "{} bước").
VI = {
    "time": "thời gian",
    "time step": "bước thời gian",
    "epoch": "epoch",
    "loss": "mất mát",
    "loss per token": "mất mát trên mỗi token",
    "perplexity": "perplexity",
    "validation perplexity": "perplexity trên tập kiểm định",
    "train": "huấn luyện",
    "training": "huấn luyện",
    "validation": "kiểm định",
    "accuracy": "độ chính xác",
    "majority class": "lớp đa số",
    "rank": "thứ hạng",
    "frequency": "tần suất",
    "unigram": "unigram",
    "bigram": "bigram",
    "trigram": "trigram",
    "data": "dữ liệu",
    "x": "x",
    "MSE": "MSE",
    "{}-step": "{} bước",
    "{}-step preds": "dự đoán trước {} bước",
    "1-step preds": "dự đoán trước 1 bước",
    "steps ahead k": "số bước dự đoán trước k",
    "steps back from the last step": "số bước lùi lại từ bước cuối",
    "gradient norm": "chuẩn của gradient",
    "sigma={}": "sigma={}",
    "tau={}": "tau={}",
    "token index": "chỉ số token",
    "probability": "xác suất",
    "character position": "vị trí ký tự",
    "unit {}": "nút {}",
    "space": "dấu cách",
    "nn.RNN": "nn.RNN",
    "RNNScratch": "RNNScratch",
    "one-directional": "một chiều",
    "bidirectional": "hai chiều",
    "day": "ngày",
    "level (m)": "mực nước (m)",
    "readings": "số đo",
    "{}-day forecast": "dự báo {} ngày",
    "days ahead": "số ngày dự báo trước",
    "MLP": "MLP",
    "GRU": "GRU",
    "last value": "giá trị cuối",
    "baseline": "mốc so sánh",
    "dropout": "dropout",
    "tied": "buộc chung trọng số",
    "dropout + tied": "dropout + buộc chung trọng số",
    "nn.GRU, {} layer": "nn.GRU, {} tầng",
    "nn.GRU, {} layers": "nn.GRU, {} tầng",
    "StackedRNN, {} layers": "StackedRNN, {} tầng",
    "without attention": "không có cơ chế tập trung",
    "with attention": "có cơ chế tập trung",
    "source sentence (English)": "câu nguồn (tiếng Anh)",
    "translation (Vietnamese)": "bản dịch (tiếng Việt)",
}
LANGUAGES = ("en", "vi")


def figure_languages():
    """The languages figures are drawn in, from RNNBOOK_LANG ("en" when unset)."""
    wanted = [lang.strip() for lang in os.environ.get("RNNBOOK_LANG", "en").split(",")]
    return [lang for lang in wanted if lang in LANGUAGES] or ["en"]


def translate(label, lang, missing=None):
    """`label` in `lang`: a pair (English, Vietnamese) picks one; a string is English,
    looked up in `VI` for Vietnamese (kept, and added to `missing`, when not there)."""
    if label is None:
        return ""
    if isinstance(label, tuple):
        return label[LANGUAGES.index(lang)]
    label = str(label)
    if lang == "en" or not needs_words(label):
        return label
    if label in VI:
        return VI[label]
    for english, vietnamese in VI.items():
        if "{}" in english:
            pattern = "(.+?)".join(map(re.escape, english.split("{}")))
            match = re.fullmatch(pattern, label)
            if match:
                return vietnamese.format(*match.groups())
    if missing is not None:
        missing.append(label)
    return label


def needs_words(label):
    """True when a label holds a word (3+ letters outside $math$), not only symbols or numbers."""
    return re.search(r"[^\W\d_]{3,}", re.sub(r"\$[^$]*\$", "", label)) is not None


class Drawing:
    """While a figure is drawn: its language, and the labels found with no translation."""
    lang: typing.ClassVar[str | None] = None
    missing: typing.ClassVar[list[str]] = []


def say(label):
    """The label in the language being drawn (English outside `in_each_language`)."""
    return translate(label, Drawing.lang or "en", Drawing.missing)


class BookFigure:
    """One figure drawn in each language; used like the first one (a matplotlib Figure)."""

    def __init__(self, figures, untranslated):
        self.figures = figures            # {lang: matplotlib Figure}
        self.untranslated = untranslated  # {lang: labels with no translation}

    def __getattr__(self, name):
        return getattr(next(iter(self.figures.values())), name)

    def _ipython_display_(self):
        from IPython.display import display

        if len(self.figures) == 1:
            display(next(iter(self.figures.values())))
            return
        for lang, fig in self.figures.items():
            metadata = {"lang": lang}
            if self.untranslated.get(lang):
                metadata["untranslated"] = self.untranslated[lang]
            display(fig, metadata=metadata)


def in_each_language(draw):
    """Decorator: `draw(...)` runs once per language, its `say(...)` labels in that language."""
    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        if Drawing.lang is not None:  # one plot function calling another: already drawing
            return draw(*args, **kwargs)
        figures, untranslated = {}, {}
        for lang in figure_languages():
            Drawing.lang, Drawing.missing = lang, []
            try:
                figures[lang] = draw(*args, **kwargs)
                untranslated[lang] = sorted(set(Drawing.missing))
            finally:
                Drawing.lang, Drawing.missing = None, []
        return BookFigure(figures, untranslated)
    return drawn


def to_floats(values):
    """A tensor, array or list of numbers -> a plain list of floats."""
    if hasattr(values, "detach"):
        values = values.detach().cpu()
    return [float(v) for v in values]


def is_series(values):
    """True for one sequence of numbers, False for a list of sequences."""
    if hasattr(values, "dim"):
        return values.dim() == 1
    if hasattr(values, "ndim"):
        return values.ndim == 1
    return len(values) == 0 or not hasattr(values[0], "__len__")


def new_figure(figsize=(5, 3)):
    """A figure that pyplot does not keep: it is shown once, where it is returned."""
    fig, ax = plt.subplots(figsize=figsize)
    # Detach it from pyplot so Jupyter does not also show it at the end of
    # the cell (it would appear twice) and so figures do not pile up.
    plt.close(fig)
    return fig, ax


# --8<-- [start:plot]
@in_each_language
def plot(x, ys, legend=None, xlabel=None, ylabel=None, yscale="linear", xscale="linear",
         figsize=(5, 3)):
    """Plot one or more curves `ys` against `x`; returns the matplotlib Figure.

    `ys` is a single sequence or a list of sequences (tensors are fine);
    `x` is shared by all curves, or one x sequence per curve.
    """
    ys = [ys] if is_series(ys) else list(ys)
    xs = [x] * len(ys) if is_series(x) else list(x)
    fig, ax = new_figure(figsize)
    for xi, yi in zip(xs, ys):
        ax.plot(to_floats(xi), to_floats(yi))
    ax.set_xscale(xscale)
    ax.set_yscale(yscale)
    ax.set_xlabel(say(xlabel))
    ax.set_ylabel(say(ylabel))
    if legend:
        ax.legend([say(name) for name in legend])
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig
# --8<-- [end:plot]


# --8<-- [start:plot_history]
@in_each_language
def plot_history(history):
    """Training and validation perplexity after each epoch."""
    epochs = list(range(1, len(history.train_ppl) + 1))
    return plot(epochs, [history.train_ppl, history.val_ppl],
                legend=["train", "validation"], xlabel="epoch", ylabel="perplexity")
# --8<-- [end:plot_history]


# --8<-- [start:plot_zipf]
@in_each_language
def plot_zipf(freq_lists, legend):
    """Frequency against rank on log-log axes, one curve per frequency list.

    Each list holds (token, count) pairs or bare counts, most frequent
    first, as `Vocab.token_freqs` and `ngram_freqs` return them. Zipf's law
    shows up as a roughly straight line.
    """
    curves = [[c[1] if isinstance(c, tuple) else c for c in freqs] for freqs in freq_lists]
    ranks = [list(range(1, len(counts) + 1)) for counts in curves]
    return plot(ranks, curves, legend=legend, xlabel="rank", ylabel="frequency",
                xscale="log", yscale="log")
# --8<-- [end:plot_zipf]


def svg_text(fig) -> str:
    """The figure as SVG markup."""
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    return buffer.getvalue()


def save_svg(fig, path) -> pathlib.Path:
    """Write the figure to `path` as SVG, atomically (temp file, then rename)."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(svg_text(fig))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path
