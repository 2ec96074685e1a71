"""The landscape page's pieces: the map around a run's path, the next-step arrow, the fog, and the
feature-scaling twins (the same start, on raw and on standardized data).

The numbers come from gdcore.landscape; this module only picks what goes on the map and draws it
with ui.contours.
"""

from __future__ import annotations

import base64
import struct
import zlib
from dataclasses import dataclass, replace

import numpy as np
import plotly.graph_objects as go

from gdcore import DescentConfig, Fit, initial_line, landscape, line
from ui import contours, frames
from ui.charts import BLUE, ORANGE, VERMILLION

FOG = "#d9dde3"  # the fog's grey
CELLS = 81  # grid points per axis of the contour map: 6,561 losses, whatever the number of rows
SURFACE_CELLS = 41  # the 3D surface is heavier to draw; 41 x 41 is smooth enough for a bowl
CAP = 100.0  # a point whose loss is more than CAP times the start's height above the bottom is off the map
TOLERANCE = 1e-3  # "within a tolerance": the loss within 0.1% of the least possible
COMPARE_EPOCHS = 500  # the most epochs a run may have (DescentConfig's range)
SHORTEST = 0.025  # an arrow shorter than this fraction of the map is drawn this long, so its direction shows;
LONGEST = 0.5  # one longer than this is drawn this long, so it stays on the map
SHARE = 0.9  # each side of the feature-scaling comparison runs at this fraction of its largest stable rate
FOG_RADIUS = 0.06  # what one measurement reveals: a patch this fraction of the map across, around each point
FOG_PIXELS = 161  # the fog's picture, pixels per side: finer than the grid, so each patch is round


@dataclass(frozen=True, eq=False)
class Landscape:
    """The loss over a grid of lines around one run's path, and the path itself (one point per epoch)."""

    slopes: np.ndarray  # (k,) across
    intercepts: np.ndarray  # (m,) up
    z: np.ndarray  # (m, k) the loss of each line: row i is intercepts[i]
    points: np.ndarray  # (epochs + 1, 2) where the run was after each epoch (row 0: the start)
    losses: np.ndarray  # (epochs + 1,) the loss there
    shown: int  # how many of the points, from the start, are on the map (the rest climbed off it)
    log: bool  # the loss spans several powers of ten on the map: colour it on a log scale

    @property
    def width(self) -> np.ndarray:
        """The map's size, (slope span, intercept span)."""
        return np.array([np.ptp(self.slopes), np.ptp(self.intercepts)])


def path_of(fit: Fit) -> tuple[np.ndarray, np.ndarray]:
    """The run's parameters after each epoch, (epochs + 1, 2), and the loss there, (epochs + 1,)."""
    run = fit.run
    points = np.array([run.after(k) for k in range(run.epochs + 1)], dtype=float)  # (E + 1, 2)
    losses = np.array([fit.loss(p) for p in points])  # (E + 1,), inf where it overflowed
    return points, losses


def landscape_of(fit: Fit, cells: int = CELLS) -> Landscape:
    """The map for the whole run: every point that did not climb off (see CAP) and the bottom, with padding."""
    points, losses = path_of(fit)
    with np.errstate(over="ignore", invalid="ignore"):  # a start near the largest float: the ceiling is inf
        ceiling = fit.best_loss + CAP * max(losses[0] - fit.best_loss, 1e-12 * max(fit.best_loss, 1.0))
        off = ~(np.isfinite(points).all(axis=1) & (losses <= ceiling))  # (E + 1,)
    shown = int(np.argmax(off)) if off.any() else len(points)
    framed = np.vstack([points[: max(shown, 1)], [fit.best]])  # the start is always on the map
    (s0, s1), (c0, c1) = landscape.frame(framed, pad=0.15, square=fit.config.scale == "standardize")
    slopes, intercepts = np.linspace(s0, s1, cells), np.linspace(c0, c1, cells)
    z = landscape.loss_grid(slopes, intercepts, fit.bowl, fit.config.loss)  # (cells, cells)
    finite = z[np.isfinite(z)]
    log = bool(finite.size) and float(finite.max()) > 100 * max(float(finite.min()), 1e-300)
    return Landscape(slopes, intercepts, z, points, losses, shown, log)


