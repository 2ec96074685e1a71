"""A learner's own CSV on pages 5, 6, 9 and 10 (AppTest): picked through the sidebar's upload, run, and its numbers
checked against numpy written here from the CSV's text (a network's epoch of backprop, a chain's gradient by finite
differences, the bowl's lowest point from the rows, a batch's gradient from its rows). The screen names the upload's
columns and none of the house data's words; a link naming another tab's upload opens on the house data with a
note; two tabs never see each other's columns or numbers; too narrow a file gets its sentence on page 5."""

from __future__ import annotations

import re

import numpy as np
import pytest
from stepping import choose_epoch, frame_text, html_tables, ledger_shown, sections_shown
from streamlit.testing.v1 import AppTest
from test_network_page import NAMES, assert_epoch_matches, backprop, ledger
from test_pages import NAN_OR_INF, number
from test_uploads import open_page

RNG = np.random.default_rng(11)
ROWS = 40
SOIL = RNG.uniform(5, 40, ROWS)  # (40,) four numeric columns of made-up field trials
RAIN = RNG.uniform(200, 900, ROWS)
SUN = RNG.normal(6, 1.5, ROWS)
YIELD = 0.08 * SOIL + 0.004 * RAIN + 0.3 * SUN + RNG.normal(0, 0.4, ROWS)
CSV = "soil,rain,sun,crop,plot\n" + "".join(
    f"{a:.3f},{b:.2f},{c:.3f},{d:.3f},p{i}\n" for i, (a, b, c, d) in enumerate(zip(SOIL, RAIN, SUN, YIELD))
)  # plot: a text column the app sets aside
HOUSE_WORDS = re.compile(r"house|bedroom|bathroom|lot size|price|dollar|\$\s?\d", re.IGNORECASE)


def upload(at: AppTest, text: str, name: str = "trials.csv") -> AppTest:
    return at.file_uploader(key="uploads:file").upload(name, text.encode(), "text/csv").run()


def columns_of(text: str) -> dict[str, np.ndarray]:
    """The CSV's numeric columns, read here from its text: name -> (rows,)."""
    header, *rows = text.strip().splitlines()
    cells = [row.split(",") for row in rows]
    return {name: np.array([float(c[i]) for c in cells]) for i, name in enumerate(header.split(",")[:4])}


def standardized(values: np.ndarray) -> np.ndarray:
    return (values - values.mean()) / values.std()


def main_text(at: AppTest) -> str:
    """The page's words (not the sidebar, not the code it shows): prose, maths, alerts, tables, captions."""
    parts: list[str] = []
    for kind in ("title", "subheader", "markdown", "caption", "latex", "success", "info", "warning", "error"):
        parts += [str(element.value) for element in at.main.get(kind)]
    parts += [str(metric.label) for metric in at.main.get("metric")]
    for table in view_tables(at):
        parts += [table.to_string(), *map(str, table.columns)]
    parts += frame_text(at)  # what the browser draws for the step shown (ui/frames.py)
    return "\n".join(parts)


def view_tables(at: AppTest) -> list:
    """The main area's tables: Streamlit's, and those the browser draws from the frames (its sections', its ledger)."""
    drawn = [table for markup in sections_shown(at).values() for table in html_tables(markup)]
    ledger_ = ledger_shown(at)
    return [table.value for table in at.main.dataframe] + drawn + ([ledger_] if ledger_ is not None else [])


def assert_on_upload(at: AppTest, names: tuple[str, ...]) -> str:
    """No exception, no error, no NaN or inf; the page names the upload's columns and no house-data word."""
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    text = main_text(at)
    assert not NAN_OR_INF.findall(text)
    assert all(name in text for name in names), [name for name in names if name not in text]
    found = HOUSE_WORDS.findall(text)
    assert not found, [text[max(0, m.start() - 60) : m.end() + 20] for m in HOUSE_WORDS.finditer(text)][:3]
    return text


# --- page 5: the network -----------------------------------------------------------------------------


