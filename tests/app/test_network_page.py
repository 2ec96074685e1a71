"""Page 5, the small neural network, run headless with Streamlit's AppTest.

Every number checked here comes from a forward pass and backpropagation written out below in plain
numpy, one weight at a time, never from gdcore or ui, so the page cannot agree with itself by accident.
AppTest does not draw charts: the ECharts options (the diagram, the scatter, the loss) are checked in
tests/app/test_echarts.py, the histogram's caption here, and tests/browser/ draws them all in Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import opening
import pandas as pd
import pytest
import reading
from stepping import choose_epoch, epoch_shown, frame_shown, frame_text, jump_to_end, tables_shown, view
from streamlit.testing.v1 import AppTest

from gdcore import lesson

REPO = Path(__file__).resolve().parents[2]
CSV = REPO / "data" / "windsor_housing.csv"
PAGE = "pages/5_network.py"
TITLE = lesson.heading("network")
NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")
INPUTS = ("bedrooms", "bathrms", "lotsize")
LR, EPOCHS, SEED = 0.05, 500, 0  # the page's defaults

# "nan" or "inf" as a word (NaN, -inf, Infinity), but not inside "information" or LaTeX's \infty.
NAN_OR_INF = re.compile(r"(?<![A-Za-z])(nan|[-+−]?inf(inity)?)(?![A-Za-z])", re.IGNORECASE)


# --- an independent network: forward pass and backpropagation, one weight at a time -------------


def standardized(inputs=INPUTS) -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(CSV)
    X = frame[list(inputs)].to_numpy(dtype=float)  # (546, 3)
    y = frame["price"].to_numpy(dtype=float)  # (546,)
    return (X - X.mean(axis=0)) / X.std(axis=0, ddof=0), (y - y.mean()) / y.std(ddof=0)


def activation(z: np.ndarray, act: str) -> tuple[np.ndarray, np.ndarray]:
    """The activation and its slope."""
    if act == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s, s * (1.0 - s)
    if act == "tanh":
        return np.tanh(z), 1.0 / np.cosh(z) ** 2
    return np.where(z > 0, z, 0.0), np.where(z > 0, 1.0, 0.0)


def backprop(p: np.ndarray, X: np.ndarray, y: np.ndarray, act: str, loss: str) -> tuple[float, np.ndarray]:
    """The loss and its 10 partial derivatives, in the order w1..w8, b1, b2."""
    w1, w2, w3, w4, w5, w6, w7, w8, b1, b2 = p
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    h1, s1 = activation(w1 * x1 + w2 * x2 + w3 * x3 + b1, act)
    h2, s2 = activation(w4 * x1 + w5 * x2 + w6 * x3 + b2, act)
    error = y - (w7 * h1 + w8 * h2)
    n = len(y) if loss == "mse" else 1
    d_pred = -2.0 * error / n  # dL/dprediction, per house
    d1, d2 = d_pred * w7 * s1, d_pred * w8 * s2  # dL/dz1, dL/dz2, per house
    gradient = [np.sum(d1 * x) for x in (x1, x2, x3)] + [np.sum(d2 * x) for x in (x1, x2, x3)]
    gradient += [np.sum(d_pred * h1), np.sum(d_pred * h2), np.sum(d1), np.sum(d2)]
    return float(np.sum(error**2) / n), np.array(gradient)


def reference_run(
    lr: float = LR, epochs: int = EPOCHS, seed: int = SEED, act: str = "sigmoid", loss: str = "mse", inputs=INPUTS
) -> list[dict]:
    """Plain gradient descent from Normal(0, 1) starting values drawn with numpy's generator from `seed`."""
    X, y = standardized(inputs)
    current = np.random.default_rng(seed).normal(size=10)
    rows = []
    for epoch in range(1, epochs + 1):
        value, gradient = backprop(current, X, y, act, loss)
        new = current - lr * gradient
        rows.append({"epoch": epoch, "current": current, "gradient": gradient, "new": new, "loss": value})
        current = new
    return rows


# --- helpers -------------------------------------------------------------------------------------


def open_page(**params: str) -> AppTest:
    """Run the app through its router on page 5, with `params` in the URL, as a first visit."""
    return opening.open_page(PAGE, **params)


