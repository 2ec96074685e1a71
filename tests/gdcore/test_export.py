"""The exported NumPy script (gdcore.export) recomputes the ledger the command line prints, for each
optimizer, schedule and batch setting, run here as a learner would run it: on its own, beside the CSV."""

from __future__ import annotations

import contextlib
import csv
import io
import runpy
import shlex

import pytest

from gdcore import DescentConfig, fit_line, load_xy
from gdcore.__main__ import main
from gdcore.data import WINDSOR
from gdcore.export import ledger_csv
from gdcore.minibatch import BatchConfig
from gdcore.models import command_for, script_for

CONFIGS = {
    "defaults": DescentConfig(),
    "raw sse, typed start": DescentConfig(scale="none", loss="sse", learning_rate=1e-5, start="typed", epochs=12),
    "momentum": DescentConfig(optimizer="momentum", momentum=0.8, epochs=25),
    "nesterov, step schedule": DescentConfig(optimizer="nesterov", schedule="step", gamma=0.5, every=4, epochs=20),
    "adagrad, warm-up": DescentConfig(optimizer="adagrad", learning_rate=0.5, warmup=3, epochs=15),
    "rmsprop, exponential": DescentConfig(optimizer="rmsprop", schedule="exponential", gamma=0.9, epochs=15),
    "adam, batches of 64, cosine": DescentConfig(optimizer="adam", batch_size=64, schedule="cosine", epochs=4),
    "adamw, batches of 100": DescentConfig(optimizer="adamw", batch_size=100, weight_decay=0.2, epochs=4),
    "batches of 100 in file order": DescentConfig(batch_size=100, shuffle=False, learning_rate=0.05, epochs=3),
    "diverging": DescentConfig(learning_rate=5.0, epochs=500),
}


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def cli(config: DescentConfig) -> tuple[list[list[str]], str]:
    """The ledger `python -m gdcore descend` prints for this config (run in this process), and its stderr."""
    out, err = io.StringIO(), io.StringIO()
    argv = shlex.split(command_for(config, data=str(WINDSOR)))[3:]  # after "python -m gdcore"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(argv) == 0
    return rows_of(out.getvalue()), err.getvalue()


def script(config: DescentConfig, tmp_path) -> tuple[list[list[str]], str]:
    """The exported script's ledger, the script written to a file and run on its own, and why it stopped."""
    path = tmp_path / "reproduce.py"
    path.write_text(script_for(config, str(WINDSOR)))
    out, stopped = io.StringIO(), ""
    with contextlib.redirect_stdout(out):
        try:
            runpy.run_path(str(path), run_name="__main__")
        except SystemExit as exit:
            stopped = str(exit.code)
    return rows_of(out.getvalue()), stopped


@pytest.mark.parametrize("name", CONFIGS)
def test_the_script_prints_the_ledger_the_command_line_prints(name: str, tmp_path) -> None:
    config = CONFIGS[name]
    expected, cli_err = cli(config)
    got, stopped = script(config, tmp_path)
    assert got[0] == expected[0]  # the same columns
    assert len(got) == len(expected) > 1
    for ours, theirs in zip(got[1:], expected[1:]):
        for a, b in zip(ours, theirs, strict=True):
            try:
                x, y = float(a), float(b)
            except ValueError:  # the parameter's name and the batch's rows are text
                assert a == b
                continue
            # The app sums the whole data once (line.Bowl); the script sums it row by row: the last digits differ.
            assert x == pytest.approx(y, rel=1e-9, abs=1e-12), (name, ours, theirs)
    assert ("diverged" in stopped) == ("diverged" in cli_err)


def test_the_script_needs_only_numpy_and_the_standard_library() -> None:
    text = script_for(DescentConfig(optimizer="adam"), "houses.csv")
    imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import csv", "import sys", "import numpy as np"]
    assert "gdcore" not in text
    compile(text, "reproduce.py", "exec")


@pytest.mark.parametrize("name", ["defaults", "adam, batches of 64, cosine", "diverging"])
def test_the_ledger_download_is_what_the_command_line_prints(name: str) -> None:
    config = CONFIGS[name]
    fit = fit_line(config, load_xy(WINDSOR, config.x, config.y))
    assert rows_of(ledger_csv(fit.run, config, len(fit.x))) == cli(config)[0]


def test_the_batches_pages_ledger_download_is_what_its_command_prints_with_every_row_of_each_batch() -> None:
    config = BatchConfig()  # page 10's defaults: batches of 16, shuffled
    fit = fit_line(config, load_xy(WINDSOR, config.x, config.y))
    text = ledger_csv(fit.run, config, len(fit.x))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(shlex.split(command_for(config.as_descent(), data=str(WINDSOR)))[3:]) == 0
    assert text == out.getvalue()  # byte for byte
    rows = list(csv.DictReader(io.StringIO(text)))
    for step in (1, 35, 36, 175):  # every row of each batch: 16, the epoch's last 2, ...
        listed = {row["rows"] for row in rows if int(row["step"]) == step}
        (batch,) = listed  # one list per step, on both parameters' rows
        expected = 546 - 34 * 16 if step % 35 == 0 else 16
        numbers = [int(r) for r in batch.split()]
        assert len(numbers) == len(set(numbers)) == expected and all(0 <= r < 546 for r in numbers)
    slopes = [row for row in rows if int(row["epoch"]) == 1 and row["parameter"] == "slope"]
    epoch_one = [int(r) for row in slopes for r in row["rows"].split()]
    assert sorted(epoch_one) == list(range(546))  # an epoch's batches hold every house once
