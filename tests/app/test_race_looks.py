"""Every optimizer of gdcore.optimizers.TABLE races with a look of its own (ui/race.py's palette, given in the
table's order, with one spare for the next optimizer): colour, dash and marker, none shared."""

from __future__ import annotations

from gdcore.optimizers import OPTIMIZERS
from ui.race import LOOKS, PALETTE


def test_every_optimizer_has_a_look_of_its_own_and_one_is_spare() -> None:
    assert list(LOOKS) == list(OPTIMIZERS)
    assert len(PALETTE) > len(OPTIMIZERS)
    for part in (0, 2, 4, 5):  # colour, plotly marker, ECharts marker, marker as text
        assert len({str(look[part]) for look in PALETTE}) == len(PALETTE), part
    assert len({(look[0], str(look[1])) for look in PALETTE}) == len(PALETTE)  # colour and dash together
