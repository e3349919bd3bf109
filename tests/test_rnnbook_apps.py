"""Seq2seq, classifier, plots, and the snippet sections the pages embed (the sequence section: test_rnnbook_sequence.py)."""

import builtins
import math
import pathlib
import re
import symtable
import xml.etree.ElementTree as ET

import pytest
import torch

import rnnbook
from rnnbook import (
    EncoderDecoder,
    History,
    RNNClassifier,
    Seq2SeqDecoder,
    Seq2SeqEncoder,
    TrainConfig,
    Vocab,
    bleu,
    load_data_classification,
    load_data_nmt,
    ngram_freqs,
    plot,
    plot_history,
    plot_zipf,
    save_svg,
    set_seed,
    svg_text,
    tokenize,
    train_classifier,
    train_seq2seq,
    translate,
)

PACKAGE = pathlib.Path(rnnbook.__file__).parent
SECTION = re.compile(r"# --8<-- \[start:(\w+)\]\n(.*?)# --8<-- \[end:\1\]", re.S)
# Every section the API contract promises to the chapters.
API_SECTIONS = [
    "set_seed",
    "default_device",
    "normalize",
    "tokenize",
    "vocab",
    "ngram_freqs",
    "load_text",
    "load_corpus",
    "parallel_pairs",
    "river_levels",
    "autoregressive_dataset",
    "mlp_regressor",
    "train_regressor",
    "k_step_predictions",
    "future_values",
    "gru_forecaster",
    "train_forecaster",
    "recurrent_k_step_predictions",
    "seq_data_iter_random",
    "seq_data_iter_sequential",
    "seq_data_loader",
    "load_data_lm",
    "rnn_scratch",
    "gru_scratch",
    "lstm_scratch",
    "stacked_rnn",
    "bi_rnn",
    "rnn_lm",
    "train_config",
    "grad_clipping",
    "train_lm",
    "history",
    "evaluate_perplexity",
    "unigram_perplexity",
    "generate",
    "seq2seq_encoder",
    "seq2seq_decoder",
    "encoder_decoder",
    "load_data_nmt",
    "train_seq2seq",
    "translate",
    "bleu",
    "load_data_classification",
    "rnn_classifier",
    "train_classifier",
    "plot",
    "plot_history",
    "plot_zipf",
]


pytestmark = pytest.mark.usefixtures("one_torch_thread")


# --- snippet sections -----------------------------------------------------


def sections():
    for path in sorted(PACKAGE.glob("*.py")):
        for name, body in SECTION.findall(path.read_text(encoding="utf-8")):
            yield path.name, name, body


def test_every_api_section_exists_once():
    names = [name for _, name, _ in sections()]
    assert sorted(set(API_SECTIONS) - set(names)) == []
    assert len(names) == len(set(names))


def global_names(table):
    """Names a piece of code reads from its global namespace, in every nested scope."""
    for symbol in table.get_symbols():
        if symbol.is_referenced() and (symbol.is_global() or table.get_type() == "module"):
            yield symbol.get_name()
    for child in table.get_children():
        yield from global_names(child)


@pytest.mark.parametrize("where,name,body", list(sections()), ids=lambda v: str(v)[:30])
def test_section_runs_after_star_import(where, name, body):
    # A page's kernel runs `from rnnbook import *`, then the embedded section.
    namespace = {}
    exec("from rnnbook import *", namespace)
    exec(compile(body, f"{where}:{name}", "exec"), namespace)
    table = symtable.symtable(body, f"{where}:{name}", "exec")
    missing = {n for n in global_names(table) if n not in namespace and not hasattr(builtins, n)}
    assert not missing, f"section {name} in {where} needs names the page does not have"


def test_star_import_gives_the_page_its_basics():
    namespace = {}
    exec("from rnnbook import *", namespace)
    for name in ("torch", "nn", "F", "math", "dataclass", "field"):
        assert name in namespace


# --- seq2seq --------------------------------------------------------------


def test_load_data_nmt_shapes():
    loader, src_vocab, tgt_vocab = load_data_nmt(batch_size=4, num_steps=10)
    src, src_len, tgt, tgt_len = next(iter(loader))
    assert src.shape == tgt.shape == (4, 10)
    assert (src_len <= 10).all() and (tgt_len <= 10).all()
    for vocab in (src_vocab, tgt_vocab):
        assert vocab.to_tokens([1, 2, 3]) == ["<pad>", "<bos>", "<eos>"]
    # Each row ends with <eos> at its valid length, then padding.
    assert src[0, src_len[0] - 1].item() == src_vocab["<eos>"]


