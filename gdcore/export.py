"""Exports of a run on a line: its ledger as CSV, and a standalone NumPy script that recomputes it.

The script imports nothing of this project: a learner can read it top to bottom, run it beside the
CSV, and get the ledger the app shows, as `python -m gdcore descend` prints it (the same columns,
every number in full precision).
"""

from __future__ import annotations

import csv
import io

from gdcore.config import DescentConfig
from gdcore.descent import Run, ledger_columns, ledger_rows
from gdcore.optimizers import DEFAULT_EPS, STATE_NAMES

SCRIPT = '''"""Recompute, with NumPy alone, the ledger of a gradient descent on a line: {what}.

Run it beside the CSV:  python {script_name} > ledger.csv
Every number is printed in full precision, one row per parameter per step, as the app's ledger.
"""

import csv
import sys

import numpy as np

DATA = {data!r}  # the CSV, with a header row
X, Y = {x!r}, {y!r}  # predict Y from X with the line  Y = slope * X + intercept
LOSS = {loss!r}  # "sse": the sum of squared errors; "mse": their mean
SCALE = {scale!r}  # "standardize": (value - mean) / std for x and y; "none": their own units
START = {start}  # (slope, intercept), or None: drawn at random from SEED
SEED = {seed}
EPOCHS = {epochs}
LEARNING_RATE = {learning_rate!r}
SCHEDULE, GAMMA, EVERY, LR_MIN, WARMUP = {schedule!r}, {gamma!r}, {every!r}, {lr_min!r}, {warmup!r}
OPTIMIZER = {optimizer!r}
MU, ALPHA, BETA1, BETA2, EPS = {momentum!r}, {alpha!r}, {beta1!r}, {beta2!r}, {eps!r}
BATCH_SIZE, SHUFFLE = {batch_size}, {shuffle}  # rows per step (0: all of them); a fresh order every epoch
MEMORY = {memory}  # what the optimizer remembers between steps: the ledger's last columns

with open(DATA, newline="", encoding="utf-8-sig") as file:
    table = list(csv.DictReader(file))
x = np.array([float(row[X]) for row in table])  # (n,)
y = np.array([float(row[Y]) for row in table])  # (n,)
if SCALE == "standardize":
    x, y = (x - x.mean()) / x.std(), (y - y.mean()) / y.std()
n = len(x)


def loss_and_gradient(params, xs, ys):
    """The loss on these rows and its gradient [dL/dslope, dL/dintercept], with e = y - prediction."""
    slope, intercept = params
    e = ys - (slope * xs + intercept)
    size = len(xs) if LOSS == "mse" else 1
    return (e @ e) / size, np.array([-2.0 * (xs @ e), -2.0 * e.sum()]) / size


def rate(t):
    """The learning rate of epoch t = 1, 2, ..."""
    if SCHEDULE == "step":
        lr = LEARNING_RATE * GAMMA ** ((t - 1) // EVERY)
    elif SCHEDULE == "exponential":
        lr = LEARNING_RATE * GAMMA ** (t - 1)
    elif SCHEDULE == "cosine":
        lr = LR_MIN + (LEARNING_RATE - LR_MIN) * (1 + np.cos(np.pi * (t - 1) / EPOCHS)) / 2
    else:
        lr = LEARNING_RATE
    return lr * t / WARMUP if WARMUP and t <= WARMUP else lr


def update(g, memory, s, lr):
    """How the gradient g becomes a step at step s: new = current - update."""
    if OPTIMIZER == "momentum":
        memory["velocity"] = MU * memory.get("velocity", 0.0) + g
        return lr * memory["velocity"]
    if OPTIMIZER == "nesterov":
        memory["velocity"] = MU * memory.get("velocity", 0.0) + g
        return lr * (g + MU * memory["velocity"])
    if OPTIMIZER == "adagrad":
        memory["sum_sq"] = memory.get("sum_sq", 0.0) + g**2
        return lr * g / (np.sqrt(memory["sum_sq"]) + EPS)
    if OPTIMIZER == "rmsprop":
        memory["mean_sq"] = ALPHA * memory.get("mean_sq", 0.0) + (1 - ALPHA) * g**2
        return lr * g / (np.sqrt(memory["mean_sq"]) + EPS)
    if OPTIMIZER == "adam":
        memory["m"] = BETA1 * memory.get("m", 0.0) + (1 - BETA1) * g
        memory["v"] = BETA2 * memory.get("v", 0.0) + (1 - BETA2) * g**2
        memory["m_hat"] = memory["m"] / (1 - BETA1**s)
        memory["v_hat"] = memory["v"] / (1 - BETA2**s)
        return lr * memory["m_hat"] / (np.sqrt(memory["v_hat"]) + EPS)
    return lr * g  # plain gradient descent


if START is None:
    params = np.random.default_rng(SEED).normal(size=2) * [y.std() / x.std(), y.std()]
else:
    params = np.array(START, dtype=float)
shuffles = np.random.default_rng(np.random.SeedSequence(SEED).spawn(1)[0])  # the batches' own random stream
full = BATCH_SIZE <= 0 or BATCH_SIZE >= n
extended = not (full and OPTIMIZER == "gd" and SCHEDULE == "constant" and not WARMUP)
out = csv.writer(sys.stdout, lineterminator="\\n")
header = ["epoch", "parameter", "current", "gradient", "learning_rate", "new", "loss"]
out.writerow(header + (["step", "update", "rows", *MEMORY] if extended else []))
memory, s = {{}}, 0
with np.errstate(all="ignore"):
    for epoch in range(1, EPOCHS + 1):
        lr = rate(epoch)
        if full:
            batches = [np.arange(n)]
        else:
            order = shuffles.permutation(n) if SHUFFLE else np.arange(n)
            batches = [order[i : i + BATCH_SIZE] for i in range(0, n, BATCH_SIZE)]
        for rows in batches:
            s += 1
            loss = loss_and_gradient(params, x, y)[0]  # the loss on all rows, where this step starts
            g = loss_and_gradient(params, x[rows], y[rows])[1]  # the gradient on this step's rows
            step = update(g, memory, s, lr)
            new = params - step  # the minus sign turns uphill into downhill
            numbers = [loss, *g, *new, *(np.broadcast_to(memory[k], 2) for k in MEMORY)]
            if not all(np.isfinite(v).all() for v in numbers):
                sys.exit(f"diverged at epoch {{epoch}}: a number grew too large to store in a 64-bit float")
            for i, name in enumerate(("slope", "intercept")):
                row = [epoch, name, float(params[i]), float(g[i]), float(lr), float(new[i]), float(loss)]
                if extended:
                    kept = [float(np.broadcast_to(memory[k], 2)[i]) for k in MEMORY]
                    row += [s, float(step[i]), " ".join(map(str, rows)), *kept]
                out.writerow(row)
            params = new
'''


