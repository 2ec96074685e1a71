"""Loss landscapes over two parameters: a filled contour map and a 3D surface, with descent paths and
arrows on top (plotly).

Shared by the landscape, optimizers and mini-batch pages. Every path is told apart by its dash and
marker shape as well as its colour, and its last point is drawn larger: where the ball is now. Names and
titles come in as they are and are shown literally (ui.literal.plotly): they may name a learner's columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ui import literal
from ui.charts import ORANGE, VERMILLION, layout
from ui.fmt import num

# Hover values to four significant figures, with thousands separators. Set as each axis's hoverformat and shown
# with a bare %{x} in a hovertemplate: plotly then writes a negative with the minus sign "−", as on its axes; a
# d3 format inside the template (%{x:,.4~r}) writes the hyphen "-".
HOVER = ",.4~r"

TINY = 1e-12  # keeps log10 away from 0 at the minimum
DECADES = 6  # a log-scaled map shows the top six powers of ten; anything lower shares the darkest colour
SCALE = "Viridis"  # light for high, dark for low would read as depth; Viridis is safe for colour-blind readers


@dataclass(frozen=True)
class Path:
    """A descent's path: a line with a marker per step; the last point is the ball, drawn larger."""

    name: str  # legend name, e.g. "Adam" or "mini-batches of 16"
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    color: str = ORANGE
    dash: str = "solid"  # plotly dash: "solid", "dash", "dot", "dashdot", "longdash"
    symbol: str = "circle"  # plotly marker symbol


@dataclass(frozen=True)
class Arrow:
    """An arrow from (x, y) to (x + dx, y + dy), e.g. the next step, or the way downhill."""

    name: str
    x: float
    y: float
    dx: float
    dy: float
    color: str = VERMILLION
    dash: str = "solid"


def finite_prefix(*columns: Sequence[float]) -> list[np.ndarray]:
    """The columns up to (not including) the first point where any of them is not finite."""
    arrays = [np.asarray(c, dtype=float) for c in columns]
    if not arrays or not len(arrays[0]):
        return arrays
    bad = ~np.all([np.isfinite(a) for a in arrays], axis=0)  # (k,)
    stop = int(np.argmax(bad)) if bad.any() else len(bad)
    return [a[:stop] for a in arrays]


def path_traces(paths: Sequence[Path]) -> list[go.Scatter]:
    """The paths: one white halo under all their lines, each path's line with small markers, and one trace of
    balls on top, each path's last point drawn larger. The halo and the balls hold every path's points, one path
    after another with a gap (None) between, and name each path's legend group in order (`meta["groups"]`): a
    browser that steps through a run redraws every trace at every step, one for each path and not three (the
    epoch view, ui/stepper.js, hides a path's halo and ball with its line when the legend hides the line)."""
    drawn = [(path, *finite_prefix(path.xs, path.ys)) for path in paths]
    drawn = [(path, xs, ys) for path, xs, ys in drawn if len(xs)]
    if not drawn:
        return []
    names = [literal.plotly(path.name) for path, _, _ in drawn]  # legend, hover and group alike
    groups = {"groups": names}
    # One path: its halo and ball are in its legend group, so plotly's own legend hides them with its line (a map
    # Streamlit draws, the landscape page's two side by side); several: the epoch view does it for each path's part.
    shared = {"legendgroup": names[0]} if len(names) == 1 else {}
    halo = go.Scatter(  # a white band under the lines keeps them readable on any colour of the map
        x=gapped([xs for _, xs, _ in drawn]),
        y=gapped([ys for _, _, ys in drawn]),
        mode="lines",
        showlegend=False,
        hoverinfo="skip",
        line=dict(color="white", width=6),
        meta=groups,
        **shared,
    )
    lines = [
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines+markers",
            name=name,
            legendgroup=name,
            line=dict(color=path.color, dash=path.dash, width=2.5),
            marker=dict(symbol=path.symbol, size=6, color=path.color, line=dict(color="black", width=0.5)),
            hovertemplate=f"{name}<br>(%{{x}}, %{{y}})<extra></extra>",
        )
        for (path, xs, ys), name in zip(drawn, names)
    ]
    balls = go.Scatter(
        x=gapped([xs[-1:] for _, xs, _ in drawn]),
        y=gapped([ys[-1:] for _, _, ys in drawn]),
        mode="markers",
        name="now",
        showlegend=False,
        text=gapped([[name] for name in names], look=True),
        marker=dict(
            symbol=gapped([[path.symbol] for path, _, _ in drawn], look=True),
            size=14,
            color=gapped([[path.color] for path, _, _ in drawn], look=True),
            line=dict(color="black", width=1.5),
        ),
        hovertemplate="%{text}, now<br>(%{x}, %{y})<extra></extra>",
        meta=groups,
        **shared,
    )
    return [halo, *lines, balls]


