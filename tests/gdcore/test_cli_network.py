"""`python -m gdcore descend --model network`: every printed row recomputed by a backpropagation written
here, the seeded start drawn here, and every bad input a one-line error."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from gdcore.__main__ import main

HEADER_LINE = "epoch,parameter,current,gradient,learning_rate,new,loss"
NAMES = ["w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "b1", "b2"]
ACTIVATIONS = ("sigmoid", "tanh", "relu")
LOSSES = ("sse", "mse")
WINDSOR_INPUTS = "bedrooms,bathrms,lotsize"


def run_module(args: list[str], cwd) -> subprocess.CompletedProcess:
    """The real thing: a fresh interpreter running `python -m gdcore ...` from the repository root."""
    return subprocess.run(
        [sys.executable, "-m", "gdcore", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def run_main(argv: list[str], capsys) -> tuple[int, str, str]:
    """main() in-process; argparse's refusals (SystemExit) become an exit code like any other."""
    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


# --- The reference: the network's equations and their chain rule, written without gdcore ---------


def act(z: np.ndarray, name: str) -> np.ndarray:
    with np.errstate(over="ignore"):  # e^-z = inf for z < -709 gives the right limit, 0
        if name == "sigmoid":
            return 1.0 / (1.0 + np.exp(-z))
        if name == "tanh":
            return np.tanh(z)
    return np.where(z > 0, z, 0.0)


def act_slope(z: np.ndarray, name: str) -> np.ndarray:
    with np.errstate(over="ignore"):  # cosh(z) = inf for |z| > 710 gives the right limit, 0
        if name == "sigmoid":
            s = 1.0 / (1.0 + np.exp(-z))
            return s * (1.0 - s)
        if name == "tanh":
            return 1.0 / np.cosh(z) ** 2
    return np.where(z > 0, 1.0, 0.0)


def standardized(values: np.ndarray) -> np.ndarray:
    """(value - mean) / population std, column by column."""
    n = len(values)
    mean = values.sum(axis=0) / n
    return (values - mean) / np.sqrt(((values - mean) ** 2).sum(axis=0) / n)


def backprop(params, X: np.ndarray, y: np.ndarray, activation: str, kind: str):
    """(loss, gradient (10,), size (10,)) at params = (w1, ..., w8, b1, b2).

    h1 = act(w1*x1 + w2*x2 + w3*x3 + b1), h2 = act(w4*x1 + w5*x2 + w6*x3 + b2), prediction = w7*h1 + w8*h2.
    size[k] is the sum over houses of |house's term of dL/dparameter k|: the scale of the sum's rounding.
    """
    w1, w2, w3, w4, w5, w6, w7, w8, b1, b2 = params
    x1, x2, x3 = X[:, 0], X[:, 1], X[:, 2]
    z1 = w1 * x1 + w2 * x2 + w3 * x3 + b1
    z2 = w4 * x1 + w5 * x2 + w6 * x3 + b2
    h1, h2 = act(z1, activation), act(z2, activation)
    e = y - (w7 * h1 + w8 * h2)
    n = len(y) if kind == "mse" else 1
    d_pred = -2.0 * e / n
    d_z1 = d_pred * w7 * act_slope(z1, activation)
    d_z2 = d_pred * w8 * act_slope(z2, activation)
    terms = [d_z1 * x1, d_z1 * x2, d_z1 * x3, d_z2 * x1, d_z2 * x2, d_z2 * x3, d_pred * h1, d_pred * h2, d_z1, d_z2]
    gradient = np.array([np.sum(t) for t in terms])
    size = np.array([np.sum(np.abs(t)) for t in terms])
    return float(np.sum(e * e) / n), gradient, size


def seeded_start(seed: int) -> np.ndarray:
    """The documented start: ten Normal(0, 1) draws from numpy's default_rng(seed)."""
    return np.random.default_rng(seed).normal(0.0, 1.0, size=10)


def parse_ledger(text: str) -> list[list[str]]:
    lines = text.splitlines()
    assert lines[0] == HEADER_LINE
    return list(csv.reader(io.StringIO("\n".join(lines[1:]))))


