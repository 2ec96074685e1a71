"""The optimizers race from one start on the same surface, every step of one of them written out."""

import html as markup
import math

import streamlit as st

from gdcore import descend, optimizers, race, surfaces
from gdcore.lesson import heading
from ui import code, exports, frames, literal, present, router, state, stepper, updates
from ui import race as page
from ui.fmt import num, plural

router.ensure_router()

chosen = page.controls()
config = race.within_budget(chosen)  # every racer at 5,000 steps would keep the server busy too long
where = page.config_surface(config)
runs = page.runs(config)
last = config.step_count
names = where.names
minimum = where.min_loss

st.title(heading("optimizers"))
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
floor = None if minimum is None else max(1e-12, config.tol / 1000)  # the loss chart's log axis starts here
goal = race.goal(config, where) - (minimum or 0.0)  # the finish line, on the loss chart's axis
presenting = present.active()
MAP_HEIGHT = round(480 * 1.2) if presenting else 480  # pixels, as frames.charts makes the map's place
pick = config.ledger if config.ledger in runs else config.racers[0]  # the racer whose every step is written out
LEDGER_STEPS = 250  # the ledger shows the latest 250 steps


def show(k: int) -> None:
    """What the page still draws itself once the step settles: the link."""
    state.publish(page.PAGE, chosen, step=k or None)


def said(lead: str, text: str = "") -> str:
    """A paragraph of the view, its `lead` in bold, as frames.html writes **lead** text: the race's own words and
    numbers, no markdown (written for each of thousands of steps, where markdown takes a tenth of a millisecond)."""
    bold = f"<strong>{markup.escape(lead, quote=False)}</strong> " if lead else ""
    return f"<p>{bold}{markup.escape(text, quote=False)}</p>\n"


def stopped(name: str) -> str:
    """The warning a racer that stopped gets at every step from then on."""
    run = runs[name]
    return frames.alert(
        f"{page.NAMES[name]} stopped at step {run.diverged_at}: {run.reason}. Its learning rate, "
        f"{num(config.learning_rate(name))}, is too large here: each step overshot further than the last.",
        "warning",
    )


def step(k: int, results: dict, warnings: dict[str, str]) -> str:
    """The race after k steps of every racer (k = 0: all at the start), in a sentence or two, and the warning
    (`warnings`, by racer) of each racer that has stopped by then."""
    lead = "all at the start" if k == 0 else f"every racer has taken {k} step{'' if k == 1 else 's'}"
    text = said(f"Step {k} of {last}: {lead}.", page.standings(results, k) if k else "")
    return text + "".join(warning for name, warning in warnings.items() if len(runs[name].records) <= k)


def finish(k: int, results: dict) -> str:
    """The finish table after k steps."""
    table = page.finish_table(config, results, k)
    words = ("racer", "at the goal?", "how it ended")  # aligned left, the numbers right
    return frames.table(table, f"The finish table after {plural(k, 'step')}", names=words)


def update(k: int) -> str:
    """The picked racer's step k written out with its own numbers, or why there is none yet."""
    records = runs[pick].records
    taken = min(k, len(records))
    if not taken:
        if k:
            return said("", f"{page.NAMES[pick]} stopped before finishing its first step, so its ledger is empty.")
        return said("", "No steps yet: the ledger fills in as you press Next step.")
    latest = records[taken - 1]
    previous = records[taken - 2] if taken > 1 else None
    text = said(
        "",
        f"Step {latest.step}, with this step's numbers (learning rate {num(config.learning_rate(pick))}; the memory "
        "before the step comes from the row below in the ledger, zero before the first step):",
    )
    return text + "".join(frames.tex(line) for line in updates.update_lines(pick, config.hyper(pick), latest, previous))


