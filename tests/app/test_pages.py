"""Smoke and number tests for the four pages, run headless with Streamlit's AppTest.

Every number checked here is recomputed inside the test from the CSV with pandas and a short numpy
loop (or scikit-learn), never read back from gdcore or ui, so a page cannot agree with itself by
accident. AppTest does not draw charts: tests/app/test_echarts.py checks the ECharts options of the
stepping pages, and tests/browser/ draws every chart in Chromium.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import opening
import pandas as pd
import pytest
import reading
from sklearn.linear_model import LinearRegression
from stepping import choose_epoch, epoch_shown, frame_text, jump_to_end, ledger_shown, tables_shown
from streamlit.testing.v1 import AppTest

import gdcore
from gdcore import lesson

REPO = Path(__file__).resolve().parents[2]
CSV = REPO / "data" / "windsor_housing.csv"
FIRST = lesson.PAGES[
    :4
]  # the line's walkthrough, guess to check: this file's pages (the others have files of their own)
PAGES = {page.path: page.script for page in FIRST}
TITLES = {page.path: lesson.heading(page.path) for page in FIRST}
DEFAULT = gdcore.DescentConfig()  # lr 0.2, 40 epochs, mse, standardize, random start from seed 8

# "nan" or "inf" as a word (NaN, -inf, Infinity), but not inside "information" or LaTeX's \infty.
NAN_OR_INF = re.compile(r"(?<![A-Za-z])(nan|[-+−]?inf(inity)?)(?![A-Za-z])", re.IGNORECASE)


# --- helpers -------------------------------------------------------------------------------------


def open_page(page: str = "guess", **params: str) -> AppTest:
    """Run the app through its router on `page`, with `params` in the URL, as a first visit."""
    return opening.open_page(PAGES[page], **params)


def screen_text(at: AppTest) -> str:
    """Every piece of text the page shows: prose, maths, metrics, alerts, tables and their headers."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "latex",
        "code",
        "success",
        "info",
        "warning",
        "error",
    ):
        parts += [str(element.value) for element in at.get(kind)]
    for metric in at.metric:
        parts += [str(metric.label), str(metric.value), str(metric.delta or "")]
    parts += frame_text(at)  # what the browser draws for the epoch shown
    for frame in tables_shown(at):
        parts.append(frame.to_string())  # to_string writes NaN and inf as such
        parts += [str(label) for label in list(frame.columns) + list(frame.index)]
    return "\n".join(parts)


def assert_healthy(at: AppTest, page: str, *, errors_allowed: bool = False) -> None:
    """No exception, the page's title, no NaN or inf on screen and (unless allowed) no st.error."""
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [TITLES[page]]
    if not errors_allowed:
        assert not at.error, [e.value for e in at.error]
    text = screen_text(at)
    found = NAN_OR_INF.findall(text)
    assert not found, f"NaN/inf on screen: {found}"


def number(text: str) -> float:
    """A number as the app writes it: '1,434,843,672 dollars²', '−0.896381' or '1.2×10³⁰⁰'."""
    return reading.number(text)


def windsor() -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(CSV)
    return frame["bedrooms"].to_numpy(dtype=float), frame["price"].to_numpy(dtype=float)  # (546,), (546,)


def door_to_door() -> tuple[np.ndarray, np.ndarray]:
    """The six bedroom counts and the mean price of each, with pandas (not gdcore.mean_by_value)."""
    means = pd.read_csv(CSV).groupby("bedrooms")["price"].mean()
    return means.index.to_numpy(dtype=float), means.to_numpy(dtype=float)  # (6,), (6,)


def reference_descent(lr: float, epochs: int, seed: int, loss: str = "mse") -> list[dict]:
    """Plain gradient descent on standardized bedrooms and price, written out from the formulas.

    Start: slope, intercept = Normal(0, 1) draws from `seed` times [std(y)/std(x), std(y)].
    Each epoch: e = y - (slope*x + intercept), loss = sum(e^2) / n, gradient = -2/n [sum(x e), sum(e)]
    (n = 1 for "sse"), new = current - lr * gradient.
    """
    x, y = windsor()
    xs, ys = (x - x.mean()) / x.std(ddof=0), (y - y.mean()) / y.std(ddof=0)  # (546,)
    rng = np.random.default_rng(seed)
    current = rng.normal(size=2) * [ys.std() / xs.std(), ys.std()]  # (2,)
    n = len(xs) if loss == "mse" else 1
    rows = []
    for epoch in range(1, epochs + 1):
        e = ys - (current[0] * xs + current[1])  # (546,)
        gradient = np.array([-2.0 * np.sum(xs * e), -2.0 * np.sum(e)]) / n
        new = current - lr * gradient
        rows.append({"epoch": epoch, "current": current, "gradient": gradient, "new": new, "loss": np.sum(e**2) / n})
        current = new
    return rows


