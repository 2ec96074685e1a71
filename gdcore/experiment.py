"""A gradient-descent experiment on a line: the config plus the data give one Fit."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from gdcore import line, network
from gdcore.batches import epoch_batches, shuffle_stream, take
from gdcore.config import DescentConfig, NetworkConfig, Training
from gdcore.data import DataError, Dataset
from gdcore.descent import Run, descend


def train(config: Training, loss_and_grad, whole_loss, start, names, n: int) -> Run:
    """Descend as `config` says: its optimizer, its learning-rate schedule and its batches of n rows.

    loss_and_grad(params, rows) -> (loss, gradient) on those rows; whole_loss(params) is the loss
    on all n rows, which every record keeps. The shuffle has its own random stream, from the seed.
    """
    shuffles = shuffle_stream(config.seed)
    full = config.batch_size <= 0 or config.batch_size >= n
    return descend(
        loss_and_grad,
        start,
        config.learning_rate,
        config.epochs,
        names,
        optimizer=config.optimizer,
        hyper=config.hyper,
        schedule=None if config.schedule == "constant" and not config.warmup else config.rate,
        batches=lambda epoch: epoch_batches(n, config.batch_size, config.shuffle, shuffles),
        whole_loss=None if full else whole_loss,  # a full batch's loss already is the whole data set's
    )


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

    def loss(self, params) -> float:
        """The config's loss at `params`, on the data the descent saw (inf if it overflows)."""
        with np.errstate(all="ignore"):
            return line.loss(params, self.x, self.y, self.config.loss)

    def whole_gradient(self, params) -> np.ndarray:
        """The gradient on every row at `params`, to set beside a batch's gradient, shape (2,)."""
        with np.errstate(all="ignore"):
            return line.loss_grad(params, self.x, self.y, self.config.loss)

    def in_data_units(self, params) -> tuple[float, float]:
        """(slope, intercept) in the data's own units, e.g. dollars per bedroom and dollars."""
        return line.unscale(params, self.x_mean, self.x_std, self.y_mean, self.y_std)


def fit_line(config: DescentConfig, data: Dataset) -> Fit:
    """Run gradient descent on `data` as `config` says."""
    x, y = data.x, data.y
    x_mean, x_std, y_mean, y_std = 0.0, 1.0, 0.0, 1.0
    if config.scale == "standardize":
        if np.ptp(y) == 0:
            raise DataError(f"Column '{data.y_name}' holds the same value in every row, so it cannot be standardized.")
        x, x_mean, x_std = line.standardize(x)
        y, y_mean, y_std = line.standardize(y)
    if config.start == "random":
        start = initial_line(config.seed, x, y)
    else:
        start = (config.init_slope, config.init_intercept)

    def loss_and_grad(params, rows):
        xb, yb = take(x, rows), take(y, rows)  # this step's batch
        return line.loss(params, xb, yb, config.loss), line.loss_grad(params, xb, yb, config.loss)

    def whole_loss(params):
        return line.loss(params, x, y, config.loss)

    run = train(config, loss_and_grad, whole_loss, start, line.PARAMETERS, len(x))
    best = line.least_squares(x, y)
    return Fit(
        config=config,
        x=x,
        y=y,
        x_mean=x_mean,
        x_std=x_std,
        y_mean=y_mean,
        y_std=y_std,
        run=run,
        max_stable_lr=line.max_stable_lr(x, config.loss),
        best=best,
        best_loss=line.loss(best, x, y, config.loss),
    )


@dataclass(frozen=True)
class Verdict:
    kind: str  # "converging", "oscillating", "diverging" or "diverged"
    sentence: str


def progress(fit: Fit) -> float:
    """How much of the way from the starting loss to the least possible loss the run has gone, 0..1."""
    start_loss = fit.loss(fit.run.start)
    gap = start_loss - fit.best_loss
    if not math.isfinite(gap) or gap <= 0:
        return 1.0
    return (start_loss - fit.loss(fit.run.final)) / gap


def epochs_to_converge(fit: Fit, tolerance: float = 1e-6) -> float:
    """About how many epochs shrink the distance to the minimum by `tolerance` (inf if never).

    Each epoch multiplies the distance along the Hessian's eigenvectors by (1 - lr * h);
    the slowest of those factors sets the pace.
    """
    rate = max(abs(c) for c in line.contraction(fit.x, fit.config.loss, fit.config.learning_rate))
    if rate >= 1:
        return math.inf
    if rate == 0:
        return 1
    return math.ceil(math.log(tolerance) / math.log(rate))


def most_epochs(config) -> int:
    """The most epochs the config (and so the page's box) accepts."""
    return type(config).__dataclass_fields__["epochs"].metadata["high"]


