"""The pages in a real browser: links, the Next epoch button, Play and Pause, and no error on screen (the walk
through every page by the sidebar's menu is in test_accessibility.py, which checks each page there too).

AppTest (tests/app/) checks the numbers; this checks what only a browser shows: the menu of the
first session after a server start, the address bar, the charts drawn, and the page as a learner sees it.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from conftest import settle, wait_until, whole_page

from gdcore import lesson

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"  # gitignored

# Each page of the lesson's list (gdcore/lesson.py): its menu entry (the page's own heading starts with it) and
# the address st.navigation gives it, from the file name; the first page is the app's root.
PAGES = [(lesson.title(p.path), "/" if p.number == 1 else f"/{p.path}") for p in lesson.PAGES]
TITLE = {path: title for title, path in PAGES}
NAN_OR_INF = re.compile(r"(?<![A-Za-z])(nan|[-+−]?inf(inity)?)(?![A-Za-z])", re.IGNORECASE)


def assert_clean(page, title: str) -> None:
    """No exception box, no traceback, no NaN or inf anywhere on the page, the real menu, no JS error."""
    exceptions = page.locator('[data-testid="stException"]')
    assert exceptions.count() == 0, exceptions.all_inner_texts()
    refused = page.locator('[data-testid="stEChartsChartError"]')  # an option ECharts could not draw
    assert refused.count() == 0, refused.all_inner_texts()
    text = page.locator("body").inner_text()
    assert "Traceback" not in text
    found = NAN_OR_INF.findall(text)
    assert not found, f"{title}: NaN/inf on screen: {found}"
    menu = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert [entry.split("\n")[-1] for entry in menu] == [t for t, _ in PAGES], menu
    headings = [h.strip() for h in page.locator("h1").all_inner_texts()]
    assert len(headings) == 1 and headings[0].startswith(title), headings
    assert not page.js_errors, page.js_errors


def screenshot(page, name: str) -> None:
    """The whole page, in artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    with whole_page(page):
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def query(page) -> dict[str, list[str]]:
    """The address bar's query, read in the page: the sync API's page.url can lag until events are pumped."""
    return parse_qs(page.evaluate("() => window.location.search").lstrip("?"))


def ledger_rows(page, expected: int | None = None) -> int:
    """Data rows of the ledger: the table the epoch view draws (ui/stepper.js), or a Streamlit grid (its
    aria-rowcount counts the header row too); 0 if there is no ledger. `expected`: wait for that many (and fail
    if they never come), since a grid draws a moment after the script finishes."""
    drawn = page.locator(".gd .ledger table tbody tr")
    grid = page.locator('[data-testid="stDataFrame"] [role="grid"]')

    def rows() -> int:
        if drawn.count():
            return drawn.count()
        return int(grid.first.get_attribute("aria-rowcount")) - 1 if grid.count() else 0

    if expected is None:
        return rows()
    return wait_until(rows, lambda n: n == expected, f"the ledger's rows (expected {expected})")


def test_direct_links_first_session_gets_the_real_menu(page, app_url: str) -> None:
    # First in this file on purpose: a session that opens a page's own address before any other went through
    # app.py is the case where Streamlit can fall back to a menu built from file names (test_first_visits.py
    # starts a server of its own for it). The pages not opened by their own address in the other browser tests.
    for title, path in [PAGES[2], PAGES[0], PAGES[1]]:
        page.goto(app_url + path)
        settle(page, title)
        assert_clean(page, title)
        assert page.evaluate("() => window.location.pathname") == path


def shown_epochs(page) -> tuple[int, int, int]:
    """The epoch in the stepper's own label, in the page's "Epoch k of n" sentence, and in the link."""
    status = page.locator(".gd .stepper").locator("output").inner_text()  # "Epoch 7 / 40"
    sentence = page.get_by_text(re.compile(r"^Epoch \d+ of ")).first.inner_text()
    link = int(query(page).get("epoch", ["0"])[0])
    return int(status.split()[1]), int(sentence.split()[1]), link


def agreed_epoch(page) -> tuple[int, int, int]:
    """shown_epochs once the three agree: the stepper counts in the browser and the sentence follows with the
    rerun, which a busy machine can start a moment after the page looked finished."""
    return wait_until(lambda: shown_epochs(page), lambda e: e[0] == e[1] == e[2], "the stepper, sentence and link")


def test_twenty_quick_clicks_on_next_epoch_land_on_epoch_twenty(page, app_url: str) -> None:
    """A room clicks fast: every click counts, even those that arrive while the page is still drawing."""
    title = TITLE["/descent"]
    page.goto(app_url + "/descent")
    settle(page, title)
    previous = page.get_by_role("button", name="Previous epoch")
    assert previous.is_disabled(), "nothing to go back to at epoch 0"
    following = page.get_by_role("button", name="Next epoch")
    for _ in range(20):
        following.click()
        page.wait_for_timeout(100)
    page.wait_for_function("() => location.search.includes('epoch=20')")
    settle(page, title)
    assert agreed_epoch(page) == (20, 20, 20)
    assert ledger_rows(page, 40) == 40
    assert_clean(page, title)


