"""The charts that change with every click (pages 1, 3 and 5), as ECharts options for st.echarts_chart.

These charts change on every click of Next epoch and every frame of Play. Streamlit draws an
ECharts option on a canvas and, when the option changes, updates the chart in place; a plotly chart
was rebuilt as SVG, 546 house dots included, and three of them took most of a click (page 3 went
from 4.3x to 1.9x a one-button app's click: see README, Speed).

The options are plain dicts of plain floats: ECharts' JSON allows no NaN or infinity, so points
that cannot be drawn are left out (`points`). Colours are Okabe-Ito, as in ui/charts.py, and every
series also differs by line type or marker shape, so colour is never the only signal.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import streamlit as st

from ui import present
from ui.charts import BLUE, GREEN, GREY, ORANGE, SKY, VERMILLION

HEIGHT = 380  # pixels, as the plotly charts
LEGEND_WIDTH = 330  # pixels a legend may fill before it wraps: a chart on a phone, or in a column at 1024 px
MONEY = "${value}"  # axis labels: ECharts writes the thousands separators itself


# Streamlit's chart theme writes axis numbers, axis titles, the legend and labels in #808495 on the light
# theme: 3.7:1 on white, under the 4.5:1 that 12 px text needs (its #E6EAF1 on the dark theme is 14:1). ECharts
# draws on a canvas, out of a style sheet's reach, so on the light theme the option says the colour. The
# browser names its theme with each rerun (st.context.theme); after a switch in the settings menu the charts
# follow at the next click.
LIGHT_THEME_TEXT = "#555867"  # Streamlit's next grey: 7.1:1 on white, 6.6:1 on the sidebar's #F8F8F7


def readable(spec: dict) -> dict:
    """The option with its text in LIGHT_THEME_TEXT on the light theme; unchanged on the dark one."""
    if st.context.theme.type == "dark":
        return spec
    if "baseOption" in spec:  # an option with media queries (the network's diagram)
        return spec | {"baseOption": readable(spec["baseOption"])}
    text = {"color": LIGHT_THEME_TEXT}

    def axes(part: dict | list | None):
        if isinstance(part, list):
            return [axes(axis) for axis in part]
        if not isinstance(part, dict):
            return part
        return part | {
            "axisLabel": part.get("axisLabel", {}) | text,
            "nameTextStyle": part.get("nameTextStyle", {}) | text,
        }

    spec = spec | {"textStyle": spec.get("textStyle", {}) | text}
    for part in ("xAxis", "yAxis"):
        if part in spec:
            spec[part] = axes(spec[part])
    if isinstance(spec.get("legend"), dict):
        spec["legend"] = spec["legend"] | {"textStyle": spec["legend"].get("textStyle", {}) | text}
    return spec


def draw(spec: dict, caption: str, *, key: str, height: int = HEIGHT) -> None:
    """Draw the option with its caption underneath; the caption is also the chart's text for screen readers."""
    if present.active():  # a projector: larger text, a taller chart
        spec, height = present.chart_text(spec), round(height * 1.2)
    st.echarts_chart(readable(spec), height=height, key=key, alt=caption)
    st.caption(caption)


def points(xs: Iterable[float], ys: Iterable[float]) -> list[list[float]]:
    """[[x, y], ...] as plain floats, leaving out any point that is not a finite number."""
    return [[float(x), float(y)] for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]


def positive(xs: Iterable[float], ys: Iterable[float]) -> list[list[float]]:
    """The points a log axis can draw: finite, and above zero."""
    return [point for point in points(xs, ys) if point[1] > 0]


def axis(title: str, gap: int, **extra: object) -> dict:
    return {
        "type": "value",
        "name": title,
        "nameLocation": "middle",
        "nameGap": gap,
        "scale": True,
        "splitLine": {"lineStyle": {"opacity": 0.5}},
        **extra,
    }


PADDED = {"scale": False, "axisLabel": {"showMinLabel": False, "showMaxLabel": False}}  # no "0.5" or "40.5" labels


