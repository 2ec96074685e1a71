"""The optimizers' race (the optimizers page): its sidebar, its cached runs, the contour paths, the loss chart and
the finish table. The numbers come from gdcore.race; this module only draws them."""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from gdcore import line, race
from gdcore.config import kind_of
from gdcore.data import SHIPPED
from gdcore.descent import Run
from gdcore.optimizers import BY_KEY, OPTIMIZERS, TABLE
from gdcore.race import KEYS, RaceConfig
from gdcore.surfaces import SURFACES, Surface, house_surface, named_surface
from ui import cached, contours, echarts, frames, state, tables, uploads
from ui.charts import BLUE, BROWN, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION
from ui.contours import Path, contour_figure
from ui.controls import data_controls, keep, line_columns, setting_input, sidebar
from ui.fmt import axis_name, num, plural

PAGE = "race"
STEP = "race_step"  # the session key of the step shown (the link's step=; older links said epoch=)
NAMES = {optimizer.key: optimizer.name for optimizer in TABLE}
SURFACE_LABELS = {
    "house": "A line's bowl (data below)",
    "valley": "A long narrow valley",
    "rosenbrock": "Rosenbrock's banana",
    "saddle": "A saddle",
    "plateau": "A plateau with a hole",
}
# The racers' looks, given in the order of gdcore.optimizers.TABLE: colour, plotly dash and marker, ECharts dash and
# marker, and the marker as text. One more than the table needs, so that a new optimizer races with its own look.
STAR = "path://M5,0L6.2,3.5L10,3.6L7,5.9L8.1,9.6L5,7.4L1.9,9.6L3,5.9L0,3.6L3.8,3.5Z"
HEXAGON = "path://M5,0L9.33,2.5L9.33,7.5L5,10L0.67,7.5L0.67,2.5Z"
DOWN = "path://M0,1.34L10,1.34L5,10Z"  # a triangle pointing down
PALETTE = (
    (GREY, "solid", "circle", "solid", "circle", "●"),
    (ORANGE, "dash", "square", "dashed", "rect", "■"),
    (SKY, "dot", "diamond", "dotted", "diamond", "◆"),
    (GREEN, "dashdot", "triangle-up", [10, 4, 2, 4], "triangle", "▲"),
    (PURPLE, "longdash", "x", [14, 5], echarts.CROSS, "✕"),
    (VERMILLION, "solid", "star", "solid", STAR, "★"),
    (BLUE, "longdashdot", "hexagon", [14, 4, 2, 4], HEXAGON, "⬢"),
    (BROWN, "6px,3px,2px,3px,2px,3px", "triangle-down", [6, 3, 2, 3, 2, 3], DOWN, "▼"),
)
LOOKS = dict(zip(OPTIMIZERS, PALETTE, strict=False))
WORDS = {optimizer.key: optimizer.words for optimizer in TABLE}  # what each one's memory does
MARKS = 200  # most markers along a path or a loss line: past this, every few steps get one (the line has them all)


def field_for(url: str):
    return next(f for f in fields(RaceConfig) if f.metadata["url"] == url)


# --- the runs, cached on the config -------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=8)
def _surface(name: str, data: str, x: str, y: str) -> Surface:
    if name != "house":
        return named_surface(name)
    points = cached.houses(data, x, y)
    return house_surface(line.bowl(line.standardize(points.x)[0], line.standardize(points.y)[0]))


def surface(name: str, data: str = RaceConfig.data, x: str = RaceConfig.x, y: str = RaceConfig.y) -> Surface:
    """The surface `name`; the "house" one is a line's bowl on standardized x and y of the data set `data`
    (the house data's bedrooms and price unless told), titled with the columns it uses."""
    where = _surface(name, data, x, y)
    if name != "house" or (data, x, y) == (RaceConfig.data, RaceConfig.x, RaceConfig.y):
        return where
    source = "the house data" if data in SHIPPED else uploads.title(data)
    return replace(where, title=f"{source} (standardized {axis_name(data, x)} → {axis_name(data, y)})")


