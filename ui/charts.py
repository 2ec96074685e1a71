"""Plotly figures. Colours are Okabe-Ito (safe for colour-blind readers), and every trace also
differs by marker shape or dash, so colour is never the only signal."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

ORANGE, SKY, GREEN, BLUE, VERMILLION, PURPLE, GREY = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#555555",
)
MONEY = dict(tickprefix="$", separatethousands=True)


def layout(
    fig: go.Figure,
    x_title: str,
    y_title: str,
    height: int = 380,
    *,
    xaxis: dict | None = None,
    yaxis: dict | None = None,
    **extra: object,
) -> go.Figure:
    """The charts' common layout: height, margins, the legend on top, the axis titles, plus any other
    settings of the axes (`xaxis`, `yaxis`) or of the layout (`extra`).

    Set in one assignment: plotly's update_layout, update_xaxes and update_yaxes take several
    milliseconds each, and a click on Next epoch draws three or four charts.
    """
    current = fig.layout.to_plotly_json()  # what the traces' helpers (add_vline, ...) already set
    current.pop("template", None)  # plotly puts the default template back; copying it costs 4 ms
    fig.layout = current | {
        "height": height,
        "margin": dict(l=10, r=10, t=30, b=10),
        "hovermode": "closest",
        "legend": dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        "xaxis": current.get("xaxis", {}) | {"title": {"text": x_title}} | (xaxis or {}),
        "yaxis": current.get("yaxis", {}) | {"title": {"text": y_title}} | (yaxis or {}),
        **extra,
    }
    return fig


def guess_chart(
    x: np.ndarray, y: np.ndarray, prediction: np.ndarray, line_x: np.ndarray, line_y: np.ndarray
) -> go.Figure:
    """The door-to-door points, the guessed line, and each error as a dashed segment."""
    fig = go.Figure()
    seg_x = np.column_stack([x, x, np.full_like(x, np.nan)]).ravel()  # (3k,): x, x, gap
    seg_y = np.column_stack([y, prediction, np.full_like(y, np.nan)]).ravel()
    fig.add_scatter(
        x=seg_x,
        y=seg_y,
        mode="lines",
        name="error (actual − guess)",
        line=dict(color=VERMILLION, dash="dot", width=2),
        hoverinfo="skip",
    )
    fig.add_scatter(x=line_x, y=line_y, mode="lines", name="guessed line", line=dict(color=BLUE, width=3))
    fig.add_scatter(
        x=x,
        y=prediction,
        mode="markers",
        name="guess",
        marker=dict(symbol="x", size=10, color=BLUE),
        hovertemplate="%{x} bedrooms: guess $%{y:,.0f}<extra></extra>",
    )
    fig.add_scatter(
        x=x,
        y=y,
        mode="markers",
        name="average price (actual)",
        marker=dict(symbol="circle", size=12, color=ORANGE, line=dict(color="black", width=1)),
        hovertemplate="%{x} bedrooms: actual $%{y:,.0f}<extra></extra>",
    )
    return layout(fig, "bedrooms", "price (dollars)", yaxis=MONEY)


def slope_loss_chart(
    slopes: np.ndarray,
    losses: np.ndarray,
    *,
    current: tuple[float, float],
    derivative: float,
    best: tuple[float, float],
    loss_title: str,
    slope_title: str,
) -> go.Figure:
    """The loss against the slope, with the tangent at the current slope and the minimum."""
    fig = go.Figure()
    fig.add_scatter(x=slopes, y=losses, mode="lines", name="loss", line=dict(color=BLUE, width=3))
    half = (slopes[-1] - slopes[0]) / 6
    tangent_x = np.array([current[0] - half, current[0] + half])
    fig.add_scatter(
        x=tangent_x,
        y=current[1] + derivative * (tangent_x - current[0]),
        mode="lines",
        name=f"tangent: slope of the loss = {derivative:,.4g}",
        line=dict(color=VERMILLION, dash="dash", width=2),
    )
    fig.add_scatter(
        x=[current[0]],
        y=[current[1]],
        mode="markers",
        name="your slope",
        marker=dict(symbol="circle", size=13, color=VERMILLION, line=dict(color="black", width=1)),
    )
    fig.add_scatter(
        x=[best[0]],
        y=[best[1]],
        mode="markers",
        name="minimum (derivative = 0)",
        marker=dict(symbol="star", size=16, color=GREEN, line=dict(color="black", width=1)),
    )
    return layout(fig, slope_title, loss_title)


def descent_path_chart(
    slopes: np.ndarray,
    losses: np.ndarray,
    path_slopes: Sequence[float],
    path_losses: Sequence[float],
    *,
    loss_title: str,
    slope_title: str,
) -> go.Figure:
    """The loss against the slope, and the guesses so far joined in order: the zig-zag downhill."""
    fig = go.Figure()
    fig.add_scatter(
        x=slopes, y=losses, mode="lines", name="loss at this epoch's intercept", line=dict(color=SKY, width=3)
    )
    fig.add_scatter(
        x=list(path_slopes),
        y=list(path_losses),
        mode="lines+markers",
        name="guesses, in order",
        line=dict(color=VERMILLION, width=1.5),
        marker=dict(symbol="circle-open", size=9, color=VERMILLION),
        hovertemplate="slope %{x:.6g}<br>loss %{y:.6g}<extra></extra>",
    )
    if len(path_slopes):
        fig.add_scatter(
            x=[path_slopes[-1]],
            y=[path_losses[-1]],
            mode="markers",
            name="now",
            marker=dict(symbol="diamond", size=14, color=BLUE, line=dict(color="black", width=1)),
        )
    return layout(fig, slope_title, loss_title)


def loss_over_epochs(
    epochs: Sequence[int], losses: Sequence[float], *, loss_title: str, best: float, last: int
) -> go.Figure:
    """The loss after each epoch, on an axis that spans the whole run (0 to `last` epochs);
    a log axis once the loss spans more than a hundredfold."""
    fig = go.Figure()
    fig.add_scatter(
        x=list(epochs),
        y=list(losses),
        mode="lines+markers",
        name="loss",
        line=dict(color=BLUE, width=2),
        marker=dict(symbol="circle", size=6),
    )
    fig.add_scatter(
        x=[0, max(last, 1)],
        y=[best, best],
        mode="lines",
        name="lowest possible loss",
        line=dict(color=GREEN, dash="dash"),
    )
    yaxis = {}
    positive = [value for value in losses if value > 0]
    if positive and best > 0 and max(positive) / min(min(positive), best) > 100:
        decades = math.log10(max(positive) / min(min(positive), best))
        # One labelled tick every few powers of ten, written as 10^k.
        yaxis = dict(type="log", exponentformat="power", dtick=max(1, math.ceil(decades / 8)))
    return layout(fig, "epochs taken", loss_title, xaxis=dict(range=[-0.5, max(last, 1) + 0.5]), yaxis=yaxis)


def houses_chart(
    x: np.ndarray,
    y: np.ndarray,
    lines: dict[str, tuple[float, float]],
    *,
    x_title: str,
    y_title: str,
    unit: str = "bedrooms",
    batch: Sequence[int] | None = None,
) -> go.Figure:
    """Every house as a dot (whole-number x spread sideways a little so they do not hide each other),
    the lines, and the houses of this step's batch marked."""
    whole = bool(np.all(x == np.round(x)))
    jitter = np.random.default_rng(0).uniform(-0.18, 0.18, size=len(x)) if whole else np.zeros(len(x))  # fixed
    fig = go.Figure()
    fig.add_scatter(
        x=x + jitter,
        y=y,
        mode="markers",
        name="a house",
        customdata=x,
        marker=dict(symbol="circle", size=5, color=ORANGE, opacity=0.45),
        hovertemplate=f"%{{customdata}} {unit}, $%{{y:,.0f}}<extra></extra>",
    )
    if batch is not None:
        rows = np.asarray(batch, dtype=int)
        fig.add_scatter(
            x=x[rows] + jitter[rows],
            y=y[rows],
            mode="markers",
            name=f"this step's batch ({len(rows)} house{'' if len(rows) == 1 else 's'})",
            customdata=x[rows],
            marker=dict(symbol="diamond", size=9, color=VERMILLION, line=dict(color="black", width=1)),
            hovertemplate=f"in the batch: %{{customdata}} {unit}, $%{{y:,.0f}}<extra></extra>",
        )
    pad = 0.5 if whole else 0.05 * float(np.ptp(x))
    line_x = np.array([x.min() - pad, x.max() + pad])
    styles = [dict(color=GREY, dash="dot", width=2), dict(color=BLUE, width=3), dict(color=GREEN, dash="dash", width=2)]
    for (name, (slope, intercept)), style in zip(lines.items(), styles):
        fig.add_scatter(x=line_x, y=slope * line_x + intercept, mode="lines", name=name, line=style)
    # Keep the houses in view even when a diverging line shoots off the chart.
    return layout(fig, x_title, y_title, yaxis=MONEY | dict(range=[min(0.0, float(y.min())), 1.08 * float(y.max())]))


def rate_chart(rates: Sequence[float], *, now: int) -> go.Figure:
    """The learning rate of each epoch (a bar each), the epoch shown marked with a diamond."""
    epochs = list(range(1, len(rates) + 1))
    fig = go.Figure()
    fig.add_bar(
        x=epochs,
        y=list(rates),
        name="learning rate of the epoch",
        marker=dict(color=SKY, line=dict(color=BLUE, width=0.5)),
        hovertemplate="epoch %{x}: learning rate %{y:.6g}<extra></extra>",
    )
    if 1 <= now <= len(rates):
        fig.add_scatter(
            x=[now],
            y=[rates[now - 1]],
            mode="markers",
            name="this epoch",
            marker=dict(symbol="diamond", size=13, color=VERMILLION, line=dict(color="black", width=1)),
        )
    return layout(
        fig,
        "epoch",
        "learning rate",
        height=260,
        xaxis=dict(range=[0.5, len(rates) + 0.5]),
        yaxis=dict(rangemode="tozero", exponentformat="power"),
    )
