"""A small neural network (3 inputs, 2 hidden nodes, the price or an upload's y), trained an epoch at a time."""

import math

import streamlit as st

from gdcore import descend, experiment, network, network_verdict
from gdcore.experiment import step_work, steps_per_epoch, within_budget
from gdcore.lesson import heading, page, pages
from ui import (
    cached,
    code,
    controls,
    exports,
    literal,
    predict,
    present,
    router,
    state,
    stepper,
    verdicts,
)
from ui import network as net
from ui.fmt import num
from ui.network import stepping

router.ensure_router()

chosen = net.network_controls()
config = within_budget(chosen, cached.row_count(chosen.data))  # what runs: batches of 1 take many steps
fit = cached.fit(config)
X_raw, prices = cached.house_columns(config.data, config.inputs, config.y)  # (n, 3) and (n,), in the data's own units
view = stepping.View(config, fit, X_raw, prices)  # the run as the page tells it, epoch by epoch
y_word_the = "the price" if view.houses_data else f"**{literal.md(config.y)}**"  # in a sentence written as markdown

st.title(heading("network"))
stage = present.stage()  # presenter mode: the stepper and the step go right here
net.seed_views(view.last)
state.show_notes(net.PAGE)
controls.show_budget(chosen, config, view.n_rows)
st.markdown(
    f"{pages('guess', 'loss_curve', 'descent', 'check').capitalize()} predicted {y_word_the} from "
    f"{'bedrooms alone' if view.houses_data else 'one column'}, with a line: "
    "two numbers to learn. Here three "
    f"measurements of each {view.one} go in, **{literal.md(view.inputs[0])}**, **{literal.md(view.inputs[1])}** and "
    f"**{literal.md(view.inputs[2])}**, and pass "
    f"through two **hidden nodes** before {y_word_the} comes out:"
)
a = net.ACTIVATION_TEX[view.act]
st.latex(  # one line each, so that a projector or a phone shows all three without scrolling
    rf"\begin{{aligned}} h_1 &= {a}(w_1 x_1 + w_2 x_2 + w_3 x_3 + b_1) \\ h_2 &= {a}(w_4 x_1 + w_5 x_2 + w_6 x_3 + b_2)"
    r" \\ \hat y &= w_7 h_1 + w_8 h_2 \end{aligned}"
)
st.markdown(
    f"That is **10 numbers** to learn: 8 weights (w1 to w8) and 2 biases (b1, b2). Each hidden node adds up "
    f"the inputs, each times its weight, plus its bias, then bends the sum with the **activation** ({view.act}). "
    f"The inputs and {y_word_the} are **standardized**, (value − mean) ÷ standard deviation, so the network "
    f"works in standard deviations; its predictions are turned back into {literal.md(view.y_unit)}: "
    f"{literal.md(view.y_word)} = ŷ × {view.in_y(fit.y_std)} + {view.in_y(fit.y_mean)}."
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
advanced = controls.describe_training(config, view.n_rows)
if advanced:
    st.info(advanced, icon=":material/tune:")
outcome = network_verdict(fit, suggest=net.DEFAULT.learning_rate)
verdicts.say(outcome)


def show(k: int) -> None:
    """What the page still draws itself once the epoch reaches it: the link, and the prediction box. An epoch
    outside the stretch the browser holds brings the stretch around it (the page runs again)."""
    if not low <= k <= high:
        st.rerun(scope="app")
    net.publish(chosen)
    predict.box(
        net.PAGE,
        k,
        view.last,
        view.run.records[0].names if view.run.records else (),
        view.run.after(k),
        view.run.after(k + 1) if k < view.last else None,
        lambda name: stepping.arithmetic(view, k, name),
    )


# The frames of epochs low..high and of those Play lands on (ui/network/stepping.py): built once per run, presenter mode
# and stretch, and shared by every session with the same settings (`settings`: the page's config, all it reads).
@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool, low: int, high: int) -> dict:
    return stepping.run_frames(view, low, high)


low, high = stepper.stretch(stepping.STRETCH, config, st.session_state[net.EPOCH], view.last, stepping.REACH)
with stage:
    stepper.stepper(
        net.EPOCH,
        view.last,
        show,
        stride=view.stride,
        frames=run_frames(config, present.active(), low, high),
        below=lambda k: stepping.explained(view, k),
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
run_steps = config.epochs * steps_per_epoch(config, view.n_rows)  # steps in one run
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
        loss_title=f"final {view.loss_name} after {net.epochs(config.epochs)} ({view.loss_units})",
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
        f"Chart: a histogram of the final {view.loss_name} of {len(finished)} runs (seeds 0 to {n - 1}), across in "
        f"{view.loss_units}, up the number of runs ending there. Best: seed {best_seed} at {num(best)} (dashed line); "
        f"worst: {num(worst)}; {yours} (dotted line)."
    )
    dollars = view.in_y(fit.dollars_error(best))
    st.markdown(f"**Best of {n}: seed {best_seed}**, {view.loss_name} {num(best)}, a typical error of {dollars}.")

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
            f"All {len(finished)} runs ended at about the same {view.loss_name} ({num(best)} to {num(worst)}): from "
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
exports.take_away(net.PAGE, chosen, config, view.run, view.n_rows)
