"""Mini-batches: every row once per epoch, in the shuffle's own stream, and each step's gradient on its rows.

Small synthetic data sets keep this fast; the Windsor runs are in test_optimizers.py. The rule:
batch size b from 1 to n (0, or b >= n: all rows in file order, one step per epoch); otherwise
ceil(n / b) steps per epoch, all of b rows but the last, in a fresh permutation(n) per epoch drawn
from default_rng(SeedSequence(seed).spawn(1)[0]), or in file order when shuffle is off.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcore import Dataset, DescentConfig, NetworkConfig, fit_line, fit_network

N = 37
SIZES = (1, 2, 5, 36, 37, 38, 100, 545, 546, 1000, 0)


def synthetic(n: int, seed: int) -> Dataset:
    """A noisy line, y = 3x - 1 + noise, with x ~ Normal(0, 1): distinct x, so a line fits."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = 3.0 * x - 1.0 + 0.5 * rng.normal(size=n)
    return Dataset(x=x, y=y, x_name="x", y_name="y")


@pytest.fixture(scope="module")
def data() -> Dataset:
    return synthetic(N, 2024)


def line_gradient(params, x, y, kind: str):
    """(gradient (2,), size (2,)) of the line's loss on these rows: the sum for sse, the mean for mse."""
    n = len(x) if kind == "mse" else 1
    e = y - (params[0] * x + params[1])  # (rows,)
    terms = np.stack([-2.0 * x * e, -2.0 * e]) / n  # (2, rows)
    return terms.sum(axis=1), np.abs(terms).sum(axis=1)


def line_loss(params, x, y, kind: str) -> float:
    e = y - (params[0] * x + params[1])
    return float(np.sum(e**2) / (len(x) if kind == "mse" else 1))


def expected_rows(n: int, size: int, shuffle: bool, seed: int, epochs: int) -> list[list]:
    """The rows of each step of each epoch, as the rule says: a full batch is one step of range(n)."""
    if size == 0 or size >= n:
        return [[range(n)] for _ in range(epochs)]
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    plan = []
    for _ in range(epochs):
        order = rng.permutation(n) if shuffle else np.arange(n)
        plan.append([tuple(order[start : start + size].tolist()) for start in range(0, n, size)])
    return plan


def assert_partition(run, n: int, size: int, epochs: int) -> None:
    """Each epoch's batches hold every row exactly once; b rows each but the last; steps counted on."""
    full = size == 0 or size >= n
    per_epoch = 1 if full else math.ceil(n / size)
    assert run.diverged_at is None
    assert run.epochs == epochs
    assert len(run.records) == epochs * per_epoch
    assert [r.step for r in run.records] == list(range(1, epochs * per_epoch + 1))
    for k in range(1, epochs + 1):
        records = run.epoch_records(k)
        assert [r.epoch for r in records] == [k] * per_epoch
        rows = [row for r in records for row in r.rows]
        assert sorted(rows) == list(range(n))  # every row once: no repeats, none missing
        if full:
            assert records[0].rows == range(n)
        else:
            sizes = [len(r.rows) for r in records]
            assert sizes[:-1] == [size] * (per_epoch - 1)
            assert sizes[-1] == n - size * (per_epoch - 1)
            assert all(isinstance(row, int) for row in rows)


@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffled", "file-order"])
@pytest.mark.parametrize("size", SIZES)
def test_every_row_is_in_exactly_one_batch_per_epoch(size, shuffle, data):
    config = DescentConfig(scale="none", batch_size=size, shuffle=shuffle, learning_rate=0.01, epochs=3, seed=11)
    run = fit_line(config, data).run
    assert_partition(run, N, size, 3)
    by_epoch = [[r.rows for r in run.epoch_records(k)] for k in (1, 2, 3)]
    assert by_epoch == expected_rows(N, size, shuffle, 11, 3)
    first, second = ([row for rows in epoch for row in rows] for epoch in by_epoch[:2])
    if shuffle and 0 < size < N:
        assert first != second  # a fresh shuffle every epoch
        assert first != list(range(N))
    else:
        assert first == second == list(range(N))  # file order


@pytest.mark.parametrize("kind", ["sse", "mse"])
@pytest.mark.parametrize("size", [1, 4, 10, 36, 0])
def test_the_recorded_gradient_is_the_batchs_and_the_loss_the_whole_data_sets(kind, size, data):
    config = DescentConfig(
        scale="none", loss=kind, batch_size=size, learning_rate=0.002, epochs=3, optimizer="momentum", seed=4
    )
    run = fit_line(config, data).run
    assert len(run.records) == 3 * (1 if size == 0 else math.ceil(N / size))
    for record in run.records:
        rows = list(record.rows)
        gradient, terms = line_gradient(record.current, data.x[rows], data.y[rows], kind)
        for got, want, scale in zip(record.gradient, gradient, terms):
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12 * scale)
        assert record.loss == pytest.approx(line_loss(record.current, data.x, data.y, kind), rel=1e-12)
    # An mse batch gradient is a mean over the batch's own rows, not over n or over the batch size:
    # check it on the last batch, the one smaller than the rest, where those would differ.
    last = run.epoch_records(1)[-1]
    if kind == "mse" and 0 < size < N and len(last.rows) != size:
        sse_gradient, _ = line_gradient(last.current, data.x[list(last.rows)], data.y[list(last.rows)], "sse")
        np.testing.assert_allclose(last.gradient, sse_gradient / len(last.rows), rtol=1e-12)


