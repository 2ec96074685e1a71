"""Batch, mini-batch, stochastic. A step per batch: its houses (or an upload's rows), its gradient, the race
with the full batch. Every step is drawn in the browser from the run's frames (ui/frames.py), built once per run."""

import math

import streamlit as st

from gdcore import line, minibatch
from gdcore.batches import epoch_batches
from gdcore.export import ledger_csv
from gdcore.landscape import loss_grid
from gdcore.lesson import page
from gdcore.models import command_for
from ui import (
    batch_steps,
    batches,
    cached,
    code,
    literal,
    opening,
    present,
    router,
    state,
    stepper,
    uploads,
)

router.ensure_router()

chosen = batches.batch_controls()
n = cached.row_count(chosen.data)
config = opening.affordable(chosen)  # what runs: batches of 1 take 546 steps per epoch
both = batches.runs(config)
view = batch_steps.View(config, n, both, cached.houses(config.data, config.x, config.y))  # the run as told

budget = (chosen, config, n)
stage = opening.top("batches", batches.PAGE, view.last, budget, key=batches.STEP, unit="step", stage=True)
st.markdown(
    f"On {page('descent')} each step felt the tilt of the hill under all {n} {view.unit} before it moved: the exact "
    "direction "
    f"downhill, but the whole data set read for every single step. With a million {view.unit} that is slow. A "
    f"**mini-batch** step asks only a handful of {view.unit}, steps at once, and asks the next handful: a rough "
    f"direction, at a fraction of the work. The names say how many {view.unit} one step looks at:\n"
    f"- **batch** (full batch): all {n}, one step per epoch: plain gradient descent;\n"
    f"- **mini-batch**: a few, say 16: {math.ceil(n / 16)} steps per epoch;\n"
    f"- **stochastic**: a single {view.one}: {n} steps per epoch.\n\n"
    f"An **epoch** is still one pass through all the {view.unit}: shuffle them (the seed decides the order), cut the "
    f"line into batches, take one step per batch. A batch's gradient is {page('descent')}'s formula with the sum "
    "over the "
    f"batch's b {view.unit} only (x = {literal.md(view.x_name)} and y = {literal.md(view.y_name)}, both "
    "standardized; e = y − ŷ):"
)
st.latex(
    r"\frac{\partial\,\text{MSE}_\text{batch}}{\partial\,\text{slope}} = -\frac{2}{b}\sum_{i\,\in\,\text{batch}}"
    r" x_i e_i \qquad\allowbreak"  # \allowbreak: a phone puts the second equation on its own line
    r"\frac{\partial\,\text{MSE}_\text{batch}}{\partial\,\text{intercept}} = -\frac{2}{b}"
    r"\sum_{i\,\in\,\text{batch}} e_i"
)
if view.full:
    plan = f"This run: **all {n} {view.unit}** in each step, one step per epoch: {config.epochs} epochs, as many steps."
else:
    rest = n - view.size * (view.per_epoch - 1)
    tail = f" (the last one {rest})" if rest != view.size else ""
    order = "freshly shuffled every epoch" if config.shuffle else "in the file's order"
    plan = (
        f"This run: batches of **{view.size}** {view.unit if view.size > 1 else view.one}{tail}, {order}: "
        f"{view.per_epoch:,} steps per epoch, {config.epochs} epoch{'s' if config.epochs > 1 else ''} = "
        f"{view.per_epoch * config.epochs:,} steps"
        + (f", of which it takes {view.last:,} before it stops." if view.run.diverged_at else ".")
    )
st.markdown(
    f"{plan} **Next step** takes one batch; the sentence under the buttons says which epoch and which batch of "
    "it you are on."
    + (" **Skip to the end of the epoch** goes an epoch at a time." if view.per_epoch > 1 else "")
    + (f" Play moves {view.stride} steps a frame." if view.stride > 1 else "")
)
if view.run.diverged_at is not None:
    st.error(
        f"This run stops in epoch {view.run.diverged_at}: {view.run.reason}. A smaller learning rate keeps the steps "
        "from overshooting.",
        icon=":material/trending_up:",
    )


# Steps low..high and those Play and Skip land on (ui/batch_steps.py): built once per run, presenter mode and
# stretch, and shared by every session that runs the same settings (`settings`: the run's config, all they read).
@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool, low: int, high: int) -> dict:
    return batch_steps.run_frames(view, low, high)


def show(k: int) -> None:
    """What the page still draws itself once the step settles: the link. A step outside the stretch the browser
    holds brings the stretch around it (the page runs again)."""
    if not low <= k <= high:
        st.rerun(scope="app")
    state.publish(batches.PAGE, chosen, step=k or None)


low, high = stepper.stretch(batch_steps.STRETCH, config, st.session_state[batches.STEP], view.last, view.reach)
with stage:
    stepper.stepper(
        batches.STEP,
        view.last,
        show,
        stride=view.stride,
        unit="step",
        frames=run_frames(config, present.active(), low, high),
    )

code.show(
    "The code that computed every number on this page (from `gdcore`, plain numpy). `epoch_batches` cuts "
    "each epoch's shuffle into batches; a step's gradient is `loss_grad` on the batch's rows, and `row_parts` "
    f"splits it into each {view.one}'s part, the table above; `full_batch_run` is the full batch it races, and "
    "`race` reads both runs at the same step.",
    [epoch_batches, line.errors, line.loss_grad, minibatch.row_parts, minibatch.full_batch_run]
    + [minibatch.above_bottom, minibatch.race, loss_grid],
)
with st.expander("Print this ledger for a handout"):
    upload = uploads.mine().get(config.data)
    st.download_button(
        "The ledger as CSV",
        data=lambda: ledger_csv(view.run, config, n),  # built when clicked, not on every step
        file_name="batches-ledger.csv",
        mime="text/csv",
        icon=":material/table:",
        help=f"All {view.last:,} steps, every number in full precision, and every {view.one} of each batch.",
        on_click="ignore",  # a download needs no rerun
    )
    st.code(command_for(config.as_descent(), data=upload.name if upload else None), language="bash")
    st.caption(
        f"The command prints the same {view.last:,} steps as CSV, with every number in full precision; in its rows "
        f"column, each batch's {view.unit} count from 0."
        + (f" Run it where {literal.md(upload.name)} is (without the rows the app left out)." if upload else "")
    )
