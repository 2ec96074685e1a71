"""Page 8 in Chromium: the maps draw (the 3D surface too, on software WebGL), Next epoch, Play, Pause and
Reset move the walk and the link, and the fog and 3D switches go into the link; each epoch the browser draws is
the frame Python built for it, read from the plotly charts' own data."""

from __future__ import annotations

import functools
import re
import sys

from conftest import REPO, settle, wait_until
from test_browser import NAN_OR_INF, query
from test_epoch_view_browser import COUNT_SENT, FRAME_SHOWN, sent_only_once_settled

sys.path.insert(0, str(REPO / "tests" / "app"))

from stepping import charts_shown, choose_epoch, sections_shown, text_of  # noqa: E402
from test_landscape_page import open_landscape  # noqa: E402

from gdcore import lesson

TITLE = lesson.heading("landscape")


def sentence_epoch(page) -> int:
    return int(page.get_by_text(re.compile(r"^Epoch \d+ of ")).first.inner_text().split()[1].rstrip(":."))


def assert_clean(page) -> None:
    """No exception, no NaN or inf, no JavaScript error, no chart plotly or WebGL refused."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    text = page.locator("body").inner_text()
    assert "Traceback" not in text and "WebGL is not supported" not in text
    assert not NAN_OR_INF.findall(text), NAN_OR_INF.findall(text)
    assert not page.js_errors, page.js_errors


def test_landscape_steps_plays_resets_and_switches(page, app_url: str) -> None:
    page.goto(app_url + "/landscape?fog=yes")  # a link with the fog down
    settle(page, TITLE)
    # plotly's code loads with the page's first chart: wait for the walk's map and the two scaling maps.
    page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .contourlayer').length == 3")
    assert page.get_by_text(re.compile("Fog: only the patches around the 1 points")).count() == 1
    assert_clean(page)

    page.get_by_role("button", name="Next epoch", exact=True).click()
    page.wait_for_url(re.compile(r"[?&]epoch=1(&|$)"))
    settle(page, TITLE)
    assert sentence_epoch(page) == 1
    assert page.get_by_text(re.compile("Fog: only the patches around the 2 points")).count() == 1
    assert query(page)["fog"] == ["yes"]

    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("() => location.search.includes('epoch=3')")
    page.get_by_role("button", name="Pause", exact=True).click()
    settle(page, TITLE)
    page.wait_for_function(  # the sentence is the epoch in the link
        "() => document.querySelector('.gd [data-section=words]').innerText.startsWith("
        "'Epoch ' + new URLSearchParams(location.search).get('epoch') + ' of')"
    )
    assert sentence_epoch(page) >= 3

    page.get_by_role("button", name="Reset", exact=True).click()
    page.wait_for_function("() => !location.search.includes('epoch=')")
    settle(page, TITLE)
    assert sentence_epoch(page) == 0

    page.get_by_text("Fog: show only what the descent has measured").click()  # the switch lifts the fog
    page.wait_for_function("() => !location.search.includes('fog=')")
    settle(page, TITLE)
    assert page.get_by_text(re.compile("Fog: only the patches")).count() == 0
    page.get_by_text("Also draw the 3D surface").click()
    page.wait_for_function("() => location.search.includes('surface=yes')")
    settle(page, TITLE)
    # The 3D surface draws on a WebGL canvas: software WebGL in headless Chromium (--disable-gpu).
    page.locator(".gd .gl-container canvas").first.wait_for(state="attached")
    assert page.locator(".js-plotly-plot .contourlayer").count() == 3
    assert_clean(page)


LINK = {"fog": "yes", "surface": "yes", "epochs": "12"}
# The map's contour as shown once the walk moved (ui/stepper.js): a stand-in in plotly's data, and the copy of the
# real contour's drawing behind the plot, its filled levels and its box against the box of the axes.
CONTOUR_SHOWN = """() => {
    const plot = document.querySelector('.gd .js-plotly-plot');
    const copy = plot.parentElement.querySelector('.contour-copy');
    const box = (e) => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
    return {standIn: plot.data.some((t) => t.meta && t.meta.standIn),
            paths: copy ? copy.querySelectorAll('path').length : 0,
            copy: copy ? box(copy) : null, axes: box(plot.querySelector('.nsewdrag'))};
}"""
PLOTS = """() => [...document.querySelectorAll('.gd .plot')].map((plot) => ({
    // The contour's stand-in (ui/stepper.js: its drawing is a copy behind the plot) read as the contour it shows.
    data: (plot.data || []).map((t) => (t.meta && t.meta.standIn ? plot.contour : t))
        .map((t) => ({x: t.x, y: t.y, z: t.type === 'surface' ? null : t.z || null, name: t.name})),
    images: ((plot.layout || {}).images || []).map((i) => i.source),
}))"""


@functools.cache
def opened():
    """The page in AppTest, opened once: each epoch is then one rerun of it."""
    return open_landscape(**LINK)


@functools.cache
def built(k: int):
    """What Python builds for the browser to draw at epoch k, read from AppTest (built before the clicks, so that
    the clicks come as fast as a learner's, not one a second)."""
    at = choose_epoch(opened(), k)
    return sections_shown(at)["words"], charts_shown(at)


def assert_epoch(page, k: int) -> None:
    """The browser shows epoch k as Python built it: the words, the captions, and each trace of the map and the
    3D surface (the walk so far, the ball, the arrow) with the fog's picture of that epoch."""
    words, charts = built(k)
    wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda shown: shown == k, f"epoch {k}")
    seen = page.locator(".gd [data-section=words]").inner_text()
    assert " ".join(seen.split()) == " ".join(text_of(words).split())
    plots = page.evaluate(PLOTS)
    for drawn, (name, figure) in zip(plots, charts.items()):
        want = [{"x": t.get("x"), "y": t.get("y"), "name": t.get("name")} for t in figure["data"]]
        got = [{"x": t["x"], "y": t["y"], "name": t["name"]} for t in drawn["data"]]
        assert got == want, (k, name)
        assert drawn["images"] == [i["source"] for i in figure["layout"].get("images", [])], (k, name)


