"""The noisy sine series of the "Sequence models" section and an autoregressive MLP."""
import torch
from torch import nn

from .train import TrainConfig, fit


# --8<-- [start:sine_series]
def sine_series(num_points=1000, noise=0.2, seed=0):
    """A sine wave sampled at times 1..num_points, plus Gaussian noise."""
    generator = torch.Generator().manual_seed(seed)
    time = torch.arange(1, num_points + 1, dtype=torch.float32)
    x = torch.sin(0.01 * time) + noise * torch.randn(num_points, generator=generator)
    return time, x
# --8<-- [end:sine_series]


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

    def __init__(self, tau, num_hiddens=10):
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


def train_regressor(model, features, labels, num_train=600, epochs=5, lr=0.01, batch_size=16):
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

    Step j feeds the model a window whose last j values are its own
    earlier predictions, because the true values are not yet known.
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
