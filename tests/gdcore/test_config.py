"""gdcore.config: the URL in and out, validation, and the CLI command derived from a config."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import json
import math
import shlex
import subprocess
import sys

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from gdcore import (
    Dataset,
    DescentConfig,
    GuessConfig,
    NetworkConfig,
    SlopeConfig,
    fit_line,
    from_query,
    ledger_rows,
    load_xy,
    to_query,
)
from gdcore.__main__ import main
from gdcore.chain import ChainConfig
from gdcore.curve import CurveConfig
from gdcore.minibatch import BatchConfig
from gdcore.models import command_for
from gdcore.race import RaceConfig

DEFAULT = DescentConfig()


def test_the_default_config_lands_on_the_least_squares_line(windsor):
    # config.py promises that the defaults (standardized data, mse) land within a millionth of the
    # answer; the answer here comes from scikit-learn on the raw data.
    x, y = windsor
    fit = fit_line(DEFAULT, Dataset(x=x, y=y, x_name=DEFAULT.x, y_name=DEFAULT.y))
    model = LinearRegression().fit(x.reshape(-1, 1), y)
    answer = [model.coef_[0], model.intercept_]
    np.testing.assert_allclose(fit.in_data_units(fit.run.final), answer, rtol=1e-6)


def test_from_query_parses_valid_values():
    query = {
        "lr": "0.5",
        "epochs": "60",
        "loss": "sse",
        "scale": "none",
        "start": "typed",
        "seed": "7",
        "slope0": "-2.5",
        "intercept0": "3e4",
        "x": "lotsize",
        "y": "price",
    }
    config, notes = from_query(DescentConfig, query)
    assert notes == []
    assert config == DescentConfig(
        learning_rate=0.5,
        epochs=60,
        loss="sse",
        scale="none",
        start="typed",
        seed=7,
        init_slope=-2.5,
        init_intercept=30000.0,
        x="lotsize",
        y="price",
    )
    assert isinstance(config.epochs, int)
    assert isinstance(config.learning_rate, float)


def test_from_query_without_parameters_is_the_default():
    assert from_query(DescentConfig, {}) == (DEFAULT, [])


BAD_VALUES = [
    ("lr", "abc"),
    ("lr", "-1"),
    ("lr", "0"),
    ("lr", "1e99"),
    ("lr", "nan"),
    ("lr", "inf"),
    ("epochs", "3.5"),
    ("epochs", "0"),
    ("epochs", "501"),
    ("loss", "foo"),
    ("scale", "minmax"),
    ("start", "zero"),
    ("seed", "-1"),
    ("slope0", "1e13"),
    ("intercept0", "x"),
]


@pytest.mark.parametrize(("key", "raw"), BAD_VALUES)
def test_a_bad_value_falls_back_to_the_default_with_one_note(key, raw):
    config, notes = from_query(DescentConfig, {key: raw})
    assert config == DEFAULT
    assert len(notes) == 1
    assert f"{key}={raw!r}" in notes[0]


def test_only_the_bad_value_is_dropped():
    config, notes = from_query(DescentConfig, {"lr": "abc", "epochs": "60", "loss": "foo", "seed": "3"})
    assert config == dataclasses.replace(DEFAULT, epochs=60, seed=3)
    assert len(notes) == 2


def test_from_query_fills_in_from_a_base():
    base = DescentConfig(learning_rate=0.02, loss="sse")
    config, notes = from_query(DescentConfig, {"lr": "abc", "epochs": "9"}, base)
    assert config == dataclasses.replace(base, epochs=9)
    assert "0.02" in notes[0]


def test_to_query_of_the_default_is_empty():
    assert to_query(DEFAULT) == {}
    assert to_query(GuessConfig()) == {}
    assert to_query(SlopeConfig()) == {}


def test_to_query_names_only_what_changed():
    more = DEFAULT.epochs + 1
    assert to_query(dataclasses.replace(DEFAULT, epochs=more)) == {"epochs": str(more)}


ROUND_TRIP = [
    DescentConfig(learning_rate=0.3, seed=0),
    DescentConfig(learning_rate=1e-9, epochs=500, loss="sse", scale="none", seed=2**31 - 1),
    DescentConfig(learning_rate=1e6, epochs=1),
    DescentConfig(start="typed", init_slope=-1234.5678, init_intercept=1e-7),
    DescentConfig(x="lotsize", y="bathrms", learning_rate=0.1 + 0.2),  # 0.30000000000000004 must survive
    DescentConfig(x="floor area", y="sale price (CAD)"),
]


@pytest.mark.parametrize("config", ROUND_TRIP, ids=range(len(ROUND_TRIP)))
def test_to_query_round_trips_through_from_query(config):
    query = to_query(config)
    assert all(isinstance(value, str) for value in query.values())
    assert from_query(DescentConfig, query) == (config, [])


@pytest.mark.parametrize(
    "config",
    [
        GuessConfig(slope=-12_500.5, intercept=1e-3),
        GuessConfig(start="random", seed=42),
        SlopeConfig(intercept=-3.25, slope=7e5),
    ],
    ids=range(3),
)
def test_page_configs_round_trip_through_the_query(config):
    assert from_query(type(config), to_query(config)) == (config, [])


@pytest.mark.parametrize(
    ("cls", "key", "raw"),
    [
        (GuessConfig, "slope", "1e8"),
        (GuessConfig, "start", "maybe"),
        (GuessConfig, "seed", "1.5"),
        (SlopeConfig, "intercept", "nan"),
        (SlopeConfig, "slope", "ten"),
    ],
)
def test_page_configs_ignore_bad_values_with_one_note(cls, key, raw):
    config, notes = from_query(cls, {key: raw})
    assert config == cls()
    assert len(notes) == 1
    assert f"{key}={raw!r}" in notes[0]


def test_guess_config_rejects_an_unknown_start():
    with pytest.raises(ValueError, match="start"):
        GuessConfig(start="zero")


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("learning_rate", 0.0, "learning rate"),
        ("learning_rate", -1.0, "learning rate"),
        ("learning_rate", math.nan, "learning rate"),
        ("learning_rate", math.inf, "learning rate"),
        ("epochs", 0, "epochs"),
        ("epochs", -5, "epochs"),
        ("loss", "mae", "loss"),
        ("scale", "minmax", "scale"),
        ("start", "zero", "start"),
        ("seed", -1, "seed"),
        ("init_slope", math.inf, "starting slope"),
        ("init_intercept", math.nan, "intercept"),
    ],
)
def test_descent_config_rejects_bad_values(field, value, named):
    with pytest.raises(ValueError, match=named):
        DescentConfig(**{field: value})


def test_descent_config_is_frozen_and_hashable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT.epochs = 3
    assert hash(DescentConfig()) == hash(DescentConfig())  # usable as a cache key


def run_cli(argv: list[str]) -> str:
    """main() in-process; returns stdout, failing the test on a non-zero exit."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    except SystemExit as exit_:  # argparse refused the arguments
        code = exit_.code
    assert code == 0, f"exit {code}: {err.getvalue()}"
    return out.getvalue()


