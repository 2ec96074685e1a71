"""`python -m gdcore descend`: every printed number recomputed here, and every bad input a one-line error."""

from __future__ import annotations

import argparse
import csv
import io
import re
import subprocess
import sys

import numpy as np
import pytest

from gdcore.__main__ import build_parser, main
from gdcore.optimizers import SETTINGS

HEADER = ["epoch", "parameter", "current", "gradient", "learning_rate", "new", "loss"]


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


def standardized(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) / v.std(ddof=0)  # population std


def largest_curvature(x: np.ndarray, loss: str) -> float:
    """h_max: the largest eigenvalue of the loss's Hessian 2 A^T A / (n or 1), A = [x, 1]."""
    a = np.column_stack([x, np.ones_like(x)])  # (n, 2)
    return float(np.linalg.eigvalsh(2.0 * a.T @ a / (len(x) if loss == "mse" else 1)).max())


def check_ledger(text: str, x, y, *, lr: float, loss: str, scale: str, start, epochs: int, rtol=1e-9) -> None:
    """Parse the CSV and recompute every row from its own `current`, with a numpy loop written here."""
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADER
    body = rows[1:]
    assert len(body) == 2 * epochs
    if scale == "standardize":
        x, y = standardized(x), standardized(y)
    n = len(x) if loss == "mse" else 1
    expected_current = np.asarray(start, dtype=float)
    for epoch in range(1, epochs + 1):
        slope_row, intercept_row = body[2 * epoch - 2], body[2 * epoch - 1]
        assert slope_row[:2] == [str(epoch), "slope"]
        assert intercept_row[:2] == [str(epoch), "intercept"]
        current, gradient, rates, new, losses = (
            np.array([float(slope_row[i]), float(intercept_row[i])]) for i in range(2, 7)
        )
        # This epoch starts where the last one ended (the seed's draw, or the typed start, at epoch 1).
        np.testing.assert_allclose(current, expected_current, rtol=1e-12 if epoch == 1 else 0)
        prediction = current[0] * x + current[1]  # (n,)
        e = y - prediction  # (n,)
        want_loss = np.sum(e**2) / n
        want_gradient = np.array([-2.0 * np.sum(x * e), -2.0 * np.sum(e)]) / n
        # The size of the terms each sum adds up: near the minimum they cancel, and rounding scales with them.
        terms = 2.0 * np.array([np.sum(np.abs(x * e)), np.sum(np.abs(e))]) / n
        assert np.all(rates == lr)
        assert losses[0] == losses[1] == pytest.approx(want_loss, rel=rtol)
        for got, want, size in zip(gradient, want_gradient, terms, strict=True):
            assert got == pytest.approx(want, rel=rtol, abs=rtol * size)
        for got, now, g, size in zip(new, current, want_gradient, terms, strict=True):
            assert got == pytest.approx(now - lr * g, rel=rtol, abs=rtol * (abs(now) + lr * size))
        expected_current = new


