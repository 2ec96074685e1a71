"""The uploads issue 15 names, one test each: numbers too close to zero or too large for a 64-bit float's squares,
mixes of both, subnormals, a column far from zero that varies little, and files whose structure is broken.

Each expected value comes from outside the code under test: numpy.polyfit or numpy.linalg.lstsq on the rows, a
high-precision Decimal computation, or the line the test itself broke.
"""

from __future__ import annotations

import re
from decimal import Decimal, getcontext

import numpy as np
import pytest

from gdcore import DescentConfig, fit_line, line
from gdcore.data import TINY, DataError, Dataset, load_xy, select_xy
from gdcore.upload import problem_with_columns, problem_with_inputs, read_upload
from tests.strategies import sentences

KEY = "upload-0123456789ab"
RNG = np.random.default_rng(15)


def csv(columns: dict[str, np.ndarray]) -> bytes:
    """A CSV of these columns, each number written with repr (exact)."""
    rows = zip(*(values.tolist() for values in columns.values()))
    return (",".join(columns) + "\n" + "".join(",".join(map(repr, row)) + "\n" for row in rows)).encode()


def fitted(x: np.ndarray, y: np.ndarray, **settings) -> tuple[tuple[float, float], tuple[float, float]]:
    """The descent's best line and where 500 standardized epochs ended, both in the data's units."""
    fit = fit_line(DescentConfig(data=KEY, x="x", y="y", epochs=500, **settings), Dataset(x, y, "x", "y"))
    assert fit.run.diverged_at is None
    return fit.in_data_units(fit.best), fit.in_data_units(fit.run.final)


# --- the crash: a column around 1e-300 and one around 1e-310 ----------------------------------------------------

TINY_X = RNG.uniform(1, 2, 30) * 1e-300  # (30,) spread about 1e-300: squared, 1e-600, below any float
TINY_Y = RNG.uniform(1, 2, 30) * 1e-310  # (30,) subnormal numbers


def test_the_crash_file_is_read_and_its_columns_are_refused_naming_the_first_too_close_to_zero() -> None:
    upload = read_upload(csv({"tiny": TINY_X, "tinier": TINY_Y}), "tiny.csv")
    for x, y in (("tiny", "tinier"), ("tinier", "tiny")):
        problem = problem_with_columns(upload.frame, x, y)
        spread = np.ptp(upload.frame[x])  # x is checked first, and both are too close
        assert spread < 1e-150
        assert problem.startswith(f"Column '{x}' varies by only {spread:.3g} from its smallest value to its largest")
        assert sentences(problem, [x, y]) == 1


def test_a_tiny_y_beside_a_good_x_is_named_too() -> None:
    upload = read_upload(csv({"good": np.arange(30.0), "tinier": TINY_Y}))
    assert "Column 'tinier' varies by only" in problem_with_columns(upload.frame, "good", "tinier")
    assert "Column 'tinier' varies by only" in problem_with_inputs(upload.frame, ("good",), "tinier")


@pytest.mark.parametrize("scale", ["standardize", "none"])
def test_the_engine_refuses_the_crash_columns_with_the_same_sentence_instead_of_dividing_by_zero(scale: str) -> None:
    with pytest.raises(DataError, match=r"^Column 'x' varies by only .* multiply the column by 1e\d+ "):
        fit_line(DescentConfig(data=KEY, x="x", y="y", scale=scale), Dataset(TINY_X, TINY_Y, "x", "y"))


def test_the_command_line_refuses_them_too(tmp_path) -> None:
    path = tmp_path / "tiny.csv"
    path.write_bytes(csv({"x": np.arange(30.0), "y": TINY_Y}))
    with pytest.raises(DataError, match=r"^Column 'y' varies by only") as refused:
        load_xy(path, "x", "y")
    assert sentences(str(refused.value), ["x", "y"]) == 1


