"""Optimizers, learning-rate schedules and mini-batches, each step recomputed here from the rules.

The references, written without gdcore: the line's and the network's loss and gradient, the six
torch.optim update rules at their defaults, the four schedules with a warm-up, the shuffle's own
random stream, and scikit-learn's SGDRegressor for one-row steps.

    gd        update = lr * g
    momentum  v = mu * v + g                     update = lr * v
    nesterov  v = mu * v + g                     update = lr * (g + mu * v)
    adagrad   G = G + g^2                        update = lr * g / (sqrt(G) + eps)
    rmsprop   E = alpha * E + (1 - alpha) * g^2  update = lr * g / (sqrt(E) + eps)
    adam      m = b1 m + (1 - b1) g,  v = b2 v + (1 - b2) g^2,  at step s = 1, 2, ... across epochs:
              update = lr * (m / (1 - b1^s)) / (sqrt(v / (1 - b2^s)) + eps)
    new = current - update
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import SGDRegressor

from gdcore import Dataset, DescentConfig, NetworkConfig, fit_line, fit_network

OPTIMIZERS = ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw")
EPS = {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8, "adamw": 1e-8}  # torch.optim's defaults
STATE_NAMES = {
    "gd": (),
    "momentum": ("velocity",),
    "nesterov": ("velocity",),
    "adagrad": ("sum_sq",),
    "rmsprop": ("mean_sq",),
    "adam": ("m", "v", "m_hat", "v_hat"),
}
INPUTS = ("bedrooms", "bathrms", "lotsize")
RTOL = 1e-9
SLOPE_FLOOR = 1e-6  # see network_loss_grad


# --- The references, written without gdcore ------------------------------------------------------


def standardized(v: np.ndarray) -> np.ndarray:
    """(v - mean) / population std, column by column."""
    return (v - v.mean(axis=0)) / v.std(axis=0, ddof=0)


def line_loss_grad(params, x, y, kind: str):
    """(loss, gradient (2,), size (2,)) of the line slope * x + intercept on these rows.

    size = the sum of |each row's term| of each gradient component: the scale its rounding grows with.
    """
    n = len(x) if kind == "mse" else 1
    e = y - (params[0] * x + params[1])  # (rows,) actual - predicted
    terms = np.stack([-2.0 * x * e, -2.0 * e]) / n  # (2, rows)
    return float(np.sum(e**2) / n), terms.sum(axis=1), np.abs(terms).sum(axis=1)


def act(z, name: str):
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    return np.where(z > 0, z, 0.0)


def act_slope(z, name: str):
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 / np.cosh(z) ** 2
    return np.where(z > 0, 1.0, 0.0)


def network_loss_grad(params, X, y, activation: str, kind: str):
    """(loss, gradient (10,), size (10,)) of the 3-2-1 network, backpropagation one line per parameter."""
    w1, w2, w3, w4, w5, w6, w7, w8, b1, b2 = (float(p) for p in params)
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    z1 = w1 * x1 + w2 * x2 + w3 * x3 + b1
    z2 = w4 * x1 + w5 * x2 + w6 * x3 + b2
    h1, h2 = act(z1, activation), act(z2, activation)
    n = len(y) if kind == "mse" else 1
    e = y - (w7 * h1 + w8 * h2)
    d_pred = -2.0 * e / n  # dL/dprediction, per house
    d_z1 = d_pred * w7 * act_slope(z1, activation)
    d_z2 = d_pred * w8 * act_slope(z2, activation)
    terms = np.stack(  # (10, rows): each parameter's term per house, in the order w1..w8, b1, b2
        [d_z1 * x1, d_z1 * x2, d_z1 * x3, d_z2 * x1, d_z2 * x2, d_z2 * x3, d_pred * h1, d_pred * h2, d_z1, d_z2]
    )
    # The size a term's rounding scales with. A saturated slope is known only to about 1e-16 absolute
    # when computed as 1 - tanh(z)**2 (as torch and jax compute tanh's slope, and gdcore too), so a
    # slope under SLOPE_FLOOR counts as SLOPE_FLOOR here; the reference's sech(z)**2 has no such loss.
    s1 = d_pred * w7 * np.maximum(np.abs(act_slope(z1, activation)), SLOPE_FLOOR)
    s2 = d_pred * w8 * np.maximum(np.abs(act_slope(z2, activation)), SLOPE_FLOOR)
    sizes = np.stack([s1 * x1, s1 * x2, s1 * x3, s2 * x1, s2 * x2, s2 * x3, d_pred * h1, d_pred * h2, s1, s2])
    return float(np.sum(e**2) / n), terms.sum(axis=1), np.abs(sizes).sum(axis=1)


def optimizer_step(
    name: str, g, state: dict, s: int, lr: float, mu=0.9, alpha=0.99, b1=0.9, b2=0.999, eps=None, wd=0.01, current=None
):
    """One step of torch.optim's rule `name` from the parameters `current`: (update, new state). Every state starts
    at 0."""
    eps = EPS.get(name) if eps is None else eps
    if name == "gd":
        return lr * g, {}
    if name in ("momentum", "nesterov"):
        v = mu * state.get("velocity", 0.0) + g
        return (lr * v if name == "momentum" else lr * (g + mu * v)), {"velocity": v}
    if name == "adagrad":
        total = state.get("sum_sq", 0.0) + g * g
        return lr * g / (np.sqrt(total) + eps), {"sum_sq": total}
    if name == "rmsprop":
        mean = alpha * state.get("mean_sq", 0.0) + (1.0 - alpha) * g * g
        return lr * g / (np.sqrt(mean) + eps), {"mean_sq": mean}
    m = b1 * state.get("m", 0.0) + (1.0 - b1) * g
    v = b2 * state.get("v", 0.0) + (1.0 - b2) * g * g
    m_hat, v_hat = m / (1.0 - b1**s), v / (1.0 - b2**s)
    memory = {"m": m, "v": v, "m_hat": m_hat, "v_hat": v_hat}
    if name == "adamw":  # torch.optim.AdamW: p *= 1 - lr * wd, then Adam's step from there
        new = current * (1.0 - lr * wd) - lr * m_hat / (np.sqrt(v_hat) + eps)
        return current - new, memory
    return lr * m_hat / (np.sqrt(v_hat) + eps), memory


def scheduled_rate(t: int, config) -> float:
    """Epoch t's learning rate (t = 1, 2, ...) under the config's schedule and warm-up, from the formulas."""
    lr = config.learning_rate
    if config.schedule == "step":
        lr = lr * config.gamma ** math.floor((t - 1) / config.every)
    elif config.schedule == "exponential":
        lr = lr * config.gamma ** (t - 1)
    elif config.schedule == "cosine":
        lr = config.lr_min + (lr - config.lr_min) * (1.0 + math.cos(math.pi * (t - 1) / config.epochs)) / 2.0
    if t <= config.warmup:
        lr = lr * t / config.warmup
    return lr


def shuffled_batches(n: int, size: int, shuffle: bool, seed: int, epochs: int) -> list[list]:
    """The rows of every step of every epoch: None for the full batch, else an int array per step.

    The shuffle's own stream: default_rng(SeedSequence(seed).spawn(1)[0]), one permutation(n) per epoch.
    """
    if size == 0 or size >= n:
        return [[None] for _ in range(epochs)]
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    plan = []
    for _ in range(epochs):
        order = rng.permutation(n) if shuffle else np.arange(n)
        plan.append([order[start : start + size] for start in range(0, n, size)])
    return plan


@dataclass
class Step:
    epoch: int
    step: int
    rows: np.ndarray | None  # None: all rows
    learning_rate: float
    current: np.ndarray
    gradient: np.ndarray
    size: np.ndarray  # sum of |terms| of each gradient component
    update: np.ndarray
    new: np.ndarray
    loss: float
    state: dict


def reference_run(loss_grad, start, config, n: int) -> list[Step]:
    """The whole run as the rules say. loss_grad(params, rows) -> (loss, gradient, size); rows None: all."""
    hyper = {"mu": config.momentum, "alpha": config.alpha, "b1": config.beta1, "b2": config.beta2, "eps": config.eps}
    hyper["wd"] = config.weight_decay
    plan = shuffled_batches(n, config.batch_size, config.shuffle, config.seed, config.epochs)
    current, state, s, steps = np.array(start, dtype=float), {}, 0, []
    for t, batches in enumerate(plan, start=1):
        lr = scheduled_rate(t, config)
        for rows in batches:
            s += 1
            loss = loss_grad(current, None)[0]  # on all rows
            _, gradient, size = loss_grad(current, rows)  # on this batch
            update, state = optimizer_step(config.optimizer, gradient, state, s, lr, **hyper, current=current)
            new = current - update
            steps.append(Step(t, s, rows, lr, current, gradient, size, update, new, loss, state))
            current = new
    return steps


def assert_step_matches(record, want: Step, n: int, rtol: float = RTOL) -> None:
    """One record against one reference step, to rtol relative.

    Where a value is near 0 its rounding is relative to the terms it was made of: the gradient's to
    the sum of |terms| (size), the parameters' to the largest parameter, the update's to the largest
    update plus lr times the gradient's size, each state's to its largest entry.
    """
    assert record.epoch == want.epoch
    assert record.step == want.step
    assert record.rows == (range(n) if want.rows is None else tuple(want.rows.tolist()))
    assert record.learning_rate == pytest.approx(want.learning_rate, rel=1e-14)
    np.testing.assert_allclose(record.current, want.current, rtol=rtol, atol=rtol * np.abs(want.current).max())
    for got, value, size in zip(record.gradient, want.gradient, want.size):
        assert got == pytest.approx(value, rel=rtol, abs=rtol * size)
    step_size = np.abs(want.update).max() + want.learning_rate * want.size.max()
    np.testing.assert_allclose(record.update, want.update, rtol=rtol, atol=rtol * step_size)
    np.testing.assert_allclose(record.new, want.new, rtol=rtol, atol=rtol * (np.abs(want.current).max() + step_size))
    assert record.loss == pytest.approx(want.loss, rel=rtol)
    assert [name for name, _ in record.state] == list(want.state)
    for name, values in record.state:
        expected = np.broadcast_to(want.state[name], len(want.current))
        np.testing.assert_allclose(values, expected, rtol=rtol, atol=rtol * np.abs(expected).max())


def assert_run_matches(run, steps: list[Step], n: int, epochs: int) -> None:
    assert run.diverged_at is None
    assert len(run.records) == len(steps)
    assert run.epochs == epochs
    np.testing.assert_allclose(run.start, steps[0].current, rtol=1e-12)
    for record, want in zip(run.records, steps, strict=True):
        assert_step_matches(record, want, n)
    for k in range(1, epochs + 1):  # the epoch views agree with the steps' epoch numbers
        assert [r.step for r in run.epoch_records(k)] == [w.step for w in steps if w.epoch == k]
        assert run.after(k) == run.epoch_records(k)[-1].new


# --- Data ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def windsor_data(windsor) -> Dataset:
    x, y = windsor
    return Dataset(x=x, y=y, x_name="bedrooms", y_name="price")


@pytest.fixture(scope="module")
def houses(repo_root) -> tuple[np.ndarray, np.ndarray]:
    """(X (546, 3) bedrooms, bathrms, lotsize; y (546,) price), read with pandas, read-only."""
    frame = pd.read_csv(repo_root / "data" / "windsor_housing.csv")
    X = frame[list(INPUTS)].to_numpy(dtype=float)
    y = frame["price"].to_numpy(dtype=float)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def line_reference(config: DescentConfig, windsor) -> list[Step]:
    x, y = windsor
    if config.scale == "standardize":
        x, y = standardized(x), standardized(y)
    if config.start == "random":
        start = np.random.default_rng(config.seed).normal(size=2) * np.array([np.std(y) / np.std(x), np.std(y)])
    else:
        start = np.array([config.init_slope, config.init_intercept])

    def loss_grad(params, rows):
        return (
            line_loss_grad(params, x, y, config.loss)
            if rows is None
            else line_loss_grad(params, x[rows], y[rows], config.loss)
        )

    return reference_run(loss_grad, start, config, len(x))


def network_reference(config: NetworkConfig, houses) -> list[Step]:
    X, y = standardized(houses[0]), standardized(houses[1])
    start = np.random.default_rng(config.seed).normal(size=10)

    def loss_grad(params, rows):
        Xb, yb = (X, y) if rows is None else (X[rows], y[rows])
        return network_loss_grad(params, Xb, yb, config.activation, config.loss)

    return reference_run(loss_grad, start, config, len(y))


# --- 1. Every optimizer on the line, full batch --------------------------------------------------

LINE_CONFIGS = [
    *(
        pytest.param(DescentConfig(optimizer=name, learning_rate=0.05, epochs=15, seed=3), id=f"{name}-mse-std")
        for name in OPTIMIZERS
    ),
    pytest.param(
        DescentConfig(optimizer="gd", loss="sse", scale="none", learning_rate=1e-5, epochs=15, seed=5),
        id="gd-sse-raw",
    ),
    pytest.param(
        DescentConfig(optimizer="adam", loss="sse", scale="none", learning_rate=1e-3, epochs=15, seed=5),
        id="adam-sse-raw",
    ),
    pytest.param(
        DescentConfig(optimizer="rmsprop", loss="sse", scale="none", learning_rate=1e-3, epochs=15, seed=6),
        id="rmsprop-sse-raw",
    ),
    # Hyperparameters away from their defaults, so the config's own values are seen to be used.
    pytest.param(DescentConfig(optimizer="nesterov", momentum=0.5, learning_rate=0.05, epochs=15), id="nesterov-mu0.5"),
    pytest.param(DescentConfig(optimizer="adagrad", eps=1e-3, learning_rate=0.1, epochs=15), id="adagrad-eps1e-3"),
    pytest.param(
        DescentConfig(optimizer="rmsprop", alpha=0.9, eps=1e-4, learning_rate=0.01, epochs=15), id="rmsprop-alpha0.9"
    ),
    pytest.param(
        DescentConfig(optimizer="adam", beta1=0.5, beta2=0.9, eps=1e-2, learning_rate=0.05, epochs=15),
        id="adam-b1-0.5-b2-0.9",
    ),
    pytest.param(
        DescentConfig(optimizer="adamw", weight_decay=0.3, beta1=0.8, eps=1e-3, learning_rate=0.05, epochs=15),
        id="adamw-wd0.3",
    ),
]


@pytest.mark.parametrize("config", LINE_CONFIGS)
def test_line_full_batch_steps_follow_the_rules(config, windsor_data, windsor):
    run = fit_line(config, windsor_data).run
    steps = line_reference(config, windsor)
    assert len(steps) == config.epochs  # one step per epoch
    assert_run_matches(run, steps, 546, config.epochs)


def test_the_first_adaptive_steps_are_about_lr_in_size(windsor_data):
    # A check of the rules' meaning, not only their arithmetic: Adam's first step is lr * g / |g| per
    # parameter (up to eps), whatever the size of g; so is Adagrad's and, with 1 - alpha = 0.01, RMSProp's is 10x.
    for name, factor in (("adam", 1.0), ("adagrad", 1.0), ("rmsprop", 10.0)):
        config = DescentConfig(optimizer=name, loss="sse", scale="none", learning_rate=1e-3, epochs=1)
        (record,) = fit_line(config, windsor_data).run.records
        np.testing.assert_allclose(np.abs(record.update), factor * 1e-3, rtol=1e-6)
        assert np.all(np.sign(record.update) == np.sign(record.gradient))


# --- 2. Every optimizer on the network, full batch -----------------------------------------------

NETWORK_CONFIGS = [
    *(
        pytest.param(NetworkConfig(optimizer=name, learning_rate=0.05, epochs=10), id=f"{name}-sigmoid")
        for name in OPTIMIZERS
    ),
    pytest.param(NetworkConfig(optimizer="adam", activation="tanh", epochs=10, seed=2), id="adam-tanh"),
    pytest.param(NetworkConfig(optimizer="momentum", activation="relu", epochs=10, seed=4), id="momentum-relu"),
    pytest.param(NetworkConfig(optimizer="rmsprop", activation="relu", epochs=10, seed=1), id="rmsprop-relu"),
    pytest.param(
        NetworkConfig(optimizer="nesterov", activation="tanh", loss="sse", learning_rate=1e-4, epochs=10, seed=3),
        id="nesterov-tanh-sse",
    ),
]


@pytest.mark.parametrize("config", NETWORK_CONFIGS)
def test_network_full_batch_steps_follow_the_rules(config, houses):
    run = fit_network(config, *houses).run
    steps = network_reference(config, houses)
    assert len(steps) == config.epochs
    assert_run_matches(run, steps, 546, config.epochs)


# --- 3. Mini-batches with the optimizers ---------------------------------------------------------


@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffled", "file-order"])
@pytest.mark.parametrize("loss", ["mse", "sse"])
@pytest.mark.parametrize("optimizer", ["momentum", "adam", "nesterov"])
def test_line_mini_batches_follow_the_rules(optimizer, loss, shuffle, windsor_data, windsor):
    lr = 0.05 if loss == "mse" else 5e-4
    config = DescentConfig(optimizer=optimizer, loss=loss, batch_size=100, shuffle=shuffle, learning_rate=lr, epochs=8)
    run = fit_line(config, windsor_data).run
    steps = line_reference(config, windsor)
    assert len(steps) == 6 * 8  # 546 rows in batches of 100: 5 of 100 and one of 46 per epoch
    assert [len(r.rows) for r in run.epoch_records(1)] == [100, 100, 100, 100, 100, 46]
    assert [r.step for r in run.records] == list(range(1, 49))  # s runs on across epochs
    assert_run_matches(run, steps, 546, 8)


@pytest.mark.parametrize("shuffle", [True, False], ids=["shuffled", "file-order"])
@pytest.mark.parametrize("optimizer", ["momentum", "adam", "adagrad"])
def test_network_mini_batches_follow_the_rules(optimizer, shuffle, houses):
    config = NetworkConfig(optimizer=optimizer, batch_size=100, shuffle=shuffle, epochs=6, seed=5)
    run = fit_network(config, *houses).run
    steps = network_reference(config, houses)
    assert len(steps) == 6 * 6
    assert_run_matches(run, steps, 546, 6)


def test_adam_bias_correction_counts_steps_across_epochs(windsor_data, windsor):
    # With m_hat = m / (1 - b1^s), s restarting at 1 every epoch would give a different second epoch.
    config = DescentConfig(optimizer="adam", batch_size=300, shuffle=False, learning_rate=0.05, epochs=2)
    records = fit_line(config, windsor_data).run.records
    assert [(r.epoch, r.step) for r in records] == [(1, 1), (1, 2), (2, 3), (2, 4)]
    m = dict(records[2].state)["m"]
    m_hat = dict(records[2].state)["m_hat"]
    np.testing.assert_allclose(m_hat, np.array(m) / (1 - 0.9**3), rtol=1e-12)
    assert_step_matches(records[3], line_reference(config, windsor)[3], 546)


# --- 4. Schedules --------------------------------------------------------------------------------

SCHEDULE_SETTINGS = {"learning_rate": 0.1, "epochs": 12, "gamma": 0.7, "every": 4, "lr_min": 0.01}


@pytest.mark.parametrize("warmup", [0, 3])
@pytest.mark.parametrize("schedule", ["constant", "step", "exponential", "cosine"])
def test_each_epochs_rate_follows_the_schedule(schedule, warmup, windsor_data, windsor):
    config = DescentConfig(schedule=schedule, warmup=warmup, **SCHEDULE_SETTINGS)
    run = fit_line(config, windsor_data).run
    rates = [scheduled_rate(t, config) for t in range(1, 13)]
    assert [r.learning_rate for r in run.records] == pytest.approx(rates, rel=1e-14)
    for record in run.records:  # gd: the step is this epoch's rate times the gradient
        for current, gradient, update, new in zip(record.current, record.gradient, record.update, record.new):
            assert update == record.learning_rate * gradient
            assert new == current - update
    assert_run_matches(run, line_reference(config, windsor), 546, 12)
    if schedule in ("exponential", "cosine"):  # after the warm-up, every epoch a little slower
        assert all(later < earlier for earlier, later in itertools.pairwise(rates[3:]))
    if warmup:
        assert all(earlier < later for earlier, later in itertools.pairwise(rates[:3]))


def test_the_named_values_of_the_schedules(windsor_data):
    # A few rates worked out by hand, so the formula above is not checked only against itself.
    def rates(**settings):
        config = DescentConfig(**{**SCHEDULE_SETTINGS, **settings})
        return [r.learning_rate for r in fit_line(config, windsor_data).run.records]

    assert rates(schedule="step")[:9] == pytest.approx([0.1] * 4 + [0.07] * 4 + [0.049], rel=1e-14)
    assert rates(schedule="exponential")[:3] == pytest.approx([0.1, 0.07, 0.049], rel=1e-14)
    cosine = rates(schedule="cosine")
    assert cosine[0] == 0.1
    assert cosine[6] == pytest.approx(0.055, rel=1e-14)  # t = 7: cos(pi / 2) = 0, halfway from 0.1 to 0.01
    assert rates(schedule="constant", warmup=4)[:6] == pytest.approx([0.025, 0.05, 0.075, 0.1, 0.1, 0.1], rel=1e-14)


@pytest.mark.parametrize("schedule", ["step", "cosine"])
def test_a_schedule_with_mini_batches_and_adam_keeps_the_rate_within_an_epoch(schedule, windsor_data, windsor):
    config = DescentConfig(
        optimizer="adam", schedule=schedule, warmup=2, batch_size=200, **{**SCHEDULE_SETTINGS, "epochs": 6}
    )
    run = fit_line(config, windsor_data).run
    for k in range(1, 7):
        assert {r.learning_rate for r in run.epoch_records(k)} == {run.epoch_records(k)[0].learning_rate}
    assert_run_matches(run, line_reference(config, windsor), 546, 6)


# --- 5. One row per step against scikit-learn ---------------------------------------------------


def test_one_row_steps_match_sklearns_sgd_regressor(windsor_data, windsor):
    # sklearn's squared_error is half the squared error, so its gradient is half ours: our rate
    # eta0 / 2 takes the same steps as its eta0. Both update the slope and the intercept from the
    # same row's error, in file order, one row at a time.
    eta0, epochs, slope0, intercept0 = 0.01, 3, -0.8, 0.6
    x, y = standardized(windsor[0]), standardized(windsor[1])
    config = DescentConfig(
        batch_size=1,
        shuffle=False,
        loss="mse",
        learning_rate=eta0 / 2,
        epochs=epochs,
        start="typed",
        init_slope=slope0,
        init_intercept=intercept0,
    )
    run = fit_line(config, windsor_data).run
    assert len(run.records) == epochs * 546
    assert [r.rows for r in run.epoch_records(2)] == [(i,) for i in range(546)]
    for k in range(1, epochs + 1):
        # tol=None: no stopping rule, so max_iter=k is exactly k passes, and sklearn warns only when
        # tol is set (ConvergenceWarning); filterwarnings=error would turn any warning into a failure.
        model = SGDRegressor(
            loss="squared_error",
            penalty=None,
            learning_rate="constant",
            eta0=eta0,
            shuffle=False,
            tol=None,
            max_iter=k,
            fit_intercept=True,
        )
        model.fit(x.reshape(-1, 1), y, coef_init=np.array([slope0]), intercept_init=np.array([intercept0]))
        assert model.n_iter_ == k
        # Both work in float64, one row at a time, and agree to the last bit here; 1e-10 relative
        # leaves room for a different order of operations (sklearn computes eta * (p - y) * x, we
        # lr * -2 * x * (y - p)), whose rounding, an ulp or so per step over 546 * k steps, stays far below it.
        np.testing.assert_allclose(run.after(k), [model.coef_[0], model.intercept_[0]], rtol=1e-10, atol=1e-12)
    assert run.after(epochs) != run.after(epochs - 1)


# --- 6. The batch size never moves the start; the seed moves the shuffle -------------------------


def test_the_batch_size_does_not_change_the_start(windsor_data, houses):
    starts = {fit_line(DescentConfig(batch_size=b, epochs=1), windsor_data).run.start for b in (0, 1, 7, 546)}
    assert len(starts) == 1
    x, y = standardized(windsor_data.x), standardized(windsor_data.y)
    np.testing.assert_allclose(
        starts.pop(), np.random.default_rng(8).normal(size=2) * [np.std(y) / np.std(x), np.std(y)], rtol=1e-12
    )
    network_starts = {fit_network(NetworkConfig(batch_size=b, epochs=1), *houses).run.start for b in (0, 1, 7, 546)}
    assert network_starts == {tuple(np.random.default_rng(0).normal(size=10))}


def test_the_seed_changes_the_shuffle(windsor_data):
    def rows_by_epoch(seed):
        run = fit_line(DescentConfig(batch_size=7, epochs=2, seed=seed), windsor_data).run
        return [r.rows for r in run.epoch_records(1)], [r.rows for r in run.epoch_records(2)]

    first, second = rows_by_epoch(8), rows_by_epoch(9)
    assert first != second
    assert rows_by_epoch(8) == first  # and the same seed, the same shuffle
    assert first[0] != first[1]  # a fresh shuffle each epoch
    want = shuffled_batches(546, 7, True, 9, 2)
    assert second == tuple([tuple(rows.tolist()) for rows in epoch] for epoch in want)


# --- 7. The defaults are still plain gradient descent, bit for bit -------------------------------


def assert_plain(run, n: int, epochs: int) -> None:
    assert run.diverged_at is None
    assert len(run.records) == epochs
    for k, record in enumerate(run.records, start=1):
        assert (record.epoch, record.step) == (k, k)
        assert record.rows == range(n)
        assert record.state == ()
        for current, gradient, update, new in zip(record.current, record.gradient, record.update, record.new):
            assert update == record.learning_rate * gradient
            assert new == current - record.learning_rate * gradient


def test_the_default_line_run_is_plain_gradient_descent(windsor_data, windsor):
    config = DescentConfig()
    run = fit_line(config, windsor_data).run
    assert_plain(run, 546, 40)
    assert {r.learning_rate for r in run.records} == {0.2}
    assert_run_matches(run, line_reference(config, windsor), 546, 40)


def test_the_default_network_run_is_plain_gradient_descent(houses):
    config = NetworkConfig(epochs=30)
    run = fit_network(config, *houses).run
    assert_plain(run, 546, 30)
    assert {r.learning_rate for r in run.records} == {0.05}
    assert_run_matches(run, network_reference(config, houses), 546, 30)


# --- 6. Data the project has never seen: every optimizer x schedule x batch size ----------------


@pytest.fixture(scope="module")
def unseen() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """37 made-up rows, drawn here: x (37,) for the line, X (37, 3) for the network, and y (37,).

    37 is prime, so no batch size below it divides it and every epoch ends on a short batch.
    """
    rng = np.random.default_rng(20261123)
    X = rng.normal([3.0, -40.0, 1e4], [1.0, 15.0, 3e3], size=(37, 3))  # three scales, like rooms, degrees, feet
    y = 2.5 * X[:, 0] - 0.04 * X[:, 1] + 1e-4 * X[:, 2] + rng.normal(0, 0.5, size=37)
    for array in (X, y):
        array.setflags(write=False)
    return X[:, 0].copy(), X, y


SCHEDULES = [
    {"schedule": "constant"},
    {"schedule": "step", "gamma": 0.5, "every": 2},
    {"schedule": "exponential", "gamma": 0.8, "warmup": 2},
    {"schedule": "cosine", "lr_min": 0.001},
]


@pytest.mark.parametrize("batch_size", [0, 5, 1], ids=["full", "batch5", "batch1"])
@pytest.mark.parametrize("schedule", SCHEDULES, ids=[s["schedule"] for s in SCHEDULES])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_setting_on_unseen_data_follows_the_rules_for_the_line(optimizer, schedule, batch_size, unseen):
    x, _, y = unseen
    config = DescentConfig(
        optimizer=optimizer,
        batch_size=batch_size,
        learning_rate=0.05,
        epochs=4,
        seed=3,
        x="rooms",
        y="value",
        **schedule,
    )
    run = fit_line(config, Dataset(x=x, y=y, x_name="rooms", y_name="value")).run
    assert_run_matches(run, line_reference(config, (x, y)), 37, 4)


@pytest.mark.parametrize("batch_size", [0, 5, 1], ids=["full", "batch5", "batch1"])
@pytest.mark.parametrize("schedule", SCHEDULES, ids=[s["schedule"] for s in SCHEDULES])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_every_setting_on_unseen_data_follows_the_rules_for_the_network(optimizer, schedule, batch_size, unseen):
    _, X, y = unseen
    config = NetworkConfig(
        optimizer=optimizer, batch_size=batch_size, learning_rate=0.05, epochs=3, seed=5, activation="tanh", **schedule
    )
    run = fit_network(config, X, y).run
    assert_run_matches(run, network_reference(config, (X, y)), 37, 3)
