"""gdcore.network and fit_network / restart_losses, each number recomputed here.

The references: the docstring's equations written out per house, a backpropagation written with one
line per parameter, central finite differences, and a two-house epoch worked by hand with math.exp.

    h1 = act(w1*x1 + w2*x2 + w3*x3 + b1)
    h2 = act(w4*x1 + w5*x2 + w6*x3 + b2)
    prediction = w7*h1 + w8*h2          params = (w1, ..., w8, b1, b2)
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

import gdcore
from gdcore import network
from gdcore.data import DataError, standardize_columns
from gdcore.descent import descend
from gdcore.network import NetworkConfig, fit_network, restart_losses

NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")
ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("sse", "mse")
INPUTS = ("bedrooms", "bathrms", "lotsize")


# --- The references, written without gdcore ------------------------------------------------------


def act(z, name: str):
    """sigmoid 1 / (1 + e^-z), tanh, relu max(z, 0); z a float or an array."""
    with np.errstate(over="ignore"):  # e^-z = inf for z < -709 gives the right limit, 0
        if name == "sigmoid":
            return 1.0 / (1.0 + np.exp(-z))
        if name == "tanh":
            return np.tanh(z)
    return np.where(z > 0, z, 0.0)


def act_slope(z, name: str):
    """d act / dz: s (1 - s) for sigmoid, 1 / cosh^2 for tanh, the step 1 (z > 0) or 0 for relu."""
    with np.errstate(over="ignore"):  # cosh(z) = inf for |z| > 710 gives the right limit, 0
        if name == "sigmoid":
            s = 1.0 / (1.0 + np.exp(-z))
            return s * (1.0 - s)
        if name == "tanh":
            return 1.0 / np.cosh(z) ** 2
    return np.where(z > 0, 1.0, 0.0)


def standardized(values: np.ndarray) -> np.ndarray:
    """(value - mean) / population std (ddof=0), column by column, written out."""
    n = len(values)
    mean = values.sum(axis=0) / n
    return (values - mean) / np.sqrt(((values - mean) ** 2).sum(axis=0) / n)


def forward_by_hand(params, X: np.ndarray, activation: str):
    """The docstring's equations, one line each: z1, z2, h1, h2 and the prediction, each (n,)."""
    w1, w2, w3, w4, w5, w6, w7, w8, b1, b2 = (float(p) for p in params)
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    z1 = w1 * x1 + w2 * x2 + w3 * x3 + b1
    z2 = w4 * x1 + w5 * x2 + w6 * x3 + b2
    h1, h2 = act(z1, activation), act(z2, activation)
    return z1, z2, h1, h2, w7 * h1 + w8 * h2


def loss_by_hand(params, X, y, activation: str, kind: str) -> float:
    e = y - forward_by_hand(params, X, activation)[4]  # (n,)
    return float(np.sum(e * e) / (len(y) if kind == "mse" else 1))


def backprop_by_hand(params, X, y, activation: str, kind: str):
    """(loss, gradient (10,), size (10,)): the chain rule with one line per parameter.

    size[k] = sum over houses of |the house's term|: the scale rounding errors of the sum grow with.
    """
    w7, w8 = float(params[6]), float(params[7])
    z1, z2, h1, h2, prediction = forward_by_hand(params, X, activation)
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    n = len(y) if kind == "mse" else 1
    e = y - prediction
    d_pred = -2.0 * e / n  # dL/dprediction, per house
    d_z1 = d_pred * w7 * act_slope(z1, activation)  # dL/dz1
    d_z2 = d_pred * w8 * act_slope(z2, activation)
    terms = [
        d_z1 * x1,  # w1
        d_z1 * x2,  # w2
        d_z1 * x3,  # w3
        d_z2 * x1,  # w4
        d_z2 * x2,  # w5
        d_z2 * x3,  # w6
        d_pred * h1,  # w7
        d_pred * h2,  # w8
        d_z1,  # b1
        d_z2,  # b2
    ]
    gradient = np.array([np.sum(t) for t in terms])
    size = np.array([np.sum(np.abs(t)) for t in terms])
    return float(np.sum(e * e) / n), gradient, size


