"""The exported NumPy scripts of the small network and the deep chain (gdcore.export), each written to a file
and run in a fresh interpreter as a learner would run it, print the ledger that the command line prints for the
network and that page 6's run records for the chain (which has no command line), to 1e-9 relative. A script
with a rule broken on purpose must not."""

from __future__ import annotations

import contextlib
import csv
import io
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from gdcore import NetworkConfig, read_table, select_columns
from gdcore.__main__ import main
from gdcore.chain import INPUTS, TARGET, ChainConfig, fit_chain
from gdcore.data import WINDSOR
from gdcore.export import ledger_csv
from gdcore.models import command_for, script_for

REPO = Path(__file__).resolve().parents[2]
DATA = "data/windsor_housing.csv"  # as the page writes it: relative to the project's folder

NETWORKS = {
    "defaults: sigmoid, 500 epochs": NetworkConfig(),
    "tanh, sse, momentum": NetworkConfig(
        activation="tanh", loss="sse", optimizer="momentum", momentum=0.8, learning_rate=0.0005, epochs=60
    ),
    "relu, adam, batches of 64, cosine": NetworkConfig(
        activation="relu", optimizer="adam", batch_size=64, schedule="cosine", learning_rate=0.01, epochs=4
    ),
    "rmsprop, batches of 100 in file order, warm-up": NetworkConfig(
        optimizer="rmsprop", batch_size=100, shuffle=False, warmup=2, learning_rate=0.01, epochs=3
    ),
    "relu, diverging": NetworkConfig(activation="relu", learning_rate=5.0, epochs=100),
}
CHAINS = {
    "defaults: sigmoid, 10 layers": ChainConfig(),
    "relu, 6 layers, nesterov, step schedule": ChainConfig(
        activation="relu", depth=6, optimizer="nesterov", schedule="step", every=3, gamma=0.5, learning_rate=0.01
    ),
    "tanh, raw inputs": ChainConfig(activation="tanh", inputs="raw", epochs=5),
    "adagrad, batches of 32": ChainConfig(optimizer="adagrad", batch_size=32, depth=5, epochs=3),
    "adam, batches of 128 in file order, exponential": ChainConfig(
        activation="tanh", optimizer="adam", batch_size=128, shuffle=False, schedule="exponential", depth=4, epochs=5
    ),
}


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def run_script(text: str, tmp_path) -> tuple[list[list[str]], str]:
    """The script written to a file and run in a fresh interpreter from the project's folder: its ledger, its stderr."""
    path = tmp_path / "reproduce.py"
    path.write_text(text)
    done = subprocess.run([sys.executable, str(path)], cwd=REPO, capture_output=True, text=True, timeout=60)
    return rows_of(done.stdout), done.stderr


def cli(config: NetworkConfig) -> tuple[list[list[str]], str]:
    """The ledger `python -m gdcore descend --model network` prints (run in this process), and its stderr."""
    out, err = io.StringIO(), io.StringIO()
    argv = shlex.split(command_for(config, data=str(WINDSOR)))[3:]  # after "python -m gdcore"
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        assert main(argv) == 0
    return rows_of(out.getvalue()), err.getvalue()


def page_records(config: ChainConfig) -> list[list[str]]:
    """The ledger of page 6's run (gdcore.chain.fit_chain on the Windsor houses), as CSV rows."""
    fit = fit_chain(config, *select_columns(read_table(WINDSOR), INPUTS, TARGET))
    return rows_of(ledger_csv(fit.run, config, len(fit.y)))


def differences(got: list[list[str]], expected: list[list[str]]) -> list:
    """The cells that differ by more than 1e-9 relative (text cells: at all), and a different header or length."""
    found = [("header", got[:1], expected[:1])] if got[:1] != expected[:1] else []
    found += [("rows", len(got), len(expected))] if len(got) != len(expected) else []
    for ours, theirs in zip(got[1:], expected[1:]):
        for a, b in zip(ours, theirs, strict=True):
            try:
                x, y = float(a), float(b)
            except ValueError:  # the parameter's name and the batch's rows are text
                x, y = a, b
            if x != pytest.approx(y, rel=1e-9, abs=1e-12):
                found.append((ours[:2], a, b))
    return found


@pytest.mark.parametrize("name", NETWORKS)
def test_the_network_script_prints_the_ledger_the_command_line_prints(name: str, tmp_path) -> None:
    config = NETWORKS[name]
    expected, cli_err = cli(config)
    got, stopped = run_script(script_for(config, DATA), tmp_path)
    assert len(expected) > 1
    assert differences(got, expected) == []
    assert ("diverged" in stopped) == ("diverged" in cli_err)


@pytest.mark.parametrize("name", CHAINS)
def test_the_chain_script_prints_the_ledger_of_the_pages_run(name: str, tmp_path) -> None:
    config = CHAINS[name]
    expected = page_records(config)
    got, stopped = run_script(script_for(config, DATA), tmp_path)
    assert len(expected) > 1 and stopped == ""
    assert differences(got, expected) == []


@pytest.mark.parametrize(
    ("model", "config", "rule", "broken"),
    [
        (
            "network",
            NetworkConfig(optimizer="nesterov", learning_rate=0.01, epochs=5),
            "return lr * (g + momentum * v)",
            "return lr * (g + v)",  # Nesterov without its mu: plain momentum's look-ahead
        ),
        (
            "chain",
            ChainConfig(depth=4, epochs=3),
            "delta[:, layer + 1] * w[layer] * act_slope",
            "delta[:, layer + 1] * act_slope",  # the backward pass forgets the weight above
        ),
    ],
)
def test_a_script_with_a_broken_rule_does_not_match(model, config, rule, broken, tmp_path) -> None:
    text = script_for(config, DATA) if model == "network" else script_for(config, DATA)
    assert text.count(rule) == 1
    expected = cli(config)[0] if model == "network" else page_records(config)
    got, _ = run_script(text.replace(rule, broken), tmp_path)
    assert differences(got, expected)


def test_the_scripts_need_only_numpy_and_the_standard_library() -> None:
    for text in (script_for(NetworkConfig(optimizer="adam"), DATA), script_for(ChainConfig(), DATA)):
        imports = [line for line in text.splitlines() if line.startswith(("import ", "from "))]
        assert imports == ["import csv", "import sys", "import numpy as np"]
        assert "gdcore" not in text
        compile(text, "reproduce.py", "exec")


def test_the_chain_script_reads_the_columns_the_page_runs_on() -> None:
    from gdcore.chain import ChainConfig

    config = ChainConfig(x1="stories", x2="garagepl", x3="bedrooms", y="lotsize")
    script = script_for(config, "data/windsor_housing.csv")
    assert "INPUTS, Y = ('stories', 'garagepl', 'bedrooms'), 'lotsize'" in script
