"""Page 7, the ball on the hill, in Chromium: a click on the curve drops the ball where the click was,
and Next step, Play, Pause and Reset roll it, with the link following."""

from __future__ import annotations

import re

from conftest import settle, wait_until
from test_browser import assert_clean, query

TITLE = "7. The ball on the hill"


def step_in_link(page) -> int:
    return int(query(page).get("step", ["0"])[0])


def test_a_click_on_the_curve_drops_the_ball_there_and_the_stepper_rolls_it(page, app_url: str) -> None:
    page.goto(app_url + "/ball")
    settle(page, TITLE)
    assert_clean(page, TITLE)
    chart = page.locator('[data-testid="stEChartsChart"]').first
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
