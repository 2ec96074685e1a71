"""Page 9, the optimizers' race, in Chromium: the contour map and the loss chart draw, and Next step, Play,
Pause and Reset move every racer together, with the link following. Each step the browser draws is the frame
Python built for it (ui/frames.py): the step's words, the finish table, this step's update and a racer's path on
the map, read from plotly's own div; a click asks nothing of the server until the step settles."""

from __future__ import annotations

import re
import sys
from urllib.parse import parse_qs

import numpy as np
from conftest import REPO, settle, wait_until
from PIL import Image
from test_browser import NAN_OR_INF
from test_epoch_view_browser import COUNT_SENT, FRAME_SHOWN, SECTIONS, sent_only_once_settled

sys.path.insert(0, str(REPO / "tests" / "app"))

from stepping import charts_shown, choose_epoch, equations_of, html_tables, sections_shown, words_of  # noqa: E402
from test_optimizers_page import STEP, open_page  # noqa: E402

from gdcore import lesson

TITLE = lesson.heading("optimizers")
LINK = {"surf": "valley"}  # 150 steps
LAST = 150
ADAM = 7  # the map's traces: the contour, the halo, then each racer's path (Adam's last, at 7), the balls

PATH = """(trace) => {
    const map = document.querySelectorAll('.gd .plot')[0];  // plotly's own div: the traces it drew
    const drawn = map.data && map.data[trace];
    return drawn ? {name: drawn.name, x: Array.from(drawn.x), y: Array.from(drawn.y)} : null;
}"""


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


def squeezed(text: str) -> str:
    """Text without its whitespace: the browser's textContent has no line breaks between paragraphs and cells."""
    return "".join(text.split())


def expected(k: int) -> tuple[dict, dict]:
    """The sections and the map Python builds for step k of the page at LINK (AppTest: the page's own code)."""
    at = choose_epoch(open_page(**LINK), k, STEP)
    return sections_shown(at), charts_shown(at)["map"]


def assert_step(page, k: int, wanted: dict, map_: dict) -> None:
    """What the browser shows at step k is the frame Python built for it."""
    wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda shown: shown == k, f"step {k}")
    seen = page.evaluate(SECTIONS)
    assert set(seen) == set(wanted) == {"step", "finish", "update"}
    for name, html in wanted.items():
        assert squeezed(seen[name]["words"]) == squeezed(words_of(html)), (k, name)
        assert seen[name]["tex"] == equations_of(html), (k, name)
    (table,) = html_tables(wanted["finish"])
    assert seen["finish"]["head"] == list(table.columns)
    assert seen["finish"]["rows"] == table.to_numpy().tolist()
    trace = map_["data"][ADAM]
    assert trace["name"] == "Adam" and len(trace["x"]) == k + 1
    drawn = wait_until(lambda: page.evaluate(PATH, ADAM), lambda d: d and len(d["x"]) == k + 1, f"Adam's path, {k}")
    assert (drawn["name"], drawn["x"], drawn["y"]) == ("Adam", trace["x"], trace["y"])


def test_each_step_is_the_frame_python_built_and_a_click_asks_nothing(page, app_url: str) -> None:
    frames = {k: expected(k) for k in (0, 1, 5, LAST)}  # first: a check between two clicks must not let one settle
    page.goto(app_url + "/optimizers?" + "&".join(f"{key}={value}" for key, value in LINK.items()))
    settle(page, TITLE)
    assert_step(page, 0, *frames[0])
    page.get_by_role("button", name="Next step").click()
    assert_step(page, 1, *frames[1])
    page.evaluate(COUNT_SENT)  # from here: four quick clicks, then the step settles
    for _ in range(4):
        page.get_by_role("button", name="Next step").click()
    wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda shown: shown == 5, "step 5")
    sent_only_once_settled(page)  # nothing while the view moves
    assert_step(page, 5, *frames[5])
    wait_until(lambda: sent_only_once_settled(page)["after"], lambda n: n == 1, "the settled step sent once")
    assert step_in_link(page) == 5
    outside = f"{{detail: {{key: '{STEP}', epoch: {LAST}}}}}"  # the way in from outside the page (a room)
    page.evaluate(f"() => window.dispatchEvent(new CustomEvent('gd:epoch', {outside}))")
    assert_step(page, LAST, *frames[LAST])
    assert page.get_by_role("button", name="Next step").is_disabled()
    assert_clean(page)


