"""gdcore.models: every config of a model that trains on a data set's columns has its entry, and the command line
runs the models that have a command."""

from __future__ import annotations

import argparse

import pytest

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