def check_ledger(text: str, X, y, *, lr: float, kind: str, activation: str, start, epochs: int, rtol=1e-7) -> None:
    """Recompute every row from its own `current` on standardized data; epoch 1 starts at `start`."""
    body = parse_ledger(text)
    assert len(body) == 10 * epochs
    Xs, ys = standardized(np.asarray(X, dtype=float)), standardized(np.asarray(y, dtype=float))
    expected_current = np.asarray(start, dtype=float)
    for epoch in range(1, epochs + 1):
        block = body[10 * (epoch - 1) : 10 * epoch]
        assert [row[0] for row in block] == [str(epoch)] * 10
        assert [row[1] for row in block] == NAMES
        current, gradient, rates, new, losses = (np.array([float(row[i]) for row in block]) for i in range(2, 7))
        # repr-exact floats: this epoch starts exactly where the last ended (or at the seed's draw).
        np.testing.assert_array_equal(current, expected_current)
        want_loss, want_gradient, size = backprop(current, Xs, ys, activation, kind)
        assert np.all(rates == lr)
        assert np.all(losses == losses[0])  # one loss per epoch, repeated on its 10 rows
        assert losses[0] == pytest.approx(want_loss, rel=rtol)
        for k in range(10):
            assert gradient[k] == pytest.approx(want_gradient[k], rel=rtol, abs=rtol * size[k]), (epoch, NAMES[k])
            assert new[k] == pytest.approx(
                current[k] - lr * want_gradient[k], rel=rtol, abs=rtol * (abs(current[k]) + lr * size[k])
            ), (epoch, NAMES[k])
        expected_current = new


# --- Data ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def windsor3(repo_root) -> tuple[np.ndarray, np.ndarray]:
    """bedrooms, bathrms, lotsize (546, 3) and price (546,), read with pandas directly."""
    frame = pd.read_csv(repo_root / "data" / "windsor_housing.csv")
    return frame[WINDSOR_INPUTS.split(",")].to_numpy(dtype=float), frame["price"].to_numpy(dtype=float)


def windsor_argv(repo_root, options: str, x: str = WINDSOR_INPUTS, y: str = "price") -> list[str]:
    data = str(repo_root / "data" / "windsor_housing.csv")
    return ["descend", "--model", "network", "--data", data, "--x", x, "--y", y, *options.split()]


@pytest.fixture
def spaced_csv(tmp_path) -> tuple[str, np.ndarray, np.ndarray]:
    """50 made-up houses in a file whose column names hold spaces; floats written with repr (exact)."""
    rng = np.random.default_rng(77)
    area = rng.uniform(40.0, 300.0, size=50)
    rooms = rng.integers(1, 7, size=50).astype(float)
    age = rng.uniform(0.0, 90.0, size=50)
    price = 1500.0 * area + 9000.0 * np.sqrt(rooms) - 300.0 * age + rng.normal(0.0, 15000.0, size=50)
    path = tmp_path / "made up houses.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["house id", "floor area", "rooms", "age", "sale price"])
        writer.writerows(zip(range(50), area, rooms, age, price))
    return str(path), np.column_stack([area, rooms, age]), price


# --- Every row recomputed ------------------------------------------------------------------------


