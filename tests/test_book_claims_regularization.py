"""What chapter_modern_rnn/regularization.md (and its line in the chapter index) says about its results.

The claims are about the table and the curves of the page's own run (`page_namespace`); the
expectations are computed here: parameter counts from the sizes, perplexities recomputed with a
plain loop over the text, the survival share of the dropout cell from $(1 - p)^T$.
"""

from __future__ import annotations

import itertools
import math

import pytest
import torch
import torch.nn.functional as F
from claims_fixture import page_namespace

from rnnbook import LSTMLM, count_parameters, load_corpus

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PAGE = "chapter_modern_rnn/regularization.md"
HIDDENS, LAYERS = 128, 2  # as on the page


def lstmlm_size(vocab: int, hiddens: int, layers: int, tied: bool) -> int:
    """Embedding V h, per layer 8 h^2 + 8 h (two weight matrices and two biases of 4 h), output V h + V."""
    lstm = layers * (8 * hiddens * hiddens + 8 * hiddens)
    return vocab * hiddens + lstm + (0 if tied else vocab * hiddens) + vocab


def tying_share(vocab: int, hiddens: int, layers: int) -> float:
    return vocab * hiddens / lstmlm_size(vocab, hiddens, layers, tied=False)


@torch.no_grad()
def perplexity_of_text(model, ids) -> float:
    """exp(mean cross-entropy) of predicting each token of `ids` from all before it, dropout off."""
    model.eval()
    X = torch.as_tensor(ids[:-1])[None]  # one long row: (1, tokens - 1)
    logits, _ = model(X)
    target = torch.as_tensor(ids[1:])
    return math.exp(F.cross_entropy(logits[0], target).item())


@pytest.fixture(scope="module")
def ns():
    return page_namespace(PAGE)


def gap(row):
    return row["val ppl"] - row["train ppl"]


def test_the_formula_matches_the_model_it_describes():
    for vocab, hiddens, layers in [(11, 6, 1), (20, 8, 2), (7, 5, 3)]:
        for tied in (False, True):
            model = LSTMLM(vocab, hiddens, num_layers=layers, tie_weights=tied)
            assert count_parameters(model) == lstmlm_size(vocab, hiddens, layers, tied)


@pytest.mark.slow
def test_regularization_data_is_the_first_15000_syllables_a_tenth_held_out(ns):
    ids, vocab = load_corpus("vi", "syllable", 15_000)
    train, val = ns["train_iter"].corpus.tolist(), ns["val_iter"].corpus.tolist()
    assert train + val == list(ids) and len(val) == 1500
    assert len(train) < 15_000, "expected fewer than fifteen thousand syllables to train on"
    assert len(ns["vocab"]) == len(vocab) > 1000, "expected a vocabulary of over a thousand syllables"


@pytest.mark.slow
def test_regularization_the_model_has_over_half_a_million_parameters(ns):
    V = len(ns["vocab"])
    assert lstmlm_size(V, HIDDENS, LAYERS, tied=False) > 500_000
    assert count_parameters(ns["untied"]) == lstmlm_size(V, HIDDENS, LAYERS, tied=False)


@pytest.mark.slow
def test_regularization_dropout_does_nothing_in_evaluation(ns):
    dropout, x = ns["dropout"], ns["x"]
    assert not dropout.training
    assert torch.equal(dropout(x), x)
    kept = torch.nn.Dropout(dropout.p).train()(torch.ones(1000))
    assert set(kept.unique().tolist()) == {0.0, 2.0}, "expected zeros and survivors divided by 1 - p"


@pytest.mark.slow
def test_regularization_fresh_masks_leave_about_one_unit_in_a_thousand(ns):
    p, steps, h = ns["p"], ns["steps"], ns["h"]
    expected = (1 - p) ** steps
    share = (h != 0).float().mean().item()
    assert 0.0005 < share < 0.002, f"expected about one unit in a thousand: {share}"
    assert abs(share - expected) < 0.5 * expected, f"expected a share close to (1 - p)^T = {expected}: {share}"
    survivors = h[h != 0]
    torch.testing.assert_close(survivors, torch.full_like(survivors, (1 - p) ** -steps))
    assert survivors.min() > 1000, "expected every survivor more than a thousand times too large"


