"""The river series of the "Sequence models" section and an autoregressive MLP."""
import math

import torch
from torch import nn

from .train import TrainConfig, fit


# --8<-- [start:river_levels]
def river_levels(num_days=2190, weather=0.05, reading_error=0.1, seed=0):
    """Daily water level of an imagined river, in metres above its long-term mean.

    Four parts add up: a yearly flood season, a slower wet-and-dry cycle
    of several years, weather that lingers for days, and a reading error.
    """
    generator = torch.Generator().manual_seed(seed)
    day = torch.arange(num_days, dtype=torch.float32)
    phase = 2 * math.pi * torch.rand(1, generator=generator).item()
    season = torch.sin(2 * math.pi * day / 365)                        # +-1 m each year
    cycle = 0.4 * torch.sin(2 * math.pi * day / (4.5 * 365) + phase)   # +-0.4 m over 4.5 years
    # Each day's weather adds a shock on top of 90 % of yesterday's anomaly,
    # so a wet spell fades over a week or two: noise correlated in time.
    anomaly, now = [], 0.0
    for shock in (weather * torch.randn(num_days, generator=generator)).tolist():
        now = 0.9 * now + shock
        anomaly.append(now)
    readings = reading_error * torch.randn(num_days, generator=generator)  # independent each day
    return day, season + cycle + torch.tensor(anomaly) + readings
# --8<-- [end:river_levels]


# --8<-- [start:autoregressive_dataset]
def autoregressive_dataset(x, tau):
    """Features: the `tau` values before each step; label: the value at the step."""
    if not 0 < tau < len(x):
        raise ValueError(f"tau must lie in [1, {len(x) - 1}] for a series of length {len(x)}, got {tau}")
    # Column i holds x[i], x[i+1], ...: a sliding window read column by column.
    features = torch.stack([x[i:len(x) - tau + i] for i in range(tau)], dim=1)  # (n - tau, tau)
    labels = x[tau:].reshape(-1, 1)                                             # (n - tau, 1)
    return features, labels
# --8<-- [end:autoregressive_dataset]


# --8<-- [start:mlp_regressor]
class MLPRegressor(nn.Module):
    """Predict the next value from the previous `tau` values."""

    def __init__(self, tau, num_hiddens=16):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(tau, num_hiddens), nn.ReLU(),
                                 nn.Linear(num_hiddens, 1))

    def forward(self, features):
        return self.net(features)  # (batch, tau) -> (batch, 1)
# --8<-- [end:mlp_regressor]


# --8<-- [start:train_regressor]
def regression_losses(model, X, y, batch_size):
    """Yield the mean squared error of each minibatch, in a fresh random order."""
    order = torch.randperm(len(X))  # examples are independent windows: shuffle them
    for i in range(0, len(X), batch_size):
        batch = order[i:i + batch_size]
        loss = nn.functional.mse_loss(model(X[batch]), y[batch])  # (batch, 1) vs (batch, 1)
        yield loss, loss.item() * len(batch), len(batch)


def train_regressor(model, features, labels, num_train, epochs=10, lr=0.003, batch_size=32):
    """Fit on the first `num_train` examples with Adam; return the MSE of each epoch."""
    if not 0 < num_train <= len(features):
        raise ValueError(f"num_train must lie in [1, {len(features)}], got {num_train}")
    X, y = features[:num_train], labels[:num_train]  # the later part stays unseen
    # No clipping, and no reseeding: the shuffles go on from the page's random state.
    config = TrainConfig(num_epochs=epochs, lr=lr, optimizer="adam", grad_clip=None,
                         seed=None, device=X.device)
    epochs_run = fit(model, lambda: regression_losses(model, X, y, batch_size), config)
    return [epoch.loss for epoch in epochs_run]
# --8<-- [end:train_regressor]


# --8<-- [start:k_step_predictions]
@torch.no_grad()
def k_step_predictions(model, x, tau, k):
    """Column j holds the (j+1)-step-ahead predictions: shape (n - tau - k + 1, k).

    Row r starts from the window x[r : r + tau]. Step j feeds the model a
    window whose last j values are its own earlier predictions, because
    the true values are not yet known.
    """
    n = len(x)
    if not 1 <= k <= n - tau:
        raise ValueError(f"k must lie in [1, {n - tau}] for n={n}, tau={tau}, got {k}")
    rows = n - tau - k + 1
    columns = [x[i:i + rows] for i in range(tau)]  # the observed values
    for j in range(k):
        window = torch.stack(columns[j:j + tau], dim=1)  # (rows, tau)
        columns.append(model(window).reshape(-1))
    return torch.stack(columns[tau:], dim=1)            # (rows, k)
# --8<-- [end:k_step_predictions]


# --8<-- [start:future_values]
def future_values(x, first, k):
    """The values k-step predictions aim at: row r, column j holds x[first + r + j].

    With `first = tau` the rows line up with those of `k_step_predictions`.
    """
    rows = len(x) - first - k + 1
    if first < 1 or rows < 1:
        raise ValueError(f"need 1 <= first and first + k <= {len(x)}, got first={first}, k={k}")
    return torch.stack([x[first + j:first + j + rows] for j in range(k)], dim=1)  # (rows, k)
# --8<-- [end:future_values]
