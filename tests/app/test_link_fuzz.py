"""Random links through every page with AppTest: no link raises, and every value is used or named.

A property-based test (hypothesis) draws query strings from each page's own link keys, with values
that are valid, out of range, the wrong type, huge, empty, unicode or thousands of characters long,
plus keys that are no setting at all. An AppTest run costs about half a second, so each of the ten
pages gets 10 links per suite run (the suite must stay under five minutes); tests/gdcore/test_links.py
throws thousands at the parsing alone.
"""

from __future__ import annotations

import re
from dataclasses import fields

import opening
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stepping import frame_text, ledger_shown
from streamlit.testing.v1 import AppTest

from gdcore import DescentConfig, GuessConfig, NetworkConfig, SlopeConfig, from_query
from gdcore.chain import ChainConfig
from gdcore.curve import CurveConfig
from gdcore.minibatch import BatchConfig
from gdcore.race import RaceConfig

pytestmark = pytest.mark.slow  # hypothesis: ten links a page, an AppTest run each: run by .ci/run after the suite

NAN_OR_INF = re.compile(r"(?<![A-Za-z])(nan|[-+−]?inf(inity)?)(?![A-Za-z])", re.IGNORECASE)
MINUS_ZERO = re.compile(r"(?<![\w.,])[-−]0(?![\d.,×])|[-−]0\.0+(?![\d×])")  # "-0" or "-0.00", not -0.5
# page script, its config, the link keys it reads itself (views), its title
PAGES = {
    "guess": ("pages/1_guess.py", GuessConfig, ()),
    "loss_curve": ("pages/2_loss_curve.py", SlopeConfig, ()),
    "descent": ("pages/3_descent.py", DescentConfig, ("epoch",)),
    "check": ("pages/4_check.py", DescentConfig, ()),
    "network": ("pages/5_network.py", NetworkConfig, ("epoch", "param", "restarts")),
    "gradients": ("pages/6_gradients.py", ChainConfig, ()),
    "ball": ("pages/7_ball.py", CurveConfig, ("step",)),
    "landscape": ("pages/8_landscape.py", DescentConfig, ("epoch", "fog", "surface")),
    "optimizers": ("pages/9_optimizers.py", RaceConfig, ("step",)),
    "batches": ("pages/10_batches.py", BatchConfig, ("step",)),
}
RENAMED = {("optimizers", "epoch"): "step"}  # a key older links used: the page reads it, and the link says the new one
VALUES = st.one_of(
    st.sampled_from(["0", "1", "2", "-1", "0.5", "1e-9", "1e6", "1e309", "nan", "inf", "-0", "", " ", "yes", "no"]),
    st.sampled_from(["adam", "momentum", "cosine", "step", "relu", "tanh", "mse", "sse", "none", "typed"]),
    st.sampled_from(["bedrooms", "bathrms", "lotsize", "price", "driveway", "foo", "w7", "windsor", "9" * 400]),
    st.integers(-(10**30), 10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=30),
    st.just("é" * 5000),
)


def link(page: str):
    """A query string for `page`: some of its own keys, a view key or two, maybe a key it does not know."""
    _, cls, views = PAGES[page]
    old = [key for (where, key) in RENAMED if where == page]  # a key older links used, still read
    keys = [f.metadata["url"] for f in fields(cls)] + list(views) + old + ["foo", "x1", "depth"]
    return st.dictionaries(st.sampled_from(keys), VALUES, max_size=6)


def screen_text(at: AppTest) -> str:
    parts = []
    # Not the notes (st.warning): they quote the link's own text back, and 'nan' typed in a link is not a NaN.
    for kind in ("title", "header", "subheader", "markdown", "latex", "caption", "info", "success", "error"):
        parts += [str(element.value) for element in getattr(at, kind)]
    parts += [frame.value.to_string() for frame in at.dataframe]
    parts += frame_text(at)  # what the browser draws for the epoch shown
    shown = ledger_shown(at)
    parts += [shown.to_string()] if shown is not None else []
    parts += [str(metric.value) for metric in at.metric]
    return "\n".join(parts)


def used_as_default(cls, key: str, raw: str) -> bool:
    """The value parses to what the page shows anyway, so it needs no note and no place in the link."""
    if key in ("epoch", "step"):
        return raw.strip() == "0" or raw == "-0"
    config, notes = from_query(cls, {key: raw})
    return not notes and config == cls()


@pytest.mark.parametrize("page", PAGES)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_link_raises_and_every_value_is_used_or_named(page: str, data) -> None:
    script, cls, _ = PAGES[page]
    params = data.draw(link(page))
    at = opening.open_page(script, **params)
    assert not at.exception, (params, [e.value for e in at.exception])
    assert not NAN_OR_INF.findall(screen_text(at)), params
    assert not MINUS_ZERO.findall(screen_text(at)), (params, MINUS_ZERO.findall(screen_text(at)))  # ui/fmt.py's rule
    notes = "\n".join(str(w.value) for w in at.warning)
    assert all(len(str(w.value)) < 600 for w in at.warning), notes
    for key, raw in params.items():
        used = key in at.query_params or RENAMED.get((page, key), "") in at.query_params
        named = f"{key}=" in notes or repr(key) in notes
        assert used or named or used_as_default(cls, key, raw), (key, raw, notes, dict(at.query_params))
