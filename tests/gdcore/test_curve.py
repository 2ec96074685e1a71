"""The ball on the hill (gdcore.curve): each curve's derivatives against finite differences, its valleys
against a dense grid, every roll against a loop written here, and the drops' valley counts against a
loop written here, with its own way of telling the valleys apart."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gdcore import curve
from gdcore.curve import CurveConfig, ball_verdict

# The curves, written out again from their formulas (not imported), for the loops below.
FORMULAS = {
    "bowl": lambda w: (w - 2.0) ** 2,
    "bumpy": lambda w: w**2 / 10 + math.sin(2 * w) / 2 + 0.5,
}
W = np.linspace(-7.5, 7.5, 61)  # (61,) points to check at, beyond the hill on screen too


def central(f, w: float, h: float = 1e-5) -> float:
    return (f(w + h) - f(w - h)) / (2 * h)


@pytest.mark.parametrize("name", curve.CURVES)
def test_the_curve_is_its_formula(name: str) -> None:
    np.testing.assert_allclose(curve.loss(name, W), [FORMULAS[name](w) for w in W], rtol=1e-14, atol=1e-14)


@pytest.mark.parametrize("name", curve.CURVES)
def test_slope_and_bend_match_finite_differences(name: str) -> None:
    f = FORMULAS[name]
    slopes = [central(f, w) for w in W]
    np.testing.assert_allclose(curve.slope(name, W), slopes, rtol=1e-7, atol=1e-7)
    bends = [central(lambda v: central(f, v, 1e-6), w, 1e-4) for w in W]
    np.testing.assert_allclose(curve.bend(name, W), bends, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("name", curve.CURVES)
def test_valleys_and_ridges_are_the_local_minima_and_maxima_of_a_dense_grid(name: str) -> None:
    w = np.linspace(curve.LOW, curve.HIGH, 1_200_001)  # (1.2M,) spacing 1e-5
    y = np.array(FORMULAS[name](w)) if name == "bowl" else w**2 / 10 + np.sin(2 * w) / 2 + 0.5
    inner = y[1:-1]
    lows = w[1:-1][(inner < y[:-2]) & (inner < y[2:])]
    highs = w[1:-1][(inner > y[:-2]) & (inner > y[2:])]
    bottoms, ridges = curve.turning_points(name)
    np.testing.assert_allclose(bottoms, lows, atol=2e-5)
    np.testing.assert_allclose(ridges, highs, atol=2e-5)
    assert curve.bottom(name) == pytest.approx(w[np.argmin(y)], abs=2e-5)
    assert len(bottoms) == (1 if name == "bowl" else 4)


def loop(name: str, start: float, rates: list[float], optimizer: str = "gd", mu: float = 0.9) -> list[float]:
    """The roll, written out: w <- w - lr * slope (plain), or v = mu * v + slope, w <- w - lr * v (momentum)."""
    f = FORMULAS[name]
    w, v, ws = start, 0.0, [start]
    for lr in rates:
        g = central(f, w, 1e-6)  # the slope by finite differences, independent of gdcore's formula
        if optimizer == "momentum":
            v = mu * v + g
            w = w - lr * v
        else:
            w = w - lr * g
        ws.append(w)
    return ws


@pytest.mark.parametrize(
    ("name", "start", "lr", "optimizer"),
    [("bowl", 5.5, 0.1, "gd"), ("bowl", -3.0, 0.9, "gd"), ("bumpy", 5.5, 0.1, "gd"), ("bumpy", 5.5, 0.1, "momentum")],
)
def test_a_roll_equals_the_loop(name: str, start: float, lr: float, optimizer: str) -> None:
    config = CurveConfig(curve=name, start=start, learning_rate=lr, epochs=30, optimizer=optimizer)
    run = curve.roll(config)
    np.testing.assert_allclose(curve.path(run), loop(name, start, [lr] * 30, optimizer), rtol=1e-7, atol=1e-7)
    assert [r.learning_rate for r in run.records] == [lr] * 30
    for r in run.records:  # each record's own arithmetic, for plain steps
        if optimizer == "gd":
            assert r.new[0] == pytest.approx(r.current[0] - r.learning_rate * r.gradient[0], rel=1e-15, abs=1e-15)


def test_a_schedule_sets_each_steps_rate() -> None:
    config = CurveConfig(learning_rate=0.3, epochs=12, schedule="step", gamma=0.5, every=4, warmup=2)
    run = curve.roll(config)
    rates = [0.3 * 0.5 ** ((t - 1) // 4) * (t / 2 if t <= 2 else 1) for t in range(1, 13)]
    assert [r.learning_rate for r in run.records] == pytest.approx(rates, rel=1e-15)
    np.testing.assert_allclose(curve.path(run), loop("bowl", 5.5, rates), rtol=1e-7)


def test_momentum_rolls_through_the_shallow_dip_where_plain_descent_stops() -> None:
    plain = CurveConfig(curve="bumpy", start=5.5, learning_rate=0.1, epochs=60)
    heavy = CurveConfig(curve="bumpy", start=5.5, learning_rate=0.1, epochs=60, optimizer="momentum")
    bottoms, _ = curve.turning_points("bumpy")
    assert curve.roll(plain).final[0] == pytest.approx(bottoms[3], abs=0.01)  # stuck in the dent at w = 4.84
    assert curve.valley("bumpy", curve.roll(plain).final[0]) == 3
    assert curve.valley("bumpy", curve.roll(heavy).final[0]) != 3


def test_steps_to_the_bottom_on_the_bowl_follow_the_factor() -> None:
    # Each plain step multiplies the distance to w = 2 by (1 - 2 lr): from 3.5 away, the first step k
    # with 3.5 * |1 - 2 lr|^k <= tol is where the ball arrives (and stays, since |1 - 2 lr| < 1).
    for lr in (0.05, 0.1, 0.4, 0.7, 0.9):
        config = CurveConfig(start=5.5, learning_rate=lr, epochs=500, tolerance=0.01)
        expected = next(k for k in range(501) if 3.5 * abs(1 - 2 * lr) ** k <= 0.01)
        assert curve.steps_to_bottom(curve.roll(config), "bowl", 0.01) == expected
    assert curve.steps_to_bottom(curve.roll(CurveConfig(learning_rate=1.05)), "bowl", 0.01) is None


def test_drops_end_in_the_valleys_a_loop_finds() -> None:
    config = CurveConfig(curve="bumpy", drops=40, seed=3, learning_rate=0.1, epochs=60)
    starts = np.random.default_rng(3).uniform(-6.0, 6.0, size=40)  # as the docstring of drop_starts says
    # Valleys told apart here by rolling each end a long way further with tiny steps, then rounding.
    counts: dict[float, int] = {}
    for w0 in starts:
        end = loop("bumpy", float(w0), [0.1] * 60)[-1]
        settled = round(loop("bumpy", end, [0.01] * 5000)[-1], 2)
        counts[settled] = counts.get(settled, 0) + 1
    drops = curve.drop_all(config)
    assert [d.start for d in drops] == pytest.approx(list(starts), rel=1e-15)
    bottoms, _ = curve.turning_points("bumpy")
    found = {round(bottoms[v], 2): sum(d.valley == v for d in drops) for v in range(4)}
    assert {w: n for w, n in found.items() if n} == counts
    assert sum(counts.values()) == 40


@pytest.mark.parametrize(
    ("lr", "epochs", "kind"),
    [
        (0.02, 30, "crawling"),  # distance × 0.96 a step: 29% left after 30
        (0.4, 30, "converging"),  # × 0.2 a step
        (0.9, 60, "oscillating"),  # × -0.8: from side to side, settling
        (1.0, 30, "oscillating"),  # × -1: bouncing forever between 5.5 and -1.5
        (1.05, 30, "diverging"),  # × -1.1: further each time
        (100.0, 500, "diverged"),  # × -199: overflows, and the run stops
    ],
)
def test_the_verdict_names_what_the_ball_does_on_the_bowl(lr: float, epochs: int, kind: str) -> None:
    config = CurveConfig(learning_rate=lr, epochs=epochs)
    verdict = ball_verdict(config, curve.roll(config))
    assert verdict.kind == kind, verdict.sentence
    assert "nan" not in verdict.sentence.lower() and "inf" not in verdict.sentence.lower()


def test_the_verdict_names_a_valley_that_is_not_the_deepest() -> None:
    config = CurveConfig(curve="bumpy", start=5.5, learning_rate=0.1, epochs=200)
    verdict = ball_verdict(config, curve.roll(config))
    assert verdict.kind == "converging"
    assert "not the deepest" in verdict.sentence and "−0.714" in verdict.sentence


@pytest.mark.parametrize("bad", [{"curve": "hill"}, {"start": 21.0}, {"learning_rate": 0.0}, {"epochs": 0}])
def test_bad_settings_are_refused_with_the_setting_named(bad: dict) -> None:
    with pytest.raises(ValueError, match=r"the (curve|starting point|learning rate|number of steps) must be"):
        CurveConfig(**bad)