def numpy_script(config: DescentConfig, data: str, script_name: str = "reproduce.py") -> str:
    """A standalone Python script (NumPy and the standard library only) that prints this run's ledger,
    reading the CSV at `data`. The settings sit at its top, one per line, as this config has them."""
    typed = config.start == "typed"
    what = f"{config.y} from {config.x}, {config.epochs} epochs at learning rate {config.learning_rate!r}"
    return SCRIPT.format(
        what=what,
        script_name=script_name,
        data=data,
        x=config.x,
        y=config.y,
        loss=config.loss,
        scale=config.scale,
        start=repr((config.init_slope, config.init_intercept)) if typed else "None",
        seed=config.seed,
        epochs=config.epochs,
        learning_rate=float(config.learning_rate),
        schedule=config.schedule,
        gamma=float(config.gamma),
        every=config.every,
        lr_min=float(config.lr_min),
        warmup=config.warmup,
        optimizer=config.optimizer,
        momentum=float(config.momentum),
        alpha=float(config.alpha),
        beta1=float(config.beta1),
        beta2=float(config.beta2),
        eps=float(DEFAULT_EPS.get(config.optimizer, 1e-8) if config.eps is None else config.eps),
        batch_size=config.batch_size,
        shuffle=config.shuffle,
        memory=repr(STATE_NAMES[config.optimizer]),
    )


def ledger_csv(run: Run, config: DescentConfig, n: int) -> str:
    """The run's ledger as CSV text, as `python -m gdcore descend` prints it (the extended columns unless the
    run is plain full-batch descent); floats in full precision."""
    extended = not config.plain(n)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ledger_columns(config.optimizer, extended))
    writer.writerows(ledger_rows(run.records, extended))  # csv writes floats with repr: exact
    return out.getvalue()
