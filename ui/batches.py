"""The batches page's parts: its sidebar, the table of the batch's houses, its ledger, its race charts and words.

The numbers all come from the run's step records (gdcore.descent.StepRecord) and gdcore.minibatch;
this module only lays them out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import Fit, fit_line, lesson, line, minibatch
from gdcore.config import link_text, shown
from gdcore.descent import StepRecord
from gdcore.landscape import frame, loss_grid
from gdcore.minibatch import BatchConfig, Race, row_parts
from ui import cached, controls, echarts, frames, state, tables
from ui.charts import BLUE, GREEN, ORANGE, PURPLE, VERMILLION
from ui.contours import Arrow, Path, arrow_trace, contour_figure, gapped
from ui.fmt import num, plural, rows_word

PAGE = "batches"
STEP = "batches:step"  # the session key of the step shown; the link's key is "step"
PICK = "batches:pick"  # the quick picks above the batch size
OFFERED = ("data", "x", "y", "lr", "epochs", "batch", "shuffle", "seed")  # the link keys of the settings offered
CHART_POINTS = 1500  # a line on a chart draws at most about this many points (every m-th step of a long run)


@dataclass(frozen=True, eq=False)
class Runs:
    """The mini-batch run and the full-batch run it races, from the same start at the same rate."""

    fit: Fit  # the mini-batch run (fit.run) and the data it saw
    path: np.ndarray  # (steps + 1, 2) its (slope, intercept) at the start and after each step
    losses: np.ndarray  # (steps + 1,) its MSE on all rows there
    gaps: np.ndarray  # (steps + 1,) how far that is above the lowest possible
    seen: np.ndarray  # (steps + 1,) rows looked at so far
    full_path: np.ndarray  # (full steps + 1, 2) the full batch's, one step per epoch
    full_losses: np.ndarray  # (steps + 1,) and so on: inf after a step that overflowed
    full_gaps: np.ndarray


@st.cache_resource(show_spinner=False, max_entries=6)  # a run of batches of 1 to the budget holds ~32 MB
def runs(config: BatchConfig) -> Runs:
    """Both runs of `config`. Kept as they are, not copied on each click (st.cache_data would unpickle
    tens of thousands of step records every time); nothing changes them."""
    fit = fit_line(config, cached.houses(config.data, config.x, config.y))
    steps = max(len(fit.run.records), 1)
    full = minibatch.full_batch_run(fit, steps)
    kind = config.loss
    full_losses = minibatch.losses_after(full, fit.bowl, kind)
    lost = np.full(steps + 1 - len(full_losses), np.inf)  # (steps the full batch could not take,) if it overflowed
    return Runs(
        fit=fit,
        path=minibatch.path(fit.run),
        losses=minibatch.losses_after(fit.run, fit.bowl, kind),
        gaps=minibatch.gaps_after(fit.run, fit.bowl, kind),
        seen=minibatch.rows_seen(fit.run),
        full_path=minibatch.path(full),
        full_losses=np.concatenate([full_losses, lost]),
        full_gaps=np.concatenate([minibatch.gaps_after(full, fit.bowl, kind), lost]),
    )


def pick_batch(rows: int) -> None:
    """A quick pick sets the batch size box, then lets go, so the same pick can be made again."""
    picked = st.session_state.get(PICK)
    if picked is not None:
        st.session_state["batch"] = rows if picked == "all" else min(int(picked), rows)
    st.session_state[PICK] = None


def note_fixed_settings(base: BatchConfig) -> None:
    """A link may carry the descent page's settings (optimizer, loss, scaling, ...): this page keeps them at its own."""
    default = BatchConfig()
    notes = st.session_state.setdefault(f"notes:{PAGE}", [])
    for f in fields(BatchConfig):
        key, value = f.metadata["url"], getattr(base, f.name)
        if key in OFFERED or value == getattr(default, f.name):
            continue
        note = (
            f"The link's {key}={shown(link_text(value))} was ignored: this page always runs plain gradient descent "
            "on standardized x and y with the mean squared error, so that the batches are the only "
            f"thing that changes. {lesson.page('descent').capitalize()} has that setting."
        )
        if note not in notes:
            notes.append(note)