def forward_one_house(params, x, activation: str):
    """The same equations for one house, in plain floats with math: (z1, z2, h1, h2, prediction)."""
    w1, w2, w3, w4, w5, w6, w7, w8, b1, b2 = (float(p) for p in params)
    functions = {"sigmoid": lambda z: 1.0 / (1.0 + math.exp(-z)), "tanh": math.tanh, "relu": lambda z: max(z, 0.0)}
    f = functions[activation]
    z1 = w1 * x[0] + w2 * x[1] + w3 * x[2] + b1
    z2 = w4 * x[0] + w5 * x[1] + w6 * x[2] + b2
    return z1, z2, f(z1), f(z2), w7 * f(z1) + w8 * f(z2)


def backprop_loop(params, X, y, activation: str, kind: str) -> tuple[float, list[float]]:
    """Loss and gradient with a loop over the houses, accumulating each parameter's term."""
    slopes = {
        "sigmoid": lambda z: math.exp(-z) / (1.0 + math.exp(-z)) ** 2,
        "tanh": lambda z: 1.0 - math.tanh(z) ** 2,
        "relu": lambda z: 1.0 if z > 0 else 0.0,
    }
    slope = slopes[activation]
    w7, w8 = float(params[6]), float(params[7])
    n = len(y) if kind == "mse" else 1
    total, grad = 0.0, [0.0] * 10
    for x, target in zip(X, y):
        z1, z2, h1, h2, prediction = forward_one_house(params, x, activation)
        error = float(target) - prediction
        total += error * error / n
        d_pred = -2.0 * error / n
        d_z1, d_z2 = d_pred * w7 * slope(z1), d_pred * w8 * slope(z2)
        house = [d_z1 * x[0], d_z1 * x[1], d_z1 * x[2], d_z2 * x[0], d_z2 * x[1], d_z2 * x[2]]
        house += [d_pred * h1, d_pred * h2, d_z1, d_z2]
        grad = [g + t for g, t in zip(grad, house)]
    return total, grad


def central_differences(f, params, eps: float = 1e-6) -> np.ndarray:
    """(f(p + eps e_k) - f(p - eps e_k)) / (the step actually taken) for each parameter k."""
    p = np.asarray(params, dtype=float)
    grad = np.empty(len(p))
    for k in range(len(p)):
        up, down = p.copy(), p.copy()
        up[k] += eps
        down[k] -= eps
        grad[k] = (f(up) - f(down)) / (up[k] - down[k])
    return grad


def assert_near(got, want, rtol: float, atol) -> None:
    """|got - want| <= atol + rtol * |want| elementwise; atol may differ per parameter."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    bound = np.asarray(atol) + rtol * np.abs(want)
    assert np.all(np.abs(got - want) <= bound), f"\n got {got}\nwant {want}\n off {np.abs(got - want)}\nbound {bound}"


def params_away_from_kinks(X: np.ndarray, seed: int, margin: float = 1e-3) -> np.ndarray:
    """Normal(0, 1) parameters where no house has |z1| or |z2| below `margin`, and each node is
    switched on for some houses and off for others, so relu's gradient is smooth and not trivially 0."""
    rng = np.random.default_rng(seed)
    for _ in range(500):
        params = rng.normal(size=10)
        z1, z2 = forward_by_hand(params, X, "relu")[:2]
        if min(np.abs(z1).min(), np.abs(z2).min()) > margin and all((z > 0).any() and (z < 0).any() for z in (z1, z2)):
            return params
    raise AssertionError("no draw of the parameters stays away from relu's kink")


# --- Data ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def windsor_raw() -> tuple[np.ndarray, np.ndarray]:
    """bedrooms, bathrms, lotsize (546, 3) and price (546,), read with pandas, not gdcore's loader."""
    frame = pd.read_csv(gdcore.WINDSOR)
    X = frame[list(INPUTS)].to_numpy(dtype=float)
    y = frame["price"].to_numpy(dtype=float)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


@pytest.fixture(scope="module")
def windsor_std(windsor_raw) -> tuple[np.ndarray, np.ndarray]:
    X, y = windsor_raw
    return standardized(X), standardized(y)


