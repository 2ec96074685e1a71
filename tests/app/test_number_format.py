"""One number format on every page (the rule in ui/fmt.py): no "-0", no "1.2e+06" beside "1,197,577".

The rule itself is tested in tests/gdcore/test_numbers.py; here, that the pages, the ledger, the
sentences and the equations all write a number the same way.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

import numpy as np
import pytest
from opening import APP
from reading import HYPHEN_BEFORE_DIGIT, echarts_hyphens, echarts_text, number, plotly_hyphens, plotly_text
from stepping import charts_shown, equations_of, frame_shown, sections_shown, tables_shown, text_of, words_of
from streamlit.testing.v1 import AppTest
from test_pages import REPO, screen_text

from gdcore import DescentConfig, descend, fit_line, line
from gdcore.config import to_query
from gdcore.data import load_xy
from gdcore.export import ledger_csv, run_json
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
        # The same digits in an equation, whose "-" KaTeX draws as the minus sign "−"
        assert tex(record.gradient[i]).replace("{,}", ",").replace("-", "−") == cell
    assert tex(-1.198e12) == r"-1.198 \times 10^{12}" and num(-1.198e12) == "−1.198×10¹²"
    assert tex(-0.0, wrap=True) == num(-0.0) == "0"


def test_plotly_axes_write_powers_of_ten_not_letters() -> None:
    slopes = np.linspace(0.0, 2e7, 5)
    fig = charts.slope_loss_chart(
        slopes, slopes**2, current=(1e7, 1e14), derivative=2e7, best=(0.0, 0.0), loss_title="l", slope_title="s"
    )
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert (axis.exponentformat, axis.separatethousands, axis.minexponent) == ("power", True, 11)
    assert "tangent: slope of the loss = 20,000,000" in [trace.name for trace in fig.data]


# --- one minus sign: "−" (U+2212) wherever a learner reads a number, "-" wherever a machine does ------------------

MINUS_BEFORE_DIGIT = re.compile(r"−(?=\d)")
# Each page opened on a view with negative numbers on screen: a start below the best line (negative
# gradients), a negative slope, the ball left of zero, weights and standardized values below zero.
NEGATIVE = {
    "pages/1_guess.py": {"slope": "-20000", "intercept": "200000"},
    "pages/2_loss_curve.py": {"slope": "-20000", "intercept": "-5000"},
    "pages/3_descent.py": {"start": "typed", "slope0": "-3", "intercept0": "-2", "epoch": "5", "opt": "adam"},
    "pages/4_check.py": {"start": "typed", "slope0": "-30000", "intercept0": "-2", "epochs": "3"},
    "pages/5_network.py": {"net_epoch": "3"},
    "pages/6_gradients.py": {},
    "pages/7_ball.py": {"w0": "-4.5", "curve": "bumpy", "step": "5"},
    "pages/8_landscape.py": {"start": "typed", "slope0": "-3", "intercept0": "-2", "epoch": "5"},
    "pages/9_optimizers.py": {"surface": "saddle", "step": "7"},
    "pages/10_batches.py": {"step": "3"},
}


def learner_text(at: AppTest) -> list[str]:
    """What a learner reads on the page, piece by piece: screen_text without the Python code (a program
    writes -1) and without the equations' maths (KaTeX draws its "-" as "−"; the words in \\text{} stay),
    plus the widgets' labels, help and choices. A table's numbers must be text written by the rule: a
    number column would reach the screen as the browser writes it, "-3"."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "success", "info", "warning", "error"):
        parts += [str(element.value) for element in at.get(kind)]
    frame = frame_shown(at)  # what the browser draws for the epoch shown: its words, its equations' \text{}
    sections = sections_shown(at).values()  # a page that lays its view out itself: HTML with its equations
    tex = [str(element.value) for element in at.latex] + (frame.get("tex", []) if frame else [])
    tex += [equation for markup in sections for equation in equations_of(markup)]
    parts += [" ".join(re.findall(r"\\text\{([^{}]*)\}", text)) for text in tex]
    if frame:
        parts += [text_of(frame.get("text", "")), text_of(frame.get("after", "")), *frame["captions"].values()]
        parts += [words_of(markup) for markup in sections]
    for metric in at.metric:
        parts += [str(metric.label), str(metric.value), str(metric.delta or "")]
    for frame in tables_shown(at):
        numeric = [column for column in frame.columns if frame[column].dtype.kind in "if"]
        negative = [column for column in numeric if (frame[column] < 0).any()]
        assert not negative, f"negative numbers left to the browser to write: {negative}"
        parts += [str(cell) for cell in frame.to_numpy().ravel()] + [str(label) for label in frame.columns]
        parts += [str(label) for label in frame.index]
    for kind in ("selectbox", "radio", "select_slider", "multiselect", "number_input", "slider", "text_input"):
        for widget in at.get(kind):
            parts += [str(widget.label), str(widget.help or "")]
            parts += [str(option) for option in getattr(widget, "options", [])]
    parts += [str(button.label) for button in at.button]
    return parts


def test_every_number_a_learner_reads_takes_the_minus_sign() -> None:
    at = AppTest.from_file(APP, default_timeout=90)
    for page, link in NEGATIVE.items():
        at.query_params.clear()
        for key, value in link.items():
            at.query_params[key] = value
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        parts = learner_text(at)
        hyphens = [part for part in parts if HYPHEN_BEFORE_DIGIT.search(part)]
        assert not hyphens, (page, hyphens)
        assert any(MINUS_BEFORE_DIGIT.search(part) for part in parts), f"{page}: no negative number on screen"
        # The charts: what ECharts and plotly write as text, and the numbers they would format themselves.
        viewed = list(charts_shown(at).values())  # the view's charts: ECharts options and plotly figures ("data")
        drawn = [json.loads(chart.proto.spec) for chart in at.get("echarts_chart")]
        drawn += [spec for spec in viewed if "data" not in spec]
        for spec in drawn:
            assert not [text for text in echarts_text(spec) if HYPHEN_BEFORE_DIGIT.search(text)], page
            assert not echarts_hyphens(spec), (page, echarts_hyphens(spec))
        figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
        for figure in figures + [spec for spec in viewed if "data" in spec]:
            assert not [text for text in plotly_text(figure) if HYPHEN_BEFORE_DIGIT.search(text)], page
            assert not plotly_hyphens(figure), (page, plotly_hyphens(figure))


def test_machines_read_the_hyphen_the_command_line_the_files_and_the_link() -> None:
    """The command line's ledger, the CSV and JSON a learner downloads and the link keep Python's "-": what
    reproduce.py, a spreadsheet and from_query read back."""
    start = {"start": "typed", "init_slope": -3.0, "init_intercept": -2.0}
    config = DescentConfig(epochs=3, **start)
    fit = fit_line(config, load_xy(REPO / "data" / "windsor_housing.csv", "bedrooms", "price"))
    ledger = ledger_csv(fit.run, config, 546)
    saved = run_json("descent", config, 2, fit.run, 546)
    printed = subprocess.run(
        [sys.executable, "-m", "gdcore", "descend", "--epochs", "3", "--init-slope", "-3", "--init-intercept", "-2"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert printed == ledger  # the page's CSV is the command line's, byte for byte
    rows = list(csv.DictReader(io.StringIO(printed)))
    assert [float(row["current"]) for row in rows[:2]] == [-3.0, -2.0]  # Python reads every number back
    assert rows[0]["gradient"].startswith("-") and "−" not in printed
    assert "−" not in saved and json.loads(saved)["ledger"]["rows"][0][2] == -3.0
    assert to_query(config)["slope0"] == "-3.0" and "−" not in str(to_query(config))
