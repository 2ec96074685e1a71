"""The gradients page's sidebar and charts: a deep chain's gradients, layer by layer (its run comes from ui.cached.fit).

The widgets hold ChainConfig's fields under its URL keys (seeded from the link by ui.state), and
the link is written from the config in one place, ui.state.publish.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from gdcore.chain import ChainConfig
from gdcore.data import SHIPPED
from gdcore.descent import Run
from ui import cached, literal, state
from ui.charts import BLUE, GREEN, GREY, ORANGE, VERMILLION, layout
from ui.controls import choice, meta, number, sidebar, training_controls
from ui.network.controls import column_controls, link_columns

PAGE = "gradients"
ACTIVATION_LABELS = {
    "sigmoid": "sigmoid: slope at most 0.25",
    "tanh": "tanh: slope at most 1",
    "relu": "relu: slope 0 or 1",
}
INPUT_LABELS = {
    "standardize": "standardized: (value − mean) ÷ std",
    "raw": "raw: square feet and dollars",  # on the house data; an upload's columns keep their own units
}


def _slider(url: str, label: str, *, step: float, help: str) -> float:
    """A slider for the ChainConfig field whose URL key is `url`, over the field's range."""
    limits = meta(ChainConfig, url)
    cast = int if isinstance(limits["low"], int) else float
    return st.slider(label, cast(limits["low"]), cast(limits["high"]), step=cast(step), key=url, help=help)


def controls() -> ChainConfig:
    """The sidebar: the chain, then its descent. Returns the config and writes it to the link."""
    base = state.seed(PAGE, ChainConfig, columns=link_columns, uploads=True)
    with sidebar():
        st.subheader("The chain")
        data, columns, y = column_controls(base, PAGE)
        depth = _slider("depth", "Layers", step=1, help="How many layers of one node each, from 2 to 30.")
        scale = _slider(
            "scale",
            "Starting weight scale",
            step=0.1,
            help="Every starting weight is this scale × a random number between 0.5 and 1.5. "
            "Relu multiplies the gradient by about this much per layer.",
        )
        activation = choice(
            ChainConfig,
            "act",
            "Activation",
            ACTIVATION_LABELS,
            help="The function each layer applies to its z. Its slope is one of the numbers the chain rule multiplies.",
        )
        inputs = choice(
            ChainConfig,
            "inputs",
            "Inputs and price" if data in SHIPPED else f"Inputs and {literal.md(y)}",
            INPUT_LABELS if data in SHIPPED else INPUT_LABELS | {"raw": "raw: as the file has them"},
            help="Standardizing replaces each value by (value − mean) ÷ standard deviation, so the numbers sit "
            "near 0 instead of in the thousands.",
        )
        st.subheader("The descent")
        lr = number(
            ChainConfig,
            "lr",
            "Learning rate",
            step=0.01,
            fmt="%g",
            help="new = current − learning rate × gradient, for every weight and bias (1e-6 to 10).",
        )
        epochs = number(ChainConfig, "epochs", "Epochs", step=1, help="How many steps to take (1 to 100).")
        seed = number(ChainConfig, "seed", "Seed", step=1, help="The same seed always draws the same starting weights.")
    advanced = training_controls(ChainConfig, base, cached.row_count(data), PAGE)
    config = ChainConfig(
        **advanced,
        data=data,
        x1=columns[0],
        x2=columns[1],
        x3=columns[2],
        y=y,
        depth=depth,
        scale=scale,
        activation=activation,
        inputs=inputs,
        learning_rate=lr,
        epochs=epochs,
        seed=seed,
    )
    state.publish(PAGE, config)
    return config


# --- charts -----------------------------------------------------------------------------------------


def _log_ticks(fig: go.Figure, values: Sequence[float]) -> None:
    """A log y axis with about eight labelled powers of ten, a round number of decades apart."""
    low, high = min(values), max(values)
    decades = math.log10(high / low) if high > low else 1.0
    dtick = next((step for step in (1, 2, 5, 10, 20, 25, 50) if step >= decades / 8), 100)
    fig.update_yaxes(type="log", exponentformat="power", dtick=dtick)


