"""The maps of pages 8, 9 and 10 in Chromium: a click moves their paths, balls and arrows itself, in the click's own
task (ui/stepper.js, move() and arrow()), and plotly hears of the step in idle time after. What the click drew is,
to a thousandth of a pixel, what plotly draws itself for the same step once it has caught up: each line's points
(plotly leaves out the middle of a straight run: its points are among the click's, and the ends are the same), and
each marker's place, shape and look."""

from __future__ import annotations

import re

import pytest
from conftest import settle, wait_until

from gdcore import lesson

# Every scatter trace of the first map: its lines' path data, and its markers (place, shape, look).
DRAWN = """() => [...document.querySelector('.gd .js-plotly-plot').querySelectorAll('.scatterlayer .trace')].map(
    (g) => ({
        lines: [...g.querySelectorAll('.lines > .js-line')].map((p) => p.getAttribute('d')).filter(Boolean).join(''),
        points: [...g.querySelectorAll('.points > path.point')].map(
            (p) => [p.getAttribute('transform'), p.getAttribute('d'), p.getAttribute('style')]),
    }))"""
ACT = {
    "next": "document.querySelector('.gd [data-act=next]').click()",
    "prev": "document.querySelector('.gd [data-act=prev]').click()",
}
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
SETTLED = """(k) => { const gd = document.querySelector('.gd');
    return gd.dataset.frame === String(k) && !gd.dataset.stale && !gd.dataset.drawing; }"""


def numbers(text: str) -> list[float]:
    return [float(v) for v in NUMBER.findall(text)]


def vertices(d: str) -> list[tuple[float, float]]:
    values = numbers(d)
    return [(round(x, 3), round(y, 3)) for x, y in zip(values[::2], values[1::2])]


def assert_same_drawing(mine: list[dict], plotly: list[dict], where: str) -> None:
    assert len(mine) == len(plotly), where
    for i, (a, b) in enumerate(zip(mine, plotly)):
        assert len(a["points"]) == len(b["points"]), (where, i)
        for (place, shape, look), (place_b, shape_b, look_b) in zip(a["points"], b["points"]):
            assert look == look_b, (where, i)
            assert numbers(place) == pytest.approx(numbers(place_b), abs=1e-3), (where, i)
            assert numbers(shape) == pytest.approx(numbers(shape_b), abs=1e-3), (where, i)
        ours, theirs = vertices(a["lines"]), vertices(b["lines"])
        assert set(theirs) <= set(ours), (where, i, a["lines"][:200], b["lines"][:200])
        assert ours[:1] == theirs[:1] and ours[-1:] == theirs[-1:], (where, i)


@pytest.mark.parametrize(
    "address, title",
    [
        ("/landscape", lesson.title("landscape")),
        ("/optimizers?surf=valley", lesson.heading("optimizers")),
        ("/batches", lesson.title("batches")),
    ],
)
def test_a_click_moves_the_map_as_plotly_draws_it(page, app_url: str, address: str, title: str) -> None:
    page.goto(app_url + address)
    settle(page, title)
    page.evaluate(  # the stepper near the top, as a learner steps: the map in sight, drawn with the click
        "() => { const bar = document.querySelector('.gd .stepper'); bar.style.scrollMarginTop = '96px';"
        " bar.scrollIntoView({block: 'start'}); }"
    )
    page.wait_for_function("() => document.querySelector('.gd .contour-copy')")  # the contour's stand-in is in
    page.locator(".gd [data-act=next]").click()  # page 10's arrows appear at the first step: plotly draws them
    page.wait_for_function(SETTLED, arg=1)
    wait_until(lambda: page.evaluate("() => !document.querySelector('.gd').dataset.drawing"), what="plotly's draw")
    k = 1
    for act in ["next", "next", "next", "next", "prev", "prev", "range"]:
        before = page.evaluate(DRAWN)
        if act == "range":  # the slider, several steps at once
            k = 9
            script = (
                "const r = document.querySelector('.gd [data-act=range]'); r.value = '9';"
                " r.dispatchEvent(new Event('input', {bubbles: true}))"
            )
        else:
            k += 1 if act == "next" else -1
            script = ACT[act]
        mine = page.evaluate(f"() => {{ {script}; return ({DRAWN})(); }}")  # drawn in the click's own task
        assert mine != before, f"{address}: the click to step {k} did not move the map itself"
        page.wait_for_function(SETTLED, arg=k)  # plotly has caught up
        assert_same_drawing(mine, page.evaluate(DRAWN), f"{address} at step {k}")
    assert not page.js_errors, page.js_errors