def trained_verdict(fit: Fit) -> Verdict:
    """The verdict of a run that is not plain full-batch descent: read from its losses, since the
    Hessian's rule for the largest stable rate holds only for plain steps."""
    run, config = fit.run, fit.config
    if run.diverged_at is not None:
        return Verdict(
            "diverged",
            f"Diverged: at epoch {run.diverged_at} {run.reason}, so the run stopped there. The steps grew until "
            f"the numbers no longer fit: try a smaller learning rate than {config.learning_rate:g}.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    losses = f"the loss went from {first:.4g} to {last:.4g} (the lowest possible is {fit.best_loss:.4g})"
    noisy = (
        " Each step saw only a batch of the houses, so the steps wobble around the way down."
        if (0 < config.batch_size < len(fit.x))
        else ""
    )
    if not last <= first:
        return Verdict(
            "diverging",
            f"Going the wrong way: {losses}. The steps overshoot the valley; try a smaller learning rate.{noisy}",
        )
    share = progress(fit)
    if share >= 0.999:
        return Verdict("converging", f"Converging: the ball rolls down to the bottom; {losses}.{noisy}")
    if share < 0.01:
        return Verdict(
            "crawling",
            f"Crawling: {losses}, only {100 * share:.2f}% of the way down. Raise the learning rate or add "
            f"epochs.{noisy}",
        )
    return Verdict(
        "converging",
        f"Converging: {losses}, {100 * share:.1f}% of the way down so far; more epochs would get closer.{noisy}",
    )


def verdict(fit: Fit) -> Verdict:
    """Converging, oscillating or diverging, in words a learner can follow."""
    if not fit.config.plain(len(fit.x)):
        return trained_verdict(fit)
    run, lr, lr_max = fit.run, fit.config.learning_rate, fit.max_stable_lr
    if run.diverged_at is not None:
        return Verdict(
            "diverged",
            f"Diverged: at epoch {run.diverged_at} {run.reason}, so the run stopped there. "
            f"The learning rate {lr:g} is above the largest stable rate for this data, "
            f"{lr_max:.4g} (2 / the largest eigenvalue of the loss's Hessian): every step "
            f"overshoots the bottom of the valley by more than the last. Try a learning rate below {lr_max:.4g}.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    losses = f"the loss went from {first:.4g} to {last:.4g} (the lowest possible is {fit.best_loss:.4g})"
    if math.isclose(lr, lr_max, rel_tol=1e-6):
        return Verdict(
            "oscillating",
            f"Bouncing: {losses}. At exactly the largest stable learning rate, {lr_max:.4g}, each step lands as "
            "high up the other side of the valley as it started, so the ball bounces from wall to wall without "
            "settling. A little lower and it settles; a little higher and it flies off.",
        )
    if lr > lr_max:
        return Verdict(
            "diverging",
            f"Diverging: {losses}. Each step jumps across the valley and lands higher up the other "
            f"side. The largest stable learning rate here is {lr_max:.4g}; try one below it.",
        )
    share = progress(fit)
    steep = line.contraction(fit.x, fit.config.loss, lr)[1]  # the factor of the steepest direction
    if steep < 0:
        kind, how = (
            "oscillating",
            (
                "Oscillating: the guesses zig-zag from one side of the valley to the other, "
                "but each jump is smaller, so it still settles"
            ),
        )
    else:
        kind, how = "converging", "Converging: the ball rolls steadily downhill"
    sentence = f"{how}; {losses}."
    if share < 0.999:
        more = epochs_to_converge(fit)
        pace = "it barely moves" if math.isinf(more) else f"it needs about {more:,} epochs in all to reach the bottom"
        if more > most_epochs(fit.config) and not math.isinf(more):
            pace += f", more than the {most_epochs(fit.config):,} the page allows: raise the learning rate"
        sentence += f" It has covered {100 * share:.1f}% of the way down; at this learning rate {pace}."
    return Verdict(kind, sentence)


def why_different(fit: Fit, reference: tuple[float, float], rtol: float = 1e-6) -> tuple[bool, str]:
    """Does the descent's line match `reference` (slope, intercept in data units)? And if not, why.

    Returns (agrees, sentence).
    """
    got = fit.in_data_units(fit.run.final)
    size = max(abs(value) for value in reference)  # a parameter near 0 is judged on the other's scale
    if all(math.isclose(a, b, rel_tol=rtol, abs_tol=rtol * size) for a, b in zip(got, reference)):
        return True, (
            f"They agree to within {rtol:g} relative: after {len(fit.run.records)} epochs gradient descent has "
            "walked to the same bottom of the bowl that the formula jumps to directly."
        )
    lr, lr_max = fit.config.learning_rate, fit.max_stable_lr
    if not fit.config.plain(len(fit.x)):
        if fit.run.diverged_at is not None:
            return False, f"They differ because the descent diverged: {trained_verdict(fit).sentence}"
        return False, (
            f"They differ because the descent has not reached the bottom yet: after {fit.run.epochs} epochs its "
            f"slope is still {abs(got[0] - reference[0]):.4g} and its intercept {abs(got[1] - reference[1]):.4g} "
            "away from the answer (in the data's units). "
            + (
                "With mini-batches each step follows a few houses, so the line keeps wobbling near the bottom "
                "instead of settling on it; a larger batch, or a schedule that lowers the rate, settles it."
                if 0 < fit.config.batch_size < len(fit.x)
                else "Add epochs, or change the learning rate."
            )
        )
    if fit.run.diverged_at is not None or lr >= lr_max:
        return False, (
            f"They differ because the descent diverged: the learning rate {lr:g} is at or above the largest "
            f"stable rate {lr_max:.4g}, so every step overshoots further. Lower it below {lr_max:.4g}."
        )
    rate = max(abs(c) for c in line.contraction(fit.x, fit.config.loss, lr))  # per-epoch shrink factor
    off = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(got, reference))  # relative distance now
    more = math.inf if rate >= 1 else max(1, math.ceil(math.log(rtol / off) / math.log(rate))) if rate > 0 else 1
    sentence = (
        f"They differ because the descent has not converged yet: after {len(fit.run.records)} epochs its slope "
        f"is still {abs(got[0] - reference[0]):.4g} and its intercept {abs(got[1] - reference[1]):.4g} "
        "away from the answer (in the data's units)"
    )
    room = most_epochs(fit.config) - len(fit.run.records)  # more epochs the page's box still allows
    if math.isinf(more) or more > room:
        sentence += (
            f", and at learning rate {lr:g} it would need "
            f"{'forever' if math.isinf(more) else f'about {more:,} more epochs'}"
            + ("" if math.isinf(more) else f", more than the {most_epochs(fit.config):,} the page allows")
            + ". The learning rate is too small for "
        )
        if fit.config.scale == "none":
            sentence += (
                "the shape of this loss: in raw units the bowl is long and narrow (the slope and the intercept "
                "pull in very different amounts), so a rate small enough for the steep side crawls along the "
                "flat one. Standardize the features, or raise the learning rate towards "
                f"{lr_max:.4g}."
            )
        else:
            sentence += f"this loss: raise it towards {lr_max:.4g}."
    else:
        sentence += (
            f"; about {more:,} more epoch{'s' if more > 1 else ''} would get within {rtol:g} relative. Add epochs."
        )
    return False, sentence


@dataclass(frozen=True, eq=False)
class NetworkFit:
    """A finished descent of the small network, on standardized inputs and target."""

    config: NetworkConfig
    X: np.ndarray  # (n, 3) standardized inputs
    y: np.ndarray  # (n,) standardized target
    y_mean: float  # to turn predictions back into the target's units (dollars)
    y_std: float
    run: Run

    def loss(self, params) -> float:
        with np.errstate(all="ignore"):
            return network.loss(params, self.X, self.y, self.config.activation, self.config.loss)

    def predict_in_data_units(self, params) -> np.ndarray:
        """Predictions in the target's own units, e.g. dollars, shape (n,)."""
        with np.errstate(all="ignore"):
            return network.predict(params, self.X, self.config.activation) * self.y_std + self.y_mean


def standardize_columns(X: np.ndarray, names) -> np.ndarray:
    """Each column (value - mean) / population std; a constant column cannot be standardized."""
    # Same value in every row: test the spread (max - min), since std can round to 1e-17 instead of 0.
    for name, spread in zip(names, np.ptp(X, axis=0)):
        if spread == 0:
            raise DataError(f"Column '{name}' holds the same value in every row, so it cannot be standardized.")
    return (X - X.mean(axis=0)) / X.std(axis=0)  # (n, k) - (k,) broadcasts over rows


def fit_network(config: NetworkConfig, X: np.ndarray, y: np.ndarray) -> NetworkFit:
    """Standardize X (n, 3) and y (n,), then run gradient descent on the 10 parameters."""
    Xs = standardize_columns(X, config.inputs)
    ys = standardize_columns(y[:, None], [config.y])[:, 0]

    def loss_and_grad(params, rows):
        Xb, yb = take(Xs, rows), take(ys, rows)  # this step's batch
        return (
            network.loss(params, Xb, yb, config.activation, config.loss),
            network.loss_grad(params, Xb, yb, config.activation, config.loss),
        )

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


def network_verdict(fit: NetworkFit, suggest: float = 0.05) -> tuple[str, str]:
    """("converging" | "crawling" | "rising" | "diverged", a sentence a learner can follow)."""
    run, lr = fit.run, fit.config.learning_rate
    name = "SSE" if fit.config.loss == "sse" else "MSE"
    if run.diverged_at is not None:
        return "diverged", (
            f"Diverged: at epoch {run.diverged_at} {run.reason}, so the run stopped there. The learning rate "
            f"{lr:g} is far too large: each step overshoots the valley and lands higher up the other side, further "
            f"each time. Try a smaller one, such as {suggest:g}."
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    count = len(run.records)
    went = f"the {name} went from {first:.6g} to {last:.6g} in {count:,} epoch{'' if count == 1 else 's'}"
    if not last <= first:
        return "rising", (
            f"Going the wrong way: {went}. The steps are too big: each one jumps across the valley and lands "
            f"higher up. Try a smaller learning rate, such as {suggest:g}."
        )
    if first - last < 1e-3 * first:
        return "crawling", (
            f"Barely moving: {went}. At learning rate {lr:g} each step is tiny; raise it (try {suggest:g}) or take "
            "more epochs."
        )
    return "converging", (
        f"Going downhill: {went}. For comparison, always guessing the average price gives {baseline_loss(fit):.6g}."
    )
