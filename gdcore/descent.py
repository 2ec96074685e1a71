"""Gradient descent, one immutable record per step.

Every table, chart, animation, the command line and the tests read these records;
nothing recomputes a step its own way. Full-batch plain descent is the special case with one
step per epoch, update = learning_rate * gradient.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from gdcore import optimizers

LossAndGrad = Callable[..., tuple[float, np.ndarray]]


@dataclass(frozen=True)
class StepRecord:
    """One step downhill: new = current - update, for every parameter (update = learning_rate * gradient
    for plain descent)."""

    epoch: int  # counted from 1
    names: tuple[str, ...]  # parameter names, e.g. ("slope", "intercept")
    current: tuple[float, ...]  # parameters before the step
    gradient: tuple[float, ...]  # dLoss/dparameter at `current`, on this step's rows
    learning_rate: float  # this epoch's rate
    new: tuple[float, ...]  # parameters after the step
    loss: float  # loss at `current`, on the whole data set
    step: int = 1  # counted from 1 across epochs
    update: tuple[float, ...] = ()  # what was subtracted: new = current - update
    rows: range | tuple[int, ...] | None = None  # the 0-based rows of this step's batch; None: no rows
    state: tuple[tuple[str, tuple[float, ...]], ...] = ()  # the optimizer's memory after the step, by name


EpochRecord = StepRecord  # the name from before mini-batches, when a step was always a whole epoch


@dataclass(frozen=True)
class Run:
    """What a descent produced: its records, and where and why it stopped early, if it did."""

    start: tuple[float, ...]
    records: tuple[StepRecord, ...]
    diverged_at: int | None = None  # the epoch whose numbers overflowed; None if all finished
    reason: str = ""  # why it diverged, in words
    ends: tuple[int, ...] = field(default=(), repr=False)  # records[:ends[k - 1]] are epochs 1..k

    @property
    def final(self) -> tuple[float, ...]:
        """The parameters after the last finite step (the start if there was none)."""
        return self.records[-1].new if self.records else self.start

    @property
    def epochs(self) -> int:
        """How many epochs have records (the last may be cut short by an overflow)."""
        return len(self.ends)

    def epoch_records(self, k: int) -> tuple[StepRecord, ...]:
        """The steps of epoch k (1-based)."""
        return self.records[self.ends[k - 2] if k > 1 else 0 : self.ends[k - 1]]

    def after(self, k: int) -> tuple[float, ...]:
        """The parameters after epoch k (k = 0: the start)."""
        return self.records[self.ends[k - 1] - 1].new if k else self.start

    def up_to(self, k: int) -> tuple[StepRecord, ...]:
        """Every step of epochs 1..k."""
        return self.records[: self.ends[k - 1]] if k else ()


def overflow_reason(names: Sequence[str], loss: float, gradient: np.ndarray, new: np.ndarray, state=None) -> str:
    """Say which number stopped being finite, or return "" if all are finite."""
    numbers = [np.asarray(gradient), np.asarray(new), *(state or {}).values()]
    if np.isfinite(loss) and all(np.isfinite(values).all() for values in numbers):
        return ""  # the usual case, in a few vectorized checks
    if not np.isfinite(loss):
        return "the loss grew too large to store in a 64-bit float (over 1.8e308)"
    for name, g in zip(names, gradient):
        if not np.isfinite(g):
            return f"the gradient for {name} grew too large to store in a 64-bit float"
    for name, value in zip(names, new):
        if not np.isfinite(value):
            return f"the new value of {name} grew too large to store in a 64-bit float"
    for key, values in (state or {}).items():
        for name, value in zip(names, values):
            if not np.isfinite(value):
                return f"the optimizer's {key} for {name} grew too large to store in a 64-bit float"
    return ""


def as_rows(rows) -> range | tuple[int, ...] | None:
    """A batch's rows as something immutable: a range stays a range, an array becomes a tuple."""
    return rows if rows is None or isinstance(rows, range) else tuple(np.asarray(rows).tolist())


