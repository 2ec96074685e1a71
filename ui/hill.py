"""The ball-on-the-hill page's charts (ECharts options): the curve with the ball's steps, the loss and
the learning rate on one step axis, and where random drops end up.

The curve can be clicked: an invisible row of points along it (`DROP`) is selectable, and the page
reads the clicked point's index as the place to drop the ball.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gdcore import curve
from ui.charts import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION
from ui.echarts import axis, framed, line, log_axis, marks, option, points, positive
from ui.fmt import num

DROP = "drop"  # the series id of the clickable points along the curve
VIEW = 20.0  # the chart follows a ball that runs away up to |w| = 20, then lets it leave
# Each valley's colour and marker shape, left to right: colour is never the only signal.
VALLEYS = [(BLUE, "circle"), (ORANGE, "rect"), (GREEN, "triangle"), (PURPLE, "diamond")]
WHOLE = 401  # points on the drawn curve


def view(ws: Sequence[float]) -> tuple[float, float]:
    """The stretch of w on screen: the hill from LOW to HIGH, widened to follow the ball up to |w| = VIEW."""
    shown = [w for w in ws if np.isfinite(w)]
    low = max(min([curve.LOW, *shown]), -VIEW)
    high = min(max([curve.HIGH, *shown]), VIEW)
    return low, high


def hill(
    name: str,
    ws: Sequence[float],
    *,
    clickable: Sequence[float] = (),
    title: str = "loss",
    legend: bool = True,
    span: tuple[float, float] | None = None,
) -> dict:
    """The curve, the ball's steps joined in order (`ws`: the start, then w after each step), the start
    (a triangle) and the ball now (a large circle). `clickable`: the w of each point a click can drop the
    ball on, drawn invisibly along the curve. `span`: the w axis's range (default: `view(ws)`)."""
    low, high = span or view(ws)
    grid = np.linspace(low, high, WHOLE)  # (401,)
    spec = option("w", title, xaxis={"min": low, "max": high})
    spec["xAxis"]["scale"] = False
    spec["series"].append(line("the hill", points(grid, curve.loss(name, grid)), SKY))
    if len(clickable):
        spec["series"].append(
            {
                "type": "scatter",
                "id": DROP,
                "name": "click the curve to drop the ball",
                # Each point named by its w as the app writes numbers (−2.5): the tooltip would write raw -2.5
                "data": [
                    {"value": point, "name": num(point[0])}
                    for point in points(clickable, curve.loss(name, np.asarray(clickable)))
                ],
                "symbolSize": 16,
                "itemStyle": {"color": VERMILLION, "opacity": 0.02},
                "selectedMode": "single",
                "select": {"itemStyle": {"opacity": 0.02}},
                "emphasis": {"itemStyle": {"opacity": 0.6}},
                "tooltip": {"formatter": "Click to drop the ball at w = {b}"},
                "cursor": "pointer",
            }
        )
    inside = [w for w in ws if low <= w <= high]
    steps = points(inside, curve.loss(name, np.asarray(inside)))
    spec["series"].append(
        line("the ball's steps", steps, VERMILLION, width=1.5)
        | {"showSymbol": True, "symbol": "emptyCircle", "symbolSize": 8}
    )
    start = points(ws[:1], curve.loss(name, np.asarray(ws[:1])))
    if start and low <= ws[0] <= high:
        spec["series"].append(marks("start", start, GREY, "triangle", 14))
    if steps and low <= ws[-1] <= high:
        spec["series"].append(marks("the ball now", steps[-1:], BLUE, "circle", 20))
    if not legend:
        spec["legend"] = {"show": False}
        spec["grid"]["top"] = 16
        return spec
    shown = [s for s in spec["series"] if s.get("id") != DROP]  # the clickable points stay out of the legend
    spec["legend"]["data"] = [s["name"] for s in shown]
    spec["grid"]["top"] = framed({"series": shown, "grid": {}})["grid"]["top"]
    return spec


RACERS = [(GREEN, "circle", "dotted"), (BLUE, "rect", "solid"), (VERMILLION, "triangle", "dashed")]