def test_the_race_draws_and_steps(page, app_url: str) -> None:
    page.goto(app_url + "/optimizers?surf=valley")
    settle(page, TITLE)
    assert_clean(page)
    contour = page.locator(".gd .contour-copy .contourlayer path")  # the view's copy of plotly's drawing of it
    contour.first.wait_for(state="attached")
    assert contour.count() > 10  # the filled levels of the map
    assert page.locator(".gd .plot .scatterlayer .trace").count() == 1 + 6 + 1  # the halo, six racers' paths, the balls
    assert page.get_by_text("Step 0 of 150").count() == 1

    page.get_by_role("button", name="Next step").click()
    page.wait_for_url(re.compile(r"[?&]step=1(&|$)"))
    assert page.get_by_text("Step 1 of 150").count() == 1
    page.locator(".gd .ledger tbody tr").first.wait_for(state="attached")  # Adam's ledger
    settle(page, TITLE)
    assert_clean(page)

    page.get_by_role("button", name="Play").click()
    wait_until(lambda: step_in_link(page), lambda step: step >= 2, "the link's step after Play")
    page.get_by_role("button", name="Pause").click()
    paused = step_in_link(page)
    assert paused >= 2 and page.get_by_text(f"Step {paused} of 150").count() == 1  # the view and the link, at once
    settle(page, TITLE)
    assert_clean(page)
    # The camera saves the map with its contour, though the plot now draws a stand-in over the contour's copy.
    page.wait_for_function("() => document.querySelector('.gd .plot').data.some((t) => t.meta && t.meta.standIn)")
    with page.expect_download() as download:
        page.locator('.gd .modebar-btn[data-title="Download plot as a PNG"]').first.click()
    assert download.value.suggested_filename == "optimizers-race-map.png"
    pixels = np.asarray(Image.open(download.value.path()).convert("RGBA"), dtype=int)  # (height, width, 4)
    opaque, rgb = pixels[..., 3] > 200, pixels[..., :3]
    coloured = float(np.mean(opaque & (rgb.max(axis=-1) - rgb.min(axis=-1) > 60)))  # Viridis, not white or grey
    assert coloured > 0.3, f"{coloured:.0%} of the picture in colour: the contour's levels are missing"

    page.get_by_role("button", name="Reset").click()
    page.wait_for_function("() => !new URLSearchParams(window.location.search).has('step')")
    assert page.get_by_text("Step 0 of 150").count() == 1
    settle(page, TITLE)
    assert "surf=valley" in page.evaluate("() => window.location.search")
    assert_clean(page)


MAP_TRACES = """() => document.querySelector('.gd .plot').data.map((t) => ({
    name: t.name ?? null, visible: t.visible ?? true, x: Array.from(t.x || []), y: Array.from(t.y || [])}))"""


def test_a_racer_hidden_in_the_legend_takes_its_part_of_the_halo_and_its_ball_along(page, app_url: str) -> None:
    """The racers share one halo trace and one trace of balls (ui.contours.path_traces); a click on a racer's name in
    the legend hides its line, its part of the halo and its ball, and they stay hidden from step to step until a
    second click; a double click shows the racer alone."""
    page.goto(app_url + "/optimizers?surf=valley&step=40")
    settle(page, TITLE)
    page.wait_for_function("() => document.querySelector('.gd .contour-copy')")
    every = page.evaluate(MAP_TRACES)
    halo, lines, balls = every[1], every[2:-1], every[-1]
    assert [line["name"] for line in lines] == ["GD", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adam"]
    points = lambda trace: [(x, y) for x, y in zip(trace["x"], trace["y"]) if x is not None]  # noqa: E731
    assert points(halo) == [p for line in lines for p in points(line)]  # each path under its line, gaps between
    assert points(balls) == [points(line)[-1] for line in lines]  # each racer's last point

    page.locator(".gd .legend .traces", has_text="Adam").first.click()
    shown = wait_until(lambda: page.evaluate(MAP_TRACES), lambda t: t[7]["visible"] == "legendonly", "Adam hidden")
    assert [trace["visible"] for trace in shown[2:-1]] == [True] * 5 + ["legendonly"]
    assert points(shown[1]) == [p for line in lines[:5] for p in points(line)]
    assert points(shown[-1]) == [points(line)[-1] for line in lines[:5]]

    page.get_by_role("button", name="Next step").click()  # hidden at the next step too, with every path a step on
    after = wait_until(lambda: page.evaluate(MAP_TRACES), lambda t: len(points(t[2])) == 42, "step 41's map")
    assert after[7]["visible"] == "legendonly" and len(points(after[7])) == 42
    assert points(after[1]) == [p for line in after[2:7] for p in points(line)]
    assert points(after[-1]) == [points(line)[-1] for line in after[2:7]]

    page.locator(".gd .legend .traces", has_text="Adam").first.dblclick()  # Adam alone
    alone = wait_until(lambda: page.evaluate(MAP_TRACES), lambda t: t[2]["visible"] == "legendonly", "Adam alone")
    assert [trace["visible"] for trace in alone[2:-1]] == ["legendonly"] * 5 + [True]
    assert points(alone[1]) == points(alone[7]) and points(alone[-1]) == points(alone[7])[-1:]
    assert page.locator('[data-testid="stException"]').count() == 0 and not page.js_errors
