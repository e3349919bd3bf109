"""A long short-term memory network written out by hand."""
import torch
from torch import nn

from .rnn_scratch import check_state


# --8<-- [start:lstm_scratch]
class LSTMScratch(nn.Module):
    """An LSTM with explicit parameters; its state is the pair (H, C)."""

    def __init__(self, num_inputs, num_hiddens, sigma=None):
        super().__init__()
        self.num_inputs, self.num_hiddens = num_inputs, num_hiddens
        # Weights uniform in (-1/sqrt(h), 1/sqrt(h)), as in nn.LSTM, so that both
        # start alike; pass `sigma` for small Gaussian weights as in RNNScratch.
        bound = 1 / num_hiddens ** 0.5
        def weight(*shape):
            if sigma is not None:
                return nn.Parameter(torch.randn(*shape) * sigma)
            return nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))
        def bias():
            return nn.Parameter(torch.zeros(num_hiddens))
        self.W_xi, self.W_hi, self.b_i = weight(num_inputs, num_hiddens), weight(num_hiddens, num_hiddens), bias()  # input gate
        self.W_xf, self.W_hf, self.b_f = weight(num_inputs, num_hiddens), weight(num_hiddens, num_hiddens), bias()  # forget gate
        self.W_xc, self.W_hc, self.b_c = weight(num_inputs, num_hiddens), weight(num_hiddens, num_hiddens), bias()  # candidate cell
        self.W_xo, self.W_ho, self.b_o = weight(num_inputs, num_hiddens), weight(num_hiddens, num_hiddens), bias()  # output gate

    def begin_state(self, batch_size, device=None):
        zeros = torch.zeros(batch_size, self.num_hiddens, device=device)
        return zeros, zeros.clone()

    def forward(self, inputs, state=None):
        # inputs: (batch, steps, num_inputs)
        batch_size = inputs.shape[0]
        H, C = state if state is not None else self.begin_state(batch_size, inputs.device)
        check_state(H, (batch_size, self.num_hiddens), "hidden state H")
        check_state(C, (batch_size, self.num_hiddens), "memory cell C")
        # Input terms of the four parts, for all steps, in one product.
        W_x = torch.cat([self.W_xi, self.W_xf, self.W_xc, self.W_xo], dim=1)
        W_h = torch.cat([self.W_hi, self.W_hf, self.W_hc, self.W_ho], dim=1)
        b = torch.cat([self.b_i, self.b_f, self.b_c, self.b_o])
        input_terms = inputs @ W_x + b  # (batch, steps, 4 * hiddens)
        outputs = []
        for x_term in input_terms.unbind(dim=1):  # one time step at a time
            i, f, c, o = (x_term + H @ W_h).chunk(4, dim=1)  # each (batch, hiddens)
            I_t, F_t, O_t = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o)  # the gates
            # The cell is updated additively: the forget gate decides what
            # to keep, the input gate what to write. This sum is what lets
            # gradients flow across many steps.
            C = F_t * C + I_t * torch.tanh(c)
            H = O_t * torch.tanh(C)
            outputs.append(H)
        return torch.stack(outputs, dim=1), (H, C)  # (batch, steps, hiddens)
# --8<-- [end:lstm_scratch]
