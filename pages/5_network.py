"""A small neural network (3 inputs, 2 hidden nodes, the price or an upload's y), trained an epoch at a time."""

import math
from html import escape

import numpy as np
import streamlit as st

from gdcore import baseline_loss, descend, experiment, network, network_verdict
from gdcore.experiment import step_work, steps_per_epoch, within_budget
from gdcore.lesson import heading, page, pages
from gdcore.narrate import step_sentence
from ui import (
    cached,
    code,
    controls,
    echarts,
    exports,
    frames,
    literal,
    predict,
    present,
    router,
    state,
    stepper,
    tables,
    updates,
    verdicts,
)
from ui import network as net
from ui.fmt import money, num, on_houses, plural, rows_word, tex, y_units

router.ensure_router()

chosen = net.network_controls()
config = within_budget(chosen, cached.row_count(chosen.data))  # what runs: batches of 1 take many steps
fit = cached.fit(config)
run = fit.run
last = run.epochs
n_rows = len(fit.y)
plain = config.plain(n_rows)
batched = 0 < config.batch_size < n_rows
loss_name = net.loss_name(config)
loss_units = "standardized units²"
inputs = config.inputs
X_raw, prices = cached.house_columns(config.data, inputs, config.y)  # (n, 3) and (n,), in the data's own units
n_houses = len(prices)
act = config.activation
houses_data = on_houses(config.data, config.y)  # the Windsor prices in dollars, or a column of an upload
unit, one = rows_word(config.data), rows_word(config.data, 1)  # "houses" and "house", or "rows" and "row"
y_word, y_unit = ("price" if houses_data else config.y), y_units(config.data, config.y)
in_y = money if houses_data else num  # a y value in the data's units, as text
y_word_the = "the price" if houses_data else f"**{literal.md(config.y)}**"  # in a sentence written as markdown

st.title(heading("network"))
stage = present.stage()  # presenter mode: the stepper and the step go right here
net.seed_views(last)
state.show_notes(net.PAGE)
controls.show_budget(chosen, config, n_rows)
st.markdown(
    f"{pages('guess', 'loss_curve', 'descent', 'check').capitalize()} predicted {y_word_the} from "
    f"{'bedrooms alone' if houses_data else 'one column'}, with a line: "
    "two numbers to learn. Here three "
    f"measurements of each {one} go in, **{literal.md(inputs[0])}**, **{literal.md(inputs[1])}** and "
    f"**{literal.md(inputs[2])}**, and pass "
    f"through two **hidden nodes** before {y_word_the} comes out:"
)
a = net.ACTIVATION_TEX[act]
st.latex(  # one line each, so that a projector or a phone shows all three without scrolling
    rf"\begin{{aligned}} h_1 &= {a}(w_1 x_1 + w_2 x_2 + w_3 x_3 + b_1) \\ h_2 &= {a}(w_4 x_1 + w_5 x_2 + w_6 x_3 + b_2)"
    r" \\ \hat y &= w_7 h_1 + w_8 h_2 \end{aligned}"
)
st.markdown(
    f"That is **10 numbers** to learn: 8 weights (w1 to w8) and 2 biases (b1, b2). Each hidden node adds up "
    f"the inputs, each times its weight, plus its bias, then bends the sum with the **activation** ({act}). "
    f"The inputs and {y_word_the} are **standardized**, (value − mean) ÷ standard deviation, so the network "
    f"works in standard deviations; its predictions are turned back into {literal.md(y_unit)}: "
    f"{literal.md(y_word)} = ŷ × {in_y(fit.y_std)} + {in_y(fit.y_mean)}."
)
st.markdown(
    f"**Why there is no loss curve to look at any more.** On {page('loss_curve')} the loss hung on one number, "
    "the slope, "
    "and made a curve you could see. Here it hangs on 10 numbers at once: a surface in 10 dimensions, which "
    "no chart can draw. Gradient descent never needed the picture. It is the same four steps as on "
    f"{page('descent')}:\n"
    "1. **Random start**: draw the 10 numbers from the seed.\n"
    "2. **Partial derivatives**: for each of the 10, how fast the loss rises as that one grows while the "
    "others stand still. The chain rule gives all 10 in one pass back through the network: that is "
    "**backpropagation**.\n"
    "3. **Step against the gradient**: new = current − learning rate × gradient, for each of the 10.\n"
    "4. **Repeat**, one epoch at a time."
)
advanced = controls.describe_training(config, n_rows)
if advanced:
    st.info(advanced, icon=":material/tune:")
