"""gdcore.line checked against finite differences, numpy.linalg, statistics and scikit-learn."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from gdcore import line

LOSSES = ("sse", "mse")


def reference_loss(params, x: np.ndarray, y: np.ndarray, kind: str) -> float:
    """The loss as a learner would write it: the sum or the mean of (y - (slope*x + intercept))**2."""
    slope, intercept = params
    squared = (y - (slope * x + intercept)) ** 2  # (n,)
    return float(np.sum(squared) if kind == "sse" else np.mean(squared))


def central_difference(f, point, steps) -> np.ndarray:
    """(f(p + h_i e_i) - f(p - h_i e_i)) / (2 h_i) for each coordinate i, stacked on the last axis.

    For a scalar f this is the gradient, shape (2,); for a vector f, the Jacobian J[j, i] = df_j/dp_i.
    Every loss here is a quadratic, so the only error is rounding: there is no truncation error.
    """
    point = np.asarray(point, dtype=float)
    columns = []
    for i, h in enumerate(steps):
        step = np.zeros_like(point)
        step[i] = h
        columns.append((np.asarray(f(point + step)) - np.asarray(f(point - step))) / (2 * h))
    return np.stack(columns, axis=-1)


def assert_near(got, want, rtol: float, atol) -> None:
    """|got - want| <= atol + rtol * |want| elementwise; atol may differ per parameter."""
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    ok = np.abs(got - want) <= np.asarray(atol) + rtol * np.abs(want)
    assert np.all(ok), f"got {got!r}, want {want!r} (rtol {rtol}, atol {atol!r})"


def typical_scale(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """How big a slope and an intercept are for this data: (std(y) / std(x), std(y))."""
    return np.array([y.std() / x.std(), y.std()])


def random_points(x: np.ndarray, y: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` (slope, intercept) pairs scattered around the least-squares line, shape (count, 2)."""
    rng = np.random.default_rng(seed)
    centre = np.polyfit(x, y, 1)  # (slope, intercept), computed without gdcore
    return centre + typical_scale(x, y) * rng.normal(size=(count, 2))  # (count, 2)


def hessian_max_eigenvalue(x: np.ndarray, kind: str) -> float:
    """Largest eigenvalue of H = 2 A^T A / (n or 1), A = [x, 1], by the 2x2 closed form (no eigvalsh)."""
    a = np.column_stack([x, np.ones_like(x)])  # (n, 2)
    (p, q), (_, r) = 2.0 * a.T @ a / (len(x) if kind == "mse" else 1)
    return (p + r) / 2 + math.hypot((p - r) / 2, q)


def descent_losses(x, y, kind: str, lr: float, epochs: int, start) -> tuple[np.ndarray, np.ndarray]:
    """A plain gradient-descent loop; returns the loss at the start of every epoch and the last point."""
    n = len(x) if kind == "mse" else 1
    p = np.array(start, dtype=float)
    losses = []
    for _ in range(epochs):
        e = y - (p[0] * x + p[1])  # (n,)
        losses.append(e @ e / n)
        p = p - lr * np.array([-2.0 * (x @ e), -2.0 * e.sum()]) / n
    return np.array(losses), p


def make_xy(name: str, windsor) -> tuple[np.ndarray, np.ndarray]:
    x, y = windsor
    if name == "windsor standardized":
        return (x - x.mean()) / x.std(ddof=0), (y - y.mean()) / y.std(ddof=0)
    if name == "synthetic":
        rng = np.random.default_rng(20240611)
        x = rng.uniform(-3.0, 7.0, size=12)
        return x, 2.5 * x - 4.0 + rng.normal(0.0, 1.5, size=12)  # (12,)
    return x, y


@pytest.fixture(params=["windsor raw", "windsor standardized", "synthetic"])
def xy(request, windsor) -> tuple[np.ndarray, np.ndarray]:
    return make_xy(request.param, windsor)


@pytest.mark.parametrize("kind", LOSSES)
def test_loss_matches_the_reference_formula(xy, kind):
    x, y = xy
    for point in random_points(x, y, count=5, seed=0):
        assert line.loss(point, x, y, kind) == pytest.approx(reference_loss(point, x, y, kind), rel=1e-12)


