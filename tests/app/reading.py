"""Reading a number back from the screen, written by the rule in ui/fmt.py: 13,270, −1,197,577, 1.2×10⁻⁷; and
the text of the charts, where a negative number must take the minus sign "−" too.

Written here from the rule's words, not with gdcore.numbers, so a test that reads a number this way
checks the page's writing too.
"""

from __future__ import annotations

import base64
import re

import numpy as np

PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻−", "0123456789--")
HYPHEN_BEFORE_DIGIT = re.compile(r"(?<![\w.])-(?=\d)")  # "-3" or "-0.5", as the rule never writes (1e-06 aside)


def number(text: str) -> float:
    """The first word of `text` as a float: '1,434,843,672 dollars²' -> 1434843672.0, '5.1×10⁻⁷' -> 5.1e-07."""
    first = str(text).strip().split(" ")[0].replace(",", "").translate(PLAIN)
    if "×10" in first:
        mantissa, power = first.split("×10")
        return float(mantissa) * 10.0 ** int(power)
    return float(first)


def echarts_text(spec: dict) -> list[str]:
    """The words and numbers of an ECharts option that reach the screen as text: axis names and label templates,
    category labels, series names, point names (what a tooltip writes as {b}), label and tooltip templates."""
    texts = []
    for part in ("xAxis", "yAxis"):
        axes = spec.get(part) or []
        for axis in axes if isinstance(axes, list) else [axes]:
            texts += [str(axis.get("name", "")), str(axis.get("axisLabel", {}).get("formatter", ""))]
            texts += [str(label) for label in axis.get("data", [])]
    for series in spec.get("series", []):
        texts += [str(series.get("name", "")), str(series.get("tooltip", {}).get("formatter", ""))]
        texts.append(str(series.get("label", {}).get("formatter", "")))
        for point in series.get("data", []):
            if isinstance(point, dict):
                texts += [str(point.get("name", "")), str(point.get("label", {}).get("formatter", ""))]
    return texts


def echarts_hyphens(spec: dict) -> list[str]:
    """The value axes ECharts would label itself below zero, with the hyphen: labels shown, and the axis's own min
    (or, without one, its data) below zero. ui.echarts.minus_signs hides such labels and writes them on an axis
    of its own."""
    found = []
    for part, dimension in (("xAxis", 0), ("yAxis", 1)):
        axes = spec.get(part) or []
        for index, axis in enumerate(axes if isinstance(axes, list) else [axes]):
            label = axis.get("axisLabel", {})
            if axis.get("type", "value") != "value" or axis.get("show") is False or label.get("show") is False:
                continue
            if label.get("gdMinus"):  # the epoch view's own formatter writes "−" (ui/stepper.js; the browser tests)
                continue
            points = [
                point.get("value") if isinstance(point, dict) else point
                for series in spec.get("series", [])
                if series.get(f"{part}Index", 0) == index
                for point in series.get("data", [])
            ]
            values = [p[dimension] for p in points if isinstance(p, list) and isinstance(p[dimension], int | float)]
            low = axis.get("min")
            if not isinstance(low, int | float):  # the axis reaches as low as its data (ECharts rounds it down)
                low = min(values, default=0.0)
            if low < 0 and label.get("showMinLabel", True):
                found.append(f"{part} {index} ({axis.get('name')}) reaches below zero with ECharts' own labels")
    return found


def plotly_values(values) -> np.ndarray:
    """A plotly figure's array as numbers: a list, or the typed array plotly's JSON packs ({"dtype", "bdata"})."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).astype(float)
    return np.asarray([v for v in np.ravel(np.asarray(values, dtype=object)) if isinstance(v, int | float)], float)


def plotly_text(figure: dict) -> list[str]:
    """The words and numbers of a plotly figure that reach the screen as text, besides its axes' tick labels
    (plotly writes those with the minus sign "−"): trace names, hover templates, colour bar labels, titles."""
    texts = [str(figure.get("layout", {}).get("title", ""))]
    for trace in figure.get("data", []):
        texts += [str(trace.get("name", "")), str(trace.get("hovertemplate", ""))]
        texts += [str(t) for t in trace.get("colorbar", {}).get("ticktext", [])]
        texts += [str(t) for t in np.ravel(trace["text"])] if isinstance(trace.get("text"), list) else []
    return texts


def plotly_hyphens(figure: dict) -> list[str]:
    """The hover templates that would write a negative number with the hyphen: a d3 format inside the template
    (%{x:,.4~r}) on a trace with values below zero. A bare %{x} takes the axis's hoverformat, written with "−"."""
    found = []
    for trace in figure.get("data", []):
        template = str(trace.get("hovertemplate", ""))
        for key in re.findall(r"%\{(\w+):", template):
            if key in trace and (plotly_values(trace[key]) < 0).any():
                found.append(f"{trace.get('name')}: %{{{key}:…}} over values below zero")
    return found
