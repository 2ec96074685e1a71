"""ui.frames without a browser: a chart's first option and each epoch's patch give back that epoch's option (as the
browser applies them: tests/app/stepping.merged, checked against ECharts itself in test_epoch_view_browser), and the
ledger's windows are the rows of the steps taken."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from stepping import merged

from ui import frames


def option(k: int) -> dict:
    """A chart at epoch k: a fixed cloud, a path that grows, a line that moves, a marker from epoch 3 on, and an x
    axis that widens with the path."""
    rng = np.random.default_rng(0)
    cloud = [[float(x), float(y)] for x, y in rng.normal(size=(50, 2))]
    path = [[float(j), float(np.exp(-0.3 * j) * 7.123456789)] for j in range(k + 1)]
    series = [
        {"type": "scatter", "name": "houses", "data": cloud},
        {"type": "line", "name": "path so far", "data": path},
        {"type": "line", "name": f"after {k} epochs", "data": [[0.0, -1.0 / (k + 1)], [1.0, k / 3]]},
    ]
    if k >= 3:
        series.append({"type": "scatter", "name": "this step's batch", "data": path[-2:]})
    return {
        "xAxis": {"type": "value", "name": "epochs", "min": 0, "max": max(5, k)},
        "yAxis": {"type": "value", "name": "loss"},
        "legend": {"data": [s["name"] for s in series]},
        "series": series,
    }


def close(got, want) -> None:
    """Chart data equal to the drawn precision (ui.frames.DIGITS significant digits)."""
    assert np.asarray(got, dtype=float) == pytest.approx(np.asarray(want, dtype=float), rel=10.0 ** (1 - frames.DIGITS))


@pytest.mark.parametrize("order", ["forwards", "backwards", "jumps"])
def test_each_patch_applied_to_the_first_option_is_that_epochs_option(order: str) -> None:
    specs = [option(k) for k in range(12)]
    base, patches = frames.chart(specs)
    epochs = {"forwards": range(12), "backwards": range(11, -1, -1), "jumps": [7, 0, 11, 3, 2, 9]}[order]
    for k in epochs:
        drawn, want = merged(base, patches[k]), specs[k]
        assert [s["name"] for s in drawn["series"]] == [s["name"] for s in want["series"]], k
        for got, expected in zip(drawn["series"], want["series"]):
            close(got["data"], expected["data"])
        assert drawn["xAxis"][0]["max"] == want["xAxis"]["max"]
        assert drawn["legend"] == want["legend"]
        assert drawn["xAxis"][0]["axisLabel"][frames.MINUS] is True  # the browser writes its minus signs


def test_what_never_changes_is_sent_once_and_a_growing_series_is_stored_whole_once() -> None:
    base, patches = frames.chart([option(k) for k in range(12)])
    cloud = base["series"][0]
    assert all(patch["series"][0] == {"id": cloud["id"]} for patch in patches)  # named, not sent again
    grows = {patch["series"][1]["ref"] for patch in patches}
    assert len(grows) == 1  # the path so far: one stored series, shown up to each epoch
    assert [patch["series"][1]["upto"] for patch in patches[:-1]] == list(range(1, 12))
    assert len(base["store"]) < 2 * 12  # the moving line and the marker: once per epoch at most


def test_the_ledger_windows_are_the_rows_of_the_steps_taken_newest_first() -> None:
    records = [SimpleNamespace(step=s, names=("slope", "intercept")) for s in range(1, 8)]

    def table(shown):  # the page's ledger: newest first, the latest step marked
        rows = [[r.step, name, "▶" if r is shown[-1] else ""] for r in reversed(shown) for name in r.names]
        return pd.DataFrame(rows, columns=["step", "parameter", "now"])

    ledger, windows = frames.ledger(records, table, keep=3)
    newest_first = table(records).astype(str).to_numpy().tolist()
    assert [row[:2] for row in ledger["rows"][::-1]] == [row[:2] for row in newest_first]  # shown from the end
    assert windows[0] == [0, 0, 0]
    for taken in range(1, 8):
        start, stop, latest = windows[taken]
        shown = ledger["rows"][start:stop]
        assert [int(row[0]) for row in shown] == sorted(
            [s for s in range(max(1, taken - 2), taken + 1) for _ in range(2)]
        )
        assert (stop - latest, int(ledger["rows"][latest][0])) == (2, taken)


def test_a_ball_that_moves_sends_its_points_alone_and_a_finished_path_is_the_stored_one() -> None:
    """A plotly trace of one point that moves at every epoch (a ball) sends its x and y, its look stored once; a
    path that stops growing (a racer that stopped) names its whole stored version, no copy of it."""

    def figure(k: int) -> dict:
        path = [float(j * j) for j in range(min(k, 5) + 1)]  # stops at 5 points' worth
        look = {"type": "scatter", "mode": "markers", "marker": {"size": 14}, "name": "ball"}
        return {
            "data": [
                {"type": "scatter", "mode": "lines", "name": "path", "x": path, "y": path, "uid": "s0"},
                look | {"x": [float(k)], "y": [-float(k)], "uid": "s1"},
            ],
            "layout": {"height": 300},
        }

    specs = [figure(k) for k in range(9)]
    base, patches = frames.chart(specs, "plotly")
    for k, patch in enumerate(patches):
        assert merged(base, patch)["data"] == specs[k]["data"], k
    balls = [patch["data"][1] for patch in patches]
    assert all(set(ball) == {"uid", "ref", "x", "y"} for ball in balls[:-1])  # points alone
    assert len({ball["ref"] for ball in balls}) == 1  # one look, stored once
    paths = [patch["data"][0] for patch in patches]
    assert [path.get("upto") for path in paths] == [1, 2, 3, 4, 5, None, None, None, None]
    assert len({path["ref"] for path in paths}) == 1  # the stopped path is the stored one, not a copy
    assert len(base["store"]) == 2


def test_many_points_that_only_move_up_or_down_send_their_heights_alone() -> None:
    """A prediction for each of 40 houses, epoch by epoch: the x's (the actual prices) are stored once; each patch
    carries the 40 heights packed, which read back to the drawn precision; a point that moves sideways is stored."""
    actual = np.linspace(20_000.0, 190_000.0, 40)

    def figure(k: int) -> dict:
        predicted = actual * (1 - 0.9 / (k + 1)) + 1234.56789 * k
        series = [
            {"type": "scatter", "name": "a house", "data": [[float(x), float(y)] for x, y in zip(actual, predicted)]}
        ]
        return {"xAxis": {"type": "value"}, "yAxis": {"type": "value"}, "series": series}

    specs = [figure(k) for k in range(9)]
    base, patches = frames.chart(specs)
    assert all("ys" in patch["series"][0] for patch in patches[:-1])
    for k in (0, 8, 3):
        got = merged(base, patches[k])["series"][0]["data"]
        close(got, specs[k]["series"][0]["data"])
    sideways = specs[:2] + [
        {
            **specs[2],
            "series": [{**specs[2]["series"][0], "data": [[x + 1, y] for x, y in specs[2]["series"][0]["data"]]}],
        }
    ]
    _, patches = frames.chart(sideways)
    assert "ys" not in patches[2]["series"][0]


def test_a_series_given_whole_with_its_count_is_stored_once_and_each_epoch_shows_its_start() -> None:
    """A page with thousands of epochs gives a growing series whole (the same list at every epoch) with how many of
    its points the epoch shows (frames.shown): the browser draws the same as if each epoch had its own copy."""
    path = [[float(j), float(np.exp(-0.3 * j))] for j in range(12)]
    grows = {"type": "line", "name": "path so far", "data": path}

    def given(k: int) -> dict:
        return {"xAxis": {"type": "value"}, "yAxis": {"type": "value"}, "series": [frames.shown(grows, k + 1)]}

    base, patches = frames.chart([given(k) for k in range(12)])
    for k in (0, 5, 11, 3):
        close(merged(base, patches[k])["series"][0]["data"], path[: k + 1])
    assert len(base["store"]) == 1 and base["series"][0]["data"] == path[:1]  # the first option: epoch 0's
    assert [patch["series"][0].get("upto") for patch in patches] == [*range(1, 12), None]


def test_a_table_from_rows_reads_as_the_same_table_from_a_dataframe() -> None:
    rows = [{"racer": "● GD <b>", "loss": "−1.5"}, {"racer": "★ Adam", "loss": "0.25"}]
    assert frames.table(rows, "a table", names=("racer",)) == frames.table(pd.DataFrame(rows), "a table", ("racer",))
