"""Page 5's charts: the network's diagram, its loss, its predictions and where restarts end."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdcore import network
from ui import charts
from ui.fmt import num

# --- charts --------------------------------------------------------------------------------------

# Where the nodes sit: inputs on the left (top to bottom), the hidden nodes, the output.
INPUT_XY = ((0.0, 2.0), (0.0, 1.0), (0.0, 0.0))
HIDDEN_XY = ((1.0, 1.6), (1.0, 0.4))
OUTPUT_XY = (2.0, 1.0)


def _edge_style(value: float) -> dict:
    """Blue and solid for a positive weight, vermillion and dashed for a negative one; thicker when larger."""
    size = min(abs(value), 2.0) if math.isfinite(value) else 2.0
    positive = value >= 0
    return dict(
        color=charts.BLUE if positive else charts.VERMILLION,
        dash="solid" if positive else "dash",
        width=1.0 + 3.5 * size,
    )


def signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + num(abs(value), 4)


def diagram(params: Sequence[float], inputs: Sequence[str], activation: str) -> go.Figure:
    """The network: 3 inputs, 2 hidden nodes, the price; each edge labelled with its weight."""
    # Traces and annotations are collected as plain dicts and handed to plotly once: add_annotation
    # copies every earlier annotation, and fourteen of them took 40 ms a click.
    traces: list[dict] = []
    notes: list[dict] = []
    names = network.PARAMETERS
    edges = [(INPUT_XY[i], HIDDEN_XY[j], 0.3, 3 * j + i) for j in range(2) for i in range(3)]
    edges += [(HIDDEN_XY[j], OUTPUT_XY, 0.5, 6 + j) for j in range(2)]
    for start, end, at, k in edges:
        style = _edge_style(params[k])
        traces.append(
            dict(
                x=[start[0], end[0]], y=[start[1], end[1]], mode="lines", line=style, hoverinfo="skip", showlegend=False
            )
        )
        notes.append(
            dict(
                x=start[0] + at * (end[0] - start[0]),
                y=start[1] + at * (end[1] - start[1]),
                text=f"<b>{names[k]}</b> = {signed(params[k])}",
                showarrow=False,
                font=dict(size=13, color=style["color"]),
                bgcolor="rgba(255,255,255,0.9)",
                bordercolor=style["color"],
                borderwidth=1,
            )
        )
    for label, dash, color in (
        ("positive weight (+, solid)", "solid", charts.BLUE),
        ("negative weight (−, dashed)", "dash", charts.VERMILLION),
    ):
        traces.append(dict(x=[None], y=[None], mode="lines", name=label, line=dict(color=color, dash=dash, width=3)))
    nodes = list(INPUT_XY) + list(HIDDEN_XY) + [OUTPUT_XY]
    traces.append(
        dict(
            x=[x for x, _ in nodes],
            y=[y for _, y in nodes],
            mode="markers+text",
            text=["x1", "x2", "x3", "h1", "h2", "ŷ"],
            textfont=dict(size=15, color="#222222"),
            marker=dict(size=42, color="white", line=dict(color="black", width=2)),
            hoverinfo="skip",
            showlegend=False,
        )
    )
    for (x, y), name in zip(INPUT_XY, inputs):
        notes.append(
            dict(x=x - 0.12, y=y, text=name, showarrow=False, xanchor="right", font=dict(size=14, color="#222222"))
        )
    for j, ((x, y), shift) in enumerate(zip(HIDDEN_XY, (0.32, -0.32))):
        notes.append(
            dict(
                x=x,
                y=y + shift,
                text=f"<b>b{j + 1}</b> = {signed(params[8 + j])}<br>{activation}",
                showarrow=False,
                font=dict(size=13, color="#222222"),
            )
        )
    notes.append(
        dict(
            x=OUTPUT_XY[0] + 0.12,
            y=OUTPUT_XY[1],
            text="price",
            showarrow=False,
            xanchor="left",
            font=dict(size=14, color="#222222"),
        )
    )
    return go.Figure(
        data=[go.Scatter(trace) for trace in traces],
        layout=dict(
            annotations=notes,
            height=460,
            margin=dict(l=10, r=10, t=30, b=10),
            legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0),
            plot_bgcolor="white",
            xaxis=dict(visible=False, range=[-0.7, 2.75], fixedrange=True),
            yaxis=dict(visible=False, range=[-0.5, 2.5], fixedrange=True),
        ),
    )


def diagram_text(params: Sequence[float], inputs: Sequence[str], activation: str) -> str:
    """The diagram in words, for the caption."""
    weights = ", ".join(f"{name} = {signed(value)}" for name, value in zip(network.PARAMETERS, params))
    return (
        f"Diagram: inputs x1 ({inputs[0]}), x2 ({inputs[1]}) and x3 ({inputs[2]}) each feed both hidden nodes "
        f"h1 (weights w1, w2, w3, bias b1) and h2 (w4, w5, w6, bias b2), which apply {activation}; h1 and h2 feed "
        f"the price through w7 and w8. Positive weights are solid blue, negative ones dashed vermillion, and "
        f"thicker lines are larger. Values now: {weights}."
    )


def loss_chart(
    epochs: Sequence[int], losses: Sequence[float], *, loss_title: str, baseline: float, last: int
) -> go.Figure:
    """The loss after each epoch, with the loss of always guessing the average price; log axis if it spans 100x."""
    fig = go.Figure()
    fig.add_scatter(x=list(epochs), y=list(losses), mode="lines", name="loss", line=dict(color=charts.BLUE, width=3))
    if len(epochs):
        fig.add_scatter(
            x=[epochs[-1]],
            y=[losses[-1]],
            mode="markers",
            name="now",
            marker=dict(symbol="diamond", size=13, color=charts.BLUE, line=dict(color="black", width=1)),
        )
    fig.add_scatter(
        x=[0, max(last, 1)],
        y=[baseline, baseline],
        mode="lines",
        name="always guessing the average price",
        line=dict(color=charts.GREY, dash="dot", width=2),
    )
    positive = [value for value in list(losses) + [baseline] if value > 0]
    log = positive and max(positive) / min(positive) > 100
    return charts.layout(
        fig,
        "epochs taken",
        loss_title,
        xaxis=dict(range=[-0.5, max(last, 1) + 0.5]),
        yaxis=dict(type="log", exponentformat="power") if log else None,
    )


def prediction_chart(actual: np.ndarray, predicted: np.ndarray) -> tuple[go.Figure, int]:
    """Predicted against actual price in dollars, with the line y = x; and how many points fell off the chart."""
    low, high = min(0.0, float(actual.min())), 1.08 * float(actual.max())
    with np.errstate(invalid="ignore"):
        shown = np.isfinite(predicted) & (predicted >= low - (high - low)) & (predicted <= high + (high - low))
    fig = go.Figure()
    fig.add_scatter(
        x=[low, high],
        y=[low, high],
        mode="lines",
        name="perfect prediction (predicted = actual)",
        line=dict(color=charts.GREEN, dash="dash", width=2),
    )
    fig.add_scatter(
        x=actual[shown],
        y=predicted[shown],
        mode="markers",
        name="a house",
        marker=dict(symbol="circle", size=6, color=charts.ORANGE, opacity=0.6, line=dict(color="black", width=0.5)),
        hovertemplate="actual $%{x:,.0f}<br>predicted $%{y:,.0f}<extra></extra>",
    )
    ys = predicted[shown]
    y_low = min(low, float(ys.min())) if ys.size else low
    y_high = max(high, float(ys.max())) if ys.size else high
    charts.layout(
        fig,
        "actual price (dollars)",
        "predicted price (dollars)",
        xaxis=charts.MONEY | dict(range=[low, high]),
        yaxis=charts.MONEY | dict(range=[y_low, y_high]),
    )
    return fig, int((~shown).sum())


def restarts_chart(losses: Sequence[float], *, loss_title: str, mine: float | None, best: float) -> go.Figure:
    """A histogram of where the runs ended, with the best run and this page's run marked."""
    fig = go.Figure()
    fig.add_histogram(
        x=list(losses),
        nbinsx=30,
        name="runs",
        marker=dict(color=charts.SKY, line=dict(color="black", width=1)),
        hovertemplate="final loss %{x}<br>%{y} runs<extra></extra>",
    )
    fig.add_vline(x=best, line=dict(color=charts.GREEN, dash="dash", width=3))
    fig.add_scatter(
        x=[None], y=[None], mode="lines", name="best run", line=dict(color=charts.GREEN, dash="dash", width=3)
    )
    if mine is not None:
        fig.add_vline(x=mine, line=dict(color=charts.VERMILLION, dash="dot", width=3))
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name="this page's run",
            line=dict(color=charts.VERMILLION, dash="dot", width=3),
        )
    return charts.layout(fig, loss_title, "number of runs", bargap=0.05)
