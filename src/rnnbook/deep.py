"""Stacking recurrent layers: the outputs of one layer are the inputs of the next."""
from torch import nn

from .gru import GRUScratch
from .lstm import LSTMScratch
from .rnn_scratch import RNNScratch


# --8<-- [start:make_cell]
def make_cell(cell, num_inputs, num_hiddens):
    """One scratch recurrent layer by name: "rnn", "gru" or "lstm"."""
    cells = {"rnn": RNNScratch, "gru": GRUScratch, "lstm": LSTMScratch}
    if cell not in cells:
        raise ValueError(f"unknown cell {cell!r}; expected one of {sorted(cells)}")
    return cells[cell](num_inputs, num_hiddens)
# --8<-- [end:make_cell]


# --8<-- [start:stacked_rnn]
class StackedRNN(nn.Module):
    """`num_layers` recurrent layers on top of each other; one state per layer."""

    def __init__(self, num_inputs, num_hiddens, num_layers, cell="rnn"):
        super().__init__()
        self.num_inputs, self.num_hiddens, self.num_layers = num_inputs, num_hiddens, num_layers
        # Only the first layer sees the inputs; the others see hidden states.
        self.layers = nn.ModuleList(
            make_cell(cell, num_inputs if i == 0 else num_hiddens, num_hiddens)
            for i in range(num_layers))

    def begin_state(self, batch_size, device=None):
        return [layer.begin_state(batch_size, device) for layer in self.layers]

    def forward(self, inputs, state=None):
        # inputs: (batch, steps, num_inputs)
        if state is None:
            state = [None] * self.num_layers
        if len(state) != self.num_layers:
            raise ValueError(f"state holds {len(state)} layer states; expected {self.num_layers}")
        outputs, new_state = inputs, []
        for layer, layer_state in zip(self.layers, state):
            outputs, layer_state = layer(outputs, layer_state)  # (batch, steps, hiddens)
            new_state.append(layer_state)
        return outputs, new_state
# --8<-- [end:stacked_rnn]