@pytest.mark.parametrize("kind", LOSSES)
def test_loss_grad_matches_central_differences(xy, kind):
    x, y = xy
    steps = 1e-3 * typical_scale(x, y)
    for point in random_points(x, y, count=5, seed=1):
        numeric = central_difference(lambda p: reference_loss(p, x, y, kind), point, steps)
        got = line.loss_grad(point, x, y, kind)
        np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-9 * np.abs(numeric).max())
        if kind == "sse":
            np.testing.assert_allclose(line.sse_grad(point, x, y), numeric, rtol=1e-6)


@pytest.mark.parametrize("kind", LOSSES)
def test_hessian_matches_differences_of_the_gradient(xy, kind):
    x, y = xy
    expected_max = hessian_max_eigenvalue(x, kind)
    for point in random_points(x, y, count=3, seed=2):
        # The gradient is linear in the parameters, so any step size is exact up to rounding.
        numeric = central_difference(lambda p: line.loss_grad(p, x, y, kind), point, typical_scale(x, y))
        np.testing.assert_allclose(line.hessian(x, kind), numeric, rtol=1e-7, atol=1e-9 * expected_max)


@pytest.mark.parametrize("kind", LOSSES)
def test_max_stable_lr_is_two_over_the_largest_curvature(xy, kind):
    x, _ = xy
    assert line.max_stable_lr(x, kind) == pytest.approx(2.0 / hessian_max_eigenvalue(x, kind), rel=1e-10)


@pytest.mark.parametrize("kind", LOSSES)
def test_just_below_max_stable_lr_converges(xy, kind):
    x, y = xy
    start = random_points(x, y, count=1, seed=3)[0]
    losses, final = descent_losses(x, y, kind, 0.99 * line.max_stable_lr(x, kind), 4000, start)
    assert np.all(np.diff(losses) <= 1e-12 * losses[0]), "the loss went up at some epoch"
    assert_near(final, np.polyfit(x, y, 1), rtol=1e-6, atol=1e-9 * typical_scale(x, y))


@pytest.mark.parametrize("kind", LOSSES)
def test_just_above_max_stable_lr_grows(xy, kind):
    x, y = xy
    start = random_points(x, y, count=1, seed=4)[0]
    losses, _ = descent_losses(x, y, kind, 1.01 * line.max_stable_lr(x, kind), 1500, start)
    assert np.all(np.isfinite(losses))
    assert np.all(np.diff(losses[-500:]) > 0), "the loss should rise at every late epoch"
    assert losses[-1] > 1e6 * losses[0]


@pytest.mark.parametrize("kind", LOSSES)
def test_contraction_factors_are_one_minus_lr_times_curvature(xy, kind):
    x, _ = xy
    lr = 0.7 * line.max_stable_lr(x, kind)
    eigenvalues = np.sort(np.linalg.eigvals(line.hessian(x, kind)).real)
    assert line.contraction(x, kind, lr) == pytest.approx(tuple(1.0 - lr * eigenvalues), rel=1e-9, abs=1e-12)


def test_least_squares_matches_lstsq_and_sklearn(xy):
    x, y = xy
    got = np.array(line.least_squares(x, y))
    atol = 1e-9 * typical_scale(x, y)  # the standardized intercept is 0: no relative tolerance there
    a = np.column_stack([x, np.ones_like(x)])  # (n, 2)
    lstsq, *_ = np.linalg.lstsq(a, y, rcond=None)
    assert_near(got, lstsq, rtol=1e-9, atol=atol)
    model = LinearRegression().fit(x.reshape(-1, 1), y)
    assert_near(got, [model.coef_[0], model.intercept_], rtol=1e-9, atol=atol)


def slope_derivative(x, y, slope: float, intercept: float, step: float) -> float:
    """dSSE/dslope at (slope, intercept) by a central difference; exact for a quadratic up to rounding."""
    return central_difference(lambda s: reference_loss((s[0], intercept), x, y, "sse"), [slope], [step])[0]


