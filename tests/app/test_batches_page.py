"""Page 10 (batch, mini-batch, stochastic) through AppTest: its numbers against loops written here, its extremes.

The reference run is written out from the formulas: the houses read with pandas, bedrooms and price
standardized, the start drawn from the seed, each epoch's batches cut from
default_rng(SeedSequence(seed).spawn(1)[0]).permutation(546) (gdcore.batches documents it), and
new = current - lr * (-2/b) [sum(x e), sum(e)] over the batch's rows.

The page's step is drawn in the browser from the run's frames (ui/frames.py): the tests read a step's sections,
its tables, its charts and its ledger from the frame the browser draws (tests/app/stepping.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import opening
import pandas as pd
import pytest
from stepping import (
    choose_epoch,
    frame_shown,
    jump_to_end,
    ledger_shown,
    sections_shown,
    tables_shown,
    text_of,
    view,
)
from streamlit.testing.v1 import AppTest
from test_pages import NAN_OR_INF, number, screen_text

from gdcore import lesson
from gdcore.minibatch import BatchConfig
from ui import batches, frames

REPO = Path(__file__).resolve().parents[2]
CSV = REPO / "data" / "windsor_housing.csv"
PAGE = "pages/10_batches.py"
TITLE = lesson.heading("batches")
STEP = "batches:step"  # the session key of the step shown (the stepper's)


def open_batches(**params: str) -> AppTest:
    return opening.open_page(PAGE, **params)


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
    """The table of the batch's houses: the table whose first column is "house"."""
    tables = [t for t in tables_shown(at) if t.columns[0] == "house"]
    assert len(tables) == 1
    return tables[0]


def skip_button(at: AppTest) -> tuple[str, int | None]:
    """The label of the button that skips to the end of the epoch, and the step it goes to (None: disabled)."""
    found = re.fullmatch(
        r'<button type="button" class="btn"(?: data-epoch="(\d+)")?( disabled)?>(.*)</button>',
        sections_shown(at)["skip"],
    )
    assert found, sections_shown(at)["skip"]
    return text_of(found.group(3)), None if found.group(1) is None else int(found.group(1))


def test_defaults_start_at_step_0_with_no_batch_yet() -> None:
    at = open_batches()
    text = assert_healthy(at)
    assert "Step 0 of 175: the starting point." in text
    assert "batches of **16** houses (the last one 2)" in text and "35 steps per epoch" in text
    assert not [t for t in tables_shown(at) if t.columns[0] == "house"]
    assert at.session_state[STEP] == 0
    assert "<strong>Step 0 of 175: the starting point.</strong>" in sections_shown(at)["step"]


def test_step_40_shows_its_batch_the_two_gradients_and_the_race() -> None:
    x, y = houses()
    steps, _ = reference()
    rows, current, gradient = steps[39]
    at = choose_epoch(open_batches(), 40, key=STEP)
    text = assert_healthy(at)
    assert "<strong>Step 40 of 175: epoch 2 of 5, batch 5 of 35</strong> (16 houses)" in sections_shown(at)["step"]
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
    ledger = ledger_shown(at)
    assert "gradient on all 546" in ledger.columns
    top = ledger.iloc[:2]
    assert list(top["now"]) == ["▶", "▶"] and [int(step) for step in top["step"]] == [40, 40]
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
    assert skip_button(at) == ("Skip to the end of epoch 1 (step 35)", 35)
    at = choose_epoch(at, skip_button(at)[1], key=STEP)  # the button moves the view there, as a click on Next does
    assert at.session_state[STEP] == 35
    assert_healthy(at)
    assert "<strong>Step 35 of 175: epoch 1 of 5, batch 35 of 35</strong> (2 houses)" in sections_shown(at)["step"]
    assert len(batch_table(at)) == 3  # the epoch's last batch holds the 546 - 34 * 16 = 2 houses left, and the sum
    assert skip_button(at) == ("Skip to the end of epoch 2 (step 70)", 70)
    at = choose_epoch(at, skip_button(at)[1], key=STEP)
    assert at.session_state[STEP] == 70
    jump_to_end(at, key=STEP)
    assert skip_button(at) == ("No epochs left", None)
    # Every step's button, in the frames the browser holds, goes to the end of that step's epoch.
    frames = view(at)["frames"]
    for k in (0, 1, 34, 35, 36, 174):
        markup = frames["html"][frames["frames"][k]["sections"]["skip"]]
        assert f'data-epoch="{min(35 * (k // 35 + 1), 175)}"' in markup, (k, markup)


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


LISTED = r"Step ([\d,]+) \(epoch \d+\) took its gradient on these (\d+) houses, in this order: ([\d, ]+)\."


def listed(markup: str) -> tuple[int, list[int]]:
    """The step and the houses a sentence under the ledger lists (1-based)."""
    found = re.search(LISTED, text_of(markup))
    assert found, markup
    houses_ = [int(h) for h in found.group(3).split(", ")]
    assert len(houses_) == int(found.group(2))
    return int(found.group(1).replace(",", "")), houses_