def batch_controls() -> BatchConfig:
    """The sidebar: the data and its columns, batch size (with quick picks), shuffle, learning rate, epochs, seed."""
    base = state.seed(PAGE, BatchConfig, columns=controls.line_columns, views=("step",), uploads=True)
    note_fixed_settings(base)
    with controls.sidebar():
        st.subheader("The batches")
        data, x, y = controls.data_controls(base, PAGE)
    rows, unit = cached.row_count(data), rows_word(data)
    if st.session_state["batch"] > rows:  # more rows than the data has (a link, or other data picked): all of them
        if "batch" in st.query_params and st.session_state.get("_new_visit", True):
            state.add_note(
                PAGE,
                f"The link's batch={st.session_state['batch']:,} is more {unit} than there are ({rows:,}): using all.",
            )
        st.session_state["batch"] = rows
    if st.session_state["batch"] == 0:  # 0 means all rows, as on the descent page
        st.session_state["batch"] = rows
    with st.sidebar:
        st.pills(
            "Quick picks",
            ["1", "16", "64", "all"],
            format_func=lambda p: {"1": "1: stochastic", "all": f"all {rows}: full batch"}.get(p, p),
            key=PICK,
            on_change=pick_batch,
            args=(rows,),
        )
        batch = st.number_input(
            f"Batch size (1 to {rows:,} {unit})",
            min_value=1,
            max_value=rows,
            step=1,
            key="batch",
            help=f"How many {unit} each step looks at. 1: stochastic gradient descent. All of them: plain "
            "(full-batch) gradient descent, one step per epoch.",
        )
        shuffle = st.toggle(
            f"Shuffle the {unit} every epoch",
            key="shuffle",
            disabled=batch >= rows,
            help="A fresh random order every epoch, drawn from the seed. Off: the batches follow the file's order.",
        )
        lr = controls.number(
            BatchConfig,
            "lr",
            "Learning rate",
            step=0.01,
            fmt="%g",
            help="new = current − learning rate × the batch's gradient. The same rate for the full batch it races.",
        )
        epochs = controls.number(
            BatchConfig, "epochs", f"Epochs (passes through all the {unit})", step=1, help="From 1 to 500."
        )
        seed = controls.number(
            BatchConfig, "seed", "Seed", step=1, help="Draws the starting line and every epoch's shuffle."
        )
    return BatchConfig(
        data=data, x=x, y=y, learning_rate=lr, epochs=epochs, batch_size=batch, shuffle=shuffle, seed=seed
    )


def rows_of(record: StepRecord) -> np.ndarray:
    """The 0-based rows of the step's batch, as an int array."""
    return np.asarray(list(record.rows), dtype=int)


def batch_frame(
    record: StepRecord,
    fit: Fit,
    xs: np.ndarray,
    ys: np.ndarray,
    names: tuple[str, str, str] = ("house", "bedrooms", "price (dollars)"),
    money: bool = True,
) -> pd.DataFrame:
    """One row per house of the step's batch, with its part of the gradient, and a last row that adds them up.

    xs, ys (n,): x and y in the data's units; `names`: what a row is, x's and y's column titles; `money`:
    y is in dollars (written as whole dollars).

    The parts come from gdcore.minibatch.row_parts at the step's starting line; their sums are the
    batch's gradient, the one the step followed.
    """
    rows = rows_of(record)
    x, y = fit.x[rows], fit.y[rows]  # (b,) standardized
    prediction = line.predict(record.current, x)  # (b,)
    parts = row_parts(record.current, x, y, fit.config.loss)  # (b, 2)
    b = len(rows)
    frame = pd.DataFrame(
        {
            names[0]: [str(r + 1) for r in rows] + ["sum: the batch's gradient"],
            names[1]: [num(v) for v in xs[rows]] + [""],
            names[2]: [f"{v:,.0f}" if money else num(v) for v in ys[rows]] + [""],
            "x (standardized)": [num(v) for v in x] + [""],
            "y (standardized)": [num(v) for v in y] + [""],
            "ŷ = slope·x + intercept": [num(v) for v in prediction] + [""],
            "e = y − ŷ": [num(v) for v in y - prediction] + [""],
            f"slope part: −2·x·e ÷ {b}": [num(v) for v in parts[:, 0]] + [num(parts[:, 0].sum())],
            f"intercept part: −2·e ÷ {b}": [num(v) for v in parts[:, 1]] + [num(parts[:, 1].sum())],
        }
    )
    return frame


