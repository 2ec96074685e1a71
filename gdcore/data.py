"""Load two numeric columns from a CSV, with errors a learner can read."""

from __future__ import annotations

import csv
import io
import math
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
# A column whose values differ by less than this cannot be a line's x or y: squared, the difference falls below
# the smallest normal 64-bit float (2.2e-308), so losses, gradients and standard deviations round to 0.
TINY = 1e-150
SEPARATORS = {",": "comma", ";": "semicolon", "\t": "tab"}  # how a sentence names a file's separator


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
        raise DataError(f"There is no file at {source}; check the path.") from None
    except IsADirectoryError:
        raise DataError(f"{source} is a folder, not a CSV file.") from None
    except pd.errors.EmptyDataError:
        raise DataError("The file is empty; it needs a header row and rows of numbers.") from None
    except UnicodeDecodeError:  # before ValueError, which it is a kind of
        raise DataError("This file is not text; save it as a CSV (comma-separated values).") from None
    except (pd.errors.ParserError, ValueError):
        raise DataError(malformed(source)) from None
    except OSError as error:
        raise DataError(f"Could not open {source} ({error.strerror or error}).") from None
    if not frame.index.equals(pd.RangeIndex(len(frame))):  # pandas makes extra leading fields an index
        raise DataError(malformed(source))
    frame = frame.dropna(how="all")  # blank lines
    if frame.empty:
        raise DataError("The file has a header row but no data rows; add rows of numbers under it.")
    return frame


def malformed(source: str | Path | IO) -> str:
    """The sentence for a CSV that pandas could not read: the first line the csv module finds at fault."""
    try:
        if hasattr(source, "read"):
            source.seek(0)
            text = source.read()
            text = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
        else:
            text = Path(source).read_text("utf-8-sig", errors="replace")
        header, rows = csv_records(text)
        wide = next(((line, len(fields)) for line, fields in rows if len(fields) > len(header)), None)
        if wide:
            return too_wide(*wide, len(header))
    except DataError as error:
        return str(error)
    except (OSError, ValueError):
        pass
    return "This file cannot be read as a table of comma-separated values; check its commas and quotes."


def too_wide(line: int, count: int, width: int, separator: str = ",") -> str:
    """The sentence for a row with more values than the header has names."""
    return (
        f"Line {line} has {count} values but the header row names {width} columns; check that line's "
        f"{SEPARATORS[separator]}s (a value that holds a {SEPARATORS[separator]} needs quotes around it)."
    )


def unreadable(reason: str, line: int, at: int, words: str) -> str:
    """The sentence for a record the csv module cannot read: it starts on `line`, the error came on line `at`."""
    if "unexpected end of data" in reason:
        return (
            f'Line {line} opens a quote (") that is never closed, so the rest of the file would be one value; close '
            "the quote or remove it."
        )
    if "expected after" in reason:
        return (
            f'Line {at} has text right after a closing quote ("); a quoted value must end at one of the {words}, so '
            "remove the stray quote."
        )
    if "field limit" in reason:
        return (
            f"Line {line} holds a value longer than {csv.field_size_limit():,} characters; a quote that is never "
            "closed can do that, so check the quotes before that line."
        )
    return f"Line {line} cannot be read as CSV; check its quotes and {words}."


def csv_records(text: str, separator: str = ",") -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A CSV's header and its rows, each with its line in the file (the header's line is 1 if no blank line comes
    first), read with the csv module; blank lines are skipped. A line that cannot be read is named in a DataError.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records: list[tuple[int, list[str]]] = []
    end = 0  # the line the last record ended on
    try:
        for fields in reader:
            if len(fields) > 1 or (fields and fields[0].strip()):  # not a blank line
                records.append((end + 1, fields))
            end = reader.line_num
    except csv.Error as error:
        raise DataError(unreadable(str(error), end + 1, reader.line_num, SEPARATORS[separator] + "s")) from None
    if not records:
        raise DataError("The file is empty; a CSV needs a header row (the column names) and rows of numbers.")
    return records[0][1], records[1:]


def numeric_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    """Return column `name` as floats, or raise DataError naming the first bad row."""
    if name not in frame.columns:
        known = ", ".join(f"'{column}'" for column in frame.columns)
        raise DataError(f"There is no column named '{name}'; the columns are {known}.")
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


def too_close(values: np.ndarray, name: str) -> str:
    """If the values (n,) differ, but by less than TINY, a sentence saying why they cannot be used; else ""."""
    spread = float(np.max(values) - np.min(values))
    if not 0 < spread < TINY:
        return ""
    power = min(-math.floor(math.log10(spread)), 300)  # times 10**power the spread is 1 to 10 (or over 1e-24)
    return (
        f"Column {name!r} varies by only {spread:.3g} from its smallest value to its largest, and squared that is "
        f"below the smallest number a 64-bit float holds (about 1e-308), so no loss can be computed; multiply the "
        f"column by 1e{power} (in a spreadsheet, say) or pick another column."
    )


def select_xy(frame: pd.DataFrame, x: str, y: str) -> Dataset:
    """Pick the feature and target columns, checking they can be fitted with a line."""
    xs, ys = numeric_column(frame, x), numeric_column(frame, y)
    if np.unique(xs).size < 2:
        raise DataError(
            f"Column '{x}' needs at least two different values to fit a line, but every row holds {xs[0]:g}."
        )
    problem = too_close(xs, x) or too_close(ys, y)
    if problem:
        raise DataError(problem)
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


def standardize_columns(X: np.ndarray, names) -> np.ndarray:
    """Each column (value - mean) / population std; a constant column cannot be standardized."""
    # Same value in every row: test the spread (max - min), since std can round to 1e-17 instead of 0.
    for name, spread, values in zip(names, np.ptp(X, axis=0), X.T):
        if spread == 0:
            raise DataError(f"Column '{name}' holds the same value in every row, so it cannot be standardized.")
        if too_close(values, name):  # a spread whose square underflows: its std would be 0
            raise DataError(too_close(values, name))
    return (X - X.mean(axis=0)) / X.std(axis=0)  # (n, k) - (k,) broadcasts over rows
