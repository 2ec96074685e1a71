"""The network page's charts: the network's diagram, its loss, its predictions (ECharts options, redrawn on
every click: see ui/echarts.py) and where restarts end (plotly, drawn once)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from gdcore import network
from ui import charts, echarts, literal
from ui.fmt import num

# --- charts --------------------------------------------------------------------------------------

# Where the nodes sit: inputs on the left (top to bottom), the hidden nodes, the output.
INPUT_XY = ((0.0, 2.0), (0.0, 1.0), (0.0, 0.0))
HIDDEN_XY = ((1.0, 1.6), (1.0, 0.4))
OUTPUT_XY = (2.0, 1.0)


NODE_NAMES = ("x1", "x2", "x3", "h1", "h2", "ŷ")


def _edge_style(value: float) -> dict:
    """Blue and solid for a positive weight, vermillion and dashed for a negative one; thicker when larger."""
    size = min(abs(value), 2.0) if math.isfinite(value) else 2.0
    positive = value >= 0
    return dict(
        color=charts.BLUE if positive else charts.VERMILLION,
        dash="solid" if positive else "dashed",
        width=round(4 * (1.0 + 3.5 * size))
        / 4,  # to a quarter of a pixel: an epoch that moves a weight a little draws it alike
    )


def signed(value: float) -> str:
    return ("+" if value >= 0 else "−") + num(abs(value), 4)


def diagram_text(params: Sequence[float], inputs: Sequence[str], activation: str, target: str = "price") -> str:
    """The diagram in words, for the caption."""
    weights = ", ".join(f"{name} = {signed(value)}" for name, value in zip(network.PARAMETERS, params))
    return (
        f"Diagram: inputs x1 ({inputs[0]}), x2 ({inputs[1]}) and x3 ({inputs[2]}) each feed both hidden nodes "
        f"h1 (weights w1, w2, w3, bias b1) and h2 (w4, w5, w6, bias b2), which apply {activation}; h1 and h2 feed "
        f"the {target} through w7 and w8. Positive weights are solid blue, negative ones dashed vermillion, and "
        f"thicker lines are larger. Values now: {weights}."
    )


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


def prediction_chart(
    actual: np.ndarray,
    predicted: np.ndarray,
    target: str = "price",
    units: str = "dollars",
    *,
    money: bool = True,
    one: str = "house",
) -> tuple[dict, int]:
    """Predicted against actual price in dollars (or an upload's `target` in its `units`; `money`: y is in
    dollars; `one`: what a row is), with the line predicted = actual; and how many predictions fell too far
    off to draw."""
    if money:
        low, high = min(0.0, float(actual.min())), 1.08 * float(actual.max())
    else:  # an upload's y may be small or negative: 8% of its spread above and below
        pad = 0.08 * float(np.ptp(actual)) or 1.0
        low, high = float(actual.min()) - pad, float(actual.max()) + pad
    with np.errstate(invalid="ignore"):
        shown = np.isfinite(predicted) & (predicted >= low - (high - low)) & (predicted <= high + (high - low))
    ys = predicted[shown]
    y_low = min(low, float(ys.min())) if ys.size else low
    y_high = max(high, float(ys.max())) if ys.size else high
    step = 1.0 if money else 10.0 ** (math.floor(math.log10(max(y_high - y_low, 1e-300))) - 1)  # dollars, or a tenth
    low, high = math.floor(low / step) * step, math.ceil(high / step) * step  # of a power of ten: labels that read
    y_low, y_high = min(low, math.floor(y_low / step) * step), max(high, math.ceil(y_high / step) * step)

    def edge(value: float) -> float:
        return round(value) if money else float(f"{value:.12g}")  # 2.1, not 2.1000000000000001

    spec = echarts.option(
        f"actual {target} ({units})",
        f"predicted {target} ({units})",
        money=money,
        xaxis={"min": edge(low), "max": edge(high), "scale": False}
        | ({"axisLabel": {"formatter": echarts.MONEY}} if money else {}),
        yaxis={"min": edge(y_low), "max": edge(y_high), "scale": False},
    )
    spec["grid"]["bottom"] = 50
    spec["series"].append(
        echarts.line(
            "perfect prediction (predicted = actual)",
            echarts.points([low, high], [low, high]),
            charts.GREEN,
            dash="dashed",
            width=2,
        )
    )
    dots = {"color": charts.ORANGE, "opacity": 0.6, "borderColor": "#000000", "borderWidth": 0.5}
    spec["series"].append(
        {
            "type": "scatter",
            "name": f"a {one}",
            "data": echarts.points(actual[shown], ys),
            "symbolSize": 6,
            "itemStyle": dots,
        }
    )
    return echarts.framed(spec), int((~shown).sum())


def loss_chart(
    epochs: Sequence[int], losses: Sequence[float], *, loss_title: str, baseline: float, last: int, target="price"
):
    """The loss after each epoch, the epoch shown marked, and the loss of always guessing the average
    price (or `target`); a log axis if they span more than a hundredfold."""
    end = max(last, 1)
    spec = echarts.option(
        "epochs taken",
        loss_title,
        xaxis={"min": -0.5, "max": end + 0.5} | echarts.PADDED,
        yaxis=echarts.log_axis([*losses, baseline]),
    )
    log = spec["yAxis"]["type"] == "log"
    data = (echarts.positive if log else echarts.points)(epochs, losses)
    spec["series"].append(echarts.line("loss", data, charts.BLUE))
    if data:
        spec["series"].append(echarts.marks("now", data[-1:], charts.BLUE, "diamond", 13))
    spec["series"].append(
        echarts.line(
            f"always guessing the average {target}",
            echarts.points([0, end], [baseline, baseline]),
            charts.GREY,
            dash="dotted",
            width=2,
        )
    )
    return echarts.framed(spec)


def diagram(params: Sequence[float], inputs: Sequence[str], activation: str, target: str = "price") -> dict:
    """The network: 3 inputs, 2 hidden nodes, the price (or `target`); each edge drawn solid blue (positive weight)
    or dashed vermillion (negative), thicker when larger, and labelled with its weight."""
    names = network.PARAMETERS
    dark = "#222222"
    spec = {
        "animation": False,
        "legend": {"top": 0, "left": 0, "data": ["positive weight (+, solid)", "negative weight (−, dashed)"]},
        "tooltip": {"show": False},
        "grid": {"left": 90, "right": 60, "top": 40, "bottom": 10},
        "xAxis": {"type": "value", "show": False, "min": -0.7, "max": 2.75},
        "yAxis": {"type": "value", "show": False, "min": -0.5, "max": 2.5},
        "series": [
            echarts.line("positive weight (+, solid)", [], charts.BLUE),
            echarts.line("negative weight (−, dashed)", [], charts.VERMILLION, dash="dashed"),
        ],
    }
    edges = [(INPUT_XY[i], HIDDEN_XY[j], 0.3, 3 * j + i) for j in range(2) for i in range(3)]
    edges += [(HIDDEN_XY[j], OUTPUT_XY, 0.5, 6 + j) for j in range(2)]
    labels = []
    for start, end, at, k in edges:
        edge = _edge_style(params[k])
        color, dash, width = edge["color"], edge["dash"], edge["width"]
        spec["series"].append(echarts.line(f"edge {names[k]}", [list(start), list(end)], color, dash=dash, width=width))
        where = [start[0] + at * (end[0] - start[0]), start[1] + at * (end[1] - start[1])]
        text = charts.VERMILLION_TEXT if color == charts.VERMILLION else color  # on the label's white: 4.5:1 or more
        tag = {"formatter": f"{names[k]} = {signed(params[k])}", "color": text, "borderColor": color}
        labels.append({"value": where, "label": tag})
    frame = {"show": True, "fontSize": 13, "backgroundColor": "#ffffff", "borderWidth": 1, "padding": 3, "opacity": 1}
    spec["series"].append(
        {
            "type": "scatter",
            "id": "weights",
            "name": "weights",
            "data": labels,
            "symbolSize": 0,
            "zlevel": 1,  # a canvas layer above the edges and the nodes
            "itemStyle": {"opacity": 1},
            "label": frame | {"position": "inside"},
        }
    )
    nodes = [*INPUT_XY, *HIDDEN_XY, OUTPUT_XY]
    circle = {"color": "#ffffff", "borderColor": "#000000", "borderWidth": 2, "opacity": 1}
    spec["series"].append(
        {
            "type": "scatter",
            "id": "nodes",
            "name": "nodes",
            "data": [{"value": list(xy), "label": {"formatter": text}} for xy, text in zip(nodes, NODE_NAMES)],
            "symbolSize": 42,
            "z": 3,  # the circles cover the ends of the edges
            "itemStyle": circle,
            "label": {"show": True, "position": "inside", "fontSize": 15, "color": dark},
        }
    )
    biases = [
        {"value": [x, y + shift], "label": {"formatter": f"b{j + 1} = {signed(params[8 + j])}\n{activation}"}}
        for j, ((x, y), shift) in enumerate(zip(HIDDEN_XY, (0.32, -0.32)))
    ]
    words = {"show": True, "fontSize": 14, "lineHeight": 18}  # no colour: the theme's text, light or dark
    named = [{"value": list(xy), "label": {"formatter": literal.echarts(name)}} for xy, name in zip(INPUT_XY, inputs)]
    ends = [  # the inputs' names left of their nodes and "price" right of ŷ, a fixed distance off the circle
        ("inputs", named, "left"),
        ("output", [{"value": list(OUTPUT_XY), "label": {"formatter": literal.echarts(target)}}], "right"),
        ("biases", biases, "inside"),
    ]
    for name, data, position in ends:
        spec["series"].append(
            {
                "type": "scatter",
                "id": name,
                "name": name,
                "data": data,
                "symbolSize": 0,
                "label": words | {"position": position, "distance": 26},
            }
        )
    # On a phone the same drawing, smaller: ECharts picks this in the browser from the chart's width.
    narrow = {
        "grid": {"left": 56, "right": 34},
        "series": [
            {"id": "weights", "label": {"fontSize": 10, "padding": 1}},
            {"id": "nodes", "symbolSize": 28, "label": {"fontSize": 12}},
            *({"id": name, "label": {"fontSize": 11, "lineHeight": 13, "distance": 18}} for name, _, _ in ends),
        ],
    }
    return {"baseOption": spec, "media": [{"query": {"maxWidth": 560}, "option": narrow}]}