def ledger_frame(records: tuple[StepRecord, ...], fit: Fit, n: int) -> pd.DataFrame:
    """The descent page's extended ledger, newest first, with the gradient on all n rows beside the batch's."""
    frame = tables.ledger_frame(records, "MSE", "gd", extended=True, rows=n)
    whole = [fit.whole_gradient(r.current)[i] for r in records[::-1] for i in range(len(r.names))]
    frame = frame.rename(columns={"gradient": "gradient on the batch"})
    frame.insert(frame.columns.get_loc("gradient on the batch") + 1, f"gradient on all {n}", [num(g) for g in whole])
    return frame


def rows_words(record: StepRecord, unit: tuple[str, str] = ("house", "houses")) -> str:
    """Every row of one step's batch in a sentence (the ledger's cells list a batch's first six), 1-based as the
    tables count."""
    rows = rows_of(record) + 1  # (b,) 1-based
    return (
        f"**Step {record.step:,}** (epoch {record.epoch}) took its gradient on these {len(rows):,} {unit[1]}, in this "
        f"order: {', '.join(map(str, rows))}."
    )


def counted_from_zero(unit: tuple[str, str] = ("house", "houses")) -> str:
    """How the ledger's CSV counts the rows that the page counts from 1."""
    return (
        f"In the ledger's CSV (below, under “Print this ledger for a handout”) the same {unit[1]} count from 0, as "
        f"NumPy's arrays do: {unit[0]} 1 here is 0 there."
    )


def thinned(count: int, out_of: int | None = None) -> np.ndarray:
    """The indexes 0..count-1 a chart draws: all of them, or every m-th, at most about CHART_POINTS of the `out_of`
    points a whole run has (count by default), and its last. The same indexes at every step of a run, so that a
    line after k steps is the start of the line after more (a frame names the points it shows: ui/frames.py)."""
    out_of = count if out_of is None else out_of
    every = max(1, math.ceil(out_of / CHART_POINTS))
    kept = np.arange(0, count, every)
    return np.unique(np.append(kept, count - 1)) if count and count == out_of else kept


