"""The gradients page's sections, each read from one `View` of the chain's run: what standardizing does to the
data's numbers, one backward pass at the starting weights layer by layer, and the same chain trained."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import chain
from gdcore.chain import ChainConfig, ChainFit
from gdcore.data import standardize_columns
from gdcore.network import activate_slope
from ui import cached, controls, exports, gradients, literal, verdicts
from ui.fmt import axis_name, num, on_houses, rows_word


class View:
    """The chain's run as the page tells it: its config and fit, the gradient of each layer at the start, and the
    words its sentences use (the price on the house data; an upload's own column and rows)."""

    def __init__(self, config: ChainConfig, fit: ChainFit) -> None:
        self.config, self.fit = config, fit
        self.depth, self.act, self.lr = config.depth, config.activation, config.learning_rate
        self.sizes = fit.sizes  # (depth,) |dL/db_l| at the starting weights
        self.raw = config.inputs == "raw"
        self.houses_data = on_houses(config.data, config.y)  # the Windsor prices in dollars, or an upload's column
        self.unit, self.one = rows_word(config.data), rows_word(config.data, 1)  # "houses" and "house", or "rows"
        self.y_word = "price" if self.houses_data else config.y
        self.said_y = literal.md(self.y_word)  # y and the inputs as the sentences (markdown) write them
        reads = ", ".join(literal.md(axis_name(config.data, column)) for column in config.columns[:2])
        self.reads = reads + f" and {literal.md(axis_name(config.data, config.columns[2]))}"


def short(value: float) -> str:
    """Three significant digits; never nan or inf (ui.fmt.num says "too large to show")."""
    return num(float(value), 3)


def layers(numbers: list[int]) -> str:
    """ "layer 3" or "layers 1, 2, 5"."""
    return f"layer{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def standardizing(v: View) -> None:
    """What standardizing does to the first row's raw numbers, in the data's own words."""
    config = v.config
    houses_x, houses_y = cached.house_columns(config.data, config.columns, config.y)
    first_std = standardize_columns(houses_x, config.columns)[0]  # (3,) the first house, standardized
    price_std = standardize_columns(houses_y[:, None], [config.y])[0, 0]
    largest = int(np.argmax(np.abs(houses_x[0])))  # the first row's input furthest from 0, raw
    if not (v.houses_data and config.columns == chain.INPUTS):  # the house data's own words are below
        column = config.columns[largest]
        st.markdown(
            f"**What standardizing does to the raw numbers.** The first {v.one} in the data has "
            f"{literal.md(axis_name(config.data, column))} {num(houses_x[0, largest])} and {v.said_y} "
            f"{num(houses_y[0])}. Raw, those numbers go straight into the chain. Standardizing replaces each value by "
            f"(value − mean) ÷ standard deviation: that {literal.md(column)} becomes {num(first_std[largest], 2)} and "
            f"that {v.said_y} {num(price_std, 2)}, numbers near 0, where sigmoid and tanh have slope (far from "
            "0 they are "
            f"flat: slope 0). Switch **Inputs and {v.said_y}** in the sidebar to compare."
        )
    else:
        st.markdown(
            f"**What standardizing does to dollar-sized numbers.** The first house in the data has a "
            f"{houses_x[0, 2]:,.0f} square-foot lot and sold for ${houses_y[0]:,.0f}. Raw, those numbers go straight "
            "into the chain: layer 1's z lands in the thousands, where sigmoid and tanh are flat (slope 0), and the "
            "errors are tens of thousands of dollars, so the loss is in the billions. Standardizing replaces "
            "each value "
            f"by (value − mean) ÷ standard deviation: that lot becomes {num(first_std[2], 2)} and that price "
            f"{num(price_std, 2)}, numbers near 0, where the activations have slope. Switch **Inputs and "
            "price** in the "
            "sidebar to compare."
        )


def backward_pass(v: View) -> None:
    """One backward pass at the starting weights: each layer's gradient, its chart and the numbers behind it."""
    config, fit = v.config, v.fit
    st.subheader("One backward pass at the starting weights")
    verdicts.say(chain.gradient_verdict(v.sizes, v.one))
    finite = np.isfinite(v.sizes)
    left, middle, right = st.columns(3)
    left.metric("Layer 1's gradient", short(v.sizes[0]))
    middle.metric(f"Layer {v.depth}'s gradient", short(v.sizes[-1]))
    ratio = v.sizes[0] / v.sizes[-1] if finite[[0, -1]].all() and v.sizes[-1] > 0 else None
    right.metric(
        f"Layer 1 ÷ layer {v.depth}",
        "cannot be computed" if ratio is None else short(ratio),
        help="Below 1/1,000: vanishing. Above 1,000: exploding. In between: healthy.",
    )

    figure = gradients.layer_bars(
        v.sizes,
        y_title="|gradient| for the layer's bias (log scale)",
        what="|dL/db| at the start",
        guides=float(v.sizes[-1]) if finite[-1] and v.sizes[-1] > 0 else None,
    )
    zeros = [layer for layer, size in enumerate(v.sizes, start=1) if size == 0]
    overflowed = [layer for layer, size in enumerate(v.sizes, start=1) if not np.isfinite(size)]
    if figure is None:
        st.info("There is nothing to draw: every layer's gradient is exactly 0 or too large to store.")
    else:
        st.plotly_chart(figure, width="stretch", key="sizes", config=exports.png("chain-gradient-per-layer"))
        drawn = [(layer, size) for layer, size in enumerate(v.sizes, start=1) if np.isfinite(size) and size > 0]
        largest, smallest = max(drawn, key=lambda pair: pair[1]), min(drawn, key=lambda pair: pair[1])
        caption = (
            f"Chart: one bar per layer, 1 to {v.depth}, as tall as the size of that layer's bias gradient, on a log "
            f"scale (each step up the axis is ten times more). Layer 1: {short(v.sizes[0])}; layer {v.depth}: "
            f"{short(v.sizes[-1])}; the largest is layer {largest[0]} ({short(largest[1])}), the smallest, layer "
            f"{smallest[0]} ({short(smallest[1])})."
        )
        if zeros:
            caption += f" Exactly 0 (marked ✕ at the bottom): {layers(zeros)}."
        if overflowed:
            caption += f" Too large to store (marked ▲ at the top): {layers(overflowed)}."
        if finite[-1] and v.sizes[-1] > 0:
            caption += (
                " A dashed line marks 1,000 times the last layer's gradient (above it: exploding), a dotted line "
                "1/1,000 of it (below it: vanishing)."
            )
        st.caption(caption)

    if finite.all():
        largest_weight = 1.5 * config.scale
        too_big = v.lr * v.sizes.max() > largest_weight  # a step longer than any weight is: a leap, not a nudge
        st.markdown(
            f"One step at learning rate {num(v.lr)} would move layer 1's bias by {short(v.lr * v.sizes[0])} and layer "
            f"{v.depth}'s by {short(v.lr * v.sizes[-1])}. For scale: the starting weights are between "
            f"{num(0.5 * config.scale)} and {num(largest_weight)}, and the biases start at 0."
            + (
                f" The longest of those steps, {short(v.lr * v.sizes.max())}, is longer than any weight: the "
                "first step "
                "throws the chain far from where it started."
                if too_big
                else ""
            )
        )
    z, slopes, above = fit.factors()  # every house's z (n, depth); per layer act'(z) averaged, and the weight above
    if v.raw:
        z1 = float(np.median(np.abs(z[:, 0])))  # a typical house's z in layer 1
        st.markdown(
            f"With raw inputs, layer 1's z for a typical {v.one} is about {num(z1, 3)}. "
            + (
                "Relu passes it straight on, so every layer works with numbers that large, and so do the errors "
                "and the gradients."
                if v.act == "relu"
                else f"The {v.act}'s slope there is {short(activate_slope(np.array(z1), v.act))}: no gradient gets "
                "through to layer 1 at all."
            )
        )

    with st.expander("The numbers behind the bars"):
        st.markdown(
            "Going back from layer ℓ + 1 to layer ℓ multiplies the gradient by the weight above (w_(ℓ+1), or w_out "
            f"for the last layer) and by act'(z_ℓ). The slope differs from {v.one} to {v.one}, so the table shows its "
            f"average; the gradient adds up every {v.one}'s product."
        )
        table = pd.DataFrame(
            {
                "layer": range(1, v.depth + 1),
                f"act'(z), average over the {v.unit}": [short(s) for s in slopes],
                "weight above": [short(value) for value in above],
                "|dL/db| (the bar)": [short(s) for s in v.sizes],
            }
        )
        st.dataframe(table, hide_index=True, width="stretch", height=min(400, 38 + 35 * v.depth))


def descent(v: View) -> None:
    """The same chain trained as the config says: its loss and how far each layer's bias moved."""
    config, fit = v.config, v.fit
    st.subheader(f"The same chain, {config.epochs} epoch{'s' if config.epochs > 1 else ''} of gradient descent")
    houses = len(fit.y)
    if config.plain(houses):
        st.markdown(
            f"Every epoch: the loss and all {2 * v.depth + 3} gradients on all {houses:,} {v.unit}, then "
            "new = current − learning rate × gradient for every weight and bias at once, with one learning rate."
        )
    else:
        st.markdown(
            f"Every step: all {2 * v.depth + 3} gradients on the step's batch of {v.unit}, then new = current − "
            "update for "
            f"every weight and bias at once, the update from the optimizer's rule; an epoch passes over all {houses:,} "
            f"{v.unit} once."
        )
    advanced = controls.describe_training(config, len(fit.y))
    if advanced:
        st.info(advanced, icon=":material/tune:")
    verdicts.say(chain.descent_verdict(fit))
    final_loss = fit.loss(fit.run.final)
    left, right = st.columns(2)
    with left:
        st.plotly_chart(
            gradients.loss_chart(
                fit.run,
                final_loss,
                baseline=fit.baseline,
                epochs=config.epochs,
                units=("dollars²" if v.houses_data else f"units of {config.y}²") if v.raw else "standardized units²",
                average=f"{v.y_word} for every {v.one}",
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
        guess = f"guessing the average {v.y_word} for every {v.one}"
        caption += f"; the dashed line is the loss of {guess}, {short(fit.baseline)}."
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
                f"Chart: how far each layer's bias moved over the {steps:,} step{'' if steps == 1 else 's'} "
                "taken, on a "
                f"log scale: layer 1: {short(moved[0])}; layer {v.depth}: {short(moved[-1])}."
            )
            if still:
                caption += f" Did not move at all (marked ✕ at the bottom): {layers(still)}."
            st.caption(caption)