def assert_cli_matches_fit_line(command: str, config: DescentConfig, data_path) -> None:
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "gdcore"]
    rows = list(csv.reader(io.StringIO(run_cli(words[3:]))))
    expected = ledger_rows(fit_line(config, load_xy(data_path, config.x, config.y)).run.records)
    assert len(rows) == 1 + len(expected)
    for row, want in zip(rows[1:], expected, strict=True):
        epoch, name, *numbers = row
        assert (int(epoch), name) == want[:2]
        assert [float(n) for n in numbers] == list(want[2:])  # repr-exact floats: equal, not close


COMMAND_CONFIGS = [
    DEFAULT,
    DescentConfig(learning_rate=0.7, epochs=12, loss="sse", scale="standardize", seed=123),
    DescentConfig(learning_rate=1 / 3, epochs=12),  # every digit of the learning rate must reach the CLI
    DescentConfig(
        learning_rate=1e-4,
        epochs=8,
        loss="sse",
        scale="none",
        start="typed",
        init_slope=-2500.25,
        init_intercept=40000.0,
    ),
    DescentConfig(learning_rate=1e6, epochs=40),  # diverges: the rows before the overflow must agree too
]


@pytest.mark.parametrize("config", COMMAND_CONFIGS, ids=range(len(COMMAND_CONFIGS)))
def test_to_command_reproduces_fit_line(config, repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)  # the command names data/windsor_housing.csv relative to the repository
    assert_cli_matches_fit_line(command_for(config), config, repo_root / "data" / "windsor_housing.csv")