def gapped(parts: Sequence[Sequence], look: bool = False) -> list:
    """The parts one after another, a gap (None) between each two: several paths in one trace. `look`: a marker's
    colours or symbols beside such points, where a gap repeats the value after it (plotly takes no None there)."""
    joined: list = []
    for i, part in enumerate(parts):
        items = [item.item() if hasattr(item, "item") else item for item in part]
        joined += ([items[0] if look else None] if i else []) + items
    return joined


def arrow_trace(arrow: Arrow, keep: bool = False) -> go.Scatter | None:
    """The arrow as a two-point line whose second marker is an arrowhead pointing along it. An arrow that cannot be
    drawn (not finite: no step yet, or one that blew up) is None, or with `keep` a trace with no points: its name
    stays in the legend, and the legend, and the map beside it, keep their size from step to step."""
    (xs, ys) = finite_prefix([arrow.x, arrow.x + arrow.dx], [arrow.y, arrow.y + arrow.dy])
    drawn = len(xs) == 2
    if not drawn and not keep:
        return None
    name = literal.plotly(arrow.name)
    return go.Scatter(
        x=xs if drawn else [None],  # a gap: plotly lists a trace with no point at all nowhere, not even in the legend
        y=ys if drawn else [None],
        mode="lines+markers",
        name=name,
        line=dict(color=arrow.color, dash=arrow.dash, width=3),
        marker=dict(symbol=["circle", "arrow"], size=[5, 16], angleref="previous", color=arrow.color),
        # The numbers as the points' text, not in the template: an arrow that moves at each step keeps its look, and
        # the browser moves it without drawing the map again (ui/stepper.js).
        text=[f"{name}<br>from ({num(arrow.x)}, {num(arrow.y)})<br>by ({num(arrow.dx)}, {num(arrow.dy)})"] * 2
        if drawn
        else [],
        hovertemplate="%{text}<extra></extra>",
    )


def shown_levels(z: np.ndarray, log: bool) -> tuple[np.ndarray, dict]:
    """The values the colours follow (z, or log10 of its height above its lowest point) and the colour
    bar's ticks, which always name the loss itself."""
    finite = z[np.isfinite(z)]
    if not finite.size:
        return z, {}
    if not log:
        return z, {}
    low = float(finite.min())
    with np.errstate(invalid="ignore", divide="ignore"):
        shown = np.log10(z - low + TINY * max(1.0, abs(low)))  # (m, k)
    top = np.nanmax(np.where(np.isfinite(shown), shown, np.nan))
    bottom = max(np.nanmin(np.where(np.isfinite(shown), shown, np.nan)), top - DECADES)
    shown = np.maximum(shown, bottom)  # NaN stays NaN
    ticks = np.arange(np.ceil(bottom), np.floor(top) + 1)
    prefix = f"{short(low)} + " if low else ""  # "lowest + 10⁵": every digit of both made the bar wider than the map
    return shown, dict(tickvals=ticks.tolist(), ticktext=[f"{prefix}10<sup>{num(k)}</sup>" for k in ticks])


def short(value: float) -> str:
    """A number in three digits for a colour bar: 0.944, or 6.27×10⁸ from 10,000 up (a bar is narrow)."""
    if abs(value) < 1e4:
        return num(value, 3)
    exponent = int(np.floor(np.log10(abs(value))))
    return f"{num(value / 10.0**exponent, 3)}×10<sup>{num(exponent)}</sup>"


