"""A recurrent forecaster for the river series: a GRU that reads the levels, plus a linear head."""
import torch
import torch.nn.functional as F
from torch import nn

from .train import TrainConfig, fit


# --8<-- [start:gru_forecaster]
class GRUForecaster(nn.Module):
    """Read a series one value per step; after each step, predict the next value."""

    def __init__(self, num_hiddens=32):
        super().__init__()
        self.rnn = nn.GRU(1, num_hiddens, batch_first=True)
        self.head = nn.Linear(num_hiddens, 1)

    def forward(self, x, state=None):
        # x: (batch, steps) values; state: (1, batch, hiddens) or None for zeros
        outputs, state = self.rnn(x.unsqueeze(-1), state)  # (batch, steps, hiddens)
        return self.head(outputs).squeeze(-1), state        # (batch, steps)
# --8<-- [end:gru_forecaster]


# --8<-- [start:train_forecaster]
def window_losses(model, series, num_steps, warmup, batch_size, num_batches):
    """Yield the MSE of next-value predictions on minibatches of random windows.

    Each window starts from a zero state, so its first `warmup` predictions,
    made from a few days of history only, are left out of the loss.
    """
    starts = torch.randint(0, len(series) - num_steps, (num_batches, batch_size))
    for batch in starts:
        windows = series[batch[:, None] + torch.arange(num_steps + 1)]  # (batch, num_steps + 1)
        preds, _ = model(windows[:, :-1])                               # (batch, num_steps)
        preds, targets = preds[:, warmup:], windows[:, warmup + 1:]     # predict the next value
        loss = F.mse_loss(preds, targets)
        yield loss, loss.item() * targets.numel(), targets.numel()


def train_forecaster(model, series, num_steps=48, warmup=16, epochs=6, lr=0.005,
                     batch_size=32, num_batches=50):
    """Fit on windows of `series` (the training part only) with Adam; return the MSE of each epoch."""
    if not 0 <= warmup < num_steps < len(series):
        raise ValueError(f"need 0 <= warmup < num_steps < {len(series)}, "
                         f"got warmup={warmup}, num_steps={num_steps}")
    # As for the MLP: no reseeding, the windows are drawn from the page's random state.
    config = TrainConfig(num_epochs=epochs, lr=lr, optimizer="adam", grad_clip=1.0,
                         seed=None, device=series.device)
    epochs_run = fit(model, lambda: window_losses(model, series, num_steps, warmup,
                                                  batch_size, num_batches), config)
    return [epoch.loss for epoch in epochs_run]
# --8<-- [end:train_forecaster]


# --8<-- [start:recurrent_k_step_predictions]
@torch.no_grad()
def recurrent_k_step_predictions(model, x, first, k):
    """Column j holds the (j+1)-step-ahead predictions: shape (n - first - k + 1, k).

    Row r forecasts after reading all of x[:first + r], not just a window;
    with `first = tau` the rows line up with those of `k_step_predictions`.
    """
    n = len(x)
    if not 1 <= first <= n - k:
        raise ValueError(f"need 1 <= first <= {n - k} for n={n}, k={k}, got first={first}")
    # One pass over the observations gives the state after every day; a
    # one-layer GRU's outputs are its states. Each row's state becomes one
    # example of a batch that then runs on, fed with its own predictions.
    outputs, _ = model.rnn(x[:n - k].reshape(1, -1, 1))  # (1, n - k, hiddens)
    state = outputs[:, first - 1:].contiguous()           # (1, rows, hiddens)
    preds = [model.head(state[0]).reshape(-1)]           # (rows,): one day ahead
    for _ in range(k - 1):
        pred, state = model(preds[-1].reshape(-1, 1), state)  # (rows, 1)
        preds.append(pred.reshape(-1))
    return torch.stack(preds, dim=1)                     # (rows, k)
# --8<-- [end:recurrent_k_step_predictions]