outcome = network_verdict(fit, suggest=net.DEFAULT.learning_rate)
verdicts.say(outcome)
stopped = f" (the run stopped before epoch {fit.run.diverged_at} of {config.epochs})" if fit.run.diverged_at else ""
stride = max(1, math.ceil(last / 100))  # Play shows a long run in about 100 steps


def show(k: int) -> None:
    """What the page still draws itself once the epoch reaches it: the link, and the prediction box. An epoch
    outside the stretch the browser holds brings the stretch around it (the page runs again)."""
    if not low <= k <= high:
        st.rerun(scope="app")
    net.publish(chosen)
    predict.box(
        net.PAGE,
        k,
        last,
        run.records[0].names if run.records else (),
        run.after(k),
        run.after(k + 1) if k < last else None,
        lambda name: arithmetic(k, name),
    )


def arithmetic(k: int, name: str) -> list[str]:
    """The LaTeX of epoch k + 1's last step for one of the 10 parameters, as the page writes it out."""
    latest = run.epoch_records(k + 1)[-1]
    previous = run.records[latest.step - 2] if latest.step > 1 else None
    mine = [
        text
        for text in updates.update_lines(config.optimizer, config.hyper, latest, previous)
        if rf"\text{{{name}}}" in text
    ]
    many = len(run.epoch_records(k + 1)) > 1
    return ([rf"\text{{(the epoch's last step, step {latest.step})}}"] if many else []) + mine


def typical(error: float) -> str:
    """How far off a typical prediction is, in the data's units."""
    if math.isfinite(error):
        return f"a typical prediction is off by {in_y(error)} (the root mean squared error, in {y_unit})"
    return "the predictions are off by more than any number can hold"


def words(k: int, loss_now: float) -> str:
    """The epoch's sentences as HTML, with its last step written out for all 10 parameters (k = 0: the start)."""
    said = literal.md(typical(fit.dollars_error(loss_now)))
    if k == 0:
        return frames.html(
            f"**Epoch 0 of {last:,}{stopped}: the random start.** {loss_name}: {net.amount(loss_now, loss_units)}; "
            f"{said}. Press **Next epoch** to take the first step."
        )
    latest = run.epoch_records(k)[-1]
    text = frames.html(
        f"**Epoch {k:,} of {last:,}{stopped}.** After this step the {loss_name} is "
        f"{net.amount(loss_now, loss_units)} (it was {num(run.epoch_records(k)[0].loss)} before it); {said}."
    )
    label = f"Epoch {k:,}" if plain else f"Epoch {k:,}, step {latest.step:,}"
    text += frames.html(step_sentence(latest, label, num, config.optimizer, most=3))
    if not plain:
        rules = list(updates.RULES_TEX[config.optimizer]) if config.optimizer != "gd" else []
        previous = run.records[latest.step - 2] if latest.step > 1 else None
        lines = [*rules, *updates.update_lines(config.optimizer, config.hyper, latest, previous)]
        summary = escape(f"This epoch's last step (step {latest.step}), written out for all 10 parameters")
        text += f"<details><summary>{summary}</summary>{''.join(frames.tex(line) for line in lines)}</details>"
    if run.diverged_at is not None and k == last:
        text += frames.alert(
            f"The run stops here: at epoch {run.diverged_at} {run.reason}. The learning rate "
            f"{config.learning_rate:g} is too large; try {net.DEFAULT.learning_rate:g}."
        )
    return text


def pictures(k: int, params, loss_now: float, losses: list[float]) -> dict[str, tuple[dict, str]]:
    """Each chart's option and caption after k epochs: the network, its predictions, the loss so far.
    `losses`: the loss at the start of each epoch of the run (each epoch's first record)."""
    drawn = {}
    diagram = net.diagram(params, inputs, act, y_word)
    drawn["diagram"] = diagram["baseOption"], net.diagram_text(params, inputs, act, y_word)
    with np.errstate(all="ignore"):
        predicted = fit.predict_in_data_units(params)  # (n,) dollars, or the units of an upload's y
    spec, hidden = net.prediction_chart(prices, predicted, y_word, y_unit, money=houses_data, one=one)
    said = typical(fit.dollars_error(loss_now))
    off = f" {hidden} predictions are too far off to fit on the chart." if hidden else ""
    caption = (
        f"Chart: the predicted {y_word} of each of the {n_houses} {unit} (up, {y_unit}) against its actual "
        f"{'sale price' if houses_data else y_word} (across, {y_unit}), after {plural(k, 'epoch')}. On the dashed "
        "line predicted = actual; the closer the dots, the "
        f"better. {said[0].upper() + said[1:]}.{off}"
    )
    drawn["predictions"] = spec, caption
    so_far = losses[:k] + [loss_now]
    epochs = [e for e, value in zip(range(k + 1), so_far) if np.isfinite(value)]
    spec = net.loss_chart(
        epochs,
        [value for value in so_far if np.isfinite(value)],
        loss_title=f"{loss_name} ({loss_units})",
        baseline=baseline_loss(fit),
        last=last,
        target=y_word,
    )
    caption = (
        f"Chart: {loss_name} after each epoch, from {num(so_far[0])} at the start"
        + (f" to {net.amount(so_far[-1], loss_units)} after {plural(k, 'epoch')}" if k else "")
        + f". The dotted line, {num(baseline_loss(fit))}, "
        f"is what always guessing the average {y_word} would score: below it, the network has learned something."
    )
    drawn["losses"] = spec, caption
    return drawn


