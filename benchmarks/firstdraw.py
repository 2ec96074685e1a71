"""A page's first draw, now against an earlier revision, in Chromium: `python benchmarks/firstdraw.py --before c6d9dba
--pages 5,7,8,9,10` (needs /usr/bin/chromium, Playwright and git; about a minute a page).

Checks the earlier revision out into a temporary git worktree and starts both apps side by side with `streamlit
run`. For each page, each app gets a tab that visits the page once (cold) and counts the charts it ends with; then
the two take turns, LOADS times each, to load the page again (warm) and show its step-0 sentence with the script
finished and that many charts drawn (benchmarks/clicks.py's first draw). Taking turns puts both under the same
load of the machine, which moves a single first draw by a second or more. Prints each app's loads, their medians
and the ratio of the medians (issue 16: at most 1.1x).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from clicks import ARGS, COUNT, DRAWN, PAGES, REPO, serve, shown_after
from playwright.sync_api import sync_playwright

LOADS = 5


def first_draws(browser, urls: dict[str, str], loads: int) -> dict[str, list[float]]:
    tabs, counts = {}, {}
    for name, url in urls.items():  # the cold visit: every chart added, and how many
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(url)
        shown_after(tab, None)
        tab.wait_for_timeout(3000)
        tabs[name], counts[name] = tab, tab.evaluate(COUNT)
    took: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(loads):
        for name, url in urls.items():
            tab = tabs[name]
            tab.wait_for_timeout(1000)
            start = time.perf_counter()
            tab.goto(url)
            shown_after(tab, None)
            tab.wait_for_function(DRAWN, arg=counts[name], timeout=60_000)
            took[name].append(time.perf_counter() - start)
    for tab in tabs.values():
        tab.close()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the earlier revision, e.g. c6d9dba")
    parser.add_argument("--pages", default="3,5,7,8,9,10", help="these stepping pages (default: all)")
    parser.add_argument("--loads", type=int, default=LOADS, help=f"warm loads of each app per page (default {LOADS})")
    args = parser.parse_args()
    wanted = {f"page {n}," for n in args.pages.split(",")}
    paths = [(name, path) for name, path, _ in PAGES if path and any(name.startswith(w) for w in wanted)]
    with tempfile.TemporaryDirectory() as scratch:
        earlier = Path(scratch) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(earlier), args.before], cwd=REPO, check=True)
        servers = {"before": serve(earlier / "app.py", 8613, earlier), "now": serve(REPO / "app.py", 8611)}
        ports = {"before": 8613, "now": 8611}
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
                print(f"| page | {args.before} | now | now / {args.before} (medians) |\n|---|---|---|---|")
                for name, path in paths:
                    urls = {app: f"http://127.0.0.1:{port}{path}" for app, port in ports.items()}
                    took = first_draws(browser, urls, args.loads)
                    middle = {app: statistics.median(values) for app, values in took.items()}
                    shown = {app: f"{middle[app]:.2f} s ({min(v):.2f}–{max(v):.2f})" for app, v in took.items()}
                    print(
                        f"| {name} | {shown['before']} | {shown['now']} | {middle['now'] / middle['before']:.2f}x |",
                        flush=True,
                    )
                browser.close()
        finally:
            for server in servers.values():
                server.terminate()
            subprocess.run(["git", "worktree", "remove", "--force", str(earlier)], cwd=REPO, check=False)


if __name__ == "__main__":
    main()
