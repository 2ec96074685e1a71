"""gdcore.optimizers.TABLE: each entry says what its own rule does. What it remembers is what the rule returns
(the ledger's extra columns), and the step written out with its numbers (a template ui/updates.py fills) names only
what a step has, and shows every memory it keeps, before and after the step."""

from __future__ import annotations

import re

import numpy as np
import pytest

from gdcore.optimizers import BY_KEY, OPTIMIZERS, TABLE, Hyper

STEP = {"g", "lr", "current", "new", "eps", "mu", "alpha", "b1", "b2", "sub", "s", "head"}  # a step's own names


def test_the_table_lists_each_optimizer_once_in_the_apps_order() -> None:
    assert [optimizer.key for optimizer in TABLE] == list(OPTIMIZERS) == list(BY_KEY)
    assert len({optimizer.name for optimizer in TABLE}) == len({optimizer.link for optimizer in TABLE}) == len(TABLE)


@pytest.mark.parametrize("key", OPTIMIZERS)
def test_what_an_optimizer_remembers_is_what_its_rule_returns(key: str) -> None:
    optimizer = BY_KEY[key]
    rng = np.random.default_rng(1)
    state: dict = {}
    for _ in range(2):
        _, state = optimizer.rule(rng.normal(size=3), state, Hyper(lr=0.1))
    assert tuple(name for name in state if name != "s") == optimizer.remembers  # "s": Adam's count of steps


@pytest.mark.parametrize("key", OPTIMIZERS)
def test_a_steps_numbers_name_what_a_step_has_and_every_memory(key: str) -> None:
    optimizer = BY_KEY[key]
    named = {slot for line in optimizer.numbers for slot in re.findall(r"⟨\(?(\w+)\)?⟩", line)}
    memories = set(optimizer.remembers) | {f"was_{name}" for name in optimizer.remembers}
    assert named <= STEP | memories, named - STEP - memories
    assert set(optimizer.remembers) <= named  # each memory after the step is shown
    assert optimizer.numbers[-1].startswith("⟨head⟩") and optimizer.numbers[-1].endswith("= ⟨new⟩")
    assert optimizer.symbols and optimizer.symbols[-1].startswith(r"\text{new} = \text{current} - \text{lr}")
