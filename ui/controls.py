"""Sidebar widgets. Each function draws one page's controls and returns that page's frozen config.

Widgets take their range from the config's field metadata (gdcore.config.spec), so a widget, a
link and the command line accept the same values.
"""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from gdcore import DescentConfig, GuessConfig, SlopeConfig
from ui import state

START_LABELS = {"random": "random (from a seed)", "typed": "typed in"}
LOSS_LABELS = {"sse": "sum of squared errors (SSE)", "mse": "mean of squared errors (MSE = SSE ÷ n)"}
SCALE_LABELS = {"none": "none: bedrooms and dollars", "standardize": "standardize x and y"}


def meta(cls, url: str) -> dict:
    """The field metadata (URL key, range, choices) of the config field whose URL key is `url`."""
    return next(f.metadata for f in fields(cls) if f.metadata["url"] == url)


def number(
    cls, url: str, label: str, *, step: float, fmt: str | None = None, help: str | None = None, disabled: bool = False
):
    """A number box for the config field whose URL key is `url`, limited to the field's range."""
    limits = meta(cls, url)
    integer = isinstance(limits["low"], int) and isinstance(limits["high"], int)
    cast = int if integer else float
    return st.number_input(
        label,
        min_value=cast(limits["low"]),
        max_value=cast(limits["high"]),
        step=cast(step),
        format=fmt,
        key=url,
        help=help,
        disabled=disabled,
    )


def choice(cls, url: str, label: str, labels: dict[str, str], help: str | None = None):
    return st.radio(label, meta(cls, url)["choices"], format_func=labels.get, key=url, help=help)


def guess_controls() -> GuessConfig:
    state.seed("guess", GuessConfig)
    with st.sidebar:
        st.subheader("Your guess")
        start = choice(
            GuessConfig,
            "start",
            "Where the line comes from",
            START_LABELS,
            help="A random line is drawn from the seed, so the same seed always gives the same line.",
        )
        seed = number(
            GuessConfig,
            "seed",
            "Seed",
            step=1,
            disabled=start != "random",
            help="Any whole number; each gives its own random line.",
        )
        slope = number(
            GuessConfig,
            "slope",
            "Slope (dollars per bedroom)",
            step=1000.0,
            fmt="%.2f",
            disabled=start != "typed",
            help="How much the price goes up for each extra bedroom.",
        )
        intercept = number(
            GuessConfig,
            "intercept",
            "Intercept (dollars)",
            step=1000.0,
            fmt="%.2f",
            disabled=start != "typed",
            help="The price the line gives a house with 0 bedrooms.",
        )
    config = GuessConfig(start=start, seed=seed, slope=slope, intercept=intercept)
    state.publish("guess", config)
    return config


def slope_controls() -> SlopeConfig:
    state.seed("slope", SlopeConfig)
    with st.sidebar:
        st.subheader("The line")
        intercept = number(
            SlopeConfig,
            "intercept",
            "Intercept, held still (dollars)",
            step=1000.0,
            fmt="%.2f",
            help="The curve is drawn for this intercept; change it and the whole bowl moves.",
        )
        slope = number(
            SlopeConfig,
            "slope",
            "Your slope (dollars per bedroom)",
            step=1000.0,
            fmt="%.2f",
            help="Where the tangent touches the curve.",
        )
    config = SlopeConfig(intercept=intercept, slope=slope)
    state.publish("slope", config)
    return config


def descent_controls() -> DescentConfig:
    """The descent's settings; pages 3 and 4 share them (and their link), so the check matches the run."""
    base = state.seed("descent", DescentConfig)
    with st.sidebar:
        st.subheader("The descent")
        lr = number(
            DescentConfig,
            "lr",
            "Learning rate",
            step=0.01,
            fmt="%g",
            help="How far each step goes: new = current − learning rate × gradient. "
            "From 1e-9 (a crawl) to 1e6 (a blow-up): try both.",
        )
        epochs = number(DescentConfig, "epochs", "Epochs", step=1, help="How many steps downhill to take (1 to 500).")
        loss = choice(
            DescentConfig,
            "loss",
            "Loss",
            LOSS_LABELS,
            help="The mean is the sum divided by the number of houses, so its gradients are n times smaller.",
        )
        scale = choice(
            DescentConfig,
            "scale",
            "Feature scaling",
            SCALE_LABELS,
            help="Standardizing replaces each value by (value − mean) ÷ standard deviation, so "
            "slope and intercept live on the same scale and one learning rate suits both.",
        )
        start = choice(DescentConfig, "start", "Starting point", START_LABELS)
        seed = number(
            DescentConfig,
            "seed",
            "Seed",
            step=1,
            disabled=start != "random",
            help="The same seed always gives the same starting line.",
        )
        units = "standardized units" if scale == "standardize" else "dollars per bedroom"
        slope0 = number(
            DescentConfig, "slope0", f"Starting slope ({units})", step=0.1, fmt="%g", disabled=start != "typed"
        )
        intercept0 = number(
            DescentConfig,
            "intercept0",
            f"Starting intercept ({'standardized units' if scale == 'standardize' else 'dollars'})",
            step=0.1,
            fmt="%g",
            disabled=start != "typed",
        )
    return DescentConfig(
        learning_rate=lr,
        epochs=epochs,
        loss=loss,
        scale=scale,
        start=start,
        seed=seed,
        init_slope=slope0,
        init_intercept=intercept0,
        x=base.x,
        y=base.y,
    )
