"""The ECharts options of the stepping pages: what they draw, checked against the inputs, and JSON
that ECharts accepts (no NaN or infinity anywhere, even for a run that blew up)."""

from __future__ import annotations

import json
import math

import numpy as np
from reading import HYPHEN_BEFORE_DIGIT
from reading import echarts_text as readable

from ui import batches, echarts, hill


def finite_json(spec: dict) -> dict:
    """The option as the browser gets it; json.dumps(allow_nan=False) fails on NaN or infinity."""
    return json.loads(json.dumps(spec, allow_nan=False))


def series(spec: dict, name: str) -> dict:
    return next(s for s in spec["series"] if s["name"] == name)


def test_points_leave_out_what_cannot_be_drawn() -> None:
    xs = [1.0, 2.0, 3.0, 4.0]
    ys = [10.0, math.inf, math.nan, -1e308 * 10]
    assert echarts.points(xs, ys) == [[1.0, 10.0]]
    assert all(type(v) is float for v in echarts.points(np.arange(3), np.ones(3))[0])


def test_houses_draw_every_house_and_each_line_through_its_own_slope_and_intercept() -> None:
    x = np.array([1.0, 2.0, 2.0, 3.0, 5.0])
    y = np.array([50_000.0, 60_000.0, 65_000.0, 80_000.0, 120_000.0])
    lines = {"start": (1_000.0, 2_000.0), "after 3 epochs": (15_000.0, 30_000.0), "best possible": (17_000.0, 33_000.0)}
    spec = finite_json(echarts.houses(x, y, lines, x_title="bedrooms", y_title="price (dollars)", batch=[1, 4]))
    dots = series(spec, "a house")["data"]
    assert [p[1] for p in dots] == y.tolist()
    assert all(abs(p[0] - xi) <= 0.18 for p, xi in zip(dots, x))  # whole numbers are spread sideways a little
    assert [p[1] for p in series(spec, "this step's batch (2 houses)")["data"]] == [60_000.0, 120_000.0]
    for name, (slope, intercept) in lines.items():
        for px, py in series(spec, name)["data"]:
            assert math.isclose(py, slope * px + intercept, rel_tol=1e-12)
    dashes = [series(spec, name)["lineStyle"]["type"] for name in lines]
    assert dashes == ["dotted", "solid", "dashed"]  # not told apart by colour alone
    assert spec["yAxis"]["axisLabel"]["formatter"] == "${value}" and spec["yAxis"]["min"] == 0.0


def test_a_diverged_line_is_left_out_not_sent_as_infinity() -> None:
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 2.0, 3.0])
    spec = finite_json(echarts.houses(x, y, {"now": (1e308, 1e308)}, x_title="x", y_title="y"))
    assert series(spec, "now")["data"] == [[0.5, 1.5e308]]  # at x = 3.5 the line is past the largest float


def test_the_loss_axis_turns_logarithmic_past_a_hundredfold_from_power_to_power_of_ten() -> None:
    flat = echarts.loss_over_epochs([0, 1, 2], [9.0, 5.0, 2.0], loss_title="MSE", best=1.0, last=40)
    assert flat["yAxis"]["type"] == "value"
    steep = finite_json(echarts.loss_over_epochs([0, 1], [0.5, 2e115], loss_title="MSE", best=0.8, last=60))
    assert steep["yAxis"]["type"] == "log"
    assert (steep["yAxis"]["min"], steep["yAxis"]["max"]) == (0.1, 1e116)
    assert steep["xAxis"]["max"] == 60.5


def test_the_path_ends_at_the_latest_guess_and_the_rates_mark_this_epoch() -> None:
    spec = echarts.descent_path(
        np.linspace(-1, 1, 5), np.linspace(3, 1, 5), [-1.0, 0.2, 0.5], [3.0, 1.4, 1.1], loss_title="L", slope_title="s"
    )
    assert series(spec, "now")["data"] == [[0.5, 1.1]]
    assert series(spec, "guesses, in order")["data"] == [[-1.0, 3.0], [0.2, 1.4], [0.5, 1.1]]
    rates = echarts.rates([0.1, 0.05, 0.02], now=2)
    assert series(rates, "this epoch")["data"] == [[2.0, 0.05]]
    assert series(rates, "learning rate of the epoch")["data"] == [[1.0, 0.1], [2.0, 0.05], [3.0, 0.02]]


def test_the_legend_gets_a_row_for_every_line_it_needs() -> None:
    short = echarts.framed({"grid": {}, "series": [{"name": "loss"}]})
    long = echarts.framed({"grid": {}, "series": [{"name": "a much longer name than fits " * 2}] * 4})
    assert short["grid"]["top"] < long["grid"]["top"]
    assert long["grid"]["top"] >= 22 + 26 * 4