def small_random() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20240611)
    return rng.normal(size=(7, 3)), rng.normal(size=7)


def data_and_params(which: str, activation: str, windsor_std, seed: int = 1):
    X, y = windsor_std if which == "windsor" else small_random()
    params = params_away_from_kinks(X, seed) if activation == "relu" else np.random.default_rng(seed).normal(size=10)
    return X, y, params


# --- The references themselves -------------------------------------------------------------------


def test_the_references_agree_with_each_other():
    """The loop over houses and the one-line-per-parameter backprop are two ways to write the same sums."""
    X, y = small_random()
    for activation in ACTIVATIONS:
        params = params_away_from_kinks(X, 3) if activation == "relu" else np.random.default_rng(3).normal(size=10)
        for kind in LOSSES:
            loss_loop, grad_loop = backprop_loop(params, X, y, activation, kind)
            loss_vec, grad_vec, size = backprop_by_hand(params, X, y, activation, kind)
            assert loss_loop == pytest.approx(loss_vec, rel=1e-13)
            assert_near(grad_loop, grad_vec, rtol=1e-12, atol=1e-14 * size)


def test_numerical_gradient_of_a_known_function():
    # f = 3 sin(p0) + p0 p1^2 + exp(p2) - p3^4 / 4: df = (3 cos p0 + p1^2, 2 p0 p1, exp p2, -p3^3)
    def f(p):
        return 3.0 * math.sin(p[0]) + p[0] * p[1] ** 2 + math.exp(p[2]) - p[3] ** 4 / 4.0

    p = np.array([0.7, -1.3, 0.4, 2.0])
    exact = [3.0 * math.cos(0.7) + 1.69, 2.0 * 0.7 * -1.3, math.exp(0.4), -8.0]
    np.testing.assert_allclose(network.numerical_gradient(f, p), exact, rtol=1e-8)


def test_numerical_gradient_uses_central_differences_with_the_given_step():
    # For p^3 the central difference is exactly 3 p^2 + eps^2: the eps^2 shows which eps was used
    # (a forward difference would give 3 p^2 + 3 p eps + eps^2).
    def cube(p):
        return p[0] ** 3

    for eps in (1e-2, 1e-1):
        got = network.numerical_gradient(cube, [2.0], eps=eps)
        assert got[0] == pytest.approx(12.0 + eps**2, rel=1e-10)


# --- The forward pass ----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_forward_matches_the_equations_house_by_house(activation):
    X, _ = small_random()
    params = np.random.default_rng(5).normal(size=10)
    z, h, prediction = network.forward(params, X, activation)
    assert z.shape == h.shape == (7, 2)
    assert prediction.shape == (7,)
    for i, x in enumerate(X):
        z1, z2, h1, h2, want = forward_one_house(params, x, activation)
        assert z[i] == pytest.approx([z1, z2], rel=1e-13, abs=1e-15)
        assert h[i] == pytest.approx([h1, h2], rel=1e-13, abs=1e-15)
        assert prediction[i] == pytest.approx(want, rel=1e-13, abs=1e-15)
    np.testing.assert_allclose(network.predict(params, X, activation), prediction, rtol=0)


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_loss_matches_the_equations_on_windsor(activation, kind, windsor_std):
    X, y = windsor_std
    params = np.random.default_rng(8).normal(size=10)
    z1, z2, h1, h2, prediction = forward_by_hand(params, X, activation)
    np.testing.assert_allclose(network.predict(params, X, activation), prediction, rtol=1e-12, atol=1e-14)
    assert network.loss(params, X, y, activation, kind) == pytest.approx(
        loss_by_hand(params, X, y, activation, kind), rel=1e-12
    )


def test_the_loss_is_the_mean_by_default_and_sse_is_n_times_mse(windsor_std):
    X, y = windsor_std
    params = np.random.default_rng(2).normal(size=10)
    mse = loss_by_hand(params, X, y, "tanh", "mse")
    assert network.loss(params, X, y, "tanh") == pytest.approx(mse, rel=1e-12)
    assert network.loss(params, X, y, "tanh", "sse") == pytest.approx(546 * mse, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 42])
