"""Page 9, the optimizers' race, in Chromium: the contour map and the loss chart draw, and Next step, Play,
Pause and Reset move every racer together, with the link following."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs

from test_browser import NAN_OR_INF, settle

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
    deadline = time.monotonic() + 15
    while step_in_link(page) < 2:
        assert time.monotonic() < deadline, "Play did not move the race"
        time.sleep(0.1)
    page.get_by_role("button", name="Pause").click()
    settle(page, TITLE)
    paused = step_in_link(page)
    assert paused >= 2 and page.get_by_text(f"Step {paused} of 150").count() == 1
    assert_clean(page)

    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("() => !new URLSearchParams(window.location.search).has('step')")
    settle(page, TITLE)
    assert page.get_by_text("Step 0 of 150").count() == 1
    assert "surf=valley" in page.evaluate("() => window.location.search")
    assert_clean(page)
