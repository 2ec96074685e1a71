"""How a page opens, the same way on every page that runs an experiment: the run cut to the work budget, then the
title, the stage presenter mode puts the stepper on, the epoch shown (from the link or the last visit), the notes on
link values that were ignored and the note on a run the budget cut. A page script calls `affordable` for its config
and `top` once, and goes on with the lesson's words; its stepper's callback writes the link (ui.state.publish)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

import streamlit as st

from gdcore.config import Training
from gdcore.experiment import within_budget
from gdcore.lesson import heading
from ui import cached, controls, present, state


def affordable(chosen: Training) -> Training:
    """What a page runs: `chosen` with no more epochs than the work budget allows on its data (batches of 1 take
    many steps an epoch). `top` says so when it cuts the run."""
    return within_budget(chosen, cached.row_count(chosen.data))


def top(
    title: str,
    page: str,
    last: int | None = None,
    budget: tuple[Training, Training, int] | None = None,
    *,
    key: str = "epoch",
    unit: str = "epoch",
    was: str = "",
    views: Callable[[], None] | None = None,
    stage: bool = False,
):
    """The top of the page whose title is lesson page `title` and whose state and notes are kept under `page`
    (ui.state; the landscape and check pages share the descent page's).

    `last`: the run's last epoch (or step: `unit`), when the page steps through it: the one shown, 0..last, is
    seeded into session key `key` from the link's epoch= (step=; `was`: the key older links used). `views`: seeds
    the page's other view settings from the link, before the notes say what was ignored. `budget`:
    (chosen, config, rows), when the page cut the run (`affordable`). `stage`: in presenter mode, the place right
    under the title where the page then draws its stepper (`with stage:`). Returns it (a no-op without one)."""
    st.title(heading(title))
    placed = present.stage() if stage else contextlib.nullcontext()
    if last is not None:
        state.seed_epoch(page, last, key=key, unit=unit, was=was)
    if views is not None:
        views()
    state.show_notes(page)
    if budget is not None:
        controls.show_budget(*budget)
    return placed
