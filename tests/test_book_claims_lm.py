"""What the language-model pages say about their own results: rnn-scratch, rnn-concise, gru, lstm,
deep-rnn and bi-rnn.

As in ``test_book_claims.py``: one test per claim, named after its page; slow tests run the page's
own cells (``page_namespace``) and compute every expectation here, independently of what the page
prints. The spelling claims look the samples' syllables up in the whole corpus (``book_share``),
at the page's seed and, for claims about a model rather than one line, over a few more seeds.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter

import pytest
import torch
from claims_fixture import book_share, loader_ids, loops, page_namespace
from torch import nn

from rnnbook import (
    RNNLM,
    GRUScratch,
    LSTMScratch,
    RNNScratch,
    StackedRNN,
    TrainConfig,
    load_corpus,
    load_text,
    real_syllable_share,
    set_seed,
    train_lm,
    unigram_perplexity,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PREFIX = "mạng nơ-ron "  # the prefix every sampling cell of these pages continues
LENGTH = 200  # characters the sampling cells generate
RNN, CONCISE, GRU, LSTM = (
    "chapter_rnn/rnn-scratch.md",
    "chapter_rnn/rnn-concise.md",
    "chapter_modern_rnn/gru.md",
    "chapter_modern_rnn/lstm.md",
)
DEEP, BI = "chapter_modern_rnn/deep-rnn.md", "chapter_modern_rnn/bi-rnn.md"


def sample(page: str, model: str, temperature: float, seed: int = 0) -> str:
    ns = page_namespace(page)
    return ns["generate"](ns[model], ns["vocab"], PREFIX, LENGTH, temperature=temperature, seed=seed)


def share(page: str, model: str, temperature: float, seed: int = 0) -> float:
    """The share of book syllables in the line the page prints (seed 0) or in another sample."""
    return book_share(sample(page, model, temperature, seed), PREFIX)


def mean_share(page: str, model: str, temperature: float = 0.7, seeds: range = range(5)) -> float:
    return sum(share(page, model, temperature, seed) for seed in seeds) / len(seeds)


def test_real_syllable_share_agrees_with_the_claims_measure():
    _, real = load_corpus("vi", "syllable")
    for text in (PREFIX + "hồi tiếp chấn lp ra nhất ra", PREFIX + "xmememe một tha gắn nhữ dede.", PREFIX + "m m mô "):
        assert real_syllable_share(text[len(PREFIX) :], real) == pytest.approx(book_share(text, PREFIX))


# --- chapter_rnn/rnn-scratch.md ----------------------------------------------------------------


def test_rnn_scratch_uses_a_little_more_than_half_the_corpus():
    corpus, _ = load_corpus("vi", "char")
    assert 0.5 < 100_000 / len(corpus) < 0.65, f"the corpus has {len(corpus)} characters"


@pytest.mark.slow
def test_rnn_scratch_perplexity_falls_below_unigram():
    ns = page_namespace(RNN)
    history, vocab = ns["history"], ns["vocab"]
    train, val = history.train_ppl, history.val_ppl
    assert all(math.isfinite(p) for p in train + val), "expected Adam with clipping to train without blowing up"
    assert all(a > b for a, b in itertools.pairwise(train)), (
        f"expected the training perplexity to keep falling: {train}"
    )
    assert train[0] < len(vocab) / 2, "expected the first epoch to end far below the vocabulary size"
    baseline = unigram_perplexity(loader_ids(ns["train_iter"]), loader_ids(ns["val_iter"]), len(vocab))
    assert max(train[-1], val[-1]) < baseline / 2, f"expected both perplexities well below unigram {baseline:.1f}"
    assert abs(val[-1] - train[-1]) < 0.1 * train[-1], "expected validation to stay close to training"


@pytest.mark.slow
def test_rnn_scratch_sgd_gets_much_less_far_in_five_epochs():
    ns = page_namespace(RNN)
    vocab = ns["vocab"]
    set_seed(0)
    model = RNNLM(RNNScratch(len(vocab), 128), len(vocab))
    sgd = train_lm(model, ns["train_iter"], ns["val_iter"], TrainConfig(num_epochs=5, lr=2.0, grad_clip=1.0))
    adam = ns["history"].val_ppl[-1]
    assert all(math.isfinite(p) for p in sgd.val_ppl), "expected SGD with lr=2 to train too"
    assert sgd.val_ppl[-1] > 1.3 * adam, f"SGD {sgd.val_ppl[-1]:.2f} vs Adam {adam:.2f}"


@pytest.mark.slow
def test_rnn_scratch_greedy_loops_and_sampling_costs_spelling():
    greedy = sample(RNN, "model", 0.0)
    assert loops(greedy, PREFIX), f"expected the greedy line to loop: {greedy!r}"
    middle, hot = share(RNN, "model", 0.7), share(RNN, "model", 1.0)
    assert 0.5 < middle < 0.9, f"expected many but clearly not all syllables real at τ = 0.7: {middle:.2f}"
    assert hot < middle, f"expected fewer real syllables at τ = 1: {hot:.2f} vs {middle:.2f}"


# --- chapter_rnn/rnn-concise.md ----------------------------------------------------------------


def test_rnn_concise_same_function_as_scratch():
    set_seed(0)
    num_inputs, num_hiddens = 12, 16
    scratch = RNNScratch(num_inputs, num_hiddens, sigma=0.1)
    layer = nn.RNN(num_inputs, num_hiddens, batch_first=True)
    X = torch.randn(3, 7, num_inputs)
    with torch.no_grad():
        layer.weight_ih_l0.copy_(scratch.W_xh.T)
        layer.weight_hh_l0.copy_(scratch.W_hh.T)
        layer.bias_ih_l0.copy_(scratch.b_h)
        layer.bias_hh_l0.zero_()
        ours, _ = scratch(X)
        theirs, _ = layer(X)
        # The recurrence written out by hand, as a third opinion.
        H, by_hand = torch.zeros(3, num_hiddens), []
        for t in range(7):
            H = torch.tanh(X[:, t] @ scratch.W_xh + H @ scratch.W_hh + scratch.b_h)
            by_hand.append(H)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=1e-5)
    torch.testing.assert_close(ours, torch.stack(by_hand, dim=1), rtol=0, atol=1e-5)


def test_rnn_concise_default_initialization_is_wider():
    set_seed(0)
    h = 128
    layer = nn.RNN(100, h, batch_first=True)
    bound = 1 / math.sqrt(h)
    for name, weight in layer.named_parameters():
        assert weight.abs().max() <= bound, f"{name}: expected weights within ±1/sqrt(h)"
        if name.startswith("weight"):
            assert weight.std() > 4 * 0.01, f"{name}: expected a spread much wider than 0.01"


def test_rnn_concise_recurrent_layers_differ_by_h_parameters():
    _, vocab = load_corpus("vi", "char", max_tokens=100_000)
    V, h = len(vocab), 128
    count = [sum(p.numel() for p in m.parameters()) for m in (nn.RNN(V, h, batch_first=True), RNNScratch(V, h))]
    assert count[0] - count[1] == h


@pytest.mark.slow
def test_rnn_concise_perplexities_in_the_same_range():
    ns = page_namespace(CONCISE)
    concise, scratch = ns["history_concise"].val_ppl[-1], ns["history_scratch"].val_ppl[-1]
    baseline = unigram_perplexity(loader_ids(ns["train_iter"]), loader_ids(ns["val_iter"]), len(ns["vocab"]))
    assert max(concise, scratch) < 0.6 * baseline, f"expected both well below unigram {baseline:.1f}"
    assert max(concise, scratch) / min(concise, scratch) < 1.3, f"expected the same range: {concise}, {scratch}"


@pytest.mark.slow
def test_rnn_concise_samples_like_the_scratch_page_and_vary_with_the_seed():
    greedy = sample(CONCISE, "concise", 0.0)
    assert loops(greedy, PREFIX), f"expected the greedy line to loop: {greedy!r}"
    middle, hot = share(CONCISE, "concise", 0.7), share(CONCISE, "concise", 1.0)
    assert middle > 0.5, f"expected most syllables to be real at τ = 0.7: {middle:.2f}"
    assert hot < middle - 0.1, f"expected clearly fewer at τ = 1: {hot:.2f} vs {middle:.2f}"
    shares = [share(CONCISE, "concise", 0.7, seed) for seed in range(5)]
    assert max(shares) - min(shares) >= 0.03, f"expected another seed to move the share by points: {shares}"


# --- chapter_modern_rnn/gru.md -----------------------------------------------------------------


def test_gru_three_blocks_of_parameters():
    d, h = 4, 8
    gru, rnn = (sum(p.numel() for p in m.parameters()) for m in (GRUScratch(d, h), RNNScratch(d, h)))
    assert gru == 3 * rnn + h, "expected three blocks of a plain RNN's weights plus the bias b_hh"


def test_gru_brackets_hold_english_terms():
    inside = re.findall(r"\(([^()\n]*)\)", load_text("vi"))
    mean = sum(map(len, inside)) / len(inside)
    assert 100 <= len(inside) < 1000, f"the page speaks of hundreds of pairs of brackets: {len(inside)}"
    assert 12 <= mean < 20, f"the page says a dozen or more characters: {mean:.1f}"
    top = [text for text, _ in Counter(inside).most_common(5)]
    assert all(re.fullmatch(r"[a-z ]+", text) for text in top), f"expected English terms: {top}"


@pytest.mark.slow
def test_gru_perplexity_falls_well_below_the_vocabulary():
    ns = page_namespace(GRU)
    V = len(ns["vocab"])
    assert ns["history"].val_ppl[2] < V / 5, "expected a few epochs to bring it far below the vocabulary size"


@pytest.mark.slow
def test_gru_sample_is_mostly_real_syllables():
    greedy = sample(GRU, "model", 0.0)
    assert loops(greedy, PREFIX), f"expected the greedy line to loop: {greedy!r}"
    middle = share(GRU, "model", 0.7)
    assert middle >= 0.9, f"expected nearly every syllable to be real at τ = 0.7: {sample(GRU, 'model', 0.7)!r}"
    assert mean_share(GRU, "model") >= 0.85, "expected other seeds to spell as well"


@pytest.mark.slow
def test_gru_spells_better_than_the_plain_rnn():
    gru = {t: share(GRU, "model", t) for t in (0.7, 1.0)}
    rnn = {t: share(RNN, "model", t) for t in (0.7, 1.0)}
    assert gru[0.7] > rnn[0.7], f"GRU {gru} vs plain RNN {rnn}"
    assert gru[1.0] - rnn[1.0] > gru[0.7] - rnn[0.7], f"expected a wider gap at τ = 1: GRU {gru}, RNN {rnn}"
    assert mean_share(GRU, "model") > mean_share(RNN, "model"), "expected the same over several seeds"


@pytest.mark.slow
def test_gru_closes_most_brackets():
    ns = page_namespace(GRU)
    text = load_text("vi").lower()
    closed, exact = 0, 0
    prompts = ("mô hình ngôn ngữ (", "trạng thái ẩn (", "bộ từ vựng (", "chuỗi (", "gọt gradient (")
    for prompt in prompts:
        written = ns["generate"](ns["model"], ns["vocab"], prompt, 25)[len(prompt) :]
        glosses = Counter(re.findall(re.escape(prompt) + r"([^()\n]*)\)", text))
        closed += ")" in written
        exact += written.startswith(glosses.most_common(1)[0][0] + ")")
    assert closed >= 3, f"expected most brackets closed: {closed} of {len(prompts)}"
    assert 1 <= exact < closed, f"expected some exact terms and some wrong ones: {exact} exact, {closed} closed"
    assert closed < len(prompts), "the page says some brackets stay open"


@pytest.mark.slow
def test_gru_scratch_and_builtin_reach_similar_results():
    ns = page_namespace(GRU)
    scratch, builtin = ns["history"].val_ppl[-1], ns["history_concise"].val_ppl[-1]
    assert max(scratch, builtin) / min(scratch, builtin) < 1.2, f"{scratch:.2f} vs {builtin:.2f}"
    assert abs(share(GRU, "concise", 0.7) - share(GRU, "model", 0.7)) <= 0.1, "expected about as well spelled"


# --- chapter_modern_rnn/lstm.md ----------------------------------------------------------------


def test_lstm_four_blocks_of_parameters():
    d, h = 4, 8
    lstm, rnn = (sum(p.numel() for p in m.parameters()) for m in (LSTMScratch(d, h), RNNScratch(d, h)))
    assert lstm == 4 * rnn


@pytest.mark.slow
def test_lstm_behind_gru_with_a_small_budget():
    gru, lstm = page_namespace(GRU), page_namespace(LSTM)
    assert lstm["history"].val_ppl[-1] > gru["history"].val_ppl[-1], "scratch LSTM vs scratch GRU"
    assert lstm["history_concise"].val_ppl[-1] > gru["history_concise"].val_ppl[-1], "nn.LSTM vs nn.GRU"


@pytest.mark.slow
def test_lstm_sample_is_mostly_real_syllables():
    greedy = sample(LSTM, "model", 0.0)
    assert loops(greedy, PREFIX), f"expected the greedy line to loop: {greedy!r}"
    middle, hot = share(LSTM, "model", 0.7), share(LSTM, "model", 1.0)
    assert middle >= 0.9, f"expected almost every syllable to be real at τ = 0.7: {sample(LSTM, 'model', 0.7)!r}"
    assert mean_share(LSTM, "model") >= 0.85, "expected other seeds to spell as well"
    assert middle > share(RNN, "model", 0.7), "expected more real syllables than the plain RNN"
    assert hot < middle - 0.1, f"expected the share to fall much lower at τ = 1: {hot:.2f}"
    assert hot < share(GRU, "model", 1.0) - 0.1, "expected well below the GRU at τ = 1"


@pytest.mark.slow
def test_lstm_builtin_close_to_scratch():
    ns = page_namespace(LSTM)
    scratch, builtin = ns["history"].val_ppl[-1], ns["history_concise"].val_ppl[-1]
    assert max(scratch, builtin) / min(scratch, builtin) < 1.2, f"{scratch:.2f} vs {builtin:.2f}"
    assert share(LSTM, "concise", 0.7) >= share(LSTM, "model", 0.7), "expected at least as well spelled"


# --- chapter_modern_rnn/deep-rnn.md ------------------------------------------------------------


def test_deep_rnn_parameters_differ_by_the_extra_biases():
    _, vocab = load_corpus("vi", "char", max_tokens=100_000)
    V, h, layers = len(vocab), 64, 2
    stacked = sum(p.numel() for p in StackedRNN(V, h, num_layers=layers, cell="gru").parameters())
    builtin = sum(p.numel() for p in nn.GRU(V, h, num_layers=layers, batch_first=True).parameters())
    # nn.GRU keeps 3h recurrent biases per layer where GRUScratch keeps only b_hh (h of them).
    assert builtin - stacked == layers * 2 * h


@pytest.mark.slow
def test_deep_rnn_second_layer_hurts_within_this_budget():
    ns = page_namespace(DEEP)
    one = ns["history_one"].val_ppl
    for key in ("history", "history_concise"):
        two = ns[key].val_ppl
        assert all(b > a for a, b in zip(one, two, strict=True)), f"{key}: expected {two} above one layer's {one}"
    one_share, two_share = share(DEEP, "one_layer", 0.7), share(DEEP, "model_concise", 0.7)
    assert one_share >= 0.8, f"expected mostly real syllables from one layer: {one_share:.2f}"
    assert two_share < one_share - 0.2, f"expected far fewer from two layers: {two_share:.2f}"


# --- chapter_modern_rnn/bi-rnn.md --------------------------------------------------------------


def test_bi_rnn_last_step_change_reaches_only_the_backward_half():
    ns = page_namespace(BI, stop_at="load_data_lm")
    change = ns["change"]
    forward = change[..., :8].amax(dim=(0, 2))
    backward = change[..., 8:].amax(dim=(0, 2))
    assert (forward[:-1] == 0).all() and forward[-1] > 0, f"forward half: {forward.tolist()}"
    assert (backward > 0).all(), f"backward half: {backward.tolist()}"
    assert (backward[1:] > backward[:-1]).all(), f"expected the strongest change near the end: {backward.tolist()}"


@pytest.mark.slow
def test_bi_rnn_perplexity_collapses_towards_one():
    ns = page_namespace(BI)
    bi, uni = ns["bi_history"], ns["uni_history"]
    assert bi.val_ppl[-1] < 2 and bi.train_ppl[-1] < 2, f"train {bi.train_ppl[-1]:.2f}, val {bi.val_ppl[-1]:.2f}"
    assert bi.val_ppl[-1] < uni.val_ppl[-1] / 3


@pytest.mark.slow
def test_bi_rnn_generation_catches_the_leak():
    uni, bi = share(BI, "uni_lm", 0.7), share(BI, "bi_lm", 0.7)
    assert uni >= 0.8, f"expected mostly real syllables from the one-directional model: {uni:.2f}"
    assert bi < uni / 2, f"expected far fewer from the bidirectional one: {bi:.2f}"
    runs = re.findall(r"(\w{1,2})\1{9,}", sample(BI, "bi_lm", 0.7))
    assert runs, "expected long runs of one or two letters repeated"
