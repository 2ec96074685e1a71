"""The descent page's run, epoch by epoch: the sentences, equations, charts and ledger the browser draws at each
epoch (`run_frames`), each read from one `View` of the run. The landscape page walks the same run."""

from __future__ import annotations

import numpy as np
import streamlit as st

from gdcore import Dataset, line
from gdcore.line import DescentConfig, Fit
from gdcore.narrate import step_sentence
from ui import echarts, fmt, frames, ledger, literal, tables, updates
from ui.fmt import axis_name, equation, num, on_houses, plural, rows_word, y_units

LEDGER_STEPS = 500  # a plain run shows every epoch; a long mini-batch run, its latest 500 steps


class View:
    """One run of gradient descent on a line as the page tells it: its config and fit, the data's points, and the
    words its sentences use (the price in dollars on the house data; an upload's own columns and rows)."""

    def __init__(self, config: DescentConfig, fit: Fit, houses: Dataset) -> None:
        self.config, self.fit, self.run, self.houses = config, fit, fit.run, houses
        self.last = self.run.epochs
        self.n = len(fit.x)
        self.plain = config.plain(self.n)
        self.batched = 0 < config.batch_size < self.n
        self.scaled = config.scale == "standardize"
        self.loss_name = "SSE" if config.loss == "sse" else "MSE"
        self.houses_data = on_houses(config.data, config.y)  # the Windsor prices in dollars, or an upload's column
        self.rows = rows_word(config.data)  # "houses", or an upload's "rows"
        self.y_word = "price" if self.houses_data else config.y
        self.loss_units = "standardized units²" if self.scaled else f"{y_units(config.data, config.y)}²"
        self.x_name = axis_name(config.data, config.x)
        units = fmt.slope_units(config.data, config.x, config.y)
        self.slope_units = "standardized units" if self.scaled else units
        diverged = self.run.diverged_at
        self.stopped = f" (the run stopped in epoch {diverged} of {config.epochs})" if diverged else ""


def step(v: View, k: int) -> tuple[str, list[str], str, str]:
    """The step's sentences, its equations, what follows them and the step's sentence alone (the loss chart's
    spoken text), after k epochs (k = 0: the starting point)."""
    params = v.run.after(k)
    steps = v.run.epoch_records(k) if k else ()
    latest = steps[-1] if steps else None
    label = f"Epoch {k}" if len(steps) == 1 else f"Epoch {k}, step {latest.step}" if latest else ""
    said = step_sentence(latest, label, num, v.config.optimizer) if latest else ""
    tex, after = [], ""
    if k == 0:
        text = (
            f"**Epoch 0 of {v.last}{v.stopped}: the starting point.** Slope {num(params[0])}, "
            f"intercept {num(params[1])}, {v.loss_name} {num(v.fit.loss(params))}. Press **Next epoch** to take the "
            "first step."
        )
    else:
        count = (
            f" {len(steps)} steps; the last one, step {latest.step}, is written out below." if len(steps) > 1 else ""
        )
        rate = (
            ""
            if v.config.schedule == "constant" and not v.config.warmup
            else f" Learning rate this epoch: {num(latest.learning_rate)}."
        )
        text = (
            f"**Epoch {k} of {v.last}{v.stopped}.** {v.loss_name} at the start of this epoch: "
            f"{num(steps[0].loss)} {literal.md(v.loss_units)}.{count}{rate}\n\n{said}"
        )
        if v.config.optimizer != "gd":
            tex += list(updates.RULES_TEX[v.config.optimizer])
        previous = v.run.records[latest.step - 2] if latest.step > 1 else None  # record i is step i + 1
        tex += updates.update_lines(v.config.optimizer, v.config.hyper, latest, previous)
        if v.batched:
            whole = v.fit.whole_gradient(latest.current)
            after = (
                f"This step's gradient came from its batch of {len(latest.rows)} {v.rows} (marked ◆ on the chart): "
                f"slope {num(latest.gradient[0])}, intercept {num(latest.gradient[1])}. On all {v.n} {v.rows} it would "
                f"have been slope {num(whole[0])}, intercept {num(whole[1])}: a batch points roughly, not exactly, "
                "downhill, and costs a fraction of the work."
            )
    return text, tex, after, said


