"""Page 5, the small network, in Chromium: each epoch the browser draws is the frame Python built for it
(ui/frames.py): the words, the first five rows, the ledger and every chart's data, read from the chart's own
ECharts instance (the predictions travel as packed heights, frames.heights); a click asks nothing of the server
until the epoch settles, and then the chain rule below follows."""

from __future__ import annotations

import functools
import sys

from conftest import REPO, settle, wait_until
from test_browser import assert_clean
from test_epoch_view_browser import CHART_DATA, COUNT_SENT, FRAME_SHOWN, sent_only_once_settled

sys.path.insert(0, str(REPO / "tests" / "app"))

from stepping import (
    charts_shown,
    choose_epoch,
    equations_of,
    html_tables,
    ledger_shown,
    sections_shown,
    words_of,
)  # noqa: E402
from test_network_page import open_page  # noqa: E402

from gdcore import lesson

TITLE = lesson.heading("network")
LINK = {"epochs": "12", "batch": "200"}  # three steps an epoch: the last step written out, a longer ledger
KEY = "net_epoch"


@functools.cache
def opened():
    """The page in AppTest, opened once: each epoch is then one rerun of it."""
    return open_page(**LINK)


@functools.cache
def built(k: int):
    """What Python builds for the browser to draw at epoch k, read from AppTest (built before the clicks, so that
    the clicks come as fast as a learner's, not one a second)."""
    at = choose_epoch(opened(), k, key=KEY)
    return sections_shown(at), charts_shown(at), ledger_shown(at)


def assert_epoch(page, k: int) -> None:
    wanted, charts, ledger = built(k)
    wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda shown: shown == k, f"epoch {k}")
    seen = page.evaluate(
        """() => ({
            words: (() => {  // the words without the equations, which KaTeX draws (compared as LaTeX below)
                const words = document.querySelector('.gd [data-section=words]').cloneNode(true);
                words.querySelectorAll('.tex').forEach((e) => e.remove());
                return words.textContent;
            })(),
            tex: [...document.querySelectorAll('.gd [data-section=words] .tex')].map((e) => e.dataset.tex),
            five: [...document.querySelectorAll('.gd [data-section=five] tbody tr')].map(
                (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
            rows: [...document.querySelectorAll('.gd .ledger tbody tr')].map(
                (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
        })"""
    )
    assert "".join(seen["words"].split()) == "".join(words_of(wanted["words"]).split())
    assert seen["tex"] == equations_of(wanted["words"])
    (five,) = html_tables(wanted["five"])
    assert seen["five"] == five.to_numpy().tolist()
    assert seen["rows"] == ledger.to_numpy().tolist()
    for place, (name, option) in enumerate(charts.items()):
        drawn = wait_until(lambda p=place: page.evaluate(CHART_DATA, p), lambda d: d["series"], f"the {name} chart")
        want = {series["id"]: points(series["data"]) for series in option["series"]}
        got = {series["id"]: points(series["data"]) for series in drawn["series"]}
        assert got == want, (k, name)


def points(data: list) -> list:
    """A series' points as drawn: a point and, for a labelled one (a weight on the diagram), its label's text
    (ECharts gives each labelled point back with its own empty emphasis)."""
    return [
        [item["value"], item.get("label", {}).get("formatter")] if isinstance(item, dict) else item for item in data
    ]


def test_each_epoch_is_the_frame_python_built_and_a_click_asks_nothing(page, app_url: str) -> None:
    for k in (0, 1, 5, 12):
        built(k)
    page.goto(app_url + "/network?" + "&".join(f"{key}={value}" for key, value in LINK.items()))
    settle(page, TITLE)
    assert_epoch(page, 0)
    page.evaluate(COUNT_SENT)
    page.get_by_role("button", name="Next epoch").click()
    assert_epoch(page, 1)
    for _ in range(4):
        page.get_by_role("button", name="Next epoch").click()
    assert_epoch(page, 5)
    sent_only_once_settled(page)  # nothing while the view moves
    page.evaluate(f"() => window.dispatchEvent(new CustomEvent('gd:epoch', {{detail: {{key: '{KEY}', epoch: 12}}}}))")
    assert_epoch(page, 12)
    wait_until(lambda: sent_only_once_settled(page)["after"], lambda n: n == 1, "the settled epoch sent once")
    # Under the view the page draws the chain rule itself, for the settled epoch.
    page.get_by_text("With epoch 12's numbers").first.wait_for(state="visible")
    assert_clean(page, TITLE)
