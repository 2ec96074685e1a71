"""A learner's own CSV (gdcore.upload): each problem a file can have gets its own sentence, what can be
mended is mended and said, and no bytes at all make it raise anything but DataError."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdcore.data import WINDSOR, DataError
from gdcore.upload import LIMIT, key_of, problem_with_columns, problem_with_inputs, read_upload
from tests.strategies import UNWANTED, sentences, without_learner_text

# (the file's bytes, words its message must hold): one row per problem the issue lists, and a few more.
REFUSED = [
    (b"", "The file is empty"),
    (b" \n\n \n", "The file is empty"),
    (b"x" * (LIMIT + 1), "the limit is 5 MB"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
    ("price,rooms\n100,é\n".encode("latin-1"), "not UTF-8 text (byte 17"),  # 16 bytes, then é in Latin-1
    (b"price,rooms\n", "no rows of data"),
    (b"name,town\nann,paris\nbob,rome\n", "No column of f.csv holds numbers"),
    (b"price,name\n1,ann\n2,bob\n", "one numeric column, 'price'"),
    (b"price,rooms\n100,2\n", "Only 1 row"),
    (b"price,rooms\n100,\n,3\n", "No row of f.csv has a number in every numeric column"),
    (b"price,rooms\n1e200,2\n3,4\n", "as large as 1e+200"),
    (b"price,rooms\n1,2,3,4\n5,6\n", "Line 2 has 4 values but the header row names 2 columns"),
    (b'price,rooms\n"1,2\n3,4\n', 'Line 2 opens a quote (") that is never closed'),
    (("," * 300 + "\n" + "1," * 300 + "\n").encode(), "the app reads at most 200"),
]


@pytest.mark.parametrize(("data", "words"), REFUSED)
def test_each_problem_gets_its_own_sentence(data: bytes, words: str) -> None:
    with pytest.raises(DataError) as refused:
        read_upload(data, "f.csv")
    message = str(refused.value)
    assert words in message
    assert message.endswith(".") and len(message) < 400 and "Traceback" not in message


def test_the_shipped_file_reads_as_pandas_reads_it() -> None:
    upload = read_upload(WINDSOR.read_bytes(), "windsor_housing.csv")
    frame = pd.read_csv(WINDSOR)
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    assert list(upload.frame.columns) == numeric
    np.testing.assert_array_equal(upload.frame.to_numpy(), frame[numeric].to_numpy(dtype=float))
    assert list(upload.frame.index) == list(range(2, len(frame) + 2))  # line numbers: the header is line 1
    text = [c for c in frame.columns if c not in numeric]
    assert upload.notes == (f"Set aside {len(text)} columns of text: {', '.join(map(repr, text))}.",)
    assert upload.dropped.empty


def test_rows_with_a_gap_or_a_word_are_left_out_listed_and_shown() -> None:
    data = b"price,rooms,town\n100,2,a\n,3,b\n300,x,c\n400,inf,d\n500,5,e\n600,6,f\n"
    upload = read_upload(data, "f.csv")
    assert list(upload.frame.index) == [2, 6, 7] and list(upload.frame["price"]) == [100, 500, 600]
    assert list(upload.dropped.index) == [3, 4, 5] and list(upload.dropped["town"]) == ["b", "c", "d"]
    assert "Left out 3 of 6 rows" in upload.notes[1] and "lines 3, 4 and 5" in upload.notes[1]
    assert "Set aside 1 column of text: 'town'" in upload.notes[0]


def test_semicolons_and_decimal_commas_tabs_and_a_byte_order_mark() -> None:
    expected = pd.DataFrame({"x": [1.5, 3.25], "y": [2.0, 4.0]}, index=[2, 3])
    for data in (b"x;y\n1,5;2\n3,25;4\n", b"x\ty\n1.5\t2\n3.25\t4\n", "\ufeffx,y\n1.5,2\n3.25,4\n".encode()):
        pd.testing.assert_frame_equal(read_upload(data).frame, expected)


def test_large_values_are_kept_with_advice_to_standardize() -> None:
    upload = read_upload(b"price,rooms\n2e13,1\n3e13,2\n4e13,3\n")
    (note,) = upload.notes
    assert "'price' holds values as large as 4e+13" in note and "standardize x and y" in note


def test_the_key_names_the_bytes() -> None:
    assert key_of(b"x,y\n1,2\n3,4\n") == key_of(b"x,y\n1,2\n3,4\n") != key_of(b"x,y\n1,2\n3,5\n")
    assert read_upload(b"x,y\n1,2\n3,4\n").key.startswith("upload-")


def test_columns_that_cannot_make_a_line_are_named() -> None:
    frame = read_upload(b"a,b,c\n1,5,7\n2,5,8\n3,5,9\n").frame
    assert "same column, 'a'" in problem_with_columns(frame, "a", "a")
    assert "'b' holds the same value, 5, in every row: as x" in problem_with_columns(frame, "b", "c")
    assert "as y it cannot be predicted" in problem_with_columns(frame, "a", "b")
    assert "no numeric column 'z'" in problem_with_columns(frame, "a", "z")
    assert problem_with_columns(frame, "a", "c") == ""


CELLS = st.one_of(
    st.sampled_from(["", " ", "1", "-2.5", "1e308", "1e-300", "nan", "inf", "-inf", "1,5", '"', "'", ";", "\t", "é"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**40), 10**40).map(str),
    st.text(max_size=8),
)


@st.composite
def csv_files(draw) -> bytes:
    """A CSV-looking file: a header and rows of random cells, random separators, ragged rows, odd encodings."""
    separator = draw(st.sampled_from([",", ";", "\t", "|"]))
    width = draw(st.integers(1, 6))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 1), min_size=0, max_size=8))
    header = draw(st.lists(st.text(max_size=6), min_size=width, max_size=width))
    text = "\n".join(separator.join(row) for row in [header, *rows])
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), errors="replace")


@settings(max_examples=500, deadline=None)  # the 500 malformed uploads, in about 2 s
@given(st.one_of(st.binary(max_size=400), csv_files()))
def test_no_bytes_raise_anything_but_a_sentence(data: bytes) -> None:
    try:
        upload = read_upload(data, "f.csv")
    except DataError as refused:
        assert sentences(str(refused)) == 1 and len(str(refused)) < 600, str(refused)
        assert not UNWANTED.search(without_learner_text(str(refused))), str(refused)
        return
    assert len(upload.frame) >= 2 and len(upload.frame.columns) >= 2
    assert np.isfinite(upload.frame.to_numpy()).all()
    assert (upload.frame.abs() < 1e150).all().all()


FOUR = pd.DataFrame({"a": [1.0, 2, 3], "b": [4.0, 4, 4], "c": [0.5, 0.1, 0.9], "d": [7.0, 3, 5]})  # b is constant


@pytest.mark.parametrize(
    ("frame", "inputs", "y", "words"),
    [
        (FOUR[["a", "c"]], ("a", "c", "c"), "a", "needs 4 numeric columns, 3 inputs and a y, but the file has 2"),
        (FOUR, ("a", "c", "a"), "d", "Column 'a' is picked twice"),
        (FOUR, ("a", "c", "d"), "d", "Column 'd' is picked twice"),
        (FOUR, ("a", "b", "c"), "d", "Column 'b' holds the same value, 4, in every row"),
        (FOUR, ("a", "c", "d"), "b", "Column 'b' holds the same value, 4, in every row: as y"),
        (FOUR, ("a", "c", "e"), "d", "There is no numeric column 'e'"),
        (FOUR.assign(b=[1.0, 2, 3]), ("a", "b", "c"), "d", ""),
    ],
)
def test_the_networks_columns_get_one_sentence_per_problem(frame, inputs, y, words) -> None:
    problem = problem_with_inputs(frame, inputs, y)
    assert (words in problem) if words else problem == ""
    assert problem.count(". ") <= 1 and "Traceback" not in problem