def every_row_line(at: AppTest, option: str = "the latest step") -> tuple[int, list[int]]:
    """The step and the houses the sentence under the ledger lists when the menu there says `option`: the latest
    step's (its own part of the frame) or a step picked in the menu (its part is in the menu's)."""
    menu = [slot["static"] for slot in view(at)["frames"]["layout"] if 'data-choose="rows"' in str(slot)]
    parts = menu[0] + sections_shown(at)["every"]
    assert f'<option value="{option}">{option}</option>' in menu[0]
    found = re.findall(rf'<div data-choice="rows" data-option="{re.escape(option)}">(.*?)</div>', parts, flags=re.S)
    assert len(found) == 1, (option, found)
    return listed(found[0])


def test_the_ledger_lists_the_first_six_houses_and_every_house_of_a_picked_step_below() -> None:
    steps, _ = reference()
    at = choose_epoch(open_batches(), 40, key=STEP)
    assert_healthy(at)
    ledger = ledger_shown(at)
    first_six = ", ".join(str(r + 1) for r in steps[39][0][:6])
    assert ledger["rows in the batch"].iloc[0] == f"16: rows {first_six}, …"
    assert every_row_line(at) == (40, [r + 1 for r in steps[39][0]])  # the latest step, unless one is picked
    assert every_row_line(at, "step 12") == (12, [r + 1 for r in steps[11][0]])  # a step picked in the menu
    # The menu offers every step of the ledger, so a picked step stays there (the browser keeps the choice from
    # step to step: tests/browser/test_batches_browser.py); the latest follows the steps.
    at = choose_epoch(at, 41, key=STEP)
    assert every_row_line(at, "step 12") == (12, [r + 1 for r in steps[11][0]])
    assert every_row_line(at) == (41, [r + 1 for r in steps[40][0]])
    at = choose_epoch(at, 42, key=STEP)
    assert every_row_line(at) == (42, [r + 1 for r in steps[41][0]])
    assert every_row_line(at, "step 41") == (41, [r + 1 for r in steps[40][0]])


def test_a_full_batch_ledger_has_no_list_to_pick() -> None:
    at = choose_epoch(open_batches(batch="546"), 2, key=STEP)
    assert_healthy(at)
    assert not [slot for slot in view(at)["frames"]["layout"] if "data-choose" in str(slot)]
    assert "every" not in sections_shown(at)


@pytest.mark.parametrize("params", [{}, {"shuffle": False, "learning_rate": 1e6}])
def test_each_steps_loss_map_cut_from_the_whole_runs_figure_is_the_figure_of_that_step(params: dict) -> None:
    """The page sends each step's map cut from the figure after the whole run (batches.contour_maps): the same
    traces, points and layout as the figure batches.contour draws for that step alone, a diverging run's too
    (1e6: it stops in its first epoch, its paths off the map)."""
    config = BatchConfig(**params)
    both = batches.runs(config)
    last = len(both.fit.run.records)
    steps = sorted({k for k in (0, 1, 2, 35, 36, last // 2, last) if k <= last})
    maps = batches.contour_maps(both, steps, 16, 546)
    for k in steps:
        record = both.fit.run.records[k - 1] if k else None
        figure, caption = batches.contour(both, k, record, 16, 546)
        option, said = maps[k]
        drawn = option | {"data": [frames.cut(trace) for trace in option["data"]]}  # as the browser cuts it
        assert (drawn, said) == (frames.plotly_option(figure), caption), k


def test_a_long_run_sends_a_stretch_of_its_steps_and_the_steps_play_and_skip_land_on() -> None:
    at = open_batches(batch="1", epochs="500")  # the most the page runs: 73 epochs of 546 steps
    assert_healthy(at)
    frames = view(at)["frames"]
    last = len(frames["frames"]) - 1
    assert last == 73 * 546
    held = {k for k, frame in enumerate(frames["frames"]) if frame is not None}
    _, low, high = at.session_state["batches:stretch"]
    assert low == 0 and set(range(high + 1)) <= held and high < 1_000  # a stretch around step 0
    stride = -(-last // 60)  # Play moves this many steps a frame
    assert set(range(0, last + 1, stride)) | {last, 546 * 2, 546 * 3} <= held  # Play's steps, the next epochs' ends
    assert len(held) < high + 1 + 100 and frames["frames"][high + 1] is None  # null: asked for once the step settles
    assert len(json.dumps(frames)) < 5_000_000  # bytes: all 39,858 steps' frames would take some 300 MB
    # A step outside the stretch, once it settles there: the page sends the stretch around it.
    at = choose_epoch(at, 20_001, key=STEP)
    assert_healthy(at)
    assert at.session_state[STEP] == 20_001 and frame_shown(at) is not None
    assert "<strong>Step 20,001 of 39,858: epoch 37 of 73, batch 345 of 546</strong>" in sections_shown(at)["step"]
    _, low, high = at.session_state["batches:stretch"]
    assert low < 20_001 < high
    assert ledger_shown(at)["step"].iloc[0] == "20001" and len(ledger_shown(at)) == 2 * 500  # its latest 500 steps


def test_the_race_words_count_one_step_in_the_singular() -> None:
    """After one step: "the 1 mini-batch step has looked at", "1 full-batch step reaches" (not "1 ... steps")."""
    at = choose_epoch(open_batches(), 1, key=STEP)
    words = text_of(sections_shown(at)["race"])
    assert "the 1 mini-batch step has looked at 16 houses" in words, words
    assert "1 full-batch step reaches MSE" in words, words
    assert "1 mini-batch steps" not in words and "1 full-batch steps" not in words
