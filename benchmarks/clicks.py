"""Click to screen on every stepping page, in Chromium: `python benchmarks/clicks.py` (needs /usr/bin/chromium
and Playwright; about four minutes).

Starts the app and a trivial one-button app (benchmarks/trivial_app.py) with `streamlit run`. On the trivial
app and on each page with a stepper (3, 5, 7, 8, 9, 10) it clicks Next CLICKS times, one click at a time, and
times each click in the page, from the click's event to the first animation frame in which the page's "Epoch k of"
or "Step k of" sentence shows a new k and the script has finished (Playwright's own round trips left out), with the
stepper scrolled near the top of the 1400x1000 window, as a learner steps: what it draws below it is on screen.
The epoch view (ui/stepper.js) draws a part that is out of sight after the click's frame; the time to every part
drawn, out of sight too, is printed beside.
For each it prints:

- the median and the 95th percentile, and their ratios to the trivial app's, measured in the same run;
- the server's CPU per click (user + system time of the `streamlit run` process, from /proc, over the clicks),
  and its ratio to the trivial app's;
- the bytes the server sent per click over Streamlit's websocket (read with Chrome's DevTools protocol), and
  for the page's first draw;
- the first draw: from opening the page's address to its step-0 sentence with the script finished and every
  chart drawn, as many as the first visit ended with (the second visit in the same tab: the browser's code and
  the server's caches are warm; until 2026-12-07 a page whose charts Streamlit had not added yet counted as drawn);
- where 20 clicks 0.1 s apart land, against where they should (20 strides of the stepper), and the server's CPU
  per click while they are made (a page that draws its epochs in the browser hears of the epoch only once it
  settles, after them).

Issue 16 sets the targets: a click at most 0.5x the trivial app's median and 1x its p95, a few percent of
today's server CPU per click.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
TICKS = os.sysconf("SC_CLK_TCK")  # /proc's CPU times count these per second
# The trivial app, then each stepping page: its address, its Next button, and a learner's name for it.
PAGES = [
    ("trivial one-button app (reference)", None, "Next epoch"),
    ("page 3, gradient descent", "/descent", "Next epoch"),
    ("page 5, the small network", "/network", "Next epoch"),
    ("page 7, the ball on the hill", "/ball", "Next step"),
    ("page 8, the landscape", "/landscape", "Next epoch"),
    ("page 9, optimizers", "/optimizers", "Next step"),
    ("page 10, batches", "/batches", "Next step"),
]
SENTENCE = re.compile(r"^(?:Epoch|Step) ([\d,]+) of")
# The step on screen: the number in the first "Epoch k of" or "Step k of" sentence, once the script has finished.
SHOWN = """() => {
    if (document.querySelector('[data-testid="stApp"]')?.dataset.testScriptState !== 'notRunning') return null;
    if (document.querySelector('.gd[data-drawing]')) return null;  // the epoch view's plotly charts still drawing
    const sentence = [...document.querySelectorAll('[data-testid="stMarkdownContainer"], .gd .view [aria-live] p')]
        .map((e) => e.innerText).find((text) => /^(Epoch|Step) [\\d,]+ of/.test(text));
    return sentence ? Number(sentence.split(" ")[1].replaceAll(",", "")) : null;
}"""


# Every chart on the page is drawn: Streamlit's (st.echarts_chart, st.plotly_chart) and the epoch view's
# (ui/stepper.js), ECharts on a canvas, plotly in its SVG.
# Streamlit adds a page's charts one by one as its script runs, and the epoch view all at once: the first draw waits
# for as many charts as the first visit ended with (`count`), each drawn.
CHARTS = """'[data-testid="stEChartsChart"], [data-testid="stPlotlyChart"], .gd .plot'"""
COUNT = f"() => document.querySelectorAll({CHARTS}).length"
DRAWN = f"""(count) => {{ const charts = [...document.querySelectorAll({CHARTS})];
    return charts.length >= count && charts.every((chart) => chart.querySelector("canvas, .main-svg")); }}"""


@dataclass
class Measured:
    name: str
    clicks: list[float] = field(default_factory=list)  # seconds, click to screen settled
    every: list[float] = field(default_factory=list)  # seconds, click to every part drawn, out of sight too
    cpu: float = 0.0  # the server's CPU seconds per click
    bytes_per_click: float = 0.0
    first_draw: float = 0.0  # seconds
    first_bytes: int = 0
    burst_cpu: float = 0.0  # the server's CPU seconds per click during 20 quick clicks (0.1 s apart)
    landed: int = 0  # where 20 quick clicks landed
    expected: int = 0  # where they should have


def serve(script: Path, port: int, cwd: Path = REPO) -> subprocess.Popen:
    """`streamlit run script` from `cwd` (the repository, or another revision's worktree), once it answers."""
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), f"--server.port={port}", "--server.headless=true"],
        cwd=cwd,
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


