"""What chapter_rnn/sequence.md and chapter_applications/speech-and-time-series.md say about the river
series and its forecasters, checked by running their cells (and, for the exercises' hints, the same
steps with the settings a hint names)."""

from __future__ import annotations

import itertools

import pytest
import torch
from claims_fixture import flat_share, page_namespace
from torch import nn

from rnnbook import (
    GRUForecaster,
    MLPRegressor,
    autoregressive_dataset,
    k_step_predictions,
    recurrent_k_step_predictions,
    river_levels,
    set_seed,
    train_forecaster,
    train_regressor,
)

pytestmark = pytest.mark.usefixtures("one_torch_thread")

SEQUENCE = "chapter_rnn/sequence.md"
FORECAST = "chapter_applications/speech-and-time-series.md"
HORIZONS = (1, 4, 16, 64)


def held_out_mse(preds: torch.Tensor, x: torch.Tensor, first: int, train_days: int) -> torch.Tensor:
    """MSE per horizon over the rows whose forecast starts on or after ``train_days``."""
    k = preds.shape[1]
    rows = len(x) - first - k + 1
    targets = torch.stack([x[first + r : first + r + k] for r in range(rows)])
    return ((preds - targets) ** 2)[train_days - first :].mean(dim=0)


def best_lag(column: torch.Tensor, x: torch.Tensor, first_day: int, max_lag: int = 100) -> int:
    """The shift d for which a forecast of day t matches best the reading of day t - d."""
    days = torch.arange(first_day, first_day + len(column))
    return min(range(max_lag), key=lambda d: ((column - x[days - d]) ** 2).mean().item())


def longest_flat_run(values: torch.Tensor, tolerance: float = 0.005) -> tuple[int, int]:
    """(first day, number of days) of the longest run of steps smaller than ``tolerance``."""
    flat = ((values[1:] - values[:-1]).abs() < tolerance).tolist()
    runs, day = [(0, 0)], 0
    for still, group in itertools.groupby(flat):
        steps = len(list(group))
        if still:
            runs.append((day, steps))
        day += steps
    return max(runs, key=lambda run: run[1])


def naive_mse(x: torch.Tensor, train_days: int, k: int = 64) -> torch.Tensor:
    """MSE per horizon of "the level stays at the last reading", forecasts made from ``train_days`` on."""
    origins = torch.arange(train_days, len(x) - k + 1)
    return torch.stack([((x[origins - 1] - x[origins + j]) ** 2).mean() for j in range(k)])


def trained_pair(seed: int, tau: int = 8, warmup: int = 16):
    """The MLP and the GRU of the forecasting page, trained as its cells do after ``set_seed(seed)``."""
    set_seed(seed)
    _, x = river_levels()
    train_days = 4 * 365
    features, labels = autoregressive_dataset(x, tau)
    mlp = MLPRegressor(tau, num_hiddens=16)
    train_regressor(mlp, features, labels, num_train=train_days - tau, epochs=10, lr=0.003)
    gru = GRUForecaster(num_hiddens=32)
    gru_losses = train_forecaster(gru, x[:train_days], num_steps=48, warmup=warmup, epochs=6, lr=0.005)
    mlp_mse = held_out_mse(k_step_predictions(mlp, x, tau, 64), x, tau, train_days)
    gru_mse = held_out_mse(recurrent_k_step_predictions(gru, x, tau, 64), x, tau, train_days)
    return mlp_mse, gru_mse, gru_losses


# --- chapter_rnn/sequence.md -------------------------------------------------------------------


def test_sequence_six_years_with_peaks_of_different_heights():
    _, x = river_levels()
    assert len(x) == 6 * 365 and 4 * 365 == 1460 and 1460 - 8 == 1452
    peaks = [x[year * 365 : (year + 1) * 365].max().item() for year in range(6)]
    assert max(peaks) - min(peaks) > 0.5, f"expected some years' floods well above others': {peaks}"


@pytest.mark.slow
def test_sequence_training_error_drops_in_the_first_epoch_then_creeps_down_above_the_floor():
    losses = page_namespace(SEQUENCE)["losses"]
    first, later = losses[0] - losses[1], losses[1] - losses[-1]
    assert first > 4 * later > 0, f"expected most of the decrease in the first epoch: {losses}"
    assert all(abs(b - a) < 0.15 * a for a, b in itertools.pairwise(losses[1:])), f"expected small steps: {losses}"
    assert min(losses) > 0.05**2 + 0.1**2, f"expected the errors above the floor 0.0125: {losses}"


