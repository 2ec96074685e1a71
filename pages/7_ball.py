"""A ball on a hill. The learning rate, schedules, momentum and local minima, on a loss of one number."""

import functools
from dataclasses import replace
from html import escape

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import curve, descend
from gdcore.experiment import most_steps
from gdcore.lesson import heading
from gdcore.narrate import ball_verdict
from ui import cached, code, controls, echarts, frames, hill, present, router, state, stepper, updates, verdicts
from ui.fmt import num, plural

router.ensure_router()

chosen = controls.ball_controls()
# Random drops share the page's work budget: each takes every step of the run.
config = replace(chosen, drops=min(chosen.drops, max(1, most_steps(chosen) // chosen.epochs)))
run = cached.roll(config)
last = len(run.records)
ws = curve.path(run)  # where the ball was: the start, then after each step
bottoms, _ = curve.turning_points(config.curve)
deepest = curve.bottom(config.curve)

st.title(heading("ball"))
stage = present.stage()  # presenter mode: the stepper and the step go right here
state.seed_epoch("ball", last, key="ball_step", unit="step")
state.show_notes("ball")
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
        f"This curve has {len(bottoms)} valleys. The deepest has its bottom at w = {num(deepest, 4)}; the others "
        "are traps: a ball that rolls into one stops there, because at the bottom of any valley the slope is 0 and "
        "the step is 0 too."
    )
steps_words = f"{'this step goes' if config.epochs == 1 else f'these {config.epochs} steps go'}"
verdicts.say(ball_verdict(config, run), lead=f"Where {steps_words} at learning rate {config.learning_rate:g}: ")

RATES = {"first": config.small, "second": config.right, "third": config.large}


low, high = hill.view(ws)
GRID = np.round(np.arange(max(low, -20.0), min(high, 20.0) + 1e-9, 0.05), 2)  # (m,) where a click drops the ball


def drop(place: dict) -> None:
    """A click on the curve: drop the ball where the click was, and start counting steps again."""
    if place.get("chart") == "hill" and 0 <= place["index"] < len(GRID):
        st.session_state["w0"] = float(GRID[place["index"]])
        st.session_state["ball_step"] = 0
        st.session_state["ball:dropped"] = True  # the chart is in the stepper's fragment: rerun the page


def show(k: int) -> None:
    """What the page still does itself once the step reaches it: the link (and a drop's rerun)."""
    if st.session_state.pop("ball:dropped", False):
        st.rerun(scope="app")  # a new start changes the whole run, not only the step shown
    state.publish("ball", chosen, step=k or None)


def words(k: int) -> str:
    """The step's sentences and its equations, as HTML (k = 0: where the ball is dropped)."""
    if k == 0:
        slope = float(curve.slope(config.curve, ws[0]))
        return frames.html(
            f"**Step 0 of {last}: the ball sits at w = {num(ws[0])}**, where the loss is "
            f"{num(float(curve.loss(config.curve, ws[0])))} and the slope is {num(slope)}. Press **Next step** to "
            "let it roll."
        )
    record = run.records[k - 1]
    scheduled = config.schedule != "constant" or config.warmup
    rate = " (this step's rate, from the schedule)" if scheduled else ""
    text = frames.html(
        f"**Step {k} of {last}.** The ball was at w = {num(record.current[0])}, where the loss is "
        f"{num(record.loss)} and the slope is {num(record.gradient[0])}. It moves against the slope, "
        f"with learning rate {num(record.learning_rate)}{rate}:"
    )
    rules = []
    if config.optimizer != "gd":
        rules = [
            r.replace(r"\text{current}", "w").replace(r"\text{new}", r"w_\text{new}")
            for r in updates.RULES_TEX[config.optimizer]
        ]
    lines = updates.update_lines(config.optimizer, config.hyper, record, run.records[k - 2] if k > 1 else None)
    return text + "".join(frames.tex(line) for line in [*rules, *lines])


def pictures(k: int, losses: list[float], rates: list[float]) -> dict[str, tuple[dict, str]]:
    """Each chart's option and caption after k steps: the hill with the ball, the loss and rate, the race."""
    spec = hill.hill(config.curve, ws[: k + 1], clickable=GRID, span=(low, high))
    left = "" if low <= ws[k] <= high else " The ball has left the chart."
    caption = (
        f"Chart: the loss against w ({'one valley' if config.curve == 'bowl' else 'four valleys'}), the "
        f"start at w = {num(ws[0])} (triangle), the ball's {plural(k, 'step')} joined in order, and the ball now at "
        f"w = {num(ws[k])} (large circle).{left} Click the curve to drop the ball somewhere else."
    )
    drawn = {"hill": (spec, caption)}
    caption = (
        f"Chart: the loss after each step (top), from {num(losses[0])} at the start to {num(losses[-1])} after "
        f"{last} steps, and the learning rate of each step (bottom), "
        + (f"{num(rates[0])} every step" if len(set(rates)) == 1 else f"from {num(rates[0])} to {num(rates[-1])}")
        + f"; step {k} is marked ◆."
    )
    drawn["losses"] = hill.loss_and_rate(losses, rates, now=k, last=config.epochs), caption
    paths, gone = {}, []
    for lr, path in racers():
        now = min(k, len(path) - 1)
        paths[f"rate {lr:g}"] = path[: now + 1]
        if not curve.LOW <= path[now] <= curve.HIGH:
            gone.append(f"{lr:g}")
    off = f" The ball at rate {' and '.join(gone)} is off the chart." if gone else ""
    caption = (
        f"Chart: three balls dropped at w = {num(config.start)}, one per learning rate ({', '.join(paths)}), each "
        f"with a colour, a marker shape and a line style, after {plural(k, 'step')}.{off}"
    )
    drawn["race"] = hill.race(config.curve, paths), caption
    return drawn


@functools.cache
def racers() -> list[tuple[float, list[float]]]:
    """The three learning rates of the race and where each ball was: the start, then after each step."""
    return [(lr, curve.path(cached.roll(config, lr))) for lr in RATES.values()]


@functools.cache
def verdicts() -> list[tuple]:
    """Each racer's name, learning rate, path, what its ball does and the steps it takes to the bottom: the same at
    every step of the scoreboard."""
    found = []
    for (which, lr), (_, path) in zip(RATES.items(), racers()):
        run = cached.roll(config, lr)
        outcome = ball_verdict(replace(config, learning_rate=lr), run)
        found.append((which, lr, path, outcome, curve.steps_to_bottom(run, config.curve, config.tolerance)))
    return found


def scoreboard(k: int) -> str:
    """The race's scoreboard after k steps, as HTML."""
    board = []
    for which, lr, path, outcome, arrived in verdicts():
        now = min(k, len(path) - 1)
        board.append(
            {
                "learning rate": f"{lr:g} ({which})",
                "what the ball does": outcome.kind,
                f"steps to within {config.tolerance:g} of the bottom": "never" if arrived is None else str(arrived),
                f"w after {plural(k, 'step')}": num(path[now]) + ("" if now == k else f" (it stopped at step {now})"),
                f"loss after {plural(k, 'step')}": num(float(curve.loss(config.curve, path[now]))),
            }
        )
    never = (
        f"“never”: not within {config.tolerance:g} of the lowest point (w = {num(deepest, 4)}) at the end of the "
        f"{config.epochs} steps."
    )
    caption = f"The scoreboard after {plural(k, 'step')}: each learning rate's ball, what it does and where it is."
    return frames.table(board, caption, names=("learning rate", "what the ball does")) + (
        f'<p class="note">{escape(never)}</p>'
    )


@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool) -> dict:
    """Every step of the roll as the browser draws it (ui/frames.py): built once per run and presenter mode,
    shared by every session with the same settings. `settings` is the page's config: all the page reads."""
    losses = [float(curve.loss(config.curve, w)) for w in ws]
    rates = [config.rate(t) for t in range(1, config.epochs + 1)]
    drawn = [pictures(k, losses, rates) for k in range(last + 1)]
    layout = [("hill", echarts.HEIGHT, True, {"pick": hill.DROP}), ("losses", 420, True)]
    layout += [("race", echarts.HEIGHT, True)]
    listed, per_frame = frames.charts(drawn, layout)
    store, shown = frames.sections([{"words": words(k), "board": scoreboard(k)} for k in range(last + 1)])
    three = frames.heading("Three learning rates, one hill") + frames.html(
        f"The same ball, dropped at w = {num(config.start)}, with three learning rates (set them in the sidebar). "
        f"The scoreboard counts the steps until the ball stays within {config.tolerance:g} of the lowest point "
        "of the curve."
    )
    return {
        "frames": [pictured | {"sections": named} for pictured, named in zip(per_frame, shown)],
        "html": store,
        "layout": [
            {"section": "words", "live": True},
            {"charts": ["hill", "losses"]},
            {"static": three},
            {"charts": ["race"]},
            {"section": "board"},
        ],
        "charts": listed,
        "ledger": None,
    }


SPEEDS = {"slow": 1.5, "normal": 0.8, "fast": 0.3}  # seconds between two steps of Play
speed = st.segmented_control(
    "Play speed", list(SPEEDS), default="normal", key="ball_speed", help="How fast Play rolls the ball."
)
with stage:
    stepper.stepper(
        "ball_step",
        last,
        show,
        unit="step",
        tick=SPEEDS.get(speed or "normal", 0.8),
        frames=run_frames(config, present.active()),
        on_pick=drop,
    )

st.subheader("Many drops: local minima")
if config.curve == "bowl":
    st.markdown(
        "A bowl has one valley, so every ball ends at the same bottom, wherever it is dropped. Switch the curve to "
        "**bumpy** in the sidebar to see balls get trapped in valleys that are not the deepest."
    )
else:
    results = cached.drops(config)
    found = sum(d.valley == bottoms.index(deepest) for d in results)
    best = min(results, key=lambda d: d.loss if np.isfinite(d.loss) else np.inf)
    if config.drops < chosen.drops:
        st.warning(
            f"{chosen.drops} drops of {config.epochs} steps each are more work than a page may take at once; "
            f"showing the first {config.drops}. Fewer steps allow more drops.",
            icon=":material/timer:",
        )
    st.markdown(
        f"{config.drops} balls dropped at random places (from seed {config.seed}), each rolling {config.epochs} "
        f"steps with the settings above. **{found} of {config.drops} found the deepest valley.** The best of the "
        f"{config.drops}: loss {num(best.loss)} at w = {num(best.end)}. That is the point of random restarts: one "
        "drop can get trapped, but the best of many usually does not."
    )
    caption = (
        f"Chart: the bumpy curve, where each of the {config.drops} drops started (grey pins) and where it ended, "
        "with a colour and a marker shape for each valley."
    )
    spec = hill.drops(config.curve, [d.start for d in results], [d.end for d in results], [d.valley for d in results])
    echarts.draw(spec, caption, key="ball:drops")
    table = []
    for index, w in enumerate(bottoms):
        ended = sum(d.valley == index for d in results)
        table.append(
            {
                "valley": f"{index + 1} ({hill.VALLEYS[index % len(hill.VALLEYS)][1]})",
                "its bottom at w": num(w, 4),
                "loss at the bottom": num(float(curve.loss(config.curve, w)), 4),
                "drops that ended here": ended,
                "deepest?": "yes, the deepest" if w == deepest else "no",
            }
        )
    away = sum(d.valley is None for d in results)
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")
    if away:
        st.caption(f"{away} drop{'s' if away > 1 else ''} left the hill or blew up, so they ended in no valley.")
    if config.optimizer == "gd":
        st.markdown(
            "A ball with **momentum** keeps some of its speed from step to step, so it can roll through a shallow "
            "dip instead of stopping in it (the valley at w ≈ 4.84 is barely a dent). Give it a try:"
        )
        st.button(
            "Roll with momentum (μ = 0.9)",
            on_click=lambda: st.session_state.update(opt="momentum", mu=0.9, ball_step=0),
            icon=":material/sports_baseball:",
            help="Sets the optimizer to momentum in the sidebar's Advanced section: v = μ·v + slope, w_new = w − lr·v.",
        )

with st.expander("Why the learning rate decides"):
    bend = curve.bend(config.curve, deepest)
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
        f"**{num(curve.largest_stable_rate(config.curve, deepest), 4)}**, and the fastest is half of it. A schedule "
        "(sidebar, Advanced) lowers the rate as the steps go on, like a car slowing down as it nears its destination."
    )
code.show(
    "The code that computed every number on this page (from `gdcore`, plain numpy): the hill, its slope, and "
    "the same descent loop as the house pages, here with one parameter, w.",
    [*curve.HILLS[config.curve][:2], curve.roll, *code.training(config), descend],
)
