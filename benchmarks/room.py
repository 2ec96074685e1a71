"""A room on one server, over Streamlit's websocket protocol: `python benchmarks/room.py`.

Cheaper than fifty browsers: each learner is one websocket that speaks what Streamlit's frontend
speaks (BackMsg out, ForwardMsg back), and a click on Next epoch is the message the epoch stepper
sends, a fragment rerun carrying the new epoch. A click's latency is from sending it to the
script's "finished" message; every click checks the page's own words ("Epoch k of", and the
chart caption's line for this learner's learning rate), so a lost click, an error or another
session's numbers count as errors.

Measured in one run, against the trivial one-button app (benchmarks/trivial_app.py) driven the
same way:
- one learner stepping 20 epochs back to back: the single-session median;
- fifty learners, each stepping 20 epochs with a pause of 1 to 3 seconds between clicks (a room
  following the instructor), all at once: median and 95th percentile, and errors;
- the server's memory with one session open, and with fifty more open and idle.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
from dataclasses import dataclass, field

from wsclient import REPO, Learner, Screen, cpu_seconds, rss_mb, serve

sys.path.insert(0, str(REPO))

import gdcore  # noqa: E402
from gdcore.data import shipped  # noqa: E402
from gdcore.line import DescentConfig
from ui.fmt import equation  # noqa: E402


def expected_line(learning_rate: float, epoch: int) -> str:
    """The caption's line after `epoch` epochs at this learning rate, computed here, not by the server."""
    config = DescentConfig(learning_rate=learning_rate)
    fit = gdcore.fit_line(config, gdcore.select_xy(gdcore.read_table(shipped(config.data)), config.x, config.y))
    return equation(*fit.in_data_units(fit.run.after(epoch)), x=config.x)


def check(screen: Screen, epoch: int, learning_rate: float | None, lines: dict) -> list[str]:
    """What is wrong with the screen, if this learner stands at `epoch` with this learning rate."""
    wrong = list(screen.errors)
    if screen.epoch() != epoch:
        wrong.append(f"shows epoch {screen.epoch()}, not {epoch}")
    if learning_rate is not None:
        key = (learning_rate, epoch)
        if key not in lines:
            lines[key] = expected_line(learning_rate, epoch)
        caption = screen.caption("Chart: all ")
        if lines[key] not in caption:
            found = re.search(r"the line after .*?, (price = .*?), and", caption)
            wrong.append(f"epoch {epoch}, rate {learning_rate}: {found[1] if found else caption!r}, not {lines[key]}")
    return wrong


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    cpu: float = 0.0  # the server's CPU seconds per click


async def descent_learner(url: str, rate: float, clicks: int, pause: tuple[float, float], tally: Tally) -> None:
    """Open page 3 with this learner's own learning rate in the link, then step `clicks` epochs."""
    lines: dict = {}
    async with Learner(url) as me:
        screen, _ = await me.open("descent", f"lr={rate}")
        tally.errors += check(screen, 0, rate, lines)
        for k in range(1, clicks + 1):
            await asyncio.sleep(random.uniform(*pause))
            screen, taken = await me.step(k)
            tally.latencies.append(taken)
            tally.errors += check(screen, k, rate, lines)


async def trivial_learner(url: str, clicks: int, pause: tuple[float, float], tally: Tally) -> None:
    async with Learner(url) as me:
        screen, _ = await me.open("")
        for k in range(1, clicks + 1):
            await asyncio.sleep(random.uniform(*pause))
            screen, taken = await me.press("Next epoch")
            tally.latencies.append(taken)
            if f"Epoch {k} of 40" not in screen.texts:
                tally.errors.append(f"trivial app shows {screen.texts}, not epoch {k}")


def rate(i: int) -> float:
    """Learner i's own learning rate: all different, all converging."""
    return round(0.05 + 0.004 * i, 3)


async def room(url: str, learners: int, clicks: int, pause: tuple[float, float], trivial: bool) -> Tally:
    tally = Tally()
    if trivial:
        jobs = [trivial_learner(url, clicks, pause, tally) for _ in range(learners)]
    else:
        jobs = [descent_learner(url, rate(i), clicks, pause, tally) for i in range(learners)]
    await asyncio.gather(*jobs)
    return tally


async def idle_memory(url: str, pid: int, extra: int) -> tuple[float, float]:
    """Server memory (MB) with one session on page 3, then with `extra` more open and idle."""
    async with Learner(url) as first:
        await first.open("descent")
        await first.step(3)
        await asyncio.sleep(2)
        one = rss_mb(pid)
        others = [Learner(url) for _ in range(extra)]
        for other in others:
            await other.__aenter__()
            await other.open("descent")
        await asyncio.sleep(5)
        many = rss_mb(pid)
        for other in others:
            await other.__aexit__()
    return one, many


def summary(name: str, values: list[float], reference: float | None = None) -> str:
    median, p95 = statistics.median(values), statistics.quantiles(values, n=20)[-1]
    line = f"{name:52s} median {median * 1e3:6.0f} ms, p95 {p95 * 1e3:6.0f} ms"
    if reference:
        line += f"  (p95 = {p95 / reference:4.1f}x the single-session median)"
    return line


def timed(url: str, pid: int, learners: int, clicks: int, pause: tuple[float, float], trivial: bool) -> Tally:
    """A room, with the server's CPU time per click."""
    before = cpu_seconds(pid)
    tally = asyncio.run(room(url, learners, clicks, pause, trivial))
    tally.cpu = (cpu_seconds(pid) - before) / len(tally.latencies)
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--clicks", type=int, default=20)
    parser.add_argument("--pause", type=float, nargs=2, default=(1.0, 3.0), help="seconds between clicks")
    args = parser.parse_args()
    random.seed(0)
    pause = tuple(args.pause)
    servers = {"app": serve("app.py", 8631), "trivial": serve("benchmarks/trivial_app.py", 8632)}
    app, reference = "ws://127.0.0.1:8631/_stcore/stream", "ws://127.0.0.1:8632/_stcore/stream"
    pids = {app: servers["app"].pid, reference: servers["trivial"].pid}
    try:
        asyncio.run(room(app, 1, 3, (0, 0), False))  # warm up: the first run imports everything
        asyncio.run(room(reference, 1, 3, (0, 0), True))
        results = {}
        for name, url, trivial in (("trivial app", reference, True), ("page 3", app, False)):
            single = timed(url, pids[url], 1, args.clicks, (0.2, 0.2), trivial)
            crowd = timed(url, pids[url], args.learners, args.clicks, pause, trivial)
            results[name] = single, crowd
        before, after = asyncio.run(idle_memory(app, pids[app], args.learners))
    finally:
        for server in servers.values():
            server.terminate()
    print(
        f"{args.learners} learners x {args.clicks} clicks, {pause[0]:g} to {pause[1]:g} s between clicks, "
        "click to script finished over the websocket:"
    )
    errors = []
    for name, (single, crowd) in results.items():
        median = statistics.median(single.latencies)
        print(summary(f"{name}, one learner", single.latencies) + f", server CPU {single.cpu * 1e3:4.0f} ms a click")
        print(summary(f"{name}, {args.learners} learners", crowd.latencies, median))
        errors += single.errors + crowd.errors
    print(f"errors: {len(errors)}" + "".join(f"\n  {e}" for e in errors[:10]))
    print(
        f"server memory: {before:.0f} MB with one session, {after:.0f} MB with {args.learners} more idle: "
        f"{(after - before) / args.learners:.2f} MB per extra session"
    )


if __name__ == "__main__":
    main()
