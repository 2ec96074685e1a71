"""The ball page's roll, step by step: each step's sentences and equations, the hill, the loss and rate, the race of
three learning rates and its scoreboard as the browser draws them (`run_frames`), and the section on many drops,
each read from one `View` of the roll."""

from __future__ import annotations

import functools
from dataclasses import replace
from html import escape

import numpy as np
import pandas as pd
import streamlit as st

from gdcore import curve
from gdcore.curve import CurveConfig, ball_verdict
from gdcore.descent import Run
from ui import cached, echarts, frames, hill, updates
from ui.fmt import num, plural


class View:
    """One roll of the ball as the page tells it: its config and run, where the ball was, the curve's valleys, the
    stretch of w on screen, and the race of the config's three learning rates."""

    def __init__(self, config: CurveConfig, run: Run) -> None:
        self.config, self.run = config, run
        self.last = len(run.records)
        self.ws = curve.path(run)  # where the ball was: the start, then after each step
        self.bottoms, _ = curve.turning_points(config.curve)
        self.deepest = curve.bottom(config.curve)
        self.low, self.high = hill.view(self.ws)
        # Where a click on the curve drops the ball, shape (m,).
        self.grid = np.round(np.arange(max(self.low, -20.0), min(self.high, 20.0) + 1e-9, 0.05), 2)
        self.rates = {"first": config.small, "second": config.right, "third": config.large}

    @functools.cached_property
    def racers(self) -> list[tuple[float, list[float]]]:
        """The three learning rates of the race and where each ball was: the start, then after each step."""
        return [(lr, curve.path(cached.roll(self.config, lr))) for lr in self.rates.values()]

    @functools.cached_property
    def verdicts(self) -> list[tuple]:
        """Each racer's name, learning rate, path, what its ball does and the steps it takes to the bottom: the same
        at every step of the scoreboard."""
        found = []
        for (which, lr), (_, path) in zip(self.rates.items(), self.racers):
            run = cached.roll(self.config, lr)
            outcome = ball_verdict(replace(self.config, learning_rate=lr), run)
            arrived = curve.steps_to_bottom(run, self.config.curve, self.config.tolerance)
            found.append((which, lr, path, outcome, arrived))
        return found


def words(v: View, k: int) -> str:
    """The step's sentences and its equations, as HTML (k = 0: where the ball is dropped)."""
    if k == 0:
        slope = float(curve.slope(v.config.curve, v.ws[0]))
        return frames.html(
            f"**Step 0 of {v.last}: the ball sits at w = {num(v.ws[0])}**, where the loss is "
            f"{num(float(curve.loss(v.config.curve, v.ws[0])))} and the slope is {num(slope)}. Press **Next step** to "
            "let it roll."
        )
    record = v.run.records[k - 1]
    scheduled = v.config.schedule != "constant" or v.config.warmup
    rate = " (this step's rate, from the schedule)" if scheduled else ""
    text = frames.html(
        f"**Step {k} of {v.last}.** The ball was at w = {num(record.current[0])}, where the loss is "
        f"{num(record.loss)} and the slope is {num(record.gradient[0])}. It moves against the slope, "
        f"with learning rate {num(record.learning_rate)}{rate}:"
    )
    rules = []
    if v.config.optimizer != "gd":
        rules = [
            r.replace(r"\text{current}", "w").replace(r"\text{new}", r"w_\text{new}")
            for r in updates.RULES_TEX[v.config.optimizer]
        ]
    lines = updates.update_lines(v.config.optimizer, v.config.hyper, record, v.run.records[k - 2] if k > 1 else None)
    return text + "".join(frames.tex(line) for line in [*rules, *lines])


