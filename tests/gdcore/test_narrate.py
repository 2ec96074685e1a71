"""gdcore.narrate: one Verdict type, its kinds listed once, and sentences that count epochs, not steps."""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import gdcore
from gdcore import KINDS, DescentConfig, NetworkConfig, Verdict, verdict
from gdcore.chain import ChainConfig, descent_verdict, fit_chain
from gdcore.models import MODELS
from gdcore.narrate import TONES
from gdcore.network import network_verdict


def test_every_kind_has_a_tone_and_an_unknown_kind_is_refused():
    assert set(KINDS.values()) <= set(TONES)
    assert Verdict("crawling", "x").tone == "caution"
    with pytest.raises(ValueError, match="not a verdict kind"):
        Verdict("rising", "x")


def test_every_verdict_function_only_uses_listed_kinds():
    # The verdicts are each model's, in its module (gdcore/line.py, ...); the kinds are listed in gdcore.narrate.
    modules = {sys.modules[model.config.__module__] for model in MODELS}
    source = "".join(Path(module.__file__).read_text() for module in modules)
    used = set(re.findall(r'Verdict\(\s*"([^"]+)"', source)) | set(re.findall(r'kind, how = \(\s*"([^"]+)"', source))
    assert used and used <= set(KINDS)


@pytest.fixture(scope="module")
def houses():
    frame = pd.read_csv(gdcore.WINDSOR)
    return frame[["bedrooms", "bathrms", "lotsize"]].to_numpy(dtype=float), frame["price"].to_numpy(dtype=float)


def test_a_mini_batch_network_verdict_counts_epochs_not_steps(houses):
    fit = gdcore.fit_network(NetworkConfig(epochs=3, batch_size=100), *houses)
    assert len(fit.run.records) == 3 * 6  # 546 rows in batches of 100: six steps per epoch
    assert "in 3 epochs" in network_verdict(fit).sentence


def test_a_mini_batch_chain_verdict_counts_epochs_not_steps(houses):
    X, y = houses
    fit = fit_chain(ChainConfig(epochs=2, batch_size=200), X, y)
    assert len(fit.run.records) == 2 * 3
    verdict = descent_verdict(fit)
    assert verdict.kind == "stalling"  # the default chain of 10 sigmoids barely learns in 2 epochs
    assert "in 2 epochs" in verdict.sentence


def test_step_sentence_names_the_biggest_moves_and_what_else_shaped_them() -> None:
    from gdcore.descent import StepRecord
    from gdcore.narrate import step_sentence

    names = ("w1", "w2", "w3")
    record = StepRecord(
        epoch=1,
        names=names,
        current=(1.0, 2.0, 3.0),
        gradient=(0.5, -4.0, 0.0),
        learning_rate=0.1,
        new=(0.95, 2.4, 3.0),
        loss=1.0,
    )
    said = step_sentence(record, "Epoch 1", str, most=2)
    assert said.startswith("Epoch 1: the w1 fell from 1.0 to 0.95 because its gradient was 0.5")
    assert "the w2 rose from 2.0 to 2.4" in said and "w3" not in said and "(the other parameter moved less)" in said
    said = step_sentence(record, "Step 7", str)
    assert "the w3 stayed at 3.0 because its gradient was 0.0 and flat ground gives no push" in said
    said = step_sentence(record, "Step 7", str, optimizer="adam")
    assert "its averages of past gradients shaped the step" in said and "we step against it" not in said


@pytest.mark.parametrize(
    ("lr", "kind"), [(1e-9, "crawling"), (1e-4, "crawling"), (0.01, "converging"), (0.2, "converging")]
)
def test_a_rate_too_small_for_the_longest_run_is_crawling_not_converging(lr: float, kind: str) -> None:
    """On standardized x and y the MSE's Hessian is 2·I, so each epoch shrinks the distance to the bottom by
    |1 - 2·lr|: reaching a millionth of it takes log(1e-6) / log(1 - 2·lr) epochs. Crawling: more than the page's
    500, with less than half of the way covered in the 40 epochs run."""
    from gdcore.data import load_xy
    from gdcore.line import fit_line

    needed = math.log(1e-6) / math.log(1 - 2 * lr)
    covered = 1 - (1 - 2 * lr) ** (2 * 40)  # the loss's gap shrinks by the square of the distance's factor
    assert (needed > 500 and covered < 0.5) == (kind == "crawling")
    fit = fit_line(DescentConfig(learning_rate=lr), load_xy(gdcore.WINDSOR, "bedrooms", "price"))
    assert verdict(fit).kind == kind
