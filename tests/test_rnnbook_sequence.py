"""The river series, the autoregressive MLP and the GRU forecaster of the sequence and forecasting pages."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from rnnbook import (
    GRUForecaster,
    MLPRegressor,
    autoregressive_dataset,
    future_values,
    grad_clipping,
    k_step_predictions,
    recurrent_k_step_predictions,
    river_levels,
    set_seed,
    train_forecaster,
    train_regressor,
    window_losses,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


# --- river_levels ---------------------------------------------------------


def test_river_levels_shapes_and_days():
    day, x = river_levels(100)
    assert day.shape == x.shape == (100,)
    assert day[0].item() == 0 and day[-1].item() == 99
    assert x.dtype == torch.float32


def test_river_levels_is_seeded():
    assert torch.equal(river_levels(300, seed=3)[1], river_levels(300, seed=3)[1])
    assert not torch.equal(river_levels(300, seed=3)[1], river_levels(300, seed=4)[1])


def test_river_levels_without_noise_is_the_two_cycles():
    _, base = river_levels(2190, weather=0, reading_error=0)
    # A yearly cycle of +-1 m plus a slow one of +-0.4 m: smooth, bounded, a year apart nearly equal.
    assert base.abs().max().item() <= 1.4 + 1e-5
    assert base.diff().abs().max().item() < 2 * torch.pi * (1 / 365 + 0.4 / (4.5 * 365)) + 1e-5
    assert (base[365:] - base[:-365]).abs().max().item() < 0.6


def test_river_levels_noise_parts_have_the_stated_sizes():
    _, base = river_levels(20000, weather=0, reading_error=0)
    _, weather_only = river_levels(20000, reading_error=0)
    _, readings_only = river_levels(20000, weather=0)
    anomaly = weather_only - base
    # Each day keeps 90 % of yesterday's anomaly and adds a shock of standard deviation 0.05.
    shocks = anomaly[1:] - 0.9 * anomaly[:-1]
    assert abs(shocks.std().item() - 0.05) < 0.002
    assert abs(torch.corrcoef(torch.stack([anomaly[1:], anomaly[:-1]]))[0, 1].item() - 0.9) < 0.02
    reading_error = readings_only - base
    assert abs(reading_error.std().item() - 0.1) < 0.003
    assert abs(torch.corrcoef(torch.stack([reading_error[1:], reading_error[:-1]]))[0, 1].item()) < 0.03


# --- the autoregressive MLP -----------------------------------------------


def test_autoregressive_dataset_windows():
    x = torch.arange(10.0)
    features, labels = autoregressive_dataset(x, 3)
    assert features.shape == (7, 3) and labels.shape == (7, 1)
    assert features[2].tolist() == [2.0, 3.0, 4.0] and labels[2].item() == 5.0


def test_autoregressive_dataset_rejects_bad_tau():
    with pytest.raises(ValueError, match="tau"):
        autoregressive_dataset(torch.zeros(5), 5)


def test_mlp_regressor_shape():
    assert MLPRegressor(8)(torch.zeros(5, 8)).shape == (5, 1)
    assert sum(p.numel() for p in MLPRegressor(8, num_hiddens=16).parameters()) == 8 * 16 + 16 + 16 + 1


def test_train_regressor_lowers_the_loss_and_is_repeatable():
    _, x = river_levels(400)
    features, labels = autoregressive_dataset(x, 4)
    runs = []
    for _ in range(2):
        set_seed(0)
        model = MLPRegressor(4)
        runs.append((train_regressor(model, features, labels, num_train=300, epochs=4), model))
    (losses, model), (again, _) = runs
    assert losses == again
    assert losses[-1] < losses[0] / 2
    with pytest.raises(ValueError, match="num_train"):
        train_regressor(model, features, labels, num_train=0)


def test_k_step_predictions_shapes_and_first_column():
    set_seed(0)
    _, x = river_levels(60)
    model = MLPRegressor(4)
    preds = k_step_predictions(model, x, 4, 8)
    assert preds.shape == (60 - 4 - 8 + 1, 8)
    features, _ = autoregressive_dataset(x, 4)
    # Column 0 is the ordinary one-step prediction from true values.
    torch.testing.assert_close(preds[:, 0], model(features[: len(preds)]).reshape(-1).detach())
    # Column 1 of row 0 saw x[1:4] and the model's own guess for x[4].
    window = torch.cat([x[1:4], preds[0, :1]])
    torch.testing.assert_close(preds[0, 1], model(window[None]).reshape(()).detach())
    with pytest.raises(ValueError, match="k must lie"):
        k_step_predictions(model, x, 4, 57)


def test_future_values_line_up_with_k_step_predictions():
    x = torch.arange(20.0)
    targets = future_values(x, 4, 3)
    assert targets.shape == k_step_predictions(nn.Linear(4, 1), x, 4, 3).shape == (14, 3)
    assert targets[0].tolist() == [4.0, 5.0, 6.0] and targets[-1].tolist() == [17.0, 18.0, 19.0]
    with pytest.raises(ValueError, match="first"):
        future_values(x, 0, 3)
    with pytest.raises(ValueError, match="first"):
        future_values(x, 18, 3)


def test_a_perfect_model_predicts_every_horizon():
    # x[t] = x[t-1] + 1 is an AR(1) model; fed its own outputs it stays exact at every horizon.
    model = nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(1.0)
        model.bias.fill_(1.0)
    x = torch.arange(30.0)
    torch.testing.assert_close(k_step_predictions(model, x, 1, 10), future_values(x, 1, 10))


# --- the GRU forecaster ---------------------------------------------------


def test_gru_forecaster_shapes_and_state():
    set_seed(0)
    model = GRUForecaster(num_hiddens=6)
    x = torch.randn(3, 10)
    preds, state = model(x)
    assert preds.shape == (3, 10) and state.shape == (1, 3, 6)
    # Reading in two halves, passing the state on, equals reading at once.
    first, mid = model(x[:, :4])
    second, end = model(x[:, 4:], mid)
    torch.testing.assert_close(torch.cat([first, second], dim=1), preds)
    torch.testing.assert_close(end, state)


def test_window_losses_leave_out_the_warmup():
    set_seed(0)
    model = GRUForecaster(num_hiddens=4)
    series = torch.randn(50)
    batches = list(window_losses(model, series, num_steps=10, warmup=3, batch_size=5, num_batches=4))
    assert len(batches) == 4
    assert all(count == 5 * (10 - 3) for _, _, count in batches)
    assert all(abs(total - loss.item() * count) < 1e-4 for loss, total, count in batches)


def window_losses_by_hand(model, series, num_steps, warmup, batch_size, num_batches):
    """The same minibatches as `window_losses`, windows built one by one."""
    starts = torch.randint(0, len(series) - num_steps, (num_batches, batch_size))
    for batch in starts:
        inputs = torch.stack([series[s : s + num_steps] for s in batch.tolist()])
        targets = torch.stack([series[s + 1 : s + num_steps + 1] for s in batch.tolist()])
        preds, _ = model(inputs)
        loss = F.mse_loss(preds[:, warmup:], targets[:, warmup:])
        yield loss


def test_train_forecaster_equals_its_loop_by_hand():
    series = river_levels(200)[1]
    torch.manual_seed(1)
    shared = GRUForecaster(num_hiddens=5)
    torch.manual_seed(1)
    by_hand = GRUForecaster(num_hiddens=5)
    torch.manual_seed(8)
    losses = train_forecaster(shared, series, num_steps=12, warmup=4, epochs=2, lr=0.01, batch_size=3, num_batches=5)
    torch.manual_seed(8)
    optimizer = torch.optim.Adam(by_hand.parameters(), lr=0.01)
    expected = []
    for _ in range(2):
        total = 0.0
        for loss in window_losses_by_hand(by_hand, series, 12, 4, 3, 5):
            optimizer.zero_grad()
            loss.backward()
            grad_clipping(by_hand.parameters(), 1.0)
            optimizer.step()
            total += loss.item()
        expected.append(total / 5)
    assert losses == pytest.approx(expected, rel=1e-5)
    for p, q in zip(shared.parameters(), by_hand.parameters(), strict=True):
        torch.testing.assert_close(p, q)


def test_train_forecaster_lowers_the_loss_and_is_repeatable():
    series = river_levels(400)[1]
    runs = []
    for _ in range(2):
        set_seed(0)
        model = GRUForecaster(num_hiddens=8)
        runs.append(train_forecaster(model, series, num_steps=24, warmup=8, epochs=3, num_batches=10, lr=0.01))
    assert runs[0] == runs[1]
    assert runs[0][-1] < runs[0][0] / 2
    with pytest.raises(ValueError, match="warmup"):
        train_forecaster(model, series, num_steps=8, warmup=8)


def test_recurrent_k_step_predictions_layout():
    set_seed(0)
    model = GRUForecaster(num_hiddens=6)
    x = torch.randn(40)
    preds = recurrent_k_step_predictions(model, x, 5, 7)
    assert preds.shape == future_values(x, 5, 7).shape == (40 - 5 - 7 + 1, 7)
    with torch.no_grad():
        one_step, _ = model(x[None])  # (1, 40): entry t predicts x[t + 1] from x[: t + 1]
        # Column 0 of row r has read x[: 5 + r]: the ordinary one-step prediction.
        torch.testing.assert_close(preds[:, 0], one_step[0, 4 : 4 + len(preds)])
        # Row 3 by hand: read x[:8], then run on, fed with its own predictions.
        outputs, state = model(x[None, :8])
        rolled = [outputs[0, -1]]
        for _ in range(6):
            out, state = model(rolled[-1].reshape(1, 1), state)
            rolled.append(out[0, -1])
        torch.testing.assert_close(preds[3], torch.stack(rolled))
    with pytest.raises(ValueError, match="first"):
        recurrent_k_step_predictions(model, x, 0, 7)
    with pytest.raises(ValueError, match="first"):
        recurrent_k_step_predictions(model, x, 34, 7)
