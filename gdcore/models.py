"""The models the app trains on a data set's columns, one entry each: its config, how it trains on a table, its
NumPy script and its command line. Code that takes any model's config looks its model up here by the config's
type (`model_of`), where it used to ask isinstance of each config in turn; a new model is one entry here.

(The ball's curve has no data set: it trains through the same loop, gdcore.experiment.train, from its page.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from gdcore.chain import ChainConfig, fit_chain
from gdcore.config import DescentConfig, NetworkConfig, to_command
from gdcore.data import select_columns, select_xy
from gdcore.experiment import fit_line, fit_network
from gdcore.export import chain_script, network_command, network_script, numpy_script


@dataclass(frozen=True)
class Model:
    """One model: what the app does with any config of its type."""

    key: str  # its name on the command line (--model): "line"
    config: type  # its frozen config
    fit: Callable  # fit(config, table) -> its fit (.run: the records; .rows: how many rows it saw), or DataError
    script: Callable  # script(config, data, script_name) -> a standalone NumPy script that prints its ledger
    command: Callable | None = None  # command(config, data) -> the command line that prints it; None: it has none


def fit_line_on(config: DescentConfig, table: pd.DataFrame):
    return fit_line(config, select_xy(table, config.x, config.y))


def fit_network_on(config: NetworkConfig, table: pd.DataFrame):
    return fit_network(config, *select_columns(table, config.inputs, config.y))  # X (n, 3), y (n,)


def fit_chain_on(config: ChainConfig, table: pd.DataFrame):
    return fit_chain(config, *select_columns(table, config.columns, config.y))  # X (n, 3), y (n,)


MODELS = (
    Model("line", DescentConfig, fit_line_on, numpy_script, to_command),
    Model("network", NetworkConfig, fit_network_on, network_script, network_command),
    Model("chain", ChainConfig, fit_chain_on, chain_script),
)
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
    return command(config, data) if command else None
