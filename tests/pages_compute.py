"""What pages 3 to 10 compute from a learner's columns, at the gdcore level (and ui's numpy-only pieces), with a
check that every number a page shows is finite, or that the run says it diverged.

Used by tests/gdcore/test_upload_properties.py on generated uploads, and meant for a stress script: import it as
`tests.pages_compute`. Each function raises AssertionError naming the setting and the number at fault; DataError or
any other exception escapes as it is (a page would show it as a crash).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from gdcore import DescentConfig, NetworkConfig, fit_line, fit_network, line, minibatch, restart_losses, verdict
from gdcore import race as races
from gdcore.chain import ChainConfig, fit_chain
from gdcore.data import select_columns, select_xy
from gdcore.experiment import within_budget
from gdcore.landscape import loss_grid
from gdcore.line import why_different
from gdcore.numbers import written
from gdcore.race import RaceConfig
from gdcore.surfaces import house_surface

KEY = "upload-0123456789ab"  # any upload's name: the configs only check its form
SHOWN_AS_TOO_LARGE = written(math.inf)  # what a page writes for a number that is not finite


def finite(what: str, *values) -> None:
    """Every value (floats or arrays) is a finite number."""
    for value in values:
        array = np.asarray(value, dtype=float)
        assert np.isfinite(array).all(), f"{what}: {value!r} is not finite"


def words(what: str, text: str, diverged: bool) -> None:
    """A sentence shows no number too large to show, unless its run diverged."""
    assert diverged or SHOWN_AS_TOO_LARGE not in text, f"{what}: {text!r}"


LINE_SETTINGS = [  # (what, settings): every model a page offers on a line, at its defaults or a few epochs
    ("page 3's default", {}),
    ("raw SSE", {"scale": "none", "loss": "sse"}),
    ("raw MSE", {"scale": "none", "loss": "mse"}),
    ("standardized SSE", {"loss": "sse"}),
    ("typed start", {"start": "typed", "init_slope": 3.0, "init_intercept": -2.0}),
    ("raw, the lesson's rate", {"scale": "none", "learning_rate": 0.05, "start": "typed"}),
    *[(name, {"optimizer": name, "epochs": 20}) for name in ("momentum", "nesterov", "adagrad", "rmsprop", "adam")],
    ("raw Adam", {"optimizer": "adam", "scale": "none", "epochs": 20}),
    ("step schedule", {"schedule": "step", "every": 3, "epochs": 12}),
    ("exponential schedule", {"schedule": "exponential", "epochs": 12}),
    ("cosine with warm-up", {"schedule": "cosine", "warmup": 3, "epochs": 12}),
    ("batches of 1", {"batch_size": 1, "epochs": 2}),
    ("batches of 2, in order", {"batch_size": 2, "shuffle": False, "epochs": 3}),
    ("raw batches of 1", {"batch_size": 1, "scale": "none", "epochs": 2}),
]


def line_pages(frame: pd.DataFrame, x: str, y: str, settings=LINE_SETTINGS) -> None:
    """Pages 3, 4, 8, 9 (the house surface) and 10 on columns x and y of `frame`."""
    data = select_xy(frame, x, y)  # what ui.cached.houses gives the pages
    for what, values in settings:
        config = within_budget(DescentConfig(data=KEY, x=x, y=y, **values), len(data.x))
        one_line(f"{what} ({x} → {y})", config, data)
    sklearn_and_normal(f"page 4 ({x} → {y})", data)
    race_on(f"page 9 ({x} → {y})", data, x, y)
    batches_on(f"page 10 ({x} → {y})", data, x, y)


def one_line(what: str, config: DescentConfig, data) -> None:
    """One fit as pages 3, 4 and 8 use it."""
    from ui import landscape as maps  # numpy and plotly only, no streamlit

    fit = fit_line(config, data)
    said = verdict(fit)
    run = fit.run
    # A run that overflowed, or that the page calls diverging (its steps grow each epoch): its latest numbers may be
    # too large for a float in the data's units, and the page says why.
    diverged = run.diverged_at is not None or said.kind in ("diverged", "diverging")
    finite(f"{what}: the fit's constants", fit.max_stable_lr, fit.best, fit.best_loss, fit.x_mean, fit.x_std)
    finite(f"{what}: the fit's constants", fit.y_mean, fit.y_std, fit.bowl.uu, fit.bowl.least, run.start)
    finite(f"{what}: the best line in data units", fit.in_data_units(fit.best), fit.in_data_units(run.start))
    finite(f"{what}: the Hessian's curvatures", line.curvatures(fit.bowl, config.loss))
    assert line.curvatures(fit.bowl, config.loss)[0] > 0, f"{what}: a bowl of a varying x curves in both directions"
    finite(f"{what}: the SSE's largest stable rate", line.max_stable_lr(fit.bowl, "sse"))
    for record in run.records:  # descend keeps only finite steps
        finite(f"{what}: step {record.step}", record.current, record.gradient, record.new, record.loss, record.update)
    if not diverged:
        finite(f"{what}: the end in data units", fit.in_data_units(run.final), fit.loss(run.final))
    words(f"{what}: the verdict", said.sentence, diverged)
    # Page 8: the map of the walk, the next step's arrow, the feature-scaling twins.
    land = maps.landscape_of(fit)
    finite(f"{what}: page 8's grid", land.slopes, land.intercepts)
    finite(f"{what}: page 8's shown walk", land.points[: land.shown])
    if not diverged:  # a run that overflowed may start where the loss already does (a raw start sized to the data)
        finite(f"{what}: page 8's losses on the walk", land.losses[: land.shown])
    if not diverged:
        for k in range(0, run.epochs + 1, max(1, run.epochs // 4)):
            step = maps.next_step(land, fit, k)
            assert step is None or np.isfinite([*step.gradient, *step.step, step.scale]).all(), f"{what}: arrow {k}"
    raw, scaled, _ = maps.scaling_twins(config, fit.in_data_units(run.start), data.x, data.y)
    for side, twin in (("raw", raw), ("standardized", scaled)):
        finite(f"{what}: page 8's {side} twin", twin.rate, twin.stable)
        if not math.isfinite(twin.ratio):  # written "too large to show", the rule for a number beyond a float
            low, high = line.curvatures(line.bowl(data.x, data.y), config.loss) if side == "raw" else (1.0, 1.0)
            assert math.log10(high) - math.log10(low) > 308, f"{what}: page 8's {side} twin's ratio {twin.ratio}"
        if twin.config is not None:
            twin_fit = fit_line(replace(twin.config, epochs=30), data)
            twin_land = maps.landscape_of(twin_fit, cells=11)
            finite(f"{what}: page 8's {side} twin's walk", twin_land.points[: twin_land.shown])
            maps.within(twin_land, twin_fit)


def sklearn_and_normal(what: str, data) -> None:
    """Page 4: scikit-learn's line, the normal equation's, and their losses on the raw rows."""
    from sklearn.linear_model import LinearRegression

    model = LinearRegression().fit(data.x.reshape(-1, 1), data.y)
    sklearn = (float(model.coef_[0]), float(model.intercept_))
    normal = line.least_squares(data.x, data.y)
    finite(f"{what}: scikit-learn's line", sklearn)
    finite(f"{what}: the normal equation's line", normal)
    for name, params in (("scikit-learn", sklearn), ("normal equation", normal)):
        finite(f"{what}: {name}'s loss", line.loss(params, data.x, data.y, "mse"))
    fit = fit_line(DescentConfig(data=KEY, x=data.x_name, y=data.y_name, epochs=500), data)
    agrees, sentence = why_different(fit, sklearn)
    words(f"{what}: why they differ", sentence, fit.run.diverged_at is not None)


def race_on(what: str, data, x: str, y: str) -> None:
    """Page 9's first surface: the bowl of the line on the chosen columns, standardized, and the race on it."""
    surface = house_surface(line.bowl(line.standardize(data.x)[0], line.standardize(data.y)[0]))
    config = races.within_budget(RaceConfig(data=KEY, x=x, y=y, steps=60))
    finite(f"{what}: the bowl's bottom", surface.minimum, surface.min_loss)
    finite(f"{what}: the contour grid", surface.grid(31)[2])
    for name, run in races.race(config, surface).items():
        if run.diverged_at is None:
            finite(f"{what}: {name}'s losses", races.losses(run, surface))
        races.finish(run, surface, races.goal(config, surface))


