"""The epoch stepper of the descent pages: Previous epoch, Next epoch, Play/Pause, Reset, a slider.

The epoch shown lives in st.session_state[key]. Play declares the fragment below with a timer;
only the timer's reruns of the fragment advance the epoch (a full rerun, say from a widget change
while playing, does not), and reaching the end reruns the whole page to stop the timer.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import streamlit as st

TICK = 0.8  # seconds between two frames of Play


def stepper(key: str, last: int, show: Callable[[int], None], stride: int = 1) -> None:
    """Draw the buttons and the slider for epochs 0..`last`, then call show(epoch shown)."""
    playing, restart, full_run = f"{key}:playing", f"{key}:restart", f"{key}:full_run"

    def move(step: int | None) -> None:
        """Button callback: step the epoch shown (None: back to the start) and stop playing."""
        st.session_state[key] = 0 if step is None else min(max(st.session_state[key] + step, 0), last)
        if st.session_state.get(playing):
            st.session_state[playing] = False
            st.session_state[restart] = True  # rerun the page to stop the timer

    def toggle_play() -> None:
        start = not st.session_state.get(playing, False)
        if start and st.session_state[key] >= last:
            st.session_state[key] = 0  # play from the start again
        st.session_state[playing] = start
        st.session_state[restart] = True  # the timer is set when the fragment is declared: rerun the page

    st.session_state[full_run] = True

    @st.fragment(run_every=TICK if st.session_state.get(playing) else None)
    def view() -> None:
        if st.session_state.get(playing) and not st.session_state.pop(full_run, False):
            st.session_state[key] = min(st.session_state[key] + stride, last)
            if st.session_state[key] >= last:
                st.session_state[playing] = False
                st.session_state[restart] = True
        k = st.session_state[key]
        buttons = st.columns([1.4, 1.4, 1, 1])  # room for "Previous epoch" on a 1024 px projector
        buttons[0].button(
            "Previous epoch",
            on_click=move,
            args=(-1,),
            disabled=k == 0,
            icon=":material/skip_previous:",
            width="stretch",
        )
        buttons[1].button(
            "Next epoch",
            on_click=move,
            args=(1,),
            disabled=k >= last,
            type="primary",
            icon=":material/skip_next:",
            width="stretch",
        )
        buttons[2].button(
            "Pause" if st.session_state.get(playing) else "Play",
            on_click=toggle_play,
            disabled=last == 0,
            icon=":material/play_arrow:",
            width="stretch",
            help=None
            if stride == 1
            else f"Play moves {stride} epochs per step, so all {last:,} epochs play in about "
            f"{round(TICK * math.ceil(last / stride))} seconds.",
        )
        buttons[3].button("Reset", on_click=move, args=(None,), icon=":material/restart_alt:", width="stretch")
        if st.session_state.pop(restart, False):
            st.rerun(scope="app")
        if last > 0:
            st.slider("Epochs taken", 0, last, key=key, help="Drag to jump to any epoch of this run.")
        show(st.session_state[key])

    view()
