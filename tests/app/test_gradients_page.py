"""Page 6, vanishing and exploding gradients, run headless through the router with Streamlit's AppTest.

The gradients checked here are recomputed inside the test from the CSV with pandas and a short numpy
loop, never read back from gdcore. AppTest cannot see inside plotly charts: their captions are checked.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import opening
import pandas as pd
import pytest
from reading import number
from streamlit.testing.v1 import AppTest

from gdcore import lesson

REPO = Path(__file__).resolve().parents[2]
PAGE = "pages/6_gradients.py"
TITLE = lesson.heading("gradients")
CONTROLS = {"depth": "slider", "scale": "slider", "act": "radio", "inputs": "radio", "lr": "number_input"} | {
    "epochs": "number_input",
    "seed": "number_input",
}

# "nan" or "inf" as a word (NaN, -inf, Infinity), but not inside "information" or LaTeX's \infty.
NAN_OR_INF = re.compile(r"(?<![A-Za-z])(nan|[-+−]?inf(inity)?)(?![A-Za-z])", re.IGNORECASE)


def open_page(**params: str) -> AppTest:
    """Run the app through its router on page 6, with `params` in the URL, as a first visit."""
    return opening.open_page(PAGE, **params)


def control(at: AppTest, key: str):
    return getattr(at, CONTROLS[key])(key=key)


def screen_text(at: AppTest) -> str:
    """Every piece of text the page shows: prose, maths, captions, metrics, alerts, tables, code."""
    parts: list[str] = []
    for kind in ("title", "subheader", "markdown", "caption", "latex", "code", "success", "info", "warning", "error"):
        parts += [str(element.value) for element in at.get(kind)]
    for metric in at.metric:
        parts += [str(metric.label), str(metric.value), str(metric.delta or "")]
    for table in list(at.table) + list(at.dataframe):
        frame = table.value
        parts.append(frame.to_string())  # to_string writes NaN and inf as such
        parts += [str(label) for label in frame.columns]
    return "\n".join(parts)


def assert_healthy(at: AppTest) -> str:
    """No exception, the page's title, no NaN or inf anywhere on screen. Returns the screen's text."""
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [TITLE]
    text = screen_text(at)
    assert not NAN_OR_INF.findall(text), f"NaN/inf on screen: {NAN_OR_INF.findall(text)}"
    return text


def metric(at: AppTest, label_start: str) -> str:
    (found,) = [m.value for m in at.metric if m.label.startswith(label_start)]
    return found


def first_and_last_bias_gradients(depth: int, scale: float, seed: int, act: str) -> tuple[float, float]:
    """|dL/db_1| and |dL/db_L| on the standardized houses, written out from the page's formulas.

    Weights: scale * Uniform(0.5, 1.5) from numpy's default_rng(seed), in the order w1 (3 numbers),
    w2..wL, w_out; biases 0. z1 = X @ w1, z_l = w_l * a_(l-1), prediction = w_out * a_L, loss = MSE.
    """
    frame = pd.read_csv(REPO / "data" / "windsor_housing.csv")
    X = frame[["bedrooms", "bathrms", "lotsize"]].to_numpy(dtype=float)
    y = frame["price"].to_numpy(dtype=float)
    X, y = (X - X.mean(axis=0)) / X.std(axis=0), (y - y.mean()) / y.std()  # (546, 3), (546,)
    weights = scale * np.random.default_rng(seed).uniform(0.5, 1.5, size=3 + depth)
    f = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh, "relu": lambda z: np.maximum(z, 0)}[act]
    zs, a = [X @ weights[:3]], None
    for w in weights[3:-1]:
        a = f(zs[-1])
        zs.append(w * a)
    prediction = weights[-1] * f(zs[-1])
    signal = -2 * (y - prediction) / len(y)  # dL/dprediction, then multiplied back layer by layer
    above = list(weights[3:-1]) + [weights[-1]]  # the weight above each layer: w2..wL, then w_out
    per_layer = []
    for z, w in zip(reversed(zs), reversed(above)):
        h = 1e-6  # the activation's slope by central differences, to stay independent of gdcore
        signal = signal * w * (f(z + h) - f(z - h)) / (2 * h)
        per_layer.append(abs(signal.sum()))
    return per_layer[-1], per_layer[0]


# --- defaults and the link ------------------------------------------------------------------------------


def test_defaults_run_clean_and_show_vanishing_sigmoid_gradients():
    at = open_page()
    text = assert_healthy(at)
    assert not at.warning, [w.value for w in at.warning]  # no note about the link: there is no link
    assert not at.error, [e.value for e in at.error]
    assert dict(at.query_params) == {}
    assert control(at, "depth").value == 10 and control(at, "act").value == "sigmoid"
    first, last = first_and_last_bias_gradients(10, 1.0, 0, "sigmoid")
    assert number(metric(at, "Layer 1's gradient")) == pytest.approx(first, rel=5e-3)  # 3 significant digits
    assert number(metric(at, "Layer 10's gradient")) == pytest.approx(last, rel=5e-3)
    assert number(metric(at, "Layer 1 ÷ layer 10")) == pytest.approx(first / last, rel=5e-3)
    assert any(i.value.startswith("Vanishing") for i in at.info)
    assert "0.25" in text and "standardiz" in text.lower()
    assert len(at.get("plotly_chart")) == 3
    assert len([c for c in at.caption if c.value.startswith("Chart:")]) == 3  # a text alternative per chart


def test_link_values_set_the_controls_and_are_written_back():
    link = {"depth": "4", "scale": "2.5", "act": "tanh", "inputs": "raw", "lr": "0.01", "epochs": "7", "seed": "3"}
    at = open_page(**link)
    assert_healthy(at)
    assert not at.warning, [w.value for w in at.warning]
    expected = {"depth": 4, "scale": 2.5, "act": "tanh", "inputs": "raw", "lr": 0.01, "epochs": 7, "seed": 3}
    for key, value in expected.items():
        assert control(at, key).value == value, key
    assert dict(at.query_params) == link
    assert "7 epochs of gradient descent" in " ".join(s.value for s in at.subheader)


def test_a_changed_control_is_written_to_the_link():
    at = open_page()
    at.slider(key="depth").set_value(25).run()
    at.radio(key="act").set_value("relu").run()
    assert_healthy(at)
    assert dict(at.query_params) == {"depth": "25", "act": "relu"}
    assert "Layer 25's gradient" in [m.label for m in at.metric]


def test_bad_link_values_fall_back_to_the_defaults_with_a_note():
    at = open_page(depth="99", scale="abc", act="softmax", inputs="dollars", lr="-1", epochs="2.5", seed="x")
    assert_healthy(at)
    notes = "\n".join(w.value for w in at.warning)
    for bad in ("depth='99'", "scale='abc'", "act='softmax'", "inputs='dollars'", "lr='-1'", "epochs='2.5'"):
        assert bad in notes, notes
    assert "seed='x'" in notes
    assert len(at.warning) == 7
    assert control(at, "depth").value == 10 and control(at, "scale").value == 1.0
    assert dict(at.query_params) == {}  # the bad values do not survive into the link


# --- the extremes: depth 30, scale 10, and raw dollars -------------------------------------------------


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("inputs", ["standardize", "raw"])
def test_depth_30_scale_10_shows_no_nan_or_inf(act, inputs):
    at = open_page(depth="30", scale="10", act=act, inputs=inputs)
    text = assert_healthy(at)
    assert control(at, "depth").value == 30 and control(at, "scale").value == 10.0
    kind = "Exploding" if act == "relu" else "Vanishing"
    assert any(i.value.startswith(kind) for i in at.info), [i.value for i in at.info]
    assert "Layer 30's gradient" in text


def test_an_overflowing_descent_says_so_instead_of_showing_inf():
    at = open_page(depth="30", act="relu", inputs="raw")  # raw dollars, scale 1: the second epoch overflows
    text = assert_healthy(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("Blew up") and "epoch 2" in e and "too large to store" in e for e in errors), errors
    assert "the numbers became too large to store" in text


def test_relu_exploding_steps_that_switch_every_node_off_are_named():
    at = open_page(depth="30", scale="10", act="relu")
    assert_healthy(at)
    errors = [e.value for e in at.error]
    assert any(e.startswith("Stuck") and "switched off" in e for e in errors), errors


def test_settings_survive_a_visit_to_another_page():
    at = open_page(depth="12", act="relu")
    at.switch_page("pages/3_descent.py").run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page(PAGE).run()
    assert_healthy(at)
    assert control(at, "depth").value == 12 and control(at, "act").value == "relu"
    assert dict(at.query_params) == {"depth": "12", "act": "relu"}
