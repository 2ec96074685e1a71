"""The charts that change with every click (the guess, descent and network pages), as ECharts options for
st.echarts_chart.

These charts change on every click of Next epoch and every frame of Play. Streamlit draws an
ECharts option on a canvas and, when the option changes, updates the chart in place; a plotly chart
was rebuilt as SVG, 546 house dots included, and three of them took most of a click (the descent page went
from 4.3x to 1.9x a one-button app's click: see README, Speed).

The options are plain dicts of plain floats: ECharts' JSON allows no NaN or infinity, so points
that cannot be drawn are left out (`points`). Colours are Okabe-Ito, as in ui/charts.py, and every
series also differs by line type or marker shape, so colour is never the only signal. Titles, series names
and captions come in as they are, and are shown literally (ui.literal): they may name a learner's columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import streamlit as st

from ui import literal, present
from ui.charts import BLUE, GREEN, GREY, ORANGE, SKY, VERMILLION
from ui.fmt import money, num

HEIGHT = 380  # pixels, as the plotly charts
LEGEND_WIDTH = 330  # pixels a legend may fill before it wraps: a chart on a phone, or in a column at 1024 px
MONEY = "${value}"  # axis labels: ECharts writes the thousands separators itself


SLOTS = 400  # label places along an axis whose ends are not ticks: a label is at most 1/800 of the axis off


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
    """Draw the option with its caption underneath; the caption is also the chart's text for screen readers.
    The caption is plain text (no formatting of its own), shown literally."""
    if present.active():  # a projector: larger text, a taller chart
        spec, height = present.chart_text(spec), round(height * 1.2)
    st.echarts_chart(readable(minus_signs(spec)), height=height, key=key, alt=caption)
    st.caption(literal.md(caption))


def minus_signs(spec: dict) -> dict:
    """The option with its negative axis labels written as the rest of the app writes numbers: −2, not -2.

    ECharts writes a value axis's labels itself, with a hyphen, and Streamlit passes it no JavaScript formatter.
    So a value axis that would label a number below zero hides its labels and puts its ticks and grid lines at
    values chosen here (axisTick.customValues); a category axis laid over it, its categories spread evenly from
    end to end (boundaryGap false), writes each label at its value's place, by the number rule (ui/fmt.py).
    Its default tooltip writes a negative with a hyphen too: a chart with any point below zero names each point
    by its value, written by the rule, and the tooltip writes that name."""
    spec = dict(spec)
    for part, dimension in (("xAxis", 0), ("yAxis", 1)):
        axes = spec.get(part)
        listed = [dict(axis) for axis in (axes if isinstance(axes, list) else [axes] if axes else [])]
        overlays = []
        for index, axis in enumerate(listed):
            ticks = labelled_ticks(axis, series_extent(spec, part, index, dimension))
            if ticks is None:
                continue
            low, high, step, values = ticks
            style = axis.get("axisLabel", {})
            labels = [label_text(style.get("formatter"), value) for value in values]
            axis.update(min=low, max=high)
            axis["axisLabel"] = {**style, "show": False}
            axis["axisTick"] = {**axis.get("axisTick", {}), "customValues": values}
            ends = (low / step, high / step)
            whole = all(abs(end - round(end)) < 1e-9 for end in ends)
            slots = round(ends[1] - ends[0]) if whole else SLOTS  # ticks at both ends: a slot a tick, exactly
            data = [""] * (slots + 1)
            for value, label in zip(values, labels):
                data[round((value - low) / (high - low) * slots)] = label
            kept = {k: v for k, v in style.items() if k not in ("formatter", "show", "showMinLabel", "showMaxLabel")}
            overlays.append(
                {
                    "type": "category",
                    "data": data,
                    "boundaryGap": False,
                    "gridIndex": axis.get("gridIndex", 0),
                    "position": axis.get("position", "bottom" if part == "xAxis" else "left"),
                    "axisLine": {"show": False},
                    "axisTick": {"show": False},
                    "splitLine": {"show": False},
                    "axisLabel": kept | {"interval": 0, "hideOverlap": True},
                    "axisPointer": {"show": False},
                    "silent": True,
                }
            )
        if overlays:
            spec[part] = listed + overlays  # after the value axes: the series keep their axis indexes
    tooltip = spec.get("tooltip")
    shown = not (isinstance(tooltip, dict) and tooltip.get("show") is False)
    if shown and any(value < 0 for series in spec.get("series", []) for value in tooltip_values(series)):
        spec["series"] = [named(series) for series in spec["series"]]
    return spec


def tooltip_values(series: dict) -> list[float]:
    """The numbers a series' default tooltip writes, one a point: its y (none when its tooltip is its own)."""
    own = series.get("tooltip", {})
    if own.get("formatter") or own.get("show") is False:
        return []
    points = [point.get("value") if isinstance(point, dict) else point for point in series.get("data", [])]
    return [float(p[1]) for p in points if isinstance(p, list | tuple) and len(p) > 1 and isinstance(p[1], int | float)]


