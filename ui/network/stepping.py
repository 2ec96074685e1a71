"""The network page's run, epoch by epoch: the words, charts, ledger and first rows the browser draws at each epoch
(`run_frames`), the last step written out for one parameter (`arithmetic`), and, under the view, where one gradient
comes from and its check against finite differences (`explained`). Each reads one `View` of the run.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import streamlit as st

from gdcore import baseline_loss, network
from gdcore.narrate import step_sentence
from gdcore.network import NetworkConfig, NetworkFit
from ui import echarts, frames, ledger, literal, tables, updates
from ui.fmt import money, num, on_houses, plural, rows_word, tex, y_units
from ui.network import charts
from ui.network import words as wording
from ui.network.controls import DEFAULT, LEDGER_STEPS, PAGE, PARAM

# A long run (up to 5,000 epochs) sends the frames of a stretch of REACH epochs around the one shown, and of the
# epochs Play lands on (a glance: the ledger's latest GLANCE steps); the others are null, and the browser asks the
# page for the stretch around an epoch once it stops there (ui/stepper.js). The default 500 epochs go whole.
REACH = 500
GLANCE = 5
STRETCH = f"{PAGE}:stretch"  # the session key of the stretch the browser holds: (config, first, last)


class View:
    """One run of the network as the page tells it: its config and fit, the data's own columns, and the words its
    sentences use for them (the price in dollars on the house data; an upload's own column and rows)."""

    def __init__(self, config: NetworkConfig, fit: NetworkFit, X_raw: np.ndarray, prices: np.ndarray) -> None:
        self.config, self.fit, self.run = config, fit, fit.run
        self.X_raw, self.prices = X_raw, prices  # (n, 3) and (n,), in the data's own units
        self.last = self.run.epochs
        self.n_rows = len(fit.y)
        self.plain = config.plain(self.n_rows)
        self.batched = 0 < config.batch_size < self.n_rows
        self.loss_name, self.loss_units = wording.loss_name(config), "standardized units²"
        self.inputs, self.act = config.inputs, config.activation
        self.houses_data = on_houses(config.data, config.y)  # the Windsor prices in dollars, or an upload's column
        self.unit, self.one = rows_word(config.data), rows_word(config.data, 1)  # "houses" and "house", or "rows"
        self.y_word, self.y_unit = ("price" if self.houses_data else config.y), y_units(config.data, config.y)
        self.in_y = money if self.houses_data else num  # a y value in the data's units, as text
        diverged = self.run.diverged_at
        self.stopped = f" (the run stopped before epoch {diverged} of {config.epochs})" if diverged else ""
        self.stride = max(1, math.ceil(self.last / 100))  # Play shows a long run in about 100 steps


def arithmetic(v: View, k: int, name: str) -> list[str]:
    """The LaTeX of epoch k + 1's last step for one of the 10 parameters, as the page writes it out."""
    return updates.written_out(v.config.optimizer, v.config.hyper, v.run, k, name)


def typical(v: View, error: float) -> str:
    """How far off a typical prediction is, in the data's units."""
    if math.isfinite(error):
        return f"a typical prediction is off by {v.in_y(error)} (the root mean squared error, in {v.y_unit})"
    return "the predictions are off by more than any number can hold"


def epoch_words(v: View, k: int, loss_now: float) -> str:
    """The epoch's sentences as HTML, with its last step written out for all 10 parameters (k = 0: the start)."""
    said = literal.md(typical(v, v.fit.dollars_error(loss_now)))
    if k == 0:
        return frames.html(
            f"**Epoch 0 of {v.last:,}{v.stopped}: the random start.** {v.loss_name}: "
            f"{wording.amount(loss_now, v.loss_units)}; "
            f"{said}. Press **Next epoch** to take the first step."
        )
    latest = v.run.epoch_records(k)[-1]
    text = frames.html(
        f"**Epoch {k:,} of {v.last:,}{v.stopped}.** After this step the {v.loss_name} is "
        f"{wording.amount(loss_now, v.loss_units)} (it was {num(v.run.epoch_records(k)[0].loss)} before it); {said}."
    )
    label = f"Epoch {k:,}" if v.plain else f"Epoch {k:,}, step {latest.step:,}"
    text += frames.html(step_sentence(latest, label, num, v.config.optimizer, most=3))
    if not v.plain:
        rules = list(updates.RULES_TEX[v.config.optimizer]) if v.config.optimizer != "gd" else []
        previous = v.run.records[latest.step - 2] if latest.step > 1 else None
        lines = [*rules, *updates.update_lines(v.config.optimizer, v.config.hyper, latest, previous)]
        summary = escape(f"This epoch's last step (step {latest.step}), written out for all 10 parameters")
        text += f"<details><summary>{summary}</summary>{''.join(frames.tex(line) for line in lines)}</details>"
    if v.run.diverged_at is not None and k == v.last:
        text += frames.alert(
            f"The run stops here: at epoch {v.run.diverged_at} {v.run.reason}. The learning rate "
            f"{v.config.learning_rate:g} is too large; try {DEFAULT.learning_rate:g}."
        )
    return text


def pictures(v: View, k: int, params, loss_now: float, losses: list[float]) -> dict[str, tuple[dict, str]]:
    """Each chart's option and caption after k epochs: the network, its predictions, the loss so far.
    `losses`: the loss at the start of each epoch of the run (each epoch's first record)."""
    drawn = {}
    diagram = charts.diagram(params, v.inputs, v.act, v.y_word)
    drawn["diagram"] = diagram["baseOption"], charts.diagram_text(params, v.inputs, v.act, v.y_word)
    with np.errstate(all="ignore"):
        predicted = v.fit.predict_in_data_units(params)  # (n,) dollars, or the units of an upload's y
    spec, hidden = charts.prediction_chart(v.prices, predicted, v.y_word, v.y_unit, money=v.houses_data, one=v.one)
    said = typical(v, v.fit.dollars_error(loss_now))
    off = f" {hidden} predictions are too far off to fit on the chart." if hidden else ""
    caption = (
        f"Chart: the predicted {v.y_word} of each of the {len(v.prices)} {v.unit} (up, {v.y_unit}) against its actual "
        f"{'sale price' if v.houses_data else v.y_word} (across, {v.y_unit}), after {plural(k, 'epoch')}. On the "
        "dashed line predicted = actual; the closer the dots, the "
        f"better. {said[0].upper() + said[1:]}.{off}"
    )
    drawn["predictions"] = spec, caption
    so_far = losses[:k] + [loss_now]
    epochs = [e for e, value in zip(range(k + 1), so_far) if np.isfinite(value)]
    spec = charts.loss_chart(
        epochs,
        [value for value in so_far if np.isfinite(value)],
        loss_title=f"{v.loss_name} ({v.loss_units})",
        baseline=baseline_loss(v.fit),
        last=v.last,
        target=v.y_word,
    )
    caption = (
        f"Chart: {v.loss_name} after each epoch, from {num(so_far[0])} at the start"
        + (f" to {wording.amount(so_far[-1], v.loss_units)} after {plural(k, 'epoch')}" if k else "")
        + f". The dotted line, {num(baseline_loss(v.fit))}, "
        f"is what always guessing the average {v.y_word} would score: below it, the network has learned something."
    )
    drawn["losses"] = spec, caption
    return drawn


def first_five(v: View, k: int, params) -> str:
    """The first five rows with the network's predictions after k epochs, as HTML that opens on a click."""
    with np.errstate(all="ignore"):
        predicted = v.fit.predict_in_data_units(params)[:5]
    table = [  # rows as dicts, not a DataFrame: pandas takes a millisecond a table, and a run has 501 of them
        {column: num(v) for column, v in zip(v.inputs, v.X_raw[i])}
        | {f"actual {v.y_word}": v.in_y(v.prices[i]), f"predicted after {k:,} epochs": v.in_y(predicted[i])}
        for i in range(min(5, len(v.prices)))
    ]
    summary = escape(f"The first five {v.unit}, in {'dollars' if v.houses_data else 'the data’s own units'}")
    caption = f"The first five {v.unit}: their inputs, their actual {v.y_word} and the network's prediction."
    return f"<details><summary>{summary}</summary>{frames.table(table, caption)}</details>"


def run_frames(v: View, low: int, high: int) -> dict:
    """Epochs low..high of the run as the browser draws them (ui/frames.py), and those outside that Play lands on;
    the others are null (the page caches them per run, presenter mode and stretch, for every session)."""
    glanced = sorted(k for k in {*range(0, v.last + 1, v.stride), v.last} if not low <= k <= high)
    shown = [*range(low, high + 1), *glanced]
    ends = {k: v.run.after(k) for k in shown}
    losses = [v.run.epoch_records(j)[0].loss for j in range(1, v.last + 1)]  # each epoch's start
    now = {k: v.fit.loss(params) for k, params in ends.items()}
    drawn = [pictures(v, k, ends[k], now[k], losses) for k in shown]
    layout = [("diagram", 460, True), ("predictions", echarts.HEIGHT, False), ("losses", echarts.HEIGHT, False)]
    listed, per_frame = frames.charts(drawn, layout)
    # A phone's smaller drawing, by the chart's width.
    (media,) = charts.diagram(ends[low], v.inputs, v.act, v.y_word)["media"]
    narrow = {"width": media["query"]["maxWidth"], "option": media["option"]}
    listed = [chart | {"narrow": narrow} if chart["id"] == "diagram" else chart for chart in listed]
    store, named = frames.sections(
        [{"words": epoch_words(v, k, now[k]), "five": first_five(v, k, ends[k])} for k in shown]
    )

    taken = {k: len(v.run.up_to(k)) for k in shown}
    sheet, rows = frames.ledger_stretch(
        v.run.records, lambda records: ledger_table(v, records), LEDGER_STEPS, taken, (low, high), glanced, GLANCE
    )
    more = "" if v.plain else ledger.BATCH_AND_MEMORY
    table = ledger.table(sheet, "epoch", v.plain, more, rows="Ten rows per {row}, one per parameter.")
    every: list[dict | None] = [None] * (v.last + 1)
    for k, pictured, places in zip(shown, per_frame, named):
        if low <= k <= high:
            note = ledger.note(taken[k], LEDGER_STEPS, v.plain)
        else:  # a glance: its latest few steps, the rest once the learner stops there
            note = ledger.note(taken[k], GLANCE, v.plain, follow=LEDGER_STEPS, unit="epoch")
        every[k] = pictured | {"sections": places, "ledger": rows[k], "note": note}
    return {
        "frames": every,
        "html": store,
        "layout": [
            {"section": "words", "live": True},
            {"charts": ["diagram"]},
            {"charts": ["predictions", "losses"]},
            {"section": "five"},
            "ledger",
        ],
        "charts": listed,
        "ledger": table,
    }


def ledger_table(v: View, records):
    return tables.ledger_frame(records, v.loss_name, v.config.optimizer, extended=not v.plain, rows=v.n_rows)


def explained(v: View, k: int) -> None:
    """Under the view, for the epoch once it settles: where one gradient comes from, and its check."""
    if v.run.records:
        # The step whose gradient is explained: the latest in the ledger, or the first before any step.
        record = v.run.epoch_records(k)[-1] if k else v.run.records[0]
        chain_rule(v, record, k)
        gradient_check(v, record)


def chain_rule(v: View, record, k: int) -> None:
    st.subheader("Where one gradient comes from: the chain rule")
    name = st.selectbox(
        "Parameter",
        network.PARAMETERS,
        key=PARAM,
        help="Pick any of the 10: the formula and its numbers follow.",
    )
    index = network.PARAMETERS.index(name)
    rows = np.asarray(record.rows) if v.batched else slice(None)  # the houses this step's gradient adds up
    n_houses = len(v.fit.y[rows])
    which = f"the {n_houses} {v.unit} of this step's batch" if v.batched else f"the {n_houses} {v.unit}"
    if index in (6, 7):
        path = f"{name} moves the prediction directly (ŷ = w7·h1 + w8·h2), and the prediction moves the loss"
    else:
        node = (index // 3 + 1) if index < 6 else index - 7
        path = (
            f"{name} moves z{node} (the sum inside h{node}), z{node} moves h{node} through the {v.act}, "
            f"h{node} moves the prediction through w{6 + node}, and the prediction moves the loss"
        )
    st.markdown(
        f"The loss feels {name} only through a chain: {path}. The **chain rule** multiplies the rates of change "
        f"along the chain, {v.one} by {v.one}, then adds up over {which}:"
    )
    factors = network.chain_rule(record.current, v.fit.X[rows], v.fit.y[rows], v.act, v.config.loss, name)
    general, first = wording.chain_rule_tex(v.config, name, factors, v.one)
    st.latex(general)
    if index not in (6, 7):
        st.latex(rf"\text{{where }} {wording.ACTIVATION_SLOPE_TEX[v.act]}")
    when = (
        f"epoch {record.epoch}'s numbers (the ledger's *current* column for epoch {record.epoch})"
        if k
        else "the starting values (epoch 1 will use this gradient)"
    )
    with np.errstate(all="ignore"):
        first_price = float(v.fit.predict_in_data_units(record.current)[0])
    described = ", ".join(f"{literal.md(column)} {num(value)}" for column, value in zip(v.inputs, v.X_raw[0]))
    st.markdown(
        f"With {when}: the first {v.one} ({described}) "
        + (f"sold for {money(v.prices[0])}" if v.houses_data else f"has {literal.md(v.y_word)} {num(v.prices[0])}")
        + f", y₁ = {num(v.fit.y[0])} standardized, and the network predicted {v.in_y(first_price)}. Its factors "
        "multiply out to:"
    )
    st.latex(first)
    with np.errstate(all="ignore"):
        total = float(np.sum(np.prod(list(factors.values()), axis=0)))  # the product per house, summed
    st.latex(
        rf"\text{{{'the batch' if v.batched else 'all'} {n_houses} {v.unit}: }} "
        rf"\sum_{{i=1}}^{{{n_houses}}} (\ldots) = {tex(total)}"
    )
    st.markdown(
        f"Add up that product for every {v.one} and you have the gradient: the ledger's **gradient** for {name} "
        f"in epoch {record.epoch} is **{num(record.gradient[index])}**."
    )


def gradient_check(v: View, record) -> None:
    st.subheader("Check: backpropagation is just derivatives")
    gradient = record.gradient
    if v.batched:  # the check is on every row: set it beside backpropagation on every row too
        gradient = network.loss_grad(record.current, v.fit.X, v.fit.y, v.act, v.config.loss)
        st.caption(f"With mini-batches the ledger's gradient is a batch's; this check uses all the {v.unit}.")
    table, worst = wording.gradient_table(v.fit, record.current, gradient)
    st.markdown(
        "Is the chain rule right? Nudge each parameter up and down by 0.000001, run the whole network each "
        "time, and see how much the loss changes: (loss up − loss down) ÷ 0.000002. That **finite difference** "
        "knows nothing about the chain rule."
    )
    st.dataframe(table, hide_index=True, width="stretch")
    if worst is None:
        verdict = "The numbers here are too large to compare: the run is blowing up."
    elif worst >= 1e-4 and max(abs(value) for value in record.current) > 1e6:
        verdict = (
            f"The largest relative error is {num(worst, 2)}, but here the check is what breaks, not backpropagation: "
            f"some parameters are as large as {num(max(abs(value) for value in record.current))}, and a nudge of "
            "0.000001 is lost in the rounding of so large a number, so the finite difference cannot see it."
        )
    elif worst < 1e-4:
        verdict = (
            f"The two agree for all 10 parameters (largest relative error {num(worst, 2)}): backpropagation is "
            '"just derivatives", the chain rule applied node by node.'
        )
    else:
        verdict = (
            f"The largest relative error is {num(worst, 2)}: where a gradient is tiny, or a relu sits right at its "
            'kink, the finite difference is the rough one. Backpropagation is still "just derivatives".'
        )
    st.markdown(
        f"{verdict} It gets all 10 from one pass forward and one pass back; the finite difference needs 20 runs "
        "of the network, which is why real networks, with millions of parameters, use backpropagation."
    )
    st.caption(
        f"Table: for each of the 10 parameters, the gradient at the start of epoch {record.epoch} by "
        "backpropagation and by finite difference, and their relative error |a − b| ÷ max(|a|, |b|)."
    )