def contour_figure(
    xs: Sequence[float],
    ys: Sequence[float],
    z: np.ndarray,
    *,
    x_title: str,
    y_title: str,
    z_title: str,
    paths: Sequence[Path] = (),
    arrows: Sequence[Arrow] = (),
    log: bool = False,
    height: int = 460,
    keep_arrows: bool = False,
) -> go.Figure:
    """Filled contour of z (shape (len(ys), len(xs)): row i is ys[i]) with paths and arrows on top (an arrow that
    cannot be drawn keeps its place in the legend with `keep_arrows`: arrow_trace).

    log: colour by log10 of the height above the lowest point, for surfaces that span many orders of
    magnitude. Non-finite values are drawn blank; the view stays on the grid's range. The legend sits above
    the map, its entries side by side: below it, wrapped on a phone, it covered the x axis's title.
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    z = np.asarray(z, dtype=float)  # (m, k)
    with np.errstate(invalid="ignore"):
        z = np.where(np.isfinite(z), z, np.nan)
    shown, ticks = shown_levels(z, log)
    x_text, y_text, z_text = (literal.plotly(title) for title in (x_title, y_title, z_title))  # layout(): raw
    fig = go.Figure()
    fig.add_contour(
        x=xs,
        y=ys,
        z=shown,
        colorscale=SCALE,
        ncontours=24,
        connectgaps=False,
        line=dict(width=0.5, color="rgba(255,255,255,0.5)"),
        colorbar=dict(title=dict(text=z_text + (" (log scale)" if log else ""), side="right"), **ticks),
        hovertemplate=f"{x_text} %{{x}}<br>{y_text} %{{y}}<extra></extra>",
        name=z_text,
        showscale=True,
    )
    for trace in path_traces(paths):
        fig.add_trace(trace)
    for arrow in arrows:
        trace = arrow_trace(arrow, keep=keep_arrows)
        if trace is not None:
            fig.add_trace(trace)
    return layout(
        fig,
        x_title,
        y_title,
        height,
        xaxis=dict(range=[float(xs[0]), float(xs[-1])], showgrid=False, zeroline=False, hoverformat=HOVER),
        yaxis=dict(range=[float(ys[0]), float(ys[-1])], showgrid=False, zeroline=False, hoverformat=HOVER),
        plot_bgcolor="rgba(0,0,0,0)",  # the page's own background shows at the edges, light or dark
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, traceorder="normal"),
        margin=dict(l=10, r=10, t=10, b=10),
    )


def surface_figure(
    xs: Sequence[float],
    ys: Sequence[float],
    z: np.ndarray,
    *,
    x_title: str,
    y_title: str,
    z_title: str,
    paths: Sequence[tuple[Path, Sequence[float]]] = (),
    height: int = 520,
) -> go.Figure:
    """3D surface of z (shape (len(ys), len(xs))), with each path drawn on it at its loss heights:
    paths = ((Path, heights), ...), heights one per point of the path."""
    z = np.asarray(z, dtype=float)
    with np.errstate(invalid="ignore"):
        z = np.where(np.isfinite(z), z, np.nan)
    x_title, y_title, z_title = (literal.plotly(title) for title in (x_title, y_title, z_title))
    fig = go.Figure()
    fig.add_surface(
        x=np.asarray(xs, dtype=float),
        y=np.asarray(ys, dtype=float),
        z=z,
        colorscale=SCALE,
        opacity=0.9,
        colorbar=dict(title=dict(text=z_title, side="right")),
        hovertemplate=f"{x_title} %{{x}}<br>{y_title} %{{y}}<br>{z_title} %{{z}}<extra></extra>",
        name=z_title,
    )
    for path, heights in paths:
        px, py, pz = finite_prefix(path.xs, path.ys, heights)
        if not len(px):
            continue
        name = literal.plotly(path.name)
        fig.add_scatter3d(
            x=px,
            y=py,
            z=pz,
            mode="lines+markers",
            name=name,
            legendgroup=name,
            line=dict(color=path.color, width=6, dash=path.dash),
            marker=dict(size=4, color=path.color, line=dict(color="black", width=1)),
        )
        fig.add_scatter3d(  # the last point is the ball: a trace of its own, so the path grows by points alone
            x=px[-1:],
            y=py[-1:],
            z=pz[-1:],
            mode="markers",
            name=f"{name}: now",
            legendgroup=name,
            showlegend=False,
            marker=dict(size=9, color=path.color, line=dict(color="black", width=1)),
        )
    fig.layout = {
        "height": height,
        "margin": dict(l=0, r=0, t=34, b=0),  # t: the mode bar's camera sits above the colour bar, not on it
        "legend": dict(orientation="h", yanchor="top", y=0, xanchor="left", x=0),
        "scene": dict(
            xaxis=dict(title=dict(text=x_title), hoverformat=HOVER),
            yaxis=dict(title=dict(text=y_title), hoverformat=HOVER),
            zaxis=dict(title=dict(text=z_title), hoverformat=HOVER),
            aspectmode="cube",  # the whole box in view, whatever the units of the three axes
            camera=dict(eye=dict(x=1.9, y=-1.9, z=1.3)),  # far enough back for a narrow column or a phone
        ),
    }
    return fig
