"""Batch, mini-batch, stochastic. A step per batch: its houses (or an upload's rows), its gradient, the race
with the full batch. Every step is drawn in the browser from the run's frames (ui/frames.py), built once per run."""

import math

import numpy as np
import streamlit as st

from gdcore import line, minibatch, to_command
from gdcore.batches import epoch_batches
from gdcore.experiment import steps_per_epoch, within_budget
from gdcore.export import ledger_csv
from gdcore.landscape import loss_grid
from gdcore.lesson import heading, page
from ui import (
    batches,
    cached,
    code,
    controls,
    echarts,
    exports,
    frames,
    literal,
    present,
    router,
    state,
    stepper,
    updates,
    uploads,
)
from ui.fmt import axis_name, equation, num, on_houses, rows_word

router.ensure_router()

chosen = batches.batch_controls()
n = cached.row_count(chosen.data)
config = within_budget(chosen, n)  # what runs: batches of 1 take 546 steps per epoch
both = batches.runs(config)
fit, run = both.fit, both.fit.run
last = len(run.records)  # steps taken in all
size = min(config.batch_size, n)
full = size >= n
per_epoch = steps_per_epoch(config, n)
houses = cached.houses(config.data, config.x, config.y)
unit, one = rows_word(config.data), rows_word(config.data, 1)  # "houses" and "house", or an upload's "rows"
money = on_houses(config.data, config.y)  # y is the price in dollars
x_name, y_name = axis_name(config.data, config.x), axis_name(config.data, config.y)
y_word = "price" if money else config.y
LEDGER_STEPS = 500  # the ledger shows the latest 500 steps, as the descent page's
stride = max(1, math.ceil(last / 60))  # Play goes through a run in about 60 frames

st.title(heading("batches"))
stage = present.stage()  # presenter mode: the stepper and the step go right here
state.seed_view(
    batches.PAGE, "step", 0, state.whole_number(0, last), f"this run has steps 0 to {last}", key=batches.STEP
)
st.session_state[batches.STEP] = min(max(int(st.session_state[batches.STEP]), 0), last)
state.show_notes(batches.PAGE)
controls.show_budget(chosen, config, n)
st.markdown(
    f"On {page('descent')} each step felt the tilt of the hill under all {n} {unit} before it moved: the exact "
    "direction "
    f"downhill, but the whole data set read for every single step. With a million {unit} that is slow. A "
    f"**mini-batch** step asks only a handful of {unit}, steps at once, and asks the next handful: a rough "
    f"direction, at a fraction of the work. The names say how many {unit} one step looks at:\n"
    f"- **batch** (full batch): all {n}, one step per epoch: plain gradient descent;\n"
    f"- **mini-batch**: a few, say 16: {math.ceil(n / 16)} steps per epoch;\n"
    f"- **stochastic**: a single {one}: {n} steps per epoch.\n\n"
    f"An **epoch** is still one pass through all the {unit}: shuffle them (the seed decides the order), cut the "
    f"line into batches, take one step per batch. A batch's gradient is {page('descent')}'s formula with the sum "
    "over the "
    f"batch's b {unit} only (x = {literal.md(x_name)} and y = {literal.md(y_name)}, both standardized; e = y − ŷ):"
)
st.latex(
    r"\frac{\partial\,\text{MSE}_\text{batch}}{\partial\,\text{slope}} = -\frac{2}{b}\sum_{i\,\in\,\text{batch}}"
    r" x_i e_i \qquad\allowbreak"  # \allowbreak: a phone puts the second equation on its own line
    r"\frac{\partial\,\text{MSE}_\text{batch}}{\partial\,\text{intercept}} = -\frac{2}{b}"
    r"\sum_{i\,\in\,\text{batch}} e_i"
)
if full:
    plan = f"This run: **all {n} {unit}** in each step, one step per epoch: {config.epochs} epochs, as many steps."
