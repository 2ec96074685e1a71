"""Page 3's exports through AppTest: the NumPy script on the page, run on its own in the project's folder,
prints the ledger the page shows (to its six digits), for plain descent and for Adam on mini-batches."""

from __future__ import annotations

import contextlib
import csv
import io
import runpy
from pathlib import Path

import opening
import pandas as pd
import pytest
from stepping import jump_to_end
from test_pages import ledger

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("params", [{}, {"opt": "adam", "batch": "128", "epochs": "3", "lr": "0.05"}])
def test_the_pages_script_prints_the_pages_ledger(params: dict[str, str], tmp_path, monkeypatch) -> None:
    at = opening.open_page("pages/3_descent.py", **params)
    jump_to_end(at)
    assert not at.exception, [e.value for e in at.exception]
    (script,) = [c.value for c in at.code if c.value.startswith('"""Recompute, with NumPy alone')]
    (tmp_path / "reproduce.py").write_text(script)
    monkeypatch.chdir(REPO)  # the script reads data/windsor_housing.csv, as a learner runs it in the project
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(tmp_path / "reproduce.py"), run_name="__main__")
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    shown = ledger(at)  # the page's ledger: the latest steps (up to 500), newest step first, slope then intercept
    assert len(shown) == min(len(rows), 1000) > 0
    steps = [shown.iloc[i : i + 2] for i in range(0, len(shown), 2)][::-1]  # oldest step first, as the script prints
    for (_, row), script_row in zip(pd.concat(steps).iterrows(), rows[-len(shown) :], strict=True):
        assert row["parameter"] == script_row["parameter"] and row["epoch"] == int(script_row["epoch"])
        for column in ("current", "gradient", "new", "loss"):
            assert row[column] == pytest.approx(float(script_row[column]), rel=1e-5, abs=1e-9)
