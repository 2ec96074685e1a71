"""A deep chain of one-node layers, where the chain rule's product vanishes or explodes."""

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import chain, narrate
from gdcore.experiment import standardize_columns, within_budget
from gdcore.lesson import heading, page
from gdcore.network import activate_slope
from ui import cached, code, controls, exports, gradients, literal, router, state, verdicts
from ui.fmt import axis_name, num, on_houses, rows_word

router.ensure_router()

chosen = gradients.controls()
config = within_budget(chosen, cached.row_count(chosen.data))  # what runs: batches of 1 take many steps
fit = cached.fit(config)
depth, act, lr = config.depth, config.activation, config.learning_rate
sizes = fit.sizes  # (depth,) |dL/db_l| at the starting weights
raw = config.inputs == "raw"
houses_data = on_houses(config.data, config.y)  # the Windsor prices in dollars, or a column of an upload
unit, one = rows_word(config.data), rows_word(config.data, 1)  # "houses" and "house", or "rows" and "row"
y_word = "price" if houses_data else config.y
said_y = literal.md(y_word)  # y and the inputs as the sentences (markdown) write them
reads = ", ".join(literal.md(axis_name(config.data, column)) for column in config.columns[:2])
reads += f" and {literal.md(axis_name(config.data, config.columns[2]))}"


def short(value: float) -> str:
    """Three significant digits; never nan or inf (ui.fmt.num says "too large to show")."""
    return num(float(value), 3)


def layers(numbers: list[int]) -> str:
    """ "layer 3" or "layers 1, 2, 5"."""
    return f"layer{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


st.title(heading("gradients"))
state.show_notes(gradients.PAGE)
controls.show_budget(chosen, config, len(fit.y))
st.markdown(
    f"{page('network').capitalize()}'s network had one hidden layer. Deep networks stack many, and then something "
    "odd happens: the "
    "layers near the inputs learn far slower than the ones near the output, or the steps blow up. To see why, "
    f"take the simplest deep network: a **chain** of {depth} layers, one node each. Layer 1 reads a {one}'s "
    f"{reads}; every later layer reads only the layer before it; the last one gives the {said_y}."
)
st.latex(
    r"z_1 = w_1 \cdot x + b_1 \qquad z_\ell = w_\ell\, a_{\ell-1} + b_\ell \qquad a_\ell = \text{act}(z_\ell)"
    rf"\qquad \text{{prediction}} = w_{{\text{{out}}}}\, a_{{{depth}}}"
)
st.markdown(
    "**A gradient multiplies its way back through the layers.** To learn how much layer 1's bias should change, "
    "the chain rule walks back from the loss to layer 1, and every layer it passes multiplies in one more "
    "factor, its weight times the slope of its activation:"
)
factors = [rf"w_{{\text{{out}}}}\,\text{{act}}'(z_{{{depth}}})", rf"w_{{{depth}}}\,\text{{act}}'(z_{{{depth - 1}}})"]
factors += [r"\cdots"] if depth > 3 else []  # the middle factors, one per layer
factors += [r"w_2\,\text{act}'(z_1)"] if depth > 2 else []
st.latex(
    r"\frac{\partial L}{\partial b_1} = \sum_{\text{"
    + unit
    + r"}} \frac{\partial L}{\partial\,\text{prediction}}\;"
    + r"\;\cdot\;".join(factors)
)
st.markdown(
    f"That is {depth} factors of the form w × act'(z). If each is about 0.25, layer 1's gradient is "
    f"0.25 to the power {depth - 1} ≈ {short(0.25 ** (depth - 1))} times the last layer's: it **vanishes**. "
    f"If each is about 2, it is 2 to the power {depth - 1} ≈ {short(2.0 ** (depth - 1))} times as large: "
    "it **explodes**."
)
st.markdown(
    "**Why sigmoid's slope is at most 0.25.** Sigmoid s(z) = 1 ÷ (1 + e⁻ᶻ) climbs from 0 to 1, and its slope "
    "is s × (1 − s). Two numbers that add up to 1 have the largest product when both are 0.5: 0.5 × 0.5 = "
    "0.25, at z = 0. Away from 0 the curve is flatter still. So with weights near 1, each sigmoid layer passes "
    "back at most a quarter of the gradient. Tanh's slope is at most 1 (also at z = 0), and relu's is exactly "
    "1 where it is switched on (z > 0) and 0 where it is off, so relu hands back the weight itself: weights of "
    "10 multiply the gradient by 10 per layer."
)
houses_x, houses_y = cached.house_columns(config.data, config.columns, config.y)
first_std = standardize_columns(houses_x, config.columns)[0]  # (3,) the first house, standardized
price_std = standardize_columns(houses_y[:, None], [config.y])[0, 0]
largest = int(np.argmax(np.abs(houses_x[0])))  # the first row's input furthest from 0, raw
if not (houses_data and config.columns == chain.INPUTS):  # the house data's own words are below
    column = config.columns[largest]
    st.markdown(
        f"**What standardizing does to the raw numbers.** The first {one} in the data has "
        f"{literal.md(axis_name(config.data, column))} {num(houses_x[0, largest])} and {said_y} "
        f"{num(houses_y[0])}. Raw, those numbers go straight into the chain. Standardizing replaces each value by "
        f"(value − mean) ÷ standard deviation: that {literal.md(column)} becomes {num(first_std[largest], 2)} and "
        f"that {said_y} {num(price_std, 2)}, numbers near 0, where sigmoid and tanh have slope (far from 0 they are "
        f"flat: slope 0). Switch **Inputs and {said_y}** in the sidebar to compare."
    )
