"""Page 8, the landscape, through AppTest: defaults and extremes, the link, and its numbers against loops
written here (the walk, a central-difference gradient, the epochs each scaling needs).

AppTest does not draw the plotly charts; tests/browser/test_landscape_browser.py does.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import opening
import pandas as pd
import pytest
from stepping import choose_epoch, epoch_shown, jump_to_end
from streamlit.testing.v1 import AppTest
from test_pages import NAN_OR_INF, screen_text

from gdcore import lesson

REPO = Path(__file__).resolve().parents[2]
PAGE = "pages/8_landscape.py"
TITLE = lesson.heading("landscape")
NUMBER = r"([-−]?[\d,]*\.?\d+(?:e[-+]?\d+)?)"  # a negative number is written with "−" (ui/fmt.py)


def open_landscape(**params: str) -> AppTest:
    return opening.open_page(PAGE, **params)


def assert_clean(at: AppTest) -> str:
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == TITLE
    text = screen_text(at)
    assert not NAN_OR_INF.findall(text), NAN_OR_INF.findall(text)
    return text


def houses() -> tuple[np.ndarray, np.ndarray]:
    frame = pd.read_csv(REPO / "data" / "windsor_housing.csv")
    return frame["bedrooms"].to_numpy(float), frame["price"].to_numpy(float)


def mse(slope: float, intercept: float, x: np.ndarray, y: np.ndarray) -> float:
    e = y - (slope * x + intercept)
    return float(e @ e) / len(x)


def read(pattern: str, text: str) -> list[float]:
    found = re.search(pattern, text)
    assert found, pattern
    return [float(group.replace(",", "").replace("−", "-")) for group in found.groups()]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"lr": "1e6"},
        {"lr": "1e-9", "epoch": "40"},
        {"scale": "none", "lr": "0.2", "epoch": "3"},  # raw data at a rate that blows up
        {"lr": "5", "epoch": "40"},
        {"fog": "yes", "surface": "yes", "epoch": "12"},
        {"x": "lotsize", "loss": "sse", "scale": "none"},  # a valley too narrow for the app's smallest rate
        {"start": "typed", "slope0": "1e12", "intercept0": "-1e12"},
        {"opt": "adam", "batch": "16", "epoch": "5"},
        {"fog": "maybe", "surface": "1", "epoch": "abc", "lr": "abc", "seed": "9" * 400, "foo": "é" * 5000},
    ],
)
def test_page_on_defaults_and_extremes(params: dict[str, str]) -> None:
    at = open_landscape(**params)
    assert_clean(at)
    jump_to_end(at)
    assert_clean(at)


def test_a_tampered_link_gets_a_note_and_the_page_works() -> None:
    at = open_landscape(fog="maybe", epoch="-3")
    notes = " ".join(w.value for w in at.warning)
    assert "fog='maybe' was ignored (yes or no)" in notes and "epoch='-3' was ignored" in notes
    assert at.toggle(key="landscape:fog").value is False
    assert_clean(at)


def test_the_link_reproduces_the_view_and_follows_it() -> None:
    at = open_landscape(lr="0.1", epochs="30", fog="yes", surface="yes", epoch="7")
    assert_clean(at)
    assert at.toggle(key="landscape:fog").value is True and at.toggle(key="landscape:surface").value is True
    assert epoch_shown(at) == 7
    query = at.query_params
    assert [query[key] for key in ("lr", "epochs", "fog", "surface", "epoch")] == ["0.1", "30", "yes", "yes", "7"]
    at.toggle(key="landscape:fog").set_value(False).run()
    assert "fog" not in at.query_params and at.query_params["surface"] == "yes"
    choose_epoch(at, 9)
    assert at.query_params["epoch"] == "9"
    assert "Epoch 9 of 30." in screen_text(at)  # the words the browser draws for the epoch (ui/frames.py)


def test_a_link_from_page_3_opens_the_same_run() -> None:
    at = opening.open_page("pages/3_descent.py", lr="0.05", scale="none", start="typed", epochs="5", epoch="4")
    link = dict(at.query_params)
    at = open_landscape(**link)
    text = assert_clean(at)
    assert "Epoch 4 of 5." in text
    x, y = houses()
    slope = intercept = 0.0
    for _ in range(4):  # the lesson's walk, written out: MSE on bedrooms and dollars, from the $0 line
        e = y - (slope * x + intercept)
        slope, intercept = slope + 0.05 * 2 * (x @ e) / len(x), intercept + 0.05 * 2 * e.sum() / len(x)
    shown = read(rf"The ball is at slope {NUMBER}, intercept {NUMBER}", text)
    assert shown == pytest.approx([slope, intercept], rel=1e-5)


def test_the_arrow_is_the_gradient_by_central_differences() -> None:
    at = open_landscape(epoch="3")  # standardized data, MSE, lr 0.2, from seed 8's random line
    text = assert_clean(at)
    x, y = houses()
    xs, ys = (x - x.mean()) / x.std(), (y - y.mean()) / y.std()
    slope, intercept = np.random.default_rng(8).normal(size=2)  # std(y) / std(x) = 1 and std(y) = 1 here
    for _ in range(3):
        e = ys - (slope * xs + intercept)
        slope, intercept = slope + 0.2 * 2 * (xs @ e) / len(xs), intercept + 0.2 * 2 * e.sum() / len(xs)
    h = 1e-6
    fd = [
        (mse(slope + h, intercept, xs, ys) - mse(slope - h, intercept, xs, ys)) / (2 * h),
        (mse(slope, intercept + h, xs, ys) - mse(slope, intercept - h, xs, ys)) / (2 * h),
    ]
    ball = read(rf"The ball is at slope {NUMBER}, intercept {NUMBER}", text)
    assert ball == pytest.approx([slope, intercept], rel=1e-5)
    assert read(rf"∂MSE/∂slope = {NUMBER}, ∂MSE/∂intercept = {NUMBER}", text) == pytest.approx(fd, rel=1e-5)
    step = read(rf"× gradient = \({NUMBER}, {NUMBER}\)", text)
    assert step == pytest.approx([-0.2 * fd[0], -0.2 * fd[1]], rel=1e-5)


def test_epochs_to_the_tolerance_on_raw_and_standardized_data() -> None:
    at = open_landscape()
    assert_clean(at)
    x, y = houses()
    start_s = np.random.default_rng(8).normal(size=2)  # the page's start, on standardized data
    # The same line in dollars: price = y_std * (slope_s * (x - x_mean) / x_std + intercept_s) + y_mean.
    slope = start_s[0] * y.std() / x.std()
    start_raw = (slope, y.mean() + y.std() * start_s[1] - slope * x.mean())
    xs, ys = (x - x.mean()) / x.std(), (y - y.mean()) / y.std()
    counted = []
    for (a, b), (u, v) in ((start_raw, (x, y)), (tuple(start_s), (xs, ys))):
        hessian = 2 * np.array([[u @ u, u.sum()], [u.sum(), len(u)]]) / len(u)
        lr = 0.9 * 2 / np.linalg.eigvalsh(hessian).max()
        best = mse(*np.polyfit(u, v, 1), u, v)
        done = None
        for epoch in range(501):
            if mse(a, b, u, v) - best <= 1e-3 * best:
                done = epoch
                break
            e = v - (a * u + b)
            a, b = a + lr * 2 * (u @ e) / len(u), b + lr * 2 * e.sum() / len(u)
        counted.append(done)
    metrics = [m.value for m in at.metric]
    assert metrics == [str(c) if c is not None else "not done" for c in counted]
    assert counted[0] > 10 * counted[1]  # the narrow valley takes many times longer (441 against 20)


def test_a_walk_that_blows_up_is_cut_and_said_so() -> None:
    at = open_landscape(lr="5", epoch="40")
    text = assert_clean(at)
    assert "climbs off the map" in " ".join(w.value for w in at.warning)
    assert "off the map" in text


@pytest.mark.parametrize("link", [{"fog": "yes", "epochs": "30"}, {"lr": "5", "epochs": "40"}, {"scale": "none"}])
def test_each_epochs_map_cut_from_the_whole_walk_is_the_map_drawn_for_that_epoch(link: dict[str, str]) -> None:
    """The page sends the map and the 3D surface of every epoch, each cut from the figure of the whole walk
    (ui.landscape.contours_by_epoch, surfaces_by_epoch); cut, each is the figure contour(k) and surface(k) draw,
    trace for trace, with the fog's picture of that epoch (the run of lr 5 leaves the map)."""
    from gdcore import DescentConfig, fit_line, load_xy
    from gdcore.config import from_query
    from ui import frames
    from ui import landscape as maps

    config = from_query(DescentConfig, link)[0]
    fit = fit_line(config, load_xy(REPO / "data" / "windsor_housing.csv", "bedrooms", "price"))
    land = maps.landscape_of(fit)
    names = {"slope": "slope", "intercept": "intercept", "loss": "MSE"}
    fog = link.get("fog") == "yes"
    cut, sheets = maps.contours_by_epoch(land, fit, fog, names), maps.surfaces_by_epoch(land, fit, fog, names)
    assert len(cut) == len(sheets) == fit.run.epochs + 1

    def drawn(figure: dict) -> dict:  # as the browser draws it: whole series cut to their points, ids aside
        traces = [{key: value for key, value in frames.cut(t).items() if key != "uid"} for t in figure["data"]]
        return {"data": traces, "layout": figure["layout"]}

    for k in sorted({0, 1, 5, land.shown - 1, land.shown, fit.run.epochs} & set(range(fit.run.epochs + 1))):
        built = maps.contour(land, fit, k, maps.next_step(land, fit, k), fog, names)
        assert drawn(cut[k]) == drawn(frames.plotly_option(built)), k
        assert drawn(sheets[k]) == drawn(frames.plotly_option(maps.surface(land, fit, k, fog, names))), k
