"""A link sets every control of every page, and survives a rerun.

For each page, a link carries EVERY setting of the page's config, each at a value other than its
default (where the config allows one), plus the page's view keys. The page must take each value
without a note, put it in the widget that shows it, and write the same values back into the
address bar, on the first run and after another. The values are written and parsed here, in the
test, from the configs' field metadata (the range or the choices), not through gdcore's link code.
"""

from __future__ import annotations

import math
from dataclasses import fields

import opening
import pytest
from streamlit.testing.v1 import AppTest
from test_link_fuzz import PAGES

from ui.batches import OFFERED

COLUMNS = {
    "x": "bathrms",
    "x1": "stories",
    "x2": "garagepl",
    "x3": "bedrooms",
    "y": "price",
}  # Windsor's (y is the price)
CHOSEN = {  # values picked by hand where "the next value" would make a poor or slow run
    "batch": 64,  # a mini-batch run, not batches of 1
    "steps": 40,
    "gd": False,  # one racer off; all six off would leave no race
    **dict.fromkeys(("mom", "nag", "ada", "rms", "adam"), True),
    "lr_gd": 0.01,
    "lr_mom": 0.002,
    "lr_nag": 0.003,
    "lr_ada": 0.3,
    "lr_rms": 0.02,
    "lr_adam": 0.04,
    "ledger": "rmsprop",  # the ledger shows a racer that races
    "x0": 0.5,
    "y0": -0.75,
    "lrmin": 0.001,
    "eps": 1e-7,
    "eps_ada": 1e-6,
    "eps_rms": 1e-5,
    "eps_adam": 1e-9,
}
VIEWS = {"epoch": "3", "step": "3", "param": "w3", "restarts": "2", "fog": "yes", "surface": "yes"}


def other_value(f, default):
    """A valid value other than the default, from the field's metadata."""
    meta, key = f.metadata, f.metadata["url"]
    if key in CHOSEN:
        return CHOSEN[key]
    if key in COLUMNS:
        return COLUMNS[key]
    if isinstance(default, bool):
        return not default
    if meta.get("choices"):
        choices = list(meta["choices"])
        return choices[(choices.index(default) + 1) % len(choices)]
    if key == "data":
        return default  # the only shipped data set; an upload is tested in test_uploads.py
    low, high = meta["low"], meta["high"]
    if isinstance(default, int):
        return default + 1 if default + 1 <= high else default - 1
    value = default * 1.1 if default else low + 0.1 * min(high - low, 1.0)
    return round(value if value <= high else (default + high) / 2, 6)


def text(value) -> str:
    return ("yes" if value else "no") if isinstance(value, bool) else str(value)


def same(raw: str, value) -> bool:
    """The link's text means `value` (parsed here, not by gdcore)."""
    if isinstance(value, bool):
        return raw == ("yes" if value else "no")
    if isinstance(value, float):
        return math.isclose(float(raw), value, rel_tol=1e-12)
    if isinstance(value, int):
        return int(raw) == value
    return raw == value


def widgets(at: AppTest) -> dict[str, object]:
    """Every keyed widget on the page and in the sidebar, by key."""
    kinds = ("number_input", "selectbox", "radio", "toggle", "checkbox", "slider", "select_slider", "text_input")
    return {w.key: w.value for kind in kinds for w in getattr(at, kind) if w.key}


@pytest.mark.parametrize("page", PAGES)
def test_a_link_sets_every_control_and_survives_a_rerun(page: str) -> None:
    script, cls, views = PAGES[page]
    defaults = cls()
    wanted = {f.metadata["url"]: other_value(f, getattr(defaults, f.name)) for f in fields(cls)}
    if page == "batches":  # page 10 offers only some of its config's settings: the rest stay page 3's
        wanted = {
            key: value if key in OFFERED else getattr(defaults, name)
            for (key, value), name in zip(wanted.items(), [f.name for f in fields(cls)])
        }
    default_of = {f.metadata["url"]: getattr(defaults, f.name) for f in fields(cls)}
    link = {key: text(value) for key, value in wanted.items() if value != default_of[key]}
    link |= {key: VIEWS[key] for key in views} | {"present": "1"}  # presenter mode too, on every page
    at = opening.open_page(script, **link)
    assert not at.exception, [e.value for e in at.exception]
    notes = [w.value for w in at.warning if w.icon == ":material/link_off:"]
    assert not notes, notes  # every value was taken, none named as ignored
    shown = widgets(at)
    for key, value in wanted.items():
        if key in shown:  # a control drawn for this setting shows the link's value
            assert shown[key] == value or (isinstance(value, float) and math.isclose(shown[key], value)), key
    assert len([key for key in wanted if key in shown]) >= min(3, len(wanted))
    for run in ("first run", "rerun"):
        query = at.query_params
        for key, value in wanted.items():
            if value != default_of[key]:
                assert key in query and same(query[key], value), (run, key, query.get(key), value)
        assert query.get("present") == "1", run
        for key in views:
            assert query.get(key) == link[key] or key in ("param", "fog", "surface", "restarts"), (run, key)
        at.run()
        assert not at.exception and not [w for w in at.warning if w.icon == ":material/link_off:"]
