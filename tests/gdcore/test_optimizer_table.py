"""gdcore.optimizers.TABLE: each entry says what its own rule does. What it remembers is what the rule returns
(the ledger's extra columns), and the step written out with its numbers (a template ui/updates.py fills) names only
what a step has, and shows every memory it keeps, before and after the step."""

from __future__ import annotations

import re
from dataclasses import fields, replace

import numpy as np
import pytest

from gdcore import Dataset, DescentConfig, fit_line
from gdcore.optimizers import BY_KEY, OPTIMIZERS, SETTINGS, TABLE, Setting
from gdcore.race import RaceConfig, race
from gdcore.surfaces import named_surface

STEP = {"g", "lr", "current", "new", "sub", "s", "head"}  # a step's own names (and its optimizer's settings)


def test_the_table_lists_each_optimizer_once_in_the_apps_order() -> None:
    assert [optimizer.key for optimizer in TABLE] == list(OPTIMIZERS) == list(BY_KEY)
    assert len({optimizer.name for optimizer in TABLE}) == len({optimizer.link for optimizer in TABLE}) == len(TABLE)


@pytest.mark.parametrize("key", OPTIMIZERS)
def test_what_an_optimizer_remembers_is_what_its_rule_returns(key: str) -> None:
    optimizer = BY_KEY[key]
    rng = np.random.default_rng(1)
    state: dict = {}
    for _ in range(2):
        _, state = optimizer.rule(rng.normal(size=3), state, rng.normal(size=3), 0.1, **optimizer.own({}))
    assert tuple(name for name in state if name != "s") == optimizer.remembers  # "s": Adam's count of steps


@pytest.mark.parametrize("key", OPTIMIZERS)
def test_a_steps_numbers_name_what_a_step_has_and_every_memory(key: str) -> None:
    optimizer = BY_KEY[key]
    named = {slot for line in optimizer.numbers for slot in re.findall(r"⟨\(?(\w+)\)?⟩", line)}
    memories = set(optimizer.remembers) | {f"was_{name}" for name in optimizer.remembers}
    own = {setting.short for setting in optimizer.settings}
    assert named <= STEP | memories | own, named - STEP - memories - own
    assert set(optimizer.remembers) <= named  # each memory after the step is shown
    assert optimizer.numbers[-1].startswith("⟨head⟩") and optimizer.numbers[-1].endswith("= ⟨new⟩")
    assert optimizer.symbols and optimizer.symbols[-1].startswith(r"\text{new} = \text{current} - \text{lr}")


def changed(setting: Setting) -> float:
    """A value of `setting` away from every default, inside its range."""
    return setting.low + 0.37 * (min(setting.high, 1.0) - setting.low)


@pytest.mark.parametrize("key", OPTIMIZERS)
def test_each_setting_reaches_the_rule_that_reads_it_and_no_other(key: str) -> None:
    """A line's config and the race's config each carry every setting to the rule (nothing dropped on the way), and a
    setting the rule does not read changes nothing."""
    optimizer = BY_KEY[key]
    base = DescentConfig(optimizer=key, epochs=4, batch_size=100)
    data = Dataset(x=np.arange(12.0) % 5, y=np.arange(12.0) ** 0.5, x_name="x", y_name="y")
    first = fit_line(base, data).run.records
    race = RaceConfig(surface="valley", steps=4, **{key: True})  # racing, even if it starts switched off
    raced = race_of(race, key)
    for setting in SETTINGS:
        line_changed = fit_line(replace(base, **{setting.name: changed(setting)}), data).run.records
        assert (line_changed != first) == (setting in optimizer.settings), setting.name
        if setting in optimizer.settings:
            race_changed = race_of(replace(race, **{f"{setting.short}_{key}": changed(setting)}), key)
            assert race_changed != raced, setting.name


def race_of(config: RaceConfig, key: str):
    return race(config, named_surface(config.surface))[key].records


def test_each_setting_is_a_field_with_its_link_key_range_and_default() -> None:
    line = {f.name: f for f in fields(DescentConfig)}
    raced = {f.name: f for f in fields(RaceConfig)}
    for setting in SETTINGS:
        f = line[setting.name]
        assert (f.default, f.metadata["url"], f.metadata["cli"]) == (setting.default, setting.short, f.metadata["cli"])
        assert (f.metadata["low"], f.metadata["high"]) == (setting.low, setting.high)
    for optimizer in TABLE:
        for setting in optimizer.settings:
            f = raced[f"{setting.short}_{optimizer.key}"]
            assert (f.default, f.metadata["url"]) == (setting.default, f"{setting.short}_{optimizer.link}")
            assert (f.metadata["low"], f.metadata["high"]) == (setting.low, setting.high)