@dataclass(frozen=True)
class Step:
    """The next plain step at the ball: the gradient there, the step -lr * gradient, and how it is drawn."""

    gradient: tuple[float, float]
    step: tuple[float, float]  # -learning rate * gradient
    scale: float  # drawn length / true length: 1 when drawn true to size


def next_step(land: Landscape, fit: Fit, k: int) -> Step | None:
    """The step plain gradient descent would take from the point after epoch k; None if it is not a number.

    Drawn true to size when it is between SHORTEST and LONGEST of the map; otherwise drawn as long as the
    nearer of the two, in the same direction (its scale says by how much).
    """
    if k >= land.shown:
        return None
    gradient = fit.whole_gradient(land.points[k])  # (2,)
    step = -fit.config.rate(k + 1) * gradient  # (2,)
    if not np.isfinite(step).all():
        return None
    size = float(np.hypot(*(step / land.width)))  # as a fraction of the map
    scale = 1.0 if SHORTEST <= size <= LONGEST or size == 0 else min(max(size, SHORTEST), LONGEST) / size
    return Step((float(gradient[0]), float(gradient[1])), (float(step[0]), float(step[1])), scale)


def fog_of(land: Landscape, k: int, slopes: np.ndarray | None = None, intercepts: np.ndarray | None = None):
    """The fog after k epochs: True where no point the descent measured is near (gdcore.landscape.fog)."""
    visited = land.points[: min(k, land.shown - 1) + 1]  # (k + 1, 2) the points measured so far
    slopes = land.slopes if slopes is None else slopes
    intercepts = land.intercepts if intercepts is None else intercepts
    return landscape.fog(slopes, intercepts, visited, FOG_RADIUS)


def contour(land: Landscape, fit: Fit, k: int, step: Step | None, fog: bool, titles: dict[str, str]) -> go.Figure:
    """The contour map with the path up to epoch k, the ball, the bottom and the next-step arrow."""
    upto = land.points[: min(k, land.shown - 1) + 1]
    # One name at every epoch on the map (the words and the caption say how far it went): the walk of epoch k is
    # then the start of the walk of epoch k + 1, which the epoch view stores once (ui/frames.py).
    name = "the walk" if k < land.shown else f"the walk until it left the map (epoch {land.shown - 1})"
    path = contours.Path(name, tuple(upto[:, 0]), tuple(upto[:, 1]), color=ORANGE)
    arrows = () if step is None else (arrow_at(upto[-1], step),)
    fig = contours.contour_figure(
        land.slopes,
        land.intercepts,
        land.z,
        x_title=titles["slope"],
        y_title=titles["intercept"],
        z_title=titles["loss"],
        paths=(path,),
        arrows=arrows,
        log=land.log,
    )
    fig = fogged(fig, land, k) if fog else fig
    fig = tidy(round_as_it_is(fig) if fit.config.scale == "standardize" else fig)
    return fig if fog else bottom_marker(fig, fit.best)  # in the fog, the bottom is what nobody knows yet


def arrow_at(point, step: Step) -> contours.Arrow:
    """The next step's arrow from `point`, drawn at its scale (next_step)."""
    return contours.Arrow(
        "next step" + ("" if step.scale == 1 else " (rescaled)"),
        float(point[0]),
        float(point[1]),
        step.step[0] * step.scale,
        step.step[1] * step.scale,
        color=VERMILLION,
    )


