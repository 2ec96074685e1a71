"""gdcore.narrate: one Verdict type, its kinds listed once, and sentences that count epochs, not steps."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

import gdcore
from gdcore import KINDS, NetworkConfig, Verdict
from gdcore.chain import ChainConfig, fit_chain
from gdcore.narrate import TONES, descent_verdict, network_verdict


def test_every_kind_has_a_tone_and_an_unknown_kind_is_refused():
    assert set(KINDS.values()) <= set(TONES)
    assert Verdict("crawling", "x").tone == "caution"
    with pytest.raises(ValueError, match="not a verdict kind"):
        Verdict("rising", "x")


def test_every_verdict_function_only_uses_listed_kinds():
    source = Path(gdcore.narrate.__file__).read_text()
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
