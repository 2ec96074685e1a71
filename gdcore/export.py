"""Exports of a run: its ledger as CSV, and the whole run as JSON that loads back into the app. (Its standalone
NumPy script is its model's: gdcore.models.script_for, from the parts in gdcore/scripts.py.)
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field, fields

import numpy as np

from gdcore import lesson
from gdcore.chain import ChainConfig
from gdcore.config import LONGEST_LINK_VALUE, parse_value, shown, to_query
from gdcore.descent import Run, ledger_columns, ledger_rows
from gdcore.line import DescentConfig
from gdcore.network import NetworkConfig


def ledger_csv(run: Run, config, n: int) -> str:
    """The run's ledger as CSV text, as `python -m gdcore descend` prints it (the extended columns unless the
    run is plain full-batch descent); floats in full precision. Any model's config."""
    extended = not config.plain(n)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ledger_columns(config.optimizer, extended))
    writer.writerows(ledger_rows(run.records, extended))  # csv writes floats with repr: exact
    return out.getvalue()


# --- the whole run as JSON ----------------------------------------------------------------------------

RUN_FORMAT = "gradient descent, every number shown: a run"  # what marks a file as one of ours
RUN_VERSION = 1
MOST_RUN_BYTES = 20 * 2**20  # a run file larger than this is not read
LEDGER_ROWS = 1_000  # the ledger rows a run file keeps, for reference: the latest
CONFIGS = {"descent": DescentConfig, "network": NetworkConfig, "gradients": ChainConfig}  # the pages that save runs
# How a note names the page a run file belongs to: its number and its title, joined by a comma
PAGE_TITLES = {path: f"{lesson.number(path)}, {lesson.BY_PATH[path].title}" for path in CONFIGS}


class RunFileError(ValueError):
    """A run file that cannot be loaded; its message is one sentence for the learner."""


@dataclass(frozen=True)
class SavedRun:
    """A run file, read and checked: the page, the settings as a link's values, the epoch shown, the
    learner's own rows (file name, CSV text) if the run was on an upload, and the page's view settings
    outside the config as a link's values (the network page's parameter and restarts; none in an older file)."""

    page: str
    query: dict[str, str]
    epoch: int | None
    data: tuple[str, str] | None = None
    view: dict[str, str] = field(default_factory=dict)


def rows_csv(columns: list[str], values: np.ndarray) -> str:
    """A table of numbers, values (n, k), as CSV text with a header row; floats in full precision."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[repr(float(v)) for v in row] for row in values])
    return out.getvalue()


def run_json(
    page: str,
    config,
    epoch: int | None,
    run: Run,
    n: int,
    data: tuple[str, str] | None = None,
    view: dict[str, str] | None = None,
) -> str:
    """The run as a JSON document: the page, the config as the link's values (to_query), the epoch shown,
    the page's other view settings as the link writes them (`view`: the network page's parameter and restarts), the
    ledger's latest rows up to that epoch (for reference: loading recomputes the run), and, for a run on
    a learner's own data, that data as (file name, CSV text), so the file loads in any browser.

    The ledger has the command line's columns except each batch's row numbers (a batch can list thousands
    of them), and its latest LEDGER_ROWS rows: the file stays small enough to load back."""
    extended = not config.plain(n)
    records = run.up_to(min(epoch, run.epochs)) if epoch is not None else run.records
    columns = list(ledger_columns(config.optimizer, extended))
    kept = [i for i, name in enumerate(columns) if name != "rows"]
    rows = ledger_rows(records, extended)
    document = {
        "format": RUN_FORMAT,
        "version": RUN_VERSION,
        "page": page,
        "settings": to_query(config),
        "epoch": epoch,
        "view": dict(view or {}),
        "data": None if data is None else {"name": data[0], "csv": data[1]},
        "ledger": {
            "note": f"the latest {min(len(rows), LEDGER_ROWS):,} of {len(rows):,} rows, without the batches' rows",
            "columns": [columns[i] for i in kept],
            "rows": [[row[i] for i in kept] for row in rows[-LEDGER_ROWS:]],
        },
    }
    return json.dumps(document, indent=1, allow_nan=False)


def read_run(raw: bytes, page: str) -> SavedRun:
    """Read a run file for `page`, or raise RunFileError with one sentence: not JSON, cut short, not a run
    of this app, another page's run, or values of the wrong kind. The settings are checked by `config_of`."""
    if len(raw) > MOST_RUN_BYTES:
        raise RunFileError(f"The file is {len(raw) / 2**20:.1f} MB: a run file of this app is never that large.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise RunFileError("This is not a run file saved by this app: it is not text.") from None
    except (json.JSONDecodeError, RecursionError):
        raise RunFileError(
            "This file is not complete JSON (cut short, or changed by hand?), so it cannot be loaded."
        ) from None
    if not isinstance(document, dict) or document.get("format") != RUN_FORMAT:
        raise RunFileError("This JSON is not a run saved by this app (use “This run as JSON” to save one).")
    if document.get("version") != RUN_VERSION or isinstance(document.get("version"), bool):
        raise RunFileError(
            f"This run file is of version {shown(str(document.get('version')))}; this app reads version 1."
        )
    saved = document.get("page")
    if saved != page:
        where = f"page {PAGE_TITLES[saved]}" if isinstance(saved, str) and saved in PAGE_TITLES else "another page"
        raise RunFileError(f"This file holds a run of {where}: open that page to load it.")
    settings, epoch, data = document.get("settings"), document.get("epoch"), document.get("data")
    view = document.get("view", {})  # a file saved before view settings were kept has none
    if not isinstance(settings, dict) or not all(isinstance(v, str) for v in settings.values()):
        raise RunFileError("This run file's settings are not a list of names and values, so it cannot be loaded.")
    if not isinstance(view, dict) or not all(isinstance(v, str) for v in view.values()):
        raise RunFileError("This run file's view settings are not a list of names and values, so it cannot be loaded.")
    if epoch is not None and (isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0):
        raise RunFileError(f"This run file's epoch, {shown(str(epoch))}, is not a whole number from 0 up.")
    if data is not None and not (
        isinstance(data, dict) and isinstance(data.get("name"), str) and isinstance(data.get("csv"), str)
    ):
        raise RunFileError("This run file's data is not a file name and its rows, so it cannot be loaded.")
    return SavedRun(
        page,
        dict(settings),
        epoch,
        None if data is None else (data["name"][:LONGEST_LINK_VALUE], data["csv"]),
        dict(view),
    )


def config_of(saved: SavedRun, columns: dict[str, list[str]] | None = None):
    """The saved settings as the page's config, each value checked as a link's is (`parse_value`, then the
    config's own checks), or RunFileError naming the first one that cannot be used. `columns`: the column
    names each column key may take on the saved data, as for a link."""
    cls = CONFIGS[saved.page]
    by_key = {f.metadata["url"]: f for f in fields(cls)}
    values = {}
    for key, raw in saved.query.items():
        if key not in by_key:
            raise RunFileError(f"This run file names {shown(key)}, which is not a setting of this page.")
        try:
            values[by_key[key].name] = parse_value(raw, by_key[key], (columns or {}).get(key, ()))
        except ValueError as error:
            raise RunFileError(f"This run file's {key}={shown(raw)} cannot be used: {error}.") from None
    try:
        config = cls(**values)
    except ValueError as error:
        raise RunFileError(f"This run file's settings do not fit together: {error}.") from None
    if saved.epoch is not None and saved.epoch > config.epochs:
        raise RunFileError(f"This run file's epoch, {saved.epoch:,}, is beyond its {config.epochs:,} epochs.")
    return config
