"""Gradient descent, one immutable record per epoch.

Every table, chart, animation, the command line and the tests read these records;
nothing recomputes an epoch its own way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

LossAndGrad = Callable[[np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class EpochRecord:
    """One step downhill: new = current - learning_rate * gradient, for every parameter."""

    epoch: int  # counted from 1
    names: tuple[str, ...]  # parameter names, e.g. ("slope", "intercept")
    current: tuple[float, ...]  # parameters at the start of the epoch
    gradient: tuple[float, ...]  # dLoss/dparameter at `current`
    learning_rate: float
    new: tuple[float, ...]  # parameters after the step
    loss: float  # loss at `current`, on the whole data set


@dataclass(frozen=True)
class Run:
    """What a descent produced: its records, and where and why it stopped early, if it did."""

    start: tuple[float, ...]
    records: tuple[EpochRecord, ...]
    diverged_at: int | None = None  # the epoch whose numbers overflowed; None if all finished
    reason: str = ""  # why it diverged, in words

    @property
    def final(self) -> tuple[float, ...]:
        """The parameters after the last finite step (the start if there was none)."""
        return self.records[-1].new if self.records else self.start


def overflow_reason(names: Sequence[str], loss: float, gradient: np.ndarray, new: np.ndarray) -> str:
    """Say which number stopped being finite, or return "" if all are finite."""
    if not np.isfinite(loss):
        return "the loss grew too large to store in a 64-bit float (over 1.8e308)"
    for name, g in zip(names, gradient):
        if not np.isfinite(g):
            return f"the gradient for {name} grew too large to store in a 64-bit float"
    for name, value in zip(names, new):
        if not np.isfinite(value):
            return f"the new value of {name} grew too large to store in a 64-bit float"
    return ""


def descend(
    loss_and_grad: LossAndGrad,
    start: Sequence[float],
    learning_rate: float,
    epochs: int,
    names: Sequence[str],
) -> Run:
    """Take `epochs` steps of plain gradient descent from `start`.

    Each epoch: loss, gradient = loss_and_grad(current); new = current - learning_rate * gradient.
    Stops at the first epoch whose loss, gradient or new values are not finite, and says why.
    """
    names = tuple(names)
    current = np.asarray(start, dtype=float)  # (p,)
    records: list[EpochRecord] = []
    for epoch in range(1, epochs + 1):
        with np.errstate(all="ignore"):  # overflow is detected below, not warned about
            loss, gradient = loss_and_grad(current)
            new = current - learning_rate * gradient  # the minus sign turns uphill into downhill
        reason = overflow_reason(names, loss, gradient, new)
        if reason:
            return Run(tuple(map(float, start)), tuple(records), epoch, reason)
        records.append(
            EpochRecord(
                epoch=epoch,
                names=names,
                current=tuple(map(float, current)),
                gradient=tuple(map(float, gradient)),
                learning_rate=float(learning_rate),
                new=tuple(map(float, new)),
                loss=float(loss),
            )
        )
        current = new
    return Run(tuple(map(float, start)), tuple(records))


LEDGER_COLUMNS = ("epoch", "parameter", "current", "gradient", "learning_rate", "new", "loss")


def ledger_rows(records: Sequence[EpochRecord]) -> list[tuple]:
    """One row per parameter per epoch, in the order of LEDGER_COLUMNS."""
    return [
        (r.epoch, name, current, gradient, r.learning_rate, new, r.loss)
        for r in records
        for name, current, gradient, new in zip(r.names, r.current, r.gradient, r.new)
    ]