def largest_stable_lr(loss: str = "mse") -> float:
    """2 / the largest eigenvalue of the loss's Hessian, on standardized bedrooms."""
    x, _ = windsor()
    xs = (x - x.mean()) / x.std()
    a = np.column_stack([xs, np.ones_like(xs)])  # (546, 2)
    hessian = 2.0 * a.T @ a / (len(xs) if loss == "mse" else 1)  # (2, 2)
    return float(2.0 / np.linalg.eigvalsh(hessian).max())


def column(frame: pd.DataFrame, prefix: str | tuple[str, ...]) -> str:
    """The ledger column whose header starts with `prefix` (headers carry explanations after it)."""
    matches = [c for c in frame.columns if str(c).startswith(prefix)]
    assert len(matches) == 1, (prefix, list(frame.columns))
    return matches[0]


def ledger(at: AppTest) -> pd.DataFrame:
    """The ledger as numbers: one row per parameter per epoch, in the order shown (newest first)."""
    shown = ledger_shown(at)
    if shown is None:
        assert len(at.dataframe) == 1, "expected exactly one table (the ledger) on the descent page"
        shown = at.dataframe[0].value
    frame = pd.DataFrame(
        {
            "epoch": shown["epoch"].astype(int),
            "parameter": shown["parameter"].astype(str),
        }
    )
    for name, prefix in (
        ("current", "current"),
        ("gradient", "gradient"),
        ("learning_rate", "learning rate"),
        ("new", "new"),
        ("loss", ("MSE at", "SSE at")),  # the header names the loss: "MSE at current" or "SSE at current"
    ):
        frame[name] = shown[column(shown, prefix)].map(number)
    return frame


def ledger_rows_shown(at: AppTest) -> int:
    shown = ledger_shown(at)
    if shown is not None:
        return len(shown)
    return 0 if len(at.dataframe) == 0 else len(ledger(at))


def assert_epoch_matches(frame: pd.DataFrame, expected: dict, lr: float) -> None:
    """The two rows of one epoch equal the reference loop, to the six significant digits shown."""
    rows = frame[frame["epoch"] == expected["epoch"]]
    assert list(rows["parameter"]) == ["slope", "intercept"]
    for i, (_, row) in enumerate(rows.iterrows()):
        close = dict(rel=1e-5, abs=1e-12)
        assert row["current"] == pytest.approx(expected["current"][i], **close)
        assert row["gradient"] == pytest.approx(expected["gradient"][i], **close)
        assert row["new"] == pytest.approx(expected["new"][i], **close)
        assert row["loss"] == pytest.approx(expected["loss"], **close)
        assert row["learning_rate"] == pytest.approx(lr, rel=1e-12)
        # The row's own arithmetic: new = current - lr * gradient, up to the display's rounding.
        size = abs(row["current"]) + abs(lr * row["gradient"]) + abs(row["new"])
        assert abs(row["new"] - (row["current"] - lr * row["gradient"])) <= 2e-5 * size


# --- every page, on defaults --------------------------------------------------------------------


@pytest.mark.parametrize("page", list(PAGES))
def test_page_runs_clean_on_defaults(page: str) -> None:
    at = open_page(page)
    assert_healthy(at, page)
    assert not at.warning, [w.value for w in at.warning]  # no note about the link: there is no link


def test_descent_page_at_its_last_epoch_shows_no_nan() -> None:
    at = open_page("descent")
    assert jump_to_end(at) == DEFAULT.epochs
    assert_healthy(at, "descent")
    assert ledger_rows_shown(at) == 2 * DEFAULT.epochs


# --- page 1: guess and measure -------------------------------------------------------------------


