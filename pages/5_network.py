"""A small neural network (3 inputs, 2 hidden nodes, the price or an upload's y), trained an epoch at a time."""

import streamlit as st

from gdcore import descend, network, network_verdict
from gdcore.lesson import page, pages
from ui import (
    cached,
    code,
    controls,
    exports,
    literal,
    opening,
    predict,
    present,
    router,
    stepper,
    verdicts,
)
from ui import network as net
from ui.network import restarts, stepping

router.ensure_router()

chosen = net.network_controls()
config = opening.affordable(chosen)  # what runs: batches of 1 take many steps
fit = cached.fit(config)
X_raw, prices = cached.house_columns(config.data, config.inputs, config.y)  # (n, 3) and (n,), in the data's own units
view = stepping.View(config, fit, X_raw, prices)  # the run as the page tells it, epoch by epoch
y_word_the = "the price" if view.houses_data else f"**{literal.md(config.y)}**"  # in a sentence written as markdown

budget = (chosen, config, view.n_rows)
stage = opening.top("network", net.PAGE, view.last, budget, key=net.EPOCH, views=net.seed_views, stage=True)
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

restarts.section(view, outcome)

code.show(
    "This is the code that computed every number on this page (from `gdcore`, plain numpy): the network, "
    "its loss, backpropagation, the chain rule's factors, the finite difference, the optimizer's rule and the same "
    f"descent loop as {page('descent')}.",
    [network.forward, network.loss, network.loss_and_grad, network.chain_rule, network.numerical_gradient]
    + [*code.training(config), descend],
)
exports.take_away(net.PAGE, chosen, config, view.run, view.n_rows)
