"""The small network of the lesson: 3 inputs, 2 hidden nodes, 1 output; 8 weights and 2 biases.

    h1 = act(w1*x1 + w2*x2 + w3*x3 + b1)
    h2 = act(w4*x1 + w5*x2 + w6*x3 + b2)
    prediction = w7*h1 + w8*h2

params is always the vector (w1, ..., w8, b1, b2), shape (10,); X has shape (n, 3), y (n,). Everything about the
network is here: its forward pass and backpropagation (first), its config, its start and fit on a data set, its
NumPy script, its command line and its verdict; its entry in gdcore/models.py is `MODEL`, at the end.
"""

from __future__ import annotations

import argparse
import math
import shlex
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from gdcore import scripts
from gdcore.batches import take
from gdcore.config import LOSSES, Experiment, Training, check, field_of, shown, spec, training_options
from gdcore.data import SHIPPED, select_columns, standardize_columns
from gdcore.descent import Run
from gdcore.experiment import Command, Model, train
from gdcore.narrate import Verdict, named
from gdcore.numbers import written

PARAMETERS = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2")
ACTIVATIONS = ("sigmoid", "tanh", "relu")


def activate(z: np.ndarray, name: str) -> np.ndarray:
    """The activation: sigmoid 1 / (1 + e^-z), tanh, or relu max(z, 0)."""
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow for very negative z
    if name == "tanh":
        return np.tanh(z)
    return np.maximum(z, 0.0)


def activate_slope(z: np.ndarray, name: str) -> np.ndarray:
    """The activation's derivative: s(1 - s) for sigmoid, 1 - tanh^2 for tanh, 1 where z > 0 for relu."""
    if name == "sigmoid":
        s = activate(z, name)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - np.tanh(z) ** 2
    return (z > 0).astype(float)