@pytest.mark.parametrize(("slope", "intercept"), [(12_345.5, -3_000.0), (0.0, 0.0), (-1e7, 1e7)])
def test_guess_sse_equals_sum_of_squared_errors_on_the_door_to_door_averages(slope: float, intercept: float) -> None:
    at = open_page("guess", slope=repr(slope), intercept=repr(intercept))
    assert_healthy(at, "guess")
    assert at.number_input(key="slope").value == slope
    assert at.number_input(key="intercept").value == intercept
    x, y = door_to_door()
    expected = float(np.sum((y - (slope * x + intercept)) ** 2))
    (metric,) = [m for m in at.metric if "SSE" in m.label]
    assert number(metric.value) == pytest.approx(expected, rel=5e-6, abs=0.5)  # six significant digits, or whole


def test_guess_random_start_from_a_huge_seed() -> None:
    at = open_page("guess", start="random", seed=str(2**31 - 1))
    assert_healthy(at, "guess")
    assert at.radio(key="start").value == "random"


# --- page 2: loss against the slope ---------------------------------------------------------------


@pytest.mark.parametrize("intercept", [0.0, 5_000.0, -25_000.5])
def test_best_slope_is_sum_x_times_y_minus_b_over_sum_x_squared(intercept: float) -> None:
    at = open_page("loss_curve", intercept=repr(intercept))
    assert_healthy(at, "loss_curve")
    assert at.number_input(key="intercept").value == intercept
    x, y = door_to_door()
    expected = float(np.sum(x * (y - intercept)) / np.sum(x**2))
    (metric,) = [m for m in at.metric if m.label.startswith("Best slope")]
    assert number(metric.value) == pytest.approx(expected, rel=5e-6)  # shown to six significant digits


def test_loss_curve_with_extreme_slope_and_intercept() -> None:
    at = open_page("loss_curve", slope="1000000", intercept="-1000000")
    assert_healthy(at, "loss_curve")


# --- page 3: gradient descent -------------------------------------------------------------------


