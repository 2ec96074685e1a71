"""gdcore.chain checked against finite differences, the chain rule written out here, and a plain loop."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest

from gdcore import from_query, to_query
from gdcore.chain import (
    ACTIVATIONS,
    INPUTS,
    ChainConfig,
    descent_verdict,
    fit_chain,
    forward,
    gradient_verdict,
    initial_params,
    loss,
    loss_grad,
    parameter_names,
    per_layer,
)

NAN_OR_INF = re.compile(r"(?<![A-Za-z])(nan|[-+−]?inf(inity)?)(?![A-Za-z])", re.IGNORECASE)


@pytest.fixture(scope="module")
def houses(repo_root) -> tuple[np.ndarray, np.ndarray]:
    """bedrooms, bathrms, lotsize (546, 3) and price (546,), read with pandas, not with gdcore."""
    frame = pd.read_csv(repo_root / "data" / "windsor_housing.csv")
    return frame[list(INPUTS)].to_numpy(dtype=float), frame["price"].to_numpy(dtype=float)


# --- written out in the test, from the formulas ---------------------------------------------------


def act(z, name):
    return {"sigmoid": 1 / (1 + np.exp(-z)), "tanh": np.tanh(z), "relu": np.where(z > 0, z, 0.0)}[name]


def slope(z, name):
    s = 1 / (1 + np.exp(-z))
    return {"sigmoid": s * (1 - s), "tanh": 1 / np.cosh(z) ** 2, "relu": (z > 0) * 1.0}[name]


def chain_of_3(params, X, y, name):
    """The depth-3 chain spelled out: every z and a, and the mean squared error."""
    w1, (w2, w3), (b1, b2, b3), w_out = params[:3], params[3:5], params[5:8], params[8]
    z1 = X @ w1 + b1
    a1 = act(z1, name)
    z2 = w2 * a1 + b2
    a2 = act(z2, name)
    z3 = w3 * a2 + b3
    a3 = act(z3, name)
    prediction = w_out * a3
    return (z1, z2, z3), (a1, a2, a3), prediction, np.mean((y - prediction) ** 2)


def central_differences(f, p, eps=1e-6):
    grad = np.zeros_like(p)
    for k in range(len(p)):
        step = np.zeros_like(p)
        step[k] = eps
        grad[k] = (f(p + step) - f(p - step)) / (2 * eps)
    return grad


def small_problem(depth: int, name: str, seed: int):
    """Seven made-up houses, standardized-looking inputs, and parameters with non-zero biases."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(7, 3))  # (7, 3)
    y = rng.normal(size=7)  # (7,)
    params = initial_params(depth, 1.0, seed)
    params[depth + 2 : 2 * depth + 2] = rng.normal(scale=0.3, size=depth)  # the biases b1..bL
    z = forward(params, X, depth, name)[0]
    if name == "relu":  # finite differences across relu's kink at 0 would be meaningless
        assert np.abs(z).min() > 1e-4
    return X, y, params