def named(series: dict) -> dict:
    """The series with each point named by its y, written by the number rule, and a tooltip that writes the name:
    ECharts' own tooltip writes a negative y as -2.28."""
    if not tooltip_values(series):
        return series
    data = [
        {"value": point, "name": num(point[1])} if isinstance(point, list | tuple) and len(point) > 1 else point
        for point in series["data"]
    ]
    return series | {"data": data, "tooltip": {**series.get("tooltip", {}), "formatter": "{a}<br/>{b}"}}


def series_extent(spec: dict, part: str, index: int, dimension: int) -> tuple[float, float] | None:
    """The lowest and highest value the series drawn on axis `index` of `part` reach, or None."""
    values = []
    for series in spec.get("series", []):
        if series.get(f"{part}Index", 0) != index:
            continue
        for point in series.get("data", []):
            point = point.get("value") if isinstance(point, dict) else point
            if isinstance(point, list | tuple) and len(point) > dimension and isinstance(point[dimension], int | float):
                values.append(float(point[dimension]))
    finite = [value for value in values if math.isfinite(value)]
    return (min(finite), max(finite)) if finite else None


def nice_step(span: float) -> float:
    """ECharts' own tick interval for a span cut in about five: 1, 2, 3 or 5 times a power of ten."""
    rough = span / 5
    power = 10.0 ** math.floor(math.log10(rough))
    fraction = rough / power
    return power * (1 if fraction < 1.5 else 2 if fraction < 2.5 else 3 if fraction < 4 else 5 if fraction < 7 else 10)


def labelled_ticks(axis: dict, data: tuple[float, float] | None) -> tuple[float, float, float, list[float]] | None:
    """(min, max, interval, the labelled values) of a value axis that would label a number below zero, else None.

    The axis's own min and max where it has them; else the data's range widened to whole intervals (and to 0
    unless the axis is `scale`d), as ECharts would widen it."""
    if axis.get("type", "value") != "value" or axis.get("show") is False:
        return None
    style = axis.get("axisLabel", {})
    if style.get("show") is False:
        return None
    low, high = axis.get("min"), axis.get("max")
    if not isinstance(low, int | float) or not isinstance(high, int | float):
        if data is None:
            return None
        first, last = data
        if not axis.get("scale"):
            first, last = min(first, 0.0), max(last, 0.0)
        if last <= first:
            first, last = first - 1, last + 1
        step = axis.get("interval") or nice_step(last - first)
        low = low if isinstance(low, int | float) else math.floor(first / step) * step
        high = high if isinstance(high, int | float) else math.ceil(last / step) * step
    if not (math.isfinite(low) and math.isfinite(high) and high > low):
        return None
    step = axis.get("interval") or nice_step(high - low)
    values = [round(k * step, 12) for k in range(math.ceil(low / step - 1e-9), math.floor(high / step + 1e-9) + 1)]
    near = 1e-9 * step
    if not values or not math.isclose(values[0], low, abs_tol=near):  # ECharts labels the axis's ends too
        values.insert(0, low)
    if not math.isclose(values[-1], high, abs_tol=near):
        values.append(high)
    if style.get("showMinLabel") is False:  # as PADDED asks: no label at the axis's ends
        values = values[1:]
    if style.get("showMaxLabel") is False:
        values = values[:-1]
    if not any(value < 0 for value in values):
        return None
    return float(low), float(high), float(step), values


def label_text(formatter: str | None, value: float) -> str:
    """An axis label as the axis's formatter would write it, with the number by the app's rule: −2, −$1,000."""
    if formatter == MONEY:
        return money(value)
    return formatter.replace("{value}", num(value)) if isinstance(formatter, str) else num(value)


def points(xs: Iterable[float], ys: Iterable[float]) -> list[list[float]]:
    """[[x, y], ...] as plain floats, leaving out any point that is not a finite number. (Through numpy: a page
    that builds every epoch's charts at once draws 546 points an epoch, 500 epochs.)"""
    xs, ys = (
        np.asarray(list(xs) if not hasattr(xs, "__len__") else xs, dtype=float),
        np.asarray(list(ys) if not hasattr(ys, "__len__") else ys, dtype=float),
    )
    count = min(len(xs), len(ys))
    pairs = np.column_stack((xs[:count], ys[:count]))  # (count, 2)
    return pairs[np.isfinite(pairs).all(axis=1)].tolist()


def positive(xs: Iterable[float], ys: Iterable[float]) -> list[list[float]]:
    """The points a log axis can draw: finite, and above zero."""
    return [point for point in points(xs, ys) if point[1] > 0]


def axis(title: str, gap: int, **extra: object) -> dict:
    return {
        "type": "value",
        "name": literal.echarts(title),
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


def line(name: str, data: list, color: str | None, *, dash: str = "solid", width: float = 3, **extra: object) -> dict:
    """A line series; colour None: the text's colour on the page's theme (the epoch view's ECharts theme)."""
    paint = {"color": color} if color else {}
    return {
        "type": "line",
        "name": literal.echarts(name),
        "data": data,
        "showSymbol": False,
        "symbol": "none",
        "lineStyle": paint | {"type": dash, "width": width},
        "itemStyle": paint,
        **extra,
    }


def marks(name: str, data: list, color: str, symbol: str, size: float, **extra: object) -> dict:
    return {
        "type": "scatter",
        "name": literal.echarts(name),
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


# --- the guess page: a guess -----------------------------------------------------------------------------

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
