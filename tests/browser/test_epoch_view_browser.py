"""Page 3's epochs drawn in the browser from the run's frames (ui/frames.py, ui/stepper.js): what the browser shows
at an epoch is the frame Python built for it, a click asks nothing of the server, and the link follows.

The frames to compare with come from AppTest (the page's own code, no browser), for the same link.
"""

from __future__ import annotations

import re
import sys
from urllib.parse import parse_qs

from conftest import REPO, new_page, settle, wait_until

sys.path.insert(0, str(REPO / "tests" / "app"))

from stepping import charts_shown, choose_epoch, frame_shown, ledger_shown, text_of  # noqa: E402
from test_pages import open_page  # noqa: E402

from gdcore import lesson

TITLE = lesson.title("descent")
LINK = {"epochs": "12", "lr": "0.1"}
BATCHES = LINK | {"batch": "200"}  # three steps an epoch, the latest batch marked on the houses: a series at k > 0 only
FRAME_SHOWN = "() => Number(document.querySelector('.gd')?.dataset.frame ?? -1)"

CHART_DATA = """async (id) => {
    // The chart's own ECharts instance, read through the same module the page imported.
    const own = document.querySelector('script[type="module"][src*="/static/js/index."]').src;
    const echarts = await import(new URL("../../app/static/echarts/echarts.esm.min.js", own).href);
    const plots = [...document.querySelectorAll(".gd .plot")];
    const chart = plots[id] && echarts.getInstanceByDom(plots[id]);
    if (!chart) return {series: null, minus: null};  // not drawn yet: the caller waits for the series
    const option = chart.getOption();
    const label = option.xAxis[0].axisLabel.formatter;
    return {series: option.series.map((s) => ({id: s.id, data: s.data})),
            minus: typeof label === "function" ? label(-2.5) : null};
}"""

# Each section of a laid-out view (ui/frames.py, layout) as the browser shows it: its words without its
# equations (KaTeX draws them; compared as LaTeX), its equations' LaTeX, and its table's header and rows.
SECTIONS = """() => Object.fromEntries([...document.querySelectorAll('.gd [data-section]')].map((part) => {
    const words = part.cloneNode(true);  // the words without the equations, which KaTeX draws (compared as LaTeX)
    words.querySelectorAll('.tex').forEach((e) => e.remove());
    return [part.dataset.section, {
        words: words.textContent,
        tex: [...part.querySelectorAll('.tex')].map((e) => e.dataset.tex),
        head: [...part.querySelectorAll('thead th')].map((th) => th.textContent),
        rows: [...part.querySelectorAll('tbody tr')].map(
            (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    }];
}))"""
SENT = """() => window.__sent"""
COUNT_SENT = """() => {
    // Every message the page sends the server over its websocket (a rerun is one), and when; and when the view
    // last moved (each epoch drawn is announced as gd:shown).
    window.__sent = 0;
    window.__sends = [];
    window.__moves = [];
    if (!window.__listening) {
        window.__listening = true;
        window.addEventListener("gd:shown", () => window.__moves.push(performance.now()));
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) {
            window.__sent += 1;
            window.__sends.push(performance.now());
            return send.call(this, data);
        };
    }
}"""
# What the page sent while the view was still moving: each message sent less than half a second after the epoch
# last moved (the view tells the server once it has stood still for 0.6 s). On a busy machine clicks may come more
# than 0.6 s apart, and then the epoch did settle between them: `settled` counts those pauses.
MOVING = """() => {
    const early = window.__sends.filter((t) => {
        const last = Math.max(-Infinity, ...window.__moves.filter((m) => m <= t));
        return t - last < 500;
    });
    const moves = window.__moves, now = performance.now();
    const settled = moves.filter((m, i) => (i + 1 < moves.length ? moves[i + 1] : now) - m >= 550).length;
    const after = window.__sends.filter((t) => t > Math.max(-Infinity, ...moves)).length;  // since the last move
    return {early: early.length, sent: window.__sent, settled, after};
}"""


def sent_only_once_settled(page) -> dict:
    """Nothing sent while the epoch moved, and at most once per pause of the view; returns what was counted."""
    counted = page.evaluate(MOVING)
    assert counted["early"] == 0, ("sent while the view was moving", counted)
    assert counted["sent"] <= counted["settled"], ("sent more than once a pause", counted)
    return counted


def expected(epoch: int, link: dict) -> tuple[dict, dict, object]:
    """The frame, the charts and the ledger Python builds for `epoch` of the page at `link`."""
    at = choose_epoch(open_page("descent", **link), epoch)
    return frame_shown(at), charts_shown(at), ledger_shown(at)


