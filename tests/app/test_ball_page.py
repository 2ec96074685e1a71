"""Page 7, the ball on the hill, run headless with Streamlit's AppTest.

The numbers on screen are checked against the curve's formula and a descent loop written here; the
click on the curve (an ECharts selection) is a browser test (tests/browser/test_ball_browser.py).
"""

from __future__ import annotations

import math
from pathlib import Path

import opening
import pandas as pd
import pytest
from stepping import choose_epoch, equations_of, html_tables, sections_shown, text_of
from streamlit.testing.v1 import AppTest
from test_pages import NAN_OR_INF, number, screen_text

from gdcore import lesson

REPO = Path(__file__).resolve().parents[2]
PAGE = "pages/7_ball.py"
TITLE = lesson.heading("ball")
STEP = "ball_step"  # the session key of the step shown


def open_ball(**params: str) -> AppTest:
    return opening.open_page(PAGE, **params)


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [TITLE]
    found = NAN_OR_INF.findall(screen_text(at))
    assert not found, f"NaN/inf on screen: {found}"


def bowl_loop(start: float, lr: float, steps: int) -> list[float]:
    """w <- w - lr * 2 (w - 2), written out."""
    ws = [start]
    for _ in range(steps):
        ws.append(ws[-1] - lr * 2 * (ws[-1] - 2))
    return ws


def step_words(at: AppTest, k: int) -> str:
    """The step's sentences, as the browser shows them for step k (the frame's section, ui/frames.py)."""
    assert at.session_state[STEP] == k
    words = text_of(sections_shown(at)["words"])
    assert words.startswith(f"Step {k} of"), words
    return words


def scoreboard(at: AppTest) -> pd.DataFrame:
    (board,) = html_tables(sections_shown(at)["board"])
    return board


def test_defaults_say_converging_and_each_step_shows_the_loops_numbers() -> None:
    at = open_ball()
    assert_healthy(at)
    assert not at.warning
    (verdict,) = [s.value for s in at.success]
    ws = bowl_loop(5.5, 0.1, 30)
    arrived = next(k for k, w in enumerate(ws) if all(abs(v - 2) <= 0.01 for v in ws[k:]))
    assert "Converging" in verdict and f"from step {arrived} on" in verdict
    for k in (1, 2, 7):
        choose_epoch(at, k, key=STEP)
        words = step_words(at, k)
        w = ws[k - 1]
        assert f"was at w = {w:.6g}" in words.replace(",", "")
        assert f"the loss is {(w - 2) ** 2:.6g}" in words.replace(",", "")
        assert f"the slope is {2 * (w - 2):.6g}" in words.replace(",", "")
        (update,) = [x for x in equations_of(sections_shown(at)["words"]) if r"\text{w} \leftarrow" in x]
        assert number(update.split("=")[-1]) == pytest.approx(ws[k], rel=1e-5)
        assert at.query_params["step"] == str(k)
    assert_healthy(at)


def test_the_scoreboard_counts_steps_to_the_bottom_as_the_loop_does() -> None:
    at = open_ball(tol="0.001")
    frame = scoreboard(at)
    steps = frame[[c for c in frame.columns if c.startswith("steps to within 0.001")][0]].tolist()
    expected = []
    for lr in (0.02, 0.4, 1.05):
        ws = bowl_loop(5.5, lr, 30)
        inside = [abs(w - 2) <= 0.001 for w in ws]
        expected.append(str(next(k for k in range(31) if all(inside[k:]))) if inside[-1] else "never")
    assert steps == expected == ["never", "6", "never"]  # 3.5 × 0.2^6 < 0.001 < 3.5 × 0.2^5
    assert frame["what the ball does"].tolist() == ["crawling", "converging", "diverging"]


def test_a_link_sets_every_control_and_the_step_shown() -> None:
    link = dict(curve="bumpy", w0="-4.5", lr="0.05", steps="80", lr1="0.01", tol="0.05", drops="7", seed="9")
    at = open_ball(**link, step="5")
    assert_healthy(at)
    assert at.session_state[STEP] == 5
    assert at.radio[0].value == "bumpy"
    assert at.select_slider[0].value == 0.05
    values = {n.label: n.value for n in at.number_input}
    assert values["Drop the ball at w ="] == -4.5 and values["Steps"] == 80 and values["Drops"] == 7
    assert values["First rate (too small?)"] == 0.01 and values["At the bottom means within"] == 0.05
    assert "Step 5 of 80." in step_words(at, 5)
    assert "7 balls dropped at random places (from seed 9)" in screen_text(at)
    at.run()  # a rerun keeps everything
    assert at.session_state[STEP] == 5 and at.query_params["w0"] == "-4.5"


@pytest.mark.parametrize(
    "params",
    [
        {"lr": "100", "steps": "500", "step": "500"},  # overflows: stops cleanly and says why
        {"lr": "100", "steps": "500", "curve": "bumpy", "step": "67"},
        {"lr": "1e-06", "w0": "-20", "curve": "bumpy", "opt": "adam", "sched": "cosine", "warmup": "5"},
        {"w0": "20", "lr": "5", "lr3": "100", "steps": "500", "step": "499"},
        {"curve": "bumpy", "drops": "200", "steps": "500", "opt": "adam"},  # over the work budget: fewer drops
    ],
)
def test_extreme_settings_show_no_exception_or_nan(params: dict[str, str]) -> None:
    at = open_ball(**params)
    assert_healthy(at)


def test_a_diverged_roll_says_why_and_where_it_stopped() -> None:
    at = open_ball(lr="100", steps="500")
    (verdict,) = [e.value for e in at.error]
    # |w - 2| grows 199-fold a step from 3.5; the loss (w - 2)^2 passes 1.8e308 when |w - 2| > 1.34e154.
    stop = next(k for k in range(1, 500) if 3.5 * 199.0**k > math.sqrt(1.7976931348623157e308))
    assert f"Diverged: at step {stop + 1} the loss grew too large" in verdict


def test_too_many_drops_are_cut_to_the_budget_with_a_note() -> None:
    at = open_ball(curve="bumpy", drops="200", steps="500", opt="adam")
    (note,) = [w.value for w in at.warning]
    most = 40_000 // (1 + 3) // 500  # the work budget over a step's work (curve 1, Adam 3), over the steps
    assert f"showing the first {most}" in note
    assert f"{most} balls dropped at random places" in screen_text(at)


def test_tampered_links_give_notes_and_the_defaults() -> None:
    at = open_ball(lr="abc", w0="9" * 400, curve="hill" * 1250, step="-3", x="foo")
    assert_healthy(at)
    notes = " ".join(w.value for w in at.warning)
    assert "lr='abc' was ignored" in notes and "w0=" in notes and "curve=" in notes and "'x'" in notes
    assert "step='-3' was ignored" in notes
    assert at.select_slider[0].value == 0.1 and at.session_state[STEP] == 0


def test_roll_with_momentum_button_switches_the_optimizer() -> None:
    at = open_ball(curve="bumpy")
    (button,) = [b for b in at.button if b.label.startswith("Roll with momentum")]
    button.click().run()
    assert_healthy(at)
    assert at.query_params["opt"] == "momentum"
    assert not [b for b in at.button if b.label.startswith("Roll with momentum")]
