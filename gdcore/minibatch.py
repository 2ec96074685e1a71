"""Mini-batches against the full batch, on the line (the page "Batch, mini-batch, stochastic").

A step on a batch of b rows looks at b rows instead of all n: it costs b/n of a full step and points
only roughly downhill. Two fair races between a mini-batch run and plain full-batch descent from
the same start at the same learning rate:

- the same number of passes through the data (epochs: each run has looked at the same rows, as
  often), where the mini-batch run has taken n/b steps for each full-batch step;
- the same number of steps (gradients computed and followed), where each full-batch step looked
  at all n rows and each mini-batch step at b of them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from gdcore import line
from gdcore.config import field_of
from gdcore.descent import Run, descend
from gdcore.line import DescentConfig, Fit


@dataclass(frozen=True)
class BatchConfig(DescentConfig):
    """A descent in mini-batches, with the batches page's own defaults (so its link is its own)."""

    # The lesson's rate: small enough that batches of 1 still find the valley.
    learning_rate: float = field_of(DescentConfig, "learning_rate", 0.05)
    # 5 passes over the 546 houses in batches of 16: 35 steps per epoch, 175 steps.
    epochs: int = field_of(DescentConfig, "epochs", 5)
    batch_size: int = field_of(DescentConfig, "batch_size", 16)

    def as_descent(self) -> DescentConfig:
        """The same run as a DescentConfig, whose defaults the command line (gdcore.line.command) shares."""
        return DescentConfig(**{f.name: getattr(self, f.name) for f in fields(DescentConfig)})


def row_parts(params, x: np.ndarray, y: np.ndarray, kind: str = "mse") -> np.ndarray:
    """Each row's part of the gradient on these rows, shape (b, 2): [-2 x_i e_i, -2 e_i] / b for "mse"
    (/ 1 for "sse"), with e_i = y_i - (slope x_i + intercept). Its columns add up to line.loss_grad."""
    e = line.errors(params, x, y)  # (b,)
    return np.stack([-2.0 * x * e, -2.0 * e], axis=1) / (len(x) if kind == "mse" else 1)  # (b, 2)


def path(run: Run) -> np.ndarray:
    """The parameters at the start and after each step, shape (steps + 1, 2)."""
    return np.array([run.start] + [r.new for r in run.records], dtype=float)


def losses_after(run: Run, bowl: line.Bowl, kind: str = "mse") -> np.ndarray:
    """The loss on all rows at the start and after each step, shape (steps + 1,)."""
    points = path(run)  # (steps + 1, 2)
    with np.errstate(all="ignore"):  # a diverging run's last points may overflow to inf
        return line.bowl_loss((points[:, 0], points[:, 1]), bowl, kind)


def above_bottom(params, b: line.Bowl, kind: str = "mse"):
    """How far the loss is above the lowest possible: (uu * d**2 + n * c**2) / n for "mse" (not / n for "sse"),
    the Bowl's last two terms, with d = slope - best_slope and c = intercept + slope * mean(x) - mean(y).

    Computed from the terms, not as loss - least, so a tiny distance is not lost to rounding. Slope and
    intercept may be arrays of the same shape.
    """
    slope, intercept = params
    d = slope - b.best_slope
    c = intercept + slope * b.x_mean - b.y_mean
    return (b.uu * d * d + b.n * c * c) / (b.n if kind == "mse" else 1)


def gaps_after(run: Run, bowl: line.Bowl, kind: str = "mse") -> np.ndarray:
    """above_bottom at the start and after each step, shape (steps + 1,)."""
    points = path(run)  # (steps + 1, 2)
    with np.errstate(all="ignore"):
        return above_bottom((points[:, 0], points[:, 1]), bowl, kind)


def rows_seen(run: Run) -> np.ndarray:
    """How many rows the run has looked at, at the start and after each step, shape (steps + 1,)."""
    return np.cumsum([0] + [len(r.rows) if r.rows is not None else 0 for r in run.records])


def full_batch_run(fit: Fit, steps: int) -> Run:
    """Plain full-batch descent from `fit`'s start at its learning rate, for `steps` steps (one per epoch):
    new = current - learning_rate * gradient on all n rows."""

    def loss_and_grad(params):
        return fit.loss(params), fit.whole_gradient(params)

    return descend(loss_and_grad, fit.run.start, fit.config.learning_rate, steps, line.PARAMETERS)


@dataclass(frozen=True)
class Race:
    """Where a mini-batch run stands after k steps, beside the full batch on each count."""

    steps: int  # k, the mini-batch run's steps so far
    rows: int  # rows it has looked at: the sum of its batches' sizes
    batch_loss: float  # its loss on all rows after k steps
    same_steps_loss: float  # the full batch's loss after k steps (k * n rows looked at)
    full_steps: int  # full-batch steps that fit in the same rows: rows // n
    same_rows_loss: float  # the full batch's loss after those steps


def race(batch_losses: np.ndarray, full_losses: np.ndarray, seen: np.ndarray, n: int, k: int) -> Race:
    """Race after k steps: batch_losses and seen are losses_after and rows_seen of the mini-batch run,
    full_losses the full batch's losses_after, at least k + 1 of them."""
    rows = int(seen[k])
    full_steps = rows // n  # the full batch looks at all n rows per step
    return Race(k, rows, float(batch_losses[k]), float(full_losses[k]), full_steps, float(full_losses[full_steps]))
