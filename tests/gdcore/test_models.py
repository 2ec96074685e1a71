"""gdcore.models: every config of a model that trains on a data set's columns has its entry, and the command line
runs the models that have a command."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

import gdcore.__main__
import gdcore.minibatch  # noqa: F401  (page 10's config: a line's)
from gdcore.__main__ import build_parser
from gdcore.config import Experiment
from gdcore.data import WINDSOR, read_table
from gdcore.experiment import steps_per_epoch
from gdcore.models import MODELS, model_of


def subclasses(kind: type) -> list[type]:
    found = []
    for sub in kind.__subclasses__():
        found += [sub, *subclasses(sub)]
    return found


@pytest.mark.parametrize("kind", subclasses(Experiment), ids=lambda kind: kind.__name__)
def test_every_experiments_config_has_a_model_that_fits_its_default(kind: type) -> None:
    config = kind(epochs=2)
    fit = model_of(config).fit(config, read_table(WINDSOR))
    assert fit.rows == 546 and len(fit.run.records) == 2 * steps_per_epoch(config, 546)


def test_the_command_line_runs_the_models_that_have_a_command() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    (model,) = [a for a in commands.choices["descend"]._actions if "--model" in a.option_strings]
    assert set(model.choices) == {m.key for m in MODELS if m.command} == {"line", "network"}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.key)
def test_each_model_is_one_module_that_ends_with_its_entry(model) -> None:
    """Its config, fit, script and command line are written in one module, which holds the registry's entry."""
    module = sys.modules[model.config.__module__]
    assert module.MODEL is model
    written_there = [model.fit, model.script, *(vars(model.command).values() if model.command else ())]
    for function in written_there:
        if callable(function):
            assert function.__module__ == module.__name__, function


def test_the_command_line_names_no_model() -> None:
    """What differs between the models on the command line is each model's (its Command), not __main__'s."""
    source = Path(gdcore.__main__.__file__).read_text("utf-8")
    for model in MODELS:
        assert model.config.__name__ not in source
        assert f'"{model.key}"' not in source
