"""Ten minutes of a busy room on one server: `python benchmarks/soak.py` (`--seconds 60` for a short one).

Fifty learners (websocket sessions, as in benchmarks/room.py), each arriving by a link with a
learning rate of its own, then, until the time is up, again and again: step to another epoch, change
the learning rate in the sidebar (to another value of its own), or go to page 5, step there and come
back. After every click each learner checks its own screen: no error, the epoch it chose, and on
page 3 the chart caption's line for its own learning rate at that epoch (computed here, not by the
server). A learner seeing another learner's settings or epoch would fail that check.

The server's memory is sampled every 15 seconds; it passes if there are no errors and memory grows by
less than 5% over the second half of the run. The first half is the warm-up: with fifty learners
each trying rates of their own, the bounded caches of runs take minutes to fill (in the first
10-minute soak memory rose from 270 to 337 MB over five minutes, then stayed within 337-343 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time

from room import Tally, check, rate
from wsclient import Learner, rss_mb, serve

URL = "ws://127.0.0.1:8641/_stcore/stream"
LAST = 40  # page 3's default run: 40 epochs
GROWTH = 0.05  # memory may grow this much after the warm-up


async def learner(i: int, until: float, pause: tuple[float, float], tally: Tally) -> None:
    chance = random.Random(i)
    own = rate(i)
    lines: dict = {}
    async with Learner(URL) as me:
        screen, _ = await me.open("descent", f"lr={own}")
        epoch = network_epoch = 0
        tally.errors += check(screen, epoch, own, lines)
        changes = 0
        history = []
        while time.monotonic() < until:
            await asyncio.sleep(chance.uniform(*pause))
            roll = chance.random()
            history.append("step" if roll < 0.7 else "rate" if roll < 0.85 else "page 5")
            try:
                if roll < 0.7:  # a click on the stepper: next, previous, or a jump on the slider
                    epoch = min(LAST, max(0, chance.choice([epoch + 1, epoch + 1, epoch - 1, chance.randint(0, LAST)])))
                    screen, taken = await me.step(epoch)
                elif roll < 0.85:  # a new learning rate of its own: rate(i) + j / 10,000 stays inside its own band
                    changes += 1
                    own = round(rate(i) + (changes % 30) / 10_000, 4)
                    screen, taken = await me.set_number("Learning rate", own)
                    epoch = screen.epoch() if screen.epoch() is not None else epoch  # the page keeps it, clamped
                else:  # to page 5 and back, through the sidebar; page 5 still shows the epoch this learner left it at
                    screen, _ = await me.go("network")
                    tally.errors += [f"learner {i}, page 5: {w}" for w in check(screen, network_epoch, None, lines)]
                    network_epoch = chance.randint(0, 10)
                    screen, taken = await me.step(network_epoch)
                    tally.latencies.append(taken)
                    tally.errors += [f"learner {i}, page 5: {w}" for w in check(screen, network_epoch, None, lines)]
                    screen, taken = await me.go("descent")
            except (LookupError, TimeoutError) as problem:  # say what the learner saw, then open the link again
                tally.errors.append(f"learner {i} after {history[-3:]}: {problem!r}")
                screen, taken = await me.open("descent", f"lr={own}")
                epoch = 0
            tally.latencies.append(taken)
            tally.errors += [f"learner {i} after {history[-3:]}: {w}" for w in check(screen, epoch, own, lines)]


async def watch(pid: int, until: float, samples: list[tuple[float, float]]) -> None:
    start = time.monotonic()
    while time.monotonic() < until:
        samples.append((time.monotonic() - start, rss_mb(pid)))
        await asyncio.sleep(15)
    samples.append((time.monotonic() - start, rss_mb(pid)))


async def soak(pid: int, learners: int, seconds: float, pause: tuple[float, float]) -> tuple[Tally, list]:
    tally, samples = Tally(), []
    until = time.monotonic() + seconds
    jobs = [learner(i, until, pause, tally) for i in range(learners)]
    await asyncio.gather(watch(pid, until + 5, samples), *jobs)
    return tally, samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--pause", type=float, nargs=2, default=(2.0, 6.0), help="seconds between clicks")
    args = parser.parse_args()
    server = serve("app.py", 8641)
    try:
        tally, samples = asyncio.run(soak(server.pid, args.learners, args.seconds, tuple(args.pause)))
    finally:
        server.terminate()
    warm = [mb for t, mb in samples if t >= args.seconds / 2]
    growth = (warm[-1] - warm[0]) / warm[0] if warm else 0.0
    p95 = statistics.quantiles(tally.latencies, n=20)[-1]
    print(
        f"{args.learners} learners for {args.seconds:g} s, {args.pause[0]:g} to {args.pause[1]:g} s between "
        f"actions: {len(tally.latencies):,} clicks, median {statistics.median(tally.latencies) * 1e3:.0f} ms, "
        f"p95 {p95 * 1e3:.0f} ms"
    )
    print("server memory (MB) every 15 s: " + " ".join(f"{mb:.0f}" for _, mb in samples))
    print(f"second half: {warm[0]:.0f} MB to {warm[-1]:.0f} MB ({growth:+.1%})" if warm else "")
    print(f"errors: {len(tally.errors)}" + "".join(f"\n  {e}" for e in tally.errors[:20]))
    passed = not tally.errors and growth < GROWTH
    print("PASS" if passed else "FAIL")
    raise SystemExit(0 if passed else 1)


if __name__ == "__main__":
    main()