def test_the_help_example_in_a_real_process(windsor3, repo_root):
    command = "descend --model network --data data/windsor_housing.csv --x bedrooms,bathrms,lotsize --y price"
    result = run_module([*command.split(), *"--lr 0.05 --epochs 200 --loss mse --seed 0".split()], cwd=repo_root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "epoch,parameter,current,gradient,learning_rate,new,loss"
    assert len(lines) == 1 + 10 * 200
    check_ledger(result.stdout, *windsor3, lr=0.05, kind="mse", activation="sigmoid", start=seeded_start(0), epochs=200)


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_row_recomputed_on_windsor(activation, kind, windsor3, repo_root, capsys):
    lr = 0.1 if kind == "mse" else 2e-4  # 2e-4 * 546 ~ 0.1: the same pace for the sum
    options = f"--lr {lr!r} --epochs 20 --loss {kind} --activation {activation} --seed 12"
    code, out, err = run_main(windsor_argv(repo_root, options), capsys)
    assert (code, err) == (0, "")
    check_ledger(out, *windsor3, lr=lr, kind=kind, activation=activation, start=seeded_start(12), epochs=20)


@pytest.mark.parametrize("kind", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_row_recomputed_on_a_csv_with_spaces_in_its_names(activation, kind, spaced_csv, capsys):
    path, X, y = spaced_csv
    lr = 0.3 if kind == "mse" else 0.006  # 0.006 * 50 = 0.3
    argv = [
        *["descend", "--model", "network", "--data", path, "--x", "floor area,rooms,age", "--y", "sale price"],
        *f"--lr {lr} --epochs 25 --loss {kind} --activation {activation} --seed 3".split(),
    ]
    code, out, err = run_main(argv, capsys)
    assert (code, err) == (0, "")
    check_ledger(out, X, y, lr=lr, kind=kind, activation=activation, start=seeded_start(3), epochs=25)


def test_the_defaults_are_the_apps_sigmoid_mse_lr_0_05_and_seed_0(windsor3, repo_root, capsys):
    code, out, err = run_main(windsor_argv(repo_root, "--epochs 5"), capsys)
    assert (code, err) == (0, "")
    check_ledger(out, *windsor3, lr=0.05, kind="mse", activation="sigmoid", start=seeded_start(0), epochs=5)
    # Spelled out, the same choices print the same bytes.
    spelled = "--lr 0.05 --epochs 5 --loss mse --activation sigmoid --seed 0 --scale standardize"
    assert run_main(windsor_argv(repo_root, spelled), capsys) == (0, out, "")


def test_the_seed_changes_the_start(repo_root, capsys):
    starts = {}
    for seed in (0, 1, 7):
        code, out, _ = run_main(windsor_argv(repo_root, f"--lr 0.05 --epochs 1 --loss mse --seed {seed}"), capsys)
        assert code == 0
        starts[seed] = np.array([float(row[2]) for row in parse_ledger(out)])
        np.testing.assert_array_equal(starts[seed], seeded_start(seed))
    assert not np.array_equal(starts[0], starts[1])
    assert not np.array_equal(starts[1], starts[7])


# --- Bad input -----------------------------------------------------------------------------------


@pytest.fixture
def bad_files(tmp_path) -> dict[str, str]:
    rng = np.random.default_rng(5)
    rows = zip(rng.normal(size=12), [4] * 12, rng.normal(size=12), [250000] * 12, rng.normal(size=12))
    constant = tmp_path / "constant.csv"
    with constant.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["floor area", "rooms", "age", "flat price", "sale price"])
        writer.writerows(rows)
    return {"constant": str(constant)}


# What is wrong: (the words after `descend`, split on spaces, "_" standing for a space inside a column
# name; a word the error must contain). "{windsor}" and "{constant}" are filled in below.
WINDSOR = "--data {windsor} --y price --lr 0.05 --epochs 3"
CONSTANT = "--data {constant} --lr 0.05 --epochs 3"
BAD_INPUTS = {
    "two columns in --x": ("--model network --x bedrooms,bathrms " + WINDSOR, "'bedrooms,bathrms'"),
    "four columns in --x": ("--model network --x bedrooms,bathrms,lotsize,stories " + WINDSOR, "--x"),
    "an empty column name": ("--model network --x bedrooms,,lotsize " + WINDSOR, "--x"),
    "the same column twice": ("--model network --x bedrooms,bedrooms,lotsize " + WINDSOR, "different"),
    "a non-numeric column": ("--model network --x bedrooms,driveway,lotsize " + WINDSOR, "'driveway'"),
    "an unknown column": ("--model network --x bedrooms,rooms,lotsize " + WINDSOR, "'rooms'"),
    "an unknown target": (
        "--model network --x bedrooms,bathrms,lotsize --y cost --data {windsor} --lr 0.05 --epochs 3",
        "'cost'",
    ),
    "a constant input": ("--model network --x floor_area,rooms,age --y sale_price " + CONSTANT, "'rooms'"),
    "a constant target": ("--model network --x floor_area,age,sale_price --y flat_price " + CONSTANT, "'flat price'"),
    "--scale none": ("--model network --x bedrooms,bathrms,lotsize --scale none " + WINDSOR, "--scale none"),
    "--init-slope": ("--model network --x bedrooms,bathrms,lotsize --init-slope 1 " + WINDSOR, "--init-slope"),
    "--init-intercept": ("--model network --x bedrooms,bathrms,lotsize --init-intercept=-2 " + WINDSOR, "--init"),
    "an unknown activation": (
        "--model network --x bedrooms,bathrms,lotsize --activation softplus " + WINDSOR,
        "--activation",
    ),
    "--activation with --model line": ("--model line --x bedrooms --activation tanh " + WINDSOR, "--activation"),
    "--activation with the default model": ("--x bedrooms --activation relu " + WINDSOR, "--activation"),
}


def bad_argv(case: str, names: dict[str, str]) -> list[str]:
    """The words of the case, with "_" inside a column name standing for a space."""
    words = BAD_INPUTS[case][0].format(**names).split()
    for i, word in enumerate(words):
        if i > 0 and words[i - 1] in ("--x", "--y"):
            words[i] = word.replace("_", " ")
    return ["descend", *words]


def assert_one_line_error(code, out: str, err: str, word: str) -> None:
    assert code != 0
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n"), err
    assert err.count("\n") == 1, f"expected one line on stderr, got {err!r}"
    assert word in err, err


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_line_on_stderr(case, bad_files, repo_root, capsys):
    names = {**bad_files, "windsor": str(repo_root / "data" / "windsor_housing.csv")}
    code, out, err = run_main(bad_argv(case, names), capsys)
    assert_one_line_error(code, out, err, BAD_INPUTS[case][1])


@pytest.mark.parametrize("case", ["two columns in --x", "a constant input"])
def test_bad_input_in_a_real_process(case, bad_files, repo_root):
    names = {**bad_files, "windsor": "data/windsor_housing.csv"}
    result = run_module(bad_argv(case, names), cwd=repo_root)
    assert_one_line_error(result.returncode, result.stdout, result.stderr, BAD_INPUTS[case][1])


def test_a_constant_column_of_tenths_is_an_error_too(tmp_path, capsys):
    rng = np.random.default_rng(6)
    path = tmp_path / "rates.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["area", "tax rate", "age", "price"])
        writer.writerows(zip(rng.normal(size=20), [0.1] * 20, rng.normal(size=20), rng.normal(size=20)))
    argv = ["descend", "--model", "network", "--data", str(path), "--x", "area,tax rate,age", "--y", "price"]
    code, out, err = run_main([*argv, "--lr", "0.05", "--epochs", "2"], capsys)
    assert_one_line_error(code, out, err, "'tax rate'")


# --- Divergence ----------------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_divergence_prints_the_finite_rows_and_says_where_it_stopped(activation, windsor3, repo_root):
    command = "descend --model network --data data/windsor_housing.csv --x bedrooms,bathrms,lotsize --y price"
    options = f"--lr 1e6 --epochs 300 --activation {activation} --loss sse"
    result = run_module([*command.split(), *options.split()], cwd=repo_root)
    assert result.returncode == 0
    assert "nan" not in result.stdout.lower()
    assert "inf" not in result.stdout.lower()
    match = re.match(r"diverged at epoch (\d+): \S", result.stderr)
    assert match, result.stderr
    assert result.stderr.count("\n") == 1
    body = parse_ledger(result.stdout)
    printed_epochs = len({row[0] for row in body})
    assert 0 < printed_epochs < 300
    assert int(match[1]) == printed_epochs + 1
    start, epochs = seeded_start(0), printed_epochs
    check_ledger(result.stdout, *windsor3, lr=1e6, kind="sse", activation=activation, start=start, epochs=epochs)
    # And the next epoch really does overflow: the loss or gradient at the last printed `new`, worked out here.
    last_new = np.array([float(row[5]) for row in body[-10:]])
    Xs, ys = standardized(windsor3[0]), standardized(windsor3[1])
    with np.errstate(all="ignore"):
        loss, gradient, _ = backprop(last_new, Xs, ys, activation, "sse")
        step = last_new - 1e6 * gradient
    assert not (np.isfinite(loss) and np.all(np.isfinite(gradient)) and np.all(np.isfinite(step)))