else:
    rest = n - size * (per_epoch - 1)
    tail = f" (the last one {rest})" if rest != size else ""
    order = "freshly shuffled every epoch" if config.shuffle else "in the file's order"
    plan = (
        f"This run: batches of **{size}** {unit if size > 1 else one}{tail}, {order}: {per_epoch:,} steps per "
        f"epoch, {config.epochs} epoch{'s' if config.epochs > 1 else ''} = {per_epoch * config.epochs:,} steps"
        + (f", of which it takes {last:,} before it stops." if run.diverged_at else ".")
    )
st.markdown(
    f"{plan} **Next step** takes one batch; the sentence under the buttons says which epoch and which batch of "
    "it you are on."
    + (" **Skip to the end of the epoch** goes an epoch at a time." if per_epoch > 1 else "")
    + (f" Play moves {stride} steps a frame." if stride > 1 else "")
)
if run.diverged_at is not None:
    st.error(
        f"This run stops in epoch {run.diverged_at}: {run.reason}. A smaller learning rate keeps the steps "
        "from overshooting.",
        icon=":material/trending_up:",
    )


# --- one step, as the browser draws it (k = 0: the starting point) -------------------------------------------


def record_of(k: int):
    """The record of step k (None at the start): record i is step i + 1."""
    return run.records[k - 1] if k else None


def skip(k: int) -> str:
    """With many steps per epoch, a way to go an epoch at a time: to the end of this epoch, or of the next."""
    end = next((e for e in run.ends if e > k), None)  # the last step of this epoch, or of the next
    label = f"Skip to the end of epoch {run.records[end - 1].epoch} (step {end:,})" if end else "No epochs left"
    return frames.jump(label, end)


def sentence(k: int) -> str:
    """Which step, epoch and batch, and the MSE on all rows before and after the step."""
    record = record_of(k)
    if record is None:
        params = both.path[0]
        return (
            f"**Step 0 of {last:,}: the starting point.** Slope {num(params[0])}, intercept {num(params[1])}, "
            f"MSE on all {unit} {num(both.losses[0])}. Press **Next step** to take the first batch."
        )
    first = run.ends[record.epoch - 2] if record.epoch > 1 else 0
    j, m = record.step - first, len(run.epoch_records(record.epoch))
    b = len(record.rows)
    return (
        f"**Step {k:,} of {last:,}: epoch {record.epoch} of {run.epochs}, batch {j:,} of {m:,}** "
        f"({b} {unit if b > 1 else one}). MSE on all {unit} before the step {num(record.loss)}, after it "
        f"{num(both.losses[k])}."
    )


def update(k: int) -> str:
    """The step's update equations, and its batch's gradient beside the one on all rows."""
    record = record_of(k)
    if record is None:
        return ""
    tex = "".join(frames.tex(text) for text in updates.update_lines(config.optimizer, config.hyper, record, None))
    whole = fit.whole_gradient(record.current)
    return tex + frames.html(batches.gradient_words(record.gradient, whole, len(record.rows), n, unit))


def batch_table(k: int, listed: bool = True) -> str:
    """The step's batch, row by row, each row's part of the gradient and their sums (not `listed`: a note that
    the table comes once the step settles, for a step that Play passes through on a long run)."""
    record = record_of(k)
    if record is None:
        return ""
    heading = frames.heading(f"Step {k:,}'s batch, {one} by {one}")
    if not listed:
        return heading + frames.html(f"The table of its {len(record.rows):,} {unit} comes once you stop at this step.")
    frame = batches.batch_frame(record, fit, houses.x, houses.y, (one, x_name, y_name), money=money)
    return (
        heading
        + frames.html(
            f"Each {one}'s error pulls the line its own way; the batch's gradient is the sum of their parts (the "
            "last row). Add up a column by hand: that is the gradient the step followed."
        )
        + frames.table(frame, f"Step {k:,}'s batch", names=(one,), most=420)
    )