def race_chart(
    batch_xs: np.ndarray,
    batch_gaps: np.ndarray,
    full_xs: np.ndarray,
    full_gaps: np.ndarray,
    *,
    x_title: str,
    end: float,
    floor: float,
    batch_name: str,
    full_name: str,
    out_of: tuple[int, int] | None = None,
    span: np.ndarray | None = None,
) -> dict:
    """How far each run's MSE is above the lowest possible, against a count of work (passes or steps).

    Drawn as powers of ten (each line down the axis is ten times closer to the bottom), so a distance of
    0.001 and one of 0.000001 are both visible; values below `floor` are drawn at it, the bottom edge.
    Each run's latest point is marked. `out_of`: how many points each line has at the end of the run (a long
    line is thinned the same way at every step: thinned); `span`: every distance the run will show, which the
    axis then spans from the first step to the last (by default, the ones shown now).
    """
    counts = out_of or (len(batch_xs), len(full_xs))
    keep_b, keep_f = thinned(len(batch_xs), counts[0]), thinned(len(full_xs), counts[1])
    with np.errstate(divide="ignore", invalid="ignore"):
        by = np.log10(np.maximum(batch_gaps[keep_b], floor))  # (≤ CHART_POINTS,) powers of ten
        fy = np.log10(np.maximum(full_gaps[keep_f], floor))
        spanned = np.log10(np.maximum(span, floor)) if span is not None else np.concatenate([by, fy])
        ends = [np.log10(np.maximum(gaps[-1:], floor)) for gaps in (batch_gaps, full_gaps)]  # each run's latest
    bx, fx = batch_xs[keep_b], full_xs[keep_f]
    finite = spanned[np.isfinite(spanned)]
    low, high = (math.floor(finite.min()), math.ceil(finite.max())) if finite.size else (0, 0)
    high = max(high, low + 1)
    powers = {
        "min": low,
        "max": high,
        "interval": max(1, math.ceil((high - low) / 6)),
        "scale": False,
        "axisLabel": {"formatter": "10{sup|{value}}", "rich": {"sup": {"fontSize": 9, "verticalAlign": "top"}}},
    }
    if (high - low) % powers["interval"]:  # the top is off the labels' steps: its label would crowd the one below
        powers["axisLabel"]["showMaxLabel"] = False
    spec = echarts.option(
        x_title, "MSE above the lowest", xaxis={"min": 0, "max": float(end)} | echarts.PADDED, yaxis=powers
    )
    spec["tooltip"] = {"show": False}  # a tooltip would show the power of ten, not the distance
    spec["series"].append(echarts.line(batch_name, echarts.points(bx, by), ORANGE, width=1.5) | {"id": "batch"})
    spec["series"].append(
        echarts.line(full_name, echarts.points(fx, fy), BLUE, dash="dashed", width=2)
        | ({"showSymbol": True, "symbol": "circle", "symbolSize": 6} if counts[1] <= 60 else {})
        | {"id": "full"}
    )
    for name, xs, ys, color, symbol, key in (
        (f"{batch_name}: now", batch_xs[-1:], ends[0], VERMILLION, "diamond", "batch now"),
        (f"{full_name}: now", full_xs[-1:], ends[1], GREEN, "rect", "full now"),
    ):
        now = echarts.points(xs, ys)
        if now:
            spec["series"].append(echarts.marks(name, now, color, symbol, 12) | {"id": key})
    return echarts.framed(spec)


def who_leads(batch_loss: float, full_loss: float) -> str:
    """Which run's loss is lower, in words: the mini-batches, the full batch, neither, or both blew up."""
    if not math.isfinite(batch_loss) and not math.isfinite(full_loss):
        return "both have blown up"
    if (
        math.isfinite(batch_loss)
        and math.isfinite(full_loss)
        and abs(batch_loss - full_loss) <= 1e-9 * max(abs(batch_loss), abs(full_loss))
    ):
        return "they are level"
    return "the mini-batches are ahead" if batch_loss < full_loss else "the full batch is ahead"


def race_words(r: Race, n: int, size: int, best: float, unit: str = "houses") -> str:
    """Who is ahead after the mini-batches' k steps: on rows looked at (the cost), and on steps."""
    if r.steps == 0:
        return "No steps yet: both runs stand at the same starting line. Press **Next step**."
    ending = "s" if r.full_steps != 1 else ""
    same_rows = (
        f"**Same work (rows looked at):** the {plural(r.steps, 'mini-batch step')} "
        f"{'has' if r.steps == 1 else 'have'} looked at {r.rows:,} {unit} "
        f"({num(r.rows / n, 3)} passes). With the same {r.rows:,} {unit} the full batch "
    )
    if r.full_steps == 0:
        same_rows += (
            f"could not take a single step yet (one step needs all {n:,}), so it is still at the start's MSE "
            f"{num(r.same_rows_loss)}; the mini-batches reached {num(r.batch_loss)}: "
        )
    else:
        same_rows += (
            f"took {r.full_steps:,} step{ending}, to MSE {num(r.same_rows_loss)}; the mini-batches reached "
            f"{num(r.batch_loss)}: "
        )
    same_rows += who_leads(r.batch_loss, r.same_rows_loss) + "."
    same_steps = (
        f"**Same number of steps:** {plural(r.steps, 'full-batch step')} "
        f"{'reaches' if r.steps == 1 else 'reach'} MSE {num(r.same_steps_loss)} (looking at "
        f"{r.steps * n:,} {unit}, {num(n / size, 3)} times as many); the mini-batches' {num(r.batch_loss)}: "
        f"{who_leads(r.batch_loss, r.same_steps_loss)}."
    )
    return f"{same_rows}  \n{same_steps}  \nThe lowest possible MSE is {num(best)}."


