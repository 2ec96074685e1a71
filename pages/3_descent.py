"""Gradient descent on all 546 houses (or a learner's own rows), one epoch at a time, every number shown."""

import numpy as np
import streamlit as st

from gdcore import descend, line, verdict
from gdcore.batches import epoch_batches
from gdcore.config import LESSON_EXAMPLE
from gdcore.experiment import within_budget
from gdcore.lesson import heading, page
from gdcore.narrate import step_sentence
from ui import (
    cached,
    code,
    controls,
    echarts,
    exports,
    fmt,
    frames,
    literal,
    predict,
    present,
    router,
    state,
    stepper,
    tables,
    updates,
    verdicts,
)
from ui.fmt import axis_name, equation, num, on_houses, plural, rows_word, y_units

router.ensure_router()

chosen = controls.descent_controls(views=("epoch",))
config = within_budget(chosen, cached.row_count(chosen.data))  # what runs: batches of 1 take many steps
fit = cached.fit(config)
run = fit.run
last = run.epochs
n = len(fit.x)
plain = config.plain(n)
batched = 0 < config.batch_size < n
scaled = config.scale == "standardize"
loss_name = "SSE" if config.loss == "sse" else "MSE"
houses_data = on_houses(config.data, config.y)  # the Windsor prices in dollars, or a column of an upload
rows = rows_word(config.data)  # "houses", or an upload's "rows"
y_word = "price" if houses_data else config.y
loss_units = "standardized units²" if scaled else f"{y_units(config.data, config.y)}²"
x_name = axis_name(config.data, config.x)
slope_units = "standardized units" if scaled else fmt.slope_units(config.data, config.x, config.y)

st.title(heading("descent"))
state.seed_epoch("descent", last)
state.show_notes("descent")
controls.show_budget(chosen, config, n)
stopped = f" (the run stopped in epoch {run.diverged_at} of {config.epochs})" if run.diverged_at else ""
presenting = present.active()


def intro() -> None:
    """What the page is about, the lesson's preset and the verdict: above the stepper, or under it when presenting."""
    st.markdown(
        "Picture the loss as a hill in the fog: you cannot see the bottom, but you can feel which way the "
        f"ground tilts under your feet. That tilt is the **gradient**. Each **epoch**, look at all {n} {rows}, "
        "measure the tilt for the slope and for the intercept, and take a step the other way:"
    )
    st.latex(r"\text{new} = \text{current} - \text{learning rate} \times \text{gradient}")
    st.markdown(
        "The minus sign turns uphill into downhill. The **learning rate** sets the size of the step: too small "
        "and you crawl, too big and you leap over the valley."
        + (
            f" Here x ({literal.md(x_name)}) and y ({literal.md(y_word)}) are **standardized**, so the numbers below "
            f"are in standard deviations; {page('check')} turns them back into "
            f"{literal.md(y_units(config.data, config.y))}."
            if scaled
            else ""
        )
    )
    lesson = chosen == LESSON_EXAMPLE
    st.button(
        "The lesson's example: 5 epochs at 0.05",
        on_click=controls.use_preset,
        args=("descent", LESSON_EXAMPLE),
        disabled=lesson,
        icon=":material/school:",
        help="The lesson's table of updates: five epochs at learning rate 0.05, from the line that prices every "
        "house at $0, on the mean of squared errors in bedrooms and dollars. Every setting in the sidebar follows.",
    )
    if lesson and run.records:
        sse_lr = line.max_stable_lr(fit.bowl, "sse")
        overshoot = min(line.contraction(fit.bowl, "sse", config.learning_rate))
        flips = [r.epoch for r, s in zip(run.records, run.records[1:]) if r.gradient[0] * s.gradient[0] < 0]
        crossing = (
            f"Watch the slope's gradient change sign between epochs {flips[0]} and {flips[0] + 1} "
            f"({num(run.records[flips[0] - 1].gradient[0])}, then {num(run.records[flips[0]].gradient[0])}): "
            "the first step went past the bottom of the valley across it, and the next one comes back (the small "
            "hook in the path on the loss curve below, and the sign in the ledger's gradient column). "
            if flips
            else ""
        )
        st.info(
            f"**The lesson's example.** Here x and y keep their own units (bedrooms and dollars) and the loss is the "
            f"mean of squared errors. For this loss the largest stable learning rate is {num(fit.max_stable_lr)}, so "
            f"0.05 converges, but it is more than half of it. {crossing}After that the walk crawls along the floor "
            f"of a long, narrow valley.\n\n"
            f"The same 0.05 on the raw **sum** of squared errors would blow up: the sum is {n} times the mean, so "
            f"are its gradients, and its largest stable rate is {num(sse_lr)}. Each step would land "
            f"{num(-overshoot, 3)} times further from the bottom than the last, on the other side. Switch the loss "
            "to SSE in the sidebar to see it.",
            icon=":material/school:",
        )
    advanced = controls.describe_training(config, n)
    if advanced:
        st.info(
            advanced + " The ledger shows every step with its update and what the optimizer remembers.",
            icon=":material/tune:",
        )
    several = "this epoch goes" if config.epochs == 1 else f"these {config.epochs} epochs go"
    verdicts.say(verdict(fit), lead=f"Where {'this run goes' if stopped else several}: ")


