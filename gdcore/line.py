"""The straight line `prediction = slope * x + intercept` and its squared-error loss.

params is always the pair (slope, intercept); x and y have shape (n,).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PARAMETERS = ("slope", "intercept")
LOSSES = ("sse", "mse")


def predict(params, x: np.ndarray) -> np.ndarray:
    """prediction = slope * x + intercept, shape (n,)."""
    slope, intercept = params
    return slope * x + intercept


def errors(params, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Step 1, subtract: error = actual - predicted, shape (n,)."""
    return y - predict(params, x)


def sse(params, x: np.ndarray, y: np.ndarray) -> float:
    """Steps 2 and 3, square and add up: SSE = sum((y - (slope*x + intercept))**2)."""
    e = errors(params, x, y)
    return float(e @ e)


def sse_grad(params, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """[dSSE/dslope, dSSE/dintercept] = [-2 * sum(x * e), -2 * sum(e)], with e = y - prediction."""
    e = errors(params, x, y)
    return np.array([-2.0 * (x @ e), -2.0 * e.sum()])


def loss(params, x: np.ndarray, y: np.ndarray, kind: str = "sse") -> float:
    """The sum ("sse") or the mean ("mse" = SSE / n) of squared errors."""
    return sse(params, x, y) / (len(x) if kind == "mse" else 1)


def loss_grad(params, x: np.ndarray, y: np.ndarray, kind: str = "sse") -> np.ndarray:
    """Gradient of `loss` with respect to (slope, intercept), shape (2,)."""
    return sse_grad(params, x, y) / (len(x) if kind == "mse" else 1)


@dataclass(frozen=True)
class Bowl:
    """The loss of every line on one data set, from a few sums computed once.

    With u = x - mean(x) and the line's error at the mean x, c = intercept + slope * mean(x) - mean(y):

        SSE = least + uu * (slope - best_slope)**2 + n * c**2

    the least possible SSE, plus how far the slope is from its best, squared, times uu = sum(u**2),
    plus n times the error at the mean, squared. Every term is >= 0, so nothing cancels near the
    bottom, and each epoch costs the same for 546 rows as for a million.
    """

    n: int
    x_mean: float
    y_mean: float
    uu: float  # sum((x - mean(x))**2)
    best_slope: float  # sum(u * v) / uu, with v = y - mean(y)
    least: float  # sum((v - best_slope * u)**2): the SSE of the best line


def bowl(x: np.ndarray, y: np.ndarray) -> Bowl:
    """The sums of x (n,) and y (n,) that the loss needs, from centered values so precision holds."""
    x_mean, y_mean = float(x.mean()), float(y.mean())
    u, v = x - x_mean, y - y_mean  # (n,) centered
    uu = float(u @ u)
    best = float(u @ v) / uu
    r = v - best * u  # (n,) the best line's errors
    return Bowl(n=len(x), x_mean=x_mean, y_mean=y_mean, uu=uu, best_slope=best, least=float(r @ r))


def bowl_bottom(b: Bowl) -> tuple[float, float]:
    """The least-squares line (slope, intercept): the bottom of the bowl, where both partial derivatives are 0."""
    return b.best_slope, b.y_mean - b.best_slope * b.x_mean


def bowl_hessian(b: Bowl, kind: str = "sse") -> np.ndarray:
    """`hessian` from the sums: sum(x) = n * mean(x) and sum(x^2) = uu + n * mean(x)^2."""
    h = 2.0 * np.array([[b.uu + b.n * b.x_mean**2, b.n * b.x_mean], [b.n * b.x_mean, b.n]])
    return h / (b.n if kind == "mse" else 1)


def bowl_sse(params, b: Bowl):
    """SSE = least + uu * (slope - best_slope)**2 + n * c**2 (see Bowl); slope may be an array (k,)."""
    slope, intercept = params
    d = slope - b.best_slope  # how far the slope is from its best
    c = intercept + slope * b.x_mean - b.y_mean  # the line's error at the mean x
    return b.least + b.uu * d * d + b.n * c * c  # d * d, not d**2: Python raises on ** when a float overflows, not on *


def bowl_sse_grad(params, b: Bowl) -> np.ndarray:
    """[dSSE/dslope, dSSE/dintercept] = [2 uu (slope - best_slope) + 2 n c mean(x), 2 n c]."""
    slope, intercept = params
    c = intercept + slope * b.x_mean - b.y_mean
    return np.array([2.0 * b.uu * (slope - b.best_slope) + 2.0 * b.n * c * b.x_mean, 2.0 * b.n * c])


def bowl_loss(params, b: Bowl, kind: str = "sse"):
    """The sum ("sse") or the mean ("mse") of squared errors, from the bowl's sums."""
    return bowl_sse(params, b) / (b.n if kind == "mse" else 1)


def bowl_loss_grad(params, b: Bowl, kind: str = "sse") -> np.ndarray:
    """Gradient of `bowl_loss` with respect to (slope, intercept), shape (2,)."""
    return bowl_sse_grad(params, b) / (b.n if kind == "mse" else 1)


def loss_along_slope(slopes: np.ndarray, intercept: float, x: np.ndarray, y: np.ndarray, kind: str = "sse"):
    """The loss for each slope in `slopes` (shape (k,)) with the intercept held still: shape (k,)."""
    e = y[None, :] - (slopes[:, None] * x[None, :] + intercept)  # (k, n): one row of errors per slope
    return (e**2).sum(axis=1) / (len(x) if kind == "mse" else 1)


def hessian(x: np.ndarray, kind: str = "sse") -> np.ndarray:
    """Second derivatives of the loss, shape (2, 2): 2 * [[sum x^2, sum x], [sum x, n]].

    The loss is a bowl (a quadratic), so this matrix is the same everywhere.
    """
    n = len(x)
    h = 2.0 * np.array([[x @ x, x.sum()], [x.sum(), n]])
    return h / (n if kind == "mse" else 1)


def max_stable_lr(x: np.ndarray | Bowl, kind: str = "sse") -> float:
    """The largest learning rate that does not blow up: 2 / the largest eigenvalue of the Hessian.

    Along an eigenvector with eigenvalue h, each step multiplies the distance to the minimum by
    (1 - lr * h); that factor's size stays below 1 only while lr < 2 / h.
    """
    h = bowl_hessian(x, kind) if isinstance(x, Bowl) else hessian(x, kind)  # the data's rows, or their sums
    return float(2.0 / np.linalg.eigvalsh(h).max())


def curvatures(x: np.ndarray | Bowl, kind: str = "sse") -> tuple[float, float]:
    """The Hessian's two eigenvalues, the loss's curvature along its flattest and steepest direction, smallest first.

    The two multiply to the Hessian's determinant, 4 * n * uu for the SSE (with uu = sum((x - mean(x))**2);
    4 * uu / n for the MSE), so the smallest is that divided by the largest. eigvalsh alone can lose the smallest
    to rounding when the two are far apart, as for a column of large numbers that vary little.
    """
    h = bowl_hessian(x, kind) if isinstance(x, Bowl) else hessian(x, kind)
    high = float(np.linalg.eigvalsh(h).max())
    n, uu = (x.n, x.uu) if isinstance(x, Bowl) else (len(x), float((x - x.mean()) @ (x - x.mean())))
    scale = 4.0 * n if kind == "sse" else 4.0 / n  # the determinant is scale * uu
    return scale / high * uu, high  # determinant / high, in this order so that no product overflows


def contraction(x: np.ndarray | Bowl, kind: str, lr: float) -> tuple[float, float]:
    """The factors (1 - lr * h) for the Hessian's two eigenvalues h, smallest h first.

    A factor between 0 and 1: steady approach; between -1 and 0: zig-zag that still closes in;
    below -1: each step overshoots further (divergence); close to 1: a crawl.
    """
    low, high = curvatures(x, kind)
    return float(1.0 - lr * low), float(1.0 - lr * high)


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The best (slope, intercept), from the normal equation (A^T A) p = A^T y with A = [x, 1].

    When x varies little next to its size (1.000001, 1.000002, ...), A^T A is nearly singular and the normal
    equation loses digits; where it is singular to the last digit, lstsq solves the same equation instead of
    failing (its answer is then one of the lines the rounded equation allows).
    """
    a = np.column_stack([x, np.ones_like(x)])  # (n, 2)
    gram, right = a.T @ a, a.T @ y  # (2, 2), (2,)
    try:
        slope, intercept = np.linalg.solve(gram, right)
    except np.linalg.LinAlgError:  # singular
        slope, intercept = np.linalg.lstsq(gram, right, rcond=None)[0]
    return float(slope), float(intercept)


def best_slope(x: np.ndarray, y: np.ndarray, intercept: float) -> float:
    """The slope where dSSE/dslope = 0 with the intercept held fixed: sum(x * (y - b)) / sum(x^2)."""
    return float(x @ (y - intercept) / (x @ x))


def standardize(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(values - mean) / std, with the population std (ddof=0). Returns (scaled, mean, std)."""
    mean, std = float(values.mean()), float(values.std())
    return (values - mean) / std, mean, std


def unscale(params, x_mean: float, x_std: float, y_mean: float, y_std: float) -> tuple[float, float]:
    """Turn a line fitted on standardized x and y back into one in the original units.

    y_std * (slope_s * (x - x_mean) / x_std + intercept_s) + y_mean
      = (slope_s * y_std / x_std) * x + (y_mean + y_std * intercept_s - slope * x_mean)
    """
    slope_s, intercept_s = params
    slope = slope_s * y_std / x_std
    return float(slope), float(y_mean + y_std * intercept_s - slope * x_mean)