def option(x_title: str, y_title: str, *, money: bool = False, xaxis: dict | None = None, yaxis: dict | None = None):
    """The common frame: legend on top, titled axes, no animation (a click shows the new epoch at
    once), item tooltips. `framed` makes room for the legend once the series are in."""
    y_extra = {"axisLabel": {"formatter": MONEY}} if money else {}
    return {
        "animation": False,
        "legend": {"top": 0, "left": 0, "right": 0, "itemGap": 12},
        "tooltip": {"trigger": "item"},
        "grid": {"left": 64 if money else 56, "right": 16, "top": 44, "bottom": 46},
        "xAxis": axis(x_title, 28) | (xaxis or {}),
        "yAxis": axis(y_title, 62 if money else 44, **y_extra) | (yaxis or {}),
        "series": [],
    }


def framed(spec: dict) -> dict:
    """Room above the plot for the legend, as many rows as its names take at LEGEND_WIDTH: every name
    stays readable on a phone and a projector (a scrolling legend hid some behind arrows)."""
    rows, used = 1, 0.0
    for series in spec["series"]:
        width = 37 + 6.5 * len(series["name"])  # icon, gap and 12 px text
        if used and used + width > LEGEND_WIDTH:
            rows, used = rows + 1, 0.0
        used += width
    spec["grid"]["top"] = 22 + 26 * rows
    return spec


def line(name: str, data: list, color: str, *, dash: str = "solid", width: float = 3, **extra: object) -> dict:
    return {
        "type": "line",
        "name": name,
        "data": data,
        "showSymbol": False,
        "symbol": "none",
        "lineStyle": {"color": color, "type": dash, "width": width},
        "itemStyle": {"color": color},
        **extra,
    }


def marks(name: str, data: list, color: str, symbol: str, size: float, **extra: object) -> dict:
    return {
        "type": "scatter",
        "name": name,
        "data": data,
        "symbol": symbol,
        "symbolSize": size,
        "itemStyle": {"color": color, "borderColor": "#000000", "borderWidth": 1},
        **extra,
    }


def houses(
    x: np.ndarray,
    y: np.ndarray,
    lines: dict[str, tuple[float, float]],
    *,
    x_title: str,
    y_title: str,
    batch: Sequence[int] | None = None,
    money: bool = True,
    rows: tuple[str, str] = ("house", "houses"),
) -> dict:
    """Every house as a dot (whole-number x spread sideways a little so they do not hide each other),
    the lines (start dotted, now solid, best dashed), and the houses of this step's batch as diamonds.
    `money`: y is in dollars; `rows`: what one row and several are (an upload's are "row", "rows")."""
    whole = bool(np.all(x == np.round(x)))
    jitter = np.random.default_rng(0).uniform(-0.18, 0.18, size=len(x)) if whole else np.zeros(len(x))  # fixed
    spread = x + jitter
    # Keep the houses in view even when a diverging line shoots off the chart.
    y_range = {"min": min(0.0, float(y.min())), "max": round(1.08 * float(y.max())), "scale": False}
    if not money:  # an upload's y may be small or negative: 8% of its spread above and below
        pad = 0.08 * float(np.ptp(y)) or 1.0
        y_range = {"min": float(y.min()) - pad, "max": float(y.max()) + pad, "scale": False} | PADDED
    spec = option(x_title, y_title, money=money, yaxis=y_range)
    dots = {"color": ORANGE, "opacity": 0.45}
    spec["series"].append(
        {"type": "scatter", "name": f"a {rows[0]}", "data": points(spread, y), "symbolSize": 5} | {"itemStyle": dots}
    )
    rows_of = rows
    if batch is not None:
        rows = np.asarray(batch, dtype=int)
        name = f"this step's batch ({len(rows)} {rows_of[0] if len(rows) == 1 else rows_of[1]})"
        spec["series"].append(marks(name, points(spread[rows], y[rows]), VERMILLION, "diamond", 9))
    pad = 0.5 if whole else 0.05 * float(np.ptp(x))
    ends = np.array([x.min() - pad, x.max() + pad])
    styles = [(GREY, "dotted", 2), (BLUE, "solid", 3), (GREEN, "dashed", 2)]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged line may not be drawable: it is left out
        for (name, (slope, intercept)), (color, dash, width) in zip(lines.items(), styles):
            spec["series"].append(line(name, points(ends, slope * ends + intercept), color, dash=dash, width=width))
    spec["xAxis"] |= {"min": round(float(ends[0]), 6), "max": round(float(ends[1]), 6)} | PADDED
    return framed(spec)


