"""Gradient descent on all 546 houses (or a learner's own rows), one epoch at a time, every number shown."""

import streamlit as st

from gdcore import descend, line, verdict
from gdcore.batches import epoch_batches
from gdcore.lesson import page
from gdcore.line import LESSON_EXAMPLE
from ui import (
    cached,
    code,
    controls,
    descent,
    exports,
    literal,
    opening,
    predict,
    present,
    router,
    state,
    stepper,
    updates,
    verdicts,
)
from ui.fmt import num, rows_word, y_units

router.ensure_router()

chosen = controls.descent_controls(views=("epoch",))
config = opening.affordable(chosen)  # what runs: batches of 1 take many steps
fit = cached.fit(config)
view = descent.View(config, fit, cached.houses(config.data, config.x, config.y))  # the run as the page tells it

opening.top("descent", "descent", view.last, (chosen, config, view.n))  # its stepper follows the notes, presenting too
presenting = present.active()


def intro() -> None:
    """What the page is about, the lesson's preset and the verdict: above the stepper, or under it when presenting."""
    st.markdown(
        "Picture the loss as a hill in the fog: you cannot see the bottom, but you can feel which way the "
        "ground tilts under your feet. That tilt is the **gradient**. Each **epoch**, look at all "
        f"{view.n} {view.rows}, measure the tilt for the slope and for the intercept, and take a step the other way:"
    )
    st.latex(r"\text{new} = \text{current} - \text{learning rate} \times \text{gradient}")
    st.markdown(
        "The minus sign turns uphill into downhill. The **learning rate** sets the size of the step: too small "
        "and you crawl, too big and you leap over the valley."
        + (
            f" Here x ({literal.md(view.x_name)}) and y ({literal.md(view.y_word)}) are **standardized**, so the "
            f"numbers below are in standard deviations; {page('check')} turns them back into "
            f"{literal.md(y_units(config.data, config.y))}."
            if view.scaled
            else ""
        )
    )
    lesson = chosen == LESSON_EXAMPLE
    st.button(
        "The lesson's example: 5 epochs at 0.05",
        on_click=controls.use_preset,
        args=("descent", LESSON_EXAMPLE),
        disabled=lesson,
        icon=":material/school:",
        help="The lesson's table of updates: five epochs at learning rate 0.05, from the line that prices every "
        "house at $0, on the mean of squared errors in bedrooms and dollars. Every setting in the sidebar follows.",
    )
    if lesson and view.run.records:
        descent.lesson_example(view)
    advanced = controls.describe_training(config, view.n)
    if advanced:
        st.info(
            advanced + " The ledger shows every step with its update and what the optimizer remembers.",
            icon=":material/tune:",
        )
    several = "this epoch goes" if config.epochs == 1 else f"these {config.epochs} epochs go"
    verdicts.say(verdict(fit), lead=f"Where {'this run goes' if view.stopped else several}: ")


if not presenting:
    intro()


def show(k: int) -> None:
    """What the page still draws itself once the epoch reaches it: the link, and the prediction box."""
    state.publish("descent", chosen, epoch=k or None)
    params = view.run.after(k)
    predict.box(
        "descent",
        k,
        view.last,
        ("slope", "intercept"),
        params,
        view.run.after(k + 1) if k < view.last else None,
        lambda name: updates.written_out(config.optimizer, config.hyper, view.run, k, name),
    )


# Every epoch as the browser draws it (ui/descent.py): built once per run and presenter mode, and shared by every
# session that runs the same settings (`settings`: the run's config, which decides all the frames read).
@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool) -> dict:
    return descent.run_frames(view)


stepper.stepper("epoch", view.last, show, frames=run_frames(config, presenting))
if presenting:  # the step's numbers first, then what the page is about
    intro()

with st.expander("Where the gradients come from"):
    over_n, loss = ("" if config.loss == "sse" else r"\frac{1}{n}"), rf"\text{{{view.loss_name}}}"
    st.latex(rf"{loss} = {over_n}\sum_i (y_i - (\text{{slope}}\cdot x_i + \text{{intercept}}))^2")
    st.latex(
        rf"\frac{{\partial\,{loss}}}{{\partial\,\text{{slope}}}} = -2{over_n}\sum_i x_i\,(y_i - \hat y_i)"
        r"\qquad"
        rf"\frac{{\partial\,{loss}}}{{\partial\,\text{{intercept}}}} = -2{over_n}\sum_i (y_i - \hat y_i)"
    )
    if view.batched:
        st.markdown(
            f"With mini-batches the sums run over the batch's {view.rows} only"
            + (", and n is the batch size." if over_n else ".")
        )
    st.markdown(
        f"The loss is a bowl, so its curvature (the Hessian) is the same everywhere. A plain step larger than "
        f"2 ÷ (the largest curvature) = **{num(fit.max_stable_lr)}** overshoots further each time: that is the "
        f"largest stable learning rate for this data and loss."
    )
mse = config.loss == "mse"
code.show(
    "This is the code that computed every number on this page (from `gdcore`, plain numpy). "
    "The loop is the whole algorithm: measure the tilt, step against it, write down the record. The loss "
    f"is defined {rows_word(config.data, 1)} by {rows_word(config.data, 1)} (`sse`, `sse_grad`). "
    + (f"Each batch's step adds up its own {view.rows} that way; the" if view.batched else "The")
    + f" loss on all the {view.rows} comes from `bowl`: a few sums of the data, computed once, give the bowl's "
    f"height and tilt at any line, the same numbers to the last few digits, as fast for a million {view.rows} as "
    f"for {view.n}.",
    [
        *(line.predict, line.errors, line.sse, line.sse_grad),
        *((line.loss, line.loss_grad) if mse and view.batched else ()),
        *(line.Bowl, line.bowl, line.bowl_sse, line.bowl_sse_grad),
        *((line.bowl_loss, line.bowl_loss_grad) if mse else ()),
        *code.training(config),
        *((epoch_batches,) if view.batched else ()),
        descend,
    ],
)
exports.take_away("descent", chosen, config, view.run, view.n)