def lesson_words(r: Race, n: int, size: int, unit: str = "houses") -> str:
    """What the race shows so far, in two sentences: which count each run wins on, and why."""
    cost = (
        f"Per step the full batch is better, since it follows the true downhill direction, but each of its steps "
        f"looks at as many {unit} as {num(n / size, 3)} mini-batch steps."
    )
    if not math.isfinite(r.batch_loss):
        return "The mini-batch steps blew up: a learning rate this large overshoots on every batch. " + cost
    if r.batch_loss < r.same_rows_loss:
        return "On the same work the cheap, noisy steps get further: many rough steps beat a few exact ones. " + cost
    return (
        "Here the full batch has caught up on the same work: near the bottom the batches keep jostling the line "
        "above the lowest MSE, each batch pulling its own way, while the exact steps settle. Smaller learning "
        f"rates as the run goes on ({lesson.page('descent')}'s schedules) or larger batches quiet the jostling. " + cost
    )


def gradient_words(batch: tuple[float, ...], whole: np.ndarray, b: int, n: int, unit: str = "houses") -> str:
    """The batch's gradient beside the whole data's: the two pairs of numbers, and the angle between them."""
    text = (
        f"The step followed its batch's gradient: slope {num(batch[0])}, intercept {num(batch[1])}. On all {n} "
        f"{unit} it would have been slope {num(whole[0])}, intercept {num(whole[1])}."
    )
    if b >= n:
        return text + f" The batch is all the {unit}, so the two are the same."
    g, w = np.asarray(batch, dtype=float), np.asarray(whole, dtype=float)
    sizes = float(np.hypot(*g)), float(np.hypot(*w))
    if not all(math.isfinite(s) and s > 0 for s in sizes):
        return text
    cosine = float(np.clip(g @ w / (sizes[0] * sizes[1]), -1.0, 1.0))
    angle = math.degrees(math.acos(cosine))
    return text + (
        f" The batch's direction is {num(angle, 3)}° off the true downhill one"
        + (" (more than 90°: this step went uphill for the whole data)" if angle > 90 else "")
        + f", and {num(sizes[0] / sizes[1], 3)} times as steep, for {num(b / n * 100, 2)}% of the work."
    )


GRID = 101  # points along each axis of the contour map


def magnification(most: float) -> float:
    """The largest of 1, 2, 5, 10, 20, 50, ... that is at most `most` (at least 1)."""
    power = 10.0 ** math.floor(math.log10(most))
    return max(1.0, max(m * power for m in (1, 2, 5) if m * power <= most))


@dataclass(frozen=True, eq=False)
class LossMap:
    """The MSE over a square of (slope, intercept) that holds both runs' whole paths: the same at every step."""

    slopes: np.ndarray  # (GRID,)
    intercepts: np.ndarray  # (GRID,)
    z: np.ndarray  # (GRID, GRID): row i is intercepts[i]


def loss_map(both: Runs) -> LossMap:
    """The map the contour draws both runs on, framed around every place they reach (not a diverging path's)."""
    fit = both.fit
    start_loss = float(both.losses[0])
    points = np.concatenate([both.path, both.full_path])  # (p, 2)
    with np.errstate(all="ignore"):
        heights = line.bowl_loss((points[:, 0], points[:, 1]), fit.bowl, fit.config.loss)  # (p,)
    near = points[np.isfinite(heights) & (heights <= 4 * max(start_loss, fit.best_loss))]  # not a diverging path's
    (x0, x1), (y0, y1) = frame(np.concatenate([near, [fit.best]]), pad=0.08, square=True)
    slopes, intercepts = np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID)
    return LossMap(slopes, intercepts, loss_grid(slopes, intercepts, fit.bowl, fit.config.loss))