def batches_on(what: str, data, x: str, y: str) -> None:
    """Page 10: a mini-batch run, the full batch it races, the race's counts, one batch's parts of the gradient."""
    for size in (16, 1):
        config = within_budget(minibatch.BatchConfig(data=KEY, x=x, y=y, batch_size=size, epochs=2), len(data.x))
        fit = fit_line(config, data)
        run = fit.run
        steps = max(len(run.records), 1)
        full = minibatch.full_batch_run(fit, steps)
        losses = minibatch.losses_after(run, fit.bowl, "mse")
        full_losses = minibatch.losses_after(full, fit.bowl, "mse")
        seen = minibatch.rows_seen(run)
        if run.diverged_at is None and full.diverged_at is None:
            finite(f"{what}, batches of {size}: the losses", losses, full_losses)
            finite(f"{what}, batches of {size}: the gaps", minibatch.gaps_after(run, fit.bowl, "mse"))
            k = len(run.records)
            padded = np.concatenate([full_losses, np.full(steps + 1 - len(full_losses), np.inf)])  # as ui.batches.runs
            race = minibatch.race(losses, padded, seen, len(data.x), k)
            finite(f"{what}, batches of {size}: the race", race.batch_loss, race.same_steps_loss)
        for record in run.records[:3]:
            rows = np.asarray(list(record.rows), dtype=int)
            parts = minibatch.row_parts(record.current, fit.x[rows], fit.y[rows], "mse")  # (b, 2)
            finite(f"{what}, batches of {size}: step {record.step}'s parts", parts, fit.whole_gradient(record.current))
        slopes, intercepts = np.linspace(-2, 2, 11), np.linspace(-2, 2, 11)
        finite(f"{what}, batches of {size}: the map", loss_grid(slopes, intercepts, fit.bowl, "mse"))