def race(k: int) -> tuple[str, str]:
    """Who is ahead after k steps, in words, and what the race shows so far (an info box)."""
    if full:
        return frames.html(
            f"With batches of all {n} {unit} the two runs are the same run: a step is an epoch. Pick a smaller batch "
            "in the sidebar to see them part."
        ), ""
    said = minibatch.race(both.losses, both.full_losses, both.seen, n, k)
    lesson = frames.alert(batches.lesson_words(said, n, size, unit), "info") if said.steps else ""
    return frames.html(batches.race_words(said, n, size, fit.best_loss, unit)), lesson


LATEST = "the latest step"  # the choice of step whose rows are listed under the ledger, by default


def every_row(k: int) -> str:
    """Under the ledger, whose cells list a batch's first six rows: every row of the latest step's batch."""
    record = record_of(k)
    listed = batches.rows_words(record, (one, unit)) if record else "No steps yet: no batch to list."
    return frames.chosen("rows", LATEST, frames.html(listed))


def step(k: int, glance: bool = False) -> dict[str, str]:
    """Step k's sections, by name (the layout in run_frames places them); a `glance` leaves out its batch's table."""
    words, lesson = race(k)
    parts = {"skip": skip(k)} if per_epoch > 1 else {}
    parts |= {"step": frames.html(sentence(k)), "update": update(k), "batch": batch_table(k, listed=not glance)}
    parts |= {"race": words, "lesson": lesson}
    return parts | ({} if full else {"every": every_row(k)})


def pictures(k: int, maps: dict[int, tuple]) -> dict[str, tuple]:
    """Each chart after k steps, with its caption: the houses and the line, the loss map (`maps`: the run's, from
    batches.contour_maps), the race twice."""
    record = record_of(k)
    params = tuple(both.path[k])
    taken = f"{k:,} step{'' if k == 1 else 's'}"
    now_line, best_line = fit.in_data_units(params), fit.in_data_units(fit.best)
    rows = batches.rows_of(record) if record is not None and not full else None
    caption = (
        f"Chart: all {n} {unit} as dots ({y_word} against {x_name}), the starting line (dotted), the line after "
        f"{taken}, {equation(*now_line, x=config.x, dollars=money, y=y_word)}, and the best line (dashed), "
        f"{equation(*best_line, x=config.x, dollars=money, y=y_word)}."
        + (f" The {len(rows)} {unit} of step {k}'s batch are marked ◆." if rows is not None else "")
    )
    spec = echarts.houses(
        houses.x,
        houses.y,
        {"start": fit.in_data_units(run.start), f"after {taken}": now_line, "best possible": best_line},
        x_title=x_name,
        y_title=y_name,
        batch=rows,
        money=money,
        rows=(one, unit),
    )
    roles = ["houses", *(["batch"] if rows is not None else []), "start", "now", "best"]
    spec["series"] = [series | {"id": role} for series, role in zip(spec["series"], roles)]  # the same at every step
    drawn = {"houses": (spec, caption)}
    drawn["contour"] = maps[k]

    seen = both.seen[: k + 1] / n  # (k + 1,) passes through the data after each step
    j, passes = int(both.seen[k]) // n, int(both.seen[-1]) // n
    end_passes = float(both.seen[-1]) / n
    floor = max(float(both.gaps[0]), 1e-300) * 1e-12
    names = {"batch_name": f"batches of {size}", "full_name": "full batch"}
    span = np.concatenate([both.gaps, both.full_gaps[: last + 1]])  # every distance the race will show
    spec = batches.race_chart(
        seen,
        both.gaps[: k + 1],
        np.arange(j + 1, dtype=float),
        both.full_gaps[: j + 1],
        x_title="passes through the data (epochs)",
        end=max(end_passes, 1.0),
        floor=floor,
        **names,
        out_of=(last + 1, passes + 1),
        span=span,
    )
    caption = (
        "Chart: how far each run's MSE is above the lowest possible, in powers of ten (one line lower: ten times "
        f"closer), against the passes through the data: the same {unit} looked at. After "
        f"{num(float(both.seen[k]) / n, 3)} passes the full batch has taken {j} step{'s' if j != 1 else ''}. "
        "Distances below a trillionth of the start's are drawn at the bottom edge."
    )
    drawn["race_passes"] = spec, caption
    steps = np.arange(k + 1, dtype=float)
    spec = batches.race_chart(
        steps,
        both.gaps[: k + 1],
        steps[: len(both.full_gaps)],
        both.full_gaps[: k + 1],
        x_title="steps taken",
        end=max(last, 1),
        floor=floor,
        **names,
        out_of=(last + 1, min(last + 1, len(both.full_gaps))),
        span=span,
    )
    caption = (
        f"Chart: the same distance against the steps taken: {taken} each, a full-batch step looking at all "
        f"{n} {unit} and a mini-batch step at {size}."
    )
    drawn["race_steps"] = spec, caption
    return drawn