@pytest.mark.slow
def test_regularization_tying_saves_v_times_h_about_a_quarter(ns):
    V = len(ns["vocab"])
    untied, tied = ns["untied"], ns["tied"]
    assert tied.output.weight is tied.embedding.weight
    assert count_parameters(untied) - count_parameters(tied) == V * HIDDENS
    assert 0.2 < tying_share(V, HIDDENS, LAYERS) < 0.3, "expected about a quarter"


def test_regularization_tying_removes_close_to_half_of_a_large_word_model():
    # "tens of thousands of words and a few hundred hidden units"
    for vocab in (20_000, 50_000):
        for hiddens in (200, 400):
            assert 0.4 < tying_share(vocab, hiddens, LAYERS) < 0.5
    assert tying_share(20_000, 200, LAYERS) > tying_share(1100, 200, LAYERS), "expected a larger share"


def test_regularization_hint_1_threshold_and_limit():
    assert tying_share(4193, 128, 2) <= 0.4 < tying_share(4194, 128, 2)
    assert tying_share(10**9, 128, 2) == pytest.approx(128 / 257, rel=1e-3)


@pytest.mark.slow
def test_regularization_table_holds_the_measured_sizes(ns):
    V = len(ns["vocab"])
    rows, variants = ns["rows"], ns["variants"]
    for name, options in variants.items():
        tied = options.get("tie_weights", False)
        assert rows[name]["params"] == lstmlm_size(V, HIDDENS, LAYERS, tied)


@pytest.mark.slow
def test_regularization_measure_lm_reports_perplexities_with_dropout_off(ns):
    # The last model the loop trained is "dropout + tied"; measure it again, our own way.
    model, row = ns["model"], ns["rows"]["dropout + tied"]
    assert model.dropout.p > 0 and model.output.weight is model.embedding.weight
    for corpus, key in ((ns["train_iter"].corpus, "train ppl"), (ns["val_iter"].corpus, "val ppl")):
        ours = perplexity_of_text(model, corpus.tolist())
        assert ours == pytest.approx(row[key], rel=0.1), f"{key}: ours {ours}, table {row[key]}"


@pytest.mark.slow
def test_regularization_train_lm_overstates_training_perplexity_most_with_dropout(ns):
    rows, histories = ns["rows"], ns["histories"]
    ratio = {name: histories[name].train_ppl[-1] / rows[name]["train ppl"] for name in rows}
    assert all(r > 1 for r in ratio.values()), f"expected train_lm's figure higher: {ratio}"
    assert ratio["dropout"] > ratio["baseline"] and ratio["dropout + tied"] > ratio["tied"], ratio


@pytest.mark.slow
def test_regularization_baseline_overfits(ns):
    row, history = ns["rows"]["baseline"], ns["histories"]["baseline"]
    assert row["val ppl"] > 3 * row["train ppl"], f"expected several times lower training perplexity: {row}"
    val, train = history.val_ppl, history.train_ppl
    best = val.index(min(val))
    assert best < len(val) - 1 and val[-1] > val[best], f"expected validation to climb after its best: {val}"
    assert all(b < a for a, b in itertools.pairwise(train)), f"expected training perplexity to keep falling: {train}"


@pytest.mark.slow
def test_regularization_dropout_narrows_the_gap_and_beats_the_baselines_best_epoch(ns):
    rows = ns["rows"]
    base, drop = rows["baseline"], rows["dropout"]
    assert drop["train ppl"] > base["train ppl"]
    assert drop["val ppl"] < base["val ppl"]
    assert gap(drop) < gap(base)
    assert drop["val ppl"] < min(ns["histories"]["baseline"].val_ppl)


@pytest.mark.slow
def test_regularization_tying_narrows_the_gap_less_than_dropout(ns):
    rows = ns["rows"]
    base, drop, tied = rows["baseline"], rows["dropout"], rows["tied"]
    assert tied["train ppl"] > base["train ppl"] and tied["val ppl"] < base["val ppl"]
    assert gap(drop) < gap(tied) < gap(base)
    assert tied["val ppl"] > drop["val ppl"]


@pytest.mark.slow
def test_regularization_both_together_do_best_by_a_few_points(ns):
    rows = ns["rows"]
    both = rows["dropout + tied"]
    others = [row for name, row in rows.items() if name != "dropout + tied"]
    assert all(both["val ppl"] < row["val ppl"] for row in others)
    assert all(gap(both) < gap(row) for row in others)
    assert all(both["params"] <= row["params"] for row in others)
    assert 0 < rows["dropout"]["val ppl"] - both["val ppl"] < 10, "expected only a few points below dropout"
