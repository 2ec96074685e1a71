"""gdcore.data: the door-to-door table against data/README.md and pandas; loader errors a learner can read."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from gdcore import WINDSOR, DataError, load_xy, mean_by_value, read_table

# data/README.md: "mean price by bedroom count is 1: 38,750 (2 houses), 2: 51,886 (136), 3: 70,817 (301),
# 4: 81,854 (95), 5: 83,140 (10), 6: 68,450 (2)" (means rounded to the dollar).
README_BEDROOMS = [1, 2, 3, 4, 5, 6]
README_MEANS = [38_750, 51_886, 70_817, 81_854, 83_140, 68_450]
README_COUNTS = [2, 136, 301, 95, 10, 2]


def test_windsor_path_is_the_shipped_file(repo_root):
    assert repo_root / "data" / "windsor_housing.csv" == WINDSOR


def test_mean_by_value_on_windsor_matches_the_readme():
    data = load_xy(WINDSOR, "bedrooms", "price")
    values, means, counts = mean_by_value(data.x, data.y)
    np.testing.assert_array_equal(values, README_BEDROOMS)
    np.testing.assert_array_equal(counts, README_COUNTS)
    assert np.all(np.abs(means - README_MEANS) <= 0.5), f"means {means} do not round to {README_MEANS}"
    assert counts.sum() == 546


def test_mean_by_value_on_windsor_matches_a_pandas_groupby(repo_root):
    frame = pd.read_csv(repo_root / "data" / "windsor_housing.csv")
    grouped = frame.groupby("bedrooms")["price"].agg(["mean", "count"])
    values, means, counts = mean_by_value(frame["bedrooms"].to_numpy(float), frame["price"].to_numpy(float))
    np.testing.assert_array_equal(values, grouped.index.to_numpy(float))
    np.testing.assert_allclose(means, grouped["mean"].to_numpy(), rtol=1e-12)
    np.testing.assert_array_equal(counts, grouped["count"].to_numpy())


def test_mean_by_value_by_hand():
    values, means, counts = mean_by_value(np.array([2.0, 1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0, 40.0]))
    np.testing.assert_array_equal(values, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(means, [20.0, 20.0, 40.0])  # (10 + 30) / 2 for x = 2
    np.testing.assert_array_equal(counts, [1, 2, 1])


def test_load_xy_reads_the_columns_as_floats(repo_root):
    frame = pd.read_csv(repo_root / "data" / "windsor_housing.csv")
    data = load_xy(WINDSOR, "bedrooms", "price")
    assert (data.x_name, data.y_name) == ("bedrooms", "price")
    assert data.x.dtype == data.y.dtype == np.float64
    np.testing.assert_array_equal(data.x, frame["bedrooms"].to_numpy(float))
    np.testing.assert_array_equal(data.y, frame["price"].to_numpy(float))


def test_load_xy_reads_an_open_file():
    data = load_xy(io.StringIO("x,y\n1,2\n3,5\n"), "x", "y")
    np.testing.assert_array_equal(data.x, [1.0, 3.0])
    np.testing.assert_array_equal(data.y, [2.0, 5.0])


# (file name, file contents, column x, column y, words the message must contain). None: no file at all.
BAD_FILES = {
    "missing file": ("nowhere.csv", None, "x", "y", ["no file", "nowhere.csv"]),
    "empty file": ("empty.csv", b"", "x", "y", ["empty"]),
    "header only": ("header.csv", b"x,y\n", "x", "y", ["header", "no data rows"]),
    "unknown column": ("houses.csv", b"x,y\n1,2\n2,3\n", "rooms", "y", ["'rooms'", "'x', 'y'"]),
    "non-numeric cell": ("words.csv", b"x,y\n1,2\n2,abc\n3,4\n", "x", "y", ["'y'", "line 3", "'abc'"]),
    "empty cell": ("gap.csv", b"x,y\n1,2\n2,\n3,4\n", "x", "y", ["'y'", "line 3", "empty cell"]),
    "inf cell": ("inf.csv", b"x,y\n1,2\n2,3\ninf,4\n", "x", "y", ["'x'", "line 4", "'inf'"]),
    "all-identical x": ("flat.csv", b"x,y\n2,1\n2,5\n2,9\n", "x", "y", ["'x'", "two different values"]),
    "binary file": (
        "picture.csv",
        b"\x89PNG\r\n\x1a\n" + np.random.default_rng(0).integers(0, 256, 300, dtype=np.uint8).tobytes(),
        "x",
        "y",
        ["not text"],
    ),
}


@pytest.mark.parametrize("case", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_files_raise_a_data_error_that_names_the_problem(case, tmp_path):
    name, content, x, y, words = case
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataError) as error:
        load_xy(path, x, y)
    message = str(error.value)
    for word in words:
        assert word in message, f"{word!r} is not in {message!r}"
    assert "\n" not in message  # one sentence, no traceback-like dump
    assert message.endswith(".")


def test_a_folder_is_not_a_csv(tmp_path):
    with pytest.raises(DataError, match="folder"):
        read_table(tmp_path)


def test_bad_rows_are_counted(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("x,y\n1,2\n2,-inf\n3,nan\n4,\n5,6\n")
    with pytest.raises(DataError, match=r"line 3 .*3 bad rows"):
        load_xy(path, "x", "y")


def test_data_error_is_a_value_error():
    # The CLI and the pages catch ValueError for every "bad input" case.
    assert issubclass(DataError, ValueError)


def test_line_number_counts_blank_lines(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("x,y\n1,2\n\n2,abc\n3,4\n")  # 'abc' is on line 4 of the file
    with pytest.raises(DataError, match="line 4"):
        load_xy(path, "x", "y")


def test_rows_wider_than_the_header_are_refused(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("x,y\n1,2,3\n4,5,6\n")
    with pytest.raises(DataError):
        load_xy(path, "x", "y")  # today it returns x=[2, 5], y=[3, 6]: the second and third fields