def config_surface(config: RaceConfig) -> Surface:
    """The surface the race `config` runs on."""
    return surface(config.surface, config.data, config.x, config.y)


@st.cache_data(show_spinner=False, max_entries=8)
def grid(name: str, data: str = RaceConfig.data, x: str = RaceConfig.x, y: str = RaceConfig.y):
    """xs (101,), ys (101,) and the loss z (101, 101) of the surface (gdcore.surfaces.Surface.grid)."""
    return _surface(name, data, x, y).grid(101)


@st.cache_data(show_spinner=False, max_entries=32)
def runs(config: RaceConfig) -> dict[str, Run]:
    """One Run per racer (gdcore.race.race)."""
    return race.race(config, _surface(config.surface, config.data, config.x, config.y))


# --- the sidebar --------------------------------------------------------------------------------


def surface_defaults(name: str) -> dict:
    """The widget values the surface `name` starts with: its step count, start and learning rates."""
    values = {"steps": race.DEFAULT_STEPS[name], "x0": None, "y0": None}
    values["x0"], values["y0"] = surface(name).start
    return values | {f"lr_{KEYS[o]}": race.DEFAULT_RATES[name][o] for o in OPTIMIZERS}


def new_surface() -> None:
    """A new surface brings its own step count, start and learning rates (the other settings stay)."""
    st.session_state.update(surface_defaults(st.session_state["surf"]))


def fill_defaults(name: str) -> None:
    """Widgets whose config value is None ("the surface's own") show the surface's value."""
    for url, value in surface_defaults(name).items():
        if st.session_state.get(url) is None:
            st.session_state[url] = value


def number(url: str, label: str, step: float, help: str, *, fmt: str | None = "%g"):
    f = field_for(url)
    cast = int if kind_of(f) is int else float
    low, high = cast(f.metadata["low"]), cast(f.metadata["high"])
    return st.number_input(
        label, min_value=low, max_value=high, step=cast(step), format=None if cast is int else fmt, key=url, help=help
    )


def controls() -> RaceConfig:
    """The race's sidebar; returns its config, with None wherever a value is the surface's own default."""
    base = state.seed(PAGE, RaceConfig, columns=line_columns, views=("step", "epoch"), uploads=True)
    fill_defaults(st.session_state["surf"])
    values = {}
    with sidebar():  # the house surface's columns may be refused: said in the page
        st.subheader("The race")
        values["surface"] = st.selectbox(
            "Surface",
            SURFACES,
            format_func=SURFACE_LABELS.get,
            key="surf",
            on_change=new_surface,
            help="Each surface comes with its own start and learning rates; change them after.",
        )
        if values["surface"] == "house":  # its data and columns: the house data, or a learner's upload
            for url in ("data", "x", "y"):
                keep(url, getattr(base, url))  # not drawn on the other surfaces: Streamlit forgot them
            values["data"], values["x"], values["y"] = data_controls(base, PAGE)
        else:
            values["data"], values["x"], values["y"] = base.data, base.x, base.y
        values["steps"] = number("steps", "Steps", 10, "How many steps each racer takes (1 to 5,000).")
        values["tol"] = number("tol", "Tolerance", 1e-4, "A racer finishes once its loss is this close to the lowest.")
        first, second = surface(values["surface"], values["data"], values["x"], values["y"]).names
        values["x0"] = number("x0", f"Start: {first}", 0.1, "Where every racer starts; the surface picks one.")
        values["y0"] = number("y0", f"Start: {second}", 0.1, "Where every racer starts; the surface picks one.")
        st.caption("Each optimizer's settings (open one to change its learning rate):")
        for name in OPTIMIZERS:
            values |= racer_widgets(name)
        racing = [name for name in OPTIMIZERS if values[name]] or ["adam"]
        if not any(values[name] for name in OPTIMIZERS):
            st.warning("At least one optimizer must race: Adam races alone.", icon=":material/flag:")
            values["adam"] = True
        if st.session_state.get("ledger") not in racing:
            st.session_state["ledger"] = racing[0]
        values["ledger"] = st.selectbox(
            "Ledger of",
            racing,
            format_func=NAMES.get,
            key="ledger",
            help="The optimizer whose every step, and what it remembers, is written out under the race.",
        )
    defaults = surface_defaults(values["surface"])
    for url, value in defaults.items():  # the surface's own value is written as None: the link stays short
        name = field_for(url).name
        if values[name] == value:
            values[name] = None
    config = RaceConfig(**values)
    return config