def descent_path(
    slopes: np.ndarray,
    losses: np.ndarray,
    path_slopes: Sequence[float],
    path_losses: Sequence[float],
    *,
    loss_title: str,
    slope_title: str,
) -> dict:
    """The loss against the slope, and the guesses so far joined in order: the zig-zag downhill."""
    spec = option(slope_title, loss_title)
    spec["series"].append(line("loss at this epoch's intercept", points(slopes, losses), SKY))
    guesses = points(path_slopes, path_losses)
    spec["series"].append(
        line("guesses, in order", guesses, VERMILLION, width=1.5)
        | {"showSymbol": True, "symbol": "emptyCircle", "symbolSize": 9}
    )
    if guesses:
        spec["series"].append(marks("now", guesses[-1:], BLUE, "diamond", 14))
    return framed(spec)


def log_axis(values: Sequence[float]) -> dict:
    """A log y axis from a power of ten to a power of ten when the positive values span more than a
    hundredfold, else {}."""
    positive = [value for value in values if value > 0 and math.isfinite(value)]
    if positive and max(positive) / min(positive) > 100:
        low, high = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
        return {"type": "log", "logBase": 10, "scale": False, "min": 10.0**low, "max": 10.0**high}
    return {}


def loss_over_epochs(epochs: Sequence[int], losses: Sequence[float], *, loss_title: str, best: float, last: int):
    """The loss after each epoch, on an axis that spans the whole run (0 to `last` epochs);
    a log axis once the loss spans more than a hundredfold."""
    end = max(last, 1)
    spec = option(
        "epochs taken",
        loss_title,
        xaxis={"min": -0.5, "max": end + 0.5} | PADDED,
        yaxis=log_axis([*losses, best] if best > 0 else []),
    )
    shown = positive(epochs, losses) if spec["yAxis"]["type"] == "log" else points(epochs, losses)
    spec["series"].append(
        line("loss", shown, BLUE, width=2) | {"showSymbol": True, "symbol": "circle", "symbolSize": 6}
    )
    spec["series"].append(line("lowest possible loss", points([0, end], [best, best]), GREEN, dash="dashed", width=2))
    return framed(spec)


def rates(rates: Sequence[float], *, now: int) -> dict:
    """The learning rate of each epoch (a bar each), the epoch shown marked with a diamond."""
    epochs = range(1, len(rates) + 1)
    spec = option(
        "epoch",
        "learning rate",
        xaxis={"min": 0.5, "max": len(rates) + 0.5} | PADDED,
        yaxis={"min": 0, "scale": False},
    )
    spec["grid"]["bottom"] = 40
    spec["series"].append(
        {
            "type": "bar",
            "name": "learning rate of the epoch",
            "data": points(epochs, rates),
            "barWidth": "60%",
            "itemStyle": {"color": SKY, "borderColor": BLUE, "borderWidth": 0.5},
        }
    )
    if 1 <= now <= len(rates):
        spec["series"].append(marks("this epoch", points([now], [rates[now - 1]]), VERMILLION, "diamond", 13))
    return framed(spec)


# --- page 1: a guess -----------------------------------------------------------------------------

CROSS = "path://M2,0L5,3L8,0L10,2L7,5L10,8L8,10L5,7L2,10L0,8L3,5L0,2Z"  # an x, as plotly's "x" marker


def guess(x: np.ndarray, y: np.ndarray, prediction: np.ndarray, line_x: np.ndarray, line_y: np.ndarray) -> dict:
    """The door-to-door averages (circles), the guessed line, the guesses on it (crosses), and each
    error as a dotted segment from the average to the line."""
    spec = option("bedrooms", "price (dollars)", money=True)
    segments: list = []
    for (xi, actual), (_, guessed) in zip(points(x, y), points(x, prediction)):
        segments += [[xi, actual], [xi, guessed], None]  # None: the line lifts its pen
    spec["series"] += [
        line("error (actual − guess)", segments, VERMILLION, dash="dotted", width=2) | {"connectNulls": False},
        line("guessed line", points(line_x, line_y), BLUE),
        marks("guess", points(x, prediction), BLUE, CROSS, 11) | {"itemStyle": {"color": BLUE}},
        marks("average price (actual)", points(x, y), ORANGE, "circle", 12),
    ]
    return framed(spec)