@pytest.mark.slow
def test_sequence_one_step_predictions_generalise_and_are_smoother():
    ns = page_namespace(SEQUENCE)
    x, tau, train_days, onestep = ns["x"], ns["tau"], ns["train_days"], ns["onestep"][:, 0]
    errors = (onestep - x[tau:]) ** 2
    training, held_out = errors[: train_days - tau].mean().item(), errors[train_days - tau :].mean().item()
    assert held_out <= training, f"expected the held-out error no larger than the training error: {held_out, training}"
    preds, readings = onestep[train_days - tau :], x[train_days:]
    assert preds.diff().std() < 0.5 * readings.diff().std(), "expected predictions smoother than the readings"


@pytest.mark.slow
def test_sequence_k_day_forecasts_lag_by_k_days_and_the_64_day_one_has_flat_stretches():
    ns = page_namespace(SEQUENCE)
    x, tau, train_days, preds = ns["x"], ns["tau"], ns["train_days"], ns["preds"]
    held_out = preds[train_days - tau :]
    lags = {j: best_lag(held_out[:, j - 1], x, train_days + j - 1) for j in (4, 16, 64)}
    assert all(0.75 * j <= lag <= 1.25 * j for j, lag in lags.items()), f"expected lags close to the horizon: {lags}"
    assert 12 <= lags[16] <= 20 and 50 <= lags[64] <= 75, lags  # about two weeks; about two months
    mse = held_out_mse(preds, x, tau, train_days)
    assert mse[3] < 0.1 * x[train_days:].var(), "expected the 4-day forecast to be nearly right"
    assert longest_flat_run(held_out[:, 63])[1] >= 14, "expected the 64-day forecast to stay put for weeks"
    assert flat_share(held_out[:, 63]) > 3 * flat_share(held_out[:, 0])