def test_the_network_runs_on_an_upload_and_its_first_epoch_is_numpy_backprop() -> None:
    at = open_page("pages/5_network.py", restarts="2", epochs="5")
    upload(at, CSV)
    assert {key: at.query_params[key] for key in ("x1", "x2", "x3", "y")} == {
        "x1": "soil",
        "x2": "rain",
        "x3": "sun",
        "y": "crop",
    }
    choose_epoch(at, 1, "net_epoch")
    assert_on_upload(at, ("soil", "rain", "sun", "crop"))
    data = columns_of(CSV)
    X = np.column_stack([standardized(data[name]) for name in ("soil", "rain", "sun")])  # (40, 3)
    y = standardized(data["crop"])  # (40,)
    start = np.random.default_rng(0).normal(size=10)  # the page's seed 0, Normal(0, 1)
    loss, gradient = backprop(start, X, y, "sigmoid", "mse")
    expected = {"epoch": 1, "current": start, "gradient": gradient, "new": start - 0.05 * gradient, "loss": loss}
    frame = ledger(at)
    assert tuple(frame["parameter"]) == NAMES
    assert_epoch_matches(frame, expected, 0.05)


def test_too_narrow_a_file_gets_its_sentence_on_page_5_and_the_house_data_is_one_click_away() -> None:
    at = open_page("pages/5_network.py", restarts="2", epochs="5")
    upload(at, "width,height\n1,2\n2,3.5\n3,5.9\n4,8.1\n")
    assert not at.exception, [e.value for e in at.exception]
    (error,) = [e.value for e in at.error]
    assert error.startswith("This model needs 4 numeric columns, 3 inputs and a y, but the file has 2 ('width', ")
    at.selectbox(key="data").select("windsor").run()
    assert not at.exception and not at.error
    assert "bedrooms" in main_text(at)


# --- page 6: the deep chain ----------------------------------------------------------------------------


def chain_loss(p: np.ndarray, X: np.ndarray, y: np.ndarray, depth: int) -> float:
    """The chain's mean squared error, forward only: z1 = w1·x + b1, z_l = w_l a_(l-1) + b_l, sigmoid each."""
    w1, w, b, w_out = p[:3], p[3 : depth + 2], p[depth + 2 : 2 * depth + 2], p[-1]
    a = 1 / (1 + np.exp(-(X @ w1 + b[0])))
    for layer in range(1, depth):
        a = 1 / (1 + np.exp(-(w[layer - 1] * a + b[layer])))
    return float(np.mean((y - w_out * a) ** 2))


def test_the_chain_runs_on_an_upload_and_its_gradients_are_finite_differences() -> None:
    at = open_page("pages/6_gradients.py", depth="4", epochs="2")
    upload(at, CSV)
    assert_on_upload(at, ("soil", "rain", "sun", "crop"))
    data = columns_of(CSV)
    X = np.column_stack([standardized(data[name]) for name in ("soil", "rain", "sun")])
    y = standardized(data["crop"])
    depth = 4
    weights = np.random.default_rng(0).uniform(0.5, 1.5, size=3 + depth)  # seed 0, scale 1: w1 (3), w2..w4, w_out
    start = np.concatenate([weights[:-1], np.zeros(depth), weights[-1:]])
    sizes = []
    for layer in (1, depth):  # |dL/db| of layer 1 and of the last, by central differences
        nudge = np.zeros_like(start)
        nudge[depth + 1 + layer] = 1e-6
        sizes.append(abs(chain_loss(start + nudge, X, y, depth) - chain_loss(start - nudge, X, y, depth)) / 2e-6)
    metrics = {m.label: number(m.value) for m in at.metric}
    assert metrics["Layer 1's gradient"] == pytest.approx(sizes[0], rel=5e-3)
    assert metrics[f"Layer {depth}'s gradient"] == pytest.approx(sizes[1], rel=5e-3)


# --- page 9: the optimizers' race on the upload's bowl --------------------------------------------


def test_the_race_runs_on_the_uploads_bowl_and_its_bottom_is_least_squares() -> None:
    at = open_page("pages/9_optimizers.py", steps="3")
    upload(at, CSV)
    text = assert_on_upload(at, ("trials.csv", "soil", "crop"))
    data = columns_of(CSV)
    x, y = standardized(data["soil"]), standardized(data["crop"])
    r = float(np.mean(x * y))  # standardized: the best slope is the correlation, the intercept 0
    bottom = re.search(r"lowest point is at slope = (\S+), intercept = (\S+), where the loss is ([^.\s]+\.?\d*)", text)
    assert number(bottom[1]) == pytest.approx(r, rel=1e-5) and abs(number(bottom[2])) < 1e-9
    assert number(bottom[3]) == pytest.approx(np.mean((y - r * x) ** 2), rel=1e-5)
    start = np.mean((y - (-1.5 * x + 1.5)) ** 2)  # the race's start, (-1.5, 1.5)
    choose_epoch(at, 1, "race_step")
    assert not at.exception
    losses = [number(v) for v in ledger_losses(at)]
    assert losses and all(v == pytest.approx(start, rel=1e-5) for v in losses)
    at.selectbox(key="data").select("windsor").run()  # the house data, one click away
    assert not at.exception and not at.error and "(standardized bedrooms → price)" in main_text(at)


