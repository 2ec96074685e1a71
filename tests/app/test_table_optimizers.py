"""Every optimizer of gdcore.optimizers.TABLE is offered wherever optimizers are. The table's newest (its last entry,
AdamW today) runs from a link on every page that offers optimizers, with its own settings' number boxes and no other
optimizer's, and races on page 9 when the link switches it on."""

from __future__ import annotations

import pytest
from opening import open_page

from gdcore.optimizers import OPTIMIZERS, SETTINGS, TABLE
from ui.race import LOOKS

PAGES = ("pages/3_descent.py", "pages/5_network.py", "pages/6_gradients.py", "pages/7_ball.py")
NEWEST = TABLE[-1]


def changed(setting) -> str:
    """A value of `setting` inside its range and away from its default, as a link writes it."""
    return repr(round(setting.low + 0.2 * (min(setting.high, 1.0) - setting.low), 6))


@pytest.mark.parametrize("page", PAGES)
def test_the_newest_optimizer_runs_from_a_link_with_its_own_settings(page: str) -> None:
    values = {setting.short: changed(setting) for setting in NEWEST.settings}
    short = {"steps" if page == "pages/7_ball.py" else "epochs": "20"}  # a short run: the boxes are what is checked
    at = open_page(page, opt=NEWEST.key, **values, **short)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    chosen = next(box for box in at.sidebar.selectbox if box.label == "Optimizer")
    assert chosen.value == NEWEST.key
    assert len(chosen.options) == len(OPTIMIZERS)  # every optimizer of the table is offered
    boxes = {box.label: box.value for box in at.sidebar.number_input}
    for setting in NEWEST.settings:
        (label,) = [label for label in boxes if label.startswith(f"{NEWEST.name}'s {setting.symbol}")]
        assert boxes[label] == pytest.approx(float(values[setting.short]))
    others = {setting.symbol for setting in SETTINGS} - {setting.symbol for setting in NEWEST.settings}
    assert not [label for label in boxes if any(f"'s {symbol}" in label for symbol in others)]


def test_the_newest_optimizer_races_when_a_link_switches_it_on() -> None:
    at = open_page("pages/9_optimizers.py", **{NEWEST.link: "yes", "ledger": NEWEST.key})
    assert not at.exception, [e.value for e in at.exception]
    assert f"{LOOKS[NEWEST.key][5]} {NEWEST.name}" in [expander.label for expander in at.sidebar.expander]
    ledger = next(box for box in at.sidebar.selectbox if box.label == "Ledger of")
    assert ledger.value == NEWEST.key
    toggles = {toggle.key: toggle.value for toggle in at.sidebar.toggle}
    assert toggles[NEWEST.link] is True
