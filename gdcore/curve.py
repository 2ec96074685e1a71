"""A ball on a hill: gradient descent on a loss of one number w, where every step can be drawn.

Two hills: a simple bowl with one bottom, and a bumpy curve with four valleys of different depths.
The same descent loop as everywhere (gdcore.descent), with any optimizer and learning-rate schedule,
so the lessons of the learning rate, schedules, momentum and local minima can be watched on a curve.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace

import numpy as np

from gdcore.config import Training, check, field_of, spec
from gdcore.descent import Run
from gdcore.experiment import Model, train
from gdcore.narrate import Verdict
from gdcore.numbers import written

CURVES = ("bowl", "bumpy")
LOW, HIGH = -6.0, 6.0  # the stretch of hill on screen, and where random drops land
FORMULAS = {  # as the page shows them, in LaTeX
    "bowl": r"\text{loss}(w) = (w - 2)^2",
    "bumpy": r"\text{loss}(w) = \frac{w^2}{10} + \frac{\sin(2w)}{2} + \frac{1}{2}",
}


def bowl(w):
    """loss(w) = (w - 2)^2: one valley, its bottom at w = 2. w may be an array."""
    d = w - 2.0
    return d * d  # d * d, not d**2: Python raises on ** when a float overflows, not on *


def bowl_slope(w):
    """d loss / dw = 2 (w - 2)."""
    return 2.0 * (w - 2.0)


def bowl_bend(w):
    """d² loss / dw² = 2 everywhere: how fast the slope changes."""
    return 2.0 + 0.0 * w


def bumpy(w):
    """loss(w) = w^2 / 10 + sin(2w) / 2 + 1/2: a wide bowl with ripples, so four valleys of different depths."""
    return w * w / 10.0 + np.sin(2.0 * w) / 2.0 + 0.5


def bumpy_slope(w):
    """d loss / dw = w / 5 + cos(2w)."""
    return w / 5.0 + np.cos(2.0 * w)


def bumpy_bend(w):
    """d² loss / dw² = 1/5 - 2 sin(2w)."""
    return 0.2 - 2.0 * np.sin(2.0 * w)


HILLS = {"bowl": (bowl, bowl_slope, bowl_bend), "bumpy": (bumpy, bumpy_slope, bumpy_bend)}


def loss(curve: str, w):
    return HILLS[curve][0](w)


def slope(curve: str, w):
    return HILLS[curve][1](w)


def bend(curve: str, w):
    return HILLS[curve][2](w)


@functools.cache  # a curve's valleys never change: found once per process, not on every step shown
def turning_points(curve: str, low: float = LOW, high: float = HIGH) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The valleys' bottoms and the ridges between them in [low, high]: where the slope is 0, found by
    bisection between grid points where the slope changes sign. Returns (bottoms, ridges), each sorted."""
    w = np.linspace(low, high, 4001)  # (4001,)
    s = slope(curve, w)
    bottoms, ridges = [], []
    for i in np.nonzero(np.sign(s[:-1]) != np.sign(s[1:]))[0]:
        a, b = w[i], w[i + 1]
        for _ in range(60):  # bisection: halve the bracket until it is a float's width
            m = (a + b) / 2
            a, b = (m, b) if np.sign(slope(curve, m)) == np.sign(slope(curve, a)) else (a, m)
        (bottoms if s[i] < 0 else ridges).append(float((a + b) / 2))  # downhill then uphill: a bottom
    return tuple(bottoms), tuple(ridges)


def valley(curve: str, w: float) -> int | None:
    """Which valley w lies in (0 = the leftmost bottom), or None off the stretch of hill on screen."""
    if not LOW <= w <= HIGH:
        return None
    _, ridges = turning_points(curve)
    return int(np.searchsorted(ridges, w))


@dataclass(frozen=True)
class CurveConfig(Training):
    """Everything that decides the ball's roll down a curve; equal configs give equal rolls."""

    # The hill: "bowl", (w - 2)^2, or "bumpy", a wide bowl with ripples (four valleys).
    curve: str = field(default="bowl", metadata=spec("curve", choices=CURVES, label="curve"))
    # Where the ball is dropped: typed in, or a click on the curve.
    start: float = field(default=5.5, metadata=spec("w0", -20.0, 20.0, label="starting point"))
    # new w = w - learning_rate * slope. On the bowl the slope's rate of change is 2, so each step
    # multiplies the distance to the bottom by (1 - 2 * learning_rate): 0.1 closes in by 0.8 a step.
    learning_rate: float = field_of(Training, "learning_rate", 0.1, low=1e-6, high=100.0)
    epochs: int = field_of(Training, "epochs", 30, high=500, url="steps", label="number of steps")
    # Three learning rates raced from the same start: too small, about right, too large on the bowl.
    small: float = field(default=0.02, metadata=spec("lr1", 1e-6, 100.0, label="first learning rate"))
    right: float = field(default=0.4, metadata=spec("lr2", 1e-6, 100.0, label="second learning rate"))
    large: float = field(default=1.05, metadata=spec("lr3", 1e-6, 100.0, label="third learning rate"))
    # "At the bottom" means within this distance of it, in w.
    tolerance: float = field(default=0.01, metadata=spec("tol", 1e-9, 1.0, label="tolerance"))
    # Random drops on the hill, to count which valley each ends in; their starts come from the seed.
    drops: int = field(default=20, metadata=spec("drops", 1, 200, label="number of drops"))
    seed: int = field_of(Training, "seed", 0)

    def __post_init__(self) -> None:
        check(self)

    @property
    def step_work(self) -> int:
        return 1