def ledger_table(records):
    return batches.ledger_frame(records, fit, n)


# --- the frames: every step of a short run, or a stretch of a long one --------------------------------------

# A step's frame takes about 7 kB, and 0.2 kB more a row of its batch's table: a run sends every step's frame up to
# about 3.5 MB of them, and a longer run a stretch of that many steps around the step shown, and the steps Play and
# Skip land on (a glance: the step without its batch's table, the ledger's latest GLANCE steps).
REACH = min(300, max(20, 3_500_000 // (7_000 + 200 * size)))  # steps in a stretch
GLANCE = 10
MENU_ROWS = 20_000  # the menu under the ledger lists every row of this many rows' worth of steps
STRETCH = f"{batches.PAGE}:stretch"  # the session key of the stretch the browser holds: (config, first, last)


def glances(low: int, high: int) -> list[int]:
    """The steps outside the stretch low..high that the browser may land on without asking: the ones Play
    visits (the multiples of its stride, and the last step), and the ends of the next few epochs (Skip)."""
    visits = set(range(0, last + 1, stride)) | {last}
    visits |= set([e for e in run.ends if e > high][:3])
    return sorted(k for k in visits if not low <= k <= high)


@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool, low: int, high: int) -> dict:
    """Steps low..high of the run as the browser draws them (ui/frames.py), and the few outside that Play and Skip
    land on; the other steps' frames are null: the browser asks the page for them once it stops there. Built
    once per run, presenter mode and stretch, and shared by every session that runs the same settings.
    `settings` is the run's config: every page variable the frames read follows from it and the data it names."""
    glanced = glances(low, high)
    shown = [*range(low, high + 1), *glanced]
    maps = batches.contour_maps(both, shown, size, n, (one, unit))
    html, places = frames.sections([step(k, glance=not low <= k <= high) for k in shown])
    layout = [("houses", echarts.HEIGHT, False), ("contour", 500, False, {"config": exports.png("batches-loss-map")})]
    layout += [("race_passes", echarts.HEIGHT, False), ("race_steps", echarts.HEIGHT, False)]
    listed, pictured = frames.charts([pictures(k, maps) for k in shown], layout)

    # The ledger's rows: the stretch's latest LEDGER_STEPS steps at each step, then each glance's latest GLANCE.
    taken = {k: k for k in shown}  # a step is a record
    table, shown_rows = frames.ledger_stretch(
        run.records, ledger_table, LEDGER_STEPS, taken, (low, high), glanced, GLANCE
    )
    table |= {
        "title": "The ledger",
        "intro": frames.html(
            "One row per parameter per step, the latest at the top (▶). Check any row: **new = current − "
            f"learning rate × the batch's gradient**. The gradient on all {unit} sits beside it: the direction the "
            "full batch would have taken from the same place."
        ),
        "empty": frames.html("No steps yet: the ledger fills in as you press Next step."),
    }

    every: list[dict | None] = [None] * (last + 1)
    for k, named, charts in zip(shown, places, pictured):
        keep = LEDGER_STEPS if low <= k <= high else GLANCE
        more = f"Showing the latest {keep} of the {k:,} steps taken." if k > keep else ""
        if keep == GLANCE and k > keep:
            more += f" The latest {LEDGER_STEPS} follow once you stop at this step."
        every[k] = {"sections": named, **charts, "ledger": shown_rows[k], "note": frames.html(more) if more else ""}

    view = [{"section": "skip"}] if per_epoch > 1 else []
    view += [{"section": "step", "live": True}, {"section": "update"}, {"charts": ["houses", "contour"]}]
    view += [{"section": "batch"}, {"static": frames.heading("The race: mini-batches against the full batch")}]
    view += [{"charts": ["race_passes", "race_steps"]}, {"section": "race"}, {"section": "lesson"}, "ledger"]
    if not full:  # a full batch's ledger cell already says "all n"
        first = max(0, low - LEDGER_STEPS)  # the first step the stretch's ledgers show
        steps = range(max(first + 1, high - MENU_ROWS // size), high + 1)  # the stretch's ledgers' latest steps
        options = [LATEST, *(f"step {s:,}" for s in steps)]
        menu = frames.choice(
            "rows",
            f"Every {one} of a step's batch",
            options,
            help=f"The ledger lists a batch's first six {unit}; pick a step to see all of them.",
        )
        for s in steps:
            menu += frames.chosen(
                "rows", f"step {s:,}", frames.html(batches.rows_words(run.records[s - 1], (one, unit)))
            )
        view += [
            {"static": menu},
            {"section": "every"},
            {"static": frames.html(batches.counted_from_zero((one, unit)))},
        ]
    return {"frames": every, "html": html, "layout": view, "charts": listed, "ledger": table}


def show(k: int) -> None:
    """What the page still draws itself once the step settles: the link. A step outside the stretch the browser
    holds brings the stretch around it (the page runs again)."""
    if not low <= k <= high:
        st.rerun(scope="app")
    state.publish(batches.PAGE, chosen, step=k or None)


low, high = stepper.stretch(STRETCH, config, st.session_state[batches.STEP], last, REACH)
with stage:
    stepper.stepper(
        batches.STEP, last, show, stride=stride, unit="step", frames=run_frames(config, present.active(), low, high)
    )

code.show(
    "The code that computed every number on this page (from `gdcore`, plain numpy). `epoch_batches` cuts "
    "each epoch's shuffle into batches; a step's gradient is `loss_grad` on the batch's rows, and `row_parts` "
    f"splits it into each {one}'s part, the table above; `full_batch_run` is the full batch it races, and "
    "`race` reads both runs at the same step.",
    [epoch_batches, line.errors, line.loss_grad, minibatch.row_parts, minibatch.full_batch_run]
    + [minibatch.above_bottom, minibatch.race, loss_grid],
)
with st.expander("Print this ledger for a handout"):
    upload = uploads.mine().get(config.data)
    st.download_button(
        "The ledger as CSV",
        data=lambda: ledger_csv(run, config, n),  # built when clicked, not on every step
        file_name="batches-ledger.csv",
        mime="text/csv",
        icon=":material/table:",
        help=f"All {last:,} steps, every number in full precision, and every {one} of each batch.",
        on_click="ignore",  # a download needs no rerun
    )
    st.code(to_command(config.as_descent(), data=upload.name if upload else None), language="bash")
    st.caption(
        f"The command prints the same {last:,} steps as CSV, with every number in full precision; in its rows "
        f"column, each batch's {unit} count from 0."
        + (f" Run it where {literal.md(upload.name)} is (without the rows the app left out)." if upload else "")
    )