@pytest.mark.parametrize("kind", ["sse", "mse"])
def test_the_networks_batch_gradient_is_on_its_rows(kind):
    # The network's gradient on a batch, by central differences of the batch's loss (written here).
    rng = np.random.default_rng(7)
    X = rng.normal(size=(N, 3)) * [1.0, 2.0, 50.0] + [3.0, 1.0, 500.0]  # (N, 3)
    y = X @ [1.0, -2.0, 0.01] + rng.normal(size=N)
    Xs = (X - X.mean(axis=0)) / X.std(axis=0)  # what the network sees
    ys = (y - y.mean()) / y.std()

    def loss(p, rows):
        z = Xs[rows] @ np.reshape(p[:6], (2, 3)).T + p[8:10]  # (rows, 2)
        h = 1.0 / (1.0 + np.exp(-z))
        e = ys[rows] - h @ p[6:8]
        return np.sum(e**2) / (len(rows) if kind == "mse" else 1)

    config = NetworkConfig(batch_size=8, loss=kind, epochs=2, learning_rate=0.01, optimizer="adam", seed=3)
    run = fit_network(config, X, y).run
    assert_partition(run, N, 8, 2)
    assert [[r.rows for r in run.epoch_records(k)] for k in (1, 2)] == expected_rows(N, 8, True, 3, 2)
    for record in run.records:
        rows, p = list(record.rows), np.array(record.current)
        step = 1e-6
        numeric = [(loss(p + step * e, rows) - loss(p - step * e, rows)) / (2 * step) for e in np.eye(10)]
        np.testing.assert_allclose(record.gradient, numeric, rtol=1e-6, atol=1e-8 * max(1.0, loss(p, rows)))
        assert record.loss == pytest.approx(loss(p, list(range(N))), rel=1e-12)


@settings(max_examples=60, deadline=None, database=None, derandomize=True)
@given(
    n=st.integers(2, 60),
    size=st.integers(0, 70),
    epochs=st.integers(1, 4),
    seed=st.integers(0, 2**31 - 1),
    shuffle=st.booleans(),
    kind=st.sampled_from(["sse", "mse"]),
)
def test_batches_partition_every_epoch_for_any_data(n, size, epochs, seed, shuffle, kind):
    data = synthetic(n, seed)
    lr = 1e-3 / (1 if kind == "mse" else n)  # small enough never to diverge
    config = DescentConfig(
        scale="none", loss=kind, batch_size=size, shuffle=shuffle, epochs=epochs, seed=seed, learning_rate=lr
    )
    run = fit_line(config, data).run
    assert_partition(run, n, size, epochs)
    assert len(run.records) == epochs * (1 if size == 0 else math.ceil(n / size))
    by_epoch = [[r.rows for r in run.epoch_records(k)] for k in range(1, epochs + 1)]
    assert by_epoch == expected_rows(n, size, shuffle, seed, epochs)


def test_the_step_budget_cuts_epochs_not_batches():
    from gdcore import DescentConfig
    from gdcore.experiment import WORK_BUDGET, steps_per_epoch, within_budget

    assert steps_per_epoch(DescentConfig(), 546) == 1  # full batch: one step per epoch
    assert steps_per_epoch(DescentConfig(batch_size=100), 546) == 6  # 5 of 100 and one of 46
    assert steps_per_epoch(DescentConfig(batch_size=546), 546) == 1
    one = DescentConfig(batch_size=1, epochs=500)
    cut = within_budget(one, 546)
    assert cut.epochs == WORK_BUDGET // 546 and cut.batch_size == 1 and cut.learning_rate == one.learning_rate
    assert within_budget(DescentConfig(epochs=500), 546) == DescentConfig(epochs=500)  # 500 steps: untouched
    assert within_budget(DescentConfig(batch_size=1), 10**6).epochs == 1  # never fewer than one epoch


def test_a_step_s_work_grows_with_the_model_and_the_optimizer():
    from gdcore import DescentConfig, NetworkConfig
    from gdcore.chain import ChainConfig
    from gdcore.experiment import WORK_BUDGET, step_work, within_budget

    assert step_work(DescentConfig()) == 1 and step_work(DescentConfig(optimizer="adam")) == 4
    assert step_work(NetworkConfig()) == 3
    deep = ChainConfig(depth=30, optimizer="adam", batch_size=1, epochs=100)
    assert step_work(deep) == 30 + 2 + 3
    assert within_budget(deep, 546).epochs == max(1, WORK_BUDGET // 35 // 546)  # 2 epochs of single rows
    assert within_budget(NetworkConfig(), 546) == NetworkConfig()  # the lesson's 500 full-batch epochs: untouched
