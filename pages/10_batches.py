"""Page 10: batch, mini-batch, stochastic. A step per batch: its houses (or an upload's rows), its gradient, the race
with the full batch."""

import inspect
import math

import numpy as np
import streamlit as st

from gdcore import line, minibatch, to_command
from gdcore.batches import epoch_batches
from gdcore.experiment import steps_per_epoch, within_budget
from gdcore.export import ledger_csv
from gdcore.landscape import loss_grid
from ui import batches, cached, controls, echarts, exports, literal, present, router, state, stepper, updates, uploads
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
LEDGER_STEPS = 200  # the ledger shows the latest 200 steps
stride = max(1, math.ceil(last / 60))  # Play goes through a run in about 60 frames

st.title("10. Batch, mini-batch, stochastic")
stage = present.stage()  # presenter mode: the stepper and the step go right here
state.seed_view(
    batches.PAGE, "step", 0, state.whole_number(0, last), f"this run has steps 0 to {last}", key=batches.STEP
)
st.session_state[batches.STEP] = min(max(int(st.session_state[batches.STEP]), 0), last)
state.show_notes(batches.PAGE)
controls.show_budget(chosen, config, n)
st.markdown(
    f"On page 3 each step felt the tilt of the hill under all {n} {unit} before it moved: the exact direction "
    f"downhill, but the whole data set read for every single step. With a million {unit} that is slow. A "
    f"**mini-batch** step asks only a handful of {unit}, steps at once, and asks the next handful: a rough "
    f"direction, at a fraction of the work. The names say how many {unit} one step looks at:\n"
    f"- **batch** (full batch): all {n}, one step per epoch: plain gradient descent;\n"
    f"- **mini-batch**: a few, say 16: {math.ceil(n / 16)} steps per epoch;\n"
    f"- **stochastic**: a single {one}: {n} steps per epoch.\n\n"
    f"An **epoch** is still one pass through all the {unit}: shuffle them (the seed decides the order), cut the "
    "line into batches, take one step per batch. A batch's gradient is page 3's formula with the sum over the "
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


def show(k: int) -> None:
    state.publish(batches.PAGE, chosen, step=k or None)
    show_step(k)


def show_step(k: int) -> None:
    """Everything that depends on how many steps have been taken (k = 0: the starting point)."""
    record = run.records[k - 1] if k else None
    params = tuple(both.path[k])
    taken = f"{k:,} step{'' if k == 1 else 's'}"
    if per_epoch > 1:  # with many steps per epoch, a way to go an epoch at a time
        end = next((e for e in run.ends if e > k), None)  # the last step of this epoch, or of the next
        st.button(
            f"Skip to the end of epoch {run.records[end - 1].epoch} (step {end:,})" if end else "No epochs left",
            key=batches.SKIP,
            on_click=batches.go_to_step,
            args=(end,),
            disabled=end is None,
            icon=":material/skip_next:",
        )
    with st.container():  # the words take a varying number of elements; the charts below keep their place
        if record is None:
            st.markdown(
                f"**Step 0 of {last:,}: the starting point.** Slope {num(params[0])}, intercept {num(params[1])}, "
                f"MSE on all {unit} {num(both.losses[0])}. Press **Next step** to take the first batch."
            )
        else:
            first = run.ends[record.epoch - 2] if record.epoch > 1 else 0
            j, m = record.step - first, len(run.epoch_records(record.epoch))
            b = len(record.rows)
            st.markdown(
                f"**Step {k:,} of {last:,}: epoch {record.epoch} of {run.epochs}, batch {j:,} of {m:,}** "
                f"({b} {unit if b > 1 else one}). MSE on all {unit} before the step {num(record.loss)}, after it "
                f"{num(both.losses[k])}."
            )
            for text in updates.update_lines(config, record, None):
                st.latex(text)
            whole = fit.whole_gradient(record.current)
            st.markdown(batches.gradient_words(record.gradient, whole, b, n, unit))

    left, right = st.columns(2)
    with left:
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
        echarts.draw(spec, caption, key="batch_houses")
    with right:
        figure, caption = batches.contour(both, k, record, size, n, (one, unit))
        st.plotly_chart(figure, key="batch_contour", config=exports.png("batches-loss-map"))
        st.caption(caption)

    if record is not None:
        st.subheader(f"Step {k:,}'s batch, {one} by {one}")
        st.markdown(
            f"Each {one}'s error pulls the line its own way; the batch's gradient is the sum of their parts (the "
            "last row). Add up a column by hand: that is the gradient the step followed."
        )
        names = (one, x_name, y_name)
        frame = batches.batch_frame(record, fit, houses.x, houses.y, names, money=money)
        st.dataframe(frame, hide_index=True, width="stretch", height=min(420, 38 + 35 * len(frame)))

    st.subheader("The race: mini-batches against the full batch")
    seen = both.seen[: k + 1] / n  # (k + 1,) passes through the data after each step
    j = int(both.seen[k]) // n
    end_passes = float(both.seen[-1]) / n
    floor = max(float(both.gaps[0]), 1e-300) * 1e-12
    names = (f"batches of {size}", "full batch")
    left, right = st.columns(2)
    with left:
        spec = batches.race_chart(
            seen,
            both.gaps[: k + 1],
            np.arange(j + 1, dtype=float),
            both.full_gaps[: j + 1],
            x_title="passes through the data (epochs)",
            end=max(end_passes, 1.0),
            floor=floor,
            batch_name=names[0],
            full_name=names[1],
        )
        caption = (
            "Chart: how far each run's MSE is above the lowest possible, in powers of ten (one line lower: ten times "
            f"closer), against the passes through the data: the same {unit} looked at. After "
            f"{num(float(both.seen[k]) / n, 3)} passes the full batch has taken {j} step{'s' if j != 1 else ''}. "
            "Distances below a trillionth of the start's are drawn at the bottom edge."
        )
        echarts.draw(spec, caption, key="race_passes")
    with right:
        steps = np.arange(k + 1, dtype=float)
        spec = batches.race_chart(
            steps,
            both.gaps[: k + 1],
            steps[: len(both.full_gaps)],
            both.full_gaps[: k + 1],
            x_title="steps taken",
            end=max(last, 1),
            floor=floor,
            batch_name=names[0],
            full_name=names[1],
        )
        caption = (
            f"Chart: the same distance against the steps taken: {taken} each, a full-batch step looking at all "
            f"{n} {unit} and a mini-batch step at {size}."
        )
        echarts.draw(spec, caption, key="race_steps")
    race = minibatch.race(both.losses, both.full_losses, both.seen, n, k)
    if full:
        st.markdown(
            f"With batches of all {n} {unit} the two runs are the same run: a step is an epoch. Pick a smaller batch "
            "in the sidebar to see them part."
        )
    else:
        st.markdown(batches.race_words(race, n, size, fit.best_loss, unit))
        if race.steps:
            st.info(batches.lesson_words(race, n, size, unit), icon=":material/balance:")

    st.subheader("The ledger")
    st.markdown(
        "One row per parameter per step, the latest at the top (▶). Check any row: **new = current − learning "
        f"rate × the batch's gradient**. The gradient on all {unit} sits beside it: the direction the full batch "
        "would have taken from the same place."
    )
    if k:
        shown = run.records[max(0, k - LEDGER_STEPS) : k]
        frame = batches.ledger_frame(shown, fit, n)
        st.dataframe(frame, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(frame)))
        if k > len(shown):
            st.caption(f"Showing the latest {len(shown)} of the {k:,} steps taken.")
        if not full:  # a full batch's cell already says "all n"
            batches.every_row(shown, (one, unit))
    else:
        st.caption("No steps yet: the ledger fills in as you press Next step.")


with stage:
    stepper.stepper(batches.STEP, last, show, stride=stride, unit="step")

with st.expander("Show the code"):
    st.markdown(
        "The code that computed every number on this page (from `gdcore`, plain numpy). `epoch_batches` cuts "
        "each epoch's shuffle into batches; a step's gradient is `loss_grad` on the batch's rows, and `row_parts` "
        f"splits it into each {one}'s part, the table above; `full_batch_run` is the full batch it races, and "
        "`race` reads both runs at the same step."
    )
    functions = [epoch_batches, line.errors, line.loss_grad, minibatch.row_parts, minibatch.full_batch_run]
    functions += [minibatch.above_bottom, minibatch.race, loss_grid]
    for function in functions:
        st.code(inspect.getsource(function), language="python")
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