def test_initial_params_are_ten_normal_draws_from_the_seed(seed):
    want = np.random.default_rng(seed).normal(0.0, 1.0, size=10)
    np.testing.assert_array_equal(network.initial_params(seed), want)
    assert not np.array_equal(network.initial_params(seed), network.initial_params(seed + 1))


# --- The gradient --------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["windsor", "random"])
@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_loss_grad_matches_central_differences(activation, kind, which, windsor_std):
    X, y, params = data_and_params(which, activation, windsor_std)
    got = network.loss_grad(params, X, y, activation, kind)
    want = central_differences(lambda p: loss_by_hand(p, X, y, activation, kind), params)
    size = backprop_by_hand(params, X, y, activation, kind)[2]
    assert got.shape == (10,)
    assert np.all(got != 0)  # every entry carries information (relu's nodes are on for some houses)
    # Central differences err by eps^2 f''' / 6 (~1e-12 relative) plus the loss's rounding / eps
    # (~1e-16 * loss / 1e-6); the absolute floor covers an entry whose houses' terms cancel.
    assert_near(got, want, rtol=1e-6, atol=1e-7 * size)


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_loss_grad_matches_backprop_written_here(activation, kind, windsor_std):
    for which in ("windsor", "random"):
        X, y, params = data_and_params(which, activation, windsor_std, seed=4)
        _, want, size = backprop_by_hand(params, X, y, activation, kind)
        assert_near(network.loss_grad(params, X, y, activation, kind), want, rtol=1e-10, atol=1e-12 * size)
    X, y = small_random()  # and the loop over houses, on the small data
    params = params_away_from_kinks(X, 4) if activation == "relu" else np.random.default_rng(4).normal(size=10)
    _, want = backprop_loop(params, X, y, activation, kind)
    size = backprop_by_hand(params, X, y, activation, kind)[2]
    assert_near(network.loss_grad(params, X, y, activation, kind), want, rtol=1e-10, atol=1e-12 * size)