def screen_text(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "latex", "success", "info", "warning", "error"):
        parts += [str(element.value) for element in at.get(kind)]
    parts += frame_text(at)  # what the browser draws for the epoch shown (ui/frames.py)
    for frame in tables_shown(at):
        parts += [frame.to_string()] + [str(label) for label in frame.columns]
    return "\n".join(parts)


def assert_healthy(at: AppTest, *, errors_allowed: bool = False) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [TITLE]
    if not errors_allowed:
        assert not at.error, [e.value for e in at.error]
    found = NAN_OR_INF.findall(screen_text(at))
    assert not found, f"NaN/inf on screen: {found}"


def number(text: str) -> float:
    """A number as the page writes it: '1,434.5', '−0.896381' or '1.2×10³⁰⁰' (tests/app/reading.py)."""
    return reading.number(text)


def button(at: AppTest, label: str):
    (match,) = [b for b in at.button if b.label == label]
    return match


def table(at: AppTest, column: str) -> pd.DataFrame | None:
    """The one table on the page with a column called `column` (None if there is none): Streamlit's, or one the
    browser draws from the frame shown (the ledger, the first five rows)."""
    matches = [frame for frame in tables_shown(at) if column in frame.columns]
    assert len(matches) <= 1
    return matches[0] if matches else None


def ledger(at: AppTest) -> pd.DataFrame:
    shown = table(at, "new")
    if shown is None:
        return pd.DataFrame(columns=["epoch", "parameter", "current", "gradient", "learning_rate", "new", "loss"])
    loss = next(c for c in shown.columns if c.endswith(" at current"))
    return pd.DataFrame(
        {
            "epoch": shown["epoch"].astype(int),
            "parameter": shown["parameter"].astype(str),
            "current": shown["current"].map(number),
            "gradient": shown["gradient"].map(number),
            "learning_rate": shown["learning rate"].map(number),
            "new": shown["new"].map(number),
            "loss": shown[loss].map(number),
        }
    )


def assert_epoch_matches(frame: pd.DataFrame, expected: dict, lr: float) -> None:
    """The ten rows of one epoch equal the reference loop, to the six significant digits shown."""
    rows = frame[frame["epoch"] == expected["epoch"]]
    assert tuple(rows["parameter"]) == NAMES
    close = dict(rel=1e-5, abs=1e-9)
    for i, (_, row) in enumerate(rows.iterrows()):
        assert row["current"] == pytest.approx(expected["current"][i], **close), row["parameter"]
        assert row["gradient"] == pytest.approx(expected["gradient"][i], **close), row["parameter"]
        assert row["new"] == pytest.approx(expected["new"][i], **close), row["parameter"]
        assert row["loss"] == pytest.approx(expected["loss"], **close)
        assert row["learning_rate"] == pytest.approx(lr, rel=1e-12)


# --- tests ---------------------------------------------------------------------------------------


def test_defaults_run_clean() -> None:
    at = open_page()
    assert_healthy(at)
    assert not at.warning, [w.value for w in at.warning]
    assert at.number_input(key="lr").value == LR
    assert at.radio(key="act").value == "sigmoid"
    assert [at.selectbox(key=key).value for key in ("x1", "x2", "x3")] == list(INPUTS)
    assert epoch_shown(at, "net_epoch") == 0
    assert len(ledger(at)) == 0
    assert dict(at.query_params) == {}


def test_next_epoch_adds_ten_ledger_rows_equal_to_numpy_backprop() -> None:
    at = open_page()
    expected = reference_run(epochs=3)
    for k in (1, 2, 3):
        choose_epoch(at, k, "net_epoch")  # a click on Next epoch
        assert not at.exception, [e.value for e in at.exception]
        frame = ledger(at)
        assert len(frame) == 10 * k
        assert list(frame["epoch"][:10]) == [k] * 10, "the newest epoch is at the top"
        for row in expected[:k]:
            assert_epoch_matches(frame, row, LR)
        assert epoch_shown(at, "net_epoch") == k
        assert at.query_params["epoch"] == str(k)
        # The chain rule's sum over the houses is the ledger's gradient for the picked parameter (w1).
        (said,) = [m.value for m in at.markdown if "the ledger's **gradient** for w1" in m.value]
        assert number(said.rsplit("**", 2)[-2]) == pytest.approx(expected[k - 1]["gradient"][0], rel=1e-5)
    choose_epoch(at, 2, "net_epoch")  # Previous epoch
    assert len(ledger(at)) == 20
    choose_epoch(at, 0, "net_epoch")  # Reset
    assert len(ledger(at)) == 0 and "epoch" not in at.query_params
    assert_healthy(at)