def pictures(v: View, k: int, losses: list[float], rates: list[float]) -> dict[str, tuple[dict, str]]:
    """Each chart's option and caption after k steps: the hill with the ball, the loss and rate, the race."""
    spec = hill.hill(v.config.curve, v.ws[: k + 1], clickable=v.grid, span=(v.low, v.high))
    left = "" if v.low <= v.ws[k] <= v.high else " The ball has left the chart."
    caption = (
        f"Chart: the loss against w ({'one valley' if v.config.curve == 'bowl' else 'four valleys'}), the "
        f"start at w = {num(v.ws[0])} (triangle), the ball's {plural(k, 'step')} joined in order, and the ball now at "
        f"w = {num(v.ws[k])} (large circle).{left} Click the curve to drop the ball somewhere else."
    )
    drawn = {"hill": (spec, caption)}
    caption = (
        f"Chart: the loss after each step (top), from {num(losses[0])} at the start to {num(losses[-1])} after "
        f"{v.last} steps, and the learning rate of each step (bottom), "
        + (f"{num(rates[0])} every step" if len(set(rates)) == 1 else f"from {num(rates[0])} to {num(rates[-1])}")
        + f"; step {k} is marked ◆."
    )
    drawn["losses"] = hill.loss_and_rate(losses, rates, now=k, last=v.config.epochs), caption
    paths, gone = {}, []
    for lr, path in v.racers:
        now = min(k, len(path) - 1)
        paths[f"rate {lr:g}"] = path[: now + 1]
        if not curve.LOW <= path[now] <= curve.HIGH:
            gone.append(f"{lr:g}")
    off = f" The ball at rate {' and '.join(gone)} is off the chart." if gone else ""
    caption = (
        f"Chart: three balls dropped at w = {num(v.config.start)}, one per learning rate ({', '.join(paths)}), each "
        f"with a colour, a marker shape and a line style, after {plural(k, 'step')}.{off}"
    )
    drawn["race"] = hill.race(v.config.curve, paths), caption
    return drawn


def scoreboard(v: View, k: int) -> str:
    """The race's scoreboard after k steps, as HTML."""
    board = []
    for which, lr, path, outcome, arrived in v.verdicts:
        now = min(k, len(path) - 1)
        board.append(
            {
                "learning rate": f"{lr:g} ({which})",
                "what the ball does": outcome.kind,
                f"steps to within {v.config.tolerance:g} of the bottom": "never" if arrived is None else str(arrived),
                f"w after {plural(k, 'step')}": num(path[now]) + ("" if now == k else f" (it stopped at step {now})"),
                f"loss after {plural(k, 'step')}": num(float(curve.loss(v.config.curve, path[now]))),
            }
        )
    never = (
        f"“never”: not within {v.config.tolerance:g} of the lowest point (w = {num(v.deepest, 4)}) at the end of the "
        f"{v.config.epochs} steps."
    )
    caption = f"The scoreboard after {plural(k, 'step')}: each learning rate's ball, what it does and where it is."
    return frames.table(board, caption, names=("learning rate", "what the ball does")) + (
        f'<p class="note">{escape(never)}</p>'
    )


def run_frames(v: View) -> dict:
    """Every step of the roll as the browser draws it (ui/frames.py; the page caches them per run and presenter
    mode, for every session with the same settings)."""
    losses = [float(curve.loss(v.config.curve, w)) for w in v.ws]
    rates = [v.config.rate(t) for t in range(1, v.config.epochs + 1)]
    drawn = [pictures(v, k, losses, rates) for k in range(v.last + 1)]
    layout = [("hill", echarts.HEIGHT, True, {"pick": hill.DROP}), ("losses", 420, True)]
    layout += [("race", echarts.HEIGHT, True)]
    listed, per_frame = frames.charts(drawn, layout)
    store, shown = frames.sections([{"words": words(v, k), "board": scoreboard(v, k)} for k in range(v.last + 1)])
    three = frames.heading("Three learning rates, one hill") + frames.html(
        f"The same ball, dropped at w = {num(v.config.start)}, with three learning rates (set them in the sidebar). "
        f"The scoreboard counts the steps until the ball stays within {v.config.tolerance:g} of the lowest point "
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


def many_drops(v: View, chosen: CurveConfig) -> None:
    """The section on local minima: many balls dropped at random on the curve (`chosen`: the drops asked for, which
    the page's work budget may cut), where each ended, and which valley is the deepest."""
    config, bottoms, deepest = v.config, v.bottoms, v.deepest
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
        starts, ends, valleys = [d.start for d in results], [d.end for d in results], [d.valley for d in results]
        spec = hill.drops(config.curve, starts, ends, valleys)
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
                help="Sets the optimizer to momentum in the sidebar's Advanced section: v = μ·v + slope, "
                "w_new = w − lr·v.",
            )
