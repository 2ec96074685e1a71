"""What every model's standalone NumPy script shares: its head, its training settings and the descent loop (with the
optimizer's rule, its own source). Each model's module writes the middle part: its data, its start and its gradient.

The scripts import nothing of this project: a learner can read one top to bottom, run it beside the CSV, and get
the ledger the app shows (the line's and the network's as `python -m gdcore descend` prints it, the chain's as the
gradients page computes it): the same columns, every number in full precision.
"""

from __future__ import annotations

import inspect

from gdcore.optimizers import BY_KEY, STATE_NAMES, with_what_it_calls

HEAD = '''"""Recompute, with NumPy alone, the ledger of {what}.

Run it beside the CSV:  python {script_name} > ledger.csv
Every number is printed in full precision, one row per parameter per step, as the app's ledger.
"""

import csv
import sys

import numpy as np

'''


def docstring_text(text: str) -> str:
    """`text` as written inside the script's docstring so that it reads as itself: a column's name may hold
    quotes, backslashes or line breaks, and must not end the docstring (and start code). A backslash and a
    double quote get a backslash; a character that cannot be printed is written as its escape (\\n)."""
    return "".join(_in_docstring(char) for char in text)


def _in_docstring(char: str) -> str:
    if char in '\\"':
        return "\\" + char
    return char if char.isprintable() else char.encode("unicode_escape").decode("ascii")  # "\\n" for a line break


TRAINING = """SEED = {seed}
EPOCHS = {epochs}
LEARNING_RATE = {learning_rate!r}
SCHEDULE, GAMMA, EVERY, LR_MIN, WARMUP = {schedule!r}, {gamma!r}, {every!r}, {lr_min!r}, {warmup!r}
OPTIMIZER = {optimizer!r}
SETTINGS = {settings}  # the optimizer's own, besides the learning rate
BATCH_SIZE, SHUFFLE = {batch_size}, {shuffle}  # rows per step (0: all of them); a fresh order every epoch
MEMORY = {memory}  # what the optimizer remembers between steps: the ledger's last columns
"""


ACTIVATION = '''

def act(z):
    """The activation: sigmoid 1 / (1 + e^-z) (written with tanh, which cannot overflow), tanh, or relu."""
    if ACTIVATION == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    if ACTIVATION == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def act_slope(z):
    """The activation's derivative: s(1 - s) for sigmoid, 1 - tanh^2 for tanh, 1 where z > 0 for relu."""
    if ACTIVATION == "sigmoid":
        s = act(z)
        return s * (1.0 - s)
    if ACTIVATION == "tanh":
        return 1.0 - np.tanh(z) ** 2
    return (z > 0).astype(float)


def standardize(columns):
    """Each column (value - mean) / std: (n, k) - (k,) broadcasts over the rows."""
    return (columns - columns.mean(axis=0)) / columns.std(axis=0)
'''


LOOP = '''

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


{rule}shuffles = np.random.default_rng(np.random.SeedSequence(SEED).spawn(1)[0])  # the batches' own random stream
full = BATCH_SIZE <= 0 or BATCH_SIZE >= n
extended = not (full and OPTIMIZER == "gd" and SCHEDULE == "constant" and not WARMUP)
out = csv.writer(sys.stdout, lineterminator="\\n")
header = ["epoch", "parameter", "current", "gradient", "learning_rate", "new", "loss"]
out.writerow(header + (["step", "update", "rows", *MEMORY] if extended else []))
memory, s, every_row = {}, 0, np.arange(n)
with np.errstate(all="ignore"):
    for epoch in range(1, EPOCHS + 1):
        lr = rate(epoch)
        if full:
            batches = [every_row]
        else:
            order = shuffles.permutation(n) if SHUFFLE else every_row
            batches = [order[i : i + BATCH_SIZE] for i in range(0, n, BATCH_SIZE)]
        for rows in batches:
            s += 1
            loss, g = loss_and_gradient(params, rows)  # the gradient on this step's rows
            if len(rows) < n:
                loss = loss_and_gradient(params, every_row)[0]  # the loss on all rows, where this step starts
            step, memory = RULE(g, memory, params, lr, **SETTINGS)  # the optimizer's rule, above
            new = params - step  # the minus sign turns uphill into downhill
            numbers = [loss, *g, *new, *(np.broadcast_to(memory[k], len(NAMES)) for k in MEMORY)]
            if not all(np.isfinite(v).all() for v in numbers):
                sys.exit(f"diverged at epoch {epoch}: a number grew too large to store in a 64-bit float")
            for i, name in enumerate(NAMES):
                row = [epoch, name, float(params[i]), float(g[i]), float(lr), float(new[i]), float(loss)]
                if extended:
                    kept = [float(np.broadcast_to(memory[k], len(NAMES))[i]) for k in MEMORY]
                    row += [s, float(step[i]), " ".join(map(str, rows)), *kept]
                out.writerow(row)
            params = new
'''


def loop(config) -> str:
    """The descent loop the models share, with the optimizer's rule: its own source, as the app runs it (after
    the source of any other rule it calls)."""
    rule = BY_KEY[config.optimizer].rule
    sources = "\n\n".join(inspect.getsource(function) for function in with_what_it_calls(rule))  # AdamW: Adam too
    return LOOP.replace("{rule}", sources + "\n\n").replace("RULE(", f"{rule.__name__}(")


def training_settings(config) -> str:
    """The script's lines for the optimizer, the schedule and the batches, as this config has them."""
    return TRAINING.format(
        seed=config.seed,
        epochs=config.epochs,
        learning_rate=float(config.learning_rate),
        schedule=config.schedule,
        gamma=float(config.gamma),
        every=config.every,
        lr_min=float(config.lr_min),
        warmup=config.warmup,
        optimizer=config.optimizer,
        settings=repr({name: float(value) for name, value in BY_KEY[config.optimizer].own(config.hyper).items()}),
        batch_size=config.batch_size,
        shuffle=config.shuffle,
        memory=repr(STATE_NAMES[config.optimizer]),
    )


def script(what: str, model: str, config, script_name: str) -> str:
    """The whole script: its head (saying `what` it recomputes), the model's part, then the descent loop."""
    return HEAD.format(what=docstring_text(what), script_name=script_name) + model + loop(config)