def descend(
    loss_and_grad: LossAndGrad,
    start: Sequence[float],
    learning_rate: float,
    epochs: int,
    names: Sequence[str],
    *,
    optimizer: str = "gd",
    hyper: Mapping[str, float | None] | None = None,
    schedule: Callable[[int], float] | None = None,
    batches: Callable[[int], list] | None = None,
    whole_loss: Callable[[np.ndarray], float] | None = None,
) -> Run:
    """Take `epochs` epochs of gradient descent from `start`: at each step, new = current - update.

    Plain descent (the defaults): update = learning_rate * gradient. `optimizer` names another rule
    (gdcore.optimizers), `hyper` its settings by name (momentum's mu, ...; one left out is its default).
    schedule(t) gives epoch t's learning rate (default: `learning_rate` every epoch).
    batches(t) gives the rows of each step of epoch t; without it each epoch is one step on all rows
    and loss_and_grad(params) is called alone. With it, loss_and_grad(params, rows) works on those
    rows, and whole_loss(params), if given, is the loss on all rows that the record keeps.
    Stops at the first step whose numbers are not finite, and says why (the Ledger's bookkeeping).
    """
    rule, own = optimizers.BY_KEY[optimizer].rule, optimizers.BY_KEY[optimizer].own(hyper or {})
    ledger = Ledger(names, start, optimizers.STATE_NAMES[optimizer])
    current, state = np.asarray(start, dtype=float), {}  # (p,); the optimizer's memory starts empty: all 0
    with np.errstate(all="ignore"):  # a number too large to store is caught by the ledger and said in words
        for epoch in range(1, epochs + 1):
            lr = learning_rate if schedule is None else schedule(epoch)
            for rows in batches(epoch) if batches else [None]:
                loss, gradient = loss_and_grad(current) if rows is None else loss_and_grad(current, rows)
                loss = loss if whole_loss is None else whole_loss(current)  # on every row, where the step starts
                update, state = rule(gradient, state, current, lr, **own)
                new = current - update  # the minus sign turns uphill into downhill
                if not ledger.write(epoch, rows, current, gradient, lr, new, loss, update, state):
                    return ledger.run()  # a number grew too large to store: stop here
                current = new
            ledger.end_epoch()
    return ledger.run()


class Ledger:
    """A descent's bookkeeping: one record per step, where each epoch ends, and the first step whose numbers
    are not finite (which is not recorded: the run stops there, and says why)."""

    def __init__(self, names: Sequence[str], start: Sequence[float], kept: Sequence[str]) -> None:
        self.names, self.start, self.kept = tuple(names), tuple(map(float, start)), tuple(kept)
        self.records: list[StepRecord] = []
        self.ends: list[int] = []  # records[:ends[k - 1]] are epochs 1..k
        self.diverged_at: int | None = None
        self.reason = ""

    def write(self, epoch: int, rows, current, gradient, rate, new, loss, update, state) -> bool:
        """Record one step; if one of its numbers is not finite, record nothing, note why and return False."""
        memory = {key: np.broadcast_to(state[key], current.shape) for key in self.kept}  # (p,) each
        reason = overflow_reason(self.names, loss, gradient, new, memory)
        if reason:
            if len(self.ends) < epoch and len(self.records) > (self.ends[-1] if self.ends else 0):
                self.ends.append(len(self.records))  # the epoch cut short keeps the steps it finished
            self.diverged_at, self.reason = epoch, reason
            return False
        self.records.append(
            StepRecord(
                epoch=epoch,
                names=self.names,
                current=tuple(map(float, current)),
                gradient=tuple(map(float, gradient)),
                learning_rate=float(rate),
                new=tuple(map(float, new)),
                loss=float(loss),
                step=len(self.records) + 1,
                update=tuple(map(float, update)),
                rows=as_rows(rows),
                state=tuple((key, tuple(map(float, value))) for key, value in memory.items()),  # (p,) each
            )
        )
        return True

    def end_epoch(self) -> None:
        self.ends.append(len(self.records))

    def run(self) -> Run:
        return Run(self.start, tuple(self.records), self.diverged_at, self.reason, tuple(self.ends))


LEDGER_COLUMNS = ("epoch", "parameter", "current", "gradient", "learning_rate", "new", "loss")
STEP_COLUMNS = ("step", "update", "rows")


def ledger_columns(optimizer: str = "gd", extended: bool = False) -> tuple[str, ...]:
    """The ledger's header: the seven columns, then, for an extended ledger, the step, the update,
    the rows and the optimizer's memory."""
    return LEDGER_COLUMNS + (STEP_COLUMNS + optimizers.STATE_NAMES[optimizer] if extended else ())


def rows_text(rows) -> str:
    """The batch's rows as 0-based numbers separated by spaces."""
    return "" if rows is None else " ".join(map(str, rows))


def ledger_rows(records: Sequence[StepRecord], extended: bool = False) -> list[tuple]:
    """One row per parameter per step, in the order of ledger_columns(optimizer, extended)."""
    table = []
    for r in records:
        batch = rows_text(r.rows) if extended else ""
        for i, (name, current, gradient, new) in enumerate(zip(r.names, r.current, r.gradient, r.new)):
            row = (r.epoch, name, current, gradient, r.learning_rate, new, r.loss)
            if extended:
                row += (r.step, r.update[i], batch) + tuple(values[i] for _, values in r.state)
            table.append(row)
    return table