def ledger_losses(at: AppTest) -> list[str]:
    """The loss at the start of step 1 in the ledger (one row per parameter), as the view draws it."""
    frame = ledger_shown(at)
    column = next(c for c in frame.columns if "loss" in c.lower())
    return list(frame[column])


# --- page 10: batches ------------------------------------------------------------------------------------


def test_batches_run_on_an_upload_and_a_steps_gradient_is_its_rows_sum() -> None:
    at = open_page("pages/10_batches.py", batch="8", epochs="1")
    upload(at, CSV)
    start = re.search(r"Slope (\S+), intercept (\S+), MSE", assert_on_upload(at, ("soil", "crop", "40 rows")))
    choose_epoch(at, 1, "batches:step")
    assert_on_upload(at, ("soil", "crop"))
    data = columns_of(CSV)
    x, y = standardized(data["soil"]), standardized(data["crop"])
    (frame,) = [table for table in view_tables(at) if "row" in table.columns]
    rows = frame["row"].iloc[:-1].astype(int).to_numpy() - 1  # the batch's rows, 0-based
    assert len(rows) == 8
    slope, intercept = number(start[1]), number(start[2])
    e = y[rows] - (slope * x[rows] + intercept)  # (8,)
    parts = [c for c in frame.columns if "part" in c]
    assert number(frame[parts[0]].iloc[-1]) == pytest.approx(-2 / 8 * np.sum(x[rows] * e), rel=1e-4, abs=1e-6)
    assert number(frame[parts[1]].iloc[-1]) == pytest.approx(-2 / 8 * np.sum(e), rel=1e-4, abs=1e-6)


# --- links and sessions ----------------------------------------------------------------------------------

OTHER = "width,depth,height,mass\n" + "".join(
    f"{w:.2f},{d:.2f},{h:.2f},{m:.2f}\n" for w, d, h, m in RNG.uniform(1, 9, (30, 4))
)  # another tab's file: other columns, other rows


@pytest.mark.parametrize("page", ["pages/5_network.py", "pages/9_optimizers.py"])
def test_a_link_naming_another_tabs_upload_opens_on_the_house_data_with_a_note(page: str) -> None:
    sender = open_page(page, restarts="2", epochs="5", steps="3")
    upload(sender, CSV)
    link = dict(sender.query_params)
    assert link["data"].startswith("upload-")
    receiver = open_page(page, **link)  # a new session: another browser tab
    assert not receiver.exception, [e.value for e in receiver.exception]
    notes = " ".join(w.value for w in receiver.warning)
    assert f"data={link['data']} names a file uploaded in another browser tab" in notes
    assert "data" not in receiver.query_params
    text = main_text(receiver)
    for note in receiver.warning:  # the notes name the link's columns, as they should
        text = text.replace(note.value, "")
    assert "bedrooms" in text and "soil" not in text and "crop" not in text


def test_two_tabs_with_different_uploads_never_see_each_others_columns_or_numbers() -> None:
    first, second = open_page("pages/10_batches.py"), open_page("pages/10_batches.py")
    upload(first, CSV)
    upload(second, OTHER, "boxes.csv")
    for at, mine, theirs in (
        (first, ("soil", "crop", "40 rows"), ("width", "mass", "boxes.csv", "30 rows")),
        (second, ("width", "mass", "30 rows"), ("soil", "crop", "trials.csv", "40 rows")),
    ):
        at.switch_page("pages/6_gradients.py").run()  # the upload follows the tab to another page
        text = assert_on_upload(at, mine[:2])
        at.switch_page("pages/10_batches.py").run()
        text += assert_on_upload(at, mine)
        text += " ".join(str(option) for box in at.selectbox for option in box.options)
        assert not [word for word in theirs if word in text]
    assert first.query_params["data"] != second.query_params["data"]
