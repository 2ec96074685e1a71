"""Cached wrappers at the app's edge, keyed on small frozen configs and data-set names, not on arrays."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import streamlit as st

import gdcore
from gdcore import DescentConfig, NetworkConfig, curve, line
from gdcore.chain import ChainConfig, ChainFit
from gdcore.data import DEFAULT_DATA, SHIPPED, shipped
from gdcore.models import model_of
from ui import uploads


def table(data: str) -> pd.DataFrame:
    """The data set `data`: a shipped one (say "windsor"), every column, or this session's upload, its
    numeric columns (ui.uploads; the page let `data` through only if this session has it)."""
    return shipped_table(data) if data in SHIPPED else uploads.table(data)


@st.cache_data(show_spinner=False)
def shipped_table(data: str) -> pd.DataFrame:
    return gdcore.read_table(shipped(data))


@st.cache_data(show_spinner=False, max_entries=64)  # uploads come and go: keep the latest
def houses(data: str, x: str, y: str) -> gdcore.Dataset:
    """Feature x and target y of the data set `data`."""
    return gdcore.select_xy(table(data), x, y)


@st.cache_data(show_spinner=False, max_entries=64)  # uploads come and go: keep the latest
def house_columns(data: str, inputs: tuple[str, ...], y: str) -> tuple[np.ndarray, np.ndarray]:
    """Several input columns of the data set `data`, X (n, k), and the target y (n,), raw."""
    return gdcore.select_columns(table(data), inputs, y)


@st.cache_data(show_spinner=False, max_entries=64)  # uploads come and go: keep the latest
def row_count(data: str) -> int:
    """How many rows (houses) the data set has."""
    return len(table(data))


@st.cache_data(show_spinner=False, max_entries=64)  # uploads come and go: keep the latest
def numeric_columns(data: str) -> list[str]:
    """The data set's columns that hold only numbers: the ones a model can use."""
    return gdcore.numeric_columns(table(data))


@st.cache_data(show_spinner=False)
def door_to_door(data: str = DEFAULT_DATA) -> gdcore.Dataset:
    """The door-to-door table of the guess and loss curve pages: one row per bedroom count, with the average price
    of those houses."""
    houses_ = houses(data, "bedrooms", "price")
    values, means, _ = gdcore.mean_by_value(houses_.x, houses_.y)
    return gdcore.Dataset(x=values, y=means, x_name=houses_.x_name, y_name=houses_.y_name)


@st.cache_data(show_spinner=False)
def door_to_door_counts(data: str = DEFAULT_DATA) -> np.ndarray:
    houses_ = houses(data, "bedrooms", "price")
    return gdcore.mean_by_value(houses_.x, houses_.y)[2]


@st.cache_data(show_spinner=False, max_entries=64)
def fit(config: DescentConfig | NetworkConfig | ChainConfig) -> gdcore.Fit | gdcore.NetworkFit | ChainFit:
    """The run `config` describes, on its data set: a line, the small network or a deep chain (gdcore.models)."""
    return model_of(config).fit(config, table(config.data))


@st.cache_data(show_spinner=False, max_entries=32)
def _restarts(config: NetworkConfig, n: int) -> list[tuple[int, float]]:
    return gdcore.restart_losses(config, *house_columns(config.data, config.inputs, config.y), range(n))


def restarts(config: NetworkConfig, n: int) -> list[tuple[int, float]]:
    """(seed, final loss) of the network for seeds 0..n-1, all else as in `config`; inf for a run that diverged.

    Keyed on the config without its seed, so picking another seed for the page's run reuses them.
    """
    return _restarts(replace(config, seed=NetworkConfig().seed), n)


@st.cache_data(show_spinner=False)
def sklearn_line(data: str, x: str, y: str) -> tuple[float, float]:
    """scikit-learn's least-squares (slope, intercept), in the data's own units."""
    from sklearn.linear_model import LinearRegression  # 1.2 s to import: only the check page needs it (ui/startup.py)

    points = houses(data, x, y)
    model = LinearRegression().fit(points.x.reshape(-1, 1), points.y)  # X: (n_samples, 1)
    return float(model.coef_[0]), float(model.intercept_)


@st.cache_data(show_spinner=False)
def normal_equation_line(data: str, x: str, y: str) -> tuple[float, float]:
    points = houses(data, x, y)
    return line.least_squares(points.x, points.y)


@st.cache_data(show_spinner=False, max_entries=64)
def roll(config: curve.CurveConfig, learning_rate: float | None = None) -> gdcore.Run:
    """The ball's roll down the config's curve, at its own learning rate or at `learning_rate`."""
    return curve.roll(config, learning_rate=learning_rate)


@st.cache_data(show_spinner=False, max_entries=16)
def drops(config: curve.CurveConfig) -> list[curve.Drop]:
    """A roll from each of the config's random drops."""
    return curve.drop_all(config)
