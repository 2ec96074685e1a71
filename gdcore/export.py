"""Exports of a run: its ledger as CSV, a standalone NumPy script that recomputes it, and the whole run
as JSON that loads back into the app.

The scripts import nothing of this project: a learner can read one top to bottom, run it beside the
CSV, and get the ledger the app shows (the line's and the network's as `python -m gdcore descend`
prints it, the chain's as the gradients page computes it): the same columns, every number in full precision.
Each script is three parts: the settings, the model (its data, start and gradient), and the descent
loop the three models share.
"""

from __future__ import annotations

import csv
import inspect
import io
import json
import shlex
from dataclasses import dataclass, field, fields

import numpy as np

from gdcore.chain import ChainConfig
from gdcore.config import (
    LONGEST_LINK_VALUE,
    DescentConfig,
    NetworkConfig,
    parse_value,
    shown,
    to_query,
    training_options,
)
from gdcore.data import SHIPPED
from gdcore.descent import Run, ledger_columns, ledger_rows
from gdcore.optimizers import BY_KEY, STATE_NAMES, with_what_it_calls

# --- the NumPy scripts --------------------------------------------------------------------------------

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

LINE = '''DATA = {data!r}  # the CSV, with a header row
X, Y = {x!r}, {y!r}  # predict Y from X with the line  Y = slope * X + intercept
LOSS = {loss!r}  # "sse": the sum of squared errors; "mse": their mean
SCALE = {scale!r}  # "standardize": (value - mean) / std for x and y; "none": their own units
START = {start}  # (slope, intercept), or None: drawn at random from SEED
{training}
with open(DATA, newline="", encoding="utf-8-sig") as file:
    table = list(csv.DictReader(file))
x = np.array([float(row[X]) for row in table])  # (n,)
y = np.array([float(row[Y]) for row in table])  # (n,)
if SCALE == "standardize":
    x, y = (x - x.mean()) / x.std(), (y - y.mean()) / y.std()
n = len(x)
NAMES = ("slope", "intercept")


def loss_and_gradient(params, rows):
    """The loss on these rows and its gradient [dL/dslope, dL/dintercept], with e = y - prediction."""
    xs, ys = x[rows], y[rows]
    slope, intercept = params
    e = ys - (slope * xs + intercept)
    size = len(xs) if LOSS == "mse" else 1
    return (e @ e) / size, np.array([-2.0 * (xs @ e), -2.0 * e.sum()]) / size


if START is None:
    params = np.random.default_rng(SEED).normal(size=2) * [y.std() / x.std(), y.std()]
else:
    params = np.array(START, dtype=float)
'''

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

NETWORK = '''DATA = {data!r}  # the CSV, with a header row
INPUTS, Y = {inputs!r}, {y!r}  # three input columns x1, x2, x3 and the target
LOSS = {loss!r}  # "sse": the sum of squared errors; "mse": their mean (on the standardized target)
ACTIVATION = {activation!r}
{training}
with open(DATA, newline="", encoding="utf-8-sig") as file:
    table = list(csv.DictReader(file))
X = np.array([[float(row[name]) for name in INPUTS] for row in table])  # (n, 3)
y = np.array([float(row[Y]) for row in table])  # (n,)
{activation_code}

X, y = standardize(X), standardize(y[:, None])[:, 0]  # inputs and target are always standardized
n = len(y)
NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")


def loss_and_gradient(params, rows):
    """h1 = act(w1 x1 + w2 x2 + w3 x3 + b1), h2 = act(w4 x1 + w5 x2 + w6 x3 + b2), prediction = w7 h1 + w8 h2.

    The loss on these rows and its 10 partial derivatives, by the chain rule backwards (backpropagation).
    """
    Xb, yb = X[rows], y[rows]
    W = params[:6].reshape(2, 3)  # [[w1, w2, w3], [w4, w5, w6]]
    v, b = params[6:8], params[8:10]  # [w7, w8] and [b1, b2]
    z = Xb @ W.T + b  # (rows, 2): z1 and z2 for every row
    h = act(z)  # (rows, 2)
    e = yb - h @ v  # (rows,)
    size = len(yb) if LOSS == "mse" else 1
    d_pred = -2.0 * e / size  # dL/dprediction, (rows,)
    d_z = d_pred[:, None] * v[None, :] * act_slope(z)  # dL/dz, (rows, 2)
    gradient = np.concatenate([(d_z.T @ Xb).ravel(), h.T @ d_pred, d_z.sum(axis=0)])  # w1..w6, w7 w8, b1 b2
    return float(e @ e) / size, gradient


params = np.random.default_rng(SEED).normal(size=10)  # the ten starting values, Normal(0, 1)
'''

