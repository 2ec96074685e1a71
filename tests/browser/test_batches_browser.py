"""Page 10 (batch, mini-batch, stochastic) in Chromium: Next step, Play, Pause and Reset, the batch's houses
in the table (against the shuffle reproduced here), the charts drawn, nothing broken on screen. Each step the
browser draws is the frame Python built for it (ui/frames.py): the step's words and equations, its batch's table,
the ledger, the houses chart and the paths on the loss map, read from ECharts' and plotly's own charts; a click on
Next or on Skip asks nothing of the server until the step settles."""

from __future__ import annotations

import re
import sys
import time

import numpy as np
from conftest import REPO, settle, wait_until
from test_browser import NAN_OR_INF, query
from test_epoch_view_browser import CHART_DATA, COUNT_SENT, FRAME_SHOWN, SECTIONS, sent_only_once_settled

sys.path.insert(0, str(REPO / "tests" / "app"))

from stepping import (  # noqa: E402
    charts_shown,
    choose_epoch,
    equations_of,
    html_tables,
    ledger_shown,
    sections_shown,
    view,
    words_of,
)
from test_batches_page import STEP, open_batches  # noqa: E402

from gdcore import lesson

TITLE = lesson.heading("batches")
SEED, SIZE, N = 8, 16, 546  # the page's defaults: BatchConfig
LAST = 175  # 35 steps an epoch, 5 epochs

LEDGER = """() => [...document.querySelectorAll('.gd .ledger tbody tr')].map(
    (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent))"""
MAP = """() => {
    const map = document.querySelectorAll('.gd .plot')[1];  // plotly's own div: the traces it drew
    // The contour's stand-in (ui/stepper.js: its drawing is a copy behind the plot) read as the contour it shows.
    const traces = map.data && map.data.map((t) => (t.meta && t.meta.standIn ? map.contour : t));
    return traces ? traces.map((t) => ({uid: t.uid, name: t.name, x: Array.from(t.x), y: Array.from(t.y)})) : null;
}"""
CHOSEN = """() => [...document.querySelectorAll('.gd [data-choice="rows"]')].filter((e) => !e.hidden)
    .map((e) => e.innerText)"""


def expected_houses(step: int) -> list[str]:
    """The 1-based houses of a step's batch: each epoch's permutation from the shuffle's own stream."""
    rng = np.random.default_rng(np.random.SeedSequence(SEED).spawn(1)[0])
    batches = []
    while len(batches) < step:
        order = rng.permutation(N)
        batches += [order[i : i + SIZE] for i in range(0, N, SIZE)]
    return [str(row + 1) for row in batches[step - 1]]


def batch_houses(page) -> list[str] | None:
    """The house column of the batch's table in the view, without the sum row; None if no table."""
    table = page.locator('.gd [data-section="batch"] table')
    if not table.count():
        return None
    cells = table.locator("tbody tr td:first-child").all_inner_texts()
    return [cell for cell in cells if cell.isdigit()]


def assert_batch(page, step: int) -> None:
    """The table lists the step's houses in the shuffle's order."""
    shown = wait_until(lambda: batch_houses(page), lambda houses: houses and len(houses) >= 5, "the batch's houses")
    assert shown == expected_houses(step)


def assert_drawn_and_clean(page) -> None:
    # The charts are drawn a moment after the view is (their code loads on first use).
    page.locator(".gd .plot canvas").nth(2).wait_for(state="attached")  # houses, two races
    page.locator(".gd .plot .main-svg").first.wait_for(state="attached")  # the loss map
    assert page.locator('[data-testid="stException"]').count() == 0
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
    assert_batch(page, 1)
    assert page.get_by_text("Step 1 of 175: epoch 1 of 5, batch 1 of 35").count() == 1
    assert_drawn_and_clean(page)

    page.get_by_role("button", name="Play").click()
    page.wait_for_url(re.compile(r"[?&]step=([4-9]|\d\d+)(&|$)"))  # Play moves 3 steps a frame
    page.get_by_role("button", name="Pause").click(force=True)
    time.sleep(0.5)
    settle(page, TITLE)
    status = page.locator(".gd .stepper").locator("output")
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


def squeezed(text: str) -> str:
    """Text without its whitespace: the browser's and the frames' line breaks between paragraphs and cells differ."""
    return "".join(text.split())


def expected(k: int) -> dict:
    """What Python builds for step k of the page on its defaults (AppTest: the page's own code)."""
    at = choose_epoch(open_batches(), k, key=STEP)
    charts = charts_shown(at)
    frames = view(at)["frames"]
    menu = next(slot["static"] for slot in frames["layout"] if 'data-choose="rows"' in str(slot))
    return {"sections": sections_shown(at), "ledger": ledger_shown(at), "charts": charts, "menu": menu}