def test_multiplied_as_the_sentence_says_the_columns_run_and_land_on_numpys_least_squares_line() -> None:
    upload = read_upload(csv({"x": TINY_X, "y": TINY_Y}))
    scaled = {}
    for name, other in (("x", "y"), ("y", "x")):
        power = re.search(r"multiply the column by 1e(\d+)", problem_with_columns(upload.frame, name, other))[1]
        scaled[name] = upload.frame[name].to_numpy() * float(f"1e{power}")
    x, y = scaled["x"], scaled["y"]
    assert problem_with_columns(read_upload(csv(scaled)).frame, "x", "y") == ""
    slope, intercept = np.polyfit(x, y, 1)
    best, end = fitted(x, y)
    assert best == pytest.approx((slope, intercept), rel=1e-9)
    assert end == pytest.approx((slope, intercept), rel=1e-6)


# --- squares that overflow, and a mix ---------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1e150, 1e200, 1.7976931348623157e308])
def test_values_whose_squares_overflow_are_refused_naming_the_column(size: float) -> None:
    data = csv({"small": TINY_Y, "big": np.linspace(-1, 1, 30) * size})
    with pytest.raises(DataError) as refused:
        read_upload(data)
    message = str(refused.value)
    assert message.startswith(f"Column 'big' holds a value as large as {size:.3g}, whose square does not fit")
    assert sentences(message, ["big", "small"]) == 1


def test_near_the_limits_on_both_sides_the_line_runs_and_lands_on_numpys_least_squares_line() -> None:
    x = RNG.uniform(1, 2, 40) * 1e-140  # spreads near TINY and below HUGE: slopes near 1e289
    y = 3e288 * x + RNG.normal(0, 1e147, 40)
    upload = read_upload(csv({"x": x, "y": y}))
    assert problem_with_columns(upload.frame, "x", "y") == ""
    expected = np.linalg.lstsq(np.column_stack([x / 1e-140, np.ones(40)]), y, rcond=None)[0]  # x rescaled by hand
    best, end = fitted(x, y)
    assert best[0] == pytest.approx(expected[0] / 1e-140, rel=1e-9)
    assert best[1] == pytest.approx(expected[1], rel=1e-9, abs=1e-9 * abs(y).max())
    assert end[0] == pytest.approx(expected[0] / 1e-140, rel=1e-6)


def test_a_raw_run_on_huge_numbers_stops_and_says_so() -> None:
    x, y = np.linspace(1, 2, 20) * 1e149, np.linspace(3, 1, 20) * 1e-149
    config = DescentConfig(data=KEY, x="x", y="y", scale="none", loss="sse", learning_rate=0.1)
    fit = fit_line(config, Dataset(x, y, "x", "y"))
    assert fit.run.diverged_at is not None and "too large to store in a 64-bit float" in fit.run.reason
    assert np.isfinite([fit.max_stable_lr, *fit.best, fit.best_loss]).all()
    assert fit.in_data_units(fit.best) == pytest.approx(tuple(np.polyfit(x, y, 1)), rel=1e-9)


# --- subnormals, and a column far from zero that varies little --------------------------------------------------


def test_subnormal_values_in_a_column_that_varies_run() -> None:
    x = np.array([0.0, 5e-324, 1e-320, 1.0, 2.0, 3.0, 4.0])
    y = 2 * x + 1
    upload = read_upload(csv({"x": x, "y": y}))
    np.testing.assert_array_equal(upload.frame["x"], x)  # read to the last bit, subnormals included
    best, end = fitted(x, y)
    assert best == pytest.approx((2.0, 1.0), rel=1e-12) and end == pytest.approx((2.0, 1.0), rel=1e-6)


def exact_curvatures(x: np.ndarray) -> tuple[Decimal, Decimal]:
    """The SSE Hessian's eigenvalues, 2 [[sum x², sum x], [sum x, n]], in 80-digit decimals."""
    getcontext().prec = 80
    xs = [Decimal(float(v)) for v in x]
    a, b, d = 2 * sum(v * v for v in xs), 2 * sum(xs), Decimal(2 * len(xs))
    root = (((a - d) / 2) ** 2 + b * b).sqrt()
    return (a + d) / 2 - root, (a + d) / 2 + root


def test_a_column_far_from_zero_that_varies_little_keeps_both_curvatures() -> None:
    x = 1e15 + np.arange(12.0)  # eigvalsh alone rounds the smaller curvature (about 1e-28 of the larger) away
    low, high = line.curvatures(x, "sse")
    exact_low, exact_high = exact_curvatures(x)
    assert low == pytest.approx(float(exact_low), rel=1e-9) and high == pytest.approx(float(exact_high), rel=1e-12)
    assert line.curvatures(line.bowl(x, 3 * x), "sse") == pytest.approx((low, high), rel=1e-9)


