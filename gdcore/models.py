"""The models, one line each: every model's module (its math, config, fit, script, command line and verdicts)
ends with its entry, `MODEL` (gdcore.experiment.Model). Code that takes any model's config looks its model up here
by the config's type (`model_of`); a new model is one module and one line here.
"""

from __future__ import annotations

from gdcore import chain, curve, line, network
from gdcore.experiment import Model

MODELS = (line.MODEL, network.MODEL, chain.MODEL, curve.MODEL)
BY_KEY = {model.key: model for model in MODELS}
BY_CONFIG = {model.config: model for model in MODELS}


def model_of(config) -> Model:
    """The model a config belongs to: its type's, or the nearest base type's (the batches page's BatchConfig is a
    line's)."""
    return next(BY_CONFIG[kind] for kind in type(config).__mro__ if kind in BY_CONFIG)


def script_for(config, data: str, script_name: str = "reproduce.py") -> str:
    """The NumPy script of any model's config, reading the CSV at `data`."""
    return model_of(config).script(config, data, script_name)


def command_for(config, data: str | None = None) -> str | None:
    """The command line that prints this config's ledger; None for a model the command line does not run."""
    command = model_of(config).command
    return command.write(config, data) if command else None