def seeded_start(seed: int, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The app's random start: default_rng(seed).normal(size=2) * [std(y) / std(x), std(y)]."""
    return np.random.default_rng(seed).normal(size=2) * np.array([y.std() / x.std(), y.std()])


def windsor_args(repo_root, options: str) -> list[str]:
    """`descend` on bedrooms and price of the Windsor data, then `options` (split on spaces)."""
    data = str(repo_root / "data" / "windsor_housing.csv")
    return ["descend", "--data", data, "--x", "bedrooms", "--y", "price", *options.split()]


def test_the_help_example_prints_the_header_and_two_rows_per_epoch(repo_root):
    command = "descend --data data/windsor_housing.csv --x bedrooms --y price --lr 0.1 --epochs 25"
    result = run_module([*command.split(), *"--loss mse --scale standardize --seed 0".split()], cwd=repo_root)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == "epoch,parameter,current,gradient,learning_rate,new,loss"
    assert len(lines) == 1 + 2 * 25


@pytest.mark.parametrize("start", ["seed", "typed"])
@pytest.mark.parametrize("scale", ["none", "standardize"])
@pytest.mark.parametrize("loss", ["sse", "mse"])
def test_every_row_recomputed(loss, scale, start, windsor, repo_root, capsys):
    x, y = windsor
    seen_x = standardized(x) if scale == "standardize" else x
    seen_y = standardized(y) if scale == "standardize" else y
    lr = 0.6 / largest_curvature(seen_x, loss)  # stable, and slow enough that 30 epochs stay far from 0
    if start == "seed":
        start_options, start_point = "--seed 4", seeded_start(4, seen_x, seen_y)
    elif scale == "standardize":
        start_options, start_point = "--init-slope 0.75 --init-intercept -0.5", [0.75, -0.5]
    else:
        start_options, start_point = "--init-slope -1500.5 --init-intercept 20000", [-1500.5, 20000.0]
    options = f"--lr {lr!r} --epochs 30 --loss {loss} --scale {scale} {start_options}"
    code, out, err = run_main(windsor_args(repo_root, options), capsys)
    assert (code, err) == (0, "")
    check_ledger(out, x, y, lr=lr, loss=loss, scale=scale, start=start_point, epochs=30)


@pytest.mark.parametrize("times_stable", [0.1, 0.9, 1.2])
def test_rows_recomputed_when_crawling_zigzagging_and_growing(times_stable, windsor, repo_root, capsys):
    x, y = windsor
    lr = times_stable * 2.0 / largest_curvature(x, "sse")
    options = f"--lr {lr!r} --epochs 40 --loss sse --scale none --init-slope 0 --init-intercept 0"
    code, out, _ = run_main(windsor_args(repo_root, options), capsys)
    assert code == 0
    # sse, no scaling, start at slope 0 and intercept 0.
    check_ledger(out, x, y, lr=lr, loss="sse", scale="none", start=[0.0, 0.0], epochs=40)


def test_only_init_slope_given_starts_the_intercept_at_zero(windsor, repo_root, capsys):
    x, y = windsor
    options = "--lr 0.01 --epochs 5 --loss mse --scale none --init-slope 5000"
    code, out, _ = run_main(windsor_args(repo_root, options), capsys)
    assert code == 0
    check_ledger(out, x, y, lr=0.01, loss="mse", scale="none", start=[5000.0, 0.0], epochs=5)


def test_column_names_with_spaces(tmp_path, capsys):
    rng = np.random.default_rng(2024)
    area = rng.uniform(40.0, 300.0, size=60)  # (60,)
    price = 1800.0 * area + 25000.0 + rng.normal(0.0, 20000.0, size=60)  # (60,)
    path = tmp_path / "my houses.csv"
    with path.open("w", newline="") as file:
        writer = csv.writer(file)  # floats written with repr: the file holds exactly these numbers
        writer.writerow(["house id", "floor area (m2)", "sale price"])
        writer.writerows(zip(range(60), area, price, strict=True))
    argv = [
        *["descend", "--data", str(path), "--x", "floor area (m2)", "--y", "sale price"],
        *"--lr 0.3 --epochs 20 --loss mse --scale standardize --seed 11".split(),
    ]
    code, out, err = run_main(argv, capsys)
    assert (code, err) == (0, "")
    start = seeded_start(11, standardized(area), standardized(price))
    check_ledger(out, area, price, lr=0.3, loss="mse", scale="standardize", start=start, epochs=20)


@pytest.fixture
def bad_files(tmp_path):
    words = tmp_path / "words.csv"
    words.write_text("x,y\n1,2\n2,3\ntwo,4\n")
    holes = tmp_path / "holes.csv"
    holes.write_text("x,y\n1,2\n2,\n3,4\n")
    return {"words": str(words), "holes": str(holes), "missing": str(tmp_path / "absent.csv")}


# What is wrong: (the words after `descend`, {name} filled in below; a word the error must contain).
WINDSOR_BEDROOMS = "--data {windsor} --x bedrooms --y price"
BAD_INPUTS = {
    "missing file": ("--data {missing} --x x --y y --lr 0.1 --epochs 3", "absent.csv"),
    "unknown column": ("--data {windsor} --x rooms --y price --lr 0.1 --epochs 3", "'rooms'"),
    "non-numeric values": ("--data {words} --x x --y y --lr 0.1 --epochs 3", "'two'"),
    "yes/no column": ("--data {windsor} --x driveway --y price --lr 0.1 --epochs 3", "'yes'"),
    "missing values": ("--data {holes} --x x --y y --lr 0.1 --epochs 3", "empty cell"),
    "lr 0": (WINDSOR_BEDROOMS + " --lr 0 --epochs 3", "--lr"),
    "lr -1": (WINDSOR_BEDROOMS + " --lr -1 --epochs 3", "--lr"),
    "lr abc": (WINDSOR_BEDROOMS + " --lr abc --epochs 3", "--lr"),
    "lr nan": (WINDSOR_BEDROOMS + " --lr nan --epochs 3", "--lr"),
    "epochs 0": (WINDSOR_BEDROOMS + " --lr 0.1 --epochs 0", "--epochs"),
    "epochs 2.5": (WINDSOR_BEDROOMS + " --lr 0.1 --epochs 2.5", "--epochs"),
    "unknown loss": (WINDSOR_BEDROOMS + " --lr 0.1 --epochs 3 --loss mae", "--loss"),
    "seed and a typed start": (WINDSOR_BEDROOMS + " --lr 0.1 --epochs 3 --seed 1 --init-slope 2", "--seed"),
    "lr above its range": (WINDSOR_BEDROOMS + " --lr 2e6 --epochs 3", "--lr"),
    "unknown optimizer": (WINDSOR_BEDROOMS + " --optimizer sgd", "--optimizer"),
    "batch size -1": (WINDSOR_BEDROOMS + " --batch-size -1", "--batch-size"),
    "shuffle maybe": (WINDSOR_BEDROOMS + " --shuffle maybe", "--shuffle"),
}


def bad_argv(case: str, names: dict[str, str]) -> list[str]:
    return ["descend", *(word.format(**names) for word in BAD_INPUTS[case][0].split())]


def assert_one_line_error(code, out: str, err: str, word: str) -> None:
    assert code != 0
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n"), err
    assert err.count("\n") == 1, f"expected one line on stderr, got {err!r}"
    assert word in err


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_input_is_one_line_on_stderr(case, bad_files, repo_root, capsys):
    names = {**bad_files, "windsor": str(repo_root / "data" / "windsor_housing.csv")}
    code, out, err = run_main(bad_argv(case, names), capsys)
    assert_one_line_error(code, out, err, BAD_INPUTS[case][1])


@pytest.mark.parametrize("case", ["missing file", "lr abc"])
def test_bad_input_in_a_real_process(case, bad_files, repo_root):
    names = {**bad_files, "windsor": "data/windsor_housing.csv"}
    result = run_module(bad_argv(case, names), cwd=repo_root)
    assert_one_line_error(result.returncode, result.stdout, result.stderr, BAD_INPUTS[case][1])


def test_divergence_prints_the_finite_rows_and_says_where_it_stopped(windsor, repo_root):
    command = "descend --data data/windsor_housing.csv --x bedrooms --y price --lr 1e6 --epochs 500"
    command += " --loss sse --scale none --init-slope 0 --init-intercept 0"
    result = run_module(command.split(), cwd=repo_root)
    assert result.returncode == 0
    assert "nan" not in result.stdout.lower()
    assert "inf" not in result.stdout.lower()
    match = re.match(r"diverged at epoch (\d+): \S", result.stderr)
    assert match, result.stderr
    assert result.stderr.count("\n") == 1
    rows = list(csv.reader(io.StringIO(result.stdout)))
    printed_epochs = len({row[0] for row in rows[1:]})
    assert 0 < printed_epochs < 500
    assert int(match[1]) == printed_epochs + 1
    x, y = windsor
    check_ledger(result.stdout, x, y, lr=1e6, loss="sse", scale="none", start=[0, 0], epochs=printed_epochs)
    # And the next epoch really does overflow: the loss at the last printed `new`, worked out here.
    last_new = np.array([float(rows[-2][5]), float(rows[-1][5])])
    with np.errstate(all="ignore"):
        e = y - (last_new[0] * x + last_new[1])
        assert not np.isfinite(e @ e)


OPTIONS = (
    "--data --x --y --lr --epochs --model --loss --scale --init-slope --init-intercept --seed --activation --help"
    " --optimizer --schedule --gamma --every --lr-min --warmup --batch-size --shuffle"
).split()
# and each optimizer's own settings (--momentum, --beta1, ...; --weight-decay for weight_decay), from its table
OPTIONS += [f"--{setting.name.replace('_', '-')}" for setting in SETTINGS]


def test_help_mentions_every_option(repo_root):
    result = run_module(["descend", "--help"], cwd=repo_root)
    assert result.returncode == 0
    assert {"--momentum", "--beta1", "--beta2", "--alpha", "--eps"} <= set(OPTIONS)
    for option in OPTIONS:
        assert option in result.stdout, option
    # Every option the parser knows, so a new one cannot go undocumented.
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    descend = commands.choices["descend"]
    known = {s for action in descend._actions for s in action.option_strings if s.startswith("--")}
    assert known == set(OPTIONS)
    for option in known:
        assert option in result.stdout, option


def test_descend_alone_prints_the_apps_default_run(windsor, repo_root):
    """Every option defaults to the app's: lr 0.2, 40 epochs, mse, standardized, random start from seed 8."""
    result = run_module(["descend"], cwd=repo_root)
    assert (result.returncode, result.stderr) == (0, "")
    x, y = windsor
    start = seeded_start(8, standardized(x), standardized(y))
    check_ledger(result.stdout, x, y, lr=0.2, loss="mse", scale="standardize", start=start, epochs=40)


def test_no_arguments_prints_the_help_on_stderr(capsys):
    code, out, err = run_main([], capsys)
    assert code == 2
    assert out == ""
    assert "descend" in err


def test_a_mini_batch_momentum_ledger_recomputed_row_by_row(windsor, repo_root, capsys):
    """Momentum on batches of 100 shuffled houses: the extra columns, each row recomputed by a loop written here."""
    options = "--optimizer momentum --momentum 0.8 --batch-size 100 --epochs 3 --lr 0.05 --seed 5"
    code, out, err = run_main(windsor_args(repo_root, options), capsys)
    assert (code, err) == (0, "")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == [*HEADER, "step", "update", "rows", "velocity"]
    body = rows[1:]
    x, y = windsor
    x, y = standardized(x), standardized(y)
    n, steps_per_epoch = len(x), 6  # 546 rows: five batches of 100 and one of 46
    assert len(body) == 2 * 3 * steps_per_epoch
    shuffles = np.random.default_rng(np.random.SeedSequence(5).spawn(1)[0])  # the shuffle's own stream
    current = seeded_start(5, x, y)
    velocity = np.zeros(2)
    step = 0
    for epoch in range(1, 4):
        order = shuffles.permutation(n)
        for start in range(0, n, 100):
            batch = order[start : start + 100]
            step += 1
            slope_row, intercept_row = body[2 * step - 2], body[2 * step - 1]
            assert slope_row[:2] == [str(epoch), "slope"] and intercept_row[:2] == [str(epoch), "intercept"]
            assert slope_row[7] == intercept_row[7] == str(step)
            assert slope_row[9] == intercept_row[9] == " ".join(map(str, batch))
            e = y[batch] - (current[0] * x[batch] + current[1])  # the batch's errors, its mean loss below
            gradient = np.array([-2.0 * np.sum(x[batch] * e), -2.0 * np.sum(e)]) / len(batch)
            velocity = 0.8 * velocity + gradient
            update = 0.05 * velocity
            whole = np.sum((y - (current[0] * x + current[1])) ** 2) / n  # the loss column: every house
            for i, row in enumerate((slope_row, intercept_row)):
                assert float(row[2]) == pytest.approx(current[i], rel=1e-12)
                assert float(row[3]) == pytest.approx(gradient[i], rel=1e-9, abs=1e-12)
                assert float(row[4]) == 0.05
                assert float(row[6]) == pytest.approx(whole, rel=1e-12)
                assert float(row[8]) == pytest.approx(update[i], rel=1e-9, abs=1e-12)
                assert float(row[10]) == pytest.approx(velocity[i], rel=1e-9, abs=1e-12)
                assert float(row[5]) == float(row[2]) - float(row[8])  # new = current - update, exactly
            current = current - update
