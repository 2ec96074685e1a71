"""A learner's own CSV through the app (AppTest): uploaded or pasted in the sidebar, checked, used by pages 3, 4
and 8, kept in its own session. The fitted line is checked against numpy's least squares on the cleaned rows,
computed here from the CSV text, not from the app."""

from __future__ import annotations

import numpy as np
import pytest
from opening import open_page
from streamlit.testing.v1 import AppTest
from test_pages import NAN_OR_INF, number, screen_text

from tests.strategies import sentences

RNG = np.random.default_rng(7)
HEIGHT = RNG.uniform(150, 200, 80)  # (80,) centimetres
WEIGHT = 0.9 * HEIGHT - 90 + RNG.normal(0, 5, 80)  # (80,) kilograms
CSV = "height,weight,name\n" + "".join(f"{h:.2f},{w:.2f},p{i}\n" for i, (h, w) in enumerate(zip(HEIGHT, WEIGHT)))
CSV += ",61.5,gap\n170,n/a,word\n"  # two rows the app leaves out (lines 82 and 83)


def upload(at: AppTest, data: bytes, name: str = "people.csv") -> AppTest:
    (uploader,) = [u for u in at.file_uploader if u.key == "uploads:file"]  # the sidebar's, not a page's own
    return uploader.upload(name, data, "text/csv").run()


def assert_healthy(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not NAN_OR_INF.findall(screen_text(at))


def cleaned() -> tuple[np.ndarray, np.ndarray]:
    """The rows with a number in both columns, as the file gives them (to two decimals)."""
    rows = [line.split(",") for line in CSV.splitlines()[1:]]
    kept = [(float(h), float(w)) for h, w, _ in rows if h and w and w != "n/a"]
    return np.array(kept).T  # (2, 80)


def test_an_upload_runs_pages_3_4_and_8_and_the_line_is_least_squares() -> None:
    at = open_page("pages/3_descent.py")
    upload(at, CSV.encode())
    assert_healthy(at)
    assert "people.csv: 80 rows, 2 numeric columns" in " ".join(s.value for s in at.success)
    notes = " ".join(i.value for i in at.info)
    assert "Set aside 1 column of text: 'name'" in notes and "Left out 2 of 82 rows" in notes
    assert "lines 82 and 83" in notes
    key = at.query_params["data"]
    assert key.startswith("upload-") and at.query_params["x"] == "height" and at.query_params["y"] == "weight"
    text = screen_text(at)
    assert "look at all 80 rows" in text and "houses" not in text.split("Your own data")[0]
    # Page 4: the descent (500 epochs, standardized) lands on the least-squares line of the cleaned rows.
    at.switch_page("pages/4_check.py").run()
    assert_healthy(at)
    x, y = cleaned()
    slope, intercept = np.polyfit(x, y, 1)
    table = at.table[0].value
    units = "weight per unit of height"
    assert number(table.loc[f"slope ({units})", "normal equation"]) == pytest.approx(slope, rel=1e-8)
    assert number(table.loc["intercept (units of weight)", "scikit-learn LinearRegression"]) == pytest.approx(
        intercept, rel=1e-8
    )
    at.switch_page("pages/8_landscape.py").run()
    assert_healthy(at)
    assert at.query_params["data"] == key


def test_pasted_csv_with_semicolons_and_decimal_commas() -> None:
    at = open_page("pages/3_descent.py")
    at.text_area(key="uploads:paste").input("a;b\n1,5;2\n2,5;4,1\n3,5;5,9\n4,5;8,2\n")
    [b for b in at.button if b.label == "Use the pasted CSV"][0].click().run()
    assert_healthy(at)
    assert "the pasted CSV: 4 rows, 2 numeric columns" in " ".join(s.value for s in at.success)
    assert at.query_params["x"] == "a" and at.query_params["y"] == "b"


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "The file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        ("price,rooms\n100,é\n".encode("latin-1"), "not UTF-8 text"),
        (b"name,town\nann,paris\nbob,rome\n", "No column of people.csv holds numbers"),
        (b"price,rooms\n100,2\n", "Only 1 row"),
        (b"price,rooms\n1e200,2\n3,4\n", "as large as 1e+200"),
    ],
)
def test_each_problem_is_one_sentence_and_the_page_keeps_the_house_data(data: bytes, words: str) -> None:
    at = open_page("pages/3_descent.py", lr="0.3")
    upload(at, data)
    assert_healthy(at)
    (error,) = [e.value for e in at.error]
    assert error.startswith("people.csv cannot be used: ") and words in error
    assert sentences(error, ["people.csv", "price", "rooms", "name", "town"]) == 1, error
    assert "data" not in at.query_params and at.query_params["lr"] == "0.3"  # nothing lost
    assert "look at all 546 houses" in screen_text(at)