def test_each_epoch_is_the_frame_python_built_and_a_click_asks_nothing(page, app_url: str) -> None:
    for k in (0, 1, 5, 12):
        built(k)
    page.goto(app_url + "/landscape?" + "&".join(f"{key}={value}" for key, value in LINK.items()))
    settle(page, TITLE)
    page.wait_for_function("() => document.querySelectorAll('.gd .js-plotly-plot').length == 2")
    assert_epoch(page, 0)
    page.evaluate(COUNT_SENT)
    page.get_by_role("button", name="Next epoch", exact=True).click()
    assert_epoch(page, 1)
    for _ in range(4):
        page.get_by_role("button", name="Next epoch", exact=True).click()
    assert_epoch(page, 5)
    # The map still has its colours after the walk moved (plotly's animate once moved the lines and wiped them):
    # the contour's copy, behind the plot in place of the contour, covers the axes' box exactly.
    page.wait_for_function("() => !document.querySelector('.gd[data-drawing]')")
    shown = page.evaluate(CONTOUR_SHOWN)
    assert shown["standIn"] and shown["paths"] > 10, shown
    assert all(abs(a - b) < 1 for a, b in zip(shown["copy"], shown["axes"])), shown
    sent_only_once_settled(page)  # nothing while the view moves
    page.evaluate("() => window.dispatchEvent(new CustomEvent('gd:epoch', {detail: {key: 'epoch', epoch: 12}}))")
    assert_epoch(page, 12)
    wait_until(lambda: sent_only_once_settled(page)["after"], lambda n: n == 1, "the settled epoch sent once")
    assert_clean(page)
