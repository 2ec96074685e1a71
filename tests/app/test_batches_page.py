"""Page 10 (batch, mini-batch, stochastic) through AppTest: its numbers against loops written here, its extremes.

The reference run is written out from the formulas: the houses read with pandas, bedrooms and price
standardized, the start drawn from the seed, each epoch's batches cut from
default_rng(SeedSequence(seed).spawn(1)[0]).permutation(546) (gdcore.batches documents it), and
new = current - lr * (-2/b) [sum(x e), sum(e)] over the batch's rows.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from stepping import choose_epoch, jump_to_end
from streamlit.testing.v1 import AppTest
from test_pages import NAN_OR_INF, number, screen_text

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
CSV = REPO / "data" / "windsor_housing.csv"
PAGE = "pages/10_batches.py"
TITLE = "10. Batch, mini-batch, stochastic"
STEP = "batches:step"  # the session key of the step shown (the stepper's)


def open_batches(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(PAGE)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def assert_healthy(at: AppTest, errors_allowed: bool = False) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [TITLE]
    if not errors_allowed:
        assert not at.error, [e.value for e in at.error]
    text = screen_text(at)
    assert not NAN_OR_INF.findall(text), NAN_OR_INF.findall(text)
    return text


def houses() -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(CSV)
    x, y = frame["bedrooms"].to_numpy(dtype=float), frame["price"].to_numpy(dtype=float)
    return (x - x.mean()) / x.std(), (y - y.mean()) / y.std()  # (546,) each, standardized


def reference(lr: float = 0.05, size: int = 16, seed: int = 8, epochs: int = 5):
    """Every step of the mini-batch run: (rows, params before, gradient), and the params after the last."""
    x, y = houses()
    current = np.random.default_rng(seed).normal(size=2) * [y.std() / x.std(), y.std()]  # (2,)
    rng = np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])
    steps = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), size):
            rows = order[start : start + size]
            e = y[rows] - (current[0] * x[rows] + current[1])
            gradient = np.array([-2.0 * np.sum(x[rows] * e), -2.0 * np.sum(e)]) / len(rows)
            steps.append((rows, current, gradient))
            current = current - lr * gradient
    return steps, current


def mse(params, x, y) -> float:
    return float(np.mean((y - (params[0] * x + params[1])) ** 2))


def batch_table(at: AppTest) -> pd.DataFrame:
    """The table of the batch's houses: the dataframe whose first column is "house"."""
    tables = [t.value for t in at.dataframe if t.value.columns[0] == "house"]
    assert len(tables) == 1
    return tables[0]


def test_defaults_start_at_step_0_with_no_batch_yet() -> None:
    at = open_batches()
    text = assert_healthy(at)
    assert "Step 0 of 175: the starting point." in text
    assert "batches of **16** houses (the last one 2)" in text and "35 steps per epoch" in text
    assert not [t for t in at.dataframe if t.value.columns[0] == "house"]
    assert at.session_state[STEP] == 0


def test_step_40_shows_its_batch_the_two_gradients_and_the_race() -> None:
    x, y = houses()
    steps, _ = reference()
    rows, current, gradient = steps[39]
    at = choose_epoch(open_batches(), 40, key=STEP)
    text = assert_healthy(at)
    assert "**Step 40 of 175: epoch 2 of 5, batch 5 of 35** (16 houses)" in text
    assert at.query_params["step"] == ["40"] or at.query_params["step"] == "40"

    table = batch_table(at)
    assert [int(h) for h in table["house"][:-1]] == [r + 1 for r in rows]  # 1-based, in the shuffle's order
    assert table["house"].iloc[-1] == "sum: the batch's gradient"
    e = y[rows] - (current[0] * x[rows] + current[1])
    np.testing.assert_allclose([number(v) for v in table["e = y − ŷ"][:-1]], e, rtol=1e-5, atol=1e-6)
    slope_parts = [number(v) for v in table["slope part: −2·x·e ÷ 16"][:-1]]
    np.testing.assert_allclose(slope_parts, -2.0 * x[rows] * e / 16, rtol=1e-5, atol=1e-7)
    sums = [number(table["slope part: −2·x·e ÷ 16"].iloc[-1]), number(table["intercept part: −2·e ÷ 16"].iloc[-1])]
    np.testing.assert_allclose(sums, gradient, rtol=1e-5)

    # The ledger's two gradients of step 40 (its top two rows): the batch's, and the one on all 546 houses,
    # here from the normal equation's residuals, -2/n X^T (y - X p).
    ledger = [t.value for t in at.dataframe if "gradient on all 546" in t.value.columns][0]
    top = ledger.iloc[:2]
    assert list(top["now"]) == ["▶", "▶"] and list(top["step"]) == [40, 40]
    np.testing.assert_allclose([number(v) for v in top["gradient on the batch"]], gradient, rtol=1e-5)
    X = np.column_stack([x, np.ones_like(x)])  # (546, 2)
    whole = -2.0 * X.T @ (y - X @ current) / len(x)
    np.testing.assert_allclose([number(v) for v in top["gradient on all 546"]], whole, rtol=1e-5)

    # The race: 40 steps of 16 looked at 626 houses, one full-batch step's worth.
    full = np.random.default_rng(8).normal(size=2) * [y.std() / x.std(), y.std()]
    trail = [full]
    for _ in range(40):
        e_all = y - X @ trail[-1]
        trail.append(trail[-1] - 0.05 * (-2.0 * X.T @ e_all / len(x)))
    after = steps[40][1]  # the parameters after step 40 = before step 41
    found = re.search(r"took 1 step, to MSE ([\d.,]+); the mini-batches reached ([\d.,]+)", text)
    assert found and "626 houses" in text
    assert number(found.group(1)) == pytest.approx(mse(trail[1], x, y), rel=1e-5)
    assert number(found.group(2)) == pytest.approx(mse(after, x, y), rel=1e-5)
    found = re.search(r"40 full-batch steps reach MSE ([\d.,]+)", text)
    assert found and number(found.group(1)) == pytest.approx(mse(trail[40], x, y), rel=1e-5)
    assert "the mini-batches are ahead" in text and "the full batch is ahead" in text