# --- One epoch worked by hand ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOSSES)
def test_one_epoch_by_hand_two_houses_sigmoid(kind):
    """Two houses, three inputs, given parameters, sigmoid: every number in scalar arithmetic."""
    X = np.array([[1.0, 2.0, -1.0], [-0.5, 1.0, 3.0]])
    y = np.array([2.0, -1.0])
    w1, w2, w3, w4, w5, w6, w7, w8, b1, b2 = 0.2, -0.1, 0.4, -0.3, 0.5, 0.1, 1.5, -0.7, 0.05, -0.2
    params = np.array([w1, w2, w3, w4, w5, w6, w7, w8, b1, b2])
    lr = 0.1
    n = 2 if kind == "mse" else 1

    def sig(z: float) -> float:
        return 1.0 / (1.0 + math.exp(-z))

    # House A: x = (1, 2, -1), y = 2.
    zA1 = w1 * 1.0 + w2 * 2.0 + w3 * -1.0 + b1  # 0.2 - 0.2 - 0.4 + 0.05 = -0.35
    zA2 = w4 * 1.0 + w5 * 2.0 + w6 * -1.0 + b2  # -0.3 + 1.0 - 0.1 - 0.2 = 0.4
    assert (zA1, zA2) == pytest.approx((-0.35, 0.4), abs=1e-15)
    hA1, hA2 = sig(zA1), sig(zA2)
    predA = w7 * hA1 + w8 * hA2
    dA = -2.0 * (2.0 - predA) / n  # dL/dprediction for house A
    sA1, sA2 = hA1 * (1.0 - hA1), hA2 * (1.0 - hA2)  # sigmoid' = s (1 - s)
    # House B: x = (-0.5, 1, 3), y = -1.
    zB1 = w1 * -0.5 + w2 * 1.0 + w3 * 3.0 + b1  # -0.1 - 0.1 + 1.2 + 0.05 = 1.05
    zB2 = w4 * -0.5 + w5 * 1.0 + w6 * 3.0 + b2  # 0.15 + 0.5 + 0.3 - 0.2 = 0.75
    assert (zB1, zB2) == pytest.approx((1.05, 0.75), abs=1e-15)
    hB1, hB2 = sig(zB1), sig(zB2)
    predB = w7 * hB1 + w8 * hB2
    dB = -2.0 * (-1.0 - predB) / n
    sB1, sB2 = hB1 * (1.0 - hB1), hB2 * (1.0 - hB2)

    loss = ((2.0 - predA) ** 2 + (-1.0 - predB) ** 2) / n
    grad = {
        "w1": dA * w7 * sA1 * 1.0 + dB * w7 * sB1 * -0.5,
        "w2": dA * w7 * sA1 * 2.0 + dB * w7 * sB1 * 1.0,
        "w3": dA * w7 * sA1 * -1.0 + dB * w7 * sB1 * 3.0,
        "w4": dA * w8 * sA2 * 1.0 + dB * w8 * sB2 * -0.5,
        "w5": dA * w8 * sA2 * 2.0 + dB * w8 * sB2 * 1.0,
        "w6": dA * w8 * sA2 * -1.0 + dB * w8 * sB2 * 3.0,
        "w7": dA * hA1 + dB * hB1,
        "w8": dA * hA2 + dB * hB2,
        "b1": dA * w7 * sA1 + dB * w7 * sB1,
        "b2": dA * w8 * sA2 + dB * w8 * sB2,
    }
    want_grad = [grad[name] for name in NAMES]
    want_new = [p - lr * g for p, g in zip(params, want_grad)]

    assert network.predict(params, X, "sigmoid") == pytest.approx([predA, predB], rel=1e-14)
    assert network.loss(params, X, y, "sigmoid", kind) == pytest.approx(loss, rel=1e-14)
    assert network.loss_grad(params, X, y, "sigmoid", kind) == pytest.approx(want_grad, rel=1e-12, abs=1e-15)

    def loss_and_grad(p):
        return network.loss(p, X, y, "sigmoid", kind), network.loss_grad(p, X, y, "sigmoid", kind)

    run = descend(loss_and_grad, params, lr, 1, network.PARAMETERS)
    (record,) = run.records
    assert record.names == NAMES
    assert record.current == tuple(params)
    assert record.loss == pytest.approx(loss, rel=1e-14)
    assert record.gradient == pytest.approx(want_grad, rel=1e-12, abs=1e-15)
    assert record.new == pytest.approx(want_new, rel=1e-13, abs=1e-15)
    assert run.final == record.new
    assert run.diverged_at is None


# --- The chain rule, factor by factor -------------------------------------------------------------

# The factors of dL/dparameter, in the order the docstring multiplies them.
FACTOR_NAMES = {
    "w1": ("dL/dprediction", "w7", "act'(z1)", "x1"),
    "w2": ("dL/dprediction", "w7", "act'(z1)", "x2"),
    "w3": ("dL/dprediction", "w7", "act'(z1)", "x3"),
    "w4": ("dL/dprediction", "w8", "act'(z2)", "x1"),
    "w5": ("dL/dprediction", "w8", "act'(z2)", "x2"),
    "w6": ("dL/dprediction", "w8", "act'(z2)", "x3"),
    "w7": ("dL/dprediction", "h1"),
    "w8": ("dL/dprediction", "h2"),
    "b1": ("dL/dprediction", "w7", "act'(z1)"),
    "b2": ("dL/dprediction", "w8", "act'(z2)"),
}


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_chain_rule_factors_multiply_to_the_gradient(activation, kind, windsor_std):
    X, y, params = data_and_params("windsor", activation, windsor_std, seed=6)
    n = len(y) if kind == "mse" else 1
    z1, z2, h1, h2, prediction = forward_by_hand(params, X, activation)
    values = {  # every quantity a factor may name, per house (546,)
        "dL/dprediction": -2.0 * (y - prediction) / n,
        "w7": np.full(len(y), params[6]),
        "w8": np.full(len(y), params[7]),
        "act'(z1)": act_slope(z1, activation),
        "act'(z2)": act_slope(z2, activation),
        "x1": X[:, 0],
        "x2": X[:, 1],
        "x3": X[:, 2],
        "h1": h1,
        "h2": h2,
    }
    _, want_grad, size = backprop_by_hand(params, X, y, activation, kind)
    gradient = network.loss_grad(params, X, y, activation, kind)
    for k, name in enumerate(NAMES):
        factors = network.chain_rule(params, X, y, activation, kind, name)
        assert tuple(factors) == FACTOR_NAMES[name], name
        for label, value in factors.items():
            assert np.shape(value) == (546,), (name, label)
            np.testing.assert_allclose(value, values[label], rtol=1e-12, atol=1e-14, err_msg=f"{name}: {label}")
        total = float(np.sum(np.prod(np.stack(list(factors.values())), axis=0)))
        assert total == pytest.approx(gradient[k], rel=1e-12, abs=1e-13 * size[k]), name
        assert total == pytest.approx(want_grad[k], rel=1e-10, abs=1e-12 * size[k]), name


