"""The sum of squared errors against the slope, its minimum, and the tangent at your slope."""

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import line
from gdcore.lesson import heading, page
from ui import cached, charts, controls, exports, router, state, tables
from ui.fmt import money, num, tex

router.ensure_router()

config = controls.slope_controls()
data = cached.door_to_door()
x, y = data.x, data.y
b, m0 = config.intercept, config.slope

st.title(heading("loss_curve"))
state.show_notes("slope")
st.markdown(
    "Hold the intercept still and try every slope: each gives a line, and each line has a sum of squared "
    "errors. Plot them and you get a **bowl**. The best slope sits at the bottom, where the curve is flat: "
    f"its slope, the **derivative**, is 0. Data: the six door-to-door averages from {page('guess')}."
)

params = (m0, b)
loss0 = line.sse(params, x, y)
derivative = float(line.sse_grad(params, x, y)[0])
m_best = line.best_slope(x, y, b)
loss_best = line.sse((m_best, b), x, y)
half = max(1.6 * abs(m0 - m_best), 0.6 * abs(m_best), 5_000.0)
slopes = np.linspace(m_best - half, m_best + half, 241)  # (241,)
losses = line.loss_along_slope(slopes, b, x, y)

fig = charts.slope_loss_chart(
    slopes,
    losses,
    current=(m0, loss0),
    derivative=derivative,
    best=(m_best, loss_best),
    loss_title="sum of squared errors (dollars²)",
    slope_title="slope (dollars per bedroom)",
)
st.plotly_chart(fig, width="stretch", config=exports.png("loss-against-the-slope"))
direction = "falls" if derivative < 0 else "rises" if derivative > 0 else "is flat"
st.caption(
    f"Chart: SSE against the slope with the intercept held at {money(b)}: a U-shaped curve with its lowest "
    f"point (star) at slope {num(m_best)} and SSE {num(loss_best)}. The dashed tangent touches the curve "
    f"at your slope {num(m0)}, where SSE {direction} as the slope grows (derivative {num(derivative)})."
)

left, right = st.columns(2)
with left:
    st.subheader("Your slope")
    st.metric("SSE at your slope, in dollars²", num(loss0))  # the units in the label: the number fits a phone
    st.metric(
        "Derivative dSSE/dslope",
        num(derivative),
        help="How many dollars² the SSE changes per dollar-per-bedroom of slope, right at your slope.",
    )
    if derivative < 0:
        advice = (
            "negative: the loss goes **down** as the slope goes up, so downhill is to the **right**. "
            "Gradient descent subtracts the derivative, which here means adding: the slope grows."
        )
    elif derivative > 0:
        advice = (
            "positive: the loss goes **up** as the slope goes up, so downhill is to the **left**. "
            "Gradient descent subtracts the derivative: the slope shrinks."
        )
    else:
        advice = "zero: you are at the bottom already."
    st.markdown(f"The derivative is {advice}")
with right:
    st.subheader("The bottom of the bowl")
    st.metric("Best slope for this intercept, in dollars per bedroom", num(m_best))
    st.metric("SSE there (the least possible), in dollars²", num(loss_best))
    sxy, sxx = float(x @ (y - b)), float(x @ x)
    st.markdown("Setting the derivative to zero and solving for the slope:")
    st.latex(
        r"\text{slope} = \frac{\sum x\,(y - b)}{\sum x^2} = "
        rf"\frac{{{tex(sxy)}}}{{{tex(sxx)}}} = {tex(m_best)}"
    )

st.subheader("Where the derivative comes from")
st.markdown(
    "SSE = Σ (y − (slope·x + b))². Differentiate each square with the chain rule: the outside gives "
    "2 × (error), the inside gives −x. So:"
)
e = line.errors(params, x, y)
st.latex(
    r"\frac{d\,\text{SSE}}{d\,\text{slope}} = -2 \sum x \cdot (y - (\text{slope}\cdot x + b)) = "
    rf"-2 \times {tex(float(x @ e), wrap=True)} = {tex(derivative)}"
)
rows = pd.DataFrame({"bedrooms x": x.astype(int), "error y − guess ($)": e, "x × error ($·bedrooms)": x * e})
with st.expander("Check it by hand: the six products x × error"):
    shown = tables.written(rows, dollars=["error y − guess ($)"])
    st.dataframe(shown, hide_index=True, column_config=tables.right_aligned(rows))
    st.markdown(f"Their sum is **{num(float(x @ e))}**; times −2 gives **{num(derivative)}**.")
