"""What chapter_modern_rnn/attention.md says about its models, checked by running its cells."""

from __future__ import annotations

import pytest
import torch
from claims_fixture import page_namespace

from rnnbook import AdditiveAttention, bleu, tokenize, translate_beam

pytestmark = pytest.mark.usefixtures("one_torch_thread")

PAGE = "chapter_modern_rnn/attention.md"


def mean_bleu(model, pairs, src_vocab, tgt_vocab) -> float:
    scores = [
        bleu(translate_beam(model, en, src_vocab, tgt_vocab, 1, 16)[0], " ".join(tokenize(vi, "syllable")))
        for en, vi in pairs
    ]
    return sum(scores) / len(scores)


@pytest.mark.slow
def test_attention_heat_map_rows_sum_to_one():
    weights = page_namespace(PAGE)["weights"]  # the heat map's weights: one row per output token
    assert torch.allclose(weights.sum(dim=-1), torch.ones(weights.shape[:-1]), atol=1e-5), "expected rows summing to 1"


def test_attention_padded_keys_get_exactly_zero():
    torch.manual_seed(0)
    attention = AdditiveAttention(query_size=64, key_size=64, num_hiddens=64)
    queries, keys = torch.randn(2, 1, 64), torch.randn(2, 6, 64)
    _, weights = attention(queries, keys, keys, valid_len=torch.tensor([6, 3]))
    assert (weights[1, 0, 3:] == 0).all() and (weights[1, 0, :3] > 0).all()
    assert torch.allclose(weights.sum(dim=-1), torch.ones(2, 1))


@pytest.mark.slow
def test_attention_does_not_win_at_this_budget():
    ns = page_namespace(PAGE)
    src_vocab, tgt_vocab, seen, unseen = ns["src_vocab"], ns["tgt_vocab"], ns["seen"], ns["unseen"]
    plain, attentive = ns["plain_losses"][-1], ns["attentive_losses"][-1]
    assert max(plain, attentive) < 0.1 and max(plain, attentive) < 1.5 * min(plain, attentive), (plain, attentive)
    held_out = {}
    for name in ("plain", "attentive"):
        model = ns[name]
        assert mean_bleu(model, seen, src_vocab, tgt_vocab) > 0.95, f"expected {name} to reproduce the training pairs"
        held_out[name] = mean_bleu(model, unseen, src_vocab, tgt_vocab)
    assert max(held_out.values()) < 0.1, f"expected both to score close to zero on held-out pairs: {held_out}"
    assert abs(held_out["plain"] - held_out["attentive"]) < 0.01, f"expected a few thousandths apart: {held_out}"
    assert held_out["attentive"] <= held_out["plain"], f"expected attention to be no better: {held_out}"


@pytest.mark.slow
def test_attention_held_out_sentences_have_unseen_words():
    ns = page_namespace(PAGE)
    src_vocab, unseen = ns["src_vocab"], ns["unseen"]
    with_unknown = sum(any(w not in src_vocab for w in tokenize(en, "syllable")) for en, _ in unseen) / len(unseen)
    assert with_unknown > 0.9, f"expected almost every held-out sentence to have an unseen word: {with_unknown:.0%}"