def test_the_network_diagram_labels_every_weight_and_styles_each_edge_by_its_sign() -> None:
    from ui.network import charts as network_charts

    params = [0.5, -0.25, 1.5, -2.0, 0.0, 3.0, -0.125, 0.75, -1.0, 2.5]
    spec = finite_json(network_charts.diagram(params, ["bedrooms", "bathrms", "lotsize"], "sigmoid"))
    base = spec["baseOption"]
    tags = [item["label"]["formatter"] for item in series(base, "weights")["data"]]
    assert tags == [f"w{k} = {network_charts.signed(params[k - 1])}" for k in (1, 2, 3, 4, 5, 6, 7, 8)]
    for k in range(8):
        edge = series(base, f"edge w{k + 1}")
        assert edge["lineStyle"]["type"] == ("solid" if params[k] >= 0 else "dashed")
    biases = [item["label"]["formatter"] for item in series(base, "biases")["data"]]
    assert biases == [f"b1 = {network_charts.signed(-1.0)}\nsigmoid", f"b2 = {network_charts.signed(2.5)}\nsigmoid"]
    assert spec["media"][0]["query"] == {"maxWidth": 560}


def test_predictions_count_what_falls_off_the_chart_and_losses_mark_the_epoch_shown() -> None:
    from ui.network import charts as network_charts

    actual = np.array([100_000.0, 150_000.0, 200_000.0])
    predicted = np.array([110_000.0, math.nan, 5e9])
    spec, hidden = network_charts.prediction_chart(actual, predicted)
    assert hidden == 2
    assert finite_json(spec) and series(spec, "a house")["data"] == [[100_000.0, 110_000.0]]
    losses = finite_json(network_charts.loss_chart([0, 1, 2], [3.0, 2.0, 1.5], loss_title="MSE", baseline=1.0, last=9))
    assert series(losses, "now")["data"] == [[2.0, 1.5]]
    assert series(losses, "always guessing the average price")["lineStyle"]["type"] == "dotted"


def test_a_loss_of_exactly_zero_is_left_off_a_log_axis() -> None:
    spec = finite_json(echarts.loss_over_epochs([0, 1, 2], [1e6, 5.0, 0.0], loss_title="SSE", best=1e-3, last=5))
    assert spec["yAxis"]["type"] == "log"
    assert series(spec, "loss")["data"] == [[0.0, 1e6], [1.0, 5.0]]


def test_the_guess_draws_each_error_from_the_average_to_the_line() -> None:
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([40_000.0, 52_000.0, 71_000.0])
    guessed = 10_000.0 * x + 20_000.0
    spec = finite_json(echarts.guess(x, y, guessed, np.array([0.5, 3.5]), 10_000.0 * np.array([0.5, 3.5]) + 20_000.0))
    segments = series(spec, "error (actual − guess)")["data"]
    assert segments == [[1.0, 40_000.0], [1.0, 30_000.0], None, [2.0, 52_000.0], [2.0, 40_000.0], None,
                        [3.0, 71_000.0], [3.0, 50_000.0], None]  # fmt: skip
    assert series(spec, "guess")["data"] == [[1.0, 30_000.0], [2.0, 40_000.0], [3.0, 50_000.0]]
    assert series(spec, "average price (actual)")["data"] == [[1.0, 40_000.0], [2.0, 52_000.0], [3.0, 71_000.0]]


# --- negative axis labels and tooltips with the minus sign ---------------------------------------------------------


def overlay(spec: dict, part: str) -> tuple[dict, dict]:
    """The value axis of `part` and the category axis minus_signs laid over it to write its labels."""
    value, labels = spec[part]
    assert (value["type"], labels["type"]) == ("value", "category")
    return value, labels


def test_a_negative_axis_writes_its_labels_with_the_minus_sign_each_at_its_value() -> None:
    spec = hill.hill("bumpy", [-4.5, -3.9])  # w runs from -6 to 6
    drawn = echarts.minus_signs(spec)
    value, labels = overlay(drawn, "xAxis")
    low, high = value["min"], value["max"]
    assert (low, high) == (-6, 6)
    assert value["axisLabel"]["show"] is False  # ECharts' own labels, "-6", are not drawn
    assert value["axisTick"]["customValues"] == [-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0]  # ticks and grid lines there
    written = {i / (len(labels["data"]) - 1): text for i, text in enumerate(labels["data"]) if text}
    # Each label sits where its value is along the axis (category i of n is at i/(n-1) of the width).
    assert written == {(w - low) / (high - low): f"{w:g}".replace("-", "−") for w in (-6, -4, -2, 0, 2, 4, 6)}
    assert labels["boundaryGap"] is False and labels["axisLabel"]["interval"] == 0
    assert drawn["series"] == spec["series"] and drawn["yAxis"] == spec["yAxis"]  # the loss axis is left to ECharts
    assert spec["xAxis"]["type"] == "value" and "axisTick" not in spec["xAxis"]  # the option given is not changed