def arrows(both: Runs, record: StepRecord | None, width: float, unit: tuple[str, str]) -> tuple[list[Arrow], str]:
    """At the step's starting point, the step its batch's gradient took and the step the gradient on all rows would
    have taken, both magnified alike when too short to see on a map `width` wide; and a sentence saying so."""
    names = ("the batch's step", f"all {unit[1]}' step")
    if record is None:  # no step yet: the arrows' places in the legend, nothing drawn (contours.arrow_trace's keep)
        nowhere = (math.nan,) * 4
        return [Arrow(names[0], *nowhere, VERMILLION), Arrow(names[1], *nowhere, PURPLE, "dash")], ""
    fit, lr = both.fit, both.fit.config.learning_rate
    step = -lr * np.asarray(record.gradient)  # (2,) the batch's step: new - current
    true = -lr * fit.whole_gradient(record.current)  # (2,) the step the whole data's gradient would take
    longest = max(float(np.hypot(*step)), float(np.hypot(*true)))
    scale, note = 1.0, ""
    if math.isfinite(longest) and 0 < longest < 0.1 * width:  # too short to see: magnify both alike
        scale = magnification(0.25 * width / longest)  # the longer arrow: a tenth to a quarter of the map
        note = f" Both arrows are drawn {num(scale)} times as long as the steps, which are too short to see."
    x, y = record.current
    return [
        Arrow(names[0], x, y, *(scale * step), VERMILLION),
        Arrow(names[1], x, y, *(scale * true), PURPLE, "dash"),
    ], note


def contour(
    both: Runs,
    k: int,
    record: StepRecord | None,
    size: int,
    n: int,
    unit: tuple[str, str] = ("house", "houses"),
    drawn_on: LossMap | None = None,
):
    """The loss over (slope, intercept) with the paths so far and, at step k, the batch's step beside the
    step the whole data's gradient would take. Returns (plotly figure, caption). `drawn_on`: the run's map
    (loss_map), computed once for all its steps. A run of more than CHART_POINTS steps draws its paths through
    every few steps (the same ones at every step: thinned), and through step k."""
    grid = drawn_on or loss_map(both)
    j = int(both.seen[k]) // n
    count = len(both.path)
    every = np.append(thinned(k + 1, count), k) if k + 1 < count else thinned(count)
    paths = [Path(f"batches of {size}", *map(tuple, both.path[np.unique(every)].T), color=ORANGE)]
    if size < n:
        steps = np.unique(np.minimum(every, len(both.full_path) - 1))
        paths.append(Path("full batch, same steps", *map(tuple, both.full_path[steps].T), BLUE, "dash", "square"))
        paths.append(
            Path(
                f"full batch, same {unit[1]}",
                *map(tuple, both.full_path[: j + 1].T),
                GREEN,
                "dot",
                "diamond",
            )
        )
    shown, note = arrows(both, record, float(grid.slopes[-1] - grid.slopes[0]), unit)
    figure = contour_figure(
        grid.slopes,
        grid.intercepts,
        grid.z,
        x_title="slope (standardized)",
        y_title="intercept (standardized)",
        z_title="MSE",
        paths=paths,
        arrows=shown,
        height=500,
        keep_arrows=True,  # the legend and the map keep their size from step 0 on
    )
    # Equal units on both axes, so the angle between the two arrows on screen is the angle between the
    # gradients; the MSE written on the contour lines instead of a colour bar, which leaves the map room in a
    # column at 1024 px; the legend below the slope's title.
    figure.update_layout(
        xaxis=dict(constrain="domain", automargin=True),  # automargin: each title beside its numbers, wherever drawn
        yaxis=dict(scaleanchor="x", scaleratio=1, constrain="domain", automargin=True),
        legend=dict(y=-0.14, yanchor="top", traceorder="normal"),  # below the title; entries side by side
    )
    figure.update_traces(
        showscale=False,
        # White numbers with a dark halo: readable on Viridis's yellow end as on its dark purple one.
        contours=dict(showlabels=True, labelfont=dict(size=10, color="white", shadow="0 0 2px black, 0 0 2px black")),
        selector=dict(type="contour"),
    )
    return figure, contour_caption(both, k, record is not None, size, n, unit, note)


