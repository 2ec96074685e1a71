"""The loss curve page starts from the line the learner guessed on the guess page, so the bowl is drawn around
their own guess."""

from __future__ import annotations

from dataclasses import fields

import streamlit as st

from gdcore import GuessConfig, SlopeConfig, initial_line, lesson
from ui import cached, state
from ui.fmt import money


def guess_line(config: GuessConfig) -> tuple[float, float]:
    """(slope, intercept) of the guess page's line: typed in, or drawn from the seed on the door-to-door averages."""
    if config.start == "random":
        data = cached.door_to_door()
        return initial_line(config.seed, data.x, data.y)
    return config.slope, config.intercept


def carry_guess() -> None:
    """On a visit to the loss curve page whose link sets neither its slope nor its intercept, start from the guess
    page's guess.

    Once per guess: after that, the loss curve page's own changes stand until the learner guesses again.
    A link with the loss curve page's own values still wins. Call right after `state.seed("slope", SlopeConfig)`.
    """
    guess = st.session_state.get("config:guess")
    keys = {f.name: f.metadata["url"] for f in fields(SlopeConfig)}
    if guess is None or not st.session_state.get("_new_visit", True) or st.session_state.get("handoff:guess") == guess:
        return
    if any(key in st.query_params for key in keys.values()):
        return
    st.session_state["handoff:guess"] = guess
    wanted = dict(zip(("slope", "intercept"), map(float, guess_line(guess))))
    values = {}
    for f in fields(SlopeConfig):
        low, high = f.metadata["low"], f.metadata["high"]
        values[f.name] = min(max(wanted[f.name], low), high)
        if values[f.name] != wanted[f.name]:
            state.add_note(
                "slope",
                f"Your guess's {f.name} on {lesson.page('guess')}, {money(wanted[f.name])}, is beyond this page's "
                f"range: starting from {money(values[f.name])}.",
            )
    config = SlopeConfig(**values)
    for name, key in keys.items():
        st.session_state[key] = getattr(config, name)
    st.session_state["config:slope"] = config
