"""The regularised language model of chapter_modern_rnn/regularization.md: shapes, tying, dropout."""

import pytest
import torch
from torch import nn

from rnnbook import (
    LSTMLM,
    SeqDataLoader,
    TrainConfig,
    count_parameters,
    evaluate_perplexity,
    format_table,
    measure_lm,
    train_lm,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

VOCAB, HIDDENS, BATCH, STEPS = 11, 6, 3, 5


def token_ids(batch=BATCH, steps=STEPS, seed=0):
    return torch.randint(VOCAB, (batch, steps), generator=torch.Generator().manual_seed(seed))


def lstm_parameters(inputs, hiddens, layers):
    """nn.LSTM's size, written out: per layer W_ih (4h x in), W_hh (4h x h) and two biases 4h."""
    return sum(
        4 * hiddens * (inputs if layer == 0 else hiddens) + 4 * hiddens * hiddens + 8 * hiddens
        for layer in range(layers)
    )


@pytest.mark.parametrize("layers", [1, 2, 3])
def test_output_and_state_shapes(layers):
    model = LSTMLM(VOCAB, HIDDENS, num_layers=layers)
    logits, (H, C) = model(token_ids())
    assert logits.shape == (BATCH, STEPS, VOCAB)
    assert H.shape == C.shape == (layers, BATCH, HIDDENS)


def test_begin_state_is_zeros_and_the_state_carries_over():
    model = LSTMLM(VOCAB, HIDDENS).eval()
    H, C = model.begin_state(BATCH)
    assert H.shape == (2, BATCH, HIDDENS) and not H.any() and not C.any()
    X = token_ids(steps=8)
    whole, _ = model(X)
    first, state = model(X[:, :3], model.begin_state(BATCH))
    rest, _ = model(X[:, 3:], state)
    torch.testing.assert_close(torch.cat([first, rest], dim=1), whole)


def test_rejects_inputs_that_are_not_token_ids_of_shape_batch_steps():
    with pytest.raises(ValueError, match=r"expected token ids \(batch, steps\)"):
        LSTMLM(VOCAB, HIDDENS)(torch.zeros(BATCH, STEPS, VOCAB, dtype=torch.long))


def test_tying_shares_one_parameter_object():
    model = LSTMLM(VOCAB, HIDDENS, tie_weights=True)
    assert model.output.weight is model.embedding.weight
    names = [name for name, _ in model.named_parameters()]
    assert "embedding.weight" in names and "output.weight" not in names  # listed once
    untied = LSTMLM(VOCAB, HIDDENS)
    assert untied.output.weight is not untied.embedding.weight


def test_a_tied_matrix_is_updated_once_with_both_gradients():
    X = token_ids() % 4  # tokens 4 and above are never read
    unused = list(range(4, VOCAB))
    grads = {}
    for tie in (False, True):
        model = LSTMLM(VOCAB, HIDDENS, tie_weights=tie)
        logits, _ = model(X)
        logits.sum().backward()
        grads[tie] = model.embedding.weight.grad
    # Untied, the rows of unread tokens get no gradient; tied, the output layer
    # sends one to every row.
    assert not grads[False][unused].any()
    assert grads[True][unused].abs().sum() > 0
    with torch.no_grad():
        model.embedding.weight.add_(1.0)
    torch.testing.assert_close(model.output.weight, model.embedding.weight)


def test_count_parameters_counts_a_shared_matrix_once():
    layers = 2
    untied = LSTMLM(VOCAB, HIDDENS, num_layers=layers)
    tied = LSTMLM(VOCAB, HIDDENS, num_layers=layers, tie_weights=True)
    expected = VOCAB * HIDDENS + lstm_parameters(HIDDENS, HIDDENS, layers) + HIDDENS * VOCAB + VOCAB
    assert count_parameters(untied) == expected
    assert count_parameters(tied) == expected - VOCAB * HIDDENS
    assert count_parameters(nn.Linear(3, 2)) == 8


def test_dropout_is_inactive_in_eval_mode():
    torch.manual_seed(0)
    with_dropout = LSTMLM(VOCAB, HIDDENS, dropout=0.5)
    without = LSTMLM(VOCAB, HIDDENS)
    without.load_state_dict(with_dropout.state_dict())
    X = token_ids()
    with_dropout.eval()
    torch.testing.assert_close(with_dropout(X)[0], without(X)[0])
    torch.testing.assert_close(with_dropout(X)[0], with_dropout(X)[0])


def test_dropout_is_active_in_training_mode_and_reaches_nn_lstm():
    model = LSTMLM(VOCAB, HIDDENS, dropout=0.5).train()
    assert model.rnn.dropout == 0.5  # between the stacked layers
    X = token_ids()
    torch.manual_seed(0)
    first = model(X)[0]
    second = model(X)[0]
    assert not torch.allclose(first, second)


def test_one_layer_gives_nn_lstm_no_dropout_and_no_warning(recwarn):
    model = LSTMLM(VOCAB, HIDDENS, num_layers=1, dropout=0.3)
    assert model.rnn.dropout == 0.0 and model.dropout.p == 0.3
    assert not [w for w in recwarn if "dropout" in str(w.message)]


def test_embedding_starts_small_for_both_uses():
    model = LSTMLM(VOCAB, HIDDENS, tie_weights=True)
    assert model.embedding.weight.abs().max() <= 0.1


def tiny_loaders():
    corpus = torch.arange(200) % VOCAB  # a cyclic text: easy to learn
    return (SeqDataLoader(corpus[:160], 4, STEPS), SeqDataLoader(corpus[160:], 2, STEPS, reshuffle=False))


def test_trains_with_train_lm_and_measure_lm_reports_eval_mode_perplexities():
    train_iter, val_iter = tiny_loaders()
    torch.manual_seed(0)
    model = LSTMLM(VOCAB, HIDDENS, dropout=0.2, tie_weights=True)
    history = train_lm(model, train_iter, val_iter, TrainConfig(num_epochs=3, lr=0.05, optimizer="adam"))
    assert history.val_ppl[-1] < history.val_ppl[0] < VOCAB * 2
    row = measure_lm(model.train(), train_iter, val_iter)
    assert set(row) == {"train ppl", "val ppl", "params"}
    assert row["params"] == count_parameters(model)
    assert row["val ppl"] == pytest.approx(evaluate_perplexity(model, val_iter))
    same_batches = SeqDataLoader(train_iter.corpus, 4, STEPS, reshuffle=False)
    assert row["train ppl"] == pytest.approx(evaluate_perplexity(model, same_batches))
    assert model.training, "expected measure_lm to leave the model in the mode it found it in"


def test_format_table_prints_one_row_per_variant_with_the_gap():
    rows = {
        "baseline": {"train ppl": 40.0, "val ppl": 250.3, "params": 1234},
        "dropout + tied": {"train ppl": 80.5, "val ppl": 230.0, "params": 999},
    }
    lines = format_table(rows).splitlines()
    assert lines[0].split() == ["variant", "train", "ppl", "val", "ppl", "gap", "params"]
    assert lines[1].split() == ["baseline", "40.0", "250.3", "210.3", "1234"]
    assert lines[2].split() == ["dropout", "+", "tied", "80.5", "230.0", "149.5", "999"]
