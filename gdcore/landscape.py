"""The loss landscape of a line: the loss at every (slope, intercept) of a grid, from a few sums of the data.

A grid of k slopes by m intercepts costs k * m evaluations of one formula (line.Bowl), whatever the
number of rows: the landscape of a million houses draws as fast as that of 546.
"""

from __future__ import annotations

import numpy as np

from gdcore import line


def loss_grid(slopes: np.ndarray, intercepts: np.ndarray, b: line.Bowl, kind: str = "sse") -> np.ndarray:
    """The loss of every line on the grid, shape (len(intercepts), len(slopes)): row i is intercepts[i].

    From the bowl's sums (line.Bowl), with d = slope - best_slope and c = intercept + slope * mean(x) - mean(y):

        SSE = least + uu * d**2 + n * c**2        MSE = SSE / n

    which equals the sum over rows of (y - (slope * x + intercept))**2, for any number of rows.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return line.bowl_loss((slopes[None, :], intercepts[:, None]), b, kind)  # (1, k) with (m, 1) -> (m, k)


def standardized_line(params, x_mean: float, x_std: float, y_mean: float, y_std: float) -> tuple[float, float]:
    """The same line on standardized x and y (the inverse of line.unscale):

    slope_s = slope * x_std / y_std,   intercept_s = (slope * x_mean + intercept - y_mean) / y_std
    """
    slope, intercept = params
    return float(slope * x_std / y_std), float((slope * x_mean + intercept - y_mean) / y_std)


def curvatures(b: line.Bowl, kind: str = "sse") -> tuple[float, float]:
    """The loss's curvature along its flattest and its steepest direction: the Hessian's eigenvalues, smallest first."""
    return line.curvatures(b, kind)


def epochs_within(losses, best: float, tolerance: float) -> int | None:
    """The first epoch whose loss is within `tolerance` (relative) of the least possible, or None if none is.

    losses[k] is the loss after k epochs (losses[0]: at the start); within means loss - best <= tolerance * best.
    """
    for epoch, value in enumerate(losses):
        if value - best <= tolerance * best:
            return epoch
    return None


def frame(points: np.ndarray, pad: float = 0.15, square: bool = False) -> tuple[tuple[float, float], ...]:
    """The (slope, intercept) ranges that hold every point (k, 2), with `pad` of each span added on each side.

    `square`: both spans equal (the larger), so a round bowl looks round. A span of 0 (all points at
    one place) becomes a fifth of the point's size, or 1.
    """
    lo, hi = points.min(axis=0), points.max(axis=0)  # (2,) each
    span = hi - lo
    span = np.where(span > 1e-9 * np.abs(hi), span, np.maximum(0.2 * np.abs(hi), 1.0))
    if square:
        span = np.full(2, span.max())
    low, high = (lo + hi) / 2 - span * (0.5 + pad), (lo + hi) / 2 + span * (0.5 + pad)  # (2,) each
    return (float(low[0]), float(high[0])), (float(low[1]), float(high[1]))


def fog(slopes: np.ndarray, intercepts: np.ndarray, visited: np.ndarray, radius: float = 0.06) -> np.ndarray:
    """Which grid cells are still in the fog: True farther than `radius` from every visited point (k, 2).

    Distances are measured in fractions of the grid's width and height, so each cleared patch is
    round on screen. Returns a bool mask of shape (len(intercepts), len(slopes)), like loss_grid.
    """
    hidden = np.ones((len(intercepts), len(slopes)), dtype=bool)
    for slope, intercept in visited:  # each measured point clears a round patch around it
        across = ((slopes - slope) / np.ptp(slopes)) ** 2  # (len(slopes),)
        up = ((intercepts - intercept) / np.ptp(intercepts)) ** 2  # (len(intercepts),)
        hidden &= up[:, None] + across[None, :] > radius * radius
    return hidden


def cleared_at(slopes: np.ndarray, intercepts: np.ndarray, points: np.ndarray, radius: float = 0.06) -> np.ndarray:
    """For each grid cell, the index of the first of `points` (k, 2) that clears it (fog's patch), or k if none:
    the fog after the first j + 1 points is `cleared_at(...) > j`, the same cells as fog() finds, for every j at
    once. Shape (len(intercepts), len(slopes))."""
    first = np.full((len(intercepts), len(slopes)), len(points), dtype=int)
    for index in range(len(points) - 1, -1, -1):  # the earliest point last: it wins
        slope, intercept = points[index]
        across = ((slopes - slope) / np.ptp(slopes)) ** 2  # (len(slopes),)
        up = ((intercepts - intercept) / np.ptp(intercepts)) ** 2  # (len(intercepts),)
        first[~(up[:, None] + across[None, :] > radius * radius)] = index
    return first
