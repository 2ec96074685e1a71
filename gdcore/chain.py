"""A deep chain: one node per layer, so the chain rule's product can be read layer by layer.

    z1 = w1 . x + b1              (x: three columns, say bedrooms, bathrooms, lot size; w1 has 3 weights)
    z_l = w_l * a_(l-1) + b_l     for l = 2..L
    a_l = act(z_l)                (sigmoid, tanh or relu)
    prediction = w_out * a_L

params is the vector (w1 (3 numbers), w2..wL, b1..bL, w_out), shape (2L + 3,); X has shape (n, 3),
y (n,). The loss is the mean of squared errors. Backwards, every layer multiplies the gradient by
one factor w_l * act'(z_l): many factors below 1 make the early layers' gradients vanish, many
above 1 make them explode.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdcore.batches import take
from gdcore.config import ACTIVATIONS, Experiment, NetworkConfig, Training, check, field_of, spec
from gdcore.descent import Run
from gdcore.experiment import standardize_columns, train
from gdcore.network import activate, activate_slope

INPUTS = ("bedrooms", "bathrms", "lotsize")  # the house data's columns layer 1 reads unless told
TARGET = "price"
INPUT_SCALINGS = ("standardize", "raw")
# Layer 1's gradient below 1/1000 of the last layer's is vanishing; above 1000 times, exploding.
VANISHING, EXPLODING = 1e-3, 1e3


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