WATCH_FRAMES = """() => {
    // At every animation frame: how many charts have their canvas, and which epoch the page's sentence shows.
    window.frames_seen = {fewest: Infinity, epochs: []};
    const tick = () => {
        const drawn = [...document.querySelectorAll('[data-testid="stEChartsChart"], .gd .plot')]
            .filter((chart) => chart.querySelector("canvas")).length;
        window.frames_seen.fewest = Math.min(window.frames_seen.fewest, drawn);
        const sentence = [...document.querySelectorAll('[data-testid="stMarkdownContainer"], .gd [data-role="text"] p')]
            .map((e) => e.innerText).find((text) => /^Epoch \\d+ of/.test(text));
        const epoch = sentence ? Number(sentence.split(" ")[1]) : null;
        const seen = window.frames_seen.epochs;
        if (epoch !== null && seen[seen.length - 1] !== epoch) seen.push(epoch);
        if (!window.frames_stop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
}"""


def test_play_draws_every_epoch_with_the_charts_always_on_screen(page, app_url: str) -> None:
    """Play redraws the charts in place: no frame without them, and no epoch skipped on the way."""
    title = TITLE["/descent"]
    page.goto(app_url + "/descent")
    settle(page, title)
    # ECharts' code loads on the page's first chart: wait until the three charts are drawn once.
    page.wait_for_function("() => document.querySelectorAll('.gd .plot canvas').length >= 3")
    page.evaluate(WATCH_FRAMES)
    page.get_by_role("button", name="Play").click()
    page.wait_for_function("() => location.search.includes('epoch=5')")
    page.get_by_role("button", name="Pause").click()
    settle(page, title)
    stopped = agreed_epoch(page)[0]
    seen = page.evaluate("() => { window.frames_stop = true; return window.frames_seen; }")
    assert seen["fewest"] == 3, seen  # the houses, the path and the loss: never gone, not even for a frame
    assert seen["epochs"] == list(range(stopped + 1)), seen
    assert_clean(page, title)


def test_diverging_link_says_so_without_an_exception(page, app_url: str) -> None:
    title = TITLE["/descent"]
    page.goto(app_url + "/descent?lr=1e6&epochs=500")
    settle(page, title)
    assert_clean(page, title)
    alerts = "\n".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "Diverged" in alerts and "largest stable" in alerts, alerts
    assert query(page)["epochs"] == ["500"]
    screenshot(page, "page-3-descent-diverged")


def test_bad_link_value_gives_a_note(page, app_url: str) -> None:
    title = TITLE["/descent"]
    page.goto(app_url + "/descent?lr=abc")
    settle(page, title)
    assert_clean(page, title)
    alerts = "\n".join(page.locator('[data-testid="stAlert"]').all_inner_texts())
    assert "lr='abc' was ignored" in alerts, alerts
    assert "lr" not in query(page), "the bad value is dropped from the address bar"
    screenshot(page, "page-3-descent-bad-link")


@pytest.mark.parametrize(
    "path",
    [
        "/descent?lr=1e6&epochs=500&epoch=25",  # the last finite epoch before the overflow
        "/network?lr=1e6&act=relu&epoch=3",
        "/gradients?depth=30&scale=10.0&act=sigmoid&inputs=raw",
        "/ball?curve=bumpy&lr=100&steps=500&opt=momentum&step=500",  # the ball's numbers overflow: it stops, says why
    ],
)
def test_extreme_settings_show_no_exception_or_nan(page, app_url: str, path: str) -> None:
    title = TITLE[path.split("?")[0]]
    page.goto(app_url + path)
    settle(page, title)
    assert_clean(page, title)


def test_advanced_adam_on_mini_batches_through_the_sidebar(page, app_url: str) -> None:
    """Pick Adam and batches of 100 in the Advanced section, as a learner would, then take one epoch."""
    title = TITLE["/descent"]
    page.goto(app_url + "/descent")
    settle(page, title)
    page.get_by_text("Advanced: optimizer, schedule, batches").click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    picker = sidebar.locator('[data-testid="stSelectbox"]', has_text="Optimizer").locator("input")
    picker.wait_for(state="visible")
    picker.click()
    picker.fill("Adam")  # as a keyboard user would: type to filter, Enter to pick
    page.get_by_role("option", name="Adam: momentum and a brake").wait_for(state="visible")
    picker.press("Enter")
    page.wait_for_function("() => location.search.includes('opt=adam')")
    settle(page, title)
    assert sidebar.get_by_text("Adam's β2").count() == 1, "Adam's own hyperparameters appear"
    batch = sidebar.get_by_role("spinbutton", name="Batch size (0 = all 546 rows)")
    batch.fill("100")
    batch.press("Enter")
    page.wait_for_function("() => location.search.includes('batch=100')")
    settle(page, title)
    page.get_by_role("button", name="Next epoch").click()
    page.wait_for_function("() => location.search.includes('epoch=1')")
    settle(page, title)
    assert_clean(page, title)
    assert query(page)["opt"] == ["adam"] and query(page)["batch"] == ["100"]
    assert ledger_rows(page, 2 * 6) == 2 * 6, "six steps of two parameters: five batches of 100 and one of 46"
    text = page.locator("body").inner_text()
    assert "6 steps; the last one, step 6, is written out below" in text
    assert "marked ◆ on the chart" in text
    screenshot(page, "page-3-descent-adam-batches")