def contours_by_epoch(land: Landscape, fit: Fit, fog: bool, titles: dict[str, str]) -> list[dict]:
    """The map after each epoch 0..len(land.points) - 1, as plotly's JSON (ui.frames.plotly_option) for
    ui.frames.charts: the same figure as contour(k) draws (tests/app/test_landscape_page.py), each cut from the map
    of the whole walk on the map, without building a figure per epoch (plotly takes milliseconds to build one, and
    a run has up to 500 epochs). The walk's line and halo show their first points (frames.shown), the ball moves,
    the arrow is the epoch's own; in the fog the bottom is not drawn and the fog's picture is the epoch's."""
    end = land.shown - 1
    whole = frames.plotly_option(contour(land, fit, end, None, False, titles))
    contour_trace, halo, walk, ball, bottom = whole["data"]  # contours.path_traces: the walk's halo, line and ball
    away = None  # the map once the walk has left it: the same at every epoch after
    pixels = [np.linspace(land.slopes[0], land.slopes[-1], FOG_PIXELS)]
    pixels.append(np.linspace(land.intercepts[0], land.intercepts[-1], FOG_PIXELS))
    cleared = landscape.cleared_at(*pixels, land.points[: end + 1], FOG_RADIUS) if fog else None
    pictures: dict[bytes, dict] = {}
    maps = []
    for k in range(len(land.points)):
        if k > end:
            away = away or frames.plotly_option(contour(land, fit, k, None, fog, titles))
            maps.append(away)
            continue
        x, y = walk["x"][k : k + 1], walk["y"][k : k + 1]
        data = [contour_trace, frames.shown(halo, k + 1), frames.shown(walk, k + 1), ball | {"x": x, "y": y}]
        step = next_step(land, fit, k)
        arrow = contours.arrow_trace(arrow_at(land.points[k], step)) if step is not None else None
        if arrow is not None:
            data.append(frames.plain(arrow.to_plotly_json()) | {"uid": "arrow"})
        layout = whole["layout"]
        if fog:  # the fog after the points measured so far: a picture, one per distinct fog
            hidden = cleared > k
            key = hidden.tobytes()
            if key not in pictures:
                pictures[key] = frames.plain(fog_picture(land, k, hidden))
            layout = layout | {"images": [pictures[key]]}
        else:
            data.append(bottom)
        maps.append({"data": data, "layout": layout})
    return maps


def surfaces_by_epoch(land: Landscape, fit: Fit, fog: bool, titles: dict[str, str]) -> list[dict]:
    """The 3D surface after each epoch, as plotly's JSON: the same figure as surface(k), cut from the surface with
    the whole walk on the map as contours_by_epoch cuts the map; in the fog each epoch hides its own cells."""
    end = land.shown - 1
    whole = frames.plotly_option(surface(land, fit, end, False, titles))
    sheet, walk, ball = whole["data"]
    cells = [np.linspace(land.slopes[0], land.slopes[-1], SURFACE_CELLS)]
    cells.append(np.linspace(land.intercepts[0], land.intercepts[-1], SURFACE_CELLS))
    z = np.array([[np.nan if v is None else v for v in row] for row in sheet["z"]])  # (cells, cells)
    cleared = landscape.cleared_at(*cells, land.points[: end + 1], FOG_RADIUS) if fog else None
    shown = []
    for k in range(len(land.points)):
        n = min(k, end) + 1
        here = {part: walk[part][n - 1 : n] for part in ("x", "y", "z")}
        hidden = sheet
        if fog:  # what is hidden is not drawn at all: a gap (null) in the surface's heights
            fogged = np.where(cleared > k, np.nan, z)
            hidden = sheet | {"z": [[None if np.isnan(v) else v for v in row] for row in fogged.tolist()]}
        shown.append({"data": [hidden, frames.shown(walk, n), ball | here], "layout": whole["layout"]})
    return shown