def test_best_slope_zeroes_the_slope_derivative(xy):
    x, y = xy
    step = typical_scale(x, y)[0]
    rng = np.random.default_rng(5)
    for intercept in y.mean() + y.std() * rng.normal(size=4):
        best = line.best_slope(x, y, intercept)
        # Zero compared with the derivative one typical slope away from it.
        assert abs(slope_derivative(x, y, best, intercept, step)) <= 1e-6 * abs(
            slope_derivative(x, y, best + step, intercept, step)
        )
        (alone,), *_ = np.linalg.lstsq(x[:, None], y - intercept, rcond=None)  # the slope-only fit
        assert best == pytest.approx(alone, rel=1e-9)


def test_standardize_uses_the_population_std():
    scaled, mean, std = line.standardize(np.array([1.0, 2.0, 3.0, 4.0]))
    # By hand: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; ddof=0 gives 5/4,
    # ddof=1 would give 5/3.
    assert mean == 2.5
    assert std == pytest.approx(math.sqrt(5 / 4), rel=1e-15)
    np.testing.assert_allclose(scaled, np.array([-1.5, -0.5, 0.5, 1.5]) / math.sqrt(5 / 4), rtol=1e-15)


def test_standardize_on_windsor_matches_statistics(windsor):
    for values in windsor:
        scaled, mean, std = line.standardize(values)
        assert mean == pytest.approx(statistics.fmean(values), rel=1e-12)
        assert std == pytest.approx(statistics.pstdev(values.tolist()), rel=1e-12)
        assert np.mean(scaled) == pytest.approx(0.0, abs=1e-12)
        assert statistics.pstdev(scaled.tolist()) == pytest.approx(1.0, rel=1e-12)


@pytest.mark.parametrize("name", ["windsor raw", "synthetic"])
def test_unscale_maps_a_standardized_fit_to_the_raw_least_squares_line(name, windsor):
    x, y = make_xy(name, windsor)
    x_mean, x_std, y_mean, y_std = x.mean(), x.std(ddof=0), y.mean(), y.std(ddof=0)
    xs, ys = (x - x_mean) / x_std, (y - y_mean) / y_std
    scaled = LinearRegression().fit(xs.reshape(-1, 1), ys)
    raw = LinearRegression().fit(x.reshape(-1, 1), y)
    got = line.unscale((scaled.coef_[0], scaled.intercept_), x_mean, x_std, y_mean, y_std)
    np.testing.assert_allclose(got, [raw.coef_[0], raw.intercept_], rtol=1e-9)


def test_predict_and_errors_by_hand():
    x = np.array([0.0, 1.0, 2.0])
    np.testing.assert_array_equal(line.predict((2.0, 1.0), x), [1.0, 3.0, 5.0])
    np.testing.assert_array_equal(line.errors((2.0, 1.0), x, np.array([1.0, 4.0, 4.0])), [0.0, 1.0, -1.0])
    # SSE = 0 + 1 + 1 = 2, MSE = 2 / 3.
    assert line.loss((2.0, 1.0), x, np.array([1.0, 4.0, 4.0]), "sse") == 2.0
    assert line.loss((2.0, 1.0), x, np.array([1.0, 4.0, 4.0]), "mse") == pytest.approx(2 / 3, rel=1e-15)


def test_loss_along_slope_is_the_loss_at_each_slope(windsor):
    x, y = windsor
    slopes = np.linspace(-20_000.0, 40_000.0, 7)
    for kind in ("sse", "mse"):
        # One slope at a time, written out here.
        expected = [np.sum((y - (s * x + 5_000.0)) ** 2) / (len(x) if kind == "mse" else 1) for s in slopes]
        np.testing.assert_allclose(line.loss_along_slope(slopes, 5_000.0, x, y, kind), expected, rtol=1e-12)


# --- The bowl: the loss on every row from a few sums ---------------------------------------------


def fsum_sse_and_grad(params, x, y) -> tuple[float, float, float]:
    """SSE and its gradient added up row by row with math.fsum (exactly rounded sums), as the reference."""
    slope, intercept = params
    e = [yi - (slope * xi + intercept) for xi, yi in zip(x.tolist(), y.tolist())]
    return (
        math.fsum(ei * ei for ei in e),
        -2.0 * math.fsum(xi * ei for xi, ei in zip(x.tolist(), e)),
        -2.0 * math.fsum(e),
    )