def shown(page) -> dict:
    return page.evaluate(
        """() => ({
            text: document.querySelector('.gd [data-role="text"]').innerText,
            tex: [...document.querySelectorAll('.gd [data-role="tex"] .tex')].map((e) => e.dataset.tex),
            captions: [...document.querySelectorAll('.gd .caption')].map((e) => e.textContent),
            rows: [...document.querySelectorAll('.gd .ledger tbody tr')].map(
                (tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
        })"""
    )


def assert_frame(page, epoch: int, link: dict = BATCHES) -> None:
    frame, charts, ledger = expected(epoch, link)
    wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda k: k == epoch, f"frame {epoch}")
    seen = shown(page)
    assert " ".join(seen["text"].split()) == " ".join(text_of(frame["text"]).split())
    assert seen["tex"] == frame["tex"]
    assert seen["captions"] == list(frame["captions"].values())
    assert seen["rows"] == ledger.to_numpy().tolist()
    for place, (name, option) in enumerate(charts.items()):
        drawn = wait_until(lambda p=place: page.evaluate(CHART_DATA, p), lambda d: d["series"], f"the {name} chart")
        assert drawn["minus"] == "−2.5", drawn["minus"]  # the axis writes its negative labels with the minus sign
        want = {series["id"]: series["data"] for series in option["series"]}
        got = {series["id"]: series["data"] for series in drawn["series"]}
        assert got == want, (epoch, name)


def test_the_browser_draws_each_epoch_from_the_frames_python_built(browser, app_url: str) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 1000})
    try:
        page.goto(app_url + "/descent?" + "&".join(f"{k}={v}" for k, v in BATCHES.items()))
        settle(page, TITLE)
        assert_frame(page, 0)
        page.get_by_role("button", name="Next epoch").click()
        assert_frame(page, 1)
        slider = page.get_by_role("slider")
        slider.focus()
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        assert_frame(page, 5)
        page.get_by_role("button", name="Previous epoch").click()
        assert_frame(page, 4)
        page.evaluate("() => window.dispatchEvent(new CustomEvent('gd:epoch', {detail: {key: 'epoch', epoch: 12}}))")
        assert_frame(page, 12)  # the way in from outside the page: a room's instructor, later
        assert page.get_by_role("button", name="Next epoch").is_disabled()
        page.get_by_role("button", name="Reset").click()
        assert_frame(page, 0)
    finally:
        page.context.close()


def test_clicks_and_play_send_nothing_until_the_epoch_settles_and_the_link_follows(browser, app_url: str) -> None:
    page = new_page(browser)
    try:
        page.goto(app_url + "/descent?" + "&".join(f"{k}={v}" for k, v in LINK.items()))
        settle(page, TITLE)
        page.evaluate(COUNT_SENT)
        following = page.get_by_role("button", name="Next epoch")
        for _ in range(5):
            following.click()
            page.wait_for_timeout(100)
        assert page.evaluate(FRAME_SHOWN) == 5  # drawn at once, every click counted
        assert parse_qs(page.evaluate("() => location.search.slice(1)"))["epoch"] == ["5"]  # the link, at once
        assert page.evaluate(SENT) == 0, "a click asked the server for something"
        # Once the epoch settles, the server hears of it once (the prediction box and the run file follow).
        wait_until(lambda: page.evaluate(SENT), lambda n: n == 1, "the settled epoch sent once")
        page.get_by_role("button", name="Play").click()
        page.wait_for_function("() => location.search.includes('epoch=8')")
        page.get_by_role("button", name="Pause").click()
        stopped = page.evaluate(FRAME_SHOWN)
        assert 8 <= stopped <= 12
        assert page.evaluate(SENT) == 1, "Play sent something before it stopped"
        wait_until(lambda: page.evaluate(SENT), lambda n: n == 2, "Pause's epoch sent once")
        page.wait_for_timeout(1500)  # more than a tick of Play: nothing moves after Pause
        assert page.evaluate(FRAME_SHOWN) == stopped
        settle(page, TITLE)
        # The link opens on the epoch it holds.
        link = page.url
        assert re.search(rf"[?&]epoch={stopped}(&|$)", link), link
        page.goto(link)
        settle(page, TITLE)
        wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda k: k == stopped, f"the link's epoch {stopped}")
        # A rerun for another reason (a sidebar setting) keeps the epoch the browser shows.
        page.evaluate(COUNT_SENT)
        page.get_by_role("button", name="Next epoch").click()
        page.get_by_role("spinbutton", name="Epochs").fill("11")
        page.get_by_role("spinbutton", name="Epochs").press("Enter")
        page.wait_for_function("() => location.search.includes('epochs=11')")
        settle(page, TITLE)
        wait_until(lambda: page.evaluate(FRAME_SHOWN), lambda k: k == min(stopped + 1, 11), "the epoch kept")
    finally:
        page.context.close()
