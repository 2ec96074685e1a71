"""Fixtures for the browser tests: a real `streamlit run` server and Debian's Chromium, driven by Playwright.

Playwright never downloads a browser here: it launches /usr/bin/chromium. Without it the tests
skip, except on CI (CI=true), where a missing browser is a broken setup and fails loudly.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"  # screenshots and the server log; gitignored
CHROMIUM = Path("/usr/bin/chromium")
# Headless, and no calls home: this machine's network is closed, and Chromium's background
# connections would otherwise be refused many at a time.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60.0  # seconds until /_stcore/health must answer "ok"
# Seconds a browser test waits for what it reads (a page's title, its script to finish, a button, a chart, a
# grid's rows). A first visit after a server start imports numpy, pandas, plotly and scikit-learn, and a busy
# two-core machine (the other pytest worker, another app, a build) once took over 30 s to show a button that
# takes 2 s alone. A wait ends as soon as what it waits for is there, so a long budget costs a passing test
# nothing; it only bounds how long a broken page takes to fail.
BUDGET = 120.0


@pytest.fixture(scope="session")
def chromium() -> Path:
    """The Chromium binary, or a skip (a failure on CI) when it is missing."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)
    return CHROMIUM


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def is_healthy(url: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never via an http_proxy
    try:
        with opener.open(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except OSError:
        return False


@contextlib.contextmanager
def serve_app() -> Iterator[str]:
    """Start `streamlit run app.py` from the repository root on a free port; yield its URL, then stop it."""
    port = free_port()
    url = f"http://localhost:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / f"streamlit-server-{port}.log"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--browser.gatherUsageStats",
        "false",
        # The tests must see the code as it was at the start, with no "File change. Rerun" banner
        # when a file is saved during the run.
        "--server.fileWatcherType",
        "none",
    ]
    with open(log_path, "w") as log:
        server = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while not is_healthy(url):
                if server.poll() is not None:
                    pytest.fail(f"streamlit exited with status {server.returncode}:\n{log_path.read_text()}")
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"streamlit did not answer {url}/_stcore/health within {SERVER_START_TIMEOUT:.0f} s:\n"
                        f"{log_path.read_text()}"
                    )
                time.sleep(0.2)
            yield url
        finally:
            stop(server)


@pytest.fixture(scope="session")
def app_url(chromium: Path) -> Iterator[str]:
    """The app, started once for the browser tests."""
    with serve_app() as url:
        yield url


@pytest.fixture
def fresh_app_url() -> Iterator[str]:
    """The app, started for this test alone: its first visits are the first of the process."""
    with serve_app() as url:
        yield url


def stop(server: subprocess.Popen) -> None:
    """SIGTERM the server's process group (it was started in its own session), then SIGKILL if needed."""
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser(chromium: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, **context_options):
    """A page in a new browser context (a new Streamlit session), with the BUDGET as its default timeout and its
    JavaScript errors collected in page.js_errors. Options go to browser.new_context (viewport, color_scheme, ...);
    close it with page.context.close()."""
    page = browser.new_context(**({"viewport": {"width": 1400, "height": 1000}} | context_options)).new_page()
    page.set_default_timeout(BUDGET * 1000)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    return page


@pytest.fixture
def page(browser, app_url: str):
    """A fresh browser context (a new Streamlit session) per test; JavaScript errors are collected."""
    page = new_page(browser)
    try:
        yield page
    finally:
        page.context.close()


def wait_until(read, done=bool, what: str = "the page", budget: float = BUDGET):
    """Call read() until done(its value) holds, every 0.1 s for up to `budget` seconds, and return that value;
    then fail, showing the last value. For what a page draws a moment after its script has finished."""
    deadline = time.monotonic() + budget
    while not done(value := read()):
        assert time.monotonic() < deadline, f"{what}: still {value!r} after {budget:.0f} s"
        time.sleep(0.1)
    return value


@contextlib.contextmanager
def whole_page(page) -> Iterator[None]:
    """The window grown to the page's whole height for what runs inside (a screenshot, an axe scan: axe checks
    the contrast of text in view only), then back: the app and the sidebar scroll inside their own containers."""
    scrollers = '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]'
    height = page.evaluate(
        "(selector) => Math.max(...[...document.querySelectorAll(selector)].map(e => e.scrollHeight),"
        " document.body.scrollHeight)",
        scrollers,
    )
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12_000)})
    time.sleep(0.3)  # let plotly re-layout to the new size
    try:
        yield
    finally:
        page.set_viewport_size(size)


# Streamlit draws a placeholder (a grey bar) where an element's code is still loading: a widget, a table or a
# chart of a kind the page has not shown before.
PLACEHOLDERS = '[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]'


def settle(page, title: str) -> None:
    """Wait for the page's h1, then for the script to stay finished for half a second with no placeholder left,
    then for every chart's drawing: the page as a learner sees it once it has stopped moving."""
    try:
        page.locator("h1", has_text=title).first.wait_for(state="visible")
    except Exception as error:  # say what the page showed instead: a timeout alone tells nothing
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / f"no-title-{time.strftime('%H%M%S')}.png"
        page.screenshot(path=str(shot))
        shown = page.evaluate(
            "() => [location.href, document.querySelector('[data-testid=stApp]')?.dataset.testScriptState,"
            " document.querySelector('[data-testid=stApp]')?.dataset.testConnectionState, document.body.innerText]"
        )
        shown.append(getattr(page, "js_errors", []))
        pytest.fail(f"{title}: no title after {BUDGET:.0f} s ({type(error).__name__}); {shot.name}; {shown!r:.2000}")
    app = page.locator('[data-testid="stApp"]')
    deadline, quiet_since = time.monotonic() + BUDGET, None
    while True:
        idle = app.get_attribute("data-test-script-state") == "notRunning"
        running_widget = page.locator('[data-testid="stStatusWidget"]', has_text="Running").count()
        if idle and not running_widget and not page.locator(PLACEHOLDERS).count():
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= 0.5:
                break
        else:
            quiet_since = None
        assert time.monotonic() < deadline, f"{title}: still running or drawing after {BUDGET:.0f} s"
        time.sleep(0.1)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator(".main-svg").first.wait_for(state="attached")
    charts = page.locator('[data-testid="stEChartsChart"]')
    for i in range(charts.count()):
        charts.nth(i).locator("canvas").first.wait_for(state="attached")


def pick_option(page, picker, typed: str, option: str, tries: int = 3) -> None:
    """Type `typed` into a select box's input and click `option` in its list, as a learner would. A rerun that lands
    while the list is open (the page's view telling the server where it is) closes it: then the box is opened again."""
    for attempt in range(tries):
        picker.click()
        picker.fill(typed)
        entry = page.get_by_role("option", name=option)
        try:
            entry.wait_for(state="visible", timeout=15_000)
            entry.click(timeout=15_000)
            return
        except Exception:
            if attempt == tries - 1:
                raise
            page.keyboard.press("Escape")
