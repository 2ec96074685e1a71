"""Column names from a learner's file in the exports (gdcore.export): a name that holds quotes, backslashes, line
breaks or markdown stays exactly as the file had it, in the script's settings and its docstring, in the command
line, and cannot end a string and become code. The scripts, run on the house data with its columns renamed so,
print the same ledger as on the plain names."""

from __future__ import annotations

import ast
import csv
import io
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from gdcore import DescentConfig, NetworkConfig
from gdcore.chain import ChainConfig
from gdcore.data import WINDSOR
from gdcore.models import command_for, script_for

REPO = Path(__file__).resolve().parents[2]
PLAIN = ("bedrooms", "bathrms", "lotsize", "price")
HOSTILE = (
    'y"""\nraise SystemExit("injected")\n"""',  # would end the docstring and run code
    "x'''; import os; os._exit(3) #",
    r"back\slash \N{BULLET} \x \u",  # escapes a docstring would read (\N{...}) or refuse (\x, \u)
    "[a link](http://example.com) **bold** $y$",
)
RENAMED = dict(zip(PLAIN, HOSTILE))
UPLOAD = "upload-0123456789ab"  # a learner's file, by its key
CONFIGS = {  # (the run on the plain names, the same run on the hostile names)
    "line": (
        DescentConfig(x="bedrooms", y="price", epochs=6, optimizer="adam", batch_size=100),
        DescentConfig(data=UPLOAD, x=HOSTILE[0], y=HOSTILE[3], epochs=6, optimizer="adam", batch_size=100),
    ),
    "network": (
        NetworkConfig(epochs=5),
        NetworkConfig(data=UPLOAD, x1=HOSTILE[0], x2=HOSTILE[1], x3=HOSTILE[2], y=HOSTILE[3], epochs=5),
    ),
    "chain": (
        ChainConfig(depth=4, epochs=3),
        ChainConfig(data=UPLOAD, x1=HOSTILE[0], x2=HOSTILE[1], x3=HOSTILE[2], y=HOSTILE[3], depth=4, epochs=3),
    ),
}


@pytest.fixture(scope="module")
def renamed_csv(tmp_path_factory) -> Path:
    """The house data with bedrooms, bathrms, lotsize and price renamed to the hostile names (csv quotes them)."""
    with open(WINDSOR, newline="") as file:
        rows = list(csv.reader(file))
    path = tmp_path_factory.mktemp("names") / "renamed.csv"
    with open(path, "w", newline="") as file:
        csv.writer(file).writerows([[RENAMED.get(name, name) for name in rows[0]], *rows[1:]])
    return path


def run(script: str, folder: Path) -> list[list[str]]:
    path = folder / "reproduce.py"
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return list(csv.reader(io.StringIO(done.stdout)))


@pytest.mark.parametrize("model", CONFIGS)
def test_a_name_stays_in_its_string_and_the_docstring_reads_it_as_the_file_has_it(model: str, renamed_csv) -> None:
    plain, hostile = CONFIGS[model]
    ours, reference = ast.parse(script_for(hostile, str(renamed_csv))), ast.parse(script_for(plain, str(WINDSOR)))
    assert [type(node).__name__ for node in ours.body] == [type(node).__name__ for node in reference.body]
    doc = ast.get_docstring(ours)
    names = [hostile.x, hostile.y] if model == "line" else [hostile.x1, hostile.x2, hostile.x3, hostile.y]
    assert all(name in doc for name in names), doc
    settings = {}
    head = ours.body[: [type(node) for node in ours.body].index(ast.With)]  # the settings, before the data is read
    for node in head:  # DATA = ..., X, Y = ... or INPUTS, Y = ...: literals that read back as the names
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        keys = [t.id for t in target.elts] if isinstance(target, ast.Tuple) else [getattr(target, "id", None)]
        if set(keys) & {"DATA", "X", "Y", "INPUTS"}:
            values = ast.literal_eval(node.value)
            settings |= dict(zip(keys, values if isinstance(target, ast.Tuple) else [values]))
    assert settings["DATA"] == str(renamed_csv)
    inputs = [settings["X"]] if model == "line" else list(settings["INPUTS"])
    assert (inputs, settings["Y"]) == (names[:-1], names[-1])


@pytest.mark.parametrize("model", CONFIGS)
def test_the_script_on_renamed_columns_prints_the_ledger_of_the_plain_names(model: str, renamed_csv, tmp_path) -> None:
    plain, hostile = CONFIGS[model]
    expected = run(script_for(plain, str(WINDSOR)), tmp_path)
    got = run(script_for(hostile, str(renamed_csv)), tmp_path)
    if model == "chain":  # its first weights are named after the columns: w1_bedrooms, ...
        renames = {f"w1_{a}": f"w1_{b}" for a, b in RENAMED.items()}
        expected = [[row[0], renames.get(row[1], row[1]), *row[2:]] for row in expected]
    assert len(got) == len(expected) > 1
    assert got == expected


def test_the_command_lines_hand_the_names_to_the_program_as_the_file_has_them() -> None:
    line = CONFIGS["line"][1]
    argv = shlex.split(command_for(line, data="my file's [copy].csv"))
    assert argv[argv.index("--data") + 1] == "my file's [copy].csv"
    assert (argv[argv.index("--x") + 1], argv[argv.index("--y") + 1]) == (line.x, line.y)
    network = CONFIGS["network"][1]
    argv = shlex.split(command_for(network, data="data.csv"))
    assert argv[argv.index("--x") + 1] == ",".join(network.inputs) and argv[argv.index("--y") + 1] == network.y