def test_to_command_with_spaced_column_names(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    area = rng.uniform(50.0, 250.0, size=30)
    price = 1500.0 * area + 20000.0 + rng.normal(0.0, 15000.0, size=30)
    path = tmp_path / "houses.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["floor area", "sale price"])
        writer.writerows(zip(area, price, strict=True))
    config = DescentConfig(x="floor area", y="sale price", epochs=15, seed=4)
    monkeypatch.chdir(tmp_path)
    assert_cli_matches_fit_line(command_for(config, data="houses.csv"), config, path)


@pytest.mark.parametrize(("slope", "intercept"), [(-1e-05, 0.25), (0.5, -2.5e-07)])
def test_to_command_with_a_negative_start_in_scientific_notation(slope, intercept, repo_root, monkeypatch):
    config = DescentConfig(start="typed", init_slope=slope, init_intercept=intercept, epochs=5)
    assert from_query(DescentConfig, to_query(config)) == (config, [])  # a link can hold this config
    monkeypatch.chdir(repo_root)
    assert_cli_matches_fit_line(command_for(config), config, repo_root / "data" / "windsor_housing.csv")


def shell_words(command: str) -> list[str]:
    """The words a POSIX shell hands to the program when it runs `command`."""
    echo = f"{shlex.quote(sys.executable)} -c 'import json, sys; print(json.dumps(sys.argv[1:]))'"
    assert command.startswith("python -m gdcore ")
    result = subprocess.run(
        ["sh", "-c", echo + command.removeprefix("python -m gdcore")],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def option_value(words: list[str], option: str) -> str:
    return words[words.index(option) + 1]


SHELL_CASES = [
    pytest.param("floor area", "data/houses.csv", id="space in a column name"),
    pytest.param("price", "data/houses.csv", id="plain"),
    pytest.param(
        "owner's price",
        "data/houses.csv",
        id="apostrophe in a column name",
    ),
    pytest.param(
        "price(CAD)",
        "data/houses.csv",
        id="parentheses in a column name",
    ),
    pytest.param(
        "price",
        "my data/houses.csv",
        id="space in the data path",
    ),
]


@pytest.mark.parametrize(("y", "data"), SHELL_CASES)
def test_to_command_survives_the_shell(y, data):
    words = shell_words(command_for(DescentConfig(y=y), data=data))
    assert option_value(words, "--y") == y
    assert option_value(words, "--data") == data
    assert option_value(words, "--x") == "bedrooms"


def test_a_link_value_that_clashes_is_dropped_with_a_note_and_the_rest_is_kept():
    # x1=lotsize alone is a fine column name, but the default x3 is lotsize too: NetworkConfig refuses that.
    config, notes = from_query(NetworkConfig, {"x1": "lotsize", "lr": "0.5"})
    assert config == NetworkConfig(learning_rate=0.5)
    assert notes == [
        "The link's x1='lotsize' did not fit with the rest of the link (the three inputs must be three different "
        "columns); using 'bedrooms' instead."
    ]
    # Two values that clash only with the defaults, not with each other, are both kept: a swap.
    config, notes = from_query(NetworkConfig, {"x1": "bathrms", "x2": "bedrooms"})
    assert (config.x1, config.x2, notes) == ("bathrms", "bedrooms", [])
    # A swap plus a target that is one of the inputs: only the target is dropped.
    config, notes = from_query(NetworkConfig, {"x1": "bathrms", "x2": "bedrooms", "y": "bathrms"})
    assert (config.x1, config.x2, config.y) == ("bathrms", "bedrooms", "price")
    assert len(notes) == 1 and notes[0].startswith("The link's y='bathrms' did not fit with the rest of the link")


@pytest.mark.parametrize("cls", [DescentConfig, NetworkConfig, ChainConfig])
def test_every_experiment_names_its_data_set_and_a_link_to_another_gets_a_note(cls):
    assert cls().data == "windsor" and "data" not in to_query(cls())
    with pytest.raises(ValueError, match="data set"):
        cls(data="elsewhere")
    config, notes = from_query(cls, {"data": "elsewhere", "seed": "3"})
    assert config == dataclasses.replace(cls(), seed=3)
    assert len(notes) == 1 and notes[0].startswith("The link's data='elsewhere' was ignored")


def test_the_command_reads_the_config_s_data_set_file(repo_root):
    command = command_for(DescentConfig())
    assert "--data data/windsor_housing.csv" in command
    assert (repo_root / "data" / "windsor_housing.csv").is_file()


@pytest.mark.parametrize("cls", [DescentConfig, NetworkConfig, ChainConfig, CurveConfig, BatchConfig, RaceConfig])
def test_a_bad_value_for_a_field_left_empty_by_default_says_what_empty_means(cls) -> None:
    """A field whose default is None ("the surface's own", "the optimizer's own") is never noted as 'None'."""
    for f in dataclasses.fields(cls):
        if f.default is not None:
            continue
        config, notes = from_query(cls, {f.metadata["url"]: "not a number"})
        assert getattr(config, f.name) is None
        (note,) = notes
        assert "None" not in note and f.metadata["unset"] and f.metadata["unset"] in note, note