def test_what_an_upload_did_is_one_sentence_and_so_is_each_note() -> None:
    at = open_page("pages/3_descent.py")
    upload(at, CSV.encode())
    (success,) = [s.value for s in at.sidebar.success]
    assert success.startswith("people.csv: 80 rows") and sentences(success, ["people.csv"]) == 1, success
    notes = [i.value for i in at.info if "Set aside" in i.value or "Left out" in i.value]
    assert len(notes) == 2 and all(sentences(note, ["name"]) == 1 for note in notes), notes


# A column around 1e-300 and one around 1e-310: their spreads square to less than a 64-bit float holds, so every
# standard deviation, loss and gradient of them rounds to 0 (the crash of issue 15 on pages 3, 8 and 10).
TINY_ROWS = RNG.uniform(1, 2, (12, 2)) * [1e-300, 1e-310]  # (12, 2)
TINY = "tiny,tinier\n" + "".join(f"{a!r},{b!r}\n" for a, b in TINY_ROWS.tolist())


@pytest.mark.parametrize("page", ["pages/3_descent.py", "pages/8_landscape.py", "pages/10_batches.py"])
def test_columns_too_close_to_zero_get_one_sentence_and_the_house_data_still_runs(page: str) -> None:
    at = open_page(page)
    upload(at, TINY.encode(), "tiny.csv")
    assert not at.exception, [e.value for e in at.exception]
    (error,) = [e.value for e in at.main.error]  # in the page, where a phone shows it (it hides the sidebar)
    assert not at.sidebar.error
    spread = TINY_ROWS[:, 0].max() - TINY_ROWS[:, 0].min()  # x is the first column: 'tiny'
    assert error.startswith(f"Column 'tiny' varies by only {spread:.3g} from its smallest value to its largest")
    assert sentences(error, ["tiny"]) == 1, error
    at.selectbox(key="data").select("windsor").run()  # the house data, one click away
    assert_healthy(at)
    assert not at.error and "546 houses" in screen_text(at)


def test_a_link_to_another_sessions_upload_opens_on_the_house_data_with_a_note() -> None:
    sender = open_page("pages/3_descent.py")
    upload(sender, CSV.encode())
    link = dict(sender.query_params)
    receiver = open_page("pages/3_descent.py", **link)  # a new session: another browser tab
    assert_healthy(receiver)
    notes = " ".join(w.value for w in receiver.warning)
    assert f"data={link['data']} names a file uploaded in another browser tab" in notes
    assert "data" not in receiver.query_params
    assert "look at all 546 houses" in screen_text(receiver)  # the receiver never sees the sender's rows
    assert not [s for s in receiver.selectbox if s.label == "Data"]  # and has no upload to pick


def test_a_link_naming_this_tabs_own_upload_opens_the_page_on_it() -> None:
    at = open_page("pages/3_descent.py")
    upload(at, CSV.encode())
    key = at.query_params["data"]
    at.switch_page("pages/10_batches.py")
    at.query_params["data"] = key  # the same tab, its own upload's key in the link
    at.run()
    assert_healthy(at)
    assert not at.warning, [w.value for w in at.warning]
    assert at.query_params["data"] == key and "all 80 rows" in screen_text(at)


def test_a_constant_column_picked_as_y_is_named_and_another_pick_mends_it() -> None:
    at = open_page("pages/3_descent.py")
    upload(at, b"a,b,c\n1,5,7\n2,5,8\n3,5,10\n4,5,9\n")
    at.selectbox(key="y").select("b").run()
    assert not at.exception, [e.value for e in at.exception]
    (error,) = [e.value for e in at.error]
    assert "'b' holds the same value, 5, in every row: as y it cannot be predicted" in error
    at.selectbox(key="y").select("c").run()
    assert_healthy(at)
    assert not at.error and "look at all 4 rows" in screen_text(at)