def first_five(k: int, params) -> str:
    """The first five rows with the network's predictions after k epochs, as HTML that opens on a click."""
    with np.errstate(all="ignore"):
        predicted = fit.predict_in_data_units(params)[:5]
    table = [  # rows as dicts, not a DataFrame: pandas takes a millisecond a table, and a run has 501 of them
        {column: num(v) for column, v in zip(inputs, X_raw[i])}
        | {f"actual {y_word}": in_y(prices[i]), f"predicted after {k:,} epochs": in_y(predicted[i])}
        for i in range(min(5, len(prices)))
    ]
    summary = escape(f"The first five {unit}, in {'dollars' if houses_data else 'the data’s own units'}")
    caption = f"The first five {unit}: their inputs, their actual {y_word} and the network's prediction."
    return f"<details><summary>{summary}</summary>{frames.table(table, caption)}</details>"


# A long run (up to 5,000 epochs) sends the frames of a stretch of REACH epochs around the one shown, and of the
# epochs Play lands on (a glance: the ledger's latest GLANCE steps); the others are null, and the browser asks the
# page for the stretch around an epoch once it stops there (ui/stepper.js). The default 500 epochs go whole.
REACH = 500
GLANCE = 5
STRETCH = f"{net.PAGE}:stretch"  # the session key of the stretch the browser holds: (config, first, last)


@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool, low: int, high: int) -> dict:
    """Epochs low..high of the run as the browser draws them (ui/frames.py), and those outside that Play lands on;
    the others are null. Built once per run, presenter mode and stretch, shared by every session with the same
    settings. `settings` is the page's config: all the page reads."""
    glanced = sorted(k for k in {*range(0, last + 1, stride), last} if not low <= k <= high)
    shown = [*range(low, high + 1), *glanced]
    ends = {k: run.after(k) for k in shown}
    losses = [run.epoch_records(j)[0].loss for j in range(1, last + 1)]  # each epoch's start
    now = {k: fit.loss(params) for k, params in ends.items()}
    drawn = [pictures(k, ends[k], now[k], losses) for k in shown]
    layout = [("diagram", 460, True), ("predictions", echarts.HEIGHT, False), ("losses", echarts.HEIGHT, False)]
    listed, per_frame = frames.charts(drawn, layout)
    (media,) = net.diagram(ends[low], inputs, act, y_word)["media"]  # a phone's smaller drawing, by the chart's width
    narrow = {"width": media["query"]["maxWidth"], "option": media["option"]}
    listed = [chart | {"narrow": narrow} if chart["id"] == "diagram" else chart for chart in listed]
    store, named = frames.sections([{"words": words(k, now[k]), "five": first_five(k, ends[k])} for k in shown])

    taken = {k: len(run.up_to(k)) for k in shown}
    table, rows = frames.ledger_stretch(
        run.records, ledger_table, net.LEDGER_STEPS, taken, (low, high), glanced, GLANCE
    )
    what = "epochs" if plain else "steps"
    if plain:
        intro = (
            "Ten rows per epoch, one per parameter. Check any row: **new = current − learning rate × gradient**, "
            "and the next epoch starts from that new value. The latest epoch is at the top, marked ▶."
        )
    else:
        intro = (
            "Ten rows per step, one per parameter. Check any row: **new = current − update**, with the update from "
            "the optimizer's rule; then the batch's rows and what the optimizer remembers. The latest step is at "
            "the top, marked ▶."
        )
    table |= {
        "title": "The ledger",
        "intro": frames.html(intro),
        "empty": frames.html("No epochs yet: the ledger fills in as you press Next epoch."),
    }
    every: list[dict | None] = [None] * (last + 1)
    for k, pictured, places in zip(shown, per_frame, named):
        keep = net.LEDGER_STEPS if low <= k <= high else GLANCE
        more = f"Showing the latest {keep} of the {taken[k]:,} {what} taken." if taken[k] > keep else ""
        if keep == GLANCE and taken[k] > keep:
            more += f" The latest {net.LEDGER_STEPS} follow once you stop at this epoch."
        every[k] = pictured | {"sections": places, "ledger": rows[k], "note": frames.html(more) if more else ""}
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