# --- fit_network ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fit_network_ledger_arithmetic(activation, kind, windsor_raw, windsor_std):
    X, y = windsor_raw
    Xs, ys = windsor_std
    lr = 0.05 if kind == "mse" else 1e-4  # 1e-4 * 546 ~ 0.05: the same pace for the sum
    config = NetworkConfig(learning_rate=lr, epochs=25, loss=kind, activation=activation, seed=3)
    fit = fit_network(config, X, y)
    start = tuple(np.random.default_rng(3).normal(0.0, 1.0, size=10))
    assert fit.run.start == start
    assert fit.run.diverged_at is None
    assert len(fit.run.records) == 25
    expected_current = start
    for epoch, record in enumerate(fit.run.records, start=1):
        assert record.epoch == epoch
        assert record.names == ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")
        assert record.learning_rate == lr
        assert record.current == expected_current  # each epoch starts exactly where the last ended
        # new = current - lr * gradient, in the same float arithmetic, so exactly.
        assert record.new == tuple(c - lr * g for c, g in zip(record.current, record.gradient))
        want_loss, want_grad, size = backprop_by_hand(record.current, Xs, ys, activation, kind)
        assert record.loss == pytest.approx(want_loss, rel=1e-12)
        assert_near(record.gradient, want_grad, rtol=1e-10, atol=1e-12 * size)
        expected_current = record.new
    assert fit.run.final == expected_current
    # The descent went downhill: 25 small steps lower the loss.
    assert loss_by_hand(fit.run.final, Xs, ys, activation, kind) < fit.run.records[0].loss


