"""A ball on a hill. The learning rate, schedules, momentum and local minima, on a loss of one number."""

from dataclasses import replace

import streamlit as st

from gdcore import curve, descend
from gdcore.curve import ball_verdict
from gdcore.experiment import most_steps
from ui import ball, cached, code, controls, opening, present, router, state, stepper, verdicts
from ui.fmt import num

router.ensure_router()

chosen = controls.ball_controls()
# Random drops share the page's work budget: each takes every step of the run.
config = replace(chosen, drops=min(chosen.drops, max(1, most_steps(chosen) // chosen.epochs)))
run = cached.roll(config)
view = ball.View(config, run)  # the roll as the page tells it

stage = opening.top("ball", "ball", view.last, key="ball_step", unit="step", stage=True)
st.markdown(
    "Forget the houses for a moment. Here the loss depends on **one number, w**, so the whole hill fits on one "
    "chart. A ball stands for the guess. At each step it feels how the ground tilts under it (the **slope**, "
    "the derivative of the loss) and rolls the other way:"
)
st.latex(r"w_\text{new} = w - \text{learning rate} \times \text{slope at } w")
st.markdown(
    "The minus sign turns uphill into downhill. **Click anywhere on the curve** to drop the ball there, or type "
    "a start in the sidebar; then press **Next step** or **Play**. On this page one epoch is one step: there are "
    "no rows of data to pass over, only the curve."
)
formula = {
    "bowl": r"\text{slope}(w) = 2(w - 2)",
    "bumpy": r"\text{slope}(w) = \frac{w}{5} + \cos(2w)",
}[config.curve]
st.latex(curve.FORMULAS[config.curve])  # one equation a line, so each fits a phone
st.latex(formula)
if config.curve == "bumpy":
    st.markdown(
        f"This curve has {len(view.bottoms)} valleys. The deepest has its bottom at w = {num(view.deepest, 4)}; the "
        "others are traps: a ball that rolls into one stops there, because at the bottom of any valley the slope is "
        "0 and the step is 0 too."
    )
steps_words = f"{'this step goes' if config.epochs == 1 else f'these {config.epochs} steps go'}"
verdicts.say(ball_verdict(config, run), lead=f"Where {steps_words} at learning rate {config.learning_rate:g}: ")


def drop(place: dict) -> None:
    """A click on the curve: drop the ball where the click was, and start counting steps again."""
    if place.get("chart") == "hill" and 0 <= place["index"] < len(view.grid):
        st.session_state["w0"] = float(view.grid[place["index"]])
        st.session_state["ball_step"] = 0
        st.session_state["ball:dropped"] = True  # the chart is in the stepper's fragment: rerun the page


def show(k: int) -> None:
    """What the page still does itself once the step reaches it: the link (and a drop's rerun)."""
    if st.session_state.pop("ball:dropped", False):
        st.rerun(scope="app")  # a new start changes the whole run, not only the step shown
    state.publish("ball", chosen, step=k or None)


# Every step as the browser draws it (ui/ball.py): built once per run and presenter mode, and shared by every session
# with the same settings (`settings`: the page's config, all they read).
@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool) -> dict:
    return ball.run_frames(view)


SPEEDS = {"slow": 1.5, "normal": 0.8, "fast": 0.3}  # seconds between two steps of Play
speed = st.segmented_control(
    "Play speed", list(SPEEDS), default="normal", key="ball_speed", help="How fast Play rolls the ball."
)
with stage:
    stepper.stepper(
        "ball_step",
        view.last,
        show,
        unit="step",
        tick=SPEEDS.get(speed or "normal", 0.8),
        frames=run_frames(config, present.active()),
        on_pick=drop,
    )

ball.many_drops(view, chosen)

with st.expander("Why the learning rate decides"):
    bend = curve.bend(config.curve, view.deepest)
    st.markdown(
        "Near the bottom of a valley the curve is close to a parabola, and each plain step multiplies the "
        "distance to the bottom by the same factor:"
    )
    st.latex(r"\text{distance}_\text{new} = (1 - \text{learning rate} \times \text{bend}) \times \text{distance}")
    st.markdown(
        f"where the bend is how fast the slope changes (the second derivative): {num(float(bend), 4)} at the deepest "
        f"bottom. A factor between 0 and 1 closes in steadily; close to 1 it **crawls**; between −1 and 0 the ball "
        f"**oscillates** from side to side but settles; below −1 every step lands further away: it **diverges**. "
        f"So the largest rate that settles there is 2 ÷ bend = "
        f"**{num(curve.largest_stable_rate(config.curve, view.deepest), 4)}**, and the fastest is half of it. A "
        "schedule (sidebar, Advanced) lowers the rate as the steps go on, like a car slowing down as it nears its "
        "destination."
    )
code.show(
    "The code that computed every number on this page (from `gdcore`, plain numpy): the hill, its slope, and "
    "the same descent loop as the house pages, here with one parameter, w.",
    [*curve.HILLS[config.curve][:2], curve.roll, *code.training(config), descend],
)
