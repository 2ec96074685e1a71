"""The descent's answer beside scikit-learn's and the normal equation's."""

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import line, why_different
from gdcore.lesson import page
from ui import cached, controls, literal, opening, router, state
from ui.fmt import axis_name, difference, num, rows_word, slope_units, y_units

router.ensure_router()

chosen = controls.descent_controls()
state.publish("descent", chosen)
config = opening.affordable(chosen)  # what runs: batches of 1 take many steps
fit = cached.fit(config)
data = cached.houses(config.data, config.x, config.y)

opening.top("check", "descent", budget=(chosen, config, len(data.x)))
st.markdown(
    "For a straight line there is a shortcut: the **normal equation** solves for the bottom of the bowl in "
    "one go, and scikit-learn's `LinearRegression` does the same with a careful solver. If gradient descent "
    f"did its job, all three land on the same line. The settings are the ones from {page('descent')} (sidebar)."
)

descent = fit.in_data_units(fit.run.final)
normal = cached.normal_equation_line(config.data, config.x, config.y)
sklearn = cached.sklearn_line(config.data, config.x, config.y)
loss_name = "SSE" if config.loss == "sse" else "MSE"


def loss(params):
    with np.errstate(over="ignore", invalid="ignore"):  # a blown-up descent's loss is inf: shown in words
        return line.loss(params, data.x, data.y, config.loss)


units = y_units(config.data, config.y)  # dollars for the house prices, "units of weight" for an upload's weight
shown_units = literal.md(units)  # st.table writes its row names as markdown
rows = {
    f"slope ({literal.md(slope_units(config.data, config.x, config.y))})": [descent[0], normal[0], sklearn[0]],
    f"intercept ({shown_units})": [descent[1], normal[1], sklearn[1]],
    f"{loss_name} on all {len(data.x)} {rows_word(config.data)} ({shown_units})²": [
        loss(descent),
        loss(normal),
        loss(sklearn),
    ],
}
table = pd.DataFrame(
    {
        # Ten significant digits: enough to see where the three answers part.
        f"gradient descent, {len(fit.run.records)} epochs": [num(a, 10) for a, _, _ in rows.values()],
        "normal equation": [num(b, 10) for _, b, _ in rows.values()],
        "scikit-learn LinearRegression": [num(c, 10) for _, _, c in rows.values()],
        "descent − scikit-learn": [difference(a, c) for a, _, c in rows.values()],
        "normal equation − scikit-learn": [difference(b, c) for _, b, c in rows.values()],
    },
    index=list(rows),
)
st.table(table)

agrees, sentence = why_different(fit, sklearn)
(st.success if agrees else st.warning)(literal.md(sentence))  # plain text that may name the columns
if config.scale == "standardize":
    x, y = literal.md(config.x), literal.md(config.y)
    st.markdown(
        f"The descent ran on standardized numbers; its slope and intercept were turned back into {shown_units} with "
        f"slope = slope_std × std({y}) ÷ std({x}) and intercept = mean({y}) + std({y}) × intercept_std − slope × "
        f"mean({x})."
    )
st.caption(
    f"The normal equation: solve (AᵀA)·p = Aᵀy for p = (slope, intercept), where A has a column of "
    f"{literal.md(axis_name(config.data, config.x))} and a column of 1s. A difference smaller than a billionth of "
    "the numbers themselves is floating-point rounding, shown as ≈ 0."
)