def pictures(v: View, k: int, houses, said: str, ends: list, starts: list[float]) -> dict[str, tuple[dict, str]]:
    """Each chart's option and caption after k epochs. `ends`: the parameters after each epoch of the run;
    `starts`: the loss at the start of each epoch (each epoch's first record holds where the last one ended)."""
    params = v.run.after(k)
    steps = v.run.epoch_records(k) if k else ()
    latest = steps[-1] if steps else None
    start_line, now_line, best_line = (v.fit.in_data_units(p) for p in (v.run.start, params, v.fit.best))
    drawn = {}
    caption = (
        f"Chart: all {v.n} {v.rows} as dots ({v.y_word} against {v.x_name}), the starting line (dotted), the line "
        "after "
        f"{plural(k, 'epoch')}, {equation(*now_line, x=v.config.x, dollars=v.houses_data, y=v.y_word)}, and the best "
        "line "
        f"(dashed), {equation(*best_line, x=v.config.x, dollars=v.houses_data, y=v.y_word)}."
        + (f" The {len(latest.rows)} {v.rows} of the latest step's batch are marked ◆." if v.batched and latest else "")
    )
    spec = echarts.houses(
        houses.x,
        houses.y,
        {"start": start_line, f"after {k} epoch{'' if k == 1 else 's'}": now_line, "best possible": best_line},
        x_title=v.x_name,
        y_title=axis_name(v.config.data, v.config.y),
        batch=latest.rows if v.batched and latest else None,
        money=v.houses_data,
        rows=(rows_word(v.config.data, 1), v.rows),
    )
    drawn["houses"] = spec, caption
    losses = starts[:k] + [v.fit.loss(params)]  # after each epoch so far: only the latest is new
    path = [(p[0], value) for p, value in zip(ends[: k + 1], losses) if np.isfinite(value)]
    spread = [s for s, _ in path] + [v.fit.best[0]]
    lo, hi = min(spread), max(spread)
    pad = max(0.2 * (hi - lo), 0.5 * abs(v.fit.best[0]), 1e-3)
    slopes = np.linspace(lo - pad, hi + pad, 101)  # (101,): a smooth bowl at any width, and one of them per frame
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged path spans slopes whose loss overflows
        curve = line.bowl_loss((slopes, params[1]), v.fit.bowl, v.config.loss)  # (101,), from the sums
    caption = (
        f"Chart: {v.loss_name} against the slope, drawn at this epoch's intercept {num(params[1])}, with the "
        f"guess after each epoch joined in order. The latest guess is slope {num(params[0])}. Earlier guesses "
        f"had their own intercepts, so they can sit a little off the curve. {said}"
    ).strip()
    spec = echarts.descent_path(
        slopes,
        curve,
        [s for s, _ in path],
        [value for _, value in path],
        loss_title=f"{v.loss_name} ({v.loss_units})",
        slope_title=f"slope ({v.slope_units})",
    )
    drawn["path"] = spec, caption
    epochs = [value for value, loss in zip(range(k + 1), losses) if np.isfinite(loss)]
    caption = (
        f"Chart: {v.loss_name} on all {v.rows} after each epoch, from {num(losses[0])} at the start to "
        f"{num(losses[-1])} after {plural(k, 'epoch')}; the dashed line is the lowest possible, {num(v.fit.best_loss)}."
    )
    spec = echarts.loss_over_epochs(
        epochs,
        [loss for loss in losses if np.isfinite(loss)],
        loss_title=f"{v.loss_name} ({v.loss_units})",
        best=v.fit.best_loss,
        last=v.last,
    )
    drawn["losses"] = spec, caption
    if v.config.schedule != "constant" or v.config.warmup:
        rates = [v.config.rate(t) for t in range(1, v.config.epochs + 1)]
        caption = (
            f"Chart: the learning rate of each of the {v.config.epochs} epochs ({v.config.schedule} schedule"
            f"{f', {v.config.warmup} warm-up epochs' if v.config.warmup else ''}), from {num(rates[0])} in epoch 1 to "
            f"{num(rates[-1])} in epoch {v.config.epochs}; this epoch is marked ◆."
        )
        drawn["rates"] = echarts.rates(rates, now=k), caption
    return drawn


