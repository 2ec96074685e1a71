"""The ECharts options of the stepping pages: what they draw, checked against the inputs, and JSON
that ECharts accepts (no NaN or infinity anywhere, even for a run that blew up)."""

from __future__ import annotations

import json
import math

import numpy as np

from ui import echarts


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
