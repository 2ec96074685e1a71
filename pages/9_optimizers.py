"""Page 9: six optimizers race from one start on the same surface, every step of one of them written out."""

import inspect
import math

import streamlit as st

from gdcore import descend, optimizers, race, surfaces
from ui import contours, echarts, exports, literal, present, router, state, stepper, updates
from ui import race as page
from ui.fmt import num, plural

router.ensure_router()

chosen = page.controls()
config = race.within_budget(chosen)  # six racers of 5,000 steps would keep the server busy too long
where = page.config_surface(config)
runs = page.runs(config)
last = config.step_count
names = where.names
minimum = where.min_loss

st.title("9. Optimizers")
stage = present.stage()  # presenter mode: the stepper and the step go right here
state.seed_epoch(page.PAGE, last, key=page.STEP, unit="step", was="epoch")  # links before step= said epoch=
state.show_notes(page.PAGE)
if config.step_count != chosen.step_count:
    st.warning(
        f"{len(config.racers)} racers of {chosen.step_count:,} steps would be too much work for one page; each "
        f"takes {config.step_count:,} steps (a few seconds of work at most keeps the app quick for everyone).",
        icon=":material/timer:",
    )
st.markdown(
    "Gradient descent has one rule: step against the slope. The **optimizers** below change how a slope "
    "becomes a step, by remembering earlier slopes. Here they race: each starts from the same point on the "
    "same surface, with its own learning rate, and takes the same number of steps. Press **Next step** (one "
    "step for every racer) or **Play**, and watch who gets to the bottom first, who zig-zags, who overshoots."
)
st.markdown(f"**The surface: {literal.md(where.title)}.**")  # an upload's title names its file and columns
st.latex(where.formula)
start = config.start(where)


def rounded(value: float) -> float:
    """0 for a number within rounding of it (a line's bowl's best intercept is -1.8e-16 or so)."""
    return 0.0 if abs(value) < 1e-12 else value


bottom = (
    f"Its lowest point is at {names[0]} = {num(rounded(where.minimum[0]))}, {names[1]} = "
    f"{num(rounded(where.minimum[1]))}, where "
    f"the loss is {num(minimum)}."
    if minimum is not None
    else "It has **no lowest point**: away from the line y = 0 the loss falls for ever."
)
st.markdown(
    f"{bottom} Every racer starts at {names[0]} = {num(start[0])}, {names[1]} = {num(start[1])}. A racer "
    f"**finishes** once {page.goal_text(config, where)}."
)
stride = max(1, math.ceil(last / 100))  # Play shows a long race in about 100 frames
loss_title = "loss − lowest loss" if minimum is not None else "loss"


def show(k: int) -> None:
    state.publish(page.PAGE, chosen, step=k or None)
    show_step(k)


