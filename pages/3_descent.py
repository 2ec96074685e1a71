"""Page 3: gradient descent on all 546 houses, one epoch at a time, every number shown."""

import inspect

import numpy as np
import streamlit as st

from gdcore import descend, line, to_command, verdict
from ui import cached, charts, controls, router, state, stepper, tables
from ui.fmt import equation, num, tex

router.ensure_router()

config = controls.descent_controls()
fit = cached.fit(config)
records = fit.run.records
last = len(records)
scaled = config.scale == "standardize"
loss_name = "SSE" if config.loss == "sse" else "MSE"
loss_units = "standardized units²" if scaled else "dollars²"

st.title("3. Gradient descent, epoch by epoch")
state.seed_whole_number("descent", "epoch", last)
state.show_notes("descent")
st.markdown(
    "Picture the loss as a hill in the fog: you cannot see the bottom, but you can feel which way the "
    "ground tilts under your feet. That tilt is the **gradient**. Each **epoch**, look at all 546 houses, "
    "measure the tilt for the slope and for the intercept, and take a step the other way:"
)
st.latex(r"\text{new} = \text{current} - \text{learning rate} \times \text{gradient}")
st.markdown(
    "The minus sign turns uphill into downhill. The **learning rate** sets the size of the step: too small "
    "and you crawl, too big and you leap over the valley."
    + (
        " Here x (bedrooms) and y (price) are **standardized**, so the numbers below are in standard "
        "deviations; page 4 turns them back into dollars."
        if scaled
        else ""
    )
)
outcome = verdict(fit)
stopped = f" (the run stopped before epoch {fit.run.diverged_at} of {config.epochs})" if fit.run.diverged_at else ""
where = (
    "this run goes" if stopped else f"{'this epoch goes' if config.epochs == 1 else f'these {config.epochs} epochs go'}"
)
{"converging": st.success, "oscillating": st.info}.get(outcome.kind, st.error)(f"Where {where}: {outcome.sentence}")


def show(k: int) -> None:
    state.publish("descent", config, epoch=k or None)
    show_epoch(k)


