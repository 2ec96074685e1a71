"""Click to screen, in Chromium: `python benchmarks/clicks.py` (needs /usr/bin/chromium and Playwright).

Starts the app and a trivial one-button app (benchmarks/trivial_app.py) with `streamlit run`, clicks
Next epoch N times on each, one click at a time, and times each click from the click to the screen
settled: the page's "Epoch k of" sentence shows the new k and the script has finished. Prints the
median and the 95th percentile of each, and their ratio to the trivial app's, measured in the same run.
Also: 20 clicks 0.1 s apart, and where they land.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
CLICKS = 25


def serve(script: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), f"--server.port={port}", "--server.headless=true"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
                if response.read() == b"ok":
                    return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise RuntimeError(f"{script} did not start")


def settled(page, k: int) -> None:
    page.wait_for_function(
        """k => document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState === 'notRunning'
              && [...document.querySelectorAll('[data-testid="stMarkdownContainer"]')]
                   .some(e => e.innerText.startsWith(`Epoch ${k} of`))""",
        arg=k,
        timeout=30_000,
    )


def times(page, url: str) -> list[float]:
    page.goto(url)
    settled(page, 0)
    page.wait_for_timeout(1500)
    following = page.get_by_role("button", name="Next epoch")
    taken = []
    for k in range(1, CLICKS + 1):
        start = time.perf_counter()
        following.click()
        settled(page, k)
        taken.append(time.perf_counter() - start)
        page.wait_for_timeout(200)
    return taken


def quick_clicks(page, url: str) -> int:
    page.goto(url)
    settled(page, 0)
    following = page.get_by_role("button", name="Next epoch")
    for _ in range(20):
        following.click()
        page.wait_for_timeout(100)
    page.wait_for_timeout(3000)
    text = page.get_by_text("Epoch ", exact=False).filter(has_text=" of ").first.inner_text()
    return int(text.split()[1])


def summary(name: str, values: list[float], reference: list[float] | None = None) -> str:
    median, p95 = statistics.median(values), statistics.quantiles(values, n=20)[-1]
    line = f"{name:38s} median {median * 1e3:6.0f} ms, p95 {p95 * 1e3:6.0f} ms"
    if reference:
        line += (
            f" ({median / statistics.median(reference):4.1f}x, {p95 / statistics.quantiles(reference, n=20)[-1]:4.1f}x)"
        )
    return line


def main() -> None:
    servers = [serve(REPO / "app.py", 8611), serve(REPO / "benchmarks" / "trivial_app.py", 8612)]
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            trivial = times(page, "http://127.0.0.1:8612/")
            descent = times(page, "http://127.0.0.1:8611/descent")
            network = times(page, "http://127.0.0.1:8611/network")
            landed = quick_clicks(page, "http://127.0.0.1:8611/descent")
            browser.close()
    finally:
        for server in servers:
            server.terminate()
    print(f"Next epoch, click to screen settled, {CLICKS} clicks each, 1400 px Chromium:")
    print(summary("trivial one-button app (reference)", trivial))
    print(summary("page 3, gradient descent", descent, trivial))
    print(summary("page 5, the small network", network, trivial))
    print(f"20 clicks 0.1 s apart on page 3 land on epoch {landed}")


if __name__ == "__main__":
    main()