def assert_step(page, k: int, wanted: dict) -> None:
    """What the browser shows at step k is the frame Python built for it: every section's words, equations and
    table, the ledger's rows, the houses chart's series and the loss map's paths, balls and arrows."""
    wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda shown: shown == k, f"step {k}")
    seen = page.evaluate(SECTIONS)
    assert set(seen) == set(wanted["sections"])
    for name, html in wanted["sections"].items():
        assert squeezed(seen[name]["words"]) == squeezed(words_of(html)), (k, name)
        assert seen[name]["tex"] == equations_of(html), (k, name)
        tables = html_tables(html)
        if tables:
            (table,) = tables
            assert seen[name]["head"] == list(table.columns), (k, name)
            assert seen[name]["rows"] == table.to_numpy().tolist(), (k, name)
    assert bool(seen["batch"]["rows"]) == (k > 0)
    ledger = wanted["ledger"].to_numpy().tolist()
    assert (
        wait_until(lambda: page.evaluate(LEDGER), lambda rows: len(rows) == len(ledger), f"the ledger at {k}") == ledger
    )
    houses = {series["id"]: series["data"] for series in wanted["charts"]["houses"]["series"]}
    drawn = wait_until(lambda: page.evaluate(CHART_DATA, 0), lambda d: d["series"], f"the houses at {k}")
    assert {series["id"]: series["data"] for series in drawn["series"]} == houses, k
    assert drawn["minus"] == "−2.5"
    traces = [t for t in wanted["charts"]["contour"]["data"] if t["uid"] != "s0"]  # s0: the map itself, sent once
    shown = wait_until(
        lambda: page.evaluate(MAP), lambda d: d and len(d) == len(traces) + 1, f"the map's {len(traces)} traces"
    )
    assert [(t["uid"], t["name"], t["x"], t["y"]) for t in shown[1:]] == [
        (t["uid"], t.get("name"), t["x"], t["y"])
        for t in traces  # a path's white halo has no name
    ], k
    path = next(t for t in shown if t["name"] == "batches of 16")
    assert len(path["x"]) == k + 1  # the batches' path: every step so far


def test_each_step_is_the_frame_python_built_and_a_click_asks_nothing(page, app_url: str) -> None:
    frames = {k: expected(k) for k in (0, 1, 5, 35, 36, LAST)}  # first: a check must not let a click settle
    page.goto(app_url + "/batches")
    settle(page, TITLE)
    assert_step(page, 0, frames[0])
    page.get_by_role("button", name="Next step").click()
    assert_step(page, 1, frames[1])
    page.evaluate(COUNT_SENT)  # from here: four quick clicks, then the step settles
    for _ in range(4):
        page.get_by_role("button", name="Next step").click()
    wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda shown: shown == 5, "step 5")
    sent_only_once_settled(page)  # nothing while the view moves
    assert_step(page, 5, frames[5])
    wait_until(lambda: sent_only_once_settled(page)["after"], lambda n: n == 1, "the settled step sent once")
    assert step_in_link(page) == 5

    # Skip goes to the end of the epoch in the browser, and the server hears of it once the step settles.
    page.evaluate("() => { window.__sent = 0; }")  # counted from here (COUNT_SENT again would count each twice)
    skip = page.locator('.gd [data-section="skip"] button')
    assert skip.inner_text() == "Skip to the end of epoch 1 (step 35)"
    skip.click()
    assert_step(page, 35, frames[35])
    sent_only_once_settled(page)  # nothing while the view moves
    assert step_in_link(page) == 35  # the link, at once
    assert skip.inner_text() == "Skip to the end of epoch 2 (step 70)"
    wait_until(lambda: sent_only_once_settled(page)["after"], lambda n: n == 1, "the settled step sent once")

    # A step picked in the menu under the ledger stays picked from step to step; "the latest step" follows.
    menu = page.locator('.gd select[data-choose="rows"]')
    menu.select_option("step 3")
    (picked,) = re.findall(r'data-option="step 3">(.*?)</div>', frames[35]["menu"], flags=re.S)
    assert [squeezed(text) for text in page.evaluate(CHOSEN)] == [squeezed(words_of(picked))]
    page.get_by_role("button", name="Next step").click()
    assert_step(page, 36, frames[36])
    assert [squeezed(text) for text in page.evaluate(CHOSEN)] == [squeezed(words_of(picked))]
    menu.select_option("the latest step")
    (latest,) = re.findall(r'data-option="the latest step">(.*?)</div>', frames[36]["sections"]["every"], flags=re.S)
    assert [squeezed(text) for text in page.evaluate(CHOSEN)] == [squeezed(words_of(latest))]

    slider = page.get_by_role("slider")
    slider.focus()
    page.keyboard.press("End")
    assert_step(page, LAST, frames[LAST])
    assert page.get_by_role("button", name="Next step").is_disabled()
    assert skip.is_disabled() and skip.inner_text() == "No epochs left"
    assert_drawn_and_clean(page)
