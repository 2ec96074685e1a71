"""A learner's own CSV: read from the bytes of an upload, checked, and cleaned, or refused in one sentence.

Every problem a file can have ends in a DataError whose message says, in one sentence of the learner's terms,
what is wrong (which line of the file, which column) and what to do; nothing else is raised, whatever the
bytes. The file is read with the csv module, so a malformed line is found and named here. What can be
mended is mended and said: rows with an empty cell or a value that is not a finite number are left out (and
listed), text columns are set aside, repeated or empty names are made unique, trailing separators dropped.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gdcore.data import DataError, csv_records, too_close, too_wide

LIMIT = 5 * 2**20  # bytes: an upload larger than 5 MB is refused (a million rows of two numbers is about 20 MB)
MOST_COLUMNS = 200  # columns read; a wider file is refused, since no lesson needs more
HUGE = 1e150  # a value this large has a square beyond a 64-bit float (1.8e308): no loss can be computed
LARGE = 1e12  # from here on, raw squared errors reach 1e24 and gradient steps overflow within a few epochs


@dataclass(frozen=True, eq=False)
class Upload:
    """A checked upload: its numeric columns, the rows left out, and what was done, in sentences."""

    name: str  # the file's name, as the learner called it
    key: str  # "upload-" and the first 12 hex digits of the bytes' SHA-256: the same file, the same key
    frame: pd.DataFrame  # the numeric columns, as floats, without the rows left out; index = line in the file
    dropped: pd.DataFrame  # the rows left out, as the file has them; index = line in the file
    notes: tuple[str, ...]  # what was set aside or left out, and why


def key_of(data: bytes) -> str:
    """The upload's name in a config and a link (gdcore.data.UPLOAD_KEY): the same bytes, the same name."""
    return "upload-" + hashlib.sha256(data).hexdigest()[:12]


def decode(data: bytes, limit: int) -> str:
    """The bytes as text, or DataError: too large, empty, binary, or not UTF-8."""
    if len(data) > limit:
        raise DataError(
            f"The file is {len(data) / 2**20:.1f} MB and the limit is {limit / 2**20:g} MB; keep the columns you need "
            "(or fewer rows) and upload it again."
        )
    if not data.strip():
        raise DataError("The file is empty; a CSV needs a header row (the column names) and rows of numbers.")
    if b"\x00" in data:
        raise DataError(
            "This is not a text file (a spreadsheet or a picture, perhaps); save it as CSV and upload that."
        )
    try:
        return data.decode("utf-8-sig")  # a byte-order mark, as Excel writes, is not part of the first name
    except UnicodeDecodeError as error:
        raise DataError(
            f"The file is not UTF-8 text (byte {error.start + 1} cannot be read); in a spreadsheet, save it as "
            "“CSV UTF-8” and upload it again."
        ) from None


def names_of(header: list[str]) -> list[str]:
    """The header's names, stripped: an empty one becomes "column 3", a repeated one "a (2)", so each is unique."""
    given = {name.strip() for name in header}
    names: list[str] = []
    for i, name in enumerate(header):
        name = name.strip()
        if not name:
            name = f"column {i + 1}"
        if name in names or (name != header[i].strip() and name in given):
            k = 2
            while f"{name} ({k})" in names or f"{name} ({k})" in given:
                k += 1
            name = f"{name} ({k})"
        names.append(name)
    return names


def cell(fields: list[str], i: int) -> str:
    """Field i of a row, stripped; "" where the row is too short to have one."""
    return fields[i].strip() if i < len(fields) else ""


def parse(text: str) -> tuple[pd.DataFrame, str]:
    """The CSV as a table of strings, indexed by the line in the file, and its separator, guessed (comma,
    semicolon, tab); or DataError naming the line at fault."""
    try:
        separator = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t").delimiter
    except csv.Error:  # no separator splits the first lines alike (a ragged row, say): the header's commonest
        header = next((line for line in text.splitlines() if line.strip()), "")
        separator = max(",;\t", key=header.count) if any(c in header for c in ",;\t") else ","
    header, rows = csv_records(text, separator)
    if len(header) > MOST_COLUMNS:
        raise DataError(
            f"The file has {len(header):,} columns and the app reads at most {MOST_COLUMNS}; keep the columns you "
            "need and upload it again."
        )
    width = len(header)
    while width > 1 and not header[width - 1].strip() and not any(cell(fields, width - 1) for _, fields in rows):
        width -= 1  # a last column with no name and nothing in it: a trailing separator on every line
    cells = []
    for line, fields in rows:
        if len(fields) > width:
            if any(field.strip() for field in fields[width:]):
                raise DataError(too_wide(line, len(fields), width, separator))
            fields = fields[:width]  # empty values past the last column: trailing separators
        elif len(fields) < width:
            fields = fields + [""] * (width - len(fields))  # a short row's missing cells are empty
        cells.append(fields)
    if not cells:
        raise DataError("The file has a header row but no rows of data under it; add rows of numbers.")
    columns = list(zip(*cells))  # one tuple of strings per column
    frame = pd.DataFrame(dict(zip(names_of(header), columns)), index=[line for line, _ in rows], dtype=str)
    return frame, separator


def numbers(column: pd.Series, separator: str = ",") -> pd.Series:
    """The column as floats; a cell that is not a number becomes NaN. Spaces inside a number are allowed,
    and so is a decimal comma where the separator is a semicolon, as spreadsheets in much of Europe write."""
    cleaned = column.str.strip().str.replace(" ", "", regex=False)
    if separator == ";":
        cleaned = cleaned.str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned.replace("", np.nan), errors="coerce").astype(float)


