"""Plotly figures. Colours are Okabe-Ito (safe for colour-blind readers), and every trace also
differs by marker shape or dash, so colour is never the only signal."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ui import literal
from ui.fmt import AXES, num

ORANGE, SKY, GREEN, BLUE, VERMILLION, PURPLE, GREY = (
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#808080",  # mid grey: 3.9:1 against a white page and 4.5:1 against the dark theme's
)
# Text in a colour on white (a weight's label in the network's diagram, on both themes) needs 4.5:1: the blue has
# 5.2:1, the vermillion 3.9:1, so its text is this deeper vermillion (5.1:1).
VERMILLION_TEXT = "#B55000"
# One more than Okabe-Ito's seven (its yellow fades on white): 4.1:1 on a white page, 4.6:1 on the dark theme's.
BROWN = "#9C755F"
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
    settings of the axes (`xaxis`, `yaxis`) or of the layout (`extra`). The titles are shown as written
    (ui.literal.plotly): they may name a learner's columns.

    Set in one assignment: plotly's update_layout, update_xaxes and update_yaxes take several
    milliseconds each, and a click on Next epoch draws three or four charts.
    """
    current = fig.layout.to_plotly_json()  # what the traces' helpers (add_vline, ...) already set
    current.pop("template", None)  # plotly puts the default template back; copying it costs 4 ms
    fig.layout = current | {
        "height": height,
        # r: room for the mode bar's camera (ui.exports.png): the legend, never wider than the plot, stays clear of it
        "margin": dict(l=10, r=30, t=30, b=10),
        "hovermode": "closest",
        "legend": dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
        "xaxis": AXES | current.get("xaxis", {}) | {"title": {"text": literal.plotly(x_title)}} | (xaxis or {}),
        "yaxis": AXES | current.get("yaxis", {}) | {"title": {"text": literal.plotly(y_title)}} | (yaxis or {}),
        **extra,
    }
    return fig


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
        name=f"tangent: slope of the loss = {num(derivative, 4)}",
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