def test_the_normal_equation_singular_to_the_last_digit_still_gives_a_line_that_solves_it() -> None:
    x = np.array([1.0000000000027391, 0.9999999999953957])  # found by hypothesis: np.linalg.solve called it singular
    y = x.copy()
    a = np.column_stack([x, np.ones(2)])
    gram, right = a.T @ a, a.T @ y
    with pytest.raises(np.linalg.LinAlgError):
        np.linalg.solve(gram, right)
    slope, intercept = line.least_squares(x, y)
    assert np.isfinite([slope, intercept]).all()
    np.testing.assert_allclose(gram @ [slope, intercept], right, rtol=1e-9)  # it does solve the rounded equation


# --- broken structure: the line at fault, found by reading the file ---------------------------------------------

BROKEN = [
    (b"a,b\n1,2\n\n3,4,5\n6,7\n", "Line 4 has 3 values but the header row names 2 columns; check that line's commas"),
    (b"a;b\n1;2\n3;4;5\n", "Line 3 has 3 values but the header row names 2 columns; check that line's semicolons"),
    (b'a,b\n1,2\n"3,4\n5,6\n', 'Line 3 opens a quote (") that is never closed'),
    (b'a,b\n1,2\n3,"4"x\n', 'Line 3 has text right after a closing quote (")'),
    (b"a,b\n" + b"1," + b"9" * 200_000 + b"\n", "holds a value longer than 131,072 characters"),
    (b"a,b\n", "The file has a header row but no rows of data under it"),
    (b"\n\n  \n", "The file is empty"),
]


@pytest.mark.parametrize(("data", "words"), BROKEN)
def test_a_broken_file_is_refused_naming_the_line_in_one_sentence(data: bytes, words: str) -> None:
    with pytest.raises(DataError) as refused:
        read_upload(data, "broken.csv")
    message = str(refused.value)
    assert words in message
    assert sentences(message, ["a", "b", "broken.csv"]) == 1 and "tokeniz" not in message.lower()


def test_the_command_lines_reader_names_the_line_too(tmp_path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_bytes(b"x,y\n1,2\n3,4\n5,6,7\n")
    with pytest.raises(DataError, match=r"^Line 4 has 3 values but the header row names 2 columns") as refused:
        load_xy(path, "x", "y")
    assert "C error" not in str(refused.value) and sentences(str(refused.value)) == 1


MENDED = [
    (b"a,b,\n1,2,\n3,4,\n", ["a", "b"], [2, 3]),  # a trailing comma on every line
    (b"a,b\n1,2,\n3,4,,\n", ["a", "b"], [2, 3]),  # empty values past the header's width
    (b"a,b\r1,2\r3,4\r", ["a", "b"], [2, 3]),  # old Mac line ends
    (b"a,b\r\n1,2\r\n\r\n3,4\r\n", ["a", "b"], [2, 4]),  # Windows line ends and a blank line: line numbers hold
    ("\ufeff\n\na,b\n1,2\n3,4\n".encode(), ["a", "b"], [4, 5]),  # a byte-order mark and blank lines first
    (b"a,a,\n1,2,3\n4,5,6\n", ["a", "a (2)", "column 3"], [2, 3]),  # a repeated name and an empty one
    (b'"x, in m","y ""quoted"""\n1,2\n3,4\n', ["x, in m", 'y "quoted"'], [2, 3]),
]


@pytest.mark.parametrize(("data", "names", "lines"), MENDED)
def test_what_can_be_mended_is_read(data: bytes, names: list[str], lines: list[int]) -> None:
    upload = read_upload(data)
    assert list(upload.frame.columns) == names
    assert list(upload.frame.index) == lines  # the line in the file, as a text editor counts


def test_tiny_is_where_a_square_leaves_the_normal_floats() -> None:
    assert TINY**2 > np.finfo(float).tiny > (TINY / 1e4) ** 2  # 1e-300 is normal; 1e-308 is not
    assert select_xy(read_upload(csv({"x": np.arange(3.0) * TINY, "y": np.arange(3.0)})).frame, "x", "y")
