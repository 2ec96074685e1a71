"""The numbers of page 10 (batch, mini-batch, stochastic), each against a loop or a formula written here.

The reference: the Windsor houses read with pandas, bedrooms and price standardized, the start drawn
as the rule says (Normal(0, 1) draws from the seed times [std(y)/std(x), std(y)]), and each epoch's
batches cut from default_rng(SeedSequence(seed).spawn(1)[0]).permutation(n), as gdcore.batches
documents. Each step: e = y_b - (slope x_b + intercept), gradient = -2/b [sum(x_b e), sum(e)],
new = current - lr * gradient.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from gdcore import Dataset, fit_line, from_query, to_query
from gdcore.line import DescentConfig
from gdcore.minibatch import (
    BatchConfig,
    above_bottom,
    full_batch_run,
    gaps_after,
    losses_after,
    race,
    row_parts,
    rows_seen,
)

CSV = Path(__file__).resolve().parents[2] / "data" / "windsor_housing.csv"


@pytest.fixture(scope="module")
def houses() -> Dataset:
    frame = pd.read_csv(CSV)
    return Dataset(
        x=frame["bedrooms"].to_numpy(dtype=float),
        y=frame["price"].to_numpy(dtype=float),
        x_name="bedrooms",
        y_name="price",
    )


def standardized(houses: Dataset) -> tuple[np.ndarray, np.ndarray]:
    x, y = houses.x, houses.y
    return (x - x.mean()) / x.std(), (y - y.mean()) / y.std()  # (546,) each


def start(seed: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=2) * [y.std() / x.std(), y.std()]  # (2,)


def batch_plan(n: int, size: int, seed: int, epochs: int) -> list[np.ndarray]:
    """The rows of every step, epoch after epoch, shuffled as gdcore.batches documents."""
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    plan = []
    for _ in range(epochs):
        order = rng.permutation(n)
        plan += [order[i : i + size] for i in range(0, n, size)]
    return plan


def mse(params, x, y) -> float:
    return float(np.mean((y - (params[0] * x + params[1])) ** 2))


def minibatch_loop(x, y, lr: float, size: int, seed: int, epochs: int):
    """(params before each step, each step's gradient, params after the last step, rows of each step)."""
    current = start(seed, x, y)
    befores, gradients = [], []
    plan = batch_plan(len(x), size, seed, epochs)
    for rows in plan:
        xb, yb = x[rows], y[rows]
        e = yb - (current[0] * xb + current[1])
        g = np.array([-2.0 * np.sum(xb * e), -2.0 * np.sum(e)]) / len(rows)
        befores.append(current)
        gradients.append(g)
        current = current - lr * g
    return befores, gradients, current, plan


def full_loop(x, y, lr: float, seed: int, steps: int) -> list[np.ndarray]:
    """Plain full-batch descent: the parameters at the start and after each step."""
    current = start(seed, x, y)
    trail = [current]
    for _ in range(steps):
        e = y - (current[0] * x + current[1])
        current = current - lr * np.array([-2.0 * np.mean(x * e), -2.0 * np.mean(e)])
        trail.append(current)
    return trail


def test_batch_config_has_its_own_defaults_and_round_trips_through_a_link() -> None:
    config = BatchConfig()
    assert (config.batch_size, config.learning_rate, config.epochs) == (16, 0.05, 5)
    assert (config.loss, config.scale, config.x, config.y) == ("mse", "standardize", "bedrooms", "price")
    assert to_query(config) == {}
    changed = BatchConfig(batch_size=1, learning_rate=0.01, epochs=3, shuffle=False, seed=4)
    query = to_query(changed)
    assert query == {"batch": "1", "lr": "0.01", "epochs": "3", "shuffle": "no", "seed": "4"}
    assert from_query(BatchConfig, query) == (changed, [])
    assert to_query(BatchConfig(batch_size=0)) == {"batch": "0"}  # page 3's default is not this page's
    assert changed.as_descent() == DescentConfig(batch_size=1, learning_rate=0.01, epochs=3, shuffle=False, seed=4)
    with pytest.raises(ValueError):
        BatchConfig(batch_size=-1)


def test_each_step_follows_the_sum_over_its_batch_rows(houses: Dataset) -> None:
    x, y = standardized(houses)
    config = BatchConfig(batch_size=16, epochs=2, seed=8)
    fit = fit_line(config, houses)
    befores, gradients, after, plan = minibatch_loop(x, y, 0.05, 16, 8, 2)
    assert len(fit.run.records) == len(plan) == 2 * math.ceil(546 / 16)
    for record, rows, before, g in zip(fit.run.records, plan, befores, gradients):
        assert list(record.rows) == rows.tolist()
        np.testing.assert_allclose(record.current, before, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(record.gradient, g, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(fit.run.final, after, rtol=1e-9, atol=1e-12)


def test_row_parts_are_each_houses_share_and_add_up_to_the_batch_gradient(houses: Dataset) -> None:
    x, y = standardized(houses)
    rows = batch_plan(len(x), 16, 8, 1)[3]
    params = (0.3, -0.2)
    parts = row_parts(params, x[rows], y[rows], "mse")  # (16, 2)
    for (slope_part, intercept_part), i in zip(parts, rows):
        e = y[i] - (0.3 * x[i] - 0.2)
        assert slope_part == pytest.approx(-2.0 * x[i] * e / 16, rel=1e-12)
        assert intercept_part == pytest.approx(-2.0 * e / 16, rel=1e-12)
    expected = [sum(-2.0 * x[i] * (y[i] - (0.3 * x[i] - 0.2)) for i in rows) / 16]
    expected += [sum(-2.0 * (y[i] - (0.3 * x[i] - 0.2)) for i in rows) / 16]
    np.testing.assert_allclose(parts.sum(axis=0), expected, rtol=1e-12)
    np.testing.assert_allclose(row_parts(params, x[rows], y[rows], "sse").sum(axis=0), np.multiply(expected, 16))


def test_the_whole_gradient_against_finite_differences_and_the_normal_equation(houses: Dataset) -> None:
    x, y = standardized(houses)
    fit = fit_line(BatchConfig(epochs=1), houses)
    X = np.column_stack([x, np.ones_like(x)])  # (546, 2)
    best = np.linalg.lstsq(X, y, rcond=None)[0]  # the normal equation's answer
    np.testing.assert_allclose(fit.best, best, rtol=1e-9, atol=1e-12)  # the intercept is 0
    np.testing.assert_allclose(fit.whole_gradient(best), [0.0, 0.0], atol=1e-12)
    for params in [(0.3, -0.2), (-1.4, 2.0), tuple(fit.run.records[7].current)]:
        residuals = y - X @ np.asarray(params)  # (546,)
        np.testing.assert_allclose(fit.whole_gradient(params), -2.0 * X.T @ residuals / len(x), rtol=1e-9, atol=1e-12)
        h = 1e-6
        numeric = [
            (mse((params[0] + h, params[1]), x, y) - mse((params[0] - h, params[1]), x, y)) / (2 * h),
            (mse((params[0], params[1] + h), x, y) - mse((params[0], params[1] - h), x, y)) / (2 * h),
        ]
        np.testing.assert_allclose(fit.whole_gradient(params), numeric, rtol=1e-6, atol=1e-8)


def test_above_bottom_is_the_loss_minus_the_least(houses: Dataset) -> None:
    x, y = standardized(houses)
    fit = fit_line(BatchConfig(epochs=1), houses)
    best = np.linalg.lstsq(np.column_stack([x, np.ones_like(x)]), y, rcond=None)[0]
    for params in [(0.3, -0.2), (-1.4, 2.0), (best[0] + 1e-3, best[1])]:
        assert above_bottom(params, fit.bowl) == pytest.approx(mse(params, x, y) - mse(best, x, y), rel=1e-6)
    slopes, intercepts = np.array([0.3, -1.4]), np.array([-0.2, 2.0])
    np.testing.assert_allclose(
        above_bottom((slopes, intercepts), fit.bowl),
        [mse(p, x, y) - mse(best, x, y) for p in zip(slopes, intercepts)],
        rtol=1e-9,
    )


@pytest.mark.parametrize("size", [16, 1, 100])
def test_the_race_on_equal_passes_and_equal_steps_against_two_loops(houses: Dataset, size: int) -> None:
    x, y = standardized(houses)
    n, lr, seed, epochs = len(x), 0.05, 3, 2
    fit = fit_line(BatchConfig(batch_size=size, epochs=epochs, seed=seed, learning_rate=lr), houses)
    steps = len(fit.run.records)
    full = full_batch_run(fit, steps)
    befores, _, after, plan = minibatch_loop(x, y, lr, size, seed, epochs)
    trail = full_loop(x, y, lr, seed, steps)
    batch_path = befores[1:] + [after]  # the parameters after each step
    losses, full_losses = losses_after(fit.run, fit.bowl), losses_after(full, fit.bowl)
    seen = rows_seen(fit.run)
    for k in sorted({1, 2, steps // 3, steps // 2 + 1, steps - 1, steps}):
        rows = sum(len(r) for r in plan[:k])
        expected_full_steps = rows // n  # full-batch steps that look at no more houses than the batches did
        result = race(losses, full_losses, seen, n, k)
        assert (result.steps, result.rows, result.full_steps) == (k, rows, expected_full_steps)
        assert result.batch_loss == pytest.approx(mse(batch_path[k - 1], x, y), rel=1e-9)
        assert result.same_steps_loss == pytest.approx(mse(trail[k], x, y), rel=1e-9)
        assert result.same_rows_loss == pytest.approx(mse(trail[expected_full_steps], x, y), rel=1e-9)
    # After one pass the batches are far ahead on the same houses looked at; the full batch is ahead on steps.
    k = math.ceil(n / size)
    one_pass = race(losses, full_losses, seen, n, k)
    assert one_pass.full_steps == 1
    if size < n // 2:
        assert one_pass.batch_loss < one_pass.same_rows_loss
        assert one_pass.same_steps_loss < one_pass.batch_loss
    gaps = gaps_after(fit.run, fit.bowl)
    assert gaps[0] == pytest.approx(losses[0] - fit.best_loss, rel=1e-9)


def test_the_full_batch_run_is_plain_descent_and_stops_cleanly_when_it_overflows(houses: Dataset) -> None:
    x, y = standardized(houses)
    fit = fit_line(BatchConfig(epochs=1, learning_rate=0.3), houses)
    full = full_batch_run(fit, 25)
    trail = full_loop(x, y, 0.3, 8, 25)
    np.testing.assert_allclose([r.new for r in full.records], trail[1:], rtol=1e-9, atol=1e-12)
    wild = fit_line(replace(BatchConfig(), learning_rate=1e6, epochs=3), houses)
    runaway = full_batch_run(wild, 500)
    assert runaway.diverged_at is not None and len(runaway.records) < 500
    losses = losses_after(runaway, wild.bowl)  # finite up to the last step, whose new line's loss may overflow
    assert np.isfinite(losses[:-1]).all() and np.all(np.diff(losses[:-1]) > 0)