def layer_bars(values: np.ndarray, *, y_title: str, what: str, guides: float | None = None) -> go.Figure | None:
    """One bar per layer on a log axis. A log axis cannot show 0 or a number too large to store: those
    layers get a labelled marker at the bottom or the top instead. None if no value can be drawn.

    `guides`: draw dashed lines at guides / 1000 and guides * 1000, the vanishing and exploding marks.
    """
    layers = np.arange(1, len(values) + 1)
    finite = np.isfinite(values)
    positive = values[finite & (values > 0)]
    if positive.size == 0:
        return None
    marks = [positive.min(), positive.max()] + ([guides / 1e3, guides * 1e3] if guides else [])
    low, high = math.log10(min(marks)), math.log10(max(marks))
    pad = max(0.5, 0.08 * (high - low))  # decades of room above and below, for the markers
    fig = go.Figure()
    fig.add_bar(
        x=layers[finite & (values > 0)],
        y=positive,
        name=what,
        marker=dict(color=BLUE),
        hovertemplate="layer %{x}: %{y:,.3~r}<extra></extra>",
    )
    for mask, power, label, symbol, where in (
        (finite & (values == 0), low - pad / 2, "exactly 0", "x", "top center"),
        (~finite, high + pad / 2, "too large to store", "triangle-up", "bottom center"),
    ):
        if mask.any():
            fig.add_scatter(
                x=layers[mask],
                y=np.full(mask.sum(), 10.0**power),
                mode="markers+text",
                name=f"{label} (marked at the {'bottom' if power < low else 'top'})",
                marker=dict(symbol=symbol, size=11, color=GREY),
                text=["0" if power < low else "too large"] * int(mask.sum()),
                textposition=where,
                hovertemplate=f"layer %{{x}}: {label}<extra></extra>",
            )
    if guides:
        for level, note, dash in (
            (guides * 1e3, "1,000 × the last layer: above it, exploding", "dash"),
            (guides / 1e3, "1/1,000 of the last layer: below it, vanishing", "dot"),
        ):
            fig.add_scatter(
                x=[0.4, len(values) + 0.6],
                y=[level, level],
                mode="lines",
                name=note,
                line=dict(color=GREY, dash=dash, width=1.5),
                hoverinfo="skip",
            )
    layout(fig, "layer number (1 = nearest the inputs)", y_title)
    fig.update_layout(barmode="overlay", showlegend=True)
    fig.update_xaxes(dtick=1 if len(values) <= 15 else 5, range=[0.4, len(values) + 0.6])
    _log_ticks(fig, [10.0 ** (low - pad), 10.0 ** (high + pad)])
    fig.update_yaxes(range=[low - pad, high + pad])
    return fig


def loss_chart(
    run: Run, final_loss: float, *, baseline: float, epochs: int, units: str, average: str = "price for every house"
) -> go.Figure:
    """The loss after each epoch (log axis when it spans a hundredfold), the average-guess level, and
    a marked line where the numbers became too large to store."""
    steps = list(range(run.epochs))  # an epoch's first record holds the loss at its start
    losses = [run.epoch_records(k)[0].loss for k in range(1, run.epochs + 1)]
    if math.isfinite(final_loss):
        steps, losses = steps + [run.epochs], losses + [final_loss]
    fig = go.Figure()
    fig.add_scatter(
        x=steps,
        y=losses,
        mode="lines+markers",
        name="loss (mean squared error)",
        line=dict(color=BLUE, width=2),
        marker=dict(symbol="circle", size=7),
        hovertemplate="after %{x} epochs: %{y:,.4~r}<extra></extra>",
    )
    fig.add_scatter(
        x=[0, epochs],
        y=[baseline, baseline],
        mode="lines",
        name=literal.plotly(f"guessing the average {average}"),
        line=dict(color=GREEN, dash="dash"),
    )
    if run.diverged_at is not None:
        fig.add_vline(
            x=run.diverged_at - 1,
            line=dict(color=VERMILLION, dash="dot", width=2),
            annotation_text=f"epoch {run.diverged_at}: too large to store",
            annotation_position="top right",
        )
    layout(fig, "epochs taken", f"loss: mean squared error ({units})")
    fig.update_xaxes(range=[-0.5, epochs + 0.5])
    fig.update_yaxes(exponentformat="power")  # 5×10⁹, not 5B
    positive = [value for value in losses + [baseline] if value > 0]
    if positive and max(positive) / min(positive) > 100:
        _log_ticks(fig, positive)
    return fig


def step_bars(moved: np.ndarray) -> go.Figure | None:
    """How far each layer's bias moved over the whole descent."""
    fig = layer_bars(moved, y_title="how far the bias moved (log scale)", what="distance moved")
    if fig is not None:
        fig.update_traces(selector=dict(name="distance moved"), marker_color=ORANGE)
    return fig