def test_link_values_set_the_controls() -> None:
    link = dict(lr="0.001", act="tanh", loss="sse", seed="3", epochs="50", x1="stories", epoch="4")
    at = open_page(**link, param="w7", restarts="5")
    assert_healthy(at)
    assert not at.warning, [w.value for w in at.warning]
    assert at.number_input(key="lr").value == 0.001
    assert at.radio(key="act").value == "tanh"
    assert at.radio(key="loss").value == "sse"
    assert at.number_input(key="seed").value == 3
    assert at.number_input(key="epochs").value == 50
    assert at.selectbox(key="x1").value == "stories"
    assert epoch_shown(at, "net_epoch") == 4
    assert at.selectbox(key="net_param").value == "w7"
    assert at.slider(key="net_restarts").value == 5
    inputs = ("stories", "bathrms", "lotsize")
    expected = reference_run(0.001, 4, 3, "tanh", "sse", inputs)
    frame = ledger(at)
    assert len(frame) == 40
    for row in expected:
        assert_epoch_matches(frame, row, 0.001)
    # The link is written back from the controls, with the view settings.
    assert dict(at.query_params) == link | {"param": "w7", "restarts": "5"}


def test_picking_a_column_another_input_uses_swaps_the_two() -> None:
    at = open_page()
    at.selectbox(key="x1").set_value("lotsize").run()
    assert_healthy(at)
    assert [at.selectbox(key=key).value for key in ("x1", "x2", "x3")] == ["lotsize", "bathrms", "bedrooms"]
    choose_epoch(at, 1, "net_epoch")
    assert_epoch_matches(ledger(at), reference_run(epochs=1, inputs=("lotsize", "bathrms", "bedrooms"))[0], LR)


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        (
            dict(lr="abc", act="foo", loss="l1", epoch="-1", param="w9", restarts="99", x2="price", y="lotsize"),
            ("lr='abc'", "act='foo'", "loss='l1'", "epoch='-1'", "param='w9'", "restarts='99'", "x2='price'", "y="),
        ),
        (dict(x1="bathrms", seed="-3"), ("x1='bathrms'", "seed='-3'")),
    ],
    ids=["many", "repeated-input"],
)
def test_bad_link_values_give_a_note(params: dict[str, str], bad: tuple[str, ...]) -> None:
    at = open_page(**params)
    assert_healthy(at)
    notes = "\n".join(w.value for w in at.warning)
    for text in bad:
        assert text in notes, notes
    assert len(at.warning) == len(bad)
    assert at.number_input(key="lr").value == LR
    assert at.radio(key="act").value == "sigmoid"
    assert at.number_input(key="seed").value == SEED
    assert [at.selectbox(key=key).value for key in ("x1", "x2", "x3")] == list(INPUTS)
    assert at.selectbox(key="net_param").value == "w1"
    assert dict(at.query_params) == {}, "bad values do not survive into the link"


@pytest.mark.parametrize(
    "params",
    [
        {"lr": "1e-9"},
        {"lr": "1000000.0"},
        {"lr": "1000000.0", "act": "relu", "loss": "sse"},
        {"act": "tanh", "lr": "5"},
        {"act": "relu", "epochs": "2000"},
    ],
    ids=["lr-1e-9", "lr-1e6", "lr-1e6-relu-sse", "tanh-lr-5", "relu-2000-epochs"],
)
def test_extreme_settings_show_no_exception_and_no_nan(params: dict[str, str]) -> None:
    at = open_page(**params, restarts="3")
    diverges = float(params.get("lr", LR)) >= 5  # tanh at rate 5 blows up too, at epoch 141
    assert_healthy(at, errors_allowed=diverges)
    last = jump_to_end(at, "net_epoch")  # the last epoch: the largest (or smallest) numbers
    assert_healthy(at, errors_allowed=diverges)
    at.selectbox(key="net_param").set_value("b2").run()
    assert_healthy(at, errors_allowed=diverges)
    if diverges:
        errors = " ".join(e.value for e in at.error)
        assert "Diverged: at epoch" in errors and "too large" in errors, errors
        assert last < int(params.get("epochs", EPOCHS)), "a diverged run stops early"
    if params.get("lr") == "1e-9":
        assert any("Barely moving" in i.value for i in at.info)


