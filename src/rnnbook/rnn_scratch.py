"""A recurrent network written out by hand, and a language model around any RNN."""
import torch
import torch.nn.functional as F
from torch import nn


# --8<-- [start:check_state]
def check_state(state, expected_shape, name="state"):
    """Raise a ValueError naming the expected shape when `state` does not fit."""
    if tuple(state.shape) != tuple(expected_shape):
        raise ValueError(f"{name} has shape {tuple(state.shape)}; expected "
                         f"{tuple(expected_shape)} (batch, hiddens)")
# --8<-- [end:check_state]


# --8<-- [start:rnn_scratch]
class RNNScratch(nn.Module):
    """A vanilla RNN: h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h)."""

    def __init__(self, num_inputs, num_hiddens, sigma=0.01):
        super().__init__()
        self.num_inputs, self.num_hiddens = num_inputs, num_hiddens
        # Small random weights keep tanh in its linear range at the start.
        self.W_xh = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)
        self.W_hh = nn.Parameter(torch.randn(num_hiddens, num_hiddens) * sigma)
        self.b_h = nn.Parameter(torch.zeros(num_hiddens))

    def begin_state(self, batch_size, device=None):
        return torch.zeros(batch_size, self.num_hiddens, device=device)

    def forward(self, inputs, state=None):
        # inputs: (batch, steps, num_inputs)
        batch_size = inputs.shape[0]
        if state is None:
            state = self.begin_state(batch_size, inputs.device)
        check_state(state, (batch_size, self.num_hiddens))
        # The input term x_t W_xh does not depend on the state, so we
        # compute it for all steps in one large matrix product. Only the
        # part that needs h_{t-1} stays inside the (slow, sequential) loop.
        input_terms = inputs @ self.W_xh + self.b_h  # (batch, steps, hiddens)
        outputs = []
        # unbind splits along time in one operation; indexing [:, t] in the
        # loop would cost a full-size gradient buffer per step in backward.
        for x_term in input_terms.unbind(dim=1):  # each (batch, hiddens)
            state = torch.tanh(x_term + state @ self.W_hh)
            outputs.append(state)
        return torch.stack(outputs, dim=1), state  # (batch, steps, hiddens)
# --8<-- [end:rnn_scratch]


# --8<-- [start:rnn_lm]
class RNNLM(nn.Module):
    """A language model: one-hot tokens -> any RNN -> scores over the vocabulary.

    `rnn` may be one of the book's scratch modules or torch's
    nn.RNN / nn.GRU / nn.LSTM created with batch_first=True.
    """

    def __init__(self, rnn, vocab_size):
        super().__init__()
        self.rnn, self.vocab_size = rnn, vocab_size
        # The scratch modules say num_hiddens, torch's modules hidden_size.
        self.num_hiddens = getattr(rnn, "num_hiddens", None) or rnn.hidden_size
        self.num_directions = 2 if getattr(rnn, "bidirectional", False) else 1
        num_inputs = getattr(rnn, "num_inputs", None) or getattr(rnn, "input_size", None)
        if num_inputs != vocab_size:
            raise ValueError(f"the RNN takes {num_inputs} inputs; expected vocab_size = "
                             f"{vocab_size}, since tokens arrive one-hot encoded")
        self.output = nn.Linear(self.num_directions * self.num_hiddens, vocab_size)

    def begin_state(self, batch_size, device=None):
        if hasattr(self.rnn, "begin_state"):  # the book's own modules
            return self.rnn.begin_state(batch_size, device)
        # torch's modules keep one state per layer and direction.
        shape = (self.rnn.num_layers * self.num_directions, batch_size, self.num_hiddens)
        if isinstance(self.rnn, nn.LSTM):
            return (torch.zeros(shape, device=device), torch.zeros(shape, device=device))
        return torch.zeros(shape, device=device)

    def forward(self, X, state=None):
        # X: token ids (batch, steps)
        if X.dim() != 2 or X.dtype != torch.long:
            raise ValueError(f"X has shape {tuple(X.shape)} and dtype {X.dtype}; "
                             "expected token ids of shape (batch, steps) and dtype torch.long")
        if X.numel() and not 0 <= int(X.min()) <= int(X.max()) < self.vocab_size:
            raise ValueError(f"token ids must lie in [0, {self.vocab_size}); "
                             "encode unknown tokens with vocab.unk")
        if state is None:
            state = self.begin_state(X.shape[0], X.device)
        self._check_state(state, X.shape[0])
        inputs = F.one_hot(X, self.vocab_size).float()  # (batch, steps, vocab)
        outputs, state = self.rnn(inputs, state)        # (batch, steps, directions * hiddens)
        return self.output(outputs), state              # (batch, steps, vocab)

    def _check_state(self, state, batch_size):
        expected = self.begin_state(batch_size, "meta")
        def flat(s):
            return [s] if torch.is_tensor(s) else [t for x in s for t in flat(x)]
        got, want = flat(state), flat(expected)
        if len(got) != len(want) or any(g.shape != w.shape for g, w in zip(got, want)):
            raise ValueError(f"state has shapes {[tuple(g.shape) for g in got]}; expected "
                             f"{[tuple(w.shape) for w in want]} as from begin_state({batch_size})")
# --8<-- [end:rnn_lm]
