"""The sentence counter the upload tests rely on (tests/strategies.py): it must see two sentences where there are
two, or every "one sentence" assertion would pass whatever the app says."""

from __future__ import annotations

import pytest

from tests.strategies import UNWANTED, sentences, without_learner_text

COUNTS = [
    ("", (), 0),
    ("The file is empty.", (), 1),
    ("The file is empty. Upload another.", (), 2),
    ("Is it empty? Yes!", (), 2),
    ("First paragraph\n\nSecond paragraph.", (), 2),
    ("The file is 6.2 MB and the limit is 5 MB; keep fewer rows.", (), 1),  # decimals
    ("Keep the columns you need, e.g. the ones you plot.", (), 1),  # an abbreviation
    ("Its columns: 'a', 'b', … and the models need two.", (), 1),  # an ellipsis
    ("Rows 1, 2, ... and 9 are left out.", (), 1),
    ("Column 'a. B' holds the same value.", ("a. B",), 1),  # a learner's name with a period: not a sentence end
    ('Column "it\'s. Done" holds text.', ("it's. Done",), 1),  # repr's double quotes
    ("my.data. V2.csv cannot be used: The file is empty.", ("my.data. V2.csv",), 1),  # a bare file name
    ("Column 'x. Y' is fine. But this is a second sentence.", ("x. Y",), 2),
    ("Column '\\x0c. Z' holds text.", (), 1),  # a quoted part of a name nobody listed
    ("Check that line's commas. Then upload it again.", (), 2),  # an apostrophe opens no quote
    ("The data ends here. A new sentence starts.", ("a",), 2),  # a short name inside words masks nothing
]


@pytest.mark.parametrize(("text", "learner", "count"), COUNTS)
def test_sentences_are_counted(text: str, learner: tuple[str, ...], count: int) -> None:
    assert sentences(text, learner) == count


def test_the_apps_own_words_are_searched_without_the_learners() -> None:
    message = "Column 'nan' holds a value as large as 1e+200, whose square does not fit."
    assert UNWANTED.search(message)  # "nan" is an unwanted word...
    assert not UNWANTED.search(without_learner_text(message, ["nan"]))  # ...unless it is the learner's name
    assert UNWANTED.search("Error tokenizing data. C error: Expected 2 fields in line 3, saw 4")
    assert UNWANTED.search(without_learner_text("the numeric columns are ['a', 'b']", ["a", "b"]))
