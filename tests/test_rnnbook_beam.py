"""Beam search against greedy and exhaustive search, on fixed-table toy decoders and a small model."""

import pytest
import torch

from rnnbook import (
    EncoderDecoder,
    Seq2SeqDecoder,
    Seq2SeqEncoder,
    beam_search,
    exhaustive_search,
    sequence_score,
    set_seed,
    table_step,
    translate,
    translate_beam,
)
from rnnbook.text import Vocab

pytestmark = pytest.mark.usefixtures("one_torch_thread")
EOS = BOS = 0  # token 0 ends an output; the first step reads it as the "previous" token


def toy(seed, vocab_size=4, max_steps=3, scale=2.0):
    generator = torch.Generator().manual_seed(seed)
    return table_step(torch.randn(max_steps, vocab_size, vocab_size, generator=generator) * scale)


@pytest.mark.parametrize("alpha", [0.0, 0.75])
@pytest.mark.parametrize("seed", range(20))
def test_beam_as_wide_as_the_vocabulary_is_exhaustive_over_two_steps(seed, alpha):
    # With two steps, the first step has exactly vocab_size candidates, so a
    # beam that wide never drops one; at the last step every candidate has the
    # same length, so dropping the less probable ones cannot lose the best.
    step = toy(seed, vocab_size=4, max_steps=2)
    beam = beam_search(step, 0, BOS, EOS, beam_size=4, max_steps=2, alpha=alpha)
    exact = exhaustive_search(step, 0, BOS, EOS, vocab_size=4, max_steps=2, alpha=alpha)
    assert beam[0] == exact[0]
    assert beam[1] == pytest.approx(exact[1])


@pytest.mark.parametrize("alpha", [0.0, 0.75])
@pytest.mark.parametrize("vocab_size,max_steps", [(3, 3), (3, 4), (4, 3)])
@pytest.mark.parametrize("seed", range(10))
def test_a_beam_that_never_drops_a_prefix_is_exhaustive(seed, vocab_size, max_steps, alpha):
    step = toy(seed, vocab_size, max_steps)
    width = vocab_size ** (max_steps - 1)
    beam = beam_search(step, 0, BOS, EOS, width, max_steps, alpha)
    exact = exhaustive_search(step, 0, BOS, EOS, vocab_size, max_steps, alpha)
    assert beam[0] == exact[0]
    assert beam[1] == pytest.approx(exact[1])


def test_beam_as_wide_as_the_vocabulary_can_miss_the_best_over_three_steps():
    # The guarantee above stops at two steps. Here the four most probable
    # two-token prefixes all end in token 1 or 2, whose continuations are
    # flat, so the beam drops [2, 3], whose continuation <eos> is nearly sure.
    probs = torch.full((3, 4, 4), 0.25)
    probs[0, 0] = torch.tensor([0.02, 0.40, 0.30, 0.28])
    probs[1, 1] = torch.tensor([0.02, 0.60, 0.30, 0.08])
    probs[1, 2] = probs[1, 3] = torch.tensor([0.02, 0.60, 0.03, 0.35])
    probs[2, 3] = torch.tensor([0.97, 0.01, 0.01, 0.01])
    step = table_step(probs.log())
    exact = exhaustive_search(step, 0, BOS, EOS, 4, 3)
    beam = beam_search(step, 0, BOS, EOS, 4, 3)
    assert exact[0] == [2, 3]
    assert exact[1] == pytest.approx(float(torch.tensor(0.30 * 0.35 * 0.97).log()))
    assert beam[1] < exact[1] - 0.4
    assert beam_search(step, 0, BOS, EOS, 4**2, 3)[0] == [2, 3]


def test_beam_never_scores_below_greedy_when_it_is_exhaustive():
    for seed in range(20):
        step = toy(seed)
        greedy = beam_search(step, 0, BOS, EOS, 1, 3)
        exact = exhaustive_search(step, 0, BOS, EOS, 4, 3)
        assert exact[1] >= greedy[1] - 1e-9


def test_greedy_by_hand_on_a_table():
    # Step 0 prefers token 1, then token 0 (<eos>) after it: greedy stops at [1].
    logits = torch.full((3, 3, 3), -5.0)
    logits[0, 0] = torch.tensor([-5.0, 2.0, 1.0])
    logits[1, 1] = torch.tensor([3.0, 0.0, 0.0])
    logits[1, 2] = torch.tensor([-5.0, 4.0, -5.0])
    logits[2, :] = torch.tensor([4.0, 0.0, 0.0])
    tokens, score = beam_search(table_step(logits), 0, BOS, EOS, 1, 3)
    log_p = torch.log_softmax(logits, -1)
    assert tokens == [1]
    assert score == pytest.approx((log_p[0, 0, 1] + log_p[1, 1, 0]).item())


def test_sequence_score():
    assert sequence_score(-6.0, 3) == -6.0
    assert sequence_score(-6.0, 3, alpha=1.0) == pytest.approx(-2.0)
    assert sequence_score(-4.0, 4, alpha=0.5) == pytest.approx(-2.0)


def test_beam_of_one_is_the_greedy_translation():
    set_seed(0)
    sentences = [["a", "b", "c"], ["b", "c"], ["c", "a"]]
    src_vocab = Vocab(sentences, reserved_tokens=["<pad>", "<bos>", "<eos>"])
    tgt_vocab = Vocab([["x", "y", "z"]], reserved_tokens=["<pad>", "<bos>", "<eos>"])
    model = EncoderDecoder(Seq2SeqEncoder(len(src_vocab), 8, 16), Seq2SeqDecoder(len(tgt_vocab), 8, 16))
    for sentence in ["a b c", "b c", "c a b"]:
        text, _ = translate_beam(model, sentence, src_vocab, tgt_vocab, beam_size=1, num_steps=6)
        assert text == translate(model, sentence, src_vocab, tgt_vocab, num_steps=6)