def racer_widgets(name: str) -> dict:
    """One optimizer's switch, learning rate and other hyperparameters, in an expander of its own."""
    key = KEYS[name]
    mark = LOOKS[name][5]
    values = {}
    with st.expander(f"{mark} {NAMES[name]}"):
        values[name] = st.toggle("In the race", key=key)
        values[f"lr_{name}"] = number(f"lr_{key}", "Learning rate", 0.01, "Its own step size, 1e-9 to 1e6.")
        for setting in BY_KEY[name].settings:
            values[f"{setting.short}_{name}"] = setting_input(
                setting, BY_KEY[name], field_for(f"{setting.short}_{key}")
            )
    return values


# --- drawing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What the finish table and the standings read of one racer's run, worked out once per race."""

    run: Run
    losses: np.ndarray  # (taken + 1,): the loss after 0, 1, ..., taken steps (gdcore.race.losses)
    done: int | None  # the step after which its loss first reached the goal (gdcore.race.finish); None: never

    @property
    def taken(self) -> int:
        return len(self.run.records)

    def loss(self, k: int) -> float:
        """Its loss after k steps (after its last one, if it stopped before k)."""
        return float(self.losses[min(k, self.taken)])


def outcomes(config: RaceConfig, where: Surface, all_runs: dict[str, Run]) -> dict[str, Outcome]:
    """Each racer's Outcome, once per race: the finish table and the standings at every step read them."""
    level = race.goal(config, where)
    return {
        name: Outcome(run, race.losses(run, where), race.finish(run, where, level)) for name, run in all_runs.items()
    }


def point_after(run: Run, k: int) -> tuple[float, float]:
    """Where the racer is after k steps (after its last one, if it stopped before k)."""
    taken = min(k, len(run.records))
    return tuple(run.records[taken - 1].new) if taken else tuple(run.start)


def points_after(run: Run, k: int) -> list[tuple[float, float]]:
    """Where the racer has been after k steps (fewer if it stopped): the start, then each step's new point."""
    return [run.start] + [r.new for r in run.records[:k]]


def contour_paths(all_runs: dict[str, Run], k: int) -> list[Path]:
    paths = []
    for name, run in all_runs.items():
        color, dash, symbol = LOOKS[name][:3]
        xs, ys = zip(*points_after(run, k))
        paths.append(Path(NAMES[name], tuple(xs), tuple(ys), color=color, dash=dash, symbol=symbol))
    return paths


def race_map(config: RaceConfig, where: Surface, all_runs: dict[str, Run], k: int, height: int = 480) -> go.Figure:
    """The contour map of the surface with each racer's path after k steps (ui.contours.contour_figure); a long
    path shows a marker every few steps (plotly's maxdisplayed), its line every step."""
    xs, ys, z = grid(config.surface, config.data, config.x, config.y)
    figure = contour_figure(
        xs,
        ys,
        z,
        x_title=where.names[0],
        y_title=where.names[1],
        z_title="loss",
        paths=contour_paths(all_runs, k),
        log=where.log,
        height=height,
    )
    contour = figure.data[0]
    z = np.asarray(contour.z, dtype=float)  # (101, 101): what the colours follow (the loss, or its log)
    span = float(np.nanmax(z) - np.nanmin(z)) if np.isfinite(z).any() else 0.0
    if span > 0:  # to 1/10,000 of the colours' range: no contour line moves a pixel, and the map's JSON halves
        contour.z = np.round(z, 4 - math.floor(math.log10(span)))
    return figure.update_traces(marker_maxdisplayed=MARKS, selector={"mode": "lines+markers"})


