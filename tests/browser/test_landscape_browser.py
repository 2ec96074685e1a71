"""Page 8 in Chromium: the maps draw (the 3D surface too, on software WebGL), Next epoch, Play, Pause and
Reset move the walk and the link, and the fog and 3D switches go into the link."""

from __future__ import annotations

import re

from conftest import settle
from test_browser import NAN_OR_INF, query

TITLE = "8. The landscape of the house data"


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
    page.wait_for_function(  # the sentence catches up with the last frame the browser sent
        "() => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')].some((e) => "
        "e.innerText.startsWith('Epoch ' + new URLSearchParams(location.search).get('epoch') + ' of'))"
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
    page.locator('[data-testid="stPlotlyChart"] .gl-container canvas').first.wait_for(state="attached")
    assert page.locator(".js-plotly-plot .contourlayer").count() == 3
    assert_clean(page)