def roll(config: CurveConfig, start: float | None = None, learning_rate: float | None = None) -> Run:
    """Descend the config's curve from `start` (default: the config's) at `learning_rate` (default: the
    config's), with its optimizer and schedule (gdcore.experiment.train, as every model): one record per step,
    w <- w - update."""
    config = replace(config, learning_rate=config.learning_rate if learning_rate is None else learning_rate)
    f, df, _ = HILLS[config.curve]

    def loss_and_grad(params):
        w = params[0]
        return float(f(w)), np.array([df(w)])  # the slope of the hill is the whole gradient

    return train(config, loss_and_grad, None, (config.start if start is None else start,), ("w",))  # no rows


def path(run: Run) -> list[float]:
    """Where the ball was: the start, then w after each step (the steps the run finished)."""
    return [run.start[0]] + [r.new[0] for r in run.records]


def bottom(curve: str) -> float:
    """The lowest point of the curve: the deepest valley's bottom."""
    bottoms, _ = turning_points(curve)
    return min(bottoms, key=lambda w: loss(curve, w))


def steps_to_bottom(run: Run, curve: str, tolerance: float) -> int | None:
    """The first step after which the ball stays within `tolerance` of the lowest point; None if it
    is not there at the end (or the run stopped early)."""
    if run.diverged_at is not None:
        return None
    lowest = bottom(curve)
    far = [abs(w - lowest) > tolerance for w in path(run)]  # step k is path[k]
    if far[-1]:
        return None
    return len(far) - far[::-1].index(True) if any(far) else 0


def drop_starts(config: CurveConfig) -> np.ndarray:
    """`drops` starting points spread at random over the hill on screen, from the seed: shape (drops,)."""
    return np.random.default_rng(config.seed).uniform(LOW, HIGH, size=config.drops)


@dataclass(frozen=True)
class Drop:
    start: float
    end: float  # where the ball is after the last step (or the last finite step)
    loss: float  # the loss there
    valley: int | None  # which valley it ended in (0 = leftmost); None if it left the hill or blew up


def drop_all(config: CurveConfig) -> list[Drop]:
    """Roll a ball from each of the config's random starts, with the config's rate, optimizer and schedule."""
    drops = []
    for w0 in drop_starts(config):
        run = roll(config, start=float(w0))
        end = run.final[0]
        where = None if run.diverged_at is not None else valley(config.curve, end)
        drops.append(Drop(float(w0), end, float(loss(config.curve, end)), where))
    return drops


def largest_stable_rate(curve: str, w: float) -> float:
    """2 / bend(w): above it, plain steps near a bottom at w overshoot further each time."""
    return float(2.0 / bend(curve, w))


# --- what a run did, in words -----------------------------------------------------------------------------------


def ball_verdict(config, run) -> Verdict:
    """Crawling, converging, oscillating or diverging: the ball's roll down a curve (gdcore.curve), in words."""
    steps = len(run.records)
    if run.diverged_at is not None:
        return Verdict(
            "diverged",
            f"Diverged: at step {run.diverged_at} {run.reason}, so the roll stopped there. Each step threw the "
            f"ball further up the other side than the last: try a smaller learning rate than {config.learning_rate:g}.",
        )
    ws = path(run)
    bottoms, _ = turning_points(config.curve)
    where = valley(config.curve, ws[-1])
    target = bottoms[where] if where is not None else min(bottoms, key=lambda b: abs(b - ws[-1]))
    deepest = bottom(config.curve)
    which = (
        "the valley"
        if len(bottoms) == 1
        else "the deepest valley"
        if target == deepest
        else f"the valley at w = {written(target, 3)} (not the deepest: that one is at w = {written(deepest, 3)})"
    )
    d = [abs(w - target) for w in ws]  # how far from the bottom after each step
    flips = sum(1 for a, b in zip(ws, ws[1:]) if (a - target) * (b - target) < 0)
    tol = config.tolerance
    plain = config.optimizer == "gd" and config.schedule == "constant" and not config.warmup
    if d[-1] <= tol:
        arrived = len(d) - [x > tol for x in d][::-1].index(True) if d[0] > tol else 0
        if flips >= 2:
            return Verdict(
                "oscillating",
                f"Oscillating, but settling: the ball jumps from one side of the bottom of {which} to the other, "
                f"each jump smaller than the last, and is within {tol:g} of it from step {arrived} on.",
            )
        return Verdict(
            "converging",
            f"Converging: the ball rolls down into {which} and is within {tol:g} of its bottom from step {arrived} on.",
        )
    if d[-1] > d[0]:
        hint = (
            f" Near that bottom the curve bends so that the largest learning rate that settles is "
            f"{written(largest_stable_rate(config.curve, target), 3)}; {config.learning_rate:g} is above it."
            if plain
            else ""
        )
        return Verdict(
            "diverging",
            "Diverging: each step lands further from the bottom, on the other side. "
            f"The ball started {written(d[0], 3)} "
            f"from the bottom of {which} and is {written(d[-1], 3)} from it after {steps} steps.{hint}",
        )
    if flips >= 2:
        return Verdict(
            "oscillating",
            f"Oscillating: the ball zig-zags across {which} and is still {written(d[-1], 3)} from its bottom "
            f"after {steps} steps.",
        )
    share = 1 - d[-1] / d[0]
    if share < 0.9:
        return Verdict(
            "crawling",
            f"Crawling: after {steps} steps the ball has covered {100 * share:.0f}% of the way to the bottom of "
            f"{which}, with {written(d[-1], 3)} still to go. Raise the learning rate or take more steps.",
        )
    return Verdict(
        "converging",
        f"Converging: the ball rolls down into {which}, {written(d[-1], 3)} from its bottom after {steps} steps; more "
        "steps would get it within "
        f"{tol:g}.",
    )


MODEL = Model("curve", CurveConfig)  # no data set to fit, no script, no command line: its page rolls it (roll)
