"""One number format on every page (the rule in ui/fmt.py): no "-0", no "1.2e+06" beside "1,197,577".

The rule itself is tested in tests/gdcore/test_numbers.py; here, that the pages, the ledger, the
sentences and the equations all write a number the same way.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from reading import number
from streamlit.testing.v1 import AppTest
from test_pages import APP, screen_text

from gdcore import descend, line
from gdcore.narrate import step_sentence
from ui import charts, tables
from ui.fmt import num, tex

PAGES = [
    "pages/1_guess.py",
    "pages/2_loss_curve.py",
    "pages/3_descent.py",
    "pages/4_check.py",
    "pages/5_network.py",
    "pages/6_gradients.py",
    "pages/7_ball.py",
    "pages/8_landscape.py",
    "pages/9_optimizers.py",
    "pages/10_batches.py",
]
MINUS_ZERO = re.compile(r"(?<![\w.,])[-−]0(?![\d.,×])|[-−]0\.0+(?![\d×])")  # "-0", "−0" or "-0.00", not -0.5
E_NOTATION = re.compile(r"\d[eE][-+]?\d")  # 1.198e+06, 1e-07: the rule writes 1.198×10⁶


def test_every_page_writes_numbers_one_way() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    for page in PAGES:
        at.query_params.clear()
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        text = screen_text(at)
        for code in at.code:  # Python for the learner to run (1e-08 there is Python's way)
            text = text.replace(str(code.value), "")
        assert not MINUS_ZERO.findall(text), (page, MINUS_ZERO.findall(text))
        assert not E_NOTATION.findall(text), (page, re.findall(r"\S*\d[eE][-+]?\d\S*", text))


def test_a_number_reads_the_same_in_the_ledger_the_sentence_and_the_equation() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0])  # (4,)
    y = np.array([2.0, 4.1, 5.9, 8.0])  # (4,)
    run = descend(lambda p: (line.sse(p, x, y), line.sse_grad(p, x, y)), (0.0, 0.0), 0.01, 3, ("slope", "intercept"))
    record = run.records[-1]
    frame = tables.ledger_frame(run.records)
    latest = frame[frame["now"] == "▶"]
    for i in range(len(record.names)):
        cell = latest["gradient"].iloc[i]
        assert number(cell) == pytest.approx(record.gradient[i], rel=5e-6)
        assert f"its gradient was {cell} " in step_sentence(record, "Epoch 3", num)
        assert tex(record.gradient[i]).replace("{,}", ",") == cell  # the same digits in an equation
    assert tex(-1.198e12) == r"-1.198 \times 10^{12}" and num(-1.198e12) == "-1.198×10¹²"
    assert tex(-0.0, wrap=True) == num(-0.0) == "0"


def test_plotly_axes_write_powers_of_ten_not_letters() -> None:
    slopes = np.linspace(0.0, 2e7, 5)
    fig = charts.slope_loss_chart(
        slopes, slopes**2, current=(1e7, 1e14), derivative=2e7, best=(0.0, 0.0), loss_title="l", slope_title="s"
    )
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert (axis.exponentformat, axis.separatethousands, axis.minexponent) == ("power", True, 11)
    assert "tangent: slope of the loss = 20,000,000" in [trace.name for trace in fig.data]