def contour_caption(both: Runs, k: int, arrowed: bool, size: int, n: int, unit: tuple[str, str], note: str) -> str:
    """What the contour shows after k steps, in words (its text for screen readers)."""
    j = int(both.seen[k]) // n
    return (
        "Chart: the MSE of every line as a map over (slope, intercept), dark where it is low, its value written on "
        "the contour lines, with the paths so far (each run's latest place drawn larger): "
        f"the batches' ({size} {unit[0] if size == 1 else unit[1]} a step, solid)"
        + (
            f", the full batch's over the same {k:,} step{'' if k == 1 else 's'} (dashed, squares) and over the same "
            f"{unit[1]} looked at, {j} step{'s' if j != 1 else ''} (dotted, diamonds)"
            if size < n
            else ""
        )
        + "."
        + (
            f" At step {k:,}'s starting point two arrows: the step the batch's gradient took (solid) and the step the "
            f"gradient on all {n} {unit[1]} would have taken (dashed)." + note
            if arrowed
            else ""
        )
        + " A path that runs off the map is diverging."
    )


def contour_maps(
    both: Runs, steps: Sequence[int], size: int, n: int, unit: tuple[str, str] = ("house", "houses")
) -> dict[int, tuple[dict, str]]:
    """The contour after each of `steps` as plotly's JSON (ui.frames.plotly_option), with its caption: each cut
    from the figure after the whole run (a figure takes milliseconds to build; a run may have thousands of steps).
    Each path keeps the points it had reached by then and its ball moves to step k's place; only the arrows are
    drawn anew. The same figure as contour(k) draws, but that a path thinned to every few steps (a run of more
    than CHART_POINTS) ends at the last of them, its ball at step k itself."""
    records = both.fit.run.records
    last, drawn_on = len(records), loss_map(both)
    whole = frames.plotly_option(contour(both, last, records[-1] if records else None, size, n, unit, drawn_on)[0])
    # contours.path_traces: one halo, a line a path (the batches', then the full batch's two), one trace of balls.
    halo, *lines, balls = whole["data"][1 : 4 if size == n else 6]
    sampled = [thinned(len(both.path)), thinned(len(both.full_path)), np.arange(len(both.full_path))]
    ends = [both.path, both.full_path, both.full_path]
    width = float(drawn_on.slopes[-1] - drawn_on.slopes[0])
    maps = {}
    for k in steps:
        record = records[k - 1] if k else None
        where = [k, min(k, len(both.full_path) - 1), int(both.seen[k]) // n]
        counts, now = [], []
        for i, path in enumerate(lines):
            count = int(np.searchsorted(sampled[i][: len(path["x"])], where[i], side="right"))
            at = [float(v) for v in ends[i][where[i]]]
            counts.append(count)
            finite = all(map(math.isfinite, at))  # a diverged path's ball: where it left off
            now.append(at if finite else [path["x"][count - 1], path["y"][count - 1]])
        ball = balls | {axis: gapped([[point[i]] for point in now]) for i, axis in enumerate("xy")}
        data = [whole["data"][0], frames.shown(halo, counts), *map(frames.shown, lines, counts), ball]
        shown, note = arrows(both, record, width, unit)
        drawn = [arrow_trace(arrow, keep=True).to_plotly_json() for arrow in shown]
        for i, trace in enumerate(drawn):  # as plotly_option writes a trace: its points as lists, its place as uid
            points = {key: frames.plain(np.asarray(trace[key], dtype=float)) for key in ("x", "y")}  # a gap: None
            data.append(trace | points | {"uid": f"s{3 + len(lines) + i}"})
        caption = contour_caption(both, k, record is not None, size, n, unit, note)
        maps[k] = {"data": data, "layout": whole["layout"]}, caption
    return maps
