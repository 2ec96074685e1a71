"""What every model shares: one training loop (`train`), the budget of work a page's run may take, and the shape
of a model (`Model`): each model's module (gdcore/line.py, network.py, chain.py, curve.py) ends with its entry,
and gdcore/models.py lists them.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from gdcore import optimizers
from gdcore.batches import epoch_batches, shuffle_stream
from gdcore.config import Training
from gdcore.descent import Run, descend


@dataclass(frozen=True)
class Command:
    """How the command line runs a model: `python -m gdcore descend --model <key> ...` (gdcore/__main__.py)."""

    about: str  # its paragraph in --help
    x: str  # what --x means for it by default: "bedrooms", or "bedrooms,bathrms,lotsize"
    config: Callable[[argparse.Namespace, dict], Training]  # config(args, values given) -> its config, or ValueError
    write: Callable[..., str]  # write(config, data=None) -> the command line that prints the config's ledger
    options: Callable[[argparse.ArgumentParser], None] | None = None  # its own options (the line's --init-slope)


@dataclass(frozen=True)
class Model:
    """One model: what the app, the exports and the command line do with any config of its type."""

    key: str  # its name: "line" (also --model's, where the command line runs it)
    config: type  # its frozen config
    fit: Callable | None = None  # fit(config, table) -> its fit (.run: the records; .rows: rows seen), or DataError
    script: Callable | None = None  # script(config, data, script_name) -> a NumPy script that prints its ledger
    command: Command | None = None  # None: the command line does not run it


def train(config: Training, loss_and_grad, whole_loss, start, names, n: int = 0) -> Run:
    """Descend as `config` says: its optimizer, its learning-rate schedule and its batches of n rows.

    loss_and_grad(params, rows) -> (loss, gradient) on those rows; whole_loss(params) is the loss
    on all n rows, which every record keeps. The shuffle has its own random stream, from the seed.
    A model with no rows (n = 0, a curve) takes one step an epoch: loss_and_grad(params), whole_loss unused.
    """
    shuffles = shuffle_stream(config.seed)
    full = n == 0 or config.batch_size <= 0 or config.batch_size >= n
    return descend(
        loss_and_grad,
        start,
        config.learning_rate,
        config.epochs,
        names,
        optimizer=config.optimizer,
        hyper=config.hyper,
        schedule=None if config.schedule == "constant" and not config.warmup else config.rate,
        batches=None if n == 0 else lambda epoch: epoch_batches(n, config.batch_size, config.shuffle, shuffles),
        whole_loss=None if full else whole_loss,  # a full batch's loss already is the whole data set's
    )


# How much work one run on a page may take, so that a batch of 1 cannot keep the server busy for
# minutes. Work is counted in units of one plain step on the line (about 50 µs on the two-core
# machine): 40,000 units are about 2 s. A step costs its model's units (config.step_work) plus its
# optimizer's (OPTIMIZER_WORK); measured per step: line 50 µs, network 140 µs, a chain of 10 layers
# 580 µs, and Adam adds about 170 µs.
WORK_BUDGET = 40_000
RESTART_BUDGET = 80_000  # the network page's restarts, all runs together
OPTIMIZER_WORK = {optimizer.key: optimizer.work for optimizer in optimizers.TABLE}


def steps_per_epoch(config: Training, n: int) -> int:
    """Steps in one pass over n rows: 1 for a full batch, else ceil(n / batch_size)."""
    full = config.batch_size <= 0 or config.batch_size >= n
    return 1 if full else math.ceil(n / config.batch_size)


def step_work(config: Training) -> int:
    """The work of one step, in units of one plain step on the line."""
    return config.step_work + OPTIMIZER_WORK[config.optimizer]


def most_steps(config: Training, budget: int | None = None) -> int:
    """How many steps of this config fit in `budget` units of work (WORK_BUDGET if None)."""
    return (WORK_BUDGET if budget is None else budget) // step_work(config)


def within_budget(config: Training, n: int, budget: int | None = None) -> Training:
    """`config` with no more epochs than `budget` units of work (WORK_BUDGET if None) allow on n rows; at least one."""
    most = max(1, most_steps(config, budget) // steps_per_epoch(config, n))
    return config if config.epochs <= most else replace(config, epochs=most)
