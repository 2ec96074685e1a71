"""Page 2 starts from the guess the learner made on page 1; a link with page 2's own values still wins."""

from __future__ import annotations

import numpy as np
import pytest
from test_pages import door_to_door, number, open_page


def test_page_2_starts_from_page_1s_typed_guess_and_a_link_to_page_2_wins() -> None:
    at = open_page("guess")
    at.number_input(key="slope").set_value(12_345.5)
    at.number_input(key="intercept").set_value(-3_000.0)
    at.run()
    at.query_params.clear()  # a page switch in the browser clears the link; page 2 writes its own
    at.switch_page("pages/2_loss_curve.py").run()
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    assert (at.number_input(key="slope").value, at.number_input(key="intercept").value) == (12_345.5, -3_000.0)
    x, y = door_to_door()
    derivative = -2.0 * np.sum(x * (y - (12_345.5 * x - 3_000.0)))  # d/dslope of sum (y - (slope x + b))^2
    (metric,) = [m for m in at.metric if m.label.startswith("Derivative")]
    assert number(metric.value) == pytest.approx(derivative, rel=5e-6)

    at.number_input(key="slope").set_value(20_000.0).run()  # page 2's own change stands on a later visit
    at.query_params.clear()
    at.switch_page("pages/1_guess.py").run()
    at.query_params.clear()
    at.switch_page("pages/2_loss_curve.py").run()
    assert at.number_input(key="slope").value == 20_000.0

    at.query_params.clear()
    at.switch_page("pages/1_guess.py").run()
    at.number_input(key="slope").set_value(-7_000.0).run()  # a new guess...
    at.query_params.clear()
    at.query_params["slope"] = "5000"  # ...but the link names page 2's slope: the link wins
    at.switch_page("pages/2_loss_curve.py").run()
    assert at.number_input(key="slope").value == 5_000.0
    assert at.number_input(key="intercept").value == 0.0  # page 2's default, not the guess's -3,000