def network_pages(frame: pd.DataFrame, inputs: tuple[str, str, str], y: str) -> None:
    """Page 5 (the network, its restarts) and page 6 (the chain, standardized and raw) on these columns."""
    X, target = select_columns(frame, inputs, y)
    names = dict(x1=inputs[0], x2=inputs[1], x3=inputs[2], y=y)
    for values in ({}, {"activation": "relu", "loss": "sse"}, {"optimizer": "adam", "batch_size": 2}):
        config = NetworkConfig(data=KEY, epochs=10, **names, **values)
        fit = fit_network(config, X, target)
        diverged = fit.run.diverged_at is not None
        finite(f"page 5 {values}: the scaling", fit.y_mean, fit.y_std, fit.X, fit.y)
        if not diverged:
            end = fit.run.final
            finite(f"page 5 {values}: the end", fit.loss(end), fit.dollars_error(fit.loss(end)))
            finite(f"page 5 {values}: the predictions", fit.predict_in_data_units(end), fit.finite_difference(end))
    for seed, loss in restart_losses(NetworkConfig(data=KEY, epochs=5, **names), X, target, range(2)):
        assert loss == math.inf or math.isfinite(loss), f"page 5's restart {seed}: {loss}"
    for scaling in ("standardize", "raw"):
        config = ChainConfig(data=KEY, depth=4, epochs=5, inputs=scaling, **names)
        fit = fit_chain(config, X, target)
        z, slopes, weights = fit.factors()
        if scaling == "standardize":  # raw inputs may overflow a chain: the page writes "too large to show"
            finite("page 6, standardized: the gradient", fit.gradient, fit.sizes, fit.baseline)
            if fit.run.diverged_at is None:
                finite("page 6, standardized: the end", fit.loss(fit.run.final), fit.moved)
