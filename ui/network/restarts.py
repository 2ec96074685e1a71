"""The network page's random restarts: the same network trained from several seeds, where each run ends, and what
that says about local minima."""

from __future__ import annotations

import math

import streamlit as st

from gdcore import experiment
from gdcore.experiment import step_work, steps_per_epoch
from gdcore.narrate import Verdict
from ui import cached, exports
from ui.fmt import num
from ui.network import charts
from ui.network import words as wording
from ui.network.controls import DEFAULT, MAX_RESTARTS, RESTARTS
from ui.network.stepping import View


def section(v: View, outcome: Verdict) -> None:
    """The section on restarts, for the page's run `v` (`outcome`: its verdict, which says if it barely moved)."""
    config, fit = v.config, v.fit
    st.subheader("Random restarts: does the start matter?")
    st.markdown(
        "A line's loss is a bowl with one bottom, so any start rolls to the same answer. A network's loss can have "
        "several valleys. Gradient descent only ever walks downhill from where it starts, so different seeds can "
        "end in different places. Train the same network from several seeds and see where each run ends:"
    )
    n = st.slider(
        "Number of runs (seeds 0 to N − 1)",
        1,
        MAX_RESTARTS,
        key=RESTARTS,
        help="Each run uses the settings in the sidebar, with its own seed.",
    )
    run_steps = config.epochs * steps_per_epoch(config, v.n_rows)  # steps in one run
    if n * run_steps * step_work(config) > experiment.RESTART_BUDGET:  # fewer seeds, rather than a busy server
        wanted, n = n, max(1, experiment.RESTART_BUDGET // (run_steps * step_work(config)))
        st.info(
            f"Each run takes {run_steps:,} steps with these batches, so {wanted} runs would take "
            f"{wanted * run_steps:,}. "
            f"To keep the page quick, only seeds 0 to {n - 1} are trained ({n} run{'' if n == 1 else 's'}). A larger "
            "batch, or fewer epochs, allows more runs.",
            icon=":material/timer:",
        )
    with st.spinner(f"Training {n} networks, {wording.epochs(config.epochs)} each..."):
        results = cached.restarts(config, n)
    finished = [(seed, value) for seed, value in results if math.isfinite(value)]
    blown = len(results) - len(finished)
    if not finished:
        st.error(
            f"All {n} runs diverged at learning rate {config.learning_rate:g}: the numbers grew too large to store. "
            f"Try a smaller learning rate, such as {DEFAULT.learning_rate:g}."
        )
    else:
        best_seed, best = min(finished, key=lambda result: result[1])
        worst = max(value for _, value in finished)
        mine = dict(finished).get(config.seed)
        fig = charts.restarts_chart(
            [value for _, value in finished],
            loss_title=f"final {v.loss_name} after {wording.epochs(config.epochs)} ({v.loss_units})",
            mine=mine,
            best=best,
        )
        st.plotly_chart(fig, width="stretch", key="net_restarts_chart", config=exports.png("network-restarts"))
        yours = (
            f"this page's run (seed {config.seed}) ended at {num(mine)}"
            if mine is not None
            else f"this page's seed, {config.seed}, is not among them"
        )
        st.caption(
            f"Chart: a histogram of the final {v.loss_name} of {len(finished)} runs (seeds 0 to {n - 1}), across in "
            f"{v.loss_units}, up the number of runs ending there. Best: seed {best_seed} at {num(best)} (dashed line); "
            f"worst: {num(worst)}; {yours} (dotted line)."
        )
        dollars = v.in_y(fit.dollars_error(best))
        st.markdown(f"**Best of {n}: seed {best_seed}**, {v.loss_name} {num(best)}, a typical error of {dollars}.")

        def use_best() -> None:
            st.session_state.seed = best_seed

        if best_seed != config.seed:
            st.button(f"Show the run from seed {best_seed}", on_click=use_best, icon=":material/trophy:")
        if outcome.kind == "crawling":
            st.markdown(
                f"At learning rate {config.learning_rate:g} the runs barely moved in "
                f"{wording.epochs(config.epochs)}, so these losses are mostly where they started, not where they "
                "would settle. Raise the learning rate to see whether different starts end in different valleys."
            )
        elif worst - best > 0.01 * best:
            st.markdown(
                f"The runs did not all end in the same place: from {num(best)} to {num(worst)}. A run can settle in a "
                "valley that is not the deepest (a **local minimum**: uphill in every direction from where it "
                "stands), or still be crossing a flat stretch when the epochs run out. Nothing in the gradient tells "
                "it that a deeper valley exists somewhere else. The everyday answer is this chart: start from several "
                f"seeds and keep the best, here seed {best_seed}."
            )
        else:
            st.markdown(
                f"All {len(finished)} runs ended at about the same {v.loss_name} ({num(best)} to {num(worst)}): from "
                "these starts they found valleys equally deep. With another activation, other inputs or fewer epochs "
                "they may part, and then the best of several starts is the answer to local minima."
            )
    if blown and finished:
        st.warning(
            f"{blown} of the {n} runs diverged (their numbers grew too large to store); the chart leaves them out."
        )
