"""gdcore.descend and gdcore.fit_line checked against a plain loop, the normal equation and scikit-learn."""

from __future__ import annotations

import dataclasses
import itertools
import re

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from gdcore import (
    LEDGER_COLUMNS,
    Dataset,
    DescentConfig,
    EpochRecord,
    descend,
    fit_line,
    initial_line,
    ledger_rows,
    verdict,
    why_different,
)


def plain_descent(x, y, kind: str, lr: float, epochs: int, start) -> list[tuple]:
    """The loop a learner would write; one (current, gradient, new, loss) per epoch."""
    n = len(x) if kind == "mse" else 1
    current = np.array(start, dtype=float)
    rows = []
    for _ in range(epochs):
        e = y - (current[0] * x + current[1])  # (n,) actual - predicted
        loss = np.sum(e**2) / n
        gradient = np.array([-2.0 * np.sum(x * e), -2.0 * np.sum(e)]) / n
        new = current - lr * gradient
        rows.append((current, gradient, new, loss))
        current = new
    return rows


def population_standardize(v: np.ndarray) -> np.ndarray:
    return (v - np.mean(v)) / np.std(v, ddof=0)


def seeded_start(seed: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The documented random start, drawn from default_rng(seed).

    slope ~ Normal(0, std(y) / std(x)), intercept ~ Normal(0, std(y)).
    """
    return np.random.default_rng(seed).normal(size=2) * np.array([np.std(y) / np.std(x), np.std(y)])


def hessian_max_eigenvalue(x: np.ndarray, kind: str) -> float:
    a = np.column_stack([x, np.ones_like(x)])  # (n, 2)
    return float(np.linalg.eigvalsh(2.0 * a.T @ a / (len(x) if kind == "mse" else 1)).max())


def gradient_size(x, y, kind: str, current) -> np.ndarray:
    """2 * [sum |x * e|, sum |e|] / (n or 1): the size of the terms each gradient adds up.

    Near the minimum the terms cancel, so rounding is relative to this, not to the small result.
    """
    e = y - (current[0] * x + current[1])  # (n,)
    return 2.0 * np.array([np.sum(np.abs(x * e)), np.sum(np.abs(e))]) / (len(x) if kind == "mse" else 1)


def assert_record_matches(record: EpochRecord, expected: tuple, epoch: int, terms, rtol=1e-9) -> None:
    """Compare one record with one epoch of the plain loop; `terms` is the gradient_size there."""
    current, gradient, new, loss = expected
    assert record.epoch == epoch
    assert record.names == ("slope", "intercept")
    np.testing.assert_allclose(record.current, current, rtol=rtol, atol=rtol * np.abs(current).max())
    for got, want, size in zip(record.gradient, gradient, terms, strict=True):
        assert got == pytest.approx(want, rel=rtol, abs=rtol * size)
    for got, want, now, size in zip(record.new, new, current, terms, strict=True):
        assert got == pytest.approx(want, rel=rtol, abs=rtol * (abs(now) + record.learning_rate * size))
    assert record.loss == pytest.approx(loss, rel=rtol)


@pytest.fixture(scope="module")
def windsor_data(windsor) -> Dataset:
    x, y = windsor
    return Dataset(x=x, y=y, x_name="bedrooms", y_name="price")


CONFIGS = [
    DescentConfig(),  # the app's defaults: mse, standardized data, a random start
    DescentConfig(loss="sse", scale="standardize", learning_rate=1e-3, epochs=40, seed=9),
    DescentConfig(loss="mse", scale="none", learning_rate=0.05, epochs=30, seed=5),
    DescentConfig(
        loss="sse",
        scale="none",
        learning_rate=1e-4,
        epochs=30,
        start="typed",
        init_slope=-2500.0,
        init_intercept=12000.0,
    ),
]


def config_id(config: DescentConfig) -> str:
    return f"{config.loss}-{config.scale}-{config.start}-lr{config.learning_rate:g}"


@pytest.mark.parametrize("config", CONFIGS, ids=config_id)
def test_fit_line_records_match_a_plain_loop(config, windsor_data):
    x, y = windsor_data.x, windsor_data.y
    if config.scale == "standardize":
        x, y = population_standardize(x), population_standardize(y)
    start = (
        seeded_start(config.seed, x, y)
        if config.start == "random"
        else np.array([config.init_slope, config.init_intercept])
    )
    run = fit_line(config, windsor_data).run
    np.testing.assert_allclose(run.start, start, rtol=1e-12)
    expected = plain_descent(x, y, config.loss, config.learning_rate, config.epochs, start)
    assert len(run.records) == config.epochs
    assert run.diverged_at is None
    assert run.reason == ""
    for epoch, (record, row) in enumerate(zip(run.records, expected, strict=True), start=1):
        assert record.learning_rate == config.learning_rate
        assert_record_matches(record, row, epoch, gradient_size(x, y, config.loss, row[0]))
    assert run.final == run.records[-1].new


def test_descend_with_any_loss_matches_a_plain_loop():
    # A three-parameter bowl, L(p) = (p - c)^T Q (p - c), to show descend knows nothing about lines.
    q = np.array([[3.0, 1.0, 0.0], [1.0, 2.0, 0.5], [0.0, 0.5, 1.0]])
    centre = np.array([1.0, -2.0, 0.5])

    def loss_and_grad(p):
        d = p - centre
        return float(d @ q @ d), 2.0 * q @ d

    run = descend(loss_and_grad, [4.0, 4.0, -4.0], 0.1, 12, ("a", "b", "c"))
    p = np.array([4.0, 4.0, -4.0])
    for epoch, record in enumerate(run.records, start=1):
        d = p - centre
        gradient = 2.0 * q @ d
        assert record.epoch == epoch
        assert record.names == ("a", "b", "c")
        np.testing.assert_allclose(record.current, p, rtol=1e-14)
        np.testing.assert_allclose(record.gradient, gradient, rtol=1e-14)
        assert record.loss == pytest.approx(d @ q @ d, rel=1e-14)
        p = p - 0.1 * gradient
    assert len(run.records) == 12


@pytest.mark.parametrize("config", [*CONFIGS, DescentConfig(learning_rate=1.5, epochs=20)], ids=config_id)
def test_ledger_arithmetic_is_exact(config, windsor_data):
    records = fit_line(config, windsor_data).run.records
    for record in records:
        for current, gradient, new in zip(record.current, record.gradient, record.new, strict=True):
            assert new == current - record.learning_rate * gradient  # exact: the same two float operations
    for previous, following in itertools.pairwise(records):
        assert following.current == previous.new
        assert following.epoch == previous.epoch + 1


def test_ledger_rows_follow_the_columns(windsor_data):
    records = fit_line(DescentConfig(epochs=3), windsor_data).run.records
    assert LEDGER_COLUMNS == ("epoch", "parameter", "current", "gradient", "learning_rate", "new", "loss")
    rows = ledger_rows(records)
    assert len(rows) == 2 * len(records)
    for index, row in enumerate(rows):
        record, p = records[index // 2], index % 2
        assert row == (
            record.epoch,
            ("slope", "intercept")[p],
            record.current[p],
            record.gradient[p],
            record.learning_rate,
            record.new[p],
            record.loss,
        )


def test_long_standardized_run_lands_on_the_least_squares_line(windsor_data):
    x, y = windsor_data.x, windsor_data.y
    fit = fit_line(DescentConfig(loss="mse", learning_rate=0.1, epochs=300), windsor_data)
    slope, intercept = fit.in_data_units(fit.run.final)
    model = LinearRegression().fit(x.reshape(-1, 1), y)
    assert slope == pytest.approx(model.coef_[0], rel=1e-6)
    assert intercept == pytest.approx(model.intercept_, rel=1e-6)
    a = np.column_stack([x, np.ones_like(x)])  # (n, 2)
    normal = np.linalg.solve(a.T @ a, a.T @ y)  # (A^T A) p = A^T y
    np.testing.assert_allclose([slope, intercept], normal, rtol=1e-6)
    np.testing.assert_allclose(fit.in_data_units(fit.best), normal, rtol=1e-9)


@pytest.mark.parametrize("scale", ["none", "standardize"])
@pytest.mark.parametrize("loss", ["sse", "mse"])
def test_divergence_stops_with_finite_records_and_a_reason(loss, scale, windsor_data):
    config = DescentConfig(learning_rate=1e6, epochs=500, loss=loss, scale=scale, seed=2)
    fit = fit_line(config, windsor_data)
    run = fit.run
    assert run.diverged_at is not None
    assert 1 < run.diverged_at <= 500
    assert len(run.records) == run.diverged_at - 1
    assert run.reason.strip()
    numbers = [v for r in run.records for v in (*r.current, *r.gradient, *r.new, r.loss)]
    assert np.all(np.isfinite(numbers))
    # The epoch it stopped at really does overflow, worked out here.
    with np.errstate(all="ignore"):
        ((_, gradient, new, loss_value),) = plain_descent(
            fit.x, fit.y, loss, config.learning_rate, 1, run.records[-1].new
        )
    assert not np.all(np.isfinite([*gradient, *new, loss_value]))
    assert verdict(fit).kind == "diverged"


def steep_component(fit, current) -> float:
    """Distance to the least-squares line along the Hessian's steepest eigenvector."""
    a = np.column_stack([fit.x, np.ones_like(fit.x)])
    _, vectors = np.linalg.eigh(a.T @ a)
    best = np.linalg.lstsq(a, fit.y, rcond=None)[0]
    return float(vectors[:, -1] @ (np.asarray(current) - best))


@pytest.mark.parametrize("loss", ["sse", "mse"])
@pytest.mark.parametrize(
    ("times_one_over_h_max", "kind"),
    [
        (0.5, "converging"),
        (0.98, "converging"),
        (1.02, "oscillating"),
        (1.5, "oscillating"),
        (1.98, "oscillating"),
        (2.02, "diverging"),
        (2.5, "diverging"),
    ],
)
def test_verdict_kind_follows_the_learning_rate(loss, times_one_over_h_max, kind, windsor_data):
    h_max = hessian_max_eigenvalue(windsor_data.x, loss)  # raw data: the descent sees these x
    lr = times_one_over_h_max / h_max
    config = DescentConfig(learning_rate=lr, epochs=30, loss=loss, scale="none", seed=1)
    fit = fit_line(config, windsor_data)
    assert fit.run.diverged_at is None
    result = verdict(fit)
    assert result.kind == kind
    assert result.sentence.strip()
    assert "nan" not in result.sentence.lower()
    # What the words mean, checked on the records: along the steepest direction a converging run
    # keeps its side of the minimum, an oscillating or diverging one changes side every epoch.
    # (Only while that distance is well above rounding: near lr = 1/h_max it vanishes within a few epochs.)
    components = np.array([steep_component(fit, r.current) for r in fit.run.records])
    signs = np.sign(components[np.abs(components) > 1e-6 * np.abs(components[0])])
    assert len(signs) >= 3
    flips = signs[1:] != signs[:-1]
    assert np.all(flips) if kind != "converging" else not np.any(flips)


def test_verdict_at_exactly_the_largest_stable_rate_is_a_bounce(windsor_data):
    # Standardized x and the mean loss: the Hessian is 2I (computed here, not taken from gdcore), so at
    # lr = 2 / 2 = 1 every step lands at the mirror image of the last: the loss never changes.
    xs = (windsor_data.x - windsor_data.x.mean()) / windsor_data.x.std()
    h_max = hessian_max_eigenvalue(xs, "mse")
    fit = fit_line(DescentConfig(learning_rate=2.0 / h_max, epochs=20, loss="mse"), windsor_data)
    losses = [r.loss for r in fit.run.records]
    assert losses[-1] == pytest.approx(losses[0], rel=1e-9)
    result = verdict(fit)
    assert result.kind == "oscillating"
    assert result.sentence.startswith("Bouncing")


def test_verdict_diverged_for_a_huge_learning_rate(windsor_data):
    fit = fit_line(DescentConfig(learning_rate=1e6, epochs=500), windsor_data)
    result = verdict(fit)
    assert result.kind == "diverged"
    assert f"epoch {fit.run.diverged_at}" in result.sentence


def test_initial_line_is_deterministic_per_seed_and_differs_across_seeds(windsor):
    x, y = windsor
    assert initial_line(7, x, y) == initial_line(7, x, y)
    starts = {initial_line(seed, x, y) for seed in range(20)}
    assert len(starts) == 20
    np.testing.assert_allclose(initial_line(7, x, y), seeded_start(7, x, y), rtol=1e-12)


def test_records_are_immutable(windsor_data):
    start = np.array([0.5, -0.5])
    run = descend(lambda p: (float(p @ p), 2.0 * p), start, 0.1, 3, ("a", "b"))
    record = run.records[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.loss = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.records = ()
    for value in (run.records, run.start, record.current, record.gradient, record.new, record.names):
        assert isinstance(value, tuple)
    start[0] = 99.0  # changing the caller's array afterwards changes nothing recorded
    assert run.start == (0.5, -0.5)
    assert record.current == (0.5, -0.5)


def sklearn_line(data: Dataset) -> tuple[float, float]:
    model = LinearRegression().fit(data.x.reshape(-1, 1), data.y)
    return float(model.coef_[0]), float(model.intercept_)


def test_why_different_agrees_after_a_long_run(windsor_data):
    fit = fit_line(DescentConfig(learning_rate=0.2, epochs=200), windsor_data)
    agrees, sentence = why_different(fit, sklearn_line(windsor_data))
    assert agrees, sentence


def test_why_different_blames_divergence(windsor_data):
    fit = fit_line(DescentConfig(learning_rate=1e6, epochs=100), windsor_data)
    agrees, sentence = why_different(fit, sklearn_line(windsor_data))
    assert not agrees
    assert "diverged" in sentence
    assert "nan" not in sentence.lower()


@pytest.mark.parametrize("learning_rate", [0.05, 0.9])
def test_why_different_predicts_how_many_more_epochs_are_needed(learning_rate, windsor_data):
    # Its promise: "about N more epochs would get within 1×10⁻⁶ relative". Run them and check with sklearn.
    reference = sklearn_line(windsor_data)
    config = DescentConfig(learning_rate=learning_rate, epochs=10)
    agrees, sentence = why_different(fit_line(config, windsor_data), reference)
    assert not agrees
    more = int(re.search(r"about ([\d,]+) more epochs? would get within 1×10⁻⁶", sentence)[1].replace(",", ""))
    longer = fit_line(dataclasses.replace(config, epochs=config.epochs + more), windsor_data)
    np.testing.assert_allclose(longer.in_data_units(longer.run.final), reference, rtol=1e-6)