@pytest.mark.slow
def test_sequence_flat_stretches_are_fixed_points_of_the_model():
    ns = page_namespace(SEQUENCE)
    model, tau, train_days, preds = ns["model"], ns["tau"], ns["train_days"], ns["preds"]
    forecast = preds[train_days - tau :, 63]
    start, length = longest_flat_run(forecast)
    level = forecast[start + length // 2].item()
    with torch.no_grad():
        assert abs(model(torch.full((1, tau), level)).item() - level) < 0.01, "expected a window that maps to itself"


@pytest.mark.slow
def test_sequence_error_grows_with_every_day_of_horizon():
    ns = page_namespace(SEQUENCE)
    mse = ns["mse"]
    assert torch.equal(mse, held_out_mse(ns["preds"], ns["x"], ns["tau"], ns["train_days"]))
    assert (mse.diff() > 0).all(), f"expected the error to grow at every step: {mse.tolist()}"
    assert mse[63] > 20 * mse[0], f"expected the 64-day error above twenty times the one-day error: {mse[[0, 63]]}"


@pytest.mark.slow
def test_sequence_a_forecaster_knowing_the_recipe_stays_below_the_bound():
    ns = page_namespace(SEQUENCE)
    x, train_days, mse = ns["x"], ns["train_days"], ns["mse"]
    # The same generator with parts switched off: the two cycles, and the cycles plus the weather.
    _, base = river_levels(weather=0, reading_error=0)
    _, with_weather = river_levels(reading_error=0)
    anomaly = with_weather - base
    k = 64
    origins = torch.arange(train_days, len(x) - k + 1)
    errors = torch.stack(
        [((base[origins + j] + 0.9 ** (j + 1) * anomaly[origins - 1] - x[origins + j]) ** 2).mean() for j in range(k)]
    )
    bound = 0.05**2 / (1 - 0.9**2) + 0.1**2
    assert abs(bound - 0.023) < 0.0005
    assert errors.max() < 1.3 * bound, f"expected the ideal error near or below {bound:.4f}: {errors.max():.4f}"
    assert abs(errors[0] - (0.05**2 + 0.1**2)) < 0.004, errors[0]
    assert errors[63] < 0.1 * mse[63], "expected most of the 64-day error to be the model's own"


@pytest.mark.slow
def test_sequence_hint_windows_of_2_30_and_90_days():
    _, x = river_levels()
    mse = {}
    for tau in (2, 8, 30, 90):
        set_seed(0)
        features, labels = autoregressive_dataset(x, tau)
        model = MLPRegressor(tau, num_hiddens=16)
        train_regressor(model, features, labels, num_train=4 * 365 - tau, epochs=10, lr=0.003)
        mse[tau] = held_out_mse(k_step_predictions(model, x, tau, 64), x, tau, 4 * 365)[63].item()
    assert mse[30] < 0.6 * mse[8], f"expected a month-long window to cut the 64-day error markedly: {mse}"
    assert mse[90] > mse[30], f"expected 90 days to do worse than 30: {mse}"
    assert abs(90 * 16 / (8 * 16) - 11) < 0.5


@pytest.mark.slow
def test_sequence_hint_no_reading_error_floor_and_linear_model_and_random_split():
    _, clean = river_levels(reading_error=0)
    set_seed(0)
    features, labels = autoregressive_dataset(clean, 8)
    model = MLPRegressor(8, num_hiddens=16)
    losses = train_regressor(model, features, labels, num_train=1452, epochs=10, lr=0.003)
    held_out = held_out_mse(k_step_predictions(model, clean, 8, 1), clean, 8, 1460)[0].item()
    assert 1.3 < losses[-1] / 0.05**2 < 2.5 and 1.3 < held_out / 0.05**2 < 2.5, (losses[-1], held_out)

    _, x = river_levels()
    features, labels = autoregressive_dataset(x, 8)
    set_seed(0)
    linear = nn.Linear(8, 1)
    train_regressor(linear, features, labels, num_train=1452, epochs=10, lr=0.003)
    assert abs(linear.weight.sum().item() - 1) < 0.01, "expected weights adding up to almost exactly 1"
    linear_mse = held_out_mse(k_step_predictions(linear, x, 8, 64), x, 8, 1460)
    naive = naive_mse(x, 1460)[63].item()
    assert abs(linear_mse[63].item() - naive) < 0.05 * naive, (linear_mse[63].item(), naive)

    set_seed(0)
    order = torch.randperm(len(features), generator=torch.Generator().manual_seed(0))
    mlp = MLPRegressor(8, num_hiddens=16)
    assert sum(p.numel() for p in mlp.parameters()) == 161
    train_regressor(mlp, features[order], labels[order], num_train=1452, epochs=10, lr=0.003)
    with torch.no_grad():
        random_split = ((mlp(features[order][1452:]) - labels[order][1452:]) ** 2).mean().item()
    time_split = page_namespace(SEQUENCE)["mse"][0].item()
    assert abs(random_split - time_split) < 0.1 * time_split, (random_split, time_split)


# --- chapter_applications/speech-and-time-series.md --------------------------------------------


def test_speech_hint_ctc_paths_of_length_4_for_ab():
    def collapse(path):
        return "".join(s for s, _ in itertools.groupby(path) if s != "-")

    paths = ["".join(p) for p in itertools.product("-ab", repeat=4) if collapse("".join(p)) == "ab"]
    assert len(paths) == 15 and {"-a-b", "aab-", "abbb"} <= set(paths)
    assert collapse("a-a") == "aa" and all(collapse(p) != "aa" for p in ("aa", "a", "aaa"))


@pytest.mark.slow
def test_forecast_page_rebuilds_the_mlp_of_the_sequence_page():
    errors = page_namespace(FORECAST)["errors"]
    assert torch.equal(errors["MLP"], page_namespace(SEQUENCE)["mse"])


@pytest.mark.slow
def test_forecast_gru_lowest_at_every_horizon_in_this_run():
    ns = page_namespace(FORECAST)
    errors, x, train_days = ns["errors"], ns["x"], ns["train_days"]
    naive = naive_mse(x, train_days)
    torch.testing.assert_close(errors["last value"], naive)
    assert (errors["GRU"] < errors["MLP"]).all() and (errors["GRU"] < naive).all()
    gru, mlp = errors["GRU"], errors["MLP"]
    assert gru[0] < 0.85 * naive[0] and mlp[0] < 0.85 * naive[0], "expected both clearly better a day ahead"
    assert 0.9 < gru[0] / mlp[0] < 0.99, "expected the GRU a few percent better a day ahead"
    assert gru[63] > 20 * gru[0], "expected the GRU's 64-day error above twenty times its one-day error"


@pytest.mark.slow
def test_forecast_mlp_no_better_than_naive_from_about_nine_days():
    errors = page_namespace(FORECAST)["errors"]
    ratio = errors["MLP"] / errors["last value"]
    first = next(j for j in range(64) if ratio[j] >= 1) + 1
    assert 7 <= first <= 11, f"expected the MLP to reach the naive error at about nine days: {first}"
    assert ((ratio[8:] > 0.95) & (ratio[8:] < 1.1)).all(), f"expected a few percent either way: {ratio[8:]}"


@pytest.mark.slow
def test_forecast_both_models_forecast_the_present():
    ns = page_namespace(FORECAST)
    x, tau, train_days = ns["x"], ns["tau"], ns["train_days"]
    for name in ("MLP", "GRU"):
        held_out = ns["forecasts"][name][train_days - tau :]
        lags = {j: best_lag(held_out[:, j - 1], x, train_days + j - 1) for j in (16, 64)}
        assert all(0.75 * j <= lag <= 1.25 * j for j, lag in lags.items()), f"{name}: {lags}"


@pytest.mark.slow
def test_forecast_ranking_over_seeds():
    ns = page_namespace(FORECAST)
    ratios = ns["ratios"]
    assert list(ratios) == [0, 1, 2, 3]
    torch.testing.assert_close(ratios[0], ns["errors"]["GRU"] / ns["errors"]["MLP"])
    table = torch.stack([ratios[seed][[j - 1 for j in HORIZONS]] for seed in ratios])  # (seeds, horizons)
    one, four, sixteen, sixty_four = table.T
    assert ((one > 0.9) & (one < 0.97)).all(), f"expected a few percent at one day in every run: {one}"
    assert ((four > 0.9) & (four < 1)).all(), f"expected a win at four days in every run: {four}"
    assert (four > 0.995).sum() == 1, f"expected exactly one win by a hair: {four}"
    assert (sixteen < 1).sum() == 3, f"expected three wins out of four at 16 days: {sixteen}"
    assert sixty_four.min() < 1 < sixty_four.max(), f"expected both sides of 1 at 64 days: {sixty_four}"
    # The loop repeats the page's steps: its seed-1 run is what `trained_pair(1)` gives.
    mlp_mse, gru_mse, _ = trained_pair(1)
    torch.testing.assert_close(ratios[1], gru_mse / mlp_mse)


@pytest.mark.slow
def test_forecast_hint_month_long_window_beats_the_gru():
    month, gru_mse, _ = trained_pair(0, tau=30)
    page_gru = page_namespace(FORECAST)["errors"]["GRU"]
    for gru in (gru_mse, page_gru):  # the GRU of that run, and the page's
        assert month[15] < gru[15] and month[63] < gru[63], (month[[15, 63]], gru[[15, 63]])
    season, _, _ = trained_pair(0, tau=90)
    assert season[63] > month[63], "expected a 90-day window to do worse again"


@pytest.mark.slow
def test_forecast_hint_no_warmup_raises_training_and_held_out_errors():
    ns = page_namespace(FORECAST)
    _, gru_mse, losses = trained_pair(0, warmup=0)
    assert losses[-1] > ns["gru_losses"][-1]
    page_gru = ns["errors"]["GRU"]
    assert all(gru_mse[j - 1] > page_gru[j - 1] for j in HORIZONS), (gru_mse[[0, 3, 15, 63]], page_gru[[0, 3, 15, 63]])


@pytest.mark.slow
def test_forecast_hint_seasonal_naive():
    ns = page_namespace(FORECAST)
    x, train_days, errors = ns["x"], ns["train_days"], ns["errors"]
    seasonal = {}
    for j in (1, 64):
        days = torch.arange(train_days + j - 1, len(x) - 64 + j)  # the days the held-out rows aim at
        seasonal[j] = ((x[days - 365] - x[days]) ** 2).mean().item()
    assert abs(seasonal[1] - seasonal[64]) < 0.1 * seasonal[1], seasonal
    assert all(seasonal[1] > 5 * e[0] for e in errors.values()), "expected it far worse one day ahead"
    assert all(0.35 < seasonal[64] / e[63] < 0.65 for e in errors.values()), "expected about half at 64 days"
