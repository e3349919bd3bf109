"""Reading a sequence in both directions and joining what the two readers saw."""
import torch
from torch import nn

from .deep import make_cell


# --8<-- [start:bi_rnn]
class BiRNN(nn.Module):
    """A forward and a backward recurrent layer; outputs are concatenated."""

    def __init__(self, num_inputs, num_hiddens, cell="rnn"):
        super().__init__()
        self.num_inputs, self.num_hiddens = num_inputs, num_hiddens
        self.bidirectional = True  # RNNLM reads this to size its output layer
        self.forward_rnn = make_cell(cell, num_inputs, num_hiddens)
        self.backward_rnn = make_cell(cell, num_inputs, num_hiddens)

    def begin_state(self, batch_size, device=None):
        return [self.forward_rnn.begin_state(batch_size, device),
                self.backward_rnn.begin_state(batch_size, device)]

    def forward(self, inputs, state=None):
        # inputs: (batch, steps, num_inputs)
        f_state, b_state = state if state is not None else (None, None)
        f_out, f_state = self.forward_rnn(inputs, f_state)
        # Reverse time, run an ordinary RNN, reverse its outputs back, so that
        # position t holds what the backward reader knew about steps t..end.
        b_out, b_state = self.backward_rnn(inputs.flip(1), b_state)
        outputs = torch.cat([f_out, b_out.flip(1)], dim=-1)  # (batch, steps, 2 * hiddens)
        return outputs, [f_state, b_state]
# --8<-- [end:bi_rnn]
