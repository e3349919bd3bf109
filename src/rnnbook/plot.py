"""Figures for the book: line plots, perplexity curves, Zipf plots, saved as SVG."""
import io
import os
import pathlib
import sys
import tempfile

import matplotlib

# Inside Jupyter the kernel picks an inline backend (and says so through
# MPLBACKEND); elsewhere, e.g. in tests or scripts on a server, use the
# non-interactive Agg backend so no window is ever opened.
if "ipykernel" not in sys.modules and not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # (after the backend is chosen)


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
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    if legend:
        ax.legend(legend)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig
# --8<-- [end:plot]


# --8<-- [start:plot_history]
def plot_history(history):
    """Training and validation perplexity after each epoch."""
    epochs = list(range(1, len(history.train_ppl) + 1))
    return plot(epochs, [history.train_ppl, history.val_ppl],
                legend=["train", "validation"], xlabel="epoch", ylabel="perplexity")
# --8<-- [end:plot_history]


# --8<-- [start:plot_zipf]
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