def fog_picture(land: Landscape, k: int, hidden: np.ndarray | None = None) -> dict:
    """The fog after k epochs as a picture laid over the map (fogged): its place and its PNG. `hidden`: the fog's
    cells, if known (fog_of on the picture's pixels)."""
    slopes = np.linspace(land.slopes[0], land.slopes[-1], FOG_PIXELS)
    intercepts = np.linspace(land.intercepts[0], land.intercepts[-1], FOG_PIXELS)
    hidden = (fog_of(land, k, slopes, intercepts) if hidden is None else hidden)[::-1]  # the top row first
    grey = [int(FOG[i : i + 2], 16) for i in (1, 3, 5)]
    rgba = np.zeros(hidden.shape + (4,), dtype=np.uint8)  # (p, p, 4): clear where measured
    rgba[hidden] = [*grey, 255]
    ds, dc = slopes[1] - slopes[0], intercepts[1] - intercepts[0]  # one pixel
    return dict(
        source=png(rgba),
        xref="x",
        yref="y",
        x=land.slopes[0] - ds / 2,
        y=land.intercepts[-1] + dc / 2,
        sizex=np.ptp(land.slopes) + ds,
        sizey=np.ptp(land.intercepts) + dc,
        xanchor="left",
        yanchor="top",
        sizing="stretch",
        layer="above",
    )


def fogged(fig: go.Figure, land: Landscape, k: int) -> go.Figure:
    """Lay the fog over the map: a grey picture, see-through only around the points the descent has measured.

    A picture above the map rather than blanks in the contour itself: plotly fills a contour's blank cells
    by interpolation before drawing it, which took the browser 0.6 s per click in the fog (and a heatmap
    cannot go above a contour). The walk's lines between its points are in the fog too: unknown ground.
    """
    fig.add_layout_image(**fog_picture(land, k))
    return fig


def png(rgba: np.ndarray) -> str:
    """An (h, w, 4) uint8 picture as a data: URL of a PNG file (no imaging library needed)."""
    height, width, _ = rgba.shape
    rows = b"".join(b"\x00" + row.tobytes() for row in rgba)  # each row starts with filter type 0

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8 bits per channel, RGBA
    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
    return "data:image/png;base64," + base64.b64encode(body).decode()


def bottom_marker(fig: go.Figure, best: tuple[float, float]) -> go.Figure:
    """A ✚ at the bottom of the bowl (the least-squares line), drawn on a contour map."""
    fig.add_scatter(
        x=[best[0]],
        y=[best[1]],
        mode="markers",
        name="the bottom",
        marker=dict(symbol="cross", size=13, color="white", line=dict(color="black", width=1.5)),
        hovertemplate="the bottom: the best line<br>(%{x}, %{y})<extra></extra>",  # the axes' hoverformat
    )
    return fig


def surface(land: Landscape, fit: Fit, k: int, fog: bool, titles: dict[str, str]) -> go.Figure:
    """The same landscape as a 3D surface (a coarser grid), with the path drawn at its loss heights."""
    slopes = np.linspace(land.slopes[0], land.slopes[-1], SURFACE_CELLS)
    intercepts = np.linspace(land.intercepts[0], land.intercepts[-1], SURFACE_CELLS)
    z = landscape.loss_grid(slopes, intercepts, fit.bowl, fit.config.loss)  # (cells, cells)
    if fog:
        z = np.where(fog_of(land, k, slopes, intercepts), np.nan, z)  # hidden: not drawn at all
    upto = slice(0, min(k, land.shown - 1) + 1)
    path = contours.Path("the walk", tuple(land.points[upto, 0]), tuple(land.points[upto, 1]))
    fig = contours.surface_figure(
        slopes,
        intercepts,
        z,
        x_title=titles["slope"],
        y_title=titles["intercept"],
        z_title=titles["loss"],
        paths=((path, tuple(land.losses[upto])),),
    )
    return fig


@dataclass(frozen=True)
class Twin:
    """One side of the feature-scaling comparison: a plain run at SHARE of its bowl's largest stable rate."""

    config: DescentConfig | None  # None: that rate is outside the app's range (1e-9 to 1e6), so no run
    rate: float  # SHARE * 2 / high curvature
    stable: float  # the largest stable rate, 2 / high curvature
    ratio: float  # high curvature / low curvature: 1 for a round bowl


