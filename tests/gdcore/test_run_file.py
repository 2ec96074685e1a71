"""The run as JSON (gdcore.export): it holds the settings as the link writes them, the epoch, and the ledger the
command line prints up to that epoch; reading it back gives the same config; and whatever bytes come in, reading
raises nothing but RunFileError, whose message is one sentence."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import shlex

import numpy as np
import pytest

from gdcore import DescentConfig, fit_line, load_xy
from gdcore.__main__ import main
from gdcore.data import WINDSOR
from gdcore.export import RunFileError, config_of, read_run, run_json
from gdcore.models import command_for

LINK = {"lr": "0.05", "epochs": "6", "opt": "rmsprop", "batch": "200", "seed": "3"}
CONFIG = DescentConfig(learning_rate=0.05, epochs=6, optimizer="rmsprop", batch_size=200, seed=3)


def saved(epoch: int = 4) -> bytes:
    fit = fit_line(CONFIG, load_xy(WINDSOR, CONFIG.x, CONFIG.y))
    return run_json("descent", CONFIG, epoch, fit.run, len(fit.x)).encode()


def test_the_file_holds_the_link_the_epoch_and_the_ledger_so_far() -> None:
    document = json.loads(saved(4))
    assert document["page"] == "descent" and document["settings"] == LINK and document["epoch"] == 4
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(shlex.split(command_for(CONFIG, data=str(WINDSOR)))[3:]) == 0
    printed = list(csv.reader(io.StringIO(out.getvalue())))
    rows = printed[0].index("rows")  # each batch's row numbers: the one column the file leaves out
    assert document["ledger"]["columns"] == printed[0][:rows] + printed[0][rows + 1 :]
    steps = [row for row in printed[1:] if int(row[0]) <= 4]  # epochs 1 to 4: 3 batches of 200 rows each
    assert len(document["ledger"]["rows"]) == len(steps) == 4 * 3 * 2
    for ours, theirs in zip(document["ledger"]["rows"], steps):
        assert [str(value) for value in ours] == theirs[:rows] + theirs[rows + 1 :]  # repr-exact floats


def test_a_long_run_keeps_its_latest_thousand_ledger_rows() -> None:
    config = DescentConfig(epochs=100, batch_size=50)  # 11 steps an epoch, 22 ledger rows
    fit = fit_line(config, load_xy(WINDSOR, config.x, config.y))
    document = json.loads(run_json("descent", config, 90, fit.run, len(fit.x)))  # 1,980 rows up to epoch 90
    kept = document["ledger"]["rows"]
    assert len(kept) == 1_000 and kept[-1][:2] == [90, "intercept"] and kept[0][0] == (1_980 - 1_000) // 22 + 1


def test_reading_it_back_gives_the_same_config() -> None:
    run = read_run(saved(), "descent")
    assert (run.page, run.epoch, run.data) == ("descent", 4, None)
    assert config_of(run) == CONFIG


def test_any_bytes_give_a_one_sentence_refusal_or_a_run() -> None:
    rng = np.random.default_rng(0)
    good = saved()
    document = json.loads(good)
    samples = [rng.bytes(int(rng.integers(0, 300))) for _ in range(150)]
    samples += [good[:cut] for cut in range(0, len(good), 997)]  # cut short anywhere
    odd = [None, True, 3, -1, 2.5, "x" * 300, [], {}, {"lr": 5}, {"nope": "1"}, {"lr": "1e999"}, {"epochs": "0"}]
    for key in ("format", "version", "page", "settings", "epoch", "data"):
        samples += [json.dumps(document | {key: value}).encode() for value in odd]
    samples += [b"[1, 2]", b"null", b'"a run"', b"[" * 100_000, b"\xef\xbb\xbf{}", '{"é": 1}'.encode("latin-1")]
    for raw in samples:
        try:
            config_of(read_run(raw, "descent"))
        except RunFileError as error:
            sentence = str(error)
            assert sentence.endswith(".") and ". " not in sentence.rstrip("."), sentence
            assert "Traceback" not in sentence and len(sentence) < 300


@pytest.mark.parametrize("epoch", [-1, 7])
def test_an_epoch_outside_the_run_is_refused(epoch: int) -> None:
    document = json.loads(saved()) | {"epoch": epoch}
    with pytest.raises(RunFileError, match="epoch"):
        config_of(read_run(json.dumps(document).encode(), "descent"))