# Timed in the page: from the click's event to the first animation frame that shows the new step (the frame the
# browser paints it in). Armed before each click; Playwright's own round trips are not counted.
ARM = (
    """(before) => {
    window.__took = undefined;
    window.__all = undefined;
    document.addEventListener("click", () => {
        const clicked = performance.now();
        const look = (now) => {
            const k = (SHOWN)();
            if (k !== null && k !== before) { window.__took = now - clicked; every(now, k); }
            else requestAnimationFrame(look);
        };
        // Every part of the epoch view drawn, those out of sight too (ui/stepper.js draws them after the click's
        // frame): its root names the frame and has no part left behind. A page with no view: the same moment.
        const every = (now, k) => {
            const view = document.querySelector('.gd[data-frame]');
            if (!view || (!view.dataset.stale && view.dataset.frame === String(k))) window.__all = now - clicked;
            else requestAnimationFrame((later) => every(later, k));
        };
        requestAnimationFrame(look);
    }, {capture: true, once: true});
}"""
).replace("SHOWN", SHOWN)


def shown_after(page, before: int | None, timeout: float = 60.0) -> int:
    """Wait until the screen has settled on a step other than `before`; return it."""
    handle = page.wait_for_function(
        f"(before) => {{ const k = ({SHOWN})(); return k !== null && k !== before ? [k] : null; }}",  # [0] is truthy
        arg=before,
        timeout=timeout * 1000,
    )
    return int(handle.json_value()[0])


class Wire:
    """The bytes the server sends over the page's websocket, counted with Chrome's DevTools protocol."""

    def __init__(self, page) -> None:
        self.received = 0
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.on("Network.webSocketFrameReceived", self._frame)

    def _frame(self, event: dict) -> None:
        response = event["response"]
        data = response["payloadData"]
        self.received += len(base64.b64decode(data)) if response["opcode"] == 2 else len(data.encode())


