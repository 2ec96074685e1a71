"""Page 10 (batch, mini-batch, stochastic) in Chromium: Next step, Play, Pause and Reset, the batch's houses
in the table (against the shuffle reproduced here), the charts drawn, nothing broken on screen."""

from __future__ import annotations

import re
import time

import numpy as np
from conftest import settle, wait_until
from test_browser import NAN_OR_INF, query

TITLE = "10. Batch, mini-batch, stochastic"
SEED, SIZE, N = 8, 16, 546  # the page's defaults: BatchConfig


def expected_houses(step: int) -> list[str]:
    """The 1-based houses of a step's batch: each epoch's permutation from the shuffle's own stream."""
    rng = np.random.default_rng(np.random.SeedSequence(SEED).spawn(1)[0])
    batches = []
    while len(batches) < step:
        order = rng.permutation(N)
        batches += [order[i : i + SIZE] for i in range(0, N, SIZE)]
    return [str(row + 1) for row in batches[step - 1]]


def batch_houses(page) -> list[str] | None:
    """The house column of the batch's table (its accessible grid), without the sum row; None if no table."""
    for grid in page.locator('[data-testid="stDataFrame"] [role="grid"]').all():
        if grid.locator("th").first.inner_text() == "house":
            cells = grid.locator('td[aria-colindex="1"]').all_inner_texts()
            return [cell for cell in cells if cell.isdigit()]
    return None


def assert_batch(page, step: int) -> None:
    """The table lists the step's houses in the shuffle's order (as many as the grid has drawn: those in view).
    The grid draws its cells a moment after the script has finished, so wait for them."""
    shown = wait_until(lambda: batch_houses(page), lambda houses: houses and len(houses) >= 5, "the batch's houses")
    assert shown == expected_houses(step)[: len(shown)]


def assert_drawn_and_clean(page) -> None:
    # The chart elements arrive a moment after the script has finished (their code loads on first use).
    page.locator('[data-testid="stEChartsChart"] canvas').nth(2).wait_for(state="attached")  # houses, two races
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(state="attached")  # the loss map
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stEChartsChartError"]').count() == 0
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and not NAN_OR_INF.findall(text)
    assert not page.js_errors, page.js_errors


def step_in_link(page) -> int:
    return int(query(page).get("step", ["0"])[0])


def test_next_play_pause_and_reset_step_through_the_batches(page, app_url: str) -> None:
    page.goto(app_url + "/batches")
    settle(page, TITLE)
    assert_drawn_and_clean(page)
    assert batch_houses(page) is None and page.get_by_text("Step 0 of 175").count() == 1

    page.get_by_role("button", name="Next step").click()
    page.wait_for_url(re.compile(r"[?&]step=1(&|$)"))
    settle(page, TITLE)
    assert_batch(page, 1)
    assert page.get_by_text("Step 1 of 175: epoch 1 of 5, batch 1 of 35").count() == 1
    assert_drawn_and_clean(page)

    page.get_by_role("button", name="Play").click()
    page.wait_for_url(re.compile(r"[?&]step=([4-9]|\d\d+)(&|$)"))  # Play moves 3 steps a frame
    page.get_by_role("button", name="Pause").click(force=True)  # at once: the page redraws under it while playing
    time.sleep(0.5)
    settle(page, TITLE)
    status = page.locator(".gd .stepper").locator("output")
    # The sentence follows the stepper and the link with the last rerun, which a busy machine may start late.
    step = wait_until(
        lambda: step_in_link(page),
        lambda step: (
            status.inner_text() == f"Step {step} / 175"
            and page.get_by_text(re.compile(rf"^Step {step} of 175: epoch \d+ of 5")).count() == 1
        ),
        "the link's step, until the stepper and the sentence show it too",
    )
    assert step >= 4
    assert_batch(page, step)  # another batch than step 1's
    assert_drawn_and_clean(page)

    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("() => !new URLSearchParams(window.location.search).has('step')")
    settle(page, TITLE)
    assert batch_houses(page) is None and page.get_by_text("Step 0 of 175").count() == 1
    assert_drawn_and_clean(page)
