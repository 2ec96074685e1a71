"""The "Show the code" section every stepping page ends with: a few words, then the source of each function that
computed the page's numbers, as gdcore has it (plain numpy), each once."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable

import streamlit as st

from gdcore import optimizers, schedules
from gdcore.config import Training


def training(config: Training) -> list[Callable]:
    """How the config walks downhill beyond plain steps: its optimizer's rule (after any rule it builds on) and
    its learning-rate schedule's, when they are not the plain ones."""
    functions = optimizers.with_what_it_calls(optimizers.RULES[config.optimizer])
    return functions + ([schedules.RULES[config.schedule]] if config.schedule != "constant" else [])


def show(words: str, functions: Iterable[Callable]) -> None:
    """The section: `words` (markdown), then each function's source once, in the order given."""
    with st.expander("Show the code"):
        st.markdown(words)
        for function in dict.fromkeys(functions):  # each once, in order
            st.code(inspect.getsource(function), language="python")