if not presenting:
    intro()
LEDGER_STEPS = 500  # a plain run shows every epoch; a long mini-batch run, its latest 500 steps


def show(k: int) -> None:
    """What the page still draws itself once the epoch reaches it: the link, and the prediction box."""
    state.publish("descent", chosen, epoch=k or None)
    params = run.after(k)
    predict.box(
        "descent",
        k,
        last,
        ("slope", "intercept"),
        params,
        run.after(k + 1) if k < last else None,
        lambda name: arithmetic(k, name),
    )


def arithmetic(k: int, name: str) -> list[str]:
    """The LaTeX of epoch k + 1's last step for one parameter, as the page writes it out after Next."""
    latest = run.epoch_records(k + 1)[-1]
    previous = run.records[latest.step - 2] if latest.step > 1 else None
    lines = updates.update_lines(config.optimizer, config.hyper, latest, previous)
    mine = [text for text in lines if rf"\text{{{name}}}" in text]
    many = len(run.epoch_records(k + 1)) > 1
    return ([rf"\text{{(the epoch's last step, step {latest.step})}}"] if many else []) + mine


def step(k: int) -> tuple[str, list[str], str, str]:
    """The step's sentences, its equations, what follows them and the step's sentence alone (the loss chart's
    spoken text), after k epochs (k = 0: the starting point)."""
    params = run.after(k)
    steps = run.epoch_records(k) if k else ()
    latest = steps[-1] if steps else None
    label = f"Epoch {k}" if len(steps) == 1 else f"Epoch {k}, step {latest.step}" if latest else ""
    said = step_sentence(latest, label, num, config.optimizer) if latest else ""
    tex, after = [], ""
    if k == 0:
        text = (
            f"**Epoch 0 of {last}{stopped}: the starting point.** Slope {num(params[0])}, "
            f"intercept {num(params[1])}, {loss_name} {num(fit.loss(params))}. Press **Next epoch** to take the "
            "first step."
        )
    else:
        count = (
            f" {len(steps)} steps; the last one, step {latest.step}, is written out below." if len(steps) > 1 else ""
        )
        rate = (
            ""
            if config.schedule == "constant" and not config.warmup
            else f" Learning rate this epoch: {num(latest.learning_rate)}."
        )
        text = (
            f"**Epoch {k} of {last}{stopped}.** {loss_name} at the start of this epoch: "
            f"{num(steps[0].loss)} {literal.md(loss_units)}.{count}{rate}\n\n{said}"
        )
        if config.optimizer != "gd":
            tex += list(updates.RULES_TEX[config.optimizer])
        previous = run.records[latest.step - 2] if latest.step > 1 else None  # record i is step i + 1
        tex += updates.update_lines(config.optimizer, config.hyper, latest, previous)
        if batched:
            whole = fit.whole_gradient(latest.current)
            after = (
                f"This step's gradient came from its batch of {len(latest.rows)} {rows} (marked ◆ on the chart): "
                f"slope {num(latest.gradient[0])}, intercept {num(latest.gradient[1])}. On all {n} {rows} it would "
                f"have been slope {num(whole[0])}, intercept {num(whole[1])}: a batch points roughly, not exactly, "
                "downhill, and costs a fraction of the work."
            )
    return text, tex, after, said


