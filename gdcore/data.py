"""Load two numeric columns from a CSV, with errors a learner can read."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
# The data sets that ship with the app, by the name an experiment config (and its link) uses.
SHIPPED = {"windsor": Path("data") / "windsor_housing.csv"}  # relative to the repository
UPLOAD_KEY = r"upload-[0-9a-f]{12}"  # an upload's name: "upload-" and 12 hex digits of its bytes' SHA-256
TITLES = {"windsor": "the Windsor house sales (Windsor, Ontario, 1987)"}
DEFAULT_DATA = "windsor"
WINDSOR = REPO / SHIPPED["windsor"]


def shipped(name: str) -> Path:
    """The file of the shipped data set `name`."""
    return REPO / SHIPPED[name]


class DataError(ValueError):
    """The data cannot be used; the message says why and what to do, in one sentence."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Two numeric columns of the same length: x (the feature) and y (the target)."""

    x: np.ndarray  # (n,) float
    y: np.ndarray  # (n,) float
    x_name: str
    y_name: str


def read_table(source: str | Path | IO) -> pd.DataFrame:
    """Read a CSV (a path or an open file) into a DataFrame, or raise DataError."""
    try:
        # Blank lines are kept for now so that frame.index + 2 is the line number in the file.
        frame = pd.read_csv(source, skip_blank_lines=False)
    except FileNotFoundError:
        raise DataError(f"There is no file at {source}: check the path.") from None
    except IsADirectoryError:
        raise DataError(f"{source} is a folder, not a CSV file.") from None
    except pd.errors.EmptyDataError:
        raise DataError("The file is empty: it needs a header row and rows of numbers.") from None
    except pd.errors.ParserError as error:
        first_line = str(error).strip().splitlines()[0]
        raise DataError(f"This is not a well-formed CSV file ({first_line}).") from None
    except UnicodeDecodeError:
        raise DataError("This file is not text: save it as a CSV (comma-separated values).") from None
    except OSError as error:
        raise DataError(f"Could not open {source}: {error.strerror or error}.") from None
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        # pandas turns extra leading fields into an index instead of complaining.
        raise DataError("Some rows have more fields than the header has column names: check the commas.")
    frame = frame.dropna(how="all")  # blank lines
    if frame.empty:
        raise DataError("The file has a header row but no data rows.")
    return frame


def numeric_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Return column `name` as floats, or raise DataError naming the first bad row."""
    if name not in frame.columns:
        known = ", ".join(f"'{column}'" for column in frame.columns)
        raise DataError(f"There is no column named '{name}'. The columns are: {known}.")
    values = pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        row = bad[0]
        raw = frame[name].iloc[row]
        shown = "an empty cell" if pd.isna(raw) else f"'{raw}'"
        # Line numbers as a text editor shows them: the header is line 1.
        raise DataError(
            f"Column '{name}' must hold finite numbers, but line {frame.index[row] + 2} holds {shown}"
            f" ({bad.size} bad row{'s' if bad.size > 1 else ''} in all): fix or remove them."
        )
    return values


def select_xy(frame: pd.DataFrame, x: str, y: str) -> Dataset:
    """Pick the feature and target columns, checking they can be fitted with a line."""
    xs, ys = numeric_column(frame, x), numeric_column(frame, y)
    if np.unique(xs).size < 2:
        raise DataError(
            f"Column '{x}' needs at least two different values to fit a line, but every row holds {xs[0]:g}."
        )
    return Dataset(x=xs, y=ys, x_name=x, y_name=y)


def load_xy(source: str | Path | IO, x: str, y: str) -> Dataset:
    """Read a CSV and return its columns `x` and `y` as a Dataset, or raise DataError."""
    return select_xy(read_table(source), x, y)


def mean_by_value(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The door-to-door table: each distinct x, the mean y of its rows, and how many rows.

    Returns (values, means, counts), each of shape (k,), values sorted ascending.
    """
    values, group = np.unique(x, return_inverse=True)
    counts = np.bincount(group)
    means = np.bincount(group, weights=y) / counts
    return values, means, counts


def select_columns(frame: pd.DataFrame, xs, y: str) -> tuple[np.ndarray, np.ndarray]:
    """Several numeric feature columns and a target: X of shape (n, len(xs)) and y of shape (n,)."""
    X = np.column_stack([numeric_column(frame, name) for name in xs])  # (n, k)
    return X, numeric_column(frame, y)


def numeric_columns(frame: pd.DataFrame) -> list[str]:
    """The columns that hold only finite numbers: the ones a model can use."""
    return [name for name in frame.columns if np.isfinite(pd.to_numeric(frame[name], errors="coerce")).all()]
