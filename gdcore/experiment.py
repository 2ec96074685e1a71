"""A gradient-descent experiment on a line: the config plus the data give one Fit."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from gdcore import line, network, optimizers
from gdcore.batches import epoch_batches, shuffle_stream, take
from gdcore.config import DescentConfig, NetworkConfig, Training
from gdcore.data import DataError, Dataset, too_close
from gdcore.descent import Run, descend


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


def initial_line(seed: int, x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """A random (slope, intercept) from `seed`, sized to the data.

    slope ~ Normal(0, std(y) / std(x)), intercept ~ Normal(0, std(y)): a guess of the right
    order of magnitude, which is all a random start needs to be.
    """
    rng = np.random.default_rng(seed)
    slope, intercept = rng.normal(size=2) * [y.std() / x.std(), y.std()]
    return float(slope), float(intercept)


@dataclass(frozen=True, eq=False)
class Fit:
    """A finished descent, with what is needed to read it in the data's own units."""

    config: DescentConfig
    x: np.ndarray  # (n,) the x the descent saw: raw or standardized
    y: np.ndarray  # (n,)
    x_mean: float  # how to undo the scaling (mean 0 and std 1 when there is none)
    x_std: float
    y_mean: float
    y_std: float
    run: Run
    max_stable_lr: float  # 2 / largest eigenvalue of the loss's Hessian
    best: tuple[float, float]  # the least-squares line, in the same units as the run
    best_loss: float
    bowl: line.Bowl  # the sums that give the loss on every row at once

    @property
    def rows(self) -> int:
        return len(self.x)

    def loss(self, params) -> float:
        """The config's loss at `params`, on the data the descent saw (inf if it overflows)."""
        with np.errstate(all="ignore"):
            return float(line.bowl_loss(params, self.bowl, self.config.loss))

    def whole_gradient(self, params) -> np.ndarray:
        """The gradient on every row at `params`, to set beside a batch's gradient, shape (2,)."""
        with np.errstate(all="ignore"):
            return line.bowl_loss_grad(params, self.bowl, self.config.loss)

    def in_data_units(self, params) -> tuple[float, float]:
        """(slope, intercept) in the data's own units, e.g. dollars per bedroom and dollars."""
        return line.unscale(params, self.x_mean, self.x_std, self.y_mean, self.y_std)


def fit_line(config: DescentConfig, data: Dataset) -> Fit:
    """Run gradient descent on `data` as `config` says."""
    x, y = data.x, data.y
    x_mean, x_std, y_mean, y_std = 0.0, 1.0, 0.0, 1.0
    if np.ptp(x) == 0:  # every line through the data has the same loss: there is no bottom to walk to
        raise DataError(f"Column '{data.x_name}' holds the same value in every row, so no line can be fitted to it.")
    problem = too_close(x, data.x_name) or too_close(y, data.y_name)  # a spread whose square underflows to 0
    if problem:
        raise DataError(problem)
    if config.scale == "standardize":
        if np.ptp(y) == 0:
            raise DataError(f"Column '{data.y_name}' holds the same value in every row, so it cannot be standardized.")
        x, x_mean, x_std = line.standardize(x)
        y, y_mean, y_std = line.standardize(y)
    if config.start == "random":
        start = initial_line(config.seed, x, y)
    else:
        start = (config.init_slope, config.init_intercept)

    bowl = line.bowl(x, y)  # a few sums, once: every full-batch step costs the same for any n

    def loss_and_grad(params, rows):
        if len(rows) == len(x):  # the whole data set
            return whole_loss(params), line.bowl_loss_grad(params, bowl, config.loss)
        xb, yb = take(x, rows), take(y, rows)  # this step's batch
        return line.loss(params, xb, yb, config.loss), line.loss_grad(params, xb, yb, config.loss)

    def whole_loss(params):
        return float(line.bowl_loss(params, bowl, config.loss))

    run = train(config, loss_and_grad, whole_loss, start, line.PARAMETERS, len(x))
    best = line.bowl_bottom(bowl)
    return Fit(
        config=config,
        x=x,
        y=y,
        x_mean=x_mean,
        x_std=x_std,
        y_mean=y_mean,
        y_std=y_std,
        run=run,
        max_stable_lr=line.max_stable_lr(bowl, config.loss),
        best=best,
        best_loss=float(line.bowl_loss(best, bowl, config.loss)),
        bowl=bowl,
    )


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
            return network.loss(params, self.X, self.y, self.config.activation, self.config.loss)

    def predict_in_data_units(self, params) -> np.ndarray:
        """Predictions in the target's own units, e.g. dollars, shape (n,)."""
        with np.errstate(all="ignore"):
            return network.predict(params, self.X, self.config.activation) * self.y_std + self.y_mean

    def dollars_error(self, loss: float) -> float:
        """The root mean squared error in the target's units (dollars), from a loss on the standardized target."""
        mse = loss / (1 if self.config.loss == "mse" else len(self.y))
        with np.errstate(all="ignore"):
            return float(np.sqrt(mse) * self.y_std)

    def finite_difference(self, params) -> np.ndarray:
        """The gradient on every row by central finite differences, shape (10,): what backpropagation must match."""
        with np.errstate(all="ignore"):
            return network.numerical_gradient(self.loss, params)


def standardize_columns(X: np.ndarray, names) -> np.ndarray:
    """Each column (value - mean) / population std; a constant column cannot be standardized."""
    # Same value in every row: test the spread (max - min), since std can round to 1e-17 instead of 0.
    for name, spread, values in zip(names, np.ptp(X, axis=0), X.T):
        if spread == 0:
            raise DataError(f"Column '{name}' holds the same value in every row, so it cannot be standardized.")
        if too_close(values, name):  # a spread whose square underflows: its std would be 0
            raise DataError(too_close(values, name))
    return (X - X.mean(axis=0)) / X.std(axis=0)  # (n, k) - (k,) broadcasts over rows


def fit_network(config: NetworkConfig, X: np.ndarray, y: np.ndarray) -> NetworkFit:
    """Standardize X (n, 3) and y (n,), then run gradient descent on the 10 parameters."""
    Xs = standardize_columns(X, config.inputs)
    ys = standardize_columns(y[:, None], [config.y])[:, 0]

    def loss_and_grad(params, rows):
        Xb, yb = take(Xs, rows), take(ys, rows)  # this step's batch
        return network.loss_and_grad(params, Xb, yb, config.activation, config.loss)  # one pass forward, one back

    def whole_loss(params):
        return network.loss(params, Xs, ys, config.activation, config.loss)

    start = network.initial_params(config.seed)
    run = train(config, loss_and_grad, whole_loss, start, network.PARAMETERS, len(ys))
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