def test_fit_line_records_equal_an_independent_numpy_loop() -> None:
    fit = gdcore.fit_line(DEFAULT, gdcore.load_xy(gdcore.WINDSOR, "bedrooms", "price"))
    expected = reference_descent(DEFAULT.learning_rate, DEFAULT.epochs, DEFAULT.seed, DEFAULT.loss)
    assert len(fit.run.records) == len(expected)
    for record, row in zip(fit.run.records, expected):
        assert record.epoch == row["epoch"]
        np.testing.assert_allclose(record.current, row["current"], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(record.gradient, row["gradient"], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(record.new, row["new"], rtol=1e-9, atol=1e-12)
        assert record.loss == pytest.approx(row["loss"], rel=1e-9)


def test_next_epoch_adds_two_ledger_rows_with_the_right_numbers() -> None:
    at = open_page("descent")
    assert ledger_rows_shown(at) == 0
    expected = reference_descent(DEFAULT.learning_rate, DEFAULT.epochs, DEFAULT.seed, DEFAULT.loss)
    for k in (1, 2, 3):
        choose_epoch(at, k)  # a click on Next epoch
        assert not at.exception, [e.value for e in at.exception]
        frame = ledger(at)
        assert len(frame) == 2 * k
        assert list(frame["epoch"][:2]) == [k, k], "the newest epoch is at the top"
        assert_epoch_matches(frame, expected[k - 1], DEFAULT.learning_rate)
        if k > 1:  # each epoch starts where the last one ended
            previous = frame[frame["epoch"] == k - 1]["new"].to_numpy()
            np.testing.assert_allclose(frame[frame["epoch"] == k]["current"].to_numpy(), previous, rtol=1e-12)
        assert epoch_shown(at) == k
        assert at.query_params["epoch"] == str(k)
    assert_healthy(at, "descent")


def test_previous_epoch_and_reset() -> None:
    at = open_page("descent")
    for k in (1, 2, 3):
        choose_epoch(at, k)
    choose_epoch(at, 2)  # Previous epoch
    assert ledger_rows_shown(at) == 4
    assert epoch_shown(at) == 2
    assert at.query_params["epoch"] == "2"
    choose_epoch(at, 0)  # Reset
    assert ledger_rows_shown(at) == 0
    assert epoch_shown(at) == 0
    assert "epoch" not in at.query_params
    assert_healthy(at, "descent")


def test_an_epoch_past_the_end_of_a_shorter_run_is_clamped() -> None:
    at = open_page("descent")
    choose_epoch(at, 30)
    at.number_input(key="epochs").set_value(10).run()  # the run gets shorter than the epoch shown
    assert epoch_shown(at) == 10 and at.query_params["epoch"] == "10"
    assert ledger_rows_shown(at) == 20
    choose_epoch(at, 9)  # the browser's next click carries the page's new nonce, so it is taken
    assert epoch_shown(at) == 9


def test_query_params_set_the_controls_and_the_epoch_shown() -> None:
    at = open_page("descent", lr="0.5", epochs="40", loss="sse", epoch="3")
    assert_healthy(at, "descent", errors_allowed=True)  # lr 0.5 on the SSE is above the stable rate
    assert at.number_input(key="lr").value == 0.5
    assert at.number_input(key="epochs").value == 40
    assert at.radio(key="loss").value == "sse"
    assert epoch_shown(at) == 3
    assert not at.warning, [w.value for w in at.warning]
    frame = ledger(at)
    assert len(frame) == 6
    expected = reference_descent(0.5, 3, DEFAULT.seed, "sse")
    for row in expected:
        assert_epoch_matches(frame, row, 0.5)
    # The link is written back from the config: the same settings, defaults left out.
    assert at.query_params["lr"] == "0.5"
    assert at.query_params["loss"] == "sse"
    assert at.query_params["epoch"] == "3"
    assert "epochs" not in at.query_params


def test_bad_link_values_fall_back_to_the_defaults_with_a_note() -> None:
    at = open_page("descent", lr="abc", epochs="99999", loss="foo", epoch="-4")
    assert_healthy(at, "descent")
    assert at.number_input(key="lr").value == DEFAULT.learning_rate
    assert at.number_input(key="epochs").value == DEFAULT.epochs
    assert at.radio(key="loss").value == DEFAULT.loss
    assert epoch_shown(at) == 0
    notes = "\n".join(w.value for w in at.warning)
    for bad in ("lr='abc'", "epochs='99999'", "loss='foo'", "epoch='-4'"):
        assert bad in notes, notes
    assert len(at.warning) == 4
    # The bad values do not survive into the link.
    assert dict(at.query_params) == {}


@pytest.mark.parametrize(
    "params",
    [{"lr": "1e-9"}, {"lr": "1e6", "epochs": "500"}, {"epochs": "1"}, {"epochs": "500"}],
    ids=["lr-1e-9", "lr-1e6-500-epochs", "1-epoch", "500-epochs"],
)
def test_extreme_settings(params: dict[str, str]) -> None:
    at = open_page("descent", **params)
    diverges = params.get("lr") == "1e6"
    assert_healthy(at, "descent", errors_allowed=diverges)
    assert not at.warning, [w.value for w in at.warning]
    last = jump_to_end(at)  # the last epoch: the biggest (or smallest) numbers
    assert_healthy(at, "descent", errors_allowed=diverges)
    assert ledger_rows_shown(at) == 2 * last
    if diverges:
        lr_max = largest_stable_lr("mse")
        errors = [e.value for e in at.error]
        assert errors and all("largest stable" in e for e in errors), errors
        assert any("diverge" in e.lower() for e in errors), errors
        # e.g. "The learning rate 1e+06 is above the largest stable rate for this data, 1 (2 / ..."
        stated = re.compile(rf"largest stable[^.]*?\b{re.escape(f'{lr_max:.4g}')}\b")
        assert any(stated.search(e) for e in errors), (lr_max, errors)
        assert last < 500, "a diverged run stops early"
    else:
        assert last == int(params.get("epochs", DEFAULT.epochs))


def test_descent_settings_carry_over_to_the_check_page() -> None:
    at = open_page("descent", epochs="10")
    at.switch_page(PAGES["check"]).run()
    assert_healthy(at, "check")
    assert at.number_input(key="epochs").value == 10
    assert "gradient descent, 10 epochs" in at.table[0].value.columns
    at.switch_page(PAGES["descent"]).run()
    assert_healthy(at, "descent")
    assert at.number_input(key="epochs").value == 10


# --- page 4: check against scikit-learn ----------------------------------------------------------


def test_check_table_matches_scikit_learn_fitted_here() -> None:
    at = open_page("check")
    assert_healthy(at, "check")
    x, y = windsor()
    model = LinearRegression().fit(x.reshape(-1, 1), y)  # X: (n_samples, 1)
    slope, intercept = float(model.coef_[0]), float(model.intercept_)
    mse = float(np.mean((y - (slope * x + intercept)) ** 2))

    table = at.table[0].value
    (sklearn_column,) = [c for c in table.columns if "scikit-learn" in c and "−" not in c]
    (descent_column,) = [c for c in table.columns if c.startswith("gradient descent")]
    rows = {str(label).split(" ")[0]: label for label in table.index}
    shown = {name: number(table.loc[rows[name], sklearn_column]) for name in ("slope", "intercept", "MSE")}
    assert shown["slope"] == pytest.approx(slope, rel=1e-5)  # shown to six significant digits
    assert shown["intercept"] == pytest.approx(intercept, rel=1e-5)
    assert shown["MSE"] == pytest.approx(mse, rel=1e-5)
    # With the default settings the descent has converged to the same line.
    assert number(table.loc[rows["slope"], descent_column]) == pytest.approx(slope, rel=1e-5)
    assert number(table.loc[rows["intercept"], descent_column]) == pytest.approx(intercept, rel=1e-5)
    assert at.success and "agree" in at.success[0].value


def test_check_page_with_a_diverged_descent() -> None:
    at = open_page("check", lr="1e6", epochs="500")
    assert_healthy(at, "check")
    (note,) = [w.value for w in at.warning]
    assert "diverged" in note and f"{largest_stable_lr('mse'):.4g}" in note


def test_batches_of_one_run_only_the_epochs_the_step_budget_allows_and_say_so() -> None:
    at = open_page("descent", batch="1", epochs="500", opt="adam")
    assert not at.exception, [e.value for e in at.exception]
    notes = " ".join(str(w.value) for w in at.warning)
    most = 40_000 // (1 + 3)  # the work budget over a step's work: the line's 1 unit plus Adam's 3
    allowed = most // 546
    assert f"546 steps per epoch, so 500 epochs would be {546 * 500:,} steps; a page takes at most {most:,}" in notes
    assert f"stops after {allowed} epochs ({allowed * 546:,} steps)" in notes
    assert at.query_params["epochs"] == "500" and at.query_params["batch"] == "1"  # the link keeps the choice
    assert jump_to_end(at) == allowed  # the stepper runs over the epochs actually taken


def test_the_lessons_example_is_one_click_and_its_ledger_equals_a_loop_on_raw_dollars() -> None:
    at = open_page("descent", lr="3", epochs="77", opt="adam", sched="cosine", batch="16", epoch="9")
    (preset,) = [b for b in at.button if b.label.startswith("The lesson's example")]
    preset.click().run()
    assert not at.exception, [e.value for e in at.exception]
    # Every setting follows the button, whatever the link said before; the view starts at epoch 0.
    assert dict(at.query_params) == {"lr": "0.05", "epochs": "5", "scale": "none", "start": "typed"}
    assert epoch_shown(at) == 0
    # The lesson's table, written out here: bedrooms and dollars as they are, MSE, from the $0 line.
    x, y = windsor()
    n, lr = len(x), 0.05
    current, rows = np.zeros(2), []
    for epoch in range(1, 6):
        e = y - (current[0] * x + current[1])  # (546,)
        gradient = -2.0 / n * np.array([x @ e, e.sum()])
        rows.append({"epoch": epoch, "current": current, "gradient": gradient, "loss": e @ e / n})
        rows[-1]["new"] = current = current - lr * gradient
    jump_to_end(at)
    frame = ledger(at)
    for expected in rows:
        assert_epoch_matches(frame, expected, lr)
    # The zig-zag: the slope's gradient changes sign between epochs 1 and 2, and the page says so.
    assert rows[0]["gradient"][0] < 0 < rows[1]["gradient"][0]
    text = screen_text(at)
    assert "change sign between epochs 1 and 2" in text
    # Why 0.05 on the raw sum would blow up: its largest stable rate, 2 / the largest eigenvalue of 2 AᵀA.
    a = np.column_stack([x, np.ones(n)])  # (546, 2)
    sse_top = np.linalg.eigvalsh(2.0 * a.T @ a).max()
    assert f"largest stable rate is {2 / sse_top:.5g}" in text
    assert f"{lr * sse_top - 1:.3g} times further" in text
    assert not any(b.label.startswith("The lesson's example") and not b.disabled for b in at.button)
    assert_healthy(at, "descent")
