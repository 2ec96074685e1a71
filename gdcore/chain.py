"""A deep chain: one node per layer, so the chain rule's product can be read layer by layer.

    z1 = w1 . x + b1              (x: three columns, say bedrooms, bathrooms, lot size; w1 has 3 weights)
    z_l = w_l * a_(l-1) + b_l     for l = 2..L
    a_l = act(z_l)                (sigmoid, tanh or relu)
    prediction = w_out * a_L

params is the vector (w1 (3 numbers), w2..wL, b1..bL, w_out), shape (2L + 3,); X has shape (n, 3),
y (n,). The loss is the mean of squared errors. Backwards, every layer multiplies the gradient by
one factor w_l * act'(z_l): many factors below 1 make the early layers' gradients vanish, many
above 1 make them explode. Everything about the chain is here: its passes forward and back (first), its
config, its start and fit on a data set, its NumPy script and its verdicts; its entry in gdcore/models.py is
`MODEL`, at the end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from gdcore import scripts
from gdcore.batches import take
from gdcore.config import Experiment, Training, check, field_of, spec
from gdcore.data import select_columns, standardize_columns
from gdcore.descent import Run
from gdcore.experiment import Model, train
from gdcore.narrate import Verdict, named
from gdcore.network import ACTIVATIONS, NetworkConfig, activate, activate_slope
from gdcore.numbers import written

INPUTS = ("bedrooms", "bathrms", "lotsize")  # the house data's columns layer 1 reads unless told
TARGET = "price"
INPUT_SCALINGS = ("standardize", "raw")
# Layer 1's gradient below 1/1000 of the last layer's is vanishing; above 1000 times, exploding.
VANISHING, EXPLODING = 1e-3, 1e3


def parameter_names(depth: int, columns: tuple[str, ...] = INPUTS) -> tuple[str, ...]:
    """w1_bedrooms, w1_bathrms, w1_lotsize (w1_ and each input column), w2..wL, b1..bL, w_out: the order of params."""
    weights = [f"w{layer}" for layer in range(2, depth + 1)]
    biases = [f"b{layer}" for layer in range(1, depth + 1)]
    return (*(f"w1_{name}" for name in columns), *weights, *biases, "w_out")


def unpack(params, depth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Split params into w1 (3,), w (L-1,) = [w2..wL], b (L,) = [b1..bL] and w_out."""
    p = np.asarray(params, dtype=float)
    return p[:3], p[3 : depth + 2], p[depth + 2 : 2 * depth + 2], p[-1]


def initial_params(depth: int, scale: float, seed: int) -> np.ndarray:
    """Every weight scale * Uniform(0.5, 1.5), every bias 0.

    The weights are all positive on purpose: with relu, a negative weight after layer 1 would
    switch every later node off for every house at once (a "dead" chain, gradient exactly 0),
    which is a different lesson from vanishing. With positive weights and zero biases, a house
    that gets through layer 1 gets through all of them.
    """
    rng = np.random.default_rng(seed)
    weights = scale * rng.uniform(0.5, 1.5, size=3 + depth)  # w1 (3), w2..wL, w_out
    return np.concatenate([weights[:-1], np.zeros(depth), weights[-1:]])