def race_maps(config: RaceConfig, where: Surface, all_runs: dict[str, Run], last: int, height: int = 480) -> list:
    """The map after 0..last steps, as plotly's JSON (ui.frames.plotly_option) for ui.frames.charts, each cut from
    the map after the whole race: each racer's line and its part of the white halo show their first points
    (frames.shown), its ball moves to the last of them. The same figure as race_map(k) draws
    (tests/app/test_optimizers_page.py), without building thousands of figures (a plotly figure takes milliseconds
    to build)."""
    whole = frames.plotly_option(race_map(config, where, all_runs, last, height))
    contour, halo, *lines, balls = whole["data"]  # contours.path_traces: one halo, a line a racer, one trace of balls
    assert len(lines) == len(all_runs), "every racer starts on the map"
    maps = []
    for k in range(last + 1):
        counts = [min(k + 1, len(line["x"])) for line in lines]  # each path's points so far that can be drawn
        now = {axis: contours.gapped([line[axis][n - 1 : n] for line, n in zip(lines, counts)]) for axis in "xy"}
        data = [contour, frames.shown(halo, counts), *map(frames.shown, lines, counts), balls | now]
        maps.append({"data": data, "layout": whole["layout"]})
    return maps


def map_caption(where: Surface, all_runs: dict[str, Run], k: int) -> str:
    """The map's caption after k steps: what it shows, and who is off it now."""
    names = where.names
    out = [NAMES[name] for name, run in all_runs.items() if not inside(where, point_after(run, k))]
    return (
        f"Chart: the loss over ({names[0]}, {names[1]}) as a contour map (darker is lower"
        f"{', coloured by powers of ten' if where.log else ''}), and each racer's path after {plural(k, 'step')}, "
        f"told apart by colour, dash and marker ({', '.join(f'{LOOKS[o][5]} {NAMES[o]}' for o in OPTIMIZERS)}); "
        "the larger marker is where it is now." + (f" Off the map now: {', '.join(out)}." if out else "")
    )


def inside(where: Surface, point: tuple[float, float]) -> bool:
    """Is the point inside the map?"""
    x, y = point
    return where.x_range[0] <= x <= where.x_range[1] and where.y_range[0] <= y <= where.y_range[1]


def thinned(items: list, most: int = MARKS) -> list:
    """Every few items so that at most about `most` are left: the first, and every `every`-th after it."""
    return items[:: max(1, math.ceil(len(items) / most))]