def show_epoch(k: int) -> None:
    """Everything that depends on how many epochs have been taken (k = 0: the starting point)."""
    params = records[k - 1].new if k else fit.run.start
    if k == 0:
        st.markdown(
            f"**Epoch 0 of {last}{stopped}: the starting point.** Slope {num(params[0])}, intercept {num(params[1])}, "
            f"{loss_name} {num(fit.loss(params))}. Press **Next epoch** to take the first step."
        )
    else:
        r = records[k - 1]
        st.markdown(
            f"**Epoch {k} of {last}{stopped}.** {loss_name} at the start of this epoch: {num(r.loss)} {loss_units}."
        )
        for name, current, gradient, new in zip(r.names, r.current, r.gradient, r.new):
            step = rf"{tex(current)} - {tex(r.learning_rate)} \times {tex(gradient, wrap=True)}"
            st.latex(rf"\text{{{name}}} \leftarrow {step} = {tex(new)}")
    if fit.run.diverged_at is not None and k == last:
        st.error(
            f"The run stops here: at epoch {fit.run.diverged_at} {fit.run.reason}. "
            f"The largest stable learning rate for this data is {num(fit.max_stable_lr)}."
        )

    slope_units = "standardized units" if scaled else "dollars per bedroom"
    start_line, now_line, best_line = (fit.in_data_units(p) for p in (fit.run.start, params, fit.best))
    left, right = st.columns(2)
    with left:
        fig = charts.houses_chart(
            cached.houses(config.x, config.y).x,
            cached.houses(config.x, config.y).y,
            {"start": start_line, f"after {k} epochs": now_line, "best possible": best_line},
            x_title="bedrooms",
            y_title="price (dollars)",
        )
        st.plotly_chart(fig, width="stretch", key="houses")
        st.caption(
            f"Chart: all 546 houses as dots (price against bedrooms), the starting line (dotted), the line after "
            f"{k} epochs, {equation(*now_line)}, and the best line (dashed), {equation(*best_line)}."
        )
    with right:
        path = [(r.current[0], r.loss) for r in records[:k]] + [(params[0], fit.loss(params))]
        path = [(s, value) for s, value in path if np.isfinite(value)]
        spread = [s for s, _ in path] + [fit.best[0]]
        lo, hi = min(spread), max(spread)
        pad = max(0.2 * (hi - lo), 0.5 * abs(fit.best[0]), 1e-3)
        slopes = np.linspace(lo - pad, hi + pad, 201)  # (201,)
        with np.errstate(over="ignore", invalid="ignore"):  # a diverged path spans slopes whose loss overflows
            curve = line.loss_along_slope(slopes, params[1], fit.x, fit.y, config.loss)
        fig = charts.descent_path_chart(
            slopes,
            curve,
            [s for s, _ in path],
            [value for _, value in path],
            loss_title=f"{loss_name} ({loss_units})",
            slope_title=f"slope ({slope_units})",
        )
        st.plotly_chart(fig, width="stretch", key="path")
        st.caption(
            f"Chart: {loss_name} against the slope, drawn at this epoch's intercept {num(params[1])}, with each "
            f"guess so far joined in order. The latest guess is slope {num(params[0])}. Earlier guesses had "
            "their own intercepts, so they can sit a little off the curve."
        )
    losses = [r.loss for r in records[:k]] + [fit.loss(params)]
    epochs = [value for value, loss in zip(range(k + 1), losses) if np.isfinite(loss)]
    fig = charts.loss_over_epochs(
        epochs,
        [loss for loss in losses if np.isfinite(loss)],
        loss_title=f"{loss_name} ({loss_units})",
        best=fit.best_loss,
        last=last,
    )
    st.plotly_chart(fig, width="stretch", key="losses")
    st.caption(
        f"Chart: {loss_name} after each epoch, from {num(losses[0])} at the start to {num(losses[-1])} after "
        f"{k} epochs; the dashed line is the lowest possible, {num(fit.best_loss)}."
    )

    st.subheader("The ledger")
    st.markdown(
        "One row per parameter per epoch. Check any row: **new = current − learning rate × gradient**, and the "
        "next epoch starts from that new value. The latest epoch is at the top, marked ▶ and shaded."
    )
    if k:
        frame = tables.ledger_frame(records[:k], loss_name)
        st.dataframe(
            tables.highlight_latest(frame),
            hide_index=True,
            width="stretch",
            height=min(400, 38 + 35 * len(frame)),
            column_config=tables.text_columns(frame),
        )
    else:
        st.caption("No epochs yet: the ledger fills in as you press Next epoch.")


stepper.stepper("epoch", last, show)

with st.expander("Where the gradients come from"):
    n = "" if config.loss == "sse" else r"\frac{1}{n}"
    st.latex(rf"\text{{{loss_name}}} = {n}\sum_i (y_i - (\text{{slope}}\cdot x_i + \text{{intercept}}))^2")
    st.latex(
        rf"\frac{{\partial\,\text{{{loss_name}}}}}{{\partial\,\text{{slope}}}} = -2{n}\sum_i x_i\,(y_i - \hat y_i)"
        r"\qquad"
        rf"\frac{{\partial\,\text{{{loss_name}}}}}{{\partial\,\text{{intercept}}}} = -2{n}\sum_i (y_i - \hat y_i)"
    )
    st.markdown(
        f"The loss is a bowl, so its curvature (the Hessian) is the same everywhere. A step larger than "
        f"2 ÷ (the largest curvature) = **{num(fit.max_stable_lr)}** overshoots further each time: that is the "
        f"largest stable learning rate for this data and loss."
    )
with st.expander("Show the code"):
    st.markdown(
        "This is the code that computed every number on this page (from `gdcore`, plain numpy). "
        "The loop is the whole algorithm: measure the tilt, step against it, write down the record."
    )
    for function in (line.predict, line.errors, line.sse, line.sse_grad, descend):
        st.code(inspect.getsource(function), language="python")
with st.expander("Print this ledger for a handout"):
    st.code(to_command(config), language="bash")
    st.caption(f"Prints the same {last} epochs as CSV, with every number in full precision.")
