"""The scratch recurrent modules against torch.nn given the same weights, and the LM head."""

import pytest
import torch
from torch import nn

from rnnbook import RNNLM, BiRNN, GRUScratch, LSTMScratch, RNNScratch, StackedRNN, make_cell

SCRATCH = {"rnn": RNNScratch, "gru": GRUScratch, "lstm": LSTMScratch}
TORCH = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}
# Gate order inside torch's stacked weight matrices, named as in the scratch modules.
GATES = {"rnn": ["h"], "gru": ["r", "z", "h"], "lstm": ["i", "f", "c", "o"]}
BATCH, STEPS, INPUTS, HIDDENS = 3, 6, 5, 4


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def links(cell, scratch, ref, suffix):
    """(scratch parameter, torch parameter, chunk index) for each weight and bias."""
    for k, gate in enumerate(GATES[cell]):
        yield getattr(scratch, f"W_x{gate}"), getattr(ref, "weight_ih" + suffix), k
        yield getattr(scratch, f"W_h{gate}"), getattr(ref, "weight_hh" + suffix), k
        # The scratch bias equals torch's two biases added, so its gradient
        # equals the gradient of either one.
        yield getattr(scratch, f"b_{gate}"), getattr(ref, "bias_ih" + suffix), k
    if cell == "gru":  # the candidate keeps its state-side bias apart
        yield scratch.b_hh, getattr(ref, "bias_hh" + suffix), 2


def chunk(tensor, cell, k):
    part = tensor.chunk(len(GATES[cell]))[k]
    return part.T if part.dim() == 2 else part


def copy_weights(cell, scratch, ref, suffix="_l0"):
    n = len(GATES[cell])
    with torch.no_grad():
        for k, gate in enumerate(GATES[cell]):
            getattr(scratch, f"W_x{gate}").copy_(getattr(ref, "weight_ih" + suffix).chunk(n)[k].T)
            getattr(scratch, f"W_h{gate}").copy_(getattr(ref, "weight_hh" + suffix).chunk(n)[k].T)
            b_ih = getattr(ref, "bias_ih" + suffix).chunk(n)[k]
            b_hh = getattr(ref, "bias_hh" + suffix).chunk(n)[k]
            if cell == "gru" and gate == "h":
                scratch.b_h.copy_(b_ih)
                scratch.b_hh.copy_(b_hh)
            else:
                getattr(scratch, f"b_{gate}").copy_(b_ih + b_hh)


def assert_same_grads(cell, scratch, ref, suffix="_l0"):
    for mine, theirs, k in links(cell, scratch, ref, suffix):
        torch.testing.assert_close(mine.grad, chunk(theirs.grad, cell, k), atol=1e-5, rtol=1e-5)


def as_torch_state(cell, state):
    """A scratch state (one layer, one direction) in torch's (layers, batch, hiddens) form."""
    return tuple(s[None] for s in state) if cell == "lstm" else state[None]


