"""Page 9, the optimizers' race, run headless with AppTest: defaults, every surface, extreme learning
rates, tampered links; the finish table and the ledger against a loop written here on the house data.

The reference reads the CSV with pandas and steps with the textbook rules, never with gdcore.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import opening
import pandas as pd
import pytest
from reading import number
from stepping import (
    choose_epoch,
    equations_of,
    frame_text,
    html_tables,
    jump_to_end,
    ledger_shown,
    merged,
    sections_shown,
    tables_shown,
    text_of,
    view,
)
from streamlit.testing.v1 import AppTest

from gdcore import lesson, race
from gdcore.race import RaceConfig
from ui import frames
from ui import race as page

REPO = Path(__file__).resolve().parents[2]
CSV = REPO / "data" / "windsor_housing.csv"
PAGE = "pages/9_optimizers.py"
TITLE = lesson.heading("optimizers")
STEP = "race_step"
NAN_OR_INF = re.compile(r"(?<![A-Za-z])(nan|[-+−]?inf(inity)?)(?![A-Za-z])", re.IGNORECASE)


def open_page(**params: str) -> AppTest:
    return opening.open_page(PAGE, **params)


def screen_text(at: AppTest) -> str:
    """The page's words, maths and tables, without the link notes (they quote the link's own text): the step's
    part as the browser draws it from the frames (ui/frames.py), the rest as Streamlit does."""
    parts = []
    for kind in ("title", "subheader", "markdown", "latex", "caption", "info", "success", "error"):
        parts += [str(element.value) for element in getattr(at, kind)]
    parts += frame_text(at)
    for frame in tables_shown(at):
        parts += [frame.to_string(), *map(str, frame.columns)]
    return "\n".join(parts)


def finish_table(at: AppTest) -> pd.DataFrame:
    """The finish table of the step shown."""
    (table,) = html_tables(sections_shown(at)["finish"])
    return table


def warnings_shown(at: AppTest) -> list[str]:
    """The warnings of the step shown (a racer that stopped), as the view draws them."""
    found = re.findall(r'<div class="alert warning"[^>]*>(.*?)</div>', sections_shown(at)["step"], flags=re.S)
    return [text_of(body) for body in found]


def static_text(at: AppTest) -> str:
    """The view's parts that read the same at every step (headings, the racer's rule)."""
    return "\n".join(text_of(slot["static"]) for slot in view(at)["frames"]["layout"] if "static" in slot)


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [TITLE]
    assert not at.error, [e.value for e in at.error]
    found = NAN_OR_INF.findall(screen_text(at))
    assert not found, f"NaN/inf on screen: {found}"


def house() -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(CSV)
    x, y = frame["bedrooms"].to_numpy(dtype=float), frame["price"].to_numpy(dtype=float)  # (546,)
    return (x - x.mean()) / x.std(ddof=0), (y - y.mean()) / y.std(ddof=0)


def house_race(rule: str, lr: float, steps: int) -> tuple[list[float], list[np.ndarray]]:
    """The MSE after 0..steps steps and the points visited, from (slope, intercept) = (-1.5, 1.5)."""
    x, y = house()
    p, m, v = np.array([-1.5, 1.5]), np.zeros(2), np.zeros(2)
    losses, points = [], [p]
    for s in range(1, steps + 1):
        e = y - (p[0] * x + p[1])  # (546,)
        losses.append(float(e @ e) / len(x))
        g = -2 / len(x) * np.array([x @ e, e.sum()])
        if rule == "gd":
            p = p - lr * g
        else:  # adam, PyTorch's defaults
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
            p = p - lr * (m / (1 - 0.9**s)) / (np.sqrt(v / (1 - 0.999**s)) + 1e-8)
        points.append(p)
    e = y - (p[0] * x + p[1])
    return losses + [float(e @ e) / len(x)], points


def test_defaults_race_on_the_house_data_and_the_table_matches_a_loop() -> None:
    at = open_page()
    assert_healthy(at)
    assert at.session_state[STEP] == 0
    assert "No steps yet" in screen_text(at)
    last = jump_to_end(at, STEP)
    assert last == 100
    assert_healthy(at)
    table = finish_table(at)
    racers = [row.split(" ", 1)[1] for row in table["racer"]]
    assert racers == ["GD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]
    slope, intercept = np.polyfit(*house(), 1)
    x, y = house()
    least = float(np.mean((y - (slope * x + intercept)) ** 2))
    for row, rule, lr in ((0, "gd", 0.1), (5, "adam", 0.1)):
        losses, _ = house_race(rule, lr, 100)
        expected = next(k for k, value in enumerate(losses) if value <= least + 1e-3)
        assert table["steps to the goal (whole race)"][row] == f"{expected:,}"
        assert table["at the goal?"][row] == f"yes, at step {expected}"
        assert number(table["final loss"][row]) == pytest.approx(losses[-1], rel=1e-5)


def test_adam_ledger_and_update_use_this_steps_numbers() -> None:
    at = open_page()
    choose_epoch(at, 3, STEP)
    assert_healthy(at)
    ledger = ledger_shown(at)
    _, points = house_race("adam", 0.1, 3)
    latest = ledger[ledger["now"] == "▶"]
    assert list(latest["parameter"]) == ["slope", "intercept"]
    new = [number(value) for value in latest["new"]]
    np.testing.assert_allclose(new, points[3], rtol=1e-5)
    assert {"m", "v", "m̂", "v̂"} <= set(ledger.columns)
    maths = " ".join(equations_of(sections_shown(at)["update"]))  # this step's update, written out
    assert r"\hat m_{\text{slope}}" in maths and "0.9^{3}" in maths


@pytest.mark.parametrize("surface", ["valley", "rosenbrock", "saddle", "plateau"])
def test_every_surface_runs_clean_to_its_end(surface: str) -> None:
    at = open_page(surf=surface, epoch="7")
    assert_healthy(at)
    assert at.session_state[STEP] == 7
    jump_to_end(at, STEP)
    assert_healthy(at)
    table = finish_table(at)
    assert len(table) == 6
    if surface == "saddle":
        assert "no bottom to reach" in screen_text(at)


def test_huge_learning_rates_stop_cleanly_and_say_so() -> None:
    rates = {f"lr_{key}": "1000000" for key in ("gd", "mom", "nag", "ada", "rms", "adam")}
    at = open_page(surf="rosenbrock", steps="50", **rates)
    jump_to_end(at, STEP)
    assert_healthy(at)
    ended = list(finish_table(at)["how it ended"])
    assert any(text.startswith("stopped at step") for text in ended), ended
    stopped = [text for text in warnings_shown(at) if "stopped at step" in text]
    assert stopped and all("too large" in text for text in stopped)


def test_tiny_learning_rates_never_finish() -> None:
    rates = {f"lr_{key}": "1e-09" for key in ("gd", "mom", "nag", "ada", "rms", "adam")}
    at = open_page(surf="valley", **rates)
    jump_to_end(at, STEP)
    assert_healthy(at)
    assert set(finish_table(at)["steps to the goal (whole race)"]) == {"never"}


def test_a_tampered_link_gets_notes_and_the_page_keeps_working() -> None:
    at = open_page(
        surf="volcano",
        lr_adam="abc",
        steps="9" * 400,
        tol="nan",
        gd="no",
        mom="no",
        nag="no",
        ada="no",
        rms="no",
        adam="no",
        epoch="-3",
        ledger="é" * 5000,
        x0="1e309",
    )
    assert_healthy(at)
    notes = " ".join(str(w.value) for w in at.warning)
    for key in ("surf=", "lr_adam=", "steps=", "tol=", "epoch=", "ledger=", "x0="):
        assert key in notes, key
    assert "None" not in notes  # an empty setting is "the surface's own", not Python's None
    assert at.session_state[STEP] == 0


def test_a_new_surface_brings_its_own_rates_and_the_link_keeps_a_changed_one() -> None:
    at = open_page()
    at.selectbox(key="surf").set_value("rosenbrock").run()
    assert_healthy(at)
    assert at.number_input(key="lr_gd").value == 0.002
    assert at.number_input(key="steps").value == 1000
    assert dict(at.query_params) == {"surf": "rosenbrock"}  # the surface's own rates stay out of the link
    at.number_input(key="lr_adam").set_value(0.02).run()
    assert_healthy(at)
    assert dict(at.query_params) == {"surf": "rosenbrock", "lr_adam": "0.02"}
    reopened = open_page(**at.query_params)  # the copied link
    assert reopened.number_input(key="lr_adam").value == 0.02 and reopened.number_input(key="lr_gd").value == 0.002
    at.toggle(key="gd").set_value(False).run()
    assert_healthy(at)
    assert [row.split(" ", 1)[1] for row in finish_table(at)["racer"]] == [
        "Momentum",
        "Nesterov",
        "AdaGrad",
        "RMSProp",
        "Adam",
    ]


def test_switching_racers_off_moves_the_ledger_and_keeps_one_racer() -> None:
    at = open_page(surf="saddle")
    at.toggle(key="adam").set_value(False).run()
    assert_healthy(at)
    assert at.selectbox(key="ledger").value == "gd"  # Adam's ledger is gone with Adam
    assert "GD's ledger" in static_text(at).splitlines()
    for key in ("gd", "mom", "nag", "ada", "rms"):
        at.toggle(key=key).set_value(False)
    at.run()
    assert_healthy(at)
    assert [row.split(" ", 1)[1] for row in finish_table(at)["racer"]] == ["Adam"]
    assert any("At least one optimizer must race" in str(w.value) for w in at.warning)


def test_the_link_names_the_step_as_the_buttons_do() -> None:
    at = open_page(surf="valley", step="7")
    assert_healthy(at)
    assert at.session_state[STEP] == 7 and not at.warning
    assert "Step 7 of 150" in screen_text(at)
    assert dict(at.query_params) == {"surf": "valley", "step": "7"}
    choose_epoch(at, 8, STEP)
    assert dict(at.query_params) == {"surf": "valley", "step": "8"}


def test_an_older_link_with_epoch_opens_on_the_same_step_and_then_says_step() -> None:
    at = open_page(surf="valley", epoch="7")
    assert_healthy(at)
    assert at.session_state[STEP] == 7 and not at.warning  # a link in the wild keeps its meaning, without a note
    assert "Step 7 of 150" in screen_text(at)
    assert dict(at.query_params) == {"surf": "valley", "step": "7"}  # the address bar now says step=


@pytest.mark.parametrize("raw", ["abc", "151", "-3", "2.5"])
def test_a_tampered_step_gets_one_sentence_and_the_race_starts_at_step_0(raw: str) -> None:
    at = open_page(surf="valley", step=raw)
    assert_healthy(at)
    (note,) = [str(w.value) for w in at.warning]
    assert note == f"The link's step='{raw}' was ignored (this run has steps 0 to 150); showing 0 instead."
    assert at.session_state[STEP] == 0 and dict(at.query_params) == {"surf": "valley"}


def test_a_link_with_both_step_and_epoch_shows_the_step_and_names_the_epoch() -> None:
    at = open_page(surf="valley", step="4", epoch="9")
    assert_healthy(at)
    assert at.session_state[STEP] == 4 and dict(at.query_params) == {"surf": "valley", "step": "4"}
    (note,) = [str(w.value) for w in at.warning]
    assert note == "The link's epoch='9' was ignored: its step= says what to show."


@pytest.mark.parametrize("surface", ["house", "rosenbrock"])
def test_each_steps_map_is_the_figure_the_page_draws_for_that_step(surface: str) -> None:
    """The frames cut each step's map from the map after the whole race (ui.race.race_maps: thousands of plotly
    figures would take seconds); what the browser draws after k steps must be the figure ui.race.race_map builds
    for k steps itself: the contour, and each racer's halo, path and ball. GD's learning rate is huge, so its
    path ends where its numbers stopped being finite."""
    config = RaceConfig(surface=surface, steps=30, lr_gd=1e6)
    where, runs = page.config_surface(config), page.runs(config)
    assert runs["gd"].diverged_at is not None
    base, patches = frames.chart(page.race_maps(config, where, runs, 30), "plotly")
    for k in (0, 1, 2, 7, 30):
        drawn = merged(base, patches[k])["data"]
        figure = frames.plotly_option(page.race_map(config, where, runs, k))["data"]
        assert [trace.get("name") for trace in drawn] == [trace.get("name") for trace in figure]
        for got, want in zip(drawn, figure):
            assert {key: value for key, value in got.items() if key not in ("x", "y", "z")} == {
                key: value for key, value in want.items() if key not in ("x", "y", "z")
            }
            for axis in [axis for axis in ("x", "y", "z") if axis in want]:  # None: a gap (NaN) in the map
                np.testing.assert_allclose(np.asarray(got[axis], float), np.asarray(want[axis], float), rtol=1e-5)
    assert race.within_budget(config) == config


@pytest.mark.parametrize(("pick", "remembers"), [("gd", False), ("momentum", True)])
def test_the_ledgers_intro_speaks_of_memory_only_for_an_optimizer_that_has_one(pick: str, remembers: bool) -> None:
    at = open_page(ledger=pick)
    assert_healthy(at)
    table = view(at)["frames"]["ledger"]
    intro = text_of(table["intro"])
    assert intro.startswith("One row per parameter per step. Check any row: new = current − update")
    assert ("what the optimizer remembers" in intro) is remembers
    assert (table["columns"][-1] != "update") is remembers  # the last columns it speaks of: momentum's velocity v