def lines(index) -> str:
    """Line numbers for a sentence: "4, 9 and 12", or the first ten and how many more."""
    shown = [str(i) for i in list(index)[:10]]
    more = len(index) - len(shown)
    if more:
        return ", ".join(shown) + f" and {more:,} more"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def read_upload(data: bytes, name: str = "your file", limit: int = LIMIT) -> Upload:
    """Check and clean an uploaded CSV; raise DataError with one sentence for each thing that cannot be used.

    A column is numeric when most of its filled cells are numbers; the others hold text and are set aside.
    A row with an empty cell, or a cell that is not a finite number, in a numeric column is left out.
    """
    table, separator = parse(decode(data, limit))
    values = {column: numbers(table[column], separator) for column in table.columns}
    filled = {column: int((table[column].str.strip() != "").sum()) for column in table.columns}
    numeric = [c for c in table.columns if filled[c] and values[c].notna().sum() >= 0.5 * filled[c]]
    if not numeric:
        raise DataError(
            f"No column of {name} holds numbers (its columns: {', '.join(map(repr, table.columns[:8]))}"
            f"{', …' if len(table.columns) > 8 else ''}), and the models need at least two columns of plain numbers "
            "such as 1234.5 or -0.25."
        )
    notes = []
    text = [c for c in table.columns if c not in numeric]
    if text:
        notes.append(
            f"Set aside {len(text)} column{'s' if len(text) > 1 else ''} of text: {', '.join(map(repr, text))}."
        )
    frame = pd.DataFrame({c: values[c] for c in numeric}, index=table.index)  # (rows, numeric columns)
    good = np.isfinite(frame.to_numpy()).all(axis=1)  # (rows,)
    dropped = table.loc[~good]
    if not good.all():
        notes.append(
            f"Left out {len(dropped):,} of {len(table):,} rows, because each has an empty cell or a value that is not "
            f"a finite number in a numeric column: line{'s' if len(dropped) > 1 else ''} {lines(dropped.index)}."
        )
    frame = frame.loc[good]
    if len(frame) < 2:
        raise DataError(
            f"Only {len(frame)} row of {name} has a number in every numeric column, and a line needs at least two "
            "rows (a lesson many more), so add rows or fill in the empty cells."
            if len(frame) == 1
            else f"No row of {name} has a number in every numeric column; fill in the empty cells, or remove the "
            "columns you do not need."
        )
    if len(numeric) < 2:
        raise DataError(
            f"The file {name} has one numeric column, {numeric[0]!r}, and the models need two (an x to predict from "
            "and a y to predict), so add a column of numbers."
        )
    largest = frame.abs().max()  # (columns,)
    if (largest >= HUGE).any():
        column = largest.idxmax()
        raise DataError(
            f"Column {column!r} holds a value as large as {largest[column]:.3g}, whose square does not fit in a "
            "64-bit float (over 1.8e308), so no loss can be computed; rescale the column (say, thousands instead "
            "of units) and upload it again."
        )
    for column in largest.index[largest >= LARGE]:
        notes.append(
            f"Column {column!r} holds values as large as {largest[column]:.3g}, so squared errors reach "
            f"{largest[column] ** 2:.1g} and plain gradient steps on the raw numbers overflow within a few epochs; "
            "standardize x and y (the default) to work in standard deviations instead."
        )
    return Upload(name=name, key=key_of(data), frame=frame, dropped=dropped, notes=tuple(notes))


def problem_with_columns(frame: pd.DataFrame, x: str, y: str) -> str:
    """What stops a line from being fitted to y against x on this frame, in one sentence, or "".

    Each column must vary, and by at least gdcore.data.TINY: squared, a smaller spread is below what a 64-bit
    float holds, and every loss, gradient and standard deviation of it would round to 0.
    """
    if x == y:
        return f"x and y are the same column, {x!r}: pick a different column to predict."
    for role, column in (("x", x), ("y", y)):
        if column not in frame.columns:
            known = ", ".join(map(repr, frame.columns))
            return f"There is no numeric column {column!r} for {role}; the numeric columns are {known}."
        values = frame[column].to_numpy(dtype=float)  # (rows,)
        if values.min() == values.max():
            cannot = "show how y changes with it" if role == "x" else "be predicted (nor standardized)"
            return (
                f"Column {column!r} holds the same value, {values[0]:g}, in every row: as {role} it cannot {cannot}, "
                "so pick another column."
            )
        if too_close(values, column):
            return too_close(values, column)
    return ""


def too_narrow(frame: pd.DataFrame, inputs: int) -> str:
    """If the frame has fewer columns than a model with `inputs` inputs and a y needs, a sentence saying so; else ""."""
    if len(frame.columns) > inputs:
        return ""
    listed = ", ".join(map(repr, frame.columns))
    return (
        f"This model needs {inputs + 1} numeric columns, {inputs} inputs and a y, but the file has "
        f"{len(frame.columns)} ({listed}): upload a file with more numeric columns, or pick the house data."
    )


def problem_with_inputs(frame: pd.DataFrame, inputs: tuple[str, ...], y: str) -> str:
    """What stops a model from reading the columns `inputs` to predict y on this frame, in one sentence, or ""."""
    needed = len(inputs) + 1
    if too_narrow(frame, len(inputs)):
        return too_narrow(frame, len(inputs))
    picked = [*inputs, y]
    twice = next((column for column in picked if picked.count(column) > 1), None)
    if twice is not None:
        return f"Column {twice!r} is picked twice: the {len(inputs)} inputs and y must be {needed} different columns."
    problems = (problem_with_columns(frame, column, y) for column in inputs)  # each input, then y, present and varying
    return next((problem for problem in problems if problem), "")