def forward(params, X: np.ndarray, depth: int, activation: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run the chain: z (n, L) before each activation, a (n, L) after it, and the prediction (n,).

    Numbers too large for a 64-bit float overflow quietly (no warning): the caller checks np.isfinite.
    """
    w1, w, b, w_out = unpack(params, depth)
    z = np.empty((len(X), depth))
    a = np.empty((len(X), depth))
    with np.errstate(over="ignore", invalid="ignore"):
        z[:, 0] = X @ w1 + b[0]  # (n, 3) @ (3,) -> (n,): layer 1 sees all three inputs
        a[:, 0] = activate(z[:, 0], activation)
        for layer in range(1, depth):  # column `layer` is layer number layer + 1
            z[:, layer] = w[layer - 1] * a[:, layer - 1] + b[layer]
            a[:, layer] = activate(z[:, layer], activation)
        return z, a, w_out * a[:, -1]


def loss(params, X: np.ndarray, y: np.ndarray, depth: int, activation: str) -> float:
    """Mean of squared errors, (y - prediction)^2 averaged over the houses (not finite if it overflows)."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = y - forward(params, X, depth, activation)[2]
        return float(np.mean(e**2))


def loss_grad(params, X: np.ndarray, y: np.ndarray, depth: int, activation: str) -> np.ndarray:
    """Every partial derivative by the chain rule (backpropagation), in the order of parameter_names.

    Backwards from the loss, delta_l = dL/dz_l (one number per house):
        delta_L = dL/dprediction * w_out * act'(z_L)
        delta_l = delta_(l+1) * w_(l+1) * act'(z_l)      <- one more factor w * act' per layer
    and each weight's gradient is its delta times what it multiplies:
        dL/dw_l = sum delta_l * a_(l-1)     dL/dw1 = sum delta_1 * x     dL/db_l = sum delta_l
    """
    w1, w, b, w_out = unpack(params, depth)
    z, a, prediction = forward(params, X, depth, activation)
    with np.errstate(over="ignore", invalid="ignore"):
        d_pred = -2.0 * (y - prediction) / len(y)  # (n,)
        delta = np.empty_like(z)  # (n, L)
        delta[:, -1] = d_pred * w_out * activate_slope(z[:, -1], activation)
        for layer in range(depth - 2, -1, -1):
            delta[:, layer] = delta[:, layer + 1] * w[layer] * activate_slope(z[:, layer], activation)
        d_w1 = X.T @ delta[:, 0]  # (3, n) @ (n,) -> (3,)
        d_w = np.sum(delta[:, 1:] * a[:, :-1], axis=0)  # (L-1,): w2..wL
        d_out = d_pred @ a[:, -1]
        return np.concatenate([d_w1, d_w, delta.sum(axis=0), [d_out]])


def per_layer(vector, depth: int) -> np.ndarray:
    """The size of each layer's bias entry in a params-shaped vector (a gradient or a step), shape (L,).

    For the gradient this is the chain rule's product, one factor w * act' per layer above l:
        dL/db_l = sum over houses of dL/dpred * w_out * act'(z_L) * w_L * ... * w_(l+1) * act'(z_l)
    A weight's gradient has one more factor, the activation it multiplies, which in a relu chain
    grows just as fast as the product shrinks: the bias shows the product alone.
    """
    return np.abs(unpack(vector, depth)[2])


# --- its config, its start and its fit on a data set -----------------------------------------------------------


@dataclass(frozen=True)
class ChainConfig(Experiment):
    """Everything that decides a chain's backward pass and its descent; equal configs give equal runs."""

    # How many layers of the activation, one node each. 2 is shallow; at 30 the product has 30 factors.
    depth: int = field(default=10, metadata=spec("depth", 2, 30, label="number of layers"))
    # Every starting weight is scale * a random number between 0.5 and 1.5: the typical weight size.
    scale: float = field(default=1.0, metadata=spec("scale", 0.1, 10.0, label="weight scale"))
    # Sigmoid, the default, shows vanishing gradients at once: each layer multiplies by at most 0.25 * w.
    activation: str = field(default="sigmoid", metadata=spec("act", choices=ACTIVATIONS, label="activation"))
    # "standardize": inputs and target become (value - mean) / std; "raw": as the data has them.
    inputs: str = field(default="standardize", metadata=spec("inputs", choices=INPUT_SCALINGS, label="input scaling"))
    # A few epochs are enough to see a descent stall or blow up. The starting weights are drawn with the seed.
    learning_rate: float = field_of(Training, "learning_rate", 0.1, low=1e-6, high=10.0)
    epochs: int = field_of(Training, "epochs", 20, high=100)
    seed: int = field_of(Training, "seed", 0)
    # The three columns layer 1 reads and the target, as the small network's (the same link keys).
    x1: str = field_of(NetworkConfig, "x1")
    x2: str = field_of(NetworkConfig, "x2")
    x3: str = field_of(NetworkConfig, "x3")
    y: str = field_of(NetworkConfig, "y")

    def __post_init__(self) -> None:
        check(self)
        if len({*self.columns, self.y}) < 4:
            raise ValueError("the three inputs and the target must be four different columns")

    @property
    def columns(self) -> tuple[str, str, str]:
        """The three input columns (the `inputs` field is how they are scaled)."""
        return (self.x1, self.x2, self.x3)

    @property
    def step_work(self) -> int:
        return self.depth + 2  # a loop over the layers, forward and back: about depth + 2 steps of the line


@dataclass(frozen=True, eq=False)
class ChainFit:
    """One backward pass from the starting weights, and the descent from them."""

    config: ChainConfig
    X: np.ndarray  # (n, 3) the inputs the chain saw: standardized or raw
    y: np.ndarray  # (n,) the target it saw
    gradient: np.ndarray  # (2L + 3,) dL/dparams at the start; inf or nan where the numbers overflowed
    sizes: np.ndarray  # (L,) per_layer(gradient): |dL/db_l| for each layer
    run: Run

    @property
    def rows(self) -> int:
        return len(self.y)

    def loss(self, params) -> float:
        return loss(params, self.X, self.y, self.config.depth, self.config.activation)

    @property
    def baseline(self) -> float:
        """The loss of guessing the average price for every house: the variance of y."""
        return float(np.var(self.y))

    def factors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """At the starting weights, per layer l = 1..L: the houses' z_l, shape (n, L); the average slope
        act'(z_l), shape (L,); and the weight above the layer (w_(l+1), or w_out for the last), shape (L,).

        Going back from layer l + 1 to layer l multiplies the gradient by weight above x act'(z_l).
        """
        z = forward(self.run.start, self.X, self.config.depth, self.config.activation)[0]  # (n, L)
        with np.errstate(over="ignore", invalid="ignore"):
            slopes = activate_slope(z, self.config.activation).mean(axis=0)  # (L,)
        _, w, _, w_out = unpack(self.run.start, self.config.depth)
        return z, slopes, np.append(w, w_out)

    @property
    def moved(self) -> np.ndarray:
        """How far each layer's bias moved over the descent, per_layer(final - start), shape (L,)."""
        return per_layer(np.subtract(self.run.final, self.run.start), self.config.depth)


def fit_chain(config: ChainConfig, X: np.ndarray, y: np.ndarray) -> ChainFit:
    """One backward pass and `config.epochs` epochs of gradient descent, on X (n, 3) and y (n,)."""
    if config.inputs == "standardize":
        X = standardize_columns(X, config.columns)
        y = standardize_columns(y[:, None], [config.y])[:, 0]
    depth, act = config.depth, config.activation
    start = initial_params(depth, config.scale, config.seed)

    def loss_and_grad(params, rows):
        Xb, yb = take(X, rows), take(y, rows)  # this step's batch
        return loss(params, Xb, yb, depth, act), loss_grad(params, Xb, yb, depth, act)

    def whole_loss(params):
        return loss(params, X, y, depth, act)

    gradient = loss_grad(start, X, y, depth, act)
    run = train(config, loss_and_grad, whole_loss, start, parameter_names(depth, config.columns), len(y))
    return ChainFit(config=config, X=X, y=y, gradient=gradient, sizes=per_layer(gradient, depth), run=run)


def fit_on(config: ChainConfig, table: pd.DataFrame) -> ChainFit:
    """One backward pass and the descent, on the table's columns config.columns and config.y."""
    return fit_chain(config, *select_columns(table, config.columns, config.y))  # X (n, 3), y (n,)


# --- its NumPy script ---------------------------------------------------------------------------------------------

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


def script(config: ChainConfig, data: str, script_name: str = "reproduce.py") -> str:
    """The deep chain's run as a standalone NumPy script (see gdcore.line.script): its ledger, as the gradients page
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
        training=scripts.training_settings(config),
        activation_code=scripts.ACTIVATION,
    )
    return scripts.script(what, model, config, script_name)


# --- what a run did, in words -----------------------------------------------------------------------------------


def _g(value: float) -> str:
    """A number in words-and-digits: 3 significant digits, or "too large to store" for inf and nan."""
    return written(value, 3) if math.isfinite(value) else "too large to store"


def gradient_verdict(sizes: np.ndarray, one: str = "house") -> Verdict:
    """Vanishing, exploding or healthy, from the ratio of layer 1's gradient to the last layer's.

    ratio < 1e-3: vanishing; ratio > 1e3: exploding; otherwise healthy. Numbers that overflowed
    (inf or nan) and a last layer whose gradient is exactly 0 get their own sentences.
    """
    depth = len(sizes)
    bad = [layer for layer, size in enumerate(sizes, start=1) if not np.isfinite(size)]
    if bad:
        return Verdict(
            "overflow",
            f"Too large to store: from layer {max(bad)} down to layer {min(bad)} the gradients grew beyond the "
            "largest 64-bit float (about 1.8e308), so they cannot be shown. The product of the layers' "
            "factors exploded; try a smaller scale or fewer layers.",
        )
    first, last = float(sizes[0]), float(sizes[-1])
    if last == 0:
        return Verdict(
            "dead",
            f"No gradient at all: layer {depth}'s gradient is exactly 0 (its node is switched off or flat for "
            f"every {one}), so no layer gets a signal and nothing can move.",
        )
    ratio = first / last
    compare = f"layer 1's gradient is {_g(ratio)} times layer {depth}'s"
    if ratio < VANISHING:
        if first == 0:
            compare = f"layer 1's gradient is exactly 0 (too small for a 64-bit float), layer {depth}'s {_g(last)}"
        return Verdict(
            "vanishing",
            f"Vanishing: {compare}. A step that moves layer {depth} a useful amount barely moves layer 1, so "
            "the early layers hardly learn.",
        )
    if ratio > EXPLODING:
        return Verdict(
            "exploding",
            f"Exploding: {compare}. A learning rate small enough for layer {depth} is far too big for layer 1: "
            "its steps are too big to be useful, and the descent is thrown around or overflows.",
        )
    return Verdict(
        "healthy",
        f"Healthy: {compare}, within a factor of 1,000, so one learning rate can suit every layer.",
    )


def descent_verdict(fit: ChainFit) -> Verdict:
    """Blew up, stuck, blowing up, stalling or learning: what the descent's losses did, in words."""
    run, depth = fit.run, fit.config.depth
    moved = fit.moved  # (L,) how far each layer's bias went in all
    motion = f"Layer 1's bias moved {_g(moved[0])} in all, layer {depth}'s {_g(moved[-1])}."
    if run.diverged_at is not None and not run.records:
        return Verdict(
            "overflow",
            f"Blew up before the first step: at epoch 1 {run.reason}. The starting weights are already so large "
            "that the numbers do not fit; try a smaller scale or fewer layers.",
        )
    if run.diverged_at is not None:
        steps = len(run.records)
        return Verdict(
            "overflow",
            f"Blew up: at epoch {run.diverged_at} {run.reason}, so the run stopped there, after {steps} "
            f"step{'' if steps == 1 else 's'}. The steps were too big to be useful: they threw the weights far "
            "from any sensible value.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    if not math.isfinite(last):  # the last step was finite, but the loss after it is not
        return Verdict(
            "overflow",
            f"Blew up: after epoch {run.epochs} the loss grew too large to store in a 64-bit float. The "
            "steps were too big to be useful.",
        )
    epochs = f"{run.epochs} epoch{'' if run.epochs == 1 else 's'}"
    losses = f"the loss went from {written(first, 4)} to {written(last, 4)} in {epochs}"
    target, one = named(fit.config)
    average = f"guessing the average {target} for every {one} gives {written(fit.baseline, 4)}"
    # Once every gradient is 0 the step is 0, so the weights never change again.
    stuck = next((r.epoch for r in run.records if not np.any(r.gradient)), None)
    if stuck is not None:
        cut = (
            f"a whole layer of relus is switched off (z <= 0) for every {one}"
            if fit.config.activation == "relu"
            else f"a layer sits so far out on the flat part of the {fit.config.activation} that its slope is 0"
        )
        return Verdict(
            "stuck",
            f"Stuck: {losses}, but from epoch {stuck} on every gradient is exactly 0: {cut}, so no step can "
            f"change anything again. {motion}",
        )
    if last > 1.01 * first:
        return Verdict("blowing up", f"Blowing up: {losses}: each step lands higher than the last. {motion}")
    if last > 0.9 * fit.baseline:
        return Verdict(
            "stalling",
            f"Stalling: {losses}, while {average}: the chain has learned little more than the average. {motion}",
        )
    return Verdict(
        "learning",
        f"Learning: {losses}, below the {written(fit.baseline, 4)} that guessing the average {target} for every {one} "
        f"gives. {motion}",
    )


MODEL = Model("chain", ChainConfig, fit_on, script)  # the command line does not run it