else:
    st.markdown(
        f"**What standardizing does to dollar-sized numbers.** The first house in the data has a "
        f"{houses_x[0, 2]:,.0f} square-foot lot and sold for ${houses_y[0]:,.0f}. Raw, those numbers go straight "
        "into the chain: layer 1's z lands in the thousands, where sigmoid and tanh are flat (slope 0), and the "
        "errors are tens of thousands of dollars, so the loss is in the billions. Standardizing replaces each value "
        f"by (value − mean) ÷ standard deviation: that lot becomes {num(first_std[2], 2)} and that price "
        f"{num(price_std, 2)}, numbers near 0, where the activations have slope. Switch **Inputs and price** in the "
        "sidebar to compare."
    )

# --- one backward pass -------------------------------------------------------------------------------

st.subheader("One backward pass at the starting weights")
verdicts.say(narrate.gradient_verdict(sizes, one))
finite = np.isfinite(sizes)
left, middle, right = st.columns(3)
left.metric("Layer 1's gradient", short(sizes[0]))
middle.metric(f"Layer {depth}'s gradient", short(sizes[-1]))
ratio = sizes[0] / sizes[-1] if finite[[0, -1]].all() and sizes[-1] > 0 else None
right.metric(
    f"Layer 1 ÷ layer {depth}",
    "cannot be computed" if ratio is None else short(ratio),
    help="Below 1/1,000: vanishing. Above 1,000: exploding. In between: healthy.",
)

figure = gradients.layer_bars(
    sizes,
    y_title="|gradient| for the layer's bias (log scale)",
    what="|dL/db| at the start",
    guides=float(sizes[-1]) if finite[-1] and sizes[-1] > 0 else None,
)
zeros = [layer for layer, size in enumerate(sizes, start=1) if size == 0]
overflowed = [layer for layer, size in enumerate(sizes, start=1) if not np.isfinite(size)]
if figure is None:
    st.info("There is nothing to draw: every layer's gradient is exactly 0 or too large to store.")
else:
    st.plotly_chart(figure, width="stretch", key="sizes", config=exports.png("chain-gradient-per-layer"))
    drawn = [(layer, size) for layer, size in enumerate(sizes, start=1) if np.isfinite(size) and size > 0]
    largest, smallest = max(drawn, key=lambda pair: pair[1]), min(drawn, key=lambda pair: pair[1])
    caption = (
        f"Chart: one bar per layer, 1 to {depth}, as tall as the size of that layer's bias gradient, on a log "
        f"scale (each step up the axis is ten times more). Layer 1: {short(sizes[0])}; layer {depth}: "
        f"{short(sizes[-1])}; the largest is layer {largest[0]} ({short(largest[1])}), the smallest, layer "
        f"{smallest[0]} ({short(smallest[1])})."
    )
    if zeros:
        caption += f" Exactly 0 (marked ✕ at the bottom): {layers(zeros)}."
    if overflowed:
        caption += f" Too large to store (marked ▲ at the top): {layers(overflowed)}."
    if finite[-1] and sizes[-1] > 0:
        caption += (
            " A dashed line marks 1,000 times the last layer's gradient (above it: exploding), a dotted line "
            "1/1,000 of it (below it: vanishing)."
        )
    st.caption(caption)

if finite.all():
    largest_weight = 1.5 * config.scale
    too_big = lr * sizes.max() > largest_weight  # a step longer than any weight is: a leap, not a nudge
    st.markdown(
        f"One step at learning rate {num(lr)} would move layer 1's bias by {short(lr * sizes[0])} and layer "
        f"{depth}'s by {short(lr * sizes[-1])}. For scale: the starting weights are between "
        f"{num(0.5 * config.scale)} and {num(largest_weight)}, and the biases start at 0."
        + (
            f" The longest of those steps, {short(lr * sizes.max())}, is longer than any weight: the first step "
            "throws the chain far from where it started."
            if too_big
            else ""
        )
    )