def ledger_table(records):
    return tables.ledger_frame(records, loss_name, config.optimizer, extended=not plain, rows=n_rows)


def explained(k: int) -> None:
    """Under the view, for the epoch once it settles: where one gradient comes from, and its check."""
    if run.records:
        # The step whose gradient is explained: the latest in the ledger, or the first before any step.
        record = run.epoch_records(k)[-1] if k else run.records[0]
        chain_rule(record, k)
        gradient_check(record)


def chain_rule(record, k: int) -> None:
    st.subheader("Where one gradient comes from: the chain rule")
    name = st.selectbox(
        "Parameter",
        network.PARAMETERS,
        key=net.PARAM,
        help="Pick any of the 10: the formula and its numbers follow.",
    )
    index = network.PARAMETERS.index(name)
    rows = np.asarray(record.rows) if batched else slice(None)  # the houses this step's gradient adds up
    n_houses = len(fit.y[rows])
    which = f"the {n_houses} {unit} of this step's batch" if batched else f"the {n_houses} {unit}"
    if index in (6, 7):
        path = f"{name} moves the prediction directly (ŷ = w7·h1 + w8·h2), and the prediction moves the loss"
    else:
        node = (index // 3 + 1) if index < 6 else index - 7
        path = (
            f"{name} moves z{node} (the sum inside h{node}), z{node} moves h{node} through the {act}, "
            f"h{node} moves the prediction through w{6 + node}, and the prediction moves the loss"
        )
    st.markdown(
        f"The loss feels {name} only through a chain: {path}. The **chain rule** multiplies the rates of change "
        f"along the chain, {one} by {one}, then adds up over {which}:"
    )
    factors = network.chain_rule(record.current, fit.X[rows], fit.y[rows], act, config.loss, name)
    general, first = net.chain_rule_tex(config, name, factors, one)
    st.latex(general)
    if index not in (6, 7):
        st.latex(rf"\text{{where }} {net.ACTIVATION_SLOPE_TEX[act]}")
    when = (
        f"epoch {record.epoch}'s numbers (the ledger's *current* column for epoch {record.epoch})"
        if k
        else "the starting values (epoch 1 will use this gradient)"
    )
    with np.errstate(all="ignore"):
        first_price = float(fit.predict_in_data_units(record.current)[0])
    described = ", ".join(f"{literal.md(column)} {num(value)}" for column, value in zip(inputs, X_raw[0]))
    st.markdown(
        f"With {when}: the first {one} ({described}) "
        + (f"sold for {money(prices[0])}" if houses_data else f"has {literal.md(y_word)} {num(prices[0])}")
        + f", y₁ = {num(fit.y[0])} standardized, and the network predicted {in_y(first_price)}. Its factors multiply "
        "out to:"
    )
    st.latex(first)
    with np.errstate(all="ignore"):
        total = float(np.sum(np.prod(list(factors.values()), axis=0)))  # the product per house, summed
    st.latex(
        rf"\text{{{'the batch' if batched else 'all'} {n_houses} {unit}: }} "
        rf"\sum_{{i=1}}^{{{n_houses}}} (\ldots) = {tex(total)}"
    )
    st.markdown(
        f"Add up that product for every {one} and you have the gradient: the ledger's **gradient** for {name} "
        f"in epoch {record.epoch} is **{num(record.gradient[index])}**."
    )


def gradient_check(record) -> None:
    st.subheader("Check: backpropagation is just derivatives")
    gradient = record.gradient
    if batched:  # the check is on every row: set it beside backpropagation on every row too
        gradient = network.loss_grad(record.current, fit.X, fit.y, act, config.loss)
        st.caption(f"With mini-batches the ledger's gradient is a batch's; this check uses all the {unit}.")
    table, worst = net.gradient_table(fit, record.current, gradient)
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


low, high = stepper.stretch(STRETCH, config, st.session_state[net.EPOCH], last, REACH)
with stage:
    stepper.stepper(
        net.EPOCH, last, show, stride=stride, frames=run_frames(config, present.active(), low, high), below=explained
    )

st.subheader("Random restarts: does the start matter?")
st.markdown(
    "A line's loss is a bowl with one bottom, so any start rolls to the same answer. A network's loss can have "
    "several valleys. Gradient descent only ever walks downhill from where it starts, so different seeds can "
    "end in different places. Train the same network from several seeds and see where each run ends:"
)
n = st.slider(
    "Number of runs (seeds 0 to N − 1)",
    1,
    net.MAX_RESTARTS,
    key=net.RESTARTS,
    help="Each run uses the settings in the sidebar, with its own seed.",
)
run_steps = config.epochs * steps_per_epoch(config, n_rows)  # steps in one run
if n * run_steps * step_work(config) > experiment.RESTART_BUDGET:  # fewer seeds, rather than a busy server
    wanted, n = n, max(1, experiment.RESTART_BUDGET // (run_steps * step_work(config)))
    st.info(
        f"Each run takes {run_steps:,} steps with these batches, so {wanted} runs would take {wanted * run_steps:,}. "
        f"To keep the page quick, only seeds 0 to {n - 1} are trained ({n} run{'' if n == 1 else 's'}). A larger "
        "batch, or fewer epochs, allows more runs.",
        icon=":material/timer:",
    )
with st.spinner(f"Training {n} networks, {net.epochs(config.epochs)} each..."):
    results = cached.restarts(config, n)
finished = [(seed, value) for seed, value in results if math.isfinite(value)]
blown = len(results) - len(finished)
if not finished:
    st.error(
        f"All {n} runs diverged at learning rate {config.learning_rate:g}: the numbers grew too large to store. "
        f"Try a smaller learning rate, such as {net.DEFAULT.learning_rate:g}."
    )
else:
    best_seed, best = min(finished, key=lambda result: result[1])
    worst = max(value for _, value in finished)
    mine = dict(finished).get(config.seed)
    fig = net.restarts_chart(
        [value for _, value in finished],
        loss_title=f"final {loss_name} after {net.epochs(config.epochs)} ({loss_units})",
        mine=mine,
        best=best,
    )
    st.plotly_chart(fig, width="stretch", key="net_restarts_chart", config=exports.png("network-restarts"))
    yours = (
        f"this page's run (seed {config.seed}) ended at {num(mine)}"
        if mine is not None
        else f"this page's seed, {config.seed}, is not among them"
    )
    st.caption(
        f"Chart: a histogram of the final {loss_name} of {len(finished)} runs (seeds 0 to {n - 1}), across in "
        f"{loss_units}, up the number of runs ending there. Best: seed {best_seed} at {num(best)} (dashed line); "
        f"worst: {num(worst)}; {yours} (dotted line)."
    )
    dollars = in_y(fit.dollars_error(best))
    st.markdown(f"**Best of {n}: seed {best_seed}**, {loss_name} {num(best)}, a typical error of {dollars}.")

    def use_best() -> None:
        st.session_state.seed = best_seed

    if best_seed != config.seed:
        st.button(f"Show the run from seed {best_seed}", on_click=use_best, icon=":material/trophy:")
    if outcome.kind == "crawling":
        st.markdown(
            f"At learning rate {config.learning_rate:g} the runs barely moved in {net.epochs(config.epochs)}, so these "
            "losses are mostly where they started, not where they would settle. Raise the learning rate to see "
            "whether different starts end in different valleys."
        )
    elif worst - best > 0.01 * best:
        st.markdown(
            f"The runs did not all end in the same place: from {num(best)} to {num(worst)}. A run can settle in a "
            "valley that is not the deepest (a **local minimum**: uphill in every direction from where it "
            "stands), or still be crossing a flat stretch when the epochs run out. Nothing in the gradient tells "
            "it that a deeper valley exists somewhere else. The everyday answer is this chart: start from several "
            f"seeds and keep the best, here seed {best_seed}."
        )
    else:
        st.markdown(
            f"All {len(finished)} runs ended at about the same {loss_name} ({num(best)} to {num(worst)}): from "
            "these starts they found valleys equally deep. With another activation, other inputs or fewer epochs "
            "they may part, and then the best of several starts is the answer to local minima."
        )
if blown and finished:
    st.warning(f"{blown} of the {n} runs diverged (their numbers grew too large to store); the chart leaves them out.")

code.show(
    "This is the code that computed every number on this page (from `gdcore`, plain numpy): the network, "
    "its loss, backpropagation, the chain rule's factors, the finite difference, the optimizer's rule and the same "
    f"descent loop as {page('descent')}.",
    [network.forward, network.loss, network.loss_and_grad, network.chain_rule, network.numerical_gradient]
    + [*code.training(config), descend],
)
exports.take_away(net.PAGE, chosen, config, run, n_rows)
