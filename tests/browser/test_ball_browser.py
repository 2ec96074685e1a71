"""Page 7, the ball on the hill, in Chromium: a click on the curve drops the ball where the click was,
and Next step, Play, Pause and Reset roll it, with the link following; each step the browser draws is the frame
Python built for it (ui/frames.py)."""

from __future__ import annotations

import functools
import re
import sys

from conftest import REPO, settle, wait_until
from test_browser import assert_clean, query
from test_epoch_view_browser import CHART_DATA, COUNT_SENT, FRAME_SHOWN, sent_only_once_settled

sys.path.insert(0, str(REPO / "tests" / "app"))

from stepping import charts_shown, choose_epoch, html_tables, sections_shown, text_of  # noqa: E402
from test_ball_page import open_ball  # noqa: E402

from gdcore import lesson

TITLE = lesson.heading("ball")


def step_in_link(page) -> int:
    return int(query(page).get("step", ["0"])[0])


def test_a_click_on_the_curve_drops_the_ball_there_and_the_stepper_rolls_it(page, app_url: str) -> None:
    page.goto(app_url + "/ball")
    settle(page, TITLE)
    assert_clean(page, TITLE)
    chart = page.locator(".gd .plot").first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    # Find the curve as a learner does: move down a column of the chart until the tooltip invites a click.
    tip = chart.get_by_text("Click to drop the ball at w =")
    x, found = box["x"] + 0.3 * box["width"], None
    for y in range(int(box["y"] + 30), int(box["y"] + box["height"] - 20), 4):
        page.mouse.move(x, y)
        if tip.count() and tip.first.is_visible():
            found = (y, float(tip.first.inner_text().split("=")[1].replace("−", "-")))  # −2.5: the minus sign
            break
    assert found, "no point of the curve under the pointer offers a drop"
    y, w = found
    assert -6 <= w <= 6
    page.mouse.click(x, y)
    page.wait_for_function("() => new URLSearchParams(window.location.search).has('w0')")
    settle(page, TITLE)
    assert float(query(page)["w0"][0]) == w  # the ball starts where the click was
    assert page.get_by_text(f"the ball sits at w = {w:g}".replace("-", "−")).count() == 1
    assert page.locator('[data-testid="stNumberInput"] input').first.input_value() == f"{w:g}"

    for _ in range(3):
        page.get_by_role("button", name="Next step", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]step=3(&|$)"))
    settle(page, TITLE)
    assert page.get_by_text("Step 3 of 30.").count() == 1
    assert float(query(page)["w0"][0]) == w  # stepping keeps the drop

    page.get_by_role("button", name="Play", exact=True).click()
    wait_until(lambda: step_in_link(page), lambda step: step >= 5, "the link's step after Play")
    page.get_by_role("button", name="Pause", exact=True).click()
    settle(page, TITLE)
    # The sentence follows the link with the last rerun, which a busy machine may start a moment late.
    paused = wait_until(
        lambda: step_in_link(page),
        lambda step: page.get_by_text(f"Step {step} of 30.").count() == 1,
        "the link's step, until the sentence shows it too",
    )
    assert paused >= 5

    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function("() => !new URLSearchParams(window.location.search).has('step')")
    settle(page, TITLE)
    assert page.get_by_text(f"the ball sits at w = {w:g}".replace("-", "−")).count() == 1
    assert_clean(page, TITLE)


LINK = {"curve": "bumpy", "w0": "-4.5", "steps": "12", "opt": "momentum"}  # rules and update lines; a race


def sections(page) -> dict:
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('.gd [data-section]')].map(
            (e) => [e.dataset.section, e.innerText]))"""
    )


@functools.cache
def opened():
    """The page in AppTest, opened once: each epoch is then one rerun of it."""
    return open_ball(**LINK)


@functools.cache
def built(k: int):
    """What Python builds for the browser to draw at epoch k, read from AppTest (built before the clicks, so that
    the clicks come as fast as a learner's, not one a second)."""
    at = choose_epoch(opened(), k, key="ball_step")
    return sections_shown(at), charts_shown(at)


def assert_step(page, k: int) -> None:
    """The browser shows step k as Python built it: the words, the equations, the scoreboard, each chart's data."""
    wanted, charts = built(k)
    wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda shown: shown == k, f"step {k}")
    seen = sections(page)
    words = " ".join(text_of(re.sub(r'<div class="tex"[^>]*></div>', "", wanted["words"])).split())
    assert " ".join(seen["words"].split()).startswith(words)
    tex = page.evaluate(
        "() => [...document.querySelectorAll('.gd [data-section=words] .tex')].map((e) => e.dataset.tex)"
    )
    assert tex == [t for t in re.findall(r'data-tex="([^"]*)"', wanted["words"])] or k == 0
    (board,) = html_tables(wanted["board"])
    cells = page.evaluate(
        """() => [...document.querySelectorAll('.gd [data-section=board] tbody tr')].map(
            (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))"""
    )
    assert cells == board.to_numpy().tolist()
    for place, (name, option) in enumerate(charts.items()):
        drawn = wait_until(lambda p=place: page.evaluate(CHART_DATA, p), lambda d: d["series"], f"the {name} chart")
        want = {series["id"]: series["data"] for series in option["series"]}
        got = {series["id"]: series["data"] for series in drawn["series"]}
        assert got == want, (k, name)


def test_each_step_is_the_frame_python_built_and_a_click_asks_nothing(page, app_url: str) -> None:
    for k in (0, 1, 5, 12):
        built(k)
    page.goto(app_url + "/ball?" + "&".join(f"{key}={value}" for key, value in LINK.items()))
    settle(page, TITLE)
    assert_step(page, 0)
    page.evaluate(COUNT_SENT)
    page.get_by_role("button", name="Next step", exact=True).click()
    assert_step(page, 1)
    for _ in range(4):
        page.get_by_role("button", name="Next step", exact=True).click()
    assert_step(page, 5)
    sent_only_once_settled(page)  # nothing while the view moves
    page.evaluate("() => window.dispatchEvent(new CustomEvent('gd:epoch', {detail: {key: 'ball_step', epoch: 12}}))")
    assert_step(page, 12)
    wait_until(lambda: sent_only_once_settled(page)["after"], lambda n: n == 1, "the settled step sent once")
    assert_clean(page, TITLE)