# --- the backward pass ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("depth", [2, 3, 5])
def test_backward_pass_matches_central_differences(name, depth):
    X, y, params = small_problem(depth, name, seed=depth)
    got = loss_grad(params, X, y, depth, name)
    expected = central_differences(lambda p: loss(p, X, y, depth, name), params)
    assert got.shape == (2 * depth + 3,) == (len(parameter_names(depth)),)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_forward_and_loss_match_the_chain_written_out(name):
    X, y, params = small_problem(3, name, seed=11)
    z, a, prediction = forward(params, X, 3, name)
    z_ref, a_ref, prediction_ref, loss_ref = chain_of_3(params, X, y, name)
    np.testing.assert_allclose(z, np.column_stack(z_ref), rtol=1e-12)
    np.testing.assert_allclose(a, np.column_stack(a_ref), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(prediction, prediction_ref, rtol=1e-12)
    assert loss(params, X, y, 3, name) == pytest.approx(loss_ref, rel=1e-12)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_each_layers_size_is_the_product_of_the_factors_above_it(name):
    """dL/db_l = sum over houses of dL/dpred * w_out * act'(z3) * w3 * act'(z2) * w2 * act'(z1), cut at layer l."""
    X, y, params = small_problem(3, name, seed=5)
    (z1, z2, z3), _, prediction, _ = chain_of_3(params, X, y, name)
    w2, w3, w_out = params[3], params[4], params[8]
    d_pred = -2 * (y - prediction) / len(y)  # (7,)
    layer3 = d_pred * w_out * slope(z3, name)
    layer2 = layer3 * w3 * slope(z2, name)
    layer1 = layer2 * w2 * slope(z1, name)
    expected = np.abs([layer1.sum(), layer2.sum(), layer3.sum()])
    np.testing.assert_allclose(per_layer(loss_grad(params, X, y, 3, name), 3), expected, rtol=1e-12)


def test_sigmoid_shrinks_the_gradient_by_at_least_4_over_w_per_layer():
    """On one house each layer multiplies by w * s'(z) and s'(z) = s(1 - s) <= 0.25."""
    depth = 12
    X, y = np.array([[0.3, -1.2, 0.8]]), np.array([1.5])  # one house
    params = initial_params(depth, 1.0, seed=3)
    sizes = per_layer(loss_grad(params, X, y, depth, "sigmoid"), depth)  # (12,)
    w = params[3 : depth + 2]  # w2..w12
    assert np.all(sizes[:-1] <= 0.25 * w * sizes[1:])
    assert gradient_verdict(sizes).kind == "vanishing"


def test_initial_weights_are_positive_scaled_and_seeded():
    p = initial_params(30, 10.0, seed=7)
    assert p.shape == (63,)
    weights = np.concatenate([p[:32], p[-1:]])  # w1 (3), w2..w30, w_out
    assert np.all((5.0 <= weights) & (weights <= 15.0))
    assert np.all(p[32:62] == 0)  # the biases
    np.testing.assert_array_equal(p, initial_params(30, 10.0, seed=7))
    assert not np.array_equal(p, initial_params(30, 10.0, seed=8))


# --- the descent ------------------------------------------------------------------------------------


def test_descent_records_follow_the_update_rule(houses):
    X_raw, y_raw = houses
    config = ChainConfig(depth=4, activation="tanh", learning_rate=0.05, epochs=6, seed=2)
    fit = fit_chain(config, X_raw, y_raw)
    X = (X_raw - X_raw.mean(axis=0)) / X_raw.std(axis=0)  # (546, 3)
    y = (y_raw - y_raw.mean()) / y_raw.std()
    current = initial_params(4, 1.0, seed=2)
    assert len(fit.run.records) == 6 and fit.run.diverged_at is None
    for record in fit.run.records:
        gradient = central_differences(lambda p: np.mean((y - forward(p, X, 4, "tanh")[2]) ** 2), current)
        np.testing.assert_allclose(record.current, current, rtol=1e-12)
        np.testing.assert_allclose(record.gradient, gradient, rtol=1e-5, atol=1e-9)
        assert record.loss == pytest.approx(np.mean((y - forward(current, X, 4, "tanh")[2]) ** 2), rel=1e-12)
        np.testing.assert_array_equal(record.new, np.array(record.current) - 0.05 * np.array(record.gradient))
        assert record.names == parameter_names(4)
        current = np.array(record.new)
    np.testing.assert_allclose(fit.moved, np.abs(current[6:10]), rtol=1e-12)  # biases start at 0


def test_overflow_stops_the_descent_with_finite_records_and_says_so(houses):
    """Raw dollars through a 30-layer relu chain: the first step is so big the next loss overflows."""
    fit = fit_chain(ChainConfig(depth=30, scale=1.0, activation="relu", inputs="raw"), *houses)
    assert fit.run.diverged_at == 2
    assert "too large to store" in fit.run.reason
    for record in fit.run.records:
        assert np.all(np.isfinite(record.current + record.gradient + record.new + (record.loss,)))
    verdict = descent_verdict(fit)
    assert verdict.kind == "overflow" and "epoch 2" in verdict.sentence
    assert not NAN_OR_INF.search(verdict.sentence)


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("inputs", ["standardize", "raw"])
def test_depth_30_scale_10_gives_finite_numbers_and_words(houses, name, inputs):
    fit = fit_chain(ChainConfig(depth=30, scale=10.0, activation=name, inputs=inputs), *houses)
    assert np.all(np.isfinite(fit.sizes))
    for record in fit.run.records:
        assert np.all(np.isfinite(record.current + record.gradient + record.new + (record.loss,)))
    gradients, descent = gradient_verdict(fit.sizes), descent_verdict(fit)
    assert not NAN_OR_INF.search(gradients.sentence + descent.sentence), (gradients, descent)
    # sigmoid and tanh flatten out (vanishing), relu multiplies by about 10 per layer (exploding)
    assert gradients.kind == ("exploding" if name == "relu" else "vanishing")


def test_relu_exploding_steps_switch_every_node_off(houses):
    fit = fit_chain(ChainConfig(depth=30, scale=10.0, activation="relu"), *houses)
    verdict = descent_verdict(fit)
    assert verdict.kind == "stuck"
    assert not np.any(fit.run.records[-1].gradient)
    assert fit.loss(fit.run.final) == pytest.approx(fit.baseline)  # prediction 0: the average, standardized


def test_a_backward_pass_that_overflows_is_named_not_shown(houses):
    config = ChainConfig(depth=30, activation="relu", inputs="raw", epochs=2)
    # Far past the range the config accepts (0.1 to 10), forced in to reach the overflow path.
    object.__setattr__(config, "scale", 1e6)
    fit = fit_chain(config, *houses)
    assert not np.all(np.isfinite(fit.sizes))
    verdict, descent = gradient_verdict(fit.sizes), descent_verdict(fit)
    assert verdict.kind == "overflow" and "too large to store" in verdict.sentence.lower()
    assert fit.run.diverged_at == 1 and descent.sentence.startswith("Blew up before the first step")
    assert not NAN_OR_INF.search(verdict.sentence + descent.sentence)


@pytest.mark.parametrize(
    ("sizes", "kind"),
    [([1e-5, 1.0], "vanishing"), ([0.0, 2.0], "vanishing"), ([5e3, 1.0], "exploding"), ([0.3, 1.0], "healthy")]
    + [([1.0, 0.0], "dead"), ([np.inf, 1.0], "overflow"), ([np.nan, 1.0], "overflow")],
)
def test_gradient_verdict_reads_the_ratio_of_first_to_last(sizes, kind):
    verdict = gradient_verdict(np.array(sizes))
    assert verdict.kind == kind
    assert not NAN_OR_INF.search(verdict.sentence)


# --- the config -------------------------------------------------------------------------------------


def test_config_round_trips_through_the_link_and_bad_values_fall_back():
    config = ChainConfig(depth=30, scale=10.0, activation="relu", inputs="raw", learning_rate=0.01, epochs=5, seed=4)
    query = to_query(config)
    assert query == {"depth": "30", "scale": "10.0", "act": "relu", "inputs": "raw", "lr": "0.01"} | {
        "epochs": "5",
        "seed": "4",
    }
    assert from_query(ChainConfig, query) == (config, [])
    back, notes = from_query(ChainConfig, {"depth": "31", "scale": "abc", "act": "softmax", "inputs": "raw"})
    assert back == ChainConfig(inputs="raw")
    assert len(notes) == 3 and all("ignored" in note for note in notes)


@pytest.mark.parametrize(
    "change", [{"depth": 1}, {"depth": 2.5}, {"scale": 0.0}, {"learning_rate": float("nan")}, {"activation": "elu"}]
)
def test_config_rejects_values_that_make_no_sense(change):
    with pytest.raises(ValueError):
        dataclasses.replace(ChainConfig(), **change)


def test_factors_are_each_layer_s_slope_and_the_weight_above_it(houses):
    X, y = houses
    fit = fit_chain(ChainConfig(depth=3, activation="sigmoid", epochs=1), X, y)
    p = fit.run.start  # w1 (3), w2, w3, b1, b2, b3, w_out
    sigmoid = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    z1 = fit.X @ p[:3] + p[5]  # (n,) written out here, layer by layer
    z2 = p[3] * sigmoid(z1) + p[6]
    z3 = p[4] * sigmoid(z2) + p[7]
    z, slopes, above = fit.factors()
    np.testing.assert_allclose(z, np.column_stack([z1, z2, z3]), rtol=1e-12)
    by_hand = [np.mean(sigmoid(v) * (1 - sigmoid(v))) for v in (z1, z2, z3)]
    np.testing.assert_allclose(slopes, by_hand, rtol=1e-12)
    assert list(above) == [p[3], p[4], p[8]]
