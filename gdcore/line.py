"""The straight line `prediction = slope * x + intercept` and its squared-error loss: the lesson's first model.

params is always the pair (slope, intercept); x and y have shape (n,). Everything about the line is here: the
loss and its gradient (first: what "Show the code" shows), its config, its start and its fit on a data set, its
NumPy script, its command line and its verdicts. Its entry in gdcore/models.py is `MODEL`, at the end.
"""

from __future__ import annotations

import argparse
import math
import shlex
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from gdcore import scripts
from gdcore.batches import take
from gdcore.config import (
    BASICS,
    LOSSES,
    STARTS,
    Experiment,
    Training,
    check,
    field_of,
    link_text,
    shown,
    spec,
    training_options,
)
from gdcore.data import SHIPPED, DataError, Dataset, select_xy, too_close
from gdcore.descent import Run
from gdcore.experiment import Command, Model, train
from gdcore.narrate import Verdict, most_epochs, named
from gdcore.numbers import written

PARAMETERS = ("slope", "intercept")


def predict(params, x: np.ndarray) -> np.ndarray:
    """prediction = slope * x + intercept, shape (n,)."""
    slope, intercept = params
    return slope * x + intercept


def errors(params, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Step 1, subtract: error = actual - predicted, shape (n,)."""
    return y - predict(params, x)


def sse(params, x: np.ndarray, y: np.ndarray) -> float:
    """Steps 2 and 3, square and add up: SSE = sum((y - (slope*x + intercept))**2)."""
    e = errors(params, x, y)
    return float(e @ e)


def sse_grad(params, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """[dSSE/dslope, dSSE/dintercept] = [-2 * sum(x * e), -2 * sum(e)], with e = y - prediction."""
    e = errors(params, x, y)
    return np.array([-2.0 * (x @ e), -2.0 * e.sum()])


def loss(params, x: np.ndarray, y: np.ndarray, kind: str = "sse") -> float:
    """The sum ("sse") or the mean ("mse" = SSE / n) of squared errors."""
    return sse(params, x, y) / (len(x) if kind == "mse" else 1)


def loss_grad(params, x: np.ndarray, y: np.ndarray, kind: str = "sse") -> np.ndarray:
    """Gradient of `loss` with respect to (slope, intercept), shape (2,)."""
    return sse_grad(params, x, y) / (len(x) if kind == "mse" else 1)


@dataclass(frozen=True)
class Bowl:
    """The loss of every line on one data set, from a few sums computed once.

    With u = x - mean(x) and the line's error at the mean x, c = intercept + slope * mean(x) - mean(y):

        SSE = least + uu * (slope - best_slope)**2 + n * c**2

    the least possible SSE, plus how far the slope is from its best, squared, times uu = sum(u**2),
    plus n times the error at the mean, squared. Every term is >= 0, so nothing cancels near the
    bottom, and each epoch costs the same for 546 rows as for a million.
    """

    n: int
    x_mean: float
    y_mean: float
    uu: float  # sum((x - mean(x))**2)
    best_slope: float  # sum(u * v) / uu, with v = y - mean(y)
    least: float  # sum((v - best_slope * u)**2): the SSE of the best line


def bowl(x: np.ndarray, y: np.ndarray) -> Bowl:
    """The sums of x (n,) and y (n,) that the loss needs, from centered values so precision holds."""
    x_mean, y_mean = float(x.mean()), float(y.mean())
    u, v = x - x_mean, y - y_mean  # (n,) centered
    uu = float(u @ u)
    best = float(u @ v) / uu
    r = v - best * u  # (n,) the best line's errors
    return Bowl(n=len(x), x_mean=x_mean, y_mean=y_mean, uu=uu, best_slope=best, least=float(r @ r))


def bowl_bottom(b: Bowl) -> tuple[float, float]:
    """The least-squares line (slope, intercept): the bottom of the bowl, where both partial derivatives are 0."""
    return b.best_slope, b.y_mean - b.best_slope * b.x_mean


def bowl_hessian(b: Bowl, kind: str = "sse") -> np.ndarray:
    """`hessian` from the sums: sum(x) = n * mean(x) and sum(x^2) = uu + n * mean(x)^2."""
    h = 2.0 * np.array([[b.uu + b.n * b.x_mean**2, b.n * b.x_mean], [b.n * b.x_mean, b.n]])
    return h / (b.n if kind == "mse" else 1)


def bowl_sse(params, b: Bowl):
    """SSE = least + uu * (slope - best_slope)**2 + n * c**2 (see Bowl); slope may be an array (k,)."""
    slope, intercept = params
    d = slope - b.best_slope  # how far the slope is from its best
    c = intercept + slope * b.x_mean - b.y_mean  # the line's error at the mean x
    return b.least + b.uu * d * d + b.n * c * c  # d * d, not d**2: Python raises on ** when a float overflows, not on *


def bowl_sse_grad(params, b: Bowl) -> np.ndarray:
    """[dSSE/dslope, dSSE/dintercept] = [2 uu (slope - best_slope) + 2 n c mean(x), 2 n c]."""
    slope, intercept = params
    c = intercept + slope * b.x_mean - b.y_mean
    return np.array([2.0 * b.uu * (slope - b.best_slope) + 2.0 * b.n * c * b.x_mean, 2.0 * b.n * c])


def bowl_loss(params, b: Bowl, kind: str = "sse"):
    """The sum ("sse") or the mean ("mse") of squared errors, from the bowl's sums."""
    return bowl_sse(params, b) / (b.n if kind == "mse" else 1)


def bowl_loss_grad(params, b: Bowl, kind: str = "sse") -> np.ndarray:
    """Gradient of `bowl_loss` with respect to (slope, intercept), shape (2,)."""
    return bowl_sse_grad(params, b) / (b.n if kind == "mse" else 1)


def loss_along_slope(slopes: np.ndarray, intercept: float, x: np.ndarray, y: np.ndarray, kind: str = "sse"):
    """The loss for each slope in `slopes` (shape (k,)) with the intercept held still: shape (k,)."""
    e = y[None, :] - (slopes[:, None] * x[None, :] + intercept)  # (k, n): one row of errors per slope
    return (e**2).sum(axis=1) / (len(x) if kind == "mse" else 1)


def hessian(x: np.ndarray, kind: str = "sse") -> np.ndarray:
    """Second derivatives of the loss, shape (2, 2): 2 * [[sum x^2, sum x], [sum x, n]].

    The loss is a bowl (a quadratic), so this matrix is the same everywhere.
    """
    n = len(x)
    h = 2.0 * np.array([[x @ x, x.sum()], [x.sum(), n]])
    return h / (n if kind == "mse" else 1)


def max_stable_lr(x: np.ndarray | Bowl, kind: str = "sse") -> float:
    """The largest learning rate that does not blow up: 2 / the largest eigenvalue of the Hessian.

    Along an eigenvector with eigenvalue h, each step multiplies the distance to the minimum by
    (1 - lr * h); that factor's size stays below 1 only while lr < 2 / h.
    """
    h = bowl_hessian(x, kind) if isinstance(x, Bowl) else hessian(x, kind)  # the data's rows, or their sums
    return float(2.0 / np.linalg.eigvalsh(h).max())


def curvatures(x: np.ndarray | Bowl, kind: str = "sse") -> tuple[float, float]:
    """The Hessian's two eigenvalues, the loss's curvature along its flattest and steepest direction, smallest first.

    The two multiply to the Hessian's determinant, 4 * n * uu for the SSE (with uu = sum((x - mean(x))**2);
    4 * uu / n for the MSE), so the smallest is that divided by the largest. eigvalsh alone can lose the smallest
    to rounding when the two are far apart, as for a column of large numbers that vary little.
    """
    h = bowl_hessian(x, kind) if isinstance(x, Bowl) else hessian(x, kind)
    high = float(np.linalg.eigvalsh(h).max())
    n, uu = (x.n, x.uu) if isinstance(x, Bowl) else (len(x), float((x - x.mean()) @ (x - x.mean())))
    scale = 4.0 * n if kind == "sse" else 4.0 / n  # the determinant is scale * uu
    return scale / high * uu, high  # determinant / high, in this order so that no product overflows


def contraction(x: np.ndarray | Bowl, kind: str, lr: float) -> tuple[float, float]:
    """The factors (1 - lr * h) for the Hessian's two eigenvalues h, smallest h first.

    A factor between 0 and 1: steady approach; between -1 and 0: zig-zag that still closes in;
    below -1: each step overshoots further (divergence); close to 1: a crawl.
    """
    low, high = curvatures(x, kind)
    return float(1.0 - lr * low), float(1.0 - lr * high)


def least_squares(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The best (slope, intercept), from the normal equation (A^T A) p = A^T y with A = [x, 1].

    When x varies little next to its size (1.000001, 1.000002, ...), A^T A is nearly singular and the normal
    equation loses digits; where it is singular to the last digit, lstsq solves the same equation instead of
    failing (its answer is then one of the lines the rounded equation allows).
    """
    a = np.column_stack([x, np.ones_like(x)])  # (n, 2)
    gram, right = a.T @ a, a.T @ y  # (2, 2), (2,)
    try:
        slope, intercept = np.linalg.solve(gram, right)
    except np.linalg.LinAlgError:  # singular
        slope, intercept = np.linalg.lstsq(gram, right, rcond=None)[0]
    return float(slope), float(intercept)


def best_slope(x: np.ndarray, y: np.ndarray, intercept: float) -> float:
    """The slope where dSSE/dslope = 0 with the intercept held fixed: sum(x * (y - b)) / sum(x^2)."""
    return float(x @ (y - intercept) / (x @ x))


def standardize(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(values - mean) / std, with the population std (ddof=0). Returns (scaled, mean, std)."""
    mean, std = float(values.mean()), float(values.std())
    return (values - mean) / std, mean, std


def unscale(params, x_mean: float, x_std: float, y_mean: float, y_std: float) -> tuple[float, float]:
    """Turn a line fitted on standardized x and y back into one in the original units.

    y_std * (slope_s * (x - x_mean) / x_std + intercept_s) + y_mean
      = (slope_s * y_std / x_std) * x + (y_mean + y_std * intercept_s - slope * x_mean)
    """
    slope_s, intercept_s = params
    slope = slope_s * y_std / x_std
    return float(slope), float(y_mean + y_std * intercept_s - slope * x_mean)


# --- its config, its start and its fit on a data set -----------------------------------------------------------

SCALES = ("none", "standardize")


@dataclass(frozen=True)
class DescentConfig(Experiment):
    """Everything that decides a gradient-descent run on a line; equal configs give equal runs."""

    # With the defaults below (standardized data, the mean loss) each epoch shrinks the distance to the answer
    # by 1 - 2 * 0.2 = 0.6, so 40 epochs land within a millionth of it; the page lets learners go from 1e-9 (a
    # crawl) to 1e6 (a blow-up).
    learning_rate: float = field_of(Training, "learning_rate", 0.2)
    epochs: int = field_of(Training, "epochs", 40, high=500)
    # Seed 8 starts well away from the answer (the line even slopes downward), so the walk
    # downhill is easy to see; seed 0 happens to start close to the bottom already.
    seed: int = field_of(Training, "seed", 8)
    # "sse": sum of squared errors; "mse": their mean (SSE / n), which keeps gradients small.
    loss: str = field(default="mse", metadata=spec("loss", choices=LOSSES, label="loss", cli="loss"))
    # "standardize" turns x and y into (value - mean) / std, so one learning rate suits both
    # parameters; "none" keeps dollars and bedrooms, where the valley is long and narrow.
    scale: str = field(default="standardize", metadata=spec("scale", choices=SCALES, label="scale", cli="scale"))
    # "random": slope and intercept drawn from `seed`; "typed": init_slope and init_intercept.
    start: str = field(default="random", metadata=spec("start", choices=STARTS, label="start"))
    init_slope: float = field(default=0.0, metadata=spec("slope0", -1e12, 1e12, label="starting slope"))
    init_intercept: float = field(default=0.0, metadata=spec("intercept0", -1e12, 1e12, label="starting intercept"))
    # The columns: the feature x and the target y.
    x: str = field(default="bedrooms", metadata=spec("x", label="x column"))
    y: str = field(default="price", metadata=spec("y", label="y column"))

    def __post_init__(self) -> None:
        check(self)
        if self.x == self.y:
            raise ValueError(f"the x column and the y column must differ, but both are {shown(self.x)}")


# The lesson's guided table of updates: five epochs at 0.05 from the line that prices every house at
# $0, on the mean of squared errors in bedrooms and dollars. There the largest stable rate is about
# 0.097, so 0.05 converges, but it is over half of that: the first step crosses the valley (the
# slope's gradient changes sign), then the walk crawls along the valley's floor.
LESSON_EXAMPLE = DescentConfig(learning_rate=0.05, epochs=5, scale="none", start="typed")


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
    bowl: Bowl  # the sums that give the loss on every row at once

    @property
    def rows(self) -> int:
        return len(self.x)

    def loss(self, params) -> float:
        """The config's loss at `params`, on the data the descent saw (inf if it overflows)."""
        with np.errstate(all="ignore"):
            return float(bowl_loss(params, self.bowl, self.config.loss))

    def whole_gradient(self, params) -> np.ndarray:
        """The gradient on every row at `params`, to set beside a batch's gradient, shape (2,)."""
        with np.errstate(all="ignore"):
            return bowl_loss_grad(params, self.bowl, self.config.loss)

    def in_data_units(self, params) -> tuple[float, float]:
        """(slope, intercept) in the data's own units, e.g. dollars per bedroom and dollars."""
        return unscale(params, self.x_mean, self.x_std, self.y_mean, self.y_std)


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
        x, x_mean, x_std = standardize(x)
        y, y_mean, y_std = standardize(y)
    if config.start == "random":
        start = initial_line(config.seed, x, y)
    else:
        start = (config.init_slope, config.init_intercept)

    sums = bowl(x, y)  # a few sums, once: every full-batch step costs the same for any n

    def loss_and_grad(params, rows):
        if len(rows) == len(x):  # the whole data set
            return whole_loss(params), bowl_loss_grad(params, sums, config.loss)
        xb, yb = take(x, rows), take(y, rows)  # this step's batch
        return loss(params, xb, yb, config.loss), loss_grad(params, xb, yb, config.loss)

    def whole_loss(params):
        return float(bowl_loss(params, sums, config.loss))

    run = train(config, loss_and_grad, whole_loss, start, PARAMETERS, len(x))
    best = bowl_bottom(sums)
    return Fit(
        config=config,
        x=x,
        y=y,
        x_mean=x_mean,
        x_std=x_std,
        y_mean=y_mean,
        y_std=y_std,
        run=run,
        max_stable_lr=max_stable_lr(sums, config.loss),
        best=best,
        best_loss=float(bowl_loss(best, sums, config.loss)),
        bowl=sums,
    )


def fit_on(config: DescentConfig, table: pd.DataFrame) -> Fit:
    """Descend on the table's columns config.x and config.y."""
    return fit_line(config, select_xy(table, config.x, config.y))


# --- its NumPy script and its command line --------------------------------------------------------------------

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


def script(config: DescentConfig, data: str, script_name: str = "reproduce.py") -> str:
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
        training=scripts.training_settings(config),
    )
    return scripts.script(what, model, config, script_name)


def command(config: DescentConfig, data: str | None = None) -> str:
    """The `python -m gdcore descend` command that prints this config's ledger, quoted for a shell.

    `data`: the CSV's path, by default the config's shipped data set, relative to the repository.
    """
    data = data if data is not None else SHIPPED[config.data].as_posix()
    parts = ["python -m gdcore descend", f"--data {shlex.quote(data)}", f"--x {shlex.quote(config.x)}"]
    parts.append(f"--y {shlex.quote(config.y)}")
    shared = {f.name for f in fields(Experiment)} - set(BASICS)
    for f in fields(config):  # the model's own options, all of them, so the command reads on its own
        if f.metadata["cli"] and f.name not in shared and not (f.name == "seed" and config.start == "typed"):
            parts.append(f"--{f.metadata['cli']} {link_text(getattr(config, f.name))}")
    if config.start == "typed":
        # "=" keeps argparse from reading a negative like -1e-05 as an option.
        parts.append(f"--init-slope={config.init_slope!r} --init-intercept={config.init_intercept!r}")
    return " ".join(parts + training_options(config))


ABOUT = """\
--model line (default): prediction = slope * x + intercept; parameters slope, intercept;
a random start from --seed unless --init-slope/--init-intercept are given."""


def finite_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite number")
    return value


def add_options(parser: argparse.ArgumentParser) -> None:
    """The line's own options: a typed start."""
    parser.add_argument(
        "--init-slope", type=finite_float, metavar="FLOAT", help="a typed starting slope, instead of --seed (line only)"
    )
    parser.add_argument(
        "--init-intercept", type=finite_float, metavar="FLOAT", help="a typed starting intercept (line only; default 0)"
    )


def from_args(args: argparse.Namespace, values: dict) -> DescentConfig:
    """The config the command line asks for: `values`, the config fields its options set, and the column names."""
    typed = args.init_slope is not None or args.init_intercept is not None
    if args.activation is not None:
        raise ValueError("--activation is for --model network; a line has no activation")
    if typed and args.seed is not None:
        raise ValueError("give either --seed or --init-slope/--init-intercept, not both")
    if typed:
        values |= dict(start="typed", init_slope=args.init_slope or 0.0, init_intercept=args.init_intercept or 0.0)
    return DescentConfig(**values, x=args.x or DescentConfig().x, y=args.y)


# --- what a run did, in words -----------------------------------------------------------------------------------


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
    rate = max(abs(c) for c in contraction(fit.bowl, fit.config.loss, fit.config.learning_rate))
    if rate >= 1:
        return math.inf
    if rate == 0:
        return 1
    return math.ceil(math.log(tolerance) / math.log(rate))


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
    losses = (
        f"the loss went from {written(first, 4)} to {written(last, 4)} "
        f"(the lowest possible is {written(fit.best_loss, 4)})"
    )
    noisy = (
        f" Each step saw only a batch of the {named(config)[1]}s, so the steps wobble around the way down."
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
            f"{written(lr_max, 4)} (2 / the largest eigenvalue of the loss's Hessian): every step "
            "overshoots the bottom of the valley by more than the last. "
            f"Try a learning rate below {written(lr_max, 4)}.",
        )
    first, last = run.records[0].loss, fit.loss(run.final)
    losses = (
        f"the loss went from {written(first, 4)} to {written(last, 4)} "
        f"(the lowest possible is {written(fit.best_loss, 4)})"
    )
    if math.isclose(lr, lr_max, rel_tol=1e-6):
        return Verdict(
            "oscillating",
            f"Bouncing: {losses}. At exactly the largest stable learning rate, {written(lr_max, 4)}, "
            "each step lands as "
            "high up the other side of the valley as it started, so the ball bounces from wall to wall without "
            "settling. A little lower and it settles; a little higher and it flies off.",
        )
    if lr > lr_max:
        return Verdict(
            "diverging",
            f"Diverging: {losses}. Each step jumps across the valley and lands higher up the other "
            f"side. The largest stable learning rate here is {written(lr_max, 4)}; try one below it.",
        )
    share = progress(fit)
    steep = contraction(fit.bowl, fit.config.loss, lr)[1]  # the factor of the steepest direction
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
    more = epochs_to_converge(fit) if share < 0.999 else 0
    if steep >= 0 and share < 0.5 and more > most_epochs(fit.config):  # even the page's longest run falls short
        kind, how = "crawling", "Crawling: the ball rolls downhill, but its steps are so small that it has hardly moved"
    sentence = f"{how}; {losses}."
    if share < 0.999:
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
            f"They agree to within {written(rtol)} relative: after {len(fit.run.records)} epochs gradient descent has "
            "walked to the same bottom of the bowl that the formula jumps to directly."
        )
    lr, lr_max = fit.config.learning_rate, fit.max_stable_lr
    if not fit.config.plain(len(fit.x)):
        if fit.run.diverged_at is not None:
            return False, f"They differ because the descent diverged: {trained_verdict(fit).sentence}"
        return False, (
            f"They differ because the descent has not reached the bottom yet: after {fit.run.epochs} epochs its "
            f"slope is still {written(abs(got[0] - reference[0]), 4)} and its intercept "
            f"{written(abs(got[1] - reference[1]), 4)} "
            "away from the answer (in the data's units). "
            + (
                f"With mini-batches each step follows a few {named(fit.config)[1]}s, so the line keeps wobbling near "
                "the bottom "
                "instead of settling on it; a larger batch, or a schedule that lowers the rate, settles it."
                if 0 < fit.config.batch_size < len(fit.x)
                else "Add epochs, or change the learning rate."
            )
        )
    if fit.run.diverged_at is not None or lr >= lr_max:
        return False, (
            f"They differ because the descent diverged: the learning rate {lr:g} is at or above the largest "
            f"stable rate {written(lr_max, 4)}, so every step overshoots further. Lower it below {written(lr_max, 4)}."
        )
    rate = max(abs(c) for c in contraction(fit.bowl, fit.config.loss, lr))  # per-epoch shrink factor
    off = max(abs(a - b) / max(abs(b), 1e-300) for a, b in zip(got, reference))  # relative distance now
    off = min(off, 1e300)  # a reference near 0 makes a distance of rounding "infinitely" far: count it as very far
    more = math.inf if rate >= 1 else max(1, math.ceil(math.log(rtol / off) / math.log(rate))) if rate > 0 else 1
    sentence = (
        f"They differ because the descent has not converged yet: after {len(fit.run.records)} epochs its slope "
        f"is still {written(abs(got[0] - reference[0]), 4)} and its intercept {written(abs(got[1] - reference[1]), 4)} "
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
                f"{written(lr_max, 4)}."
            )
        else:
            sentence += f"this loss: raise it towards {written(lr_max, 4)}."
    else:
        sentence += (
            f"; about {more:,} more epoch{'s' if more > 1 else ''} would get within {written(rtol)} relative. "
            "Add epochs."
        )
    return False, sentence


MODEL = Model(
    "line",
    DescentConfig,
    fit_on,
    script,
    Command(ABOUT, DescentConfig().x, from_args, command, add_options),
)
