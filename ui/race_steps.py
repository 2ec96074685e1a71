"""The optimizers page's race, step by step: the standings, the map and the losses, the finish table, and one
racer's step written out with its ledger, as the browser draws them at each step (`race_frames`), each read from
one `View` of the race."""

from __future__ import annotations

import html as markup
import math

from gdcore import race
from gdcore.optimizers import BY_KEY
from gdcore.race import RaceConfig
from gdcore.surfaces import Surface
from ui import exports, frames, ledger, updates
from ui import race as page
from ui.fmt import num, plural

LEDGER_STEPS = 250  # the ledger shows the latest 250 steps


class View:
    """One race as the page tells it: its config, surface and runs, the loss chart's axis and finish line, and the
    racer whose every step is written out."""

    def __init__(self, config: RaceConfig, where: Surface, runs: dict, presenting: bool) -> None:
        self.config, self.where, self.runs = config, where, runs
        self.last, self.names, self.minimum = config.step_count, where.names, where.min_loss
        self.stride = max(1, math.ceil(self.last / 100))  # Play shows a long race in about 100 frames
        self.loss_title = "loss − lowest loss" if self.minimum is not None else "loss"
        # The loss chart's log axis starts here; None: a plain axis (the saddle's loss falls below 0).
        self.floor = None if self.minimum is None else max(1e-12, config.tol / 1000)
        self.goal = race.goal(config, where) - (self.minimum or 0.0)  # the finish line, on the loss chart's axis
        self.map_height = round(480 * 1.2) if presenting else 480  # pixels, as frames.charts makes the map's place
        self.pick = config.ledger if config.ledger in runs else config.racers[0]  # the racer written out


def said(lead: str, text: str = "") -> str:
    """A paragraph of the view, its `lead` in bold, as frames.html writes **lead** text: the race's own words and
    numbers, no markdown (written for each of thousands of steps, where markdown takes a tenth of a millisecond)."""
    bold = f"<strong>{markup.escape(lead, quote=False)}</strong> " if lead else ""
    return f"<p>{bold}{markup.escape(text, quote=False)}</p>\n"


def stopped(v: View, name: str) -> str:
    """The warning a racer that stopped gets at every step from then on."""
    run = v.runs[name]
    return frames.alert(
        f"{page.NAMES[name]} stopped at step {run.diverged_at}: {run.reason}. Its learning rate, "
        f"{num(v.config.learning_rate(name))}, is too large here: each step overshot further than the last.",
        "warning",
    )


def step(v: View, k: int, results: dict, warnings: dict[str, str]) -> str:
    """The race after k steps of every racer (k = 0: all at the start), in a sentence or two, and the warning
    (`warnings`, by racer) of each racer that has stopped by then."""
    lead = "all at the start" if k == 0 else f"every racer has taken {k} step{'' if k == 1 else 's'}"
    text = said(f"Step {k} of {v.last}: {lead}.", page.standings(results, k) if k else "")
    return text + "".join(warning for name, warning in warnings.items() if len(v.runs[name].records) <= k)


def finish(v: View, k: int, results: dict) -> str:
    """The finish table after k steps."""
    table = page.finish_table(v.config, results, k)
    words = ("racer", "at the goal?", "how it ended")  # aligned left, the numbers right
    return frames.table(table, f"The finish table after {plural(k, 'step')}", names=words)


def update(v: View, k: int) -> str:
    """The picked racer's step k written out with its own numbers, or why there is none yet."""
    records = v.runs[v.pick].records
    taken = min(k, len(records))
    if not taken:
        if k:
            return said("", f"{page.NAMES[v.pick]} stopped before finishing its first step, so its ledger is empty.")
        return said("", "No steps yet: the ledger fills in as you press Next step.")
    latest = records[taken - 1]
    previous = records[taken - 2] if taken > 1 else None
    text = said(
        "",
        f"Step {latest.step}, with this step's numbers (learning rate {num(v.config.learning_rate(v.pick))}; the "
        "memory before the step comes from the row below in the ledger, zero before the first step):",
    )
    lines = updates.update_lines(v.pick, v.config.hyper(v.pick), latest, previous)
    return text + "".join(frames.tex(line) for line in lines)


def pictures(v: View, results: dict) -> list[dict[str, tuple]]:
    """Each step's charts, (option, caption): the map (cut from the whole race's map: page.race_maps) and the
    losses (page.loss_charts)."""
    heights = {name: r.losses - v.minimum if v.minimum is not None else r.losses for name, r in results.items()}
    chart = page.loss_charts(heights, v.last, title=v.loss_title, goal=v.goal, floor=v.floor)
    axis = f"a log axis (each gridline ten times the one below; gaps under {num(v.floor or 0)} drawn at that height)"
    maps = page.race_maps(v.config, v.where, v.runs, v.last, height=v.map_height)
    drawn = []
    for k in range(v.last + 1):
        caption = (
            f"Chart: each racer's {v.loss_title} after each of its first {plural(k, 'step')}, on "
            f"{axis if v.floor else 'a plain axis (the loss falls below 0 off the saddle)'}, with the same markers as "
            f"the map; the thin solid line is the finish line, at {num(v.goal)}."
        )
        drawn.append({"map": (maps[k], page.map_caption(v.where, v.runs, k)), "losses": (chart(k), caption)})
    return drawn


def race_frames(v: View) -> dict:
    """Every step of the race as the browser draws it (ui/frames.py; the page caches them per race and presenter
    mode, for every session that runs the same settings)."""
    results = page.outcomes(v.config, v.where, v.runs)
    warnings = {name: stopped(v, name) for name, run in v.runs.items() if run.diverged_at is not None}
    layout = [("map", 480, True, {"config": exports.png("optimizers-race-map")}), ("losses", 420, True)]
    listed, per_frame = frames.charts(pictures(v, results), layout)
    html, sections = frames.sections(
        [
            {"step": step(v, k, results, warnings), "finish": finish(v, k, results), "update": update(v, k)}
            for k in range(v.last + 1)
        ]
    )
    sheet, shown = frames.ledger(v.runs[v.pick].records, lambda records: page.ledger(records, v.pick), LEDGER_STEPS)
    table = ledger.table(
        sheet,
        "step",
        plain=False,
        # Plain descent remembers nothing: its ledger ends with the update.
        more="The last columns are what the optimizer remembers after the step." if BY_KEY[v.pick].remembers else "",
        title="",  # the racer's part has its heading above its rule
        empty=False,  # the step's part says why (no step yet, or the racer stopped in its first)
    )
    if v.minimum is None:
        explained = (
            f"The saddle has no bottom to reach, so the table measures how soon each racer rolls off it: the "
            f"step after which the loss is at or below {num(race.SADDLE_GOAL)}, and the loss after all {v.last} steps "
            "(lower is further downhill)."
        )
    else:
        explained = (
            f"The step after which each racer's loss is within {num(v.config.tol)} of the lowest loss, or "
            f"**never** within its {v.last} steps, and its loss at the end."
        )
    rules = "".join(frames.tex(rule) for rule in updates.RULES_TEX[v.pick])
    racer = frames.heading(f"{page.NAMES[v.pick]}'s ledger") + frames.html(
        f"{page.LOOKS[v.pick][5]} **{page.NAMES[v.pick]}**: {page.WORDS[v.pick]}"
    )
    every = []
    for k, (pictured, named) in enumerate(zip(per_frame, sections)):
        taken = min(k, len(v.runs[v.pick].records))
        note = ledger.note(taken, LEDGER_STEPS, plain=False)
        every.append({"sections": named, **pictured, "ledger": shown[taken], "note": note})
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