def test_load_data_nmt_rejects_tiny_num_steps():
    with pytest.raises(ValueError, match="num_steps=1"):
        load_data_nmt(num_steps=1)


def test_seq2seq_overfits_a_few_pairs():
    set_seed(0)
    loader, src_vocab, tgt_vocab = load_data_nmt(batch_size=8, num_steps=10)
    subset = torch.utils.data.Subset(loader.dataset, range(8))
    small = torch.utils.data.DataLoader(subset, batch_size=8)
    model = EncoderDecoder(Seq2SeqEncoder(len(src_vocab), 32, 64), Seq2SeqDecoder(len(tgt_vocab), 32, 64))
    losses = train_seq2seq(
        model, small, tgt_vocab, TrainConfig(num_epochs=150, lr=0.01, optimizer="adam", device="cpu")
    )
    assert losses[-1] < 0.05 * losses[0]
    for src, src_len, tgt, tgt_len in subset:
        source = " ".join(src_vocab.to_tokens(src[: src_len - 1].tolist()))
        target = " ".join(tgt_vocab.to_tokens(tgt[: tgt_len - 1].tolist()))
        assert translate(model, source, src_vocab, tgt_vocab, num_steps=10) == target


def test_bleu():
    assert bleu("a b c d", "a b c d") == pytest.approx(1.0)
    assert bleu("x y", "a b c d") == 0.0
    assert bleu("", "a b") == 0.0
    # Correct but short: precision 1, brevity penalty exp(1 - 4/2).
    assert bleu("a b", "a b c d") == pytest.approx(math.exp(-1.0))


# --- classification -------------------------------------------------------


def test_load_data_classification_shapes():
    train, val, vocab, classes = load_data_classification(batch_size=16, num_steps=20)
    assert len(classes) >= 2 and classes == sorted(classes)
    X, valid_len, y = next(iter(train))
    assert X.shape == (16, 20) and valid_len.shape == y.shape == (16,)
    assert int(y.max()) < len(classes) and vocab.to_tokens(1) == "<pad>"
    assert len(val.dataset) >= 1


def separable_task(num_examples, generator):
    """Label 1 when token 2 appears in the sentence, 0 when token 3 does."""
    X = torch.randint(4, 10, (num_examples, 8), generator=generator)
    y = torch.randint(0, 2, (num_examples,), generator=generator)
    where = torch.randint(0, 8, (num_examples,), generator=generator)
    X[torch.arange(num_examples), where] = torch.where(y == 1, 2, 3)
    return torch.utils.data.TensorDataset(X, torch.full((num_examples,), 8), y)


def test_classifier_beats_chance_on_a_separable_task():
    set_seed(0)
    gen = torch.Generator().manual_seed(0)
    train = torch.utils.data.DataLoader(separable_task(256, gen), batch_size=32, shuffle=True)
    val = torch.utils.data.DataLoader(separable_task(128, gen), batch_size=64)
    model = RNNClassifier(10, 8, 16, 2)
    result = train_classifier(model, train, val, TrainConfig(num_epochs=8, lr=0.02, optimizer="adam", device="cpu"))
    assert set(result) == {"train_acc", "val_acc", "loss"}
    assert result["val_acc"][-1] > 0.9  # chance is 0.5


# --- plots ----------------------------------------------------------------


def parse_svg(fig):
    root = ET.fromstring(svg_text(fig))
    assert root.tag.endswith("svg")
    return root


def test_plot_accepts_tensors_and_lists():
    x = torch.arange(5.0)
    fig = plot(x, [x**2, [1, 2, 3, 4, 5]], legend=["square", "list"], xlabel="t", yscale="log")
    assert len(fig.axes[0].lines) == 2
    parse_svg(fig)


def test_plot_single_curve():
    assert len(plot([1, 2, 3], [3, 1, 2]).axes[0].lines) == 1


def test_plot_history_and_zipf_are_svg(tmp_path):
    fig = plot_history(History(train_ppl=[9.0, 5.0, 4.0], val_ppl=[10.0, 6.0, 5.5]))
    path = save_svg(fig, tmp_path / "img" / "ppl.svg")
    assert ET.parse(path).getroot().tag.endswith("svg")
    tokens = tokenize("mạng nơ-ron hồi tiếp mạng nơ-ron", "syllable")
    fig = plot_zipf([Vocab(tokens).token_freqs, ngram_freqs(tokens, 2)], ["unigram", "bigram"])
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"
    parse_svg(fig)
