"""Training loop pieces: clipping, truncated BPTT, perplexity against a baseline, generation."""

import math

import pytest
import torch
from torch import nn

from rnnbook import (
    RNNLM,
    RNNScratch,
    SeqDataLoader,
    TrainConfig,
    Vocab,
    detach_state,
    evaluate_perplexity,
    generate,
    grad_clipping,
    load_data_lm,
    set_seed,
    tokenize,
    train_lm,
    unigram_perplexity,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def params_with_grads(*grads):
    params = [nn.Parameter(torch.zeros_like(g)) for g in grads]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    return params


def global_norm(params):
    return math.sqrt(sum(float((p.grad**2).sum()) for p in params))


def test_grad_clipping_bounds_the_global_norm():
    params = params_with_grads(torch.full((3,), 4.0), torch.full((2, 2), 3.0))
    before = global_norm(params)
    returned = grad_clipping(params, 1.0)
    assert returned == pytest.approx(before)
    assert global_norm(params) == pytest.approx(1.0)


def test_grad_clipping_keeps_the_direction():
    params = params_with_grads(torch.tensor([3.0, -4.0]))
    grad_clipping(params, 1.0)
    torch.testing.assert_close(params[0].grad, torch.tensor([0.6, -0.8]))


def test_grad_clipping_leaves_small_gradients_alone():
    params = params_with_grads(torch.tensor([0.3, 0.4]))
    assert grad_clipping(params, 1.0) == pytest.approx(0.5)
    torch.testing.assert_close(params[0].grad, torch.tensor([0.3, 0.4]))


def test_detach_stops_gradients_at_the_batch_boundary():
    torch.manual_seed(0)
    rnn = RNNScratch(3, 4)
    first = torch.randn(2, 5, 3, requires_grad=True)
    second = torch.randn(2, 5, 3)
    _, state = rnn(first)
    out, _ = rnn(second, detach_state(state))
    out.sum().backward()
    assert first.grad is None  # nothing flowed back into the previous batch
    _, state = rnn(first)
    out, _ = rnn(second, state)  # without detaching, it would
    out.sum().backward()
    assert first.grad is not None and first.grad.abs().sum() > 0


def test_detach_state_keeps_structure_and_values():
    h = torch.ones(2, 3, requires_grad=True) * 2
    state = [h, (h, h)]
    detached = detach_state(state)
    assert isinstance(detached, list) and isinstance(detached[1], tuple)
    assert not detached[0].requires_grad and torch.equal(detached[1][0], h)


class StateSpy(nn.Module):
    """Wraps an LM and records, for every batch, what state it was given."""

    def __init__(self, model):
        super().__init__()
        self.model, self.seen = model, []

    def begin_state(self, batch_size, device=None):
        return self.model.begin_state(batch_size, device)

    def forward(self, X, state):
        self.seen.append((state.grad_fn is None, bool(state.abs().sum() > 0)))
        return self.model(X, state)


@pytest.mark.parametrize("random", [False, True])
def test_train_lm_carries_detached_state_only_when_sequential(random):
    torch.manual_seed(0)
    loader = SeqDataLoader(torch.randint(0, 6, (400,)), 2, 5, random=random)
    spy = StateSpy(RNNLM(RNNScratch(6, 4, sigma=0.5), 6))
    train_lm(spy, loader, loader, TrainConfig(num_epochs=1, device="cpu"))
    training = spy.seen[: len(loader)]
    assert all(no_graph for no_graph, _ in training)
    carried = [nonzero for _, nonzero in training[1:]]
    # Sequential: every batch after the first starts from the previous state.
    # Random: every batch starts from zeros.
    assert all(carried) if not random else not any(carried)


def test_unigram_perplexity_of_uniform_data_is_vocab_size():
    ids = list(range(4)) * 25
    assert unigram_perplexity(ids, ids, 4) == pytest.approx(4.0)


def test_unigram_perplexity_add_one_keeps_unseen_tokens_finite():
    assert math.isfinite(unigram_perplexity([0, 0, 1], [2, 2], 3))


@pytest.fixture(scope="module")
def trained():
    """A char-level scratch RNN trained on the shipped corpus with the book's settings."""
    set_seed(0)
    train, val, vocab = load_data_lm(batch_size=32, num_steps=32, max_tokens=40_000)
    model = RNNLM(RNNScratch(len(vocab), 256), len(vocab))
    history = train_lm(model, train, val, TrainConfig(num_epochs=5, lr=1.0, grad_clip=1.0, device="cpu"))
    return model, history, train, val, vocab


@pytest.mark.slow
def test_char_rnn_beats_unigram_baseline(trained):
    model, history, train, val, vocab = trained
    baseline = unigram_perplexity(train.corpus, val.corpus, len(vocab))
    val_ppl = evaluate_perplexity(model, val, "cpu")
    print(f"validation perplexity {val_ppl:.2f}, unigram baseline {baseline:.2f}")
    assert val_ppl == pytest.approx(history.val_ppl[-1])
    assert val_ppl < 0.75 * baseline
    assert history.train_ppl[-1] < history.train_ppl[0]
    assert len(history.val_ppl) == 5 and history.tokens_per_sec > 0


@pytest.mark.slow
def test_generation_is_deterministic_under_a_seed(trained):
    model, _, _, _, vocab = trained
    prefix = "".join(vocab.to_tokens(list(train_ids_prefix(vocab))))
    greedy = generate(model, vocab, prefix, 30)
    assert greedy == generate(model, vocab, prefix, 30)
    assert greedy.startswith(prefix) and len(greedy) == len(prefix) + 30
    sampled = generate(model, vocab, prefix, 30, temperature=1.0, seed=7)
    assert sampled == generate(model, vocab, prefix, 30, temperature=1.0, seed=7)
    set_seed(3)
    first = generate(model, vocab, prefix, 30, temperature=1.0)
    set_seed(3)
    assert first == generate(model, vocab, prefix, 30, temperature=1.0)


def train_ids_prefix(vocab):
    """A prefix made of the five most frequent tokens, so it is always in the vocabulary."""
    return [vocab[token] for token, _ in vocab.token_freqs[:5]]


def test_generate_rejects_unknown_and_empty_prefix():
    vocab = Vocab(tokenize("abc"))
    model = RNNLM(RNNScratch(len(vocab), 4), len(vocab))
    with pytest.raises(ValueError, match="outside the vocabulary"):
        generate(model, vocab, "abz", 5)
    with pytest.raises(ValueError, match="prefix is empty"):
        generate(model, vocab, "", 5)


def test_unknown_optimizer_is_rejected():
    loader = SeqDataLoader(list(range(50)), 2, 4)
    model = RNNLM(RNNScratch(50, 4), 50)
    with pytest.raises(ValueError, match="expected 'sgd' or 'adam'"):
        train_lm(model, loader, loader, TrainConfig(optimizer="rmsprop", device="cpu"))
