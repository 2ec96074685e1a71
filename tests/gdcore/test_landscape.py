"""The landscape grid from a few sums against the loss summed row by row in the test, and its helpers."""

from __future__ import annotations

import numpy as np
import pytest

from gdcore import landscape, line


def direct_loss(slope: float, intercept: float, x: np.ndarray, y: np.ndarray, kind: str) -> float:
    """The loss summed over the rows, written out here: sum((y - (slope * x + intercept))**2), / n for the mean."""
    errors = y - (slope * x + intercept)  # (n,)
    total = float(np.sum(errors * errors))
    return total / len(x) if kind == "mse" else total


def data_sets() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(20261124)
    x = rng.normal(3.0, 0.8, 300)
    far_x = 1e6 + rng.normal(0.0, 3.0, 2000)  # large and close together: the raw sums would cancel
    return {
        "noisy line": (x, 4000.0 * x + 20000.0 + rng.normal(0.0, 5000.0, 300)),
        "uniform, negative slope": (u := rng.uniform(-50, 50, 77), -0.3 * u + rng.normal(0.0, 2.0, 77)),
        "large and close together": (far_x, 1e9 + 40.0 * (far_x - 1e6) + rng.normal(0.0, 500.0, 2000)),
        "three rows": (np.array([1.0, 2.0, 4.0]), np.array([2.0, 1.0, 7.0])),
    }


@pytest.mark.parametrize("kind", ["sse", "mse"])
@pytest.mark.parametrize("name", list(data_sets()))
def test_grid_from_sums_matches_the_sum_over_rows(name: str, kind: str) -> None:
    x, y = data_sets()[name]
    slope, intercept = np.polyfit(x, y, 1)  # the bottom, from numpy, to centre the grid on it
    spread = abs(slope) + 1.0
    slopes = slope + spread * np.linspace(-2.0, 3.0, 7)  # (7,)
    # Intercepts around the bottom, in steps that keep the lines near the data (errors not all cancelling).
    intercepts = intercept + np.linspace(-3.0, 2.0, 5) * (np.std(y) + 1.0)  # (5,)
    b = line.bowl(x, y)
    grid = landscape.loss_grid(slopes, intercepts, b, kind)
    assert grid.shape == (5, 7)
    for i, c in enumerate(intercepts):
        for j, s in enumerate(slopes):
            assert grid[i, j] == pytest.approx(direct_loss(s, c, x, y, kind), rel=1e-9, abs=0)


def test_grid_near_the_bottom_of_large_close_values() -> None:
    # Lines close to the best one, where the loss is mostly the least possible: the sums must not lose it.
    x, y = data_sets()["large and close together"]
    slope, intercept = np.polyfit(x - 1e6, y, 1)
    intercept -= slope * 1e6  # back to the raw x
    b = line.bowl(x, y)
    for ds, dc in [(0.0, 0.0), (0.01, 0.0), (0.0, 100.0), (-0.02, 20000.0)]:
        s, c = slope + ds, intercept + dc
        got = landscape.loss_grid(np.array([s]), np.array([c]), b, "sse")[0, 0]
        assert got == pytest.approx(direct_loss(s, c, x, y, "sse"), rel=1e-9, abs=0)


def test_grid_overflows_to_inf_without_a_warning() -> None:
    b = line.bowl(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 2.0]))
    grid = landscape.loss_grid(np.array([0.0, 1e200]), np.array([0.0, 1e200]), b)
    assert np.isfinite(grid[0, 0]) and np.isinf(grid[1, 1])


def test_standardized_line_is_the_same_line() -> None:
    rng = np.random.default_rng(3)
    x, y = rng.normal(3, 0.7, 50), rng.normal(68000, 26000, 50)
    params = (13000.0, 28000.0)
    xs = (x - x.mean()) / x.std()
    slope_s, intercept_s = landscape.standardized_line(params, x.mean(), x.std(), y.mean(), y.std())
    # The standardized line's predictions, turned back into dollars, are the raw line's predictions.
    np.testing.assert_allclose((slope_s * xs + intercept_s) * y.std() + y.mean(), params[0] * x + params[1], rtol=1e-12)


def test_curvatures_are_the_hessians_eigenvalues() -> None:
    x = np.array([1.0, 2.0, 3.0, 6.0])
    b = line.bowl(x, 2.0 * x)
    hessian = 2.0 * np.array([[x @ x, x.sum()], [x.sum(), len(x)]])  # written out here
    trace, det = np.trace(hessian), np.linalg.det(hessian)
    low, high = (trace - np.sqrt(trace**2 - 4 * det)) / 2, (trace + np.sqrt(trace**2 - 4 * det)) / 2
    assert landscape.curvatures(b) == pytest.approx((low, high), rel=1e-12)
    assert landscape.curvatures(b, "mse") == pytest.approx((low / len(x), high / len(x)), rel=1e-12)


def test_epochs_within() -> None:
    assert landscape.epochs_within([5.0, 2.0, 1.05, 1.0005], best=1.0, tolerance=1e-3) == 3
    assert landscape.epochs_within([5.0, 2.0, 1.05], best=1.0, tolerance=1e-3) is None
    assert landscape.epochs_within([1.0, 5.0], best=1.0, tolerance=1e-3) == 0
    assert landscape.epochs_within([np.inf, np.nan], best=1.0, tolerance=1e-3) is None


def test_frame_holds_the_points_with_padding() -> None:
    points = np.array([[0.0, 10.0], [4.0, 30.0], [1.0, 20.0]])
    (s0, s1), (c0, c1) = landscape.frame(points, pad=0.25)
    assert (s0, s1) == pytest.approx((-1.0, 5.0)) and (c0, c1) == pytest.approx((5.0, 35.0))
    (s0, s1), (c0, c1) = landscape.frame(points, pad=0.0, square=True)
    assert s1 - s0 == pytest.approx(20.0) and c1 - c0 == pytest.approx(20.0)
    (s0, s1), _ = landscape.frame(np.array([[2.0, 0.0]]), pad=0.0)  # one point: a span all the same
    assert s0 < 2.0 < s1


def test_fog_clears_round_patches_around_visited_points() -> None:
    slopes, intercepts = np.linspace(0, 10, 11), np.linspace(0, 100, 21)
    hidden = landscape.fog(slopes, intercepts, np.array([[5.0, 50.0]]), radius=0.105)
    assert hidden.shape == (21, 11)
    for i, c in enumerate(intercepts):
        for j, s in enumerate(slopes):
            inside = ((s - 5.0) / 10) ** 2 + ((c - 50.0) / 100) ** 2 <= 0.105**2
            assert hidden[i, j] == (not inside)


def test_cleared_at_gives_the_fog_after_every_number_of_points_at_once() -> None:
    """cleared_at(...) > j is the fog after the first j + 1 points, fog() asked anew for each j (the earliest point
    to clear a cell names it, and a cell no point clears stays in the fog at every j)."""
    rng = np.random.default_rng(3)
    slopes, intercepts = np.linspace(-2.0, 3.0, 41), np.linspace(-1.0, 1.0, 33)
    points = np.column_stack([rng.uniform(-2, 3, 25), rng.uniform(-1, 1, 25)])  # (25, 2)
    first = landscape.cleared_at(slopes, intercepts, points, 0.1)
    assert first.shape == (33, 41)
    for j in range(len(points)):
        assert np.array_equal(first > j, landscape.fog(slopes, intercepts, points[: j + 1], 0.1)), j
    assert (first == len(points)).any()  # somewhere no point reached
