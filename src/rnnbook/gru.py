"""A gated recurrent unit written out by hand."""
import torch
from torch import nn

from .rnn_scratch import check_state


# --8<-- [start:gru_scratch]
class GRUScratch(nn.Module):
    """A GRU with explicit parameters, computed the same way as torch's nn.GRU."""

    def __init__(self, num_inputs, num_hiddens, sigma=None):
        super().__init__()
        self.num_inputs, self.num_hiddens = num_inputs, num_hiddens
        # Weights uniform in (-1/sqrt(h), 1/sqrt(h)), as in nn.GRU, so that both
        # start alike; pass `sigma` for small Gaussian weights as in RNNScratch.
        bound = 1 / num_hiddens ** 0.5
        def weight(*shape):
            if sigma is not None:
                return nn.Parameter(torch.randn(*shape) * sigma)
            return nn.Parameter(torch.empty(*shape).uniform_(-bound, bound))
        def bias():
            return nn.Parameter(torch.zeros(num_hiddens))
        self.W_xr, self.W_hr, self.b_r = weight(num_inputs, num_hiddens), weight(num_hiddens, num_hiddens), bias()  # reset gate
        self.W_xz, self.W_hz, self.b_z = weight(num_inputs, num_hiddens), weight(num_hiddens, num_hiddens), bias()  # update gate
        self.W_xh, self.W_hh, self.b_h = weight(num_inputs, num_hiddens), weight(num_hiddens, num_hiddens), bias()  # candidate
        self.b_hh = bias()  # candidate's bias on the state side, inside the reset gate

    def begin_state(self, batch_size, device=None):
        return torch.zeros(batch_size, self.num_hiddens, device=device)

    def forward(self, inputs, state=None):
        # inputs: (batch, steps, num_inputs)
        batch_size = inputs.shape[0]
        H = state if state is not None else self.begin_state(batch_size, inputs.device)
        check_state(H, (batch_size, self.num_hiddens))
        # Input terms of all three parts, for all steps, in one product.
        W_x = torch.cat([self.W_xr, self.W_xz, self.W_xh], dim=1)
        b_x = torch.cat([self.b_r, self.b_z, self.b_h])
        W_h = torch.cat([self.W_hr, self.W_hz, self.W_hh], dim=1)
        input_terms = inputs @ W_x + b_x  # (batch, steps, 3 * hiddens)
        outputs = []
        for x_term in input_terms.unbind(dim=1):  # one time step at a time
            x_r, x_z, x_h = x_term.chunk(3, dim=1)
            h_r, h_z, h_h = (H @ W_h).chunk(3, dim=1)     # each (batch, hiddens)
            R = torch.sigmoid(x_r + h_r)                    # reset: how much past to use
            Z = torch.sigmoid(x_z + h_z)                    # update: how much past to keep
            # The reset gate scales H @ W_hh + b_hh (as torch and cuDNN do);
            # the original paper applied it to H before the product.
            H_tilde = torch.tanh(x_h + R * (h_h + self.b_hh))
            H = Z * H + (1 - Z) * H_tilde
            outputs.append(H)
        return torch.stack(outputs, dim=1), H  # (batch, steps, hiddens)
# --8<-- [end:gru_scratch]
