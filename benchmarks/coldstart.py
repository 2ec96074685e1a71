"""Cold start, in Chromium: `python benchmarks/coldstart.py` (needs /usr/bin/chromium and Playwright).

For the app and for a one-button app (benchmarks/trivial_app.py), three times each: start a fresh
`streamlit run`, open its first page, and time from the request to the first text on screen and to
the first page fully drawn (the script finished and, for the app, its first chart drawn, plotly or ECharts).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import urllib.request

from clicks import ARGS, REPO
from playwright.sync_api import sync_playwright

RUNS = 3


def cold_start(script: str, port: int, charts: bool) -> tuple[float, float]:
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, f"--server.port={port}", "--server.headless=true"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
                    if response.read() == b"ok":
                        break
            except OSError:
                time.sleep(0.25)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            start = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("() => document.querySelector('[data-testid=stMain]')?.innerText.trim().length > 0")
            first = time.perf_counter() - start
            page.wait_for_selector("h1", timeout=60_000)
            page.wait_for_function(
                "() => document.querySelector('[data-testid=stApp]')?.dataset.testScriptState === 'notRunning'"
            )
            if charts:
                page.wait_for_selector(".js-plotly-plot .main-svg, [data-testid=stEChartsChart] canvas", timeout=60_000)
            full = time.perf_counter() - start
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return first, full


def main() -> None:
    trivial = [cold_start("benchmarks/trivial_app.py", 8622, charts=False) for _ in range(RUNS)]
    app = [cold_start("app.py", 8621, charts=True) for _ in range(RUNS)]
    t_first, t_full = (statistics.median(values) for values in zip(*trivial))
    a_first, a_full = (statistics.median(values) for values in zip(*app))
    print(f"Cold start, median of {RUNS} fresh servers, 1400 px Chromium:")
    print(f"one-button app (reference): first text {t_first:5.2f} s, fully drawn {t_full:5.2f} s")
    print(
        f"the app, page 1:            first text {a_first:5.2f} s ({a_first / t_first:3.1f}x), "
        f"fully drawn {a_full:5.2f} s ({a_full / t_full:3.1f}x)"
    )


if __name__ == "__main__":
    main()