def test_an_axis_whose_ends_are_not_ticks_places_each_label_within_a_pixel() -> None:
    spec = echarts.option("steps", "loss", xaxis={"min": -5.5, "max": 4.5, "scale": False})
    spec["series"].append(echarts.line("loss", echarts.points([-5.5, 4.5], [1.0, 2.0]), echarts.BLUE))
    value, labels = overlay(echarts.minus_signs(spec), "xAxis")
    assert (value["min"], value["max"]) == (-5.5, 4.5)  # the axis's own ends stay
    n = len(labels["data"]) - 1
    placed = {}
    for i, text in enumerate(labels["data"]):
        if text:
            where = float(text.replace("−", "-"))
            placed[text] = where
            assert abs(i / n - (where + 5.5) / 10) <= 0.5 / n <= 1 / 800  # half a slot at most: 1/800 of the axis
    assert list(placed) == ["−5.5", "−4", "−2", "0", "2", "4", "4.5"]  # the ends labelled too, as ECharts does
    assert value["axisTick"]["customValues"] == list(placed.values())


def test_an_axis_with_no_label_below_zero_is_left_to_echarts() -> None:
    padded = echarts.loss_over_epochs([0, 1, 2], [3.0, 2.0, 1.0], loss_title="loss", best=0.5, last=9)
    assert padded["xAxis"]["min"] == -0.5  # the padding is no tick: its label is not drawn
    assert echarts.minus_signs(padded) == padded


def test_an_axis_above_zero_is_left_to_echarts() -> None:
    spec = echarts.guess(
        np.array([1.0, 2.0]), np.array([50_000.0, 60_000.0]), np.array([5e4, 6e4]), [0.5, 6.5], [4e4, 7e4]
    )
    assert echarts.minus_signs(spec) == spec


def test_money_and_powers_of_ten_below_zero_keep_their_form() -> None:
    spec = echarts.option("bedrooms", "price", money=True)
    spec["series"].append(echarts.line("a line", echarts.points([1, 2], [-30_000.0, 20_000.0]), echarts.BLUE))
    _, labels = overlay(echarts.minus_signs(spec), "yAxis")
    assert [text for text in labels["data"] if text] == ["−$30,000", "−$20,000", "−$10,000", "$0", "$10,000", "$20,000"]
    race = batches.race_chart(
        np.array([0.0, 1.0]),
        np.array([1.0, 1e-3]),
        np.array([0.0, 1.0]),
        np.array([1.0, 0.5]),
        x_title="passes",
        end=1.0,
        floor=1e-6,
        batch_name="batches of 8",
        full_name="full batch",
    )
    value, labels = overlay(echarts.minus_signs(race), "yAxis")
    assert [text for text in labels["data"] if text] == ["10{sup|−3}", "10{sup|−2}", "10{sup|−1}", "10{sup|0}"]
    assert labels["axisLabel"]["rich"] == race["yAxis"]["axisLabel"]["rich"]  # the raised exponent, as before


def test_tooltips_of_negative_values_write_the_minus_sign() -> None:
    spec = echarts.option("steps taken", "loss")
    spec["series"].append(echarts.line("AdaGrad", echarts.points([0, 1, 2], [1.5, -0.25, -2.28013]), echarts.BLUE))
    (drawn,) = echarts.minus_signs(spec)["series"]
    assert [point["name"] for point in drawn["data"]] == ["1.5", "−0.25", "−2.28013"]
    assert [point["value"] for point in drawn["data"]] == spec["series"][0]["data"]
    assert drawn["tooltip"]["formatter"] == "{a}<br/>{b}"
    clickable = hill.hill("bumpy", [0.0], clickable=[-2.5, 0.0, 2.5])
    drop = next(s for s in clickable["series"] if s.get("id") == hill.DROP)
    assert [point["name"] for point in drop["data"]] == ["−2.5", "0", "2.5"]
    assert drop["tooltip"]["formatter"] == "Click to drop the ball at w = {b}"
    assert not [text for text in readable(echarts.minus_signs(clickable)) if HYPHEN_BEFORE_DIGIT.search(text)]