@pytest.mark.parametrize(("act", "epoch"), [("sigmoid", "3"), ("relu", "0"), ("tanh", "12")])
def test_gradient_check_matches_numpy_backprop(act: str, epoch: str) -> None:
    at = open_page(act=act, epoch=epoch, restarts="2")
    assert_healthy(at)
    expected = reference_run(epochs=max(int(epoch), 1), act=act)[max(int(epoch), 1) - 1]  # epoch 0 shows epoch 1's
    check = table(at, "backpropagation (chain rule)")
    assert tuple(check["parameter"]) == NAMES
    analytic = check["backpropagation (chain rule)"].map(number).to_numpy()
    numerical = check[next(c for c in check.columns if c.startswith("finite difference"))].map(number).to_numpy()
    np.testing.assert_allclose(analytic, expected["gradient"], rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(numerical, expected["gradient"], rtol=1e-4, atol=1e-7)
    errors = [0.0 if "identical" in text else number(text) for text in check["relative error"]]
    assert max(errors) < 1e-5
    assert any('"just derivatives"' in m.value for m in at.markdown)


def test_random_restarts_name_the_best_seed() -> None:
    at = open_page(restarts="4", epochs="60")
    assert_healthy(at)
    finals = []
    X, y = standardized()
    for seed in range(4):
        last = reference_run(epochs=60, seed=seed)[-1]
        finals.append(backprop(last["new"], X, y, "sigmoid", "mse")[0])
    best = int(np.argmin(finals))
    (said,) = [m.value for m in at.markdown if m.value.startswith("**Best of 4")]
    assert said.startswith(f"**Best of 4: seed {best}**")
    assert number(said.split("MSE ")[1].rstrip(",")) == pytest.approx(finals[best], rel=1e-5)


def test_restarts_with_small_batches_train_only_the_seeds_the_budget_allows(monkeypatch) -> None:
    from gdcore import experiment

    monkeypatch.setattr(experiment, "RESTART_BUDGET", 9000)  # read by the page at each run; 1,800 units a run
    at = open_page(batch="100", epochs="100", restarts="10")  # 6 steps per epoch: 600 steps per run
    assert_healthy(at)
    infos = " ".join(str(i.value) for i in at.info)
    assert "Each run takes 600 steps" in infos and "only seeds 0 to 4 are trained (5 runs)" in infos
    assert "Best of 5" in screen_text(at)
    assert at.query_params["restarts"] == "10"  # the link keeps the choice


def test_a_long_run_sends_a_stretch_of_its_epochs_and_the_epochs_play_lands_on() -> None:
    """1,200 epochs (the page takes up to 5,000): the frames of 500 epochs around the one shown and of those Play
    lands on go to the browser (the rest are null, sent once the epoch settles there); a stretch elsewhere is the
    same numbers, from numpy."""
    at = open_page(epochs="1200", restarts="1")
    assert_healthy(at)
    data = view(at)["frames"]
    assert len(data["frames"]) == 1201
    held = {k for k, frame in enumerate(data["frames"]) if frame is not None}
    _, low, high = at.session_state["network:stretch"]
    assert (low, high) == (0, 500) and set(range(501)) <= held
    assert set(range(0, 1201, 12)) <= held and len(held) == 501 + 59  # Play's epochs (stride 12) beyond it
    assert data["frames"][501] is None and len(json.dumps(data)) < 8_000_000
    choose_epoch(at, 900, key="net_epoch")  # Play's epoch 900, once it settles there: the stretch around it
    _, low, high = at.session_state["network:stretch"]
    assert low < 900 < high and frame_shown(at) is not None
    frame = ledger(at)
    assert list(frame["epoch"][:10]) == [900] * 10 and len(frame) == 10 * 50  # its latest 50 epochs
    expected = reference_run(epochs=2)[1]
    choose_epoch(at, 2, key="net_epoch")  # back to the start: its own stretch, the loop's numbers
    assert_epoch_matches(ledger(at), expected, LR)
