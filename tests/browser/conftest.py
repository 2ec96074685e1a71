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


@pytest.fixture
def page(browser, app_url: str):
    """A fresh browser context (a new Streamlit session) per test; JavaScript errors are collected."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()