CHAIN = '''DATA = {data!r}  # the CSV, with a header row
INPUTS, Y = {inputs!r}, {y!r}  # what layer 1 reads, and the target
DEPTH = {depth}  # layers of one node each
SCALE = {scale!r}  # every starting weight is SCALE * Uniform(0.5, 1.5); every bias starts at 0
ACTIVATION = {activation!r}
STANDARDIZE = {standardize}  # inputs and target as (value - mean) / std, or raw
{training}
with open(DATA, newline="", encoding="utf-8-sig") as file:
    table = list(csv.DictReader(file))
X = np.array([[float(row[name]) for name in INPUTS] for row in table])  # (n, 3)
y = np.array([float(row[Y]) for row in table])  # (n,)
{activation_code}

if STANDARDIZE:
    X, y = standardize(X), standardize(y[:, None])[:, 0]
n = len(y)
NAMES = ({first_weights}, *(f"w{{layer}}" for layer in range(2, DEPTH + 1)),
         *(f"b{{layer}}" for layer in range(1, DEPTH + 1)), "w_out")


def loss_and_gradient(params, rows):
    """z1 = w1 . x + b1, z_l = w_l a_(l-1) + b_l, a_l = act(z_l), prediction = w_out a_L; the loss is the mean of
    squared errors. Backwards, delta_l = dL/dz_l gains one factor w_(l+1) * act'(z_l) per layer."""
    Xb, yb = X[rows], y[rows]
    w1, w, b, w_out = params[:3], params[3 : DEPTH + 2], params[DEPTH + 2 : 2 * DEPTH + 2], params[-1]
    z, a = np.empty((len(yb), DEPTH)), np.empty((len(yb), DEPTH))  # (rows, layers)
    z[:, 0] = Xb @ w1 + b[0]
    a[:, 0] = act(z[:, 0])
    for layer in range(1, DEPTH):  # column `layer` is layer number layer + 1
        z[:, layer] = w[layer - 1] * a[:, layer - 1] + b[layer]
        a[:, layer] = act(z[:, layer])
    e = yb - w_out * a[:, -1]
    d_pred = -2.0 * e / len(yb)  # dL/dprediction, (rows,)
    delta = np.empty_like(z)
    delta[:, -1] = d_pred * w_out * act_slope(z[:, -1])
    for layer in range(DEPTH - 2, -1, -1):
        delta[:, layer] = delta[:, layer + 1] * w[layer] * act_slope(z[:, layer])
    d_w = np.sum(delta[:, 1:] * a[:, :-1], axis=0)  # w2..wL
    gradient = np.concatenate([Xb.T @ delta[:, 0], d_w, delta.sum(axis=0), [d_pred @ a[:, -1]]])
    return float(np.mean(e**2)), gradient


weights = SCALE * np.random.default_rng(SEED).uniform(0.5, 1.5, size=3 + DEPTH)  # w1 (3), w2..wL, w_out
params = np.concatenate([weights[:-1], np.zeros(DEPTH), weights[-1:]])
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


def numpy_script(config: DescentConfig, data: str, script_name: str = "reproduce.py") -> str:
    """A standalone Python script (NumPy and the standard library only) that prints this run's ledger,
    reading the CSV at `data`. The settings sit at its top, one per line, as this config has them."""
    typed = config.start == "typed"
    what = (
        f"a gradient descent on a line: {config.y} from {config.x}, {config.epochs} epochs at learning rate "
        f"{config.learning_rate!r}"
    )
    model = LINE.format(
        data=data,
        x=config.x,
        y=config.y,
        loss=config.loss,
        scale=config.scale,
        start=repr((config.init_slope, config.init_intercept)) if typed else "None",
        training=training_settings(config),
    )
    return HEAD.format(what=docstring_text(what), script_name=script_name) + model + loop(config)


def network_script(config: NetworkConfig, data: str, script_name: str = "reproduce.py") -> str:
    """The small network's run as a standalone NumPy script (see numpy_script): its ledger, as
    `python -m gdcore descend --model network` prints it."""
    what = (
        f"the small network (3 inputs, 2 hidden nodes): {config.y} from {', '.join(config.inputs)}, "
        f"{config.epochs} epochs at learning rate {config.learning_rate!r}"
    )
    model = NETWORK.format(
        data=data,
        inputs=config.inputs,
        y=config.y,
        loss=config.loss,
        activation=config.activation,
        training=training_settings(config),
        activation_code=ACTIVATION,
    )
    return HEAD.format(what=docstring_text(what), script_name=script_name) + model + loop(config)


def chain_script(config: ChainConfig, data: str, script_name: str = "reproduce.py") -> str:
    """The deep chain's run as a standalone NumPy script (see numpy_script): its ledger, as the gradients page
    computes it."""
    inputs, target = tuple(config.columns), config.y  # the columns layer 1 reads, and the target
    what = (
        f"a chain of {config.depth} one-node layers ({config.activation}): {target} from {', '.join(inputs)}, "
        f"{config.epochs} epochs at learning rate {config.learning_rate!r}"
    )
    model = CHAIN.format(
        data=data,
        inputs=inputs,
        y=target,
        depth=config.depth,
        scale=float(config.scale),
        activation=config.activation,
        standardize=config.inputs == "standardize",
        first_weights=", ".join(repr(f"w1_{name}") for name in inputs),
        training=training_settings(config),
        activation_code=ACTIVATION,
    )
    return HEAD.format(what=docstring_text(what), script_name=script_name) + model + loop(config)


def network_command(config: NetworkConfig, data: str | None = None) -> str:
    """The `python -m gdcore descend --model network` command that prints this config's ledger, quoted for a shell."""
    data = data if data is not None else SHIPPED[config.data].as_posix()
    parts = ["python -m gdcore descend --model network", f"--data {shlex.quote(data)}"]
    parts += [f"--x {shlex.quote(','.join(config.inputs))}", f"--y {shlex.quote(config.y)}"]
    parts += [f"--lr {config.learning_rate!r}", f"--epochs {config.epochs}", f"--loss {config.loss}"]
    parts += [f"--activation {config.activation}", f"--seed {config.seed}"]
    return " ".join(parts + training_options(config))


def ledger_csv(run: Run, config, n: int) -> str:
    """The run's ledger as CSV text, as `python -m gdcore descend` prints it (the extended columns unless the
    run is plain full-batch descent); floats in full precision. Any model's config."""
    extended = not config.plain(n)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ledger_columns(config.optimizer, extended))
    writer.writerows(ledger_rows(run.records, extended))  # csv writes floats with repr: exact
    return out.getvalue()


# --- the whole run as JSON ----------------------------------------------------------------------------

RUN_FORMAT = "gradient descent, every number shown: a run"  # what marks a file as one of ours
RUN_VERSION = 1
MOST_RUN_BYTES = 20 * 2**20  # a run file larger than this is not read
LEDGER_ROWS = 1_000  # the ledger rows a run file keeps, for reference: the latest
PAGE_TITLES = {
    "descent": "3, Gradient descent",
    "network": "5, A small neural network",
    "gradients": "6, Vanishing and exploding gradients",
}
CONFIGS = {"descent": DescentConfig, "network": NetworkConfig, "gradients": ChainConfig}


class RunFileError(ValueError):
    """A run file that cannot be loaded; its message is one sentence for the learner."""


@dataclass(frozen=True)
class SavedRun:
    """A run file, read and checked: the page, the settings as a link's values, the epoch shown, the
    learner's own rows (file name, CSV text) if the run was on an upload, and the page's view settings
    outside the config as a link's values (the network page's parameter and restarts; none in an older file)."""

    page: str
    query: dict[str, str]
    epoch: int | None
    data: tuple[str, str] | None = None
    view: dict[str, str] = field(default_factory=dict)


def rows_csv(columns: list[str], values: np.ndarray) -> str:
    """A table of numbers, values (n, k), as CSV text with a header row; floats in full precision."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[repr(float(v)) for v in row] for row in values])
    return out.getvalue()


def run_json(
    page: str,
    config,
    epoch: int | None,
    run: Run,
    n: int,
    data: tuple[str, str] | None = None,
    view: dict[str, str] | None = None,
) -> str:
    """The run as a JSON document: the page, the config as the link's values (to_query), the epoch shown,
    the page's other view settings as the link writes them (`view`: the network page's parameter and restarts), the
    ledger's latest rows up to that epoch (for reference: loading recomputes the run), and, for a run on
    a learner's own data, that data as (file name, CSV text), so the file loads in any browser.

    The ledger has the command line's columns except each batch's row numbers (a batch can list thousands
    of them), and its latest LEDGER_ROWS rows: the file stays small enough to load back."""
    extended = not config.plain(n)
    records = run.up_to(min(epoch, run.epochs)) if epoch is not None else run.records
    columns = list(ledger_columns(config.optimizer, extended))
    kept = [i for i, name in enumerate(columns) if name != "rows"]
    rows = ledger_rows(records, extended)
    document = {
        "format": RUN_FORMAT,
        "version": RUN_VERSION,
        "page": page,
        "settings": to_query(config),
        "epoch": epoch,
        "view": dict(view or {}),
        "data": None if data is None else {"name": data[0], "csv": data[1]},
        "ledger": {
            "note": f"the latest {min(len(rows), LEDGER_ROWS):,} of {len(rows):,} rows, without the batches' rows",
            "columns": [columns[i] for i in kept],
            "rows": [[row[i] for i in kept] for row in rows[-LEDGER_ROWS:]],
        },
    }
    return json.dumps(document, indent=1, allow_nan=False)


def read_run(raw: bytes, page: str) -> SavedRun:
    """Read a run file for `page`, or raise RunFileError with one sentence: not JSON, cut short, not a run
    of this app, another page's run, or values of the wrong kind. The settings are checked by `config_of`."""
    if len(raw) > MOST_RUN_BYTES:
        raise RunFileError(f"The file is {len(raw) / 2**20:.1f} MB: a run file of this app is never that large.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RunFileError("This is not a run file saved by this app: it is not text.") from None
    except (json.JSONDecodeError, RecursionError):
        raise RunFileError(
            "This file is not complete JSON (cut short, or changed by hand?), so it cannot be loaded."
        ) from None
    if not isinstance(document, dict) or document.get("format") != RUN_FORMAT:
        raise RunFileError("This JSON is not a run saved by this app (use “This run as JSON” to save one).")
    if document.get("version") != RUN_VERSION or isinstance(document.get("version"), bool):
        raise RunFileError(
            f"This run file is of version {shown(str(document.get('version')))}; this app reads version 1."
        )
    saved = document.get("page")
    if saved != page:
        where = f"page {PAGE_TITLES[saved]}" if isinstance(saved, str) and saved in PAGE_TITLES else "another page"
        raise RunFileError(f"This file holds a run of {where}: open that page to load it.")
    settings, epoch, data = document.get("settings"), document.get("epoch"), document.get("data")
    view = document.get("view", {})  # a file saved before view settings were kept has none
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        raise RunFileError("This run file's settings are not a list of names and values, so it cannot be loaded.")
    if not isinstance(view, dict) or not all(isinstance(v, str) for v in view.values()):
        raise RunFileError("This run file's view settings are not a list of names and values, so it cannot be loaded.")
    if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0):
        raise RunFileError(f"This run file's epoch, {shown(str(epoch))}, is not a whole number from 0 up.")
    if data is not None and not (
        isinstance(data, dict) and isinstance(data.get("name"), str) and isinstance(data.get("csv"), str)
    ):
        raise RunFileError("This run file's data is not a file name and its rows, so it cannot be loaded.")
    return SavedRun(
        page,
        dict(settings),
        epoch,
        None if data is None else (data["name"][:LONGEST_LINK_VALUE], data["csv"]),
        dict(view),
    )


def config_of(saved: SavedRun, columns: dict[str, list[str]] | None = None):
    """The saved settings as the page's config, each value checked as a link's is (`parse_value`, then the
    config's own checks), or RunFileError naming the first one that cannot be used. `columns`: the column
    names each column key may take on the saved data, as for a link."""
    cls = CONFIGS[saved.page]
    by_key = {f.metadata["url"]: f for f in fields(cls)}
    values = {}
    for key, raw in saved.query.items():
        if key not in by_key:
            raise RunFileError(f"This run file names {shown(key)}, which is not a setting of this page.")
        try:
            values[by_key[key].name] = parse_value(raw, by_key[key], (columns or {}).get(key, ()))
        except ValueError as error:
            raise RunFileError(f"This run file's {key}={shown(raw)} cannot be used: {error}.") from None
    try:
        config = cls(**values)
    except ValueError as error:
        raise RunFileError(f"This run file's settings do not fit together: {error}.") from None
    if saved.epoch is not None and saved.epoch > config.epochs:
        raise RunFileError(f"This run file's epoch, {saved.epoch:,}, is beyond its {config.epochs:,} epochs.")
    return config
