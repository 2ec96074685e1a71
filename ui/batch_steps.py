"""The batches page's run, step by step: each step's sentences, batch, charts, race and ledger as the browser draws
them (`run_frames`), each read from one `View` of the run and its race against the full batch."""

from __future__ import annotations

import math

import numpy as np

from gdcore import Dataset, minibatch
from gdcore.experiment import steps_per_epoch
from gdcore.minibatch import BatchConfig
from ui import batches, echarts, exports, frames, ledger, updates
from ui.fmt import axis_name, equation, num, on_houses, rows_word

LEDGER_STEPS = 500  # the ledger shows the latest 500 steps, as the descent page's


class View:
    """One run in batches as the page tells it, with the full batch it races (`both`, ui.batches.runs): its config,
    the data's points and the words its sentences use (houses and dollars, or an upload's rows and columns)."""

    def __init__(self, config: BatchConfig, n: int, both, houses: Dataset) -> None:
        self.config, self.n, self.both, self.houses = config, n, both, houses
        self.fit, self.run = both.fit, both.fit.run
        self.last = len(self.run.records)  # steps taken in all
        self.size = min(config.batch_size, n)
        self.full = self.size >= n
        self.per_epoch = steps_per_epoch(config, n)
        self.unit, self.one = rows_word(config.data), rows_word(config.data, 1)  # "houses" and "house", or "rows"
        self.money = on_houses(config.data, config.y)  # y is the price in dollars
        self.x_name, self.y_name = axis_name(config.data, config.x), axis_name(config.data, config.y)
        self.y_word = "price" if self.money else config.y
        self.stride = max(1, math.ceil(self.last / 60))  # Play goes through a run in about 60 frames
        # A step's frame takes about 7 kB, and 0.2 kB more a row of its batch's table: a stretch of this many steps
        # keeps the frames sent to about 3.5 MB.
        self.reach = min(300, max(20, 3_500_000 // (7_000 + 200 * self.size)))


# --- one step, as the browser draws it (k = 0: the starting point) -------------------------------------------


def record_of(v: View, k: int):
    """The record of step k (None at the start): record i is step i + 1."""
    return v.run.records[k - 1] if k else None


def skip(v: View, k: int) -> str:
    """With many steps per epoch, a way to go an epoch at a time: to the end of this epoch, or of the next."""
    end = next((e for e in v.run.ends if e > k), None)  # the last step of this epoch, or of the next
    label = f"Skip to the end of epoch {v.run.records[end - 1].epoch} (step {end:,})" if end else "No epochs left"
    return frames.jump(label, end)


def sentence(v: View, k: int) -> str:
    """Which step, epoch and batch, and the MSE on all rows before and after the step."""
    record = record_of(v, k)
    if record is None:
        params = v.both.path[0]
        return (
            f"**Step 0 of {v.last:,}: the starting point.** Slope {num(params[0])}, intercept {num(params[1])}, "
            f"MSE on all {v.unit} {num(v.both.losses[0])}. Press **Next step** to take the first batch."
        )
    first = v.run.ends[record.epoch - 2] if record.epoch > 1 else 0
    j, m = record.step - first, len(v.run.epoch_records(record.epoch))
    b = len(record.rows)
    return (
        f"**Step {k:,} of {v.last:,}: epoch {record.epoch} of {v.run.epochs}, batch {j:,} of {m:,}** "
        f"({b} {v.unit if b > 1 else v.one}). MSE on all {v.unit} before the step {num(record.loss)}, after it "
        f"{num(v.both.losses[k])}."
    )


def update(v: View, k: int) -> str:
    """The step's update equations, and its batch's gradient beside the one on all rows."""
    record = record_of(v, k)
    if record is None:
        return ""
    tex = "".join(frames.tex(text) for text in updates.update_lines(v.config.optimizer, v.config.hyper, record, None))
    whole = v.fit.whole_gradient(record.current)
    return tex + frames.html(batches.gradient_words(record.gradient, whole, len(record.rows), v.n, v.unit))


def batch_table(v: View, k: int, listed: bool = True) -> str:
    """The step's batch, row by row, each row's part of the gradient and their sums (not `listed`: a note that
    the table comes once the step settles, for a step that Play passes through on a long run)."""
    record = record_of(v, k)
    if record is None:
        return ""
    heading = frames.heading(f"Step {k:,}'s batch, {v.one} by {v.one}")
    if not listed:
        later = f"The table of its {len(record.rows):,} {v.unit} comes once you stop at this step."
        return heading + frames.html(later)
    frame = batches.batch_frame(record, v.fit, v.houses.x, v.houses.y, (v.one, v.x_name, v.y_name), money=v.money)
    return (
        heading
        + frames.html(
            f"Each {v.one}'s error pulls the line its own way; the batch's gradient is the sum of their parts (the "
            "last row). Add up a column by hand: that is the gradient the step followed."
        )
        + frames.table(frame, f"Step {k:,}'s batch", names=(v.one,), most=420)
    )


def race(v: View, k: int) -> tuple[str, str]:
    """Who is ahead after k steps, in words, and what the race shows so far (an info box)."""
    if v.full:
        return frames.html(
            f"With batches of all {v.n} {v.unit} the two runs are the same run: a step is an epoch. Pick a smaller "
            "batch in the sidebar to see them part."
        ), ""
    said = minibatch.race(v.both.losses, v.both.full_losses, v.both.seen, v.n, k)
    lesson = frames.alert(batches.lesson_words(said, v.n, v.size, v.unit), "info") if said.steps else ""
    return frames.html(batches.race_words(said, v.n, v.size, v.fit.best_loss, v.unit)), lesson


LATEST = "the latest step"  # the choice of step whose rows are listed under the ledger, by default


def every_row(v: View, k: int) -> str:
    """Under the ledger, whose cells list a batch's first six rows: every row of the latest step's batch."""
    record = record_of(v, k)
    listed = batches.rows_words(record, (v.one, v.unit)) if record else "No steps yet: no batch to list."
    return frames.chosen("rows", LATEST, frames.html(listed))


def step(v: View, k: int, glance: bool = False) -> dict[str, str]:
    """Step k's sections, by name (the layout in run_frames places them); a `glance` leaves out its batch's table."""
    words, lesson = race(v, k)
    parts = {"skip": skip(v, k)} if v.per_epoch > 1 else {}
    parts |= {"step": frames.html(sentence(v, k)), "update": update(v, k)}
    parts |= {"batch": batch_table(v, k, listed=not glance)}
    parts |= {"race": words, "lesson": lesson}
    return parts | ({} if v.full else {"every": every_row(v, k)})


def pictures(v: View, k: int, maps: dict[int, tuple]) -> dict[str, tuple]:
    """Each chart after k steps, with its caption: the houses and the line, the loss map (`maps`: the run's, from
    batches.contour_maps), the race twice."""
    record = record_of(v, k)
    params = tuple(v.both.path[k])
    taken = f"{k:,} step{'' if k == 1 else 's'}"
    now_line, best_line = v.fit.in_data_units(params), v.fit.in_data_units(v.fit.best)
    rows = batches.rows_of(record) if record is not None and not v.full else None
    caption = (
        f"Chart: all {v.n} {v.unit} as dots ({v.y_word} against {v.x_name}), the starting line (dotted), the line "
        f"after {taken}, {equation(*now_line, x=v.config.x, dollars=v.money, y=v.y_word)}, and the best line (dashed), "
        f"{equation(*best_line, x=v.config.x, dollars=v.money, y=v.y_word)}."
        + (f" The {len(rows)} {v.unit} of step {k}'s batch are marked ◆." if rows is not None else "")
    )
    spec = echarts.houses(
        v.houses.x,
        v.houses.y,
        {"start": v.fit.in_data_units(v.run.start), f"after {taken}": now_line, "best possible": best_line},
        x_title=v.x_name,
        y_title=v.y_name,
        batch=rows,
        money=v.money,
        rows=(v.one, v.unit),
    )
    roles = ["houses", *(["batch"] if rows is not None else []), "start", "now", "best"]
    spec["series"] = [series | {"id": role} for series, role in zip(spec["series"], roles)]  # the same at every step
    drawn = {"houses": (spec, caption)}
    drawn["contour"] = maps[k]

    seen = v.both.seen[: k + 1] / v.n  # (k + 1,) passes through the data after each step
    j, passes = int(v.both.seen[k]) // v.n, int(v.both.seen[-1]) // v.n
    end_passes = float(v.both.seen[-1]) / v.n
    floor = max(float(v.both.gaps[0]), 1e-300) * 1e-12
    names = {"batch_name": f"batches of {v.size}", "full_name": "full batch"}
    span = np.concatenate([v.both.gaps, v.both.full_gaps[: v.last + 1]])  # every distance the race will show
    spec = batches.race_chart(
        seen,
        v.both.gaps[: k + 1],
        np.arange(j + 1, dtype=float),
        v.both.full_gaps[: j + 1],
        x_title="passes through the data (epochs)",
        end=max(end_passes, 1.0),
        floor=floor,
        **names,
        out_of=(v.last + 1, passes + 1),
        span=span,
    )
    caption = (
        "Chart: how far each run's MSE is above the lowest possible, in powers of ten (one line lower: ten times "
        f"closer), against the passes through the data: the same {v.unit} looked at. After "
        f"{num(float(v.both.seen[k]) / v.n, 3)} passes the full batch has taken {j} step{'s' if j != 1 else ''}. "
        "Distances below a trillionth of the start's are drawn at the bottom edge."
    )
    drawn["race_passes"] = spec, caption
    steps = np.arange(k + 1, dtype=float)
    spec = batches.race_chart(
        steps,
        v.both.gaps[: k + 1],
        steps[: len(v.both.full_gaps)],
        v.both.full_gaps[: k + 1],
        x_title="steps taken",
        end=max(v.last, 1),
        floor=floor,
        **names,
        out_of=(v.last + 1, min(v.last + 1, len(v.both.full_gaps))),
        span=span,
    )
    caption = (
        f"Chart: the same distance against the steps taken: {taken} each, a full-batch step looking at all "
        f"{v.n} {v.unit} and a mini-batch step at {v.size}."
    )
    drawn["race_steps"] = spec, caption
    return drawn


def ledger_table(v: View, records):
    return batches.ledger_frame(records, v.fit, v.n)


# --- the frames: every step of a short run, or a stretch of a long one --------------------------------------

# A step's frame takes about 7 kB, and 0.2 kB more a row of its batch's table: a run sends every step's frame up to
# about 3.5 MB of them, and a longer run a stretch of that many steps around the step shown, and the steps Play and
# Skip land on (a glance: the step without its batch's table, the ledger's latest GLANCE steps).
GLANCE = 10
MENU_ROWS = 20_000  # the menu under the ledger lists every row of this many rows' worth of steps
STRETCH = f"{batches.PAGE}:stretch"  # the session key of the stretch the browser holds: (config, first, last)


def glances(v: View, low: int, high: int) -> list[int]:
    """The steps outside the stretch low..high that the browser may land on without asking: the ones Play
    visits (the multiples of its stride, and the last step), and the ends of the next few epochs (Skip)."""
    visits = set(range(0, v.last + 1, v.stride)) | {v.last}
    visits |= set([e for e in v.run.ends if e > high][:3])
    return sorted(k for k in visits if not low <= k <= high)


def run_frames(v: View, low: int, high: int) -> dict:
    """Steps low..high of the run as the browser draws them (ui/frames.py), and the few outside that Play and Skip
    land on; the other steps' frames are null: the browser asks the page for them once it stops there (the page
    caches them per run, presenter mode and stretch, for every session that runs the same settings)."""
    glanced = glances(v, low, high)
    shown = [*range(low, high + 1), *glanced]
    maps = batches.contour_maps(v.both, shown, v.size, v.n, (v.one, v.unit))
    html, places = frames.sections([step(v, k, glance=not low <= k <= high) for k in shown])
    layout = [("houses", echarts.HEIGHT, False), ("contour", 500, False, {"config": exports.png("batches-loss-map")})]
    layout += [("race_passes", echarts.HEIGHT, False), ("race_steps", echarts.HEIGHT, False)]
    listed, pictured = frames.charts([pictures(v, k, maps) for k in shown], layout)

    # The ledger's rows: the stretch's latest LEDGER_STEPS steps at each step, then each glance's latest GLANCE.
    taken = {k: k for k in shown}  # a step is a record
    sheet, shown_rows = frames.ledger_stretch(
        v.run.records, lambda records: ledger_table(v, records), LEDGER_STEPS, taken, (low, high), glanced, GLANCE
    )
    table = ledger.table(
        sheet,
        "step",
        plain=False,
        rule="**new = current − learning rate × the batch's gradient**, and",
        more=f"The gradient on all {v.unit} sits beside the batch's: the direction the full batch would have taken "
        "from the same place.",
    )

    every: list[dict | None] = [None] * (v.last + 1)
    for k, named, charts in zip(shown, places, pictured):
        if low <= k <= high:
            note = ledger.note(k, LEDGER_STEPS, plain=False)
        else:  # a glance: its latest few steps, the rest once the learner stops there
            note = ledger.note(k, GLANCE, plain=False, follow=LEDGER_STEPS, unit="step")
        every[k] = {"sections": named, **charts, "ledger": shown_rows[k], "note": note}

    view = [{"section": "skip"}] if v.per_epoch > 1 else []
    view += [{"section": "step", "live": True}, {"section": "update"}, {"charts": ["houses", "contour"]}]
    view += [{"section": "batch"}, {"static": frames.heading("The race: mini-batches against the full batch")}]
    view += [{"charts": ["race_passes", "race_steps"]}, {"section": "race"}, {"section": "lesson"}, "ledger"]
    if not v.full:  # a full batch's ledger cell already says "all n"
        first = max(0, low - LEDGER_STEPS)  # the first step the stretch's ledgers show
        steps = range(max(first + 1, high - MENU_ROWS // v.size), high + 1)  # the stretch's ledgers' latest steps
        options = [LATEST, *(f"step {s:,}" for s in steps)]
        menu = frames.choice(
            "rows",
            f"Every {v.one} of a step's batch",
            options,
            help=f"The ledger lists a batch's first six {v.unit}; pick a step to see all of them.",
        )
        for s in steps:
            menu += frames.chosen(
                "rows", f"step {s:,}", frames.html(batches.rows_words(v.run.records[s - 1], (v.one, v.unit)))
            )
        view += [
            {"static": menu},
            {"section": "every"},
            {"static": frames.html(batches.counted_from_zero((v.one, v.unit)))},
        ]
    return {"frames": every, "html": html, "layout": view, "charts": listed, "ledger": table}
