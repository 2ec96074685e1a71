"""Page 9, the optimizers' race, in Chromium: the contour map and the loss chart draw, and Next step, Play,
Pause and Reset move every racer together, with the link following."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from conftest import settle, wait_until
from test_browser import NAN_OR_INF

TITLE = "9. Optimizers"


def step_in_link(page) -> int:
    query = parse_qs(page.evaluate("() => window.location.search").lstrip("?"))
    return int(query.get("step", ["0"])[0])


def assert_clean(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stEChartsChartError"]').count() == 0
    text = page.locator("body").inner_text()
    assert "Traceback" not in text
    assert not NAN_OR_INF.findall(text), NAN_OR_INF.findall(text)
    assert not page.js_errors, page.js_errors


def test_the_race_draws_and_steps(page, app_url: str) -> None:
    page.goto(app_url + "/optimizers?surf=valley")
    settle(page, TITLE)
    assert_clean(page)
    contour = page.locator('[data-testid="stPlotlyChart"] .contourlayer path')
    contour.first.wait_for(state="attached")
    assert contour.count() > 10  # the filled levels of the map
    assert page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace').count() >= 6 * 3  # six racers' paths
    assert page.get_by_text("Step 0 of 150").count() == 1

    page.get_by_role("button", name="Next step").click()
    page.wait_for_url(re.compile(r"[?&]step=1(&|$)"))
    settle(page, TITLE)
    assert page.get_by_text("Step 1 of 150").count() == 1
    page.locator('[data-testid="stDataFrame"]').nth(1).wait_for(state="attached")  # Adam's ledger
    assert_clean(page)

    page.get_by_role("button", name="Play").click()
    wait_until(lambda: step_in_link(page), lambda step: step >= 2, "the link's step after Play")
    page.get_by_role("button", name="Pause").click()
    settle(page, TITLE)
    # The sentence follows the link with the last rerun, which a busy machine may start a moment late.
    paused = wait_until(
        lambda: step_in_link(page),
        lambda step: page.get_by_text(f"Step {step} of 150").count() == 1,
        "the link's step, until the sentence shows it too",
    )
    assert paused >= 2
    assert_clean(page)

    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("() => !new URLSearchParams(window.location.search).has('step')")
    settle(page, TITLE)
    assert page.get_by_text("Step 0 of 150").count() == 1
    assert "surf=valley" in page.evaluate("() => window.location.search")
    assert_clean(page)