def test_skip_goes_to_the_end_of_the_epoch_then_the_next() -> None:
    at = choose_epoch(open_batches(), 3, key=STEP)
    assert at.button(key="batches:skip").label == "Skip to the end of epoch 1 (step 35)"
    at.button(key="batches:skip").click().run()
    assert at.session_state[STEP] == 35
    assert "**Step 35 of 175: epoch 1 of 5, batch 35 of 35** (2 houses)" in assert_healthy(at)
    assert len(batch_table(at)) == 3  # the epoch's last batch holds the 546 - 34 * 16 = 2 houses left, and the sum
    at.button(key="batches:skip").click().run()
    assert at.session_state[STEP] == 70
    jump_to_end(at, key=STEP)
    assert at.button(key="batches:skip").disabled


def test_a_copied_link_shows_the_same_step() -> None:
    at = choose_epoch(open_batches(batch="7", lr="0.02", seed="3"), 12, key=STEP)
    assert_healthy(at)
    link = {key: at.query_params[key] for key in at.query_params}
    link = {key: value[0] if isinstance(value, list) else value for key, value in link.items()}
    assert link == {"batch": "7", "lr": "0.02", "seed": "3", "step": "12"}
    again = open_batches(**link)
    assert_healthy(again)
    assert again.session_state[STEP] == 12
    assert batch_table(again).equals(batch_table(at))
    steps, _ = reference(lr=0.02, size=7, seed=3)
    rows = steps[11][0]
    assert [int(h) for h in batch_table(again)["house"][:-1]] == [r + 1 for r in rows]


@pytest.mark.parametrize(
    "params",
    [
        {"batch": "1"},  # stochastic: 546 steps per epoch
        {"batch": "1", "epochs": "500"},  # more steps than a page may take: the budget cuts epochs
        {"batch": "546"},  # the full batch: the two runs are one
        {"batch": "0"},  # 0 means all, as on page 3
        {"batch": "99999"},  # more houses than there are
        {"lr": "1e6"},  # diverges
        {"lr": "1e-9", "shuffle": "no"},  # a crawl, in file order
        {"lr": "abc", "step": "abc", "opt": "adam", "x": "price"},  # tampered (x cannot be y)
        {"seed": "9" * 400, "lr": "é" * 5000, "step": "99999999"},
    ],
)
def test_extremes_and_tampered_links_keep_the_page_working(params: dict) -> None:
    at = open_batches(**params)
    diverges = params.get("lr") == "1e6"
    assert_healthy(at, errors_allowed=diverges)
    last = jump_to_end(at, key=STEP)
    text = assert_healthy(at, errors_allowed=diverges)
    assert last > 0
    if params.get("epochs") == "500":
        assert "This run stops after 73 epochs" in text
    if params.get("batch") in ("546", "0", "99999"):
        assert "the two runs are the same run" in text
    if "opt" in params:
        notes = " ".join(w.value for w in at.warning)
        assert "opt='adam' was ignored" in notes and "x='price' was ignored" in notes and "lr='abc'" in notes
    if diverges:
        assert "This run stops in epoch 1" in text
        assert "the mini-batches are ahead" not in text  # their loss blew up: the start is better


def every_row_line(at: AppTest) -> tuple[int, list[int]]:
    """The step and the houses the sentence under the ledger lists (1-based)."""
    (text,) = [m.value for m in at.markdown if "took its gradient on these" in m.value]
    sentence = r"\*\*Step ([\d,]+)\*\* \(epoch \d+\) took its gradient on these (\d+) houses, in this order: "
    sentence += r"([\d, ]+)\."
    found = re.search(sentence, text)
    assert found, text
    houses_ = [int(h) for h in found.group(3).split(", ")]
    assert len(houses_) == int(found.group(2))
    return int(found.group(1).replace(",", "")), houses_


def test_the_ledger_lists_the_first_six_houses_and_every_house_of_a_picked_step_below() -> None:
    steps, _ = reference()
    at = choose_epoch(open_batches(), 40, key=STEP)
    assert_healthy(at)
    ledger = [t.value for t in at.dataframe if "gradient on all 546" in t.value.columns][0]
    first_six = ", ".join(str(r + 1) for r in steps[39][0][:6])
    assert ledger["rows in the batch"].iloc[0] == f"16: rows {first_six}, …"
    assert every_row_line(at) == (40, [r + 1 for r in steps[39][0]])  # the latest step, unless one is picked
    at.selectbox(key="batches:rows_of").select(12).run()
    assert every_row_line(at) == (12, [r + 1 for r in steps[11][0]])
    at = choose_epoch(at, 41, key=STEP)  # a picked step stays picked while it is in the ledger
    assert every_row_line(at) == (12, [r + 1 for r in steps[11][0]])
    at.selectbox(key="batches:rows_of").select(41).run()  # the latest again: follow the steps
    at = choose_epoch(at, 42, key=STEP)
    assert every_row_line(at) == (42, [r + 1 for r in steps[41][0]])


def test_a_full_batch_ledger_has_no_list_to_pick() -> None:
    at = choose_epoch(open_batches(batch="546"), 2, key=STEP)
    assert_healthy(at)
    assert not [s for s in at.selectbox if s.key == "batches:rows_of"]
