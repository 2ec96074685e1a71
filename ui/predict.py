"""Predict, then reveal: before the next step, a learner writes down what one number will become.

The run is computed already, so the true value is known; it stays hidden until Reveal. Then the
learner sees the value, how far off the prediction was (also as a share of the step), and the
step's arithmetic with its own numbers, the same equations the page shows after Next.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import streamlit as st

from ui.fmt import num


def _reveal(key: str) -> None:
    st.session_state[key] = True


def how_far(guess: float, now: float, true: float) -> str:
    """How far off a prediction was, in words: by how much, and against the size of the step."""
    off = abs(guess - true)
    step = abs(true - now)
    if off == 0:
        return "Exactly right."
    share = ""
    if step and math.isfinite(step):
        share = f" That is {num(100 * off / step, 2)}% of the step's size ({num(step)})."
    side = "too high" if guess > true else "too low"
    return f"You were off by {num(off)}, {side}.{share}"


def box(
    page: str,
    k: int,
    last: int,
    names: Sequence[str],
    now: Sequence[float],
    then: Sequence[float] | None,
    arithmetic: Callable[[str], list[str]],
    unit: str = "epoch",
) -> None:
    """A prediction box for the step after `k`: `now` are the parameters after k, `then` after k + 1
    (None at the end of the run), `arithmetic(name)` the LaTeX lines of that step for one parameter."""
    with st.expander("Predict, then reveal: what will the next step do?", icon=":material/psychology:"):
        if then is None or k >= last:
            st.markdown(f"This is the last {unit} of the run: there is no next step to predict. Reset starts over.")
            return
        name = names[0]
        if len(names) > 1:
            name = st.selectbox("The number to predict", names, key=f"predict:{page}:name")
        i = list(names).index(name)
        st.markdown(
            f"The {name} is **{num(now[i])}** now. Look at its gradient and the learning rate, then write down what "
            f"it will be after {unit} {k + 1}."
        )
        guess = st.number_input(
            f"Your prediction: the {name} after {unit} {k + 1}",
            value=None,
            format="%g",
            key=f"predict:{page}:{k}:{name}",
            placeholder="type a number",
        )
        shown = f"revealed:{page}:{k}:{name}"
        st.button(
            "Reveal",
            key=f"reveal:{page}:{k}:{name}",
            on_click=_reveal,
            args=(shown,),
            icon=":material/visibility:",
            disabled=bool(st.session_state.get(shown)),
        )
        if not st.session_state.get(shown):
            return
        true = then[i]
        said = how_far(guess, now[i], true) if guess is not None else "You made no prediction this time."
        st.markdown(f"After {unit} {k + 1} the {name} is **{num(true)}**. {said} The arithmetic:")
        for text in arithmetic(name):
            st.latex(text)