def race(name: str, paths: dict[str, Sequence[float]]) -> dict:
    """The curve from LOW to HIGH and several balls rolled from the same start, one path each (a colour,
    a marker shape and a dash each), their latest point drawn larger. A ball outside the stretch on
    screen is not drawn."""
    grid = np.linspace(curve.LOW, curve.HIGH, WHOLE)
    spec = option("w", "loss", xaxis={"min": curve.LOW, "max": curve.HIGH, "scale": False})
    spec["series"].append(line("the hill", points(grid, curve.loss(name, grid)), SKY, width=2))
    for (label, ws), (color, symbol, dash) in zip(paths.items(), RACERS):
        inside = [w for w in ws if curve.LOW <= w <= curve.HIGH]
        steps = points(inside, curve.loss(name, np.asarray(inside)))
        spec["series"].append(
            line(label, steps, color, dash=dash, width=2)
            | {"showSymbol": True, "symbol": f"empty{symbol.capitalize()}", "symbolSize": 8}
        )
        if steps and curve.LOW <= ws[-1] <= curve.HIGH:
            spec["series"].append(marks(f"{label}: now", steps[-1:], color, symbol, 16))
    shown = [s for s in spec["series"] if not s["name"].endswith(": now")]
    spec["legend"]["data"] = [s["name"] for s in shown]
    spec["grid"]["top"] = framed({"series": shown, "grid": {}})["grid"]["top"]
    return spec


def loss_and_rate(losses: Sequence[float], rates: Sequence[float], *, now: int, last: int) -> dict:
    """Two panels on one step axis: the loss after each step (top; `losses[k]` after k steps, a log axis
    when it spans more than a hundredfold) and the learning rate of each step (bottom, `rates[t - 1]` for
    step t), the step shown marked ◆ in both."""
    logged = log_axis(losses)
    shown = (positive if logged else points)(range(len(losses)), losses)
    x = {"type": "value", "min": -0.5, "max": last + 0.5, "axisLabel": {"showMinLabel": False, "showMaxLabel": False}}
    series = [
        line("loss", shown, BLUE, width=2) | {"showSymbol": True, "symbol": "circle", "symbolSize": 5},
        {
            "type": "bar",
            "name": "learning rate of the step",
            "data": points(range(1, len(rates) + 1), rates),
            "xAxisIndex": 1,
            "yAxisIndex": 1,
            "barWidth": "60%",
            "itemStyle": {"color": SKY, "borderColor": BLUE, "borderWidth": 0.5},
        },
    ]
    here = [p for p in shown if p[0] == now]
    if here:
        series.append(marks("this step", here, VERMILLION, "diamond", 13))
    if 1 <= now <= len(rates):
        series.append(
            marks("this step", points([now], [rates[now - 1]]), VERMILLION, "diamond", 13)
            | {"xAxisIndex": 1, "yAxisIndex": 1}
        )
    top = framed({"series": series[:3], "grid": {}})["grid"]["top"]  # room for the legend's rows
    return {
        "animation": False,
        "legend": {"top": 0, "left": 0, "right": 0, "itemGap": 12},
        "tooltip": {"trigger": "item"},
        "grid": [
            {"left": 64, "right": 16, "top": top, "bottom": "42%"},
            {"left": 64, "right": 16, "top": "66%", "bottom": 46},
        ],
        "xAxis": [x | {"gridIndex": 0}, x | {"gridIndex": 1, "name": "step", "nameLocation": "middle", "nameGap": 28}],
        "yAxis": [
            axis("loss", 52, gridIndex=0) | logged,
            axis("learning rate", 52, gridIndex=1, min=0, scale=False),
        ],
        "series": series,
    }


def drops(name: str, starts: Sequence[float], ends: Sequence[float], valleys: Sequence[int | None]) -> dict:
    """Where each random drop started (small grey ticks) and where it ended, by valley: a colour and a
    marker shape each; a drop that left the hill is not drawn at its end."""
    grid = np.linspace(curve.LOW, curve.HIGH, WHOLE)
    spec = option("w", "loss", xaxis={"min": curve.LOW, "max": curve.HIGH, "scale": False})
    spec["series"].append(line(f"the hill: {name}", points(grid, curve.loss(name, grid)), SKY, width=2))
    spec["series"].append(
        marks("where a drop started", points(starts, curve.loss(name, np.asarray(starts))), GREY, "pin", 12)
        | {"itemStyle": {"color": GREY, "opacity": 0.6}}
    )
    bottoms, _ = curve.turning_points(name)
    for index, _bottom in enumerate(bottoms):
        color, symbol = VALLEYS[index % len(VALLEYS)]
        here = [w for w, v in zip(ends, valleys) if v == index]
        if here:
            ended = points(here, curve.loss(name, np.asarray(here)))
            spec["series"].append(marks(f"ended in valley {index + 1}", ended, color, symbol, 13))
    return framed(spec)