def test_fit_network_standardizes_inputs_and_target_with_the_population_std(windsor_raw, windsor_std):
    X, y = windsor_raw
    fit = fit_network(NetworkConfig(epochs=1), X, y)
    np.testing.assert_allclose(fit.X, windsor_std[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(fit.y, windsor_std[1], rtol=1e-12, atol=1e-14)
    assert fit.y_mean == pytest.approx(sum(y) / 546, rel=1e-14)
    assert fit.y_std == pytest.approx(math.sqrt(sum((v - sum(y) / 546) ** 2 for v in y) / 546), rel=1e-12)
    assert fit.config.inputs == INPUTS


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_predict_in_data_units_undoes_the_scaling(activation, windsor_raw, windsor_std):
    X, y = windsor_raw
    config = NetworkConfig(learning_rate=0.05, epochs=30, activation=activation, seed=2)
    fit = fit_network(config, X, y)
    prediction = forward_by_hand(fit.run.final, windsor_std[0], activation)[4]  # standardized units
    mean = sum(y) / len(y)
    std = math.sqrt(sum((v - mean) ** 2 for v in y) / len(y))  # population std
    dollars = fit.predict_in_data_units(fit.run.final)
    assert dollars.shape == (546,)
    np.testing.assert_allclose(dollars, prediction * std + mean, rtol=1e-10)
    # In dollars, not standard deviations: the Windsor prices are tens of thousands.
    assert 10_000 < np.median(dollars) < 200_000


@pytest.mark.parametrize("column", [*INPUTS, "price"])
def test_a_constant_column_is_a_data_error_that_names_it(column, windsor_raw):
    X, y = (a.copy() for a in windsor_raw)
    if column == "price":
        y[:] = 50_000.0
    else:
        X[:, INPUTS.index(column)] = 3.0
    with pytest.raises(DataError, match=rf"^Column '{column}' holds the same value in every row"):
        fit_network(NetworkConfig(epochs=1), X, y)


def test_a_constant_column_of_tenths_is_a_data_error_too():
    rng = np.random.default_rng(9)
    X = np.column_stack([rng.normal(size=20), np.full(20, 0.1), rng.normal(size=20)])  # (20, 3)
    y = rng.normal(size=20)
    assert np.ptp(X[:, 1]) == 0  # every row holds exactly the same float
    with pytest.raises(DataError, match="'rate'"):
        fit_network(NetworkConfig(x1="a", x2="rate", x3="c", y="t", epochs=1), X, y)


def test_standardize_columns(windsor_raw):
    X, _ = windsor_raw
    np.testing.assert_allclose(standardize_columns(X, INPUTS), standardized(X), rtol=1e-12, atol=1e-14)
    with pytest.raises(DataError, match="'lotsize'"):
        standardize_columns(np.column_stack([X[:, :2], np.full(546, 7.0)]), INPUTS)


# --- restart_losses ------------------------------------------------------------------------------


def final_loss_by_hand(seed: int, X, y, lr: float, epochs: int, activation: str, kind: str) -> float:
    """Start at default_rng(seed).normal(size=10), step `epochs` times; inf once anything overflows."""
    params = np.random.default_rng(seed).normal(size=10)
    with np.errstate(all="ignore"):
        for _ in range(epochs):
            loss, gradient, _ = backprop_by_hand(params, X, y, activation, kind)
            params = params - lr * gradient
            if not (np.isfinite(loss) and np.all(np.isfinite(gradient)) and np.all(np.isfinite(params))):
                return math.inf
        loss = loss_by_hand(params, X, y, activation, kind)
    return loss if math.isfinite(loss) else math.inf


def test_restart_losses_are_the_final_losses_of_each_seed(windsor_raw, windsor_std):
    X, y = windsor_raw
    config = NetworkConfig(learning_rate=0.1, epochs=40, loss="mse", activation="tanh", seed=99)
    seeds = [0, 1, 2, 5]
    results = restart_losses(config, X, y, seeds)
    assert [seed for seed, _ in results] == seeds
    want = [final_loss_by_hand(s, *windsor_std, 0.1, 40, "tanh", "mse") for s in seeds]
    assert [loss for _, loss in results] == pytest.approx(want, rel=1e-9)
    assert len(set(want)) == len(want)  # the seeds really start, and end, in different places


def test_restart_losses_report_inf_for_a_diverging_run(windsor_raw):
    X, y = windsor_raw
    config = NetworkConfig(learning_rate=1e6, epochs=300, loss="sse", activation="relu")
    results = restart_losses(config, X, y, [0, 1, 2, 3])
    assert [seed for seed, _ in results] == [0, 1, 2, 3]
    assert all(loss == math.inf for _, loss in results), results


@pytest.mark.parametrize("epochs", [1, 2, 3, 4, 5])
def test_restart_losses_at_the_edge_of_overflow_are_finite_or_inf(epochs, windsor_raw, windsor_std):
    """Stop 1, 2, ... epochs into a blow-up: the last step may land where the loss itself overflows."""
    X, y = windsor_raw
    config = NetworkConfig(learning_rate=1e6, epochs=epochs, loss="sse", activation="relu")
    ((seed, got),) = restart_losses(config, X, y, [0])
    want = final_loss_by_hand(0, *windsor_std, 1e6, epochs, "relu", "sse")
    assert not math.isnan(got)
    if math.isinf(want):
        assert got == math.inf
    else:
        assert got == pytest.approx(want, rel=1e-6)


def test_restart_losses_keep_the_rest_of_the_config(windsor_raw, windsor_std):
    X, y = windsor_raw
    config = NetworkConfig(learning_rate=2e-4, epochs=15, loss="sse", activation="sigmoid", seed=0)
    ((_, got),) = restart_losses(replace(config, seed=4), X, y, [7])
    assert got == pytest.approx(final_loss_by_hand(7, *windsor_std, 2e-4, 15, "sigmoid", "sse"), rel=1e-9)


@pytest.mark.parametrize(
    ("settings", "kind"),
    [
        ({}, "converging"),  # the lesson's defaults
        ({"learning_rate": 1e-9, "epochs": 5}, "crawling"),
        ({"learning_rate": 1e6, "activation": "relu", "epochs": 50}, "diverged"),
    ],
)
def test_network_verdict_names_what_the_records_show(windsor_raw, settings, kind):
    X, y = windsor_raw
    fit = gdcore.fit_network(replace(NetworkConfig(), **settings), X, y)
    verdict = gdcore.network_verdict(fit)
    got, sentence = verdict.kind, verdict.sentence
    assert got == kind and verdict.tone == gdcore.KINDS[kind]
    assert "nan" not in sentence.lower() and "inf" not in sentence.lower()
    losses = [r.loss for r in fit.run.records]
    if kind == "converging":
        assert losses[-1] < losses[0]
    if kind == "crawling":
        assert abs(losses[0] - losses[-1]) < 1e-3 * losses[0]
    if kind == "diverged":
        assert fit.run.diverged_at is not None and f"epoch {fit.run.diverged_at}" in sentence


def test_baseline_loss_is_the_loss_of_guessing_the_average(windsor_raw):
    X, y = windsor_raw
    for loss in ("sse", "mse"):
        fit = gdcore.fit_network(NetworkConfig(loss=loss, epochs=1), X, y)
        ys = (y - y.mean()) / y.std()  # standardized here, ddof=0
        expected = np.sum(ys**2) / (len(ys) if loss == "mse" else 1)  # predicting 0 = the average price
        assert gdcore.baseline_loss(fit) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("loss", ["sse", "mse"])
def test_dollars_error_is_the_rmse_of_the_predictions_in_dollars(windsor_raw, loss):
    X, y = windsor_raw
    fit = gdcore.fit_network(NetworkConfig(epochs=5, loss=loss), X, y)
    predicted = fit.predict_in_data_units(fit.run.final)  # (546,) dollars
    by_hand = np.sqrt(np.mean((predicted - y) ** 2))
    assert fit.dollars_error(fit.loss(fit.run.final)) == pytest.approx(by_hand, rel=1e-9)


def test_relative_error_is_zero_when_identical_and_inf_when_not_comparable():
    from gdcore.network import relative_error

    got = relative_error([1.0, 0.0, 2.0, np.inf, 3.0], [1.0, 0.0, 1.0, 1.0, np.nan])
    assert list(got) == [0.0, 0.0, 0.5, np.inf, np.inf]


def test_the_finite_difference_matches_backpropagation_on_every_row(windsor_raw):
    X, y = windsor_raw
    fit = gdcore.fit_network(NetworkConfig(epochs=3, batch_size=100), X, y)
    params = fit.run.final
    backprop = network.loss_grad(params, fit.X, fit.y, "sigmoid", "mse")
    np.testing.assert_allclose(fit.finite_difference(params), backprop, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_one_pass_gives_the_same_loss_and_gradient_as_two(windsor_raw, activation):
    X, y = windsor_raw
    Xs, ys = (X - X.mean(axis=0)) / X.std(axis=0), (y - y.mean()) / y.std()
    params = np.random.default_rng(4).normal(size=10)
    for kind in ("sse", "mse"):
        value, gradient = network.loss_and_grad(params, Xs, ys, activation, kind)
        assert value == network.loss(params, Xs, ys, activation, kind)  # the same arithmetic, to the bit
        np.testing.assert_array_equal(gradient, network.loss_grad(params, Xs, ys, activation, kind))
        step = 1e-6 * np.eye(10)
        numerical = [
            (network.loss(params + s, Xs, ys, activation, kind) - network.loss(params - s, Xs, ys, activation, kind))
            / 2e-6
            for s in step
        ]
        np.testing.assert_allclose(gradient, numerical, rtol=1e-5, atol=1e-7 * max(1.0, abs(value)))