def loss_charts(heights: dict[str, np.ndarray], last: int, *, title: str, goal: float, floor: float | None):
    """The loss chart after k steps, as a function of k: each racer's loss (or its height above the lowest loss)
    after 0..k steps, on a step axis 0..last, and the finish line at `goal`. `floor`: a log axis, with heights
    below `floor` drawn at `floor`; None: a plain axis. Each racer's line has every step, its markers every few
    steps. The series are worked out once, for the whole race; the chart after k steps shows the first of their
    points (ui.frames.shown: the option a frame draws is ui.frames' cut of it)."""
    log = floor is not None
    spec = echarts.option("steps taken", title, xaxis={"min": 0, "max": max(last, 1)} | echarts.PADDED)
    if log:  # room for labels such as 0.000001; the axis spans the whole race, so it stays put as the steps go by
        spec["grid"]["left"], spec["yAxis"]["nameGap"] = 78, 66
        spec["yAxis"] |= echarts.log_axis([float(y) for v in heights.values() for y in np.maximum(v, floor)] + [goal])
    lines, marks = [], []
    for name, values in heights.items():
        color, _, _, dash, symbol, _ = LOOKS[name]
        shown = np.maximum(values, floor) if log else values  # (taken + 1,)
        points = echarts.points(range(len(shown)), shown)  # [[step, height], ...]: the finite ones, in step order
        line = echarts.line(NAMES[name], points, color, dash=dash, width=2)
        lines.append(line | {"symbol": symbol, "symbolSize": 7, "sampling": "lttb"})  # the symbol: the legend's
        marks.append(echarts.marks(NAMES[name], thinned(points, MARKS), color, symbol, 7))  # one name: one legend
    # The finish line in the text's colour (no colour of its own): every colour of the palette is some racer's look.
    finish = echarts.line("finish line", echarts.points([0, last], [goal, goal]), None, width=1.5)
    spec = echarts.framed(spec | {"series": [*lines, finish]})  # the legend's room: one entry a name

    def upto(series: dict, k: int) -> dict:
        """The series as it stands after k steps: its points of steps 0..k."""
        return frames.shown(series, bisect.bisect_right(series["data"], k, key=lambda point: point[0]))

    def chart(k: int) -> dict:
        return spec | {"series": [*(upto(line, k) for line in lines), finish, *(upto(mark, k) for mark in marks)]}

    return chart


def goal_text(config: RaceConfig, where: Surface) -> str:
    if where.min_loss is None:
        return f"the loss falls to {num(race.SADDLE_GOAL)} (the ball has rolled off the saddle)"
    return f"the loss is within {num(config.tol)} of the lowest loss, {num(where.min_loss)}"


def finish_table(config: RaceConfig, results: dict[str, Outcome], k: int) -> list[dict[str, str]]:
    """One row per racer (column -> text): its loss now, when it reached the goal (so far, and in the whole race),
    how it ended. Rows, not a DataFrame: the page writes one table a step, thousands in a long race."""
    steps = config.step_count
    rows = []
    for name, result in results.items():
        run, done = result.run, result.done
        if done is not None and done <= k:
            so_far = f"yes, at step {done}"
        elif k >= result.taken:
            so_far = "never"
        else:
            so_far = "not yet"
        if run.diverged_at is not None:
            ended = f"stopped at step {run.diverged_at}: {run.reason}"
        else:
            ended = f"took all {steps:,} steps"
        rows.append(
            {
                "racer": f"{LOOKS[name][5]} {NAMES[name]}",
                "learning rate": num(config.learning_rate(name)),
                f"loss after {plural(k, 'step')}": num(result.loss(k)),
                "at the goal?": so_far,
                "steps to the goal (whole race)": "never" if done is None else f"{done:,}",
                "final loss": num(float(result.losses[-1])),
                "how it ended": ended,
            }
        )
    return rows


def standings(results: dict[str, Outcome], k: int) -> str:
    """Who is lowest after k steps, and who has finished so far, in a sentence or two."""
    now = {name: result.loss(k) for name, result in results.items()}
    finite = {name: value for name, value in now.items() if math.isfinite(value)}
    words = []
    if len(results) > 1 and finite:
        leader = min(finite, key=finite.get)
        words.append(f"Lowest now: {LOOKS[leader][5]} {NAMES[leader]}, at loss {num(finite[leader])}.")
    finished = sorted((r.done, name) for name, r in results.items() if r.done is not None and r.done <= k)
    if finished:
        listed = ", ".join(f"{NAMES[name]} (step {step})" for step, name in finished)
        words.append(f"Finished: {listed}.")
    return " ".join(words)


def ledger(records, optimizer: str) -> pd.DataFrame:
    """The racer's ledger (ui.tables.ledger_frame, extended) without the batch column a surface has no use for."""
    frame = tables.ledger_frame(records, "loss", optimizer, extended=True, rows=0)
    frame = frame.drop(columns=[tables.STEP_HEADERS["rows"], "epoch"])
    return frame.rename(columns={"loss at current (all rows)": "loss at current"})