def show_step(k: int) -> None:
    """The race after k steps of every racer (k = 0: all at the start)."""
    with st.container():
        stopped = [name for name, run in runs.items() if run.diverged_at is not None and len(run.records) <= k]
        lead = "all at the start" if k == 0 else f"every racer has taken {k} step{'' if k == 1 else 's'}"
        st.markdown(f"**Step {k} of {last}: {lead}.** " + (page.standings(config, where, runs, k) if k else ""))
        for name in stopped:
            run = runs[name]
            st.warning(
                f"{page.NAMES[name]} stopped at step {run.diverged_at}: {run.reason}. Its learning rate, "
                f"{num(config.learning_rate(name))}, is too large here: each step overshot further than the last.",
                icon=":material/trending_up:",
            )
    # One chart under the other: side by side, the map is too narrow to read on a laptop or a phone.
    with st.container():
        xs, ys, z = page.grid(config.surface, config.data, config.x, config.y)
        figure = contours.contour_figure(
            xs,
            ys,
            z,
            x_title=names[0],
            y_title=names[1],
            z_title="loss",
            paths=page.contour_paths(runs, k),
            log=where.log,
            height=480,
        )
        st.plotly_chart(figure, key="race_contour", config=exports.png("optimizers-race-map"))
        out = [page.NAMES[n] for n, run in runs.items() if not inside(run, k)]
        st.caption(
            f"Chart: the loss over ({names[0]}, {names[1]}) as a contour map (darker is lower"
            f"{', coloured by powers of ten' if where.log else ''}), and each racer's path after {plural(k, 'step')}, "
            "told apart by colour, dash and marker (● GD, ■ momentum, ◆ Nesterov, ▲ AdaGrad, ✕ RMSProp, ★ Adam); "
            "the larger marker is where it is now." + (f" Off the map now: {', '.join(out)}." if out else "")
        )
    with st.container():
        heights = {}
        for name, run in runs.items():
            values = race.losses(run, where)  # (steps taken + 1,)
            heights[name] = values - minimum if minimum is not None else values
        floor = None if minimum is None else max(1e-12, config.tol / 1000)
        goal = race.goal(config, where) - (minimum or 0.0)
        spec = page.loss_chart(heights, k, last, title=loss_title, goal=goal, floor=floor)
        axis = f"a log axis (each gridline ten times the one below; gaps under {num(floor or 0)} drawn at that height)"
        caption = (
            f"Chart: each racer's {loss_title} after each of its first {plural(k, 'step')}, on "
            f"{axis if floor else 'a plain axis (the loss falls below 0 off the saddle)'}, with the same markers as "
            f"the map; the thin solid line is the finish line, at {num(goal)}."
        )
        echarts.draw(spec, caption, key="race_losses", height=420)

    st.subheader("The finish table")
    if minimum is None:
        st.markdown(
            f"The saddle has no bottom to reach, so the table measures how soon each racer rolls off it: the "
            f"step after which the loss is at or below {num(race.SADDLE_GOAL)}, and the loss after all {last} steps "
            "(lower is further downhill)."
        )
    else:
        st.markdown(
            f"The step after which each racer's loss is within {num(config.tol)} of the lowest loss, or "
            f"**never** within its {last} steps, and its loss at the end."
        )
    st.dataframe(page.finish_table(config, where, runs, k), hide_index=True, width="stretch")

    pick = config.ledger if config.ledger in runs else config.racers[0]
    run, racer = runs[pick], config.racer(pick)
    st.subheader(f"{page.NAMES[pick]}'s ledger")
    st.markdown(f"{page.LOOKS[pick][5]} **{page.NAMES[pick]}**: {page.WORDS[pick]}")
    for rule in updates.RULES_TEX[pick]:
        st.latex(rule)
    steps = run.records[:k]
    if steps:
        latest = steps[-1]
        previous = steps[-2] if len(steps) > 1 else None
        st.markdown(
            f"Step {latest.step}, with this step's numbers (learning rate {num(racer.learning_rate)}; the memory "
            "before the step comes from the row below in the ledger, zero before the first step):"
        )
        for text in updates.update_lines(racer, latest, previous):
            st.latex(text)
        st.markdown(
            "One row per parameter per step, latest at the top (▶). Check any row: **new = current − update**, "
            "and the next step starts from that new value; the last columns are what the optimizer remembers "
            "after the step."
        )
        frame = page.ledger(steps[-250:], pick)
        st.dataframe(frame, hide_index=True, width="stretch", height=min(400, 38 + 35 * len(frame)))
        if len(steps) > 250:
            st.caption(f"Showing the latest 250 of the {len(steps):,} steps taken.")
    elif k:
        st.caption(f"{page.NAMES[pick]} stopped before finishing its first step, so its ledger is empty.")
    else:
        st.caption("No steps yet: the ledger fills in as you press Next step.")


def inside(run, k: int) -> bool:
    """Is the racer's point after k steps inside the map?"""
    x, y = page.points_after(run, k)[-1]
    return where.x_range[0] <= x <= where.x_range[1] and where.y_range[0] <= y <= where.y_range[1]


with stage:
    stepper.stepper(page.STEP, last, show, stride=stride, unit="step")

with st.expander("What each racer remembers"):
    for name in optimizers.OPTIMIZERS:
        st.markdown(f"{page.LOOKS[name][5]} **{page.NAMES[name]}**: {page.WORDS[name]}")
with st.expander("Show the code"):
    st.markdown(
        "The code behind every number on this page (from `gdcore`, plain numpy): the surface and its "
        "gradient, the race (one `descend` per optimizer, the same start for all), the finish step, each "
        "optimizer's rule and the descent loop itself."
    )
    functions = {
        "house": [surfaces.house, surfaces.house_grad],
        "valley": [surfaces.valley, surfaces.valley_grad],
        "rosenbrock": [surfaces.rosenbrock, surfaces.rosenbrock_grad],
        "saddle": [surfaces.saddle, surfaces.saddle_grad],
        "plateau": [surfaces.plateau, surfaces.plateau_grad],
    }[config.surface]
    functions += [race.race, race.losses, race.finish]
    functions += [optimizers.RULES[name] for name in config.racers] + [descend]
    for function in functions:
        st.code(inspect.getsource(function), language="python")