def unpack(params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Split params into W (2, 3) = [[w1, w2, w3], [w4, w5, w6]], v (2,) = [w7, w8], b (2,) = [b1, b2]."""
    p = np.asarray(params, dtype=float)
    return p[:6].reshape(2, 3), p[6:8], p[8:10]


def forward(params, X: np.ndarray, activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the network: z (n, 2) before the activation, h (n, 2) after it, and the prediction (n,)."""
    W, v, b = unpack(params)
    z = X @ W.T + b  # (n, 3) @ (3, 2) + (2,) -> (n, 2): z1 and z2 for every house
    h = activate(z, activation)  # (n, 2)
    return z, h, h @ v  # prediction = w7*h1 + w8*h2, (n,)


def predict(params, X: np.ndarray, activation: str) -> np.ndarray:
    return forward(params, X, activation)[2]


def loss(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str = "mse") -> float:
    """Sum ("sse") or mean ("mse") of squared errors, (y - prediction)^2."""
    e = y - predict(params, X, activation)
    return float(e @ e) / (len(y) if kind == "mse" else 1)


def loss_and_grad(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str = "mse") -> tuple:
    """The loss and all 10 partial derivatives (in the order of PARAMETERS), from one pass forward
    and one pass back through the network: backpropagation, the chain rule node by node.

    dL/dpred = -2 (y - pred) [/ n]      dL/dw7 = sum dL/dpred * h1         dL/dw8 = sum dL/dpred * h2
    dL/dz_j  = dL/dpred * w_(6+j) * act'(z_j)
    dL/dw (input i into node j) = sum dL/dz_j * x_i                        dL/db_j = sum dL/dz_j
    """
    W, v, b = unpack(params)
    z, h, prediction = forward(params, X, activation)
    n = len(y) if kind == "mse" else 1
    e = y - prediction  # (n,)
    d_pred = -2.0 * e / n  # (n,)
    d_v = h.T @ d_pred  # (2,): w7, w8
    d_z = d_pred[:, None] * v[None, :] * activate_slope(z, activation)  # (n, 2)
    d_W = d_z.T @ X  # (2, 3): w1..w3, w4..w6
    d_b = d_z.sum(axis=0)  # (2,): b1, b2
    return float(e @ e) / n, np.concatenate([d_W.ravel(), d_v, d_b])


def loss_grad(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str = "mse") -> np.ndarray:
    """All 10 partial derivatives by the chain rule (backpropagation), in the order of PARAMETERS."""
    return loss_and_grad(params, X, y, activation, kind)[1]


def chain_rule(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str, name: str) -> dict[str, np.ndarray]:
    """The factors whose product, summed over the houses, is dL/d`name`: one array (n,) per factor.

    For w1: dL/dpred * w7 * act'(z1) * x1. For w7: dL/dpred * h1. For b1: dL/dpred * w7 * act'(z1) * 1.
    """
    W, v, b = unpack(params)
    z, h, prediction = forward(params, X, activation)
    d_pred = -2.0 * (y - prediction) / (len(y) if kind == "mse" else 1)
    k = PARAMETERS.index(name)
    if k in (6, 7):  # w7, w8: straight from a hidden node to the output
        return {"dL/dprediction": d_pred, f"h{k - 5}": h[:, k - 6]}
    j = k // 3 if k < 6 else k - 8  # the hidden node this weight or bias feeds
    factors = {
        "dL/dprediction": d_pred,
        f"w{7 + j}": np.full(len(y), v[j]),
        f"act'(z{j + 1})": activate_slope(z[:, j], activation),
    }
    if k < 6:
        factors[f"x{k % 3 + 1}"] = X[:, k % 3]
    return factors


def initial_params(seed: int) -> np.ndarray:
    """Ten starting values drawn from Normal(0, 1) with numpy's generator seeded by `seed`."""
    return np.random.default_rng(seed).normal(size=len(PARAMETERS))


def numerical_gradient(f, params, eps: float = 1e-6) -> np.ndarray:
    """Central finite differences: (f(p + eps e_k) - f(p - eps e_k)) / (2 eps) for each parameter k."""
    p = np.asarray(params, dtype=float)
    grad = np.empty_like(p)
    for k in range(len(p)):
        step = np.zeros_like(p)
        step[k] = eps
        grad[k] = (f(p + step) - f(p - step)) / (2 * eps)
    return grad


def relative_error(a, b) -> np.ndarray:
    """|a - b| / max(|a|, |b|), element by element: 0 where the two are identical, inf where either is not
    finite (too large to compare)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    with np.errstate(all="ignore"):
        error = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    error = np.where(a == b, 0.0, error)
    return np.where(np.isfinite(a) & np.isfinite(b), error, np.inf)


# --- its config, its start and its fit on a data set -----------------------------------------------------------


@dataclass(frozen=True)
class NetworkConfig(Experiment):
    """Everything that decides a run of the small network (3 inputs, 2 hidden nodes, 1 output)."""

    # The lesson's learning rate. Inputs and target are always standardized.
    learning_rate: float = field_of(Training, "learning_rate", 0.05)
    epochs: int = field_of(Training, "epochs", 500)
    # The 10 starting values are drawn from Normal(0, 1) with this seed.
    seed: int = field_of(Training, "seed", 0)
    loss: str = field(default="mse", metadata=spec("loss", choices=LOSSES, label="loss", cli="loss"))
    activation: str = field(
        default="sigmoid", metadata=spec("act", choices=ACTIVATIONS, label="activation", cli="activation")
    )
    # The three input columns and the target.
    x1: str = field(default="bedrooms", metadata=spec("x1", label="first input column"))
    x2: str = field(default="bathrms", metadata=spec("x2", label="second input column"))
    x3: str = field(default="lotsize", metadata=spec("x3", label="third input column"))
    y: str = field(default="price", metadata=spec("y", label="y column"))

    def __post_init__(self) -> None:
        check(self)
        if len({self.x1, self.x2, self.x3}) < 3:
            raise ValueError("the three inputs must be three different columns")
        if self.y in self.inputs:
            raise ValueError(f"the target {shown(self.y)} cannot also be an input")

    @property
    def inputs(self) -> tuple[str, str, str]:
        return (self.x1, self.x2, self.x3)

    @property
    def step_work(self) -> int:
        return 3  # a step of the network costs about three of the line


@dataclass(frozen=True, eq=False)
class NetworkFit:
    """A finished descent of the small network, on standardized inputs and target."""

    config: NetworkConfig
    X: np.ndarray  # (n, 3) standardized inputs
    y: np.ndarray  # (n,) standardized target
    y_mean: float  # to turn predictions back into the target's units (dollars)
    y_std: float
    run: Run

    @property
    def rows(self) -> int:
        return len(self.y)

    def loss(self, params) -> float:
        with np.errstate(all="ignore"):
            return loss(params, self.X, self.y, self.config.activation, self.config.loss)

    def predict_in_data_units(self, params) -> np.ndarray:
        """Predictions in the target's own units, e.g. dollars, shape (n,)."""
        with np.errstate(all="ignore"):
            return predict(params, self.X, self.config.activation) * self.y_std + self.y_mean

    def dollars_error(self, loss: float) -> float:
        """The root mean squared error in the target's units (dollars), from a loss on the standardized target."""
        mse = loss / (1 if self.config.loss == "mse" else len(self.y))
        with np.errstate(all="ignore"):
            return float(np.sqrt(mse) * self.y_std)

    def finite_difference(self, params) -> np.ndarray:
        """The gradient on every row by central finite differences, shape (10,): what backpropagation must match."""
        with np.errstate(all="ignore"):
            return numerical_gradient(self.loss, params)


def fit_network(config: NetworkConfig, X: np.ndarray, y: np.ndarray) -> NetworkFit:
    """Standardize X (n, 3) and y (n,), then run gradient descent on the 10 parameters."""
    Xs = standardize_columns(X, config.inputs)
    ys = standardize_columns(y[:, None], [config.y])[:, 0]

    def on_rows(params, rows):
        Xb, yb = take(Xs, rows), take(ys, rows)  # this step's batch
        return loss_and_grad(params, Xb, yb, config.activation, config.loss)  # one pass forward, one back

    def whole_loss(params):
        return loss(params, Xs, ys, config.activation, config.loss)

    start = initial_params(config.seed)
    run = train(config, on_rows, whole_loss, start, PARAMETERS, len(ys))
    return NetworkFit(config=config, X=Xs, y=ys, y_mean=float(y.mean()), y_std=float(y.std()), run=run)


def restart_losses(config: NetworkConfig, X: np.ndarray, y: np.ndarray, seeds) -> list[tuple[int, float]]:
    """Train from each seed in `seeds` (all else as in `config`): (seed, final loss) per run.

    A run that diverged reports inf. Different starts can end in different valleys (local minima):
    the best of several restarts is the lesson's answer to that.
    """
    results = []
    for seed in seeds:
        fit = fit_network(replace(config, seed=int(seed)), X, y)
        results.append((int(seed), fit.loss(fit.run.final) if fit.run.diverged_at is None else math.inf))
    return results


def baseline_loss(fit: NetworkFit) -> float:
    """The loss of always predicting the average price: 0 on the standardized target, so SSE = n, MSE = 1."""
    return float(fit.y @ fit.y) / (len(fit.y) if fit.config.loss == "mse" else 1)


def fit_on(config: NetworkConfig, table: pd.DataFrame) -> NetworkFit:
    """Descend on the table's columns config.inputs and config.y."""
    return fit_network(config, *select_columns(table, config.inputs, config.y))  # X (n, 3), y (n,)


# --- its NumPy script and its command line --------------------------------------------------------------------

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


def script(config: NetworkConfig, data: str, script_name: str = "reproduce.py") -> str:
    """The small network's run as a standalone NumPy script (see gdcore.line.script): its ledger, as
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
        training=scripts.training_settings(config),
        activation_code=scripts.ACTIVATION,
    )
    return scripts.script(what, model, config, script_name)


def command(config: NetworkConfig, data: str | None = None) -> str:
    """The `python -m gdcore descend --model network` command that prints this config's ledger, quoted for a shell."""
    data = data if data is not None else SHIPPED[config.data].as_posix()
    parts = ["python -m gdcore descend --model network", f"--data {shlex.quote(data)}"]
    parts += [f"--x {shlex.quote(','.join(config.inputs))}", f"--y {shlex.quote(config.y)}"]
    parts += [f"--lr {config.learning_rate!r}", f"--epochs {config.epochs}", f"--loss {config.loss}"]
    parts += [f"--activation {config.activation}", f"--seed {config.seed}"]
    return " ".join(parts + training_options(config))


ABOUT = """\
--model network: --x names three columns, comma-separated (x1,x2,x3); inputs and target are
always standardized ((value - mean) / population std) and the loss is on the standardized target:
    h1 = act(w1*x1 + w2*x2 + w3*x3 + b1)
    h2 = act(w4*x1 + w5*x2 + w6*x3 + b2)
    prediction = w7*h1 + w8*h2
with act from --activation; parameters w1..w8, b1, b2, started from Normal(0, 1) drawn with --seed,
exactly as the app's network page does."""


def from_args(args: argparse.Namespace, values: dict) -> NetworkConfig:
    """The config the command line asks for: `values`, the config fields its options set, and the column names."""
    names = [name.strip() for name in (args.x or ",".join(NetworkConfig().inputs)).split(",")]
    if len(names) != 3 or not all(names):
        raise ValueError(f"--model network needs three input columns in --x, separated by commas, not {args.x!r}")
    if getattr(args, "init_slope", None) is not None or getattr(args, "init_intercept", None) is not None:
        raise ValueError("--init-slope and --init-intercept are for --model line; a network starts from --seed")
    if args.scale == "none":
        raise ValueError("--model network always standardizes its inputs and target: drop --scale none")
    return NetworkConfig(**values, x1=names[0], x2=names[1], x3=names[2], y=args.y)


# --- what a run did, in words -----------------------------------------------------------------------------------


def network_verdict(fit: NetworkFit, suggest: float = 0.05) -> Verdict:
    """Converging, crawling, diverging (the loss rose) or diverged (the numbers overflowed)."""
    run, lr = fit.run, fit.config.learning_rate
    name = "SSE" if fit.config.loss == "sse" else "MSE"
    if run.diverged_at is not None:
        return Verdict(
            "diverged",
            f"Diverged: at epoch {run.diverged_at} {run.reason}, so the run stopped there. The learning rate "
            f"{lr:g} is far too large: each step overshoots the valley and lands higher up the other side, further "
            f"each time. Try a smaller one, such as {suggest:g}.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    count = run.epochs  # epochs, not steps: a mini-batch run takes several steps per epoch
    went = f"the {name} went from {written(first)} to {written(last)} in {count:,} epoch{'' if count == 1 else 's'}"
    if not last <= first:
        return Verdict(
            "diverging",
            f"Going the wrong way: {went}. The steps are too big: each one jumps across the valley and lands "
            f"higher up. Try a smaller learning rate, such as {suggest:g}.",
        )
    if first - last < 1e-3 * first:
        return Verdict(
            "crawling",
            f"Barely moving: {went}. At learning rate {lr:g} each step is tiny; raise it (try {suggest:g}) or take "
            "more epochs.",
        )
    return Verdict(
        "converging",
        f"Going downhill: {went}. For comparison, always guessing the average {named(fit.config)[0]} gives "
        f"{written(baseline_loss(fit), 6)}.",
    )


MODEL = Model(
    "network",
    NetworkConfig,
    fit_on,
    script,
    Command(ABOUT, ",".join(NetworkConfig().inputs), from_args, command),
)
