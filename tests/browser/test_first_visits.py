"""The first visits after a server start, several at once, over Streamlit's websocket (no browser needed).

A room opens the instructor's link in the same few seconds, often right after the app was started.
Streamlit 1.67 runs a page's script on its own, without app.py, for sessions that arrive before
app.py has called st.navigation once; ui.router sends each of them back through app.py. When only
the first was sent back, the others had no record of their page, and their first change in the
sidebar was taken for a new visit and silently undone (found by benchmarks/soak.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sys

import pytest
from conftest import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

from room import expected_line  # noqa: E402
from wsclient import Learner  # noqa: E402

pytestmark = pytest.mark.slow  # a server started for this test alone: run by .ci/run after the suite

LEARNERS = 4
SIDEBAR = "Predict a house's price from its bedrooms"  # app.py's sidebar text: the router ran


async def first_visit(url: str, rate: float) -> dict:
    async with Learner(url) as me:
        opened, _ = await me.open("descent", f"lr={rate}")
        changed, _ = await me.set_number("Learning rate", rate + 0.01)
        stepped, _ = await me.step(31)
        return {
            "routed": any(text.startswith(SIDEBAR) for text in opened.texts),
            "errors": opened.errors + changed.errors + stepped.errors,
            "rate shown": changed.numbers.get("Learning rate", rate + 0.01),  # unless the page overrides it
            "epoch": stepped.epoch(),
            "caption": stepped.caption("Chart: all "),
        }


async def room(url: str, rates: list[float]) -> list[dict]:
    return await asyncio.gather(*(first_visit(url, rate) for rate in rates))


def test_learners_opening_a_link_together_after_a_start_keep_their_changes(fresh_app_url: str) -> None:
    rates = [round(0.05 + 0.01 * i, 2) for i in range(LEARNERS)]
    url = fresh_app_url.replace("http://", "ws://") + "/_stcore/stream"
    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        seen = pool.submit(asyncio.run, room(url, rates)).result()
    for rate, learner in zip(rates, seen):
        new = round(rate + 0.01, 4)
        assert learner["routed"], f"the session at rate {rate} ran its page without app.py"
        assert learner["errors"] == []
        assert abs(learner["rate shown"] - new) < 1e-12, learner
        assert learner["epoch"] == 31
        assert expected_line(new, 31) in learner["caption"], (new, learner["caption"])
        assert expected_line(rate, 31) not in learner["caption"]
