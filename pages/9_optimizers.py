"""The optimizers race from one start on the same surface, every step of one of them written out."""

import streamlit as st

from gdcore import descend, optimizers, race, surfaces
from ui import code, literal, opening, present, router, state, stepper
from ui import race as page
from ui import race_steps as steps
from ui.fmt import num

router.ensure_router()

chosen = page.controls()
config = race.within_budget(chosen)  # every racer at 5,000 steps would keep the server busy too long
where = page.config_surface(config)
runs = page.runs(config)
last = config.step_count
names = where.names
minimum = where.min_loss

# Links from before step= said epoch=.
stage = opening.top("optimizers", page.PAGE, last, key=page.STEP, unit="step", was="epoch", stage=True)
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
presenting = present.active()
view = steps.View(config, where, runs, presenting)  # the race as the page tells it


def show(k: int) -> None:
    """What the page still draws itself once the step settles: the link."""
    state.publish(page.PAGE, chosen, step=k or None)


# Every step of the race as the browser draws it (ui/race_steps.py): built once per race and presenter mode, and
# shared by every session that runs the same settings (`settings`: the race's config, all they read).
@st.cache_resource(max_entries=32, show_spinner=False)
def race_frames(settings, presenting: bool) -> dict:
    return steps.race_frames(view)


with stage:
    stepper.stepper(page.STEP, last, show, stride=view.stride, unit="step", frames=race_frames(config, presenting))

with st.expander("What each racer remembers"):
    for name in optimizers.OPTIMIZERS:
        st.markdown(f"{page.LOOKS[name][5]} **{page.NAMES[name]}**: {page.WORDS[name]}")
code.show(
    "The code behind every number on this page (from `gdcore`, plain numpy): the surface and its "
    "gradient, the race (one `descend` per optimizer, the same start for all), the finish step, each "
    "optimizer's rule and the descent loop itself.",
    [getattr(surfaces, config.surface), getattr(surfaces, f"{config.surface}_grad"), race.race, race.losses]
    + [race.finish, *(rule for name in config.racers for rule in optimizers.with_what_it_calls(optimizers.RULES[name]))]
    + [descend],
)