z, slopes, above = fit.factors()  # every house's z (n, depth); per layer act'(z) averaged, and the weight above
if raw:
    z1 = float(np.median(np.abs(z[:, 0])))  # a typical house's z in layer 1
    st.markdown(
        f"With raw inputs, layer 1's z for a typical {one} is about {num(z1, 3)}. "
        + (
            "Relu passes it straight on, so every layer works with numbers that large, and so do the errors "
            "and the gradients."
            if act == "relu"
            else f"The {act}'s slope there is {short(activate_slope(np.array(z1), act))}: no gradient gets "
            "through to layer 1 at all."
        )
    )

with st.expander("The numbers behind the bars"):
    st.markdown(
        "Going back from layer ℓ + 1 to layer ℓ multiplies the gradient by the weight above (w_(ℓ+1), or w_out "
        f"for the last layer) and by act'(z_ℓ). The slope differs from {one} to {one}, so the table shows its "
        f"average; the gradient adds up every {one}'s product."
    )
    table = pd.DataFrame(
        {
            "layer": range(1, depth + 1),
            f"act'(z), average over the {unit}": [short(s) for s in slopes],
            "weight above": [short(value) for value in above],
            "|dL/db| (the bar)": [short(s) for s in sizes],
        }
    )
    st.dataframe(table, hide_index=True, width="stretch", height=min(400, 38 + 35 * depth))

# --- the same descent ---------------------------------------------------------------------------------

st.subheader(f"The same chain, {config.epochs} epoch{'s' if config.epochs > 1 else ''} of gradient descent")
houses = len(fit.y)
if config.plain(houses):
    st.markdown(
        f"Every epoch: the loss and all {2 * depth + 3} gradients on all {houses:,} {unit}, then "
        "new = current − learning rate × gradient for every weight and bias at once, with one learning rate."
    )
else:
    st.markdown(
        f"Every step: all {2 * depth + 3} gradients on the step's batch of {unit}, then new = current − update for "
        f"every weight and bias at once, the update from the optimizer's rule; an epoch passes over all {houses:,} "
        f"{unit} once."
    )
advanced = controls.describe_training(config, len(fit.y))
if advanced:
    st.info(advanced, icon=":material/tune:")
verdicts.say(narrate.descent_verdict(fit))
final_loss = fit.loss(fit.run.final)
left, right = st.columns(2)
with left:
    st.plotly_chart(
        gradients.loss_chart(
            fit.run,
            final_loss,
            baseline=fit.baseline,
            epochs=config.epochs,
            units=("dollars²" if houses_data else f"units of {config.y}²") if raw else "standardized units²",
            average=f"{y_word} for every {one}",
        ),
        width="stretch",
        key="losses",
        config=exports.png("chain-loss"),
    )
    steps = len(fit.run.records)
    starts = [fit.run.epoch_records(k)[0].loss for k in range(1, fit.run.epochs + 1)]  # each epoch's first loss
    losses = starts + ([final_loss] if np.isfinite(final_loss) else [])
    caption = "Chart: the loss (mean squared error) after each epoch taken, with markers"
    if len(losses) == 1:
        caption += f": only the start, {short(losses[0])}"
    elif losses:
        caption += f", from {short(losses[0])} at the start to {short(losses[-1])} after {len(losses) - 1} epochs"
    caption += f"; the dashed line is the loss of guessing the average {y_word} for every {one}, {short(fit.baseline)}."
    if fit.run.diverged_at is not None:
        caption += (
            f" At epoch {fit.run.diverged_at} the numbers became too large to store, so the line stops after "
            f"{fit.run.epochs} epoch{'' if fit.run.epochs == 1 else 's'} (dotted line)."
        )
    st.caption(literal.md(caption))  # plain text that names y
with right:
    moved = fit.moved  # (depth,)
    figure = gradients.step_bars(moved)
    if figure is None:
        st.markdown("No layer's bias moved at all: there was no finite step to take.")
    else:
        st.plotly_chart(figure, width="stretch", key="moved", config=exports.png("chain-bias-moves"))
        still = [layer for layer, distance in enumerate(moved, start=1) if distance == 0]
        caption = (
            f"Chart: how far each layer's bias moved over the {steps:,} step{'' if steps == 1 else 's'} taken, on a "
            f"log scale: layer 1: {short(moved[0])}; layer {depth}: {short(moved[-1])}."
        )
        if still:
            caption += f" Did not move at all (marked ✕ at the bottom): {layers(still)}."
        st.caption(caption)

code.show(
    "This is the code that computed every number on this page (from `gdcore.chain`, plain numpy). "
    "The loop in `loss_grad` is the backward pass: one more factor w × act'(z) per layer.",
    [chain.initial_params, chain.forward, chain.loss_grad, chain.per_layer],
)
exports.take_away(gradients.PAGE, chosen, config, fit.run, len(fit.y))
