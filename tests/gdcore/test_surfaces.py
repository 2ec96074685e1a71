"""The race's surfaces: each gradient against central finite differences, the house bowl against the
mean squared error summed house by house, the contour grid against a loop over its points."""

from __future__ import annotations

import numpy as np
import pytest

from gdcore import line
from gdcore.surfaces import SURFACES, house_surface, named_surface

POINTS = [(-1.3, 0.7), (0.4, -1.9), (1.1, 1.05), (2.0, -0.3), (-0.2, 0.01)]
H = 1e-6  # finite-difference step: central differences are accurate to about H^2 * third derivative


def standardized(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) / v.std(ddof=0)


@pytest.fixture(scope="module")
def house(windsor):
    x, y = windsor
    return house_surface(line.bowl(standardized(x), standardized(y)))


def every_surface(house):
    return [house] + [named_surface(name) for name in SURFACES if name != "house"]


def test_every_surface_is_offered(house):
    assert [s.name for s in every_surface(house)] == list(SURFACES)


def test_gradients_match_central_differences(house):
    for surface in every_surface(house):
        for x, y in POINTS:
            dx = (surface.loss(x + H, y) - surface.loss(x - H, y)) / (2 * H)
            dy = (surface.loss(x, y + H) - surface.loss(x, y - H)) / (2 * H)
            gx, gy = surface.grad(x, y)
            scale = max(1.0, abs(gx), abs(gy))
            assert gx == pytest.approx(dx, abs=1e-6 * scale), (surface.name, x, y)
            assert gy == pytest.approx(dy, abs=1e-6 * scale), (surface.name, x, y)


def test_house_loss_is_the_mean_squared_error_house_by_house(house, windsor):
    xs, ys = standardized(windsor[0]), standardized(windsor[1])
    for slope, intercept in POINTS:
        direct = sum((yi - (slope * xi + intercept)) ** 2 for xi, yi in zip(xs, ys)) / len(xs)
        assert house.loss(slope, intercept) == pytest.approx(direct, rel=1e-12)


def test_minima_are_flat_and_lowest(house, windsor):
    slope, intercept = np.polyfit(standardized(windsor[0]), standardized(windsor[1]), 1)
    assert house.minimum == pytest.approx((slope, intercept), abs=1e-12)
    for surface in every_surface(house):
        if surface.minimum is None:
            assert surface.name == "saddle" and surface.min_loss is None
            continue
        assert np.allclose(surface.grad(*surface.minimum), 0.0, atol=1e-12), surface.name
        xs, ys, z = surface.grid(61)
        assert surface.min_loss <= z.min() + 1e-12, surface.name


def test_the_saddle_falls_for_ever_away_from_y_zero():
    saddle = named_surface("saddle")
    assert saddle.loss(0.0, 10.0) < saddle.loss(0.0, 1.0) < saddle.loss(0.0, 0.0) < saddle.loss(1.0, 0.0)


def test_grid_is_the_loss_at_each_point(house):
    for surface in every_surface(house):
        xs, ys, z = surface.grid(7)
        assert xs[0] == surface.x_range[0] and xs[-1] == surface.x_range[1]
        assert ys[0] == surface.y_range[0] and ys[-1] == surface.y_range[1]
        assert z.shape == (7, 7)
        for i in range(7):
            for j in range(7):
                assert z[i, j] == pytest.approx(float(surface.loss(float(xs[j]), float(ys[i]))), rel=1e-12, abs=1e-15)


def test_start_is_inside_the_plot_and_not_the_minimum(house):
    for surface in every_surface(house):
        (x0, y0), (xlo, xhi), (ylo, yhi) = surface.start, surface.x_range, surface.y_range
        assert xlo < x0 < xhi and ylo < y0 < yhi, surface.name
        assert surface.start != surface.minimum


def test_huge_numbers_do_not_raise():
    # Python floats raise OverflowError on x ** 2 when it overflows; the surfaces multiply instead.
    with np.errstate(all="ignore"):
        for name in ("valley", "rosenbrock", "saddle", "plateau"):
            surface = named_surface(name)
            surface.loss(1e200, -1e200)
            surface.loss_and_grad(np.array([1e200, -1e200]))


def test_unknown_surface_is_named():
    with pytest.raises(ValueError, match="no surface named"):
        named_surface("volcano")