def measure(browser, name: str, url: str, button: str, clicks: int, pid: int, gap: float) -> Measured:
    result = Measured(name)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    wire = Wire(page)
    page.goto(url)
    shown_after(page, None)
    page.wait_for_timeout(3000)  # every chart added and drawn
    count = page.evaluate(COUNT)
    wire.received = 0
    start = time.perf_counter()
    page.goto(url)  # the second visit: warm
    now = shown_after(page, None)
    page.wait_for_function(DRAWN, arg=count, timeout=60_000)  # and every chart, not just the sentence
    result.first_draw, result.first_bytes = time.perf_counter() - start, wire.received
    page.wait_for_timeout(1500)  # let the charts' code load and draw
    following = page.get_by_role("button", name=button, exact=True).first
    # As a learner steps: the stepper near the top of the screen (below Streamlit's header), what it draws below it.
    following.evaluate(
        "(b) => { const bar = b.closest('.stepper') || b; bar.style.scrollMarginTop = '96px'; "
        "bar.scrollIntoView({block: 'start'}); }"
    )
    wire.received, cpu = 0, cpu_seconds(pid)
    for _ in range(clicks):
        page.evaluate(ARM, now)
        following.click()
        now = shown_after(page, now)
        result.clicks.append(page.wait_for_function("() => window.__took").json_value() / 1000)
        result.every.append(page.wait_for_function("() => window.__all").json_value() / 1000)
        page.wait_for_timeout(gap * 1000)
    page.wait_for_timeout(1000)  # a page that draws its epochs in the browser tells the server once they settle
    result.cpu = (cpu_seconds(pid) - cpu) / clicks
    result.bytes_per_click = wire.received / clicks
    stride = now // clicks  # each click moved one stride of the stepper
    page.goto(url)
    now = shown_after(page, None)
    cpu = cpu_seconds(pid)
    for _ in range(20):
        following.click()
        page.wait_for_timeout(100)
    result.burst_cpu = (cpu_seconds(pid) - cpu) / 20  # before the epoch settles: what the clicks themselves cost
    page.wait_for_timeout(3000)
    result.landed, result.expected = shown_after(page, None), now + 20 * stride
    page.close()
    return result


def row(m: Measured, reference: Measured | None) -> str:
    median, p95 = statistics.median(m.clicks), statistics.quantiles(m.clicks, n=20)[-1]
    every = f"{statistics.median(m.every) * 1e3:.0f} ms / {statistics.quantiles(m.every, n=20)[-1] * 1e3:.0f} ms"
    ratios = "reference"
    if reference is not None:
        ref_median, ref_p95 = statistics.median(reference.clicks), statistics.quantiles(reference.clicks, n=20)[-1]
        ratios = f"{median / ref_median:.1f}x / {p95 / ref_p95:.1f}x, CPU {m.cpu / reference.cpu:.1f}x"
    return (
        f"| {m.name} | {median * 1e3:.0f} ms | {p95 * 1e3:.0f} ms | {m.cpu * 1e3:.0f} ms | {ratios} | {every} "
        f"| {m.bytes_per_click / 1e3:.1f} kB | {m.first_draw:.2f} s, {m.first_bytes / 1e3:.0f} kB "
        f"| {m.landed} of {m.expected}, {m.burst_cpu * 1e3:.1f} ms CPU a click |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=25, help="timed clicks per page (default 25)")
    parser.add_argument(
        "--gap",
        type=float,
        default=0.2,
        help="seconds between a click's screen and the next click (default 0.2; 1.0: every step settles, and a page "
        "that draws its epochs in the browser tells the server of each)",
    )
    parser.add_argument("--pages", default="", help="only these pages, e.g. 3,5 (default: every stepping page)")
    args = parser.parse_args()
    app, trivial = serve(REPO / "app.py", 8611), serve(REPO / "benchmarks" / "trivial_app.py", 8612)
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            chosen = {f"page {n}," for n in args.pages.split(",") if n}
            for name, path, button in PAGES:
                if chosen and path is not None and not any(name.startswith(c) for c in chosen):
                    continue
                server, url = (
                    (trivial, "http://127.0.0.1:8612/") if path is None else (app, f"http://127.0.0.1:8611{path}")
                )
                results.append(measure(browser, name, url, button, args.clicks, server.pid, args.gap))
                print(f"measured {name}", file=sys.stderr)
            browser.close()
    finally:
        for server in (app, trivial):
            server.terminate()
    print(
        f"{time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f};"
        f" {args.clicks} clicks a page, {args.gap} s apart, 1400 px Chromium"
    )
    print(
        "| page | median | p95 | server CPU a click | ratios to the reference: median / p95, CPU"
        " | every part drawn, out of sight too: median / p95"
        " | sent a click | first draw (warm), sent | 20 quick clicks: land, server CPU |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    reference = results[0]
    for m in results:
        print(row(m, None if m is reference else reference))


if __name__ == "__main__":
    main()