def pictures(k: int, houses, said: str, ends: list, starts: list[float]) -> dict[str, tuple[dict, str]]:
    """Each chart's option and caption after k epochs. `ends`: the parameters after each epoch of the run;
    `starts`: the loss at the start of each epoch (each epoch's first record holds where the last one ended)."""
    params = run.after(k)
    steps = run.epoch_records(k) if k else ()
    latest = steps[-1] if steps else None
    start_line, now_line, best_line = (fit.in_data_units(p) for p in (run.start, params, fit.best))
    drawn = {}
    caption = (
        f"Chart: all {n} {rows} as dots ({y_word} against {x_name}), the starting line (dotted), the line after "
        f"{plural(k, 'epoch')}, {equation(*now_line, x=config.x, dollars=houses_data, y=y_word)}, and the best "
        "line "
        f"(dashed), {equation(*best_line, x=config.x, dollars=houses_data, y=y_word)}."
        + (f" The {len(latest.rows)} {rows} of the latest step's batch are marked ◆." if batched and latest else "")
    )
    spec = echarts.houses(
        houses.x,
        houses.y,
        {"start": start_line, f"after {k} epoch{'' if k == 1 else 's'}": now_line, "best possible": best_line},
        x_title=x_name,
        y_title=axis_name(config.data, config.y),
        batch=latest.rows if batched and latest else None,
        money=houses_data,
        rows=(rows_word(config.data, 1), rows),
    )
    drawn["houses"] = spec, caption
    losses = starts[:k] + [fit.loss(params)]  # after each epoch so far: only the latest is new
    path = [(p[0], value) for p, value in zip(ends[: k + 1], losses) if np.isfinite(value)]
    spread = [s for s, _ in path] + [fit.best[0]]
    lo, hi = min(spread), max(spread)
    pad = max(0.2 * (hi - lo), 0.5 * abs(fit.best[0]), 1e-3)
    slopes = np.linspace(lo - pad, hi + pad, 101)  # (101,): a smooth bowl at any width, and one of them per frame
    with np.errstate(over="ignore", invalid="ignore"):  # a diverged path spans slopes whose loss overflows
        curve = line.bowl_loss((slopes, params[1]), fit.bowl, config.loss)  # (101,), from the sums
    caption = (
        f"Chart: {loss_name} against the slope, drawn at this epoch's intercept {num(params[1])}, with the "
        f"guess after each epoch joined in order. The latest guess is slope {num(params[0])}. Earlier guesses "
        f"had their own intercepts, so they can sit a little off the curve. {said}"
    ).strip()
    spec = echarts.descent_path(
        slopes,
        curve,
        [s for s, _ in path],
        [value for _, value in path],
        loss_title=f"{loss_name} ({loss_units})",
        slope_title=f"slope ({slope_units})",
    )
    drawn["path"] = spec, caption
    epochs = [value for value, loss in zip(range(k + 1), losses) if np.isfinite(loss)]
    caption = (
        f"Chart: {loss_name} on all {rows} after each epoch, from {num(losses[0])} at the start to "
        f"{num(losses[-1])} after {plural(k, 'epoch')}; the dashed line is the lowest possible, {num(fit.best_loss)}."
    )
    spec = echarts.loss_over_epochs(
        epochs,
        [loss for loss in losses if np.isfinite(loss)],
        loss_title=f"{loss_name} ({loss_units})",
        best=fit.best_loss,
        last=last,
    )
    drawn["losses"] = spec, caption
    if config.schedule != "constant" or config.warmup:
        rates = [config.rate(t) for t in range(1, config.epochs + 1)]
        caption = (
            f"Chart: the learning rate of each of the {config.epochs} epochs ({config.schedule} schedule"
            f"{f', {config.warmup} warm-up epochs' if config.warmup else ''}), from {num(rates[0])} in epoch 1 to "
            f"{num(rates[-1])} in epoch {config.epochs}; this epoch is marked ◆."
        )
        drawn["rates"] = echarts.rates(rates, now=k), caption
    return drawn


def ledger_table(records):
    return tables.ledger_frame(records, loss_name, config.optimizer, extended=not plain, rows=n)


