"""Cached wrappers at the app's edge, keyed on small frozen configs, not on arrays."""

from __future__ import annotations

import numpy as np
import streamlit as st
from sklearn.linear_model import LinearRegression

import gdcore
from gdcore import DescentConfig, line


@st.cache_data(show_spinner=False)
def houses(x: str = "bedrooms", y: str = "price") -> gdcore.Dataset:
    """All 546 Windsor house sales: feature x, target y."""
    return gdcore.load_xy(gdcore.WINDSOR, x, y)


@st.cache_data(show_spinner=False)
def house_columns(inputs: tuple[str, ...], y: str = "price") -> tuple[np.ndarray, np.ndarray]:
    """Several input columns of the Windsor houses, X (546, k), and the target y (546,), raw."""
    return gdcore.select_columns(gdcore.read_table(gdcore.WINDSOR), inputs, y)


@st.cache_data(show_spinner=False)
def row_count() -> int:
    """How many houses the data has."""
    return len(gdcore.read_table(gdcore.WINDSOR))


@st.cache_data(show_spinner=False)
def numeric_columns() -> list[str]:
    """The Windsor columns that hold only numbers: the ones a model can use."""
    return gdcore.numeric_columns(gdcore.read_table(gdcore.WINDSOR))


@st.cache_data(show_spinner=False)
def door_to_door() -> gdcore.Dataset:
    """The door-to-door table: one row per bedroom count, with the average price of those houses."""
    data = houses()
    values, means, _ = gdcore.mean_by_value(data.x, data.y)
    return gdcore.Dataset(x=values, y=means, x_name=data.x_name, y_name=data.y_name)


@st.cache_data(show_spinner=False)
def door_to_door_counts() -> np.ndarray:
    data = houses()
    return gdcore.mean_by_value(data.x, data.y)[2]


@st.cache_data(show_spinner=False, max_entries=64)
def fit(config: DescentConfig) -> gdcore.Fit:
    """The descent `config` describes, on the Windsor houses."""
    return gdcore.fit_line(config, houses(config.x, config.y))


@st.cache_data(show_spinner=False)
def sklearn_line(x: str = "bedrooms", y: str = "price") -> tuple[float, float]:
    """scikit-learn's least-squares (slope, intercept), in the data's own units."""
    data = houses(x, y)
    model = LinearRegression().fit(data.x.reshape(-1, 1), data.y)  # X: (n_samples, 1)
    return float(model.coef_[0]), float(model.intercept_)


@st.cache_data(show_spinner=False)
def normal_equation_line(x: str = "bedrooms", y: str = "price") -> tuple[float, float]:
    data = houses(x, y)
    return line.least_squares(data.x, data.y)