def pictures(results: dict) -> list[dict[str, tuple]]:
    """Each step's charts, (option, caption): the map (cut from the whole race's map: page.race_maps) and the
    losses (page.loss_charts)."""
    heights = {name: r.losses - minimum if minimum is not None else r.losses for name, r in results.items()}
    chart = page.loss_charts(heights, last, title=loss_title, goal=goal, floor=floor)
    axis = f"a log axis (each gridline ten times the one below; gaps under {num(floor or 0)} drawn at that height)"
    maps = page.race_maps(config, where, runs, last, height=MAP_HEIGHT)
    drawn = []
    for k in range(last + 1):
        caption = (
            f"Chart: each racer's {loss_title} after each of its first {plural(k, 'step')}, on "
            f"{axis if floor else 'a plain axis (the loss falls below 0 off the saddle)'}, with the same markers as "
            f"the map; the thin solid line is the finish line, at {num(goal)}."
        )
        drawn.append({"map": (maps[k], page.map_caption(where, runs, k)), "losses": (chart(k), caption)})
    return drawn


@st.cache_resource(max_entries=32, show_spinner=False)
def race_frames(settings, presenting: bool) -> dict:
    """Every step of the race as the browser draws it (ui/frames.py): built once per race and presenter mode, and
    shared by every session that runs the same settings. `settings` is the race's config: every page variable
    the frames read follows from it and the data it names."""
    results = page.outcomes(config, where, runs)
    warnings = {name: stopped(name) for name, run in runs.items() if run.diverged_at is not None}
    layout = [("map", 480, True, {"config": exports.png("optimizers-race-map")}), ("losses", 420, True)]
    listed, per_frame = frames.charts(pictures(results), layout)
    html, sections = frames.sections(
        [
            {"step": step(k, results, warnings), "finish": finish(k, results), "update": update(k)}
            for k in range(last + 1)
        ]
    )
    table, shown = frames.ledger(runs[pick].records, lambda records: page.ledger(records, pick), LEDGER_STEPS)
    table |= {
        "title": "",  # the racer's part has its heading above its rule
        "intro": frames.html(
            "One row per parameter per step, latest at the top (▶). Check any row: **new = current − update**, "
            "and the next step starts from that new value; the last columns are what the optimizer remembers "
            "after the step."
        ),
        "empty": "",  # the step's part says why (no step yet, or the racer stopped in its first)
    }
    if minimum is None:
        explained = (
            f"The saddle has no bottom to reach, so the table measures how soon each racer rolls off it: the "
            f"step after which the loss is at or below {num(race.SADDLE_GOAL)}, and the loss after all {last} steps "
            "(lower is further downhill)."
        )
    else:
        explained = (
            f"The step after which each racer's loss is within {num(config.tol)} of the lowest loss, or "
            f"**never** within its {last} steps, and its loss at the end."
        )
    rules = "".join(frames.tex(rule) for rule in updates.RULES_TEX[pick])
    racer = frames.heading(f"{page.NAMES[pick]}'s ledger") + frames.html(
        f"{page.LOOKS[pick][5]} **{page.NAMES[pick]}**: {page.WORDS[pick]}"
    )
    every = []
    for k, (pictured, named) in enumerate(zip(per_frame, sections)):
        taken = min(k, len(runs[pick].records))
        more = f"Showing the latest {LEDGER_STEPS} of the {taken:,} steps taken." if taken > LEDGER_STEPS else ""
        every.append({"sections": named, **pictured, "ledger": shown[taken], "note": said("", more) if more else ""})
    # One chart under the other: side by side, the map is too narrow to read on a laptop or a phone.
    view = [
        {"section": "step", "live": True},
        {"charts": ["map"]},
        {"charts": ["losses"]},
        {"static": frames.heading("The finish table") + frames.html(explained)},
        {"section": "finish"},
        {"static": racer + rules},
        {"section": "update"},
        "ledger",
    ]
    return {"frames": every, "html": html, "layout": view, "charts": listed, "ledger": table}


with stage:
    stepper.stepper(page.STEP, last, show, stride=stride, unit="step", frames=race_frames(config, presenting))

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