def ledger_table(v: View, records):
    return tables.ledger_frame(records, v.loss_name, v.config.optimizer, extended=not v.plain, rows=v.n)


def run_frames(v: View) -> dict:
    """Every epoch of the run as the browser draws it (ui/frames.py; the page caches them per run and presenter
    mode, for every session that runs the same settings: a room on the instructor's link)."""
    houses = v.houses
    texts, drawn = [], []
    ends = [v.run.after(j) for j in range(v.last + 1)]  # the parameters after each epoch, once for every frame
    starts = [v.run.epoch_records(j)[0].loss for j in range(1, v.last + 1)]
    for k in range(v.last + 1):
        text, tex, after, said = step(v, k)
        stop = ""
        if v.run.diverged_at is not None and k == v.last:
            stable = num(v.fit.max_stable_lr)
            advice = f" The largest stable learning rate for this data is {stable}." if v.plain else ""
            stop = f"The run stops here: in epoch {v.run.diverged_at} {v.run.reason}.{advice}"
        texts.append((text, tex, after, stop))
        drawn.append(pictures(v, k, houses, said, ends, starts))
    layout = [("houses", echarts.HEIGHT, False), ("path", echarts.HEIGHT, False), ("losses", echarts.HEIGHT, True)]
    listed, per_frame = frames.charts(drawn, layout + [("rates", 260, True)])
    sheet, shown = frames.ledger(v.run.records, lambda records: ledger_table(v, records), LEDGER_STEPS)
    table = ledger.table(sheet, "epoch", v.plain, "" if v.plain else ledger.BATCH_AND_MEMORY)
    every = []
    for k, ((text, tex, after, stop), pictured) in enumerate(zip(texts, per_frame)):
        taken = len(v.run.up_to(k))
        every.append(
            {
                "text": frames.html(text),
                "tex": tex,
                "after": frames.html(after) + (frames.alert(stop) if stop else ""),
                **pictured,
                "ledger": shown[taken],
                "note": ledger.note(taken, LEDGER_STEPS, v.plain),
            }
        )
    return {"frames": every, "charts": listed, "ledger": table}


def lesson_example(v: View) -> None:
    """The lesson's example, explained with its own numbers: how close 0.05 is to the largest stable rate, where the
    slope's gradient changes sign, and why the same rate on the sum of squared errors would blow up."""
    sse_lr = line.max_stable_lr(v.fit.bowl, "sse")
    overshoot = min(line.contraction(v.fit.bowl, "sse", v.config.learning_rate))
    flips = [r.epoch for r, s in zip(v.run.records, v.run.records[1:]) if r.gradient[0] * s.gradient[0] < 0]
    crossing = (
        f"Watch the slope's gradient change sign between epochs {flips[0]} and {flips[0] + 1} "
        f"({num(v.run.records[flips[0] - 1].gradient[0])}, then {num(v.run.records[flips[0]].gradient[0])}): "
        "the first step went past the bottom of the valley across it, and the next one comes back (the small "
        "hook in the path on the loss curve below, and the sign in the ledger's gradient column). "
        if flips
        else ""
    )
    st.info(
        f"**The lesson's example.** Here x and y keep their own units (bedrooms and dollars) and the loss is the "
        f"mean of squared errors. For this loss the largest stable learning rate is {num(v.fit.max_stable_lr)}, so "
        f"0.05 converges, but it is more than half of it. {crossing}After that the walk crawls along the floor "
        f"of a long, narrow valley.\n\n"
        f"The same 0.05 on the raw **sum** of squared errors would blow up: the sum is {v.n} times the mean, so "
        f"are its gradients, and its largest stable rate is {num(sse_lr)}. Each step would land "
        f"{num(-overshoot, 3)} times further from the bottom than the last, on the other side. Switch the loss "
        "to SSE in the sidebar to see it.",
        icon=":material/school:",
    )
