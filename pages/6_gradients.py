"""A deep chain of one-node layers, where the chain rule's product vanishes or explodes."""

import streamlit as st

from gdcore import chain
from gdcore.lesson import page
from ui import cached, code, exports, gradients, opening, router
from ui import chain_sections as sections

router.ensure_router()

chosen = gradients.controls()
config = opening.affordable(chosen)  # what runs: batches of 1 take many steps
fit = cached.fit(config)
view = sections.View(config, fit)  # the chain's run as the page tells it
depth, short = view.depth, sections.short  # the number of layers; three significant digits

opening.top("gradients", gradients.PAGE, budget=(chosen, config, len(fit.y)))
st.markdown(
    f"{page('network').capitalize()}'s network had one hidden layer. Deep networks stack many, and then something "
    "odd happens: the "
    "layers near the inputs learn far slower than the ones near the output, or the steps blow up. To see why, "
    f"take the simplest deep network: a **chain** of {depth} layers, one node each. Layer 1 reads a {view.one}'s "
    f"{view.reads}; every later layer reads only the layer before it; the last one gives the {view.said_y}."
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
factors = [
    rf"w_{{\text{{out}}}}\,\text{{act}}'(z_{{{depth}}})",
    rf"w_{{{depth}}}\,\text{{act}}'(z_{{{depth - 1}}})",
]
factors += [r"\cdots"] if depth > 3 else []  # the middle factors, one per layer
factors += [r"w_2\,\text{act}'(z_1)"] if depth > 2 else []
st.latex(
    r"\frac{\partial L}{\partial b_1} = \sum_{\text{"
    + view.unit
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
sections.standardizing(view)
sections.backward_pass(view)
sections.descent(view)

code.show(
    "This is the code that computed every number on this page (from `gdcore.chain`, plain numpy). "
    "The loop in `loss_grad` is the backward pass: one more factor w × act'(z) per layer.",
    [chain.initial_params, chain.forward, chain.loss_grad, chain.per_layer],
)
exports.take_away(gradients.PAGE, chosen, config, fit.run, len(fit.y))
