"""Guess a line through the door-to-door table and measure how wrong it is."""

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import initial_line, line
from gdcore.lesson import heading
from ui import cached, controls, echarts, router, state, tables
from ui.fmt import equation, money, num

router.ensure_router()

config = controls.guess_controls()
data = cached.door_to_door()
x, y = data.x, data.y

st.title(heading("guess"))
state.show_notes("guess")
st.markdown(
    "Can you predict a house's price from how many bedrooms it has? We went door to door through "
    "**546 real house sales** in Windsor, Canada (1987) and wrote down, for each number of bedrooms, "
    "the average sale price. That gives six points, one per bedroom count."
)
table = pd.DataFrame({"bedrooms": x.astype(int), "houses sold": cached.door_to_door_counts(), "average price": y})
st.dataframe(
    tables.written(table, dollars=["average price"]),
    hide_index=True,
    width="content",
    column_config=tables.right_aligned(table),
)

if config.start == "random":
    params = initial_line(config.seed, x, y)
    where = f"drawn at random from seed {config.seed}"
else:
    params = (config.slope, config.intercept)
    where = "typed in"
slope, intercept = params
guess = line.predict(params, x)
errors = line.errors(params, x, y)

st.header("A guess")
st.markdown(
    f"A straight line is a guess: **price = slope × bedrooms + intercept**. This one ({where}) says "
    f"**{equation(slope, intercept)}**. Change it in the sidebar, or pick another seed."
)
line_x = np.array([0.5, 6.5])
worst = int(np.argmax(np.abs(errors)))
caption = (
    f"Chart: the six average prices (circles) against bedrooms, the guessed line, and a dotted segment "
    f"from each average to the line: that segment is the error. The biggest miss is at {int(x[worst])} "
    f"bedroom{'' if x[worst] == 1 else 's'}: actual {money(y[worst])}, guess {money(guess[worst])}."
)
spec = echarts.guess(x, y, guess, line_x, line.predict(params, line_x))
echarts.draw(spec, caption, key="guess")

st.header("How wrong is it? Subtract, square, add up")
st.markdown(
    "1. **Subtract**: error = actual price − guessed price, for each row.\n"
    "2. **Square** each error, so a miss below counts as much as a miss above.\n"
    "3. **Add up** the squares. The total is the **sum of squared errors (SSE)**, the *loss*: "
    "one number that says how wrong the whole line is. Smaller is better; 0 would be perfect."
)
steps = pd.DataFrame(
    {
        "bedrooms": x.astype(int),
        "actual ($)": y,
        "guess ($)": guess,
        "1. error = actual − guess ($)": errors,
        "2. squared error (dollars²)": errors**2,
    }
)
dollars = ["actual ($)", "guess ($)", "1. error = actual − guess ($)"]
st.dataframe(
    tables.written(steps, dollars),
    hide_index=True,
    width="stretch",
    column_config=tables.right_aligned(steps),
)
total = line.sse(params, x, y)
st.metric(  # the units in the label: a 13-character number alone fits a phone's width
    "3. Sum of squared errors (SSE), in dollars²",
    num(total),
    help="Dollars squared, because each error in dollars was multiplied by itself.",
)

st.header("Why square the errors?")
best_slope, best_intercept = line.least_squares(x, y)
silly = (-best_slope, float(y.mean() + best_slope * x.mean()))  # through the middle point, tilted the wrong way
silly_errors = line.errors(silly, x, y)
st.markdown(
    f"Why not just add up the errors? Take this silly line, tilted the wrong way: "
    f"{equation(*silly)}. It passes through the middle of the data "
    f"(the average bedrooms and the average price), so its misses above and below cancel out:"
)
compare = pd.DataFrame(
    {
        "your guess": [errors.sum(), np.abs(errors).sum(), total],
        "the silly line": [silly_errors.sum(), np.abs(silly_errors).sum(), line.sse(silly, x, y)],
    },
    index=["add up the errors ($)", "add up the absolute errors ($)", "add up the squared errors (dollars²)"],
)
# The silly line's signed errors sum to zero up to rounding; show that zero as a clean 0.
compare = compare.mask(compare.abs() < 1e-6, 0.0)
st.table(tables.written(compare))
st.markdown(
    "- **Plain errors** can add up to about $0 for a terrible line: positives cancel negatives.\n"
    "- **Absolute errors** (drop the sign) fix that, but the corner at 0 makes the slope of the loss "
    "jump, which gradient descent dislikes.\n"
    "- **Squared errors** also drop the sign, punish a big miss much more than two small ones, and make a "
    "smooth bowl whose bottom we can find by walking downhill. That bowl is the next page."
)
