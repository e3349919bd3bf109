"""Training: the shared loop against each trainer written out by hand, clipping, truncated BPTT,
perplexity against a baseline, generation."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from rnnbook import (
    RNNLM,
    EncoderDecoder,
    MLPRegressor,
    RNNClassifier,
    RNNScratch,
    Seq2SeqDecoder,
    Seq2SeqEncoder,
    SeqDataLoader,
    TrainConfig,
    Vocab,
    accuracy,
    autoregressive_dataset,
    detach_state,
    evaluate_perplexity,
    fit,
    generate,
    grad_clipping,
    load_data_lm,
    river_levels,
    set_seed,
    tokenize,
    train_classifier,
    train_epoch,
    train_lm,
    train_regressor,
    train_seq2seq,
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


# --- one training loop: each trainer equals its loop written out by hand ---
#
# Each hand-written loop below is the trainer as it stood before the loop was shared, spelled
# out with nothing from `train_epoch` or `fit`. Same seed, same draws, same order: the numbers
# must be equal to the last bit, and so must the trained weights.


def twin(make_model):
    """Two models with the same initial weights, each drawn after the same seed."""
    torch.manual_seed(1)
    first = make_model()
    torch.manual_seed(1)
    return first, make_model()


def same_weights(a, b):
    return all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values(), strict=True))


def clipped_step(model, loss, optimizer, max_norm):
    optimizer.zero_grad()
    loss.backward()
    if max_norm:
        grad_clipping(model.parameters(), max_norm)
    optimizer.step()


def tiny_lm():
    # Two layers with dropout: a change in the order of random draws shows at once.
    return RNNLM(nn.GRU(6, 8, num_layers=2, dropout=0.3, batch_first=True), 6)


def lm_loader(random):
    torch.manual_seed(2)
    return SeqDataLoader(torch.randint(0, 6, (300,)), 3, 5, random=random)


def lm_by_hand(model, train_loader, val_loader, config):
    set_seed(config.seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
    train_ppl, val_ppl = [], []
    for _ in range(config.num_epochs):
        model.train()
        state, loss_sum, count = None, 0.0, 0
        for X, Y in train_loader:
            if state is None or not train_loader.sequential:
                state = model.begin_state(X.shape[0])
            else:
                state = detach_state(state)
            logits, state = model(X, state)
            loss = F.cross_entropy(logits.reshape(-1, 6), Y.reshape(-1))
            clipped_step(model, loss, optimizer, config.grad_clip)
            loss_sum += loss.item() * Y.numel()
            count += Y.numel()
        train_ppl.append(math.exp(loss_sum / count))
        val_ppl.append(evaluate_perplexity(model, val_loader, "cpu"))
    return train_ppl, val_ppl


@pytest.mark.parametrize("random", [False, True])
@pytest.mark.parametrize("grad_clip", [0.5, None])
def test_train_lm_equals_its_loop_by_hand(random, grad_clip):
    config = TrainConfig(num_epochs=3, lr=1.0, grad_clip=grad_clip, seed=3, device="cpu")
    shared, by_hand = twin(tiny_lm)
    history = train_lm(shared, lm_loader(random), lm_loader(False), config)
    train_ppl, val_ppl = lm_by_hand(by_hand, lm_loader(random), lm_loader(False), config)
    assert (history.train_ppl, history.val_ppl) == (train_ppl, val_ppl)
    assert same_weights(shared, by_hand)


def nmt_loader():
    # Ids 0, 1, 2 are <pad>, <bos>, <eos>; the first `len` places of a row are real.
    torch.manual_seed(4)
    src_len, tgt_len = torch.randint(1, 6, (20,)), torch.randint(1, 6, (20,))
    src = torch.randint(3, 9, (20, 6)) * (torch.arange(6) < src_len[:, None])
    tgt = torch.randint(3, 9, (20, 6)) * (torch.arange(6) < tgt_len[:, None])
    dataset = torch.utils.data.TensorDataset(src, src_len, tgt, tgt_len)
    return torch.utils.data.DataLoader(dataset, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(0))


def tiny_seq2seq():
    return EncoderDecoder(
        Seq2SeqEncoder(9, 4, 8, num_layers=2, dropout=0.3), Seq2SeqDecoder(9, 4, 8, num_layers=2, dropout=0.3)
    )


def seq2seq_by_hand(model, loader, config):
    set_seed(config.seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    losses = []
    for _ in range(config.num_epochs):
        total, count = 0.0, 0
        for src, src_len, tgt, _ in loader:
            dec_input = torch.cat([torch.full_like(tgt[:, :1], 1), tgt[:, :-1]], dim=1)
            logits = model(src, dec_input, src_len)
            loss = F.cross_entropy(logits.reshape(-1, 9), tgt.reshape(-1), ignore_index=0, reduction="sum")
            num_tokens = (tgt != 0).sum()
            clipped_step(model, loss / num_tokens, optimizer, config.grad_clip)
            total, count = total + loss.item(), count + num_tokens.item()
        losses.append(total / count)
    return losses


def test_train_seq2seq_equals_its_loop_by_hand():
    config = TrainConfig(num_epochs=3, lr=0.01, optimizer="adam", grad_clip=0.1, seed=5, device="cpu")
    shared, by_hand = twin(tiny_seq2seq)
    losses = train_seq2seq(shared, nmt_loader(), {"<pad>": 0, "<bos>": 1}, config)
    assert losses == seq2seq_by_hand(by_hand, nmt_loader(), config)
    assert same_weights(shared, by_hand)


def classification_loaders():
    torch.manual_seed(6)
    lengths = torch.randint(1, 8, (40,))
    X = torch.randint(1, 12, (40, 7)) * (torch.arange(7) < lengths[:, None])
    dataset = torch.utils.data.TensorDataset(X, lengths, torch.randint(0, 3, (40,)))
    train = torch.utils.data.DataLoader(
        dataset, batch_size=16, shuffle=True, generator=torch.Generator().manual_seed(0)
    )
    return train, torch.utils.data.DataLoader(dataset, batch_size=16)


def classifier_by_hand(model, train_loader, val_loader, config):
    set_seed(config.seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=config.lr)
    losses, train_acc, val_acc = [], [], []
    for _ in range(config.num_epochs):
        model.train()
        total, count = 0.0, 0
        for X, lengths, y in train_loader:
            loss = F.cross_entropy(model(X, lengths), y)
            clipped_step(model, loss, optimizer, config.grad_clip)
            total, count = total + loss.item() * len(y), count + len(y)
        losses.append(total / count)
        train_acc.append(accuracy(model, train_loader, "cpu"))
        val_acc.append(accuracy(model, val_loader, "cpu"))
    return {"train_acc": train_acc, "val_acc": val_acc, "loss": losses}


def test_train_classifier_equals_its_loop_by_hand():
    config = TrainConfig(num_epochs=3, lr=0.5, grad_clip=0.1, seed=7, device="cpu")
    shared, by_hand = twin(lambda: RNNClassifier(12, 4, 6, 3))
    result = train_classifier(shared, *classification_loaders(), config)
    assert result == classifier_by_hand(by_hand, *classification_loaders(), config)
    assert same_weights(shared, by_hand)


def regressor_by_hand(model, X, y, epochs, lr, batch_size):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(len(X))
        total = 0.0
        for i in range(0, len(X), batch_size):
            batch = order[i : i + batch_size]
            loss = F.mse_loss(model(X[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / len(X))
    return losses


def test_train_regressor_equals_its_loop_by_hand():
    features, labels = autoregressive_dataset(river_levels(120)[1], 4)
    shared, by_hand = twin(lambda: MLPRegressor(4))
    # Neither reseeds: both go on from the generator state each was given.
    torch.manual_seed(8)
    losses = train_regressor(shared, features, labels, num_train=90, epochs=3, lr=0.05, batch_size=7)
    torch.manual_seed(8)
    assert losses == regressor_by_hand(by_hand, features[:90], labels[:90], 3, 0.05, 7)
    assert same_weights(shared, by_hand)


def test_fit_reports_every_epoch_and_the_items_it_saw():
    model = MLPRegressor(2)
    X, y = torch.randn(10, 2), torch.randn(10, 1)

    def losses():  # batches of 4, 4 and 2 examples
        for xb, yb in zip(X.split(4), y.split(4), strict=True):
            loss = F.mse_loss(model(xb), yb)
            yield loss, loss.item() * len(xb), len(xb)

    epochs = list(fit(model, losses, TrainConfig(num_epochs=3, lr=0.01, optimizer="adam", device="cpu")))
    assert [e.number for e in epochs] == [1, 2, 3]
    assert all(e.items == 10 and e.seconds >= 0 and e.loss > 0 for e in epochs)


def test_train_epoch_rejects_data_without_batches():
    model = MLPRegressor(2)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="expected at least one"):
        train_epoch(model, iter([]), optimizer, TrainConfig())