def run_both(scratch, ref, seed=0):
    torch.manual_seed(seed)
    x = torch.randn(BATCH, STEPS, scratch.num_inputs)
    x_mine, x_theirs = x.clone().requires_grad_(), x.clone().requires_grad_()
    out_mine, state_mine = scratch(x_mine)
    out_theirs, state_theirs = ref(x_theirs)
    # A loss that weighs every output differently, so every gradient path counts.
    weights = torch.randn_like(out_mine)
    (out_mine * weights).sum().backward()
    (out_theirs * weights).sum().backward()
    torch.testing.assert_close(out_mine, out_theirs, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(x_mine.grad, x_theirs.grad, atol=1e-5, rtol=1e-5)
    return state_mine, state_theirs


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_scratch_matches_torch_outputs_and_gradients(cell):
    torch.manual_seed(1)
    ref = TORCH[cell](INPUTS, HIDDENS, batch_first=True)
    scratch = SCRATCH[cell](INPUTS, HIDDENS)
    copy_weights(cell, scratch, ref)
    state_mine, state_theirs = run_both(scratch, ref)
    torch.testing.assert_close(as_torch_state(cell, state_mine), state_theirs, atol=1e-5, rtol=1e-5)
    assert_same_grads(cell, scratch, ref)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_scratch_matches_torch_from_given_state(cell):
    torch.manual_seed(2)
    ref = TORCH[cell](INPUTS, HIDDENS, batch_first=True)
    scratch = SCRATCH[cell](INPUTS, HIDDENS)
    copy_weights(cell, scratch, ref)
    x = torch.randn(BATCH, STEPS, INPUTS)
    state = tuple(torch.randn(BATCH, HIDDENS) for _ in range(2 if cell == "lstm" else 1))
    state = state if cell == "lstm" else state[0]
    out_mine, _ = scratch(x, state)
    out_theirs, _ = ref(x, as_torch_state(cell, state))
    torch.testing.assert_close(out_mine, out_theirs, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_stacked_matches_torch_num_layers(cell):
    torch.manual_seed(3)
    ref = TORCH[cell](INPUTS, HIDDENS, num_layers=3, batch_first=True)
    stacked = StackedRNN(INPUTS, HIDDENS, 3, cell)
    for i, layer in enumerate(stacked.layers):
        copy_weights(cell, layer, ref, f"_l{i}")
    state_mine, state_theirs = run_both(stacked, ref)
    if cell == "lstm":
        state_mine = tuple(torch.stack(s) for s in zip(*state_mine))
    else:
        state_mine = torch.stack(state_mine)
    torch.testing.assert_close(state_mine, state_theirs, atol=1e-5, rtol=1e-5)
    for i, layer in enumerate(stacked.layers):
        assert_same_grads(cell, layer, ref, f"_l{i}")


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_birnn_matches_torch_bidirectional(cell):
    torch.manual_seed(4)
    ref = TORCH[cell](INPUTS, HIDDENS, bidirectional=True, batch_first=True)
    bi = BiRNN(INPUTS, HIDDENS, cell)
    copy_weights(cell, bi.forward_rnn, ref, "_l0")
    copy_weights(cell, bi.backward_rnn, ref, "_l0_reverse")
    run_both(bi, ref)
    assert_same_grads(cell, bi.forward_rnn, ref, "_l0")
    assert_same_grads(cell, bi.backward_rnn, ref, "_l0_reverse")


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_scratch_rejects_mismatched_state(cell):
    module = SCRATCH[cell](INPUTS, HIDDENS)
    bad = torch.zeros(BATCH + 1, HIDDENS)
    with pytest.raises(ValueError, match=r"expected \(3, 4\)"):
        module(torch.zeros(BATCH, STEPS, INPUTS), (bad, bad) if cell == "lstm" else bad)


def test_stacked_rejects_wrong_number_of_layer_states():
    stacked = StackedRNN(INPUTS, HIDDENS, 2)
    with pytest.raises(ValueError, match="expected 2"):
        stacked(torch.zeros(BATCH, STEPS, INPUTS), [torch.zeros(BATCH, HIDDENS)])


def test_make_cell_rejects_unknown_cell():
    with pytest.raises(ValueError, match="expected one of"):
        make_cell("transformer", 2, 2)


LM_RNNS = {
    "scratch rnn": lambda v: RNNScratch(v, 8),
    "scratch gru": lambda v: GRUScratch(v, 8),
    "scratch lstm": lambda v: LSTMScratch(v, 8),
    "stacked": lambda v: StackedRNN(v, 8, 2, "gru"),
    "bidirectional": lambda v: BiRNN(v, 8, "lstm"),
    "nn.RNN": lambda v: nn.RNN(v, 8, batch_first=True),
    "nn.GRU 2 layers": lambda v: nn.GRU(v, 8, num_layers=2, batch_first=True),
    "nn.LSTM bidirectional": lambda v: nn.LSTM(v, 8, bidirectional=True, batch_first=True),
}


@pytest.mark.parametrize("name", LM_RNNS)
def test_rnnlm_shapes_with_every_rnn(name):
    vocab_size = 11
    model = RNNLM(LM_RNNS[name](vocab_size), vocab_size)
    X = torch.randint(0, vocab_size, (2, 7))
    logits, state = model(X)
    assert logits.shape == (2, 7, vocab_size)
    # Feeding the state back in must work: that is how sequential batches chain.
    logits2, _ = model(X, state)
    assert logits2.shape == (2, 7, vocab_size)


@pytest.mark.parametrize("name", ["scratch lstm", "nn.GRU 2 layers", "nn.LSTM bidirectional"])
def test_rnnlm_rejects_state_of_wrong_batch(name):
    model = RNNLM(LM_RNNS[name](11), 11)
    with pytest.raises(ValueError, match="expected"):
        model(torch.randint(0, 11, (2, 7)), model.begin_state(3))


def test_rnnlm_rejects_ids_outside_vocab():
    model = RNNLM(RNNScratch(5, 4), 5)
    with pytest.raises(ValueError, match=r"\[0, 5\)"):
        model(torch.tensor([[1, 5]]))


def test_rnnlm_rejects_float_inputs():
    model = RNNLM(RNNScratch(5, 4), 5)
    with pytest.raises(ValueError, match=r"torch\.long"):
        model(torch.zeros(2, 3))


def test_rnnlm_rejects_rnn_of_wrong_input_size():
    with pytest.raises(ValueError, match="vocab_size = 9"):
        RNNLM(nn.GRU(8, 4, batch_first=True), 9)


@pytest.mark.parametrize("cell", ["gru", "lstm"])
def test_gated_scratch_cells_start_like_torch(cell):
    torch.manual_seed(0)
    h = 32
    scratch = SCRATCH[cell](10, h)
    bound = h**-0.5
    for name, p in scratch.named_parameters():
        if name.startswith("W"):
            # Uniform in (-bound, bound) has standard deviation bound / sqrt(3).
            assert p.abs().max() <= bound and p.std() > 0.8 * bound / 3**0.5, f"{name}: expected U(±1/sqrt(h))"
        else:
            assert (p == 0).all(), f"{name}: expected the biases to start at zero"
    small = SCRATCH[cell](10, h, sigma=0.01)
    assert all(p.std() < 0.02 for name, p in small.named_parameters() if name.startswith("W"))