@st.cache_resource(max_entries=32, show_spinner=False)
def run_frames(settings, presenting: bool) -> dict:
    """Every epoch of the run as the browser draws it (ui/frames.py): built once per run and presenter mode, and
    shared by every session that runs the same settings (a room on the instructor's link). `settings`
    is the run's config: every page variable the frames read follows from it and the data it names."""
    houses = cached.houses(config.data, config.x, config.y)
    texts, drawn = [], []
    ends = [run.after(j) for j in range(last + 1)]  # the parameters after each epoch, once for every frame
    starts = [run.epoch_records(j)[0].loss for j in range(1, last + 1)]
    for k in range(last + 1):
        text, tex, after, said = step(k)
        stop = ""
        if run.diverged_at is not None and k == last:
            advice = f" The largest stable learning rate for this data is {num(fit.max_stable_lr)}." if plain else ""
            stop = f"The run stops here: in epoch {run.diverged_at} {run.reason}.{advice}"
        texts.append((text, tex, after, stop))
        drawn.append(pictures(k, houses, said, ends, starts))
    layout = [("houses", echarts.HEIGHT, False), ("path", echarts.HEIGHT, False), ("losses", echarts.HEIGHT, True)]
    listed, per_frame = frames.charts(drawn, layout + [("rates", 260, True)])
    table, shown = frames.ledger(run.records, ledger_table, LEDGER_STEPS)
    if plain:
        intro = (
            "One row per parameter per epoch. Check any row: **new = current − learning rate × gradient**, and "
            "the next epoch starts from that new value. The latest epoch is at the top, marked ▶."
        )
    else:
        intro = (
            "One row per parameter per step. Check any row: **new = current − update**, where the update comes "
            "from the optimizer's rule above; the next step starts from that new value. The columns after "
            "*update* are the batch's rows and what the optimizer remembers after the step. The latest step is "
            "at the top, marked ▶."
        )
    table |= {
        "title": "The ledger",
        "intro": frames.html(intro),
        "empty": frames.html("No epochs yet: the ledger fills in as you press Next epoch."),
    }
    every = []
    for k, ((text, tex, after, stop), pictured) in enumerate(zip(texts, per_frame)):
        taken = len(run.up_to(k))
        more = f"Showing the latest {LEDGER_STEPS} of the {taken:,} steps taken." if taken > LEDGER_STEPS else ""
        every.append(
            {
                "text": frames.html(text),
                "tex": tex,
                "after": frames.html(after) + (frames.alert(stop) if stop else ""),
                **pictured,
                "ledger": shown[taken],
                "note": frames.html(more) if more else "",
            }
        )
    return {"frames": every, "charts": listed, "ledger": table}


stepper.stepper("epoch", last, show, frames=run_frames(config, presenting))
if presenting:  # the step's numbers first, then what the page is about
    intro()

with st.expander("Where the gradients come from"):
    over_n = "" if config.loss == "sse" else r"\frac{1}{n}"
    st.latex(rf"\text{{{loss_name}}} = {over_n}\sum_i (y_i - (\text{{slope}}\cdot x_i + \text{{intercept}}))^2")
    st.latex(
        rf"\frac{{\partial\,\text{{{loss_name}}}}}{{\partial\,\text{{slope}}}} = -2{over_n}\sum_i x_i\,(y_i - \hat y_i)"
        r"\qquad"
        rf"\frac{{\partial\,\text{{{loss_name}}}}}{{\partial\,\text{{intercept}}}} = -2{over_n}\sum_i (y_i - \hat y_i)"
    )
    if batched:
        st.markdown(
            f"With mini-batches the sums run over the batch's {rows} only"
            + (", and n is the batch size." if over_n else ".")
        )
    st.markdown(
        f"The loss is a bowl, so its curvature (the Hessian) is the same everywhere. A plain step larger than "
        f"2 ÷ (the largest curvature) = **{num(fit.max_stable_lr)}** overshoots further each time: that is the "
        f"largest stable learning rate for this data and loss."
    )
mse = config.loss == "mse"
code.show(
    "This is the code that computed every number on this page (from `gdcore`, plain numpy). "
    "The loop is the whole algorithm: measure the tilt, step against it, write down the record. The loss "
    f"is defined {rows_word(config.data, 1)} by {rows_word(config.data, 1)} (`sse`, `sse_grad`). "
    + (f"Each batch's step adds up its own {rows} that way; the" if batched else "The")
    + f" loss on all the {rows} comes from `bowl`: a few sums of the data, computed once, give the bowl's "
    f"height and tilt at any line, the same numbers to the last few digits, as fast for a million {rows} as "
    f"for {n}.",
    [
        *(line.predict, line.errors, line.sse, line.sse_grad),
        *((line.loss, line.loss_grad) if mse and batched else ()),
        *(line.Bowl, line.bowl, line.bowl_sse, line.bowl_sse_grad),
        *((line.bowl_loss, line.bowl_loss_grad) if mse else ()),
        *code.training(config),
        *((epoch_batches,) if batched else ()),
        descend,
    ],
)
exports.take_away("descent", chosen, config, run, n)