@pytest.mark.parametrize("params", [(0.0, 0.0), (1e4, 2e4), (-3.5e4, 1e6), (4_000.0, 40_000.0)])
def test_the_bowl_gives_the_loss_and_gradient_of_every_row(windsor, params):
    x, y = windsor
    b = line.bowl(x, y)
    sse, d_slope, d_intercept = fsum_sse_and_grad(params, x, y)
    assert float(line.bowl_sse(params, b)) == pytest.approx(sse, rel=1e-12)
    got = line.bowl_sse_grad(params, b)
    scale = 2 * math.fsum(abs(xi) * abs(yi - params[0] * xi - params[1]) for xi, yi in zip(x, y))  # sum of |terms|
    assert got[0] == pytest.approx(d_slope, rel=1e-12, abs=1e-12 * scale)
    assert got[1] == pytest.approx(d_intercept, rel=1e-12, abs=1e-12 * scale)
    assert float(line.bowl_loss(params, b, "mse")) == pytest.approx(sse / len(x), rel=1e-12)


def test_the_bowl_keeps_its_precision_far_from_zero_and_near_the_bottom():
    # x a million plus a little, y a near-perfect line: direct sums of large numbers lose digits here.
    rng = np.random.default_rng(7)
    x = 1e6 + rng.normal(0, 1, size=20_000)
    y = 3.0 * x - 2e6 + rng.normal(0, 1e-3, size=20_000)
    b = line.bowl(x, y)
    best = (b.best_slope, b.y_mean - b.best_slope * b.x_mean)
    sse, _, d_intercept = fsum_sse_and_grad(best, x, y)
    assert float(line.bowl_sse(best, b)) == pytest.approx(sse, rel=1e-6)  # about 0.02: the noise, not rounding
    assert abs(line.bowl_sse_grad(best, b)[1]) <= 1e-6 * abs(d_intercept) + 1e-6


def test_the_loss_along_the_slope_from_the_bowl_matches_the_direct_curve(windsor):
    x, y = windsor
    slopes = np.linspace(-5e4, 8e4, 201)
    direct = line.loss_along_slope(slopes, 2e4, x, y, "mse")  # (201, n) built row by row
    np.testing.assert_allclose(line.bowl_loss((slopes, 2e4), line.bowl(x, y), "mse"), direct, rtol=1e-12)


def test_a_bowl_that_overflows_gives_inf_not_an_exception(windsor):
    b = line.bowl(*windsor)
    with np.errstate(all="ignore"):
        assert np.isinf(line.bowl_sse((1e200, 0.0), b)) and not np.isfinite(line.bowl_sse_grad((1e307, 1e307), b)).all()


def test_the_bowl_s_bottom_is_scikit_learn_s_line_and_its_hessian_the_rows(windsor):
    x, y = windsor
    b = line.bowl(x, y)
    model = LinearRegression().fit(x.reshape(-1, 1), y)
    slope, intercept = line.bowl_bottom(b)
    assert slope == pytest.approx(model.coef_[0], rel=1e-10)
    assert intercept == pytest.approx(model.intercept_, rel=1e-10)
    for kind in ("sse", "mse"):
        by_rows = 2.0 * np.array([[np.sum(x * x), np.sum(x)], [np.sum(x), len(x)]]) / (len(x) if kind == "mse" else 1)
        np.testing.assert_allclose(line.bowl_hessian(b, kind), by_rows, rtol=1e-12)


def test_the_largest_stable_rate_and_the_contraction_read_the_same_from_the_rows_or_the_sums(windsor):
    x, y = windsor
    b = line.bowl(x, y)
    for kind in ("sse", "mse"):
        assert line.max_stable_lr(b, kind) == pytest.approx(line.max_stable_lr(x, kind), rel=1e-12)
        lr = 0.3 * line.max_stable_lr(x, kind)  # not 0.5: the steep factor would be 0, pure rounding
        np.testing.assert_allclose(line.contraction(b, kind, lr), line.contraction(x, kind, lr), rtol=1e-12)