def scaling_twins(config: DescentConfig, start: tuple[float, float], x, y) -> tuple[Twin, Twin, bool]:
    """Raw and standardized plain runs of COMPARE_EPOCHS epochs from the same line `start` (in data units).

    Each runs at SHARE of its own largest stable rate: as fast as it dares. x (n,), y (n,): the raw data.
    Returns (raw, standardized, moved): moved when `start` is too far out to
    be typed in the other units (beyond 1e12), so both start from the default run's line instead.
    """
    x_mean, x_std, y_mean, y_std = float(x.mean()), float(x.std()), float(y.mean()), float(y.std())
    scaled = landscape.standardized_line(start, x_mean, x_std, y_mean, y_std)
    moved = not all(abs(v) <= 1e12 for v in (*start, *scaled))
    if moved:
        scaled = initial_line(DescentConfig().seed, (x - x_mean) / x_std, (y - y_mean) / y_std)
        start = line.unscale(scaled, x_mean, x_std, y_mean, y_std)
    plain = DescentConfig(data=config.data, x=config.x, y=config.y, loss=config.loss, epochs=COMPARE_EPOCHS)

    def twin(scale: str, bowl: line.Bowl, here: tuple[float, float]) -> Twin:
        low, high = landscape.curvatures(bowl, config.loss)
        stable = line.max_stable_lr(bowl, config.loss)  # 2 / high
        rate = SHARE * stable
        try:
            run = replace(
                plain, scale=scale, learning_rate=rate, start="typed", init_slope=here[0], init_intercept=here[1]
            )
        except ValueError:  # the rate is below the app's smallest, 1e-9 (say, lot sizes in square feet on SSE)
            run = None
        return Twin(run, rate, stable, high / low)

    raw = twin("none", line.bowl(x, y), start)
    standardized = twin("standardize", line.bowl((x - x_mean) / x_std, (y - y_mean) / y_std), scaled)
    return raw, standardized, moved


def tidy(fig: go.Figure) -> go.Figure:
    """The legend below the axis title, whatever the ticks' height."""
    fig.layout.legend.update(yref="container", y=0, yanchor="bottom")
    fig.layout.margin.b = 50
    return fig


def round_as_it_is(fig: go.Figure) -> go.Figure:
    """One unit across is as long as one unit up, so a round bowl is drawn round (standardized maps)."""
    fig.layout.yaxis.scaleanchor = "x"
    fig.layout.xaxis.constrain = fig.layout.yaxis.constrain = "domain"  # shrink the plot, never widen the ranges
    return fig


def twin_contour(fit: Fit, titles: dict[str, str], raw: bool, name: str) -> tuple[go.Figure, Landscape]:
    """One side of the feature-scaling comparison: its map, its whole path, the bottom."""
    land = landscape_of(fit, cells=61)
    last = land.shown - 1
    path = contours.Path(
        name,
        tuple(land.points[: last + 1, 0]),
        tuple(land.points[: last + 1, 1]),
        color=VERMILLION if raw else BLUE,
        dash="solid" if raw else "dash",
        symbol="diamond" if raw else "circle",
    )
    fig = contours.contour_figure(
        land.slopes,
        land.intercepts,
        land.z,
        x_title=titles["slope"],
        y_title=titles["intercept"],
        z_title=titles["loss"],
        paths=(path,),
        log=land.log,
        height=420,
    )
    return bottom_marker(tidy(fig if raw else round_as_it_is(fig)), fit.best), land


def within(land: Landscape, fit: Fit) -> int | None:
    """The first epoch whose loss is within TOLERANCE of the least possible, or None."""
    return landscape.epochs_within(land.losses[: land.shown], fit.best_loss, TOLERANCE)
