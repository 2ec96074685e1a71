"""Generated uploads (tests/strategies.py) against gdcore: whatever the bytes, read_upload returns an Upload or
refuses in one sentence of the learner's words; whatever columns of an accepted upload a learner picks, the column
check refuses in one sentence or every model the pages run on them gives finite numbers (tests/pages_compute.py),
or says its run diverged.

Deterministic: each test draws the same examples every run (derandomize, no example database).
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings

from gdcore.data import DataError
from gdcore.upload import problem_with_columns, problem_with_inputs, read_upload
from tests.pages_compute import line_pages, network_pages
from tests.strategies import RUNNABLE, UNWANTED, Generated, sentences, uploads, without_learner_text

FILE = "my data.v2.csv"  # a file name with periods in it, as learners' files have
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]  # each example runs many models: slow by design
SETTINGS = settings(derandomize=True, database=None, deadline=None, suppress_health_check=SLOW)


def assert_one_sentence(message: str, learner) -> None:
    """One sentence, ending in a period, with no word of pandas, C or Python outside the learner's own words."""
    assert sentences(message, learner) == 1, message
    assert message.endswith("."), message
    found = UNWANTED.search(without_learner_text(message, learner))
    assert not found, (found.group(), message)


@settings(SETTINGS, max_examples=60)
@given(uploads())
def test_any_file_is_read_or_refused_in_one_sentence(file: Generated) -> None:
    try:
        upload = read_upload(file.data, FILE)
    except DataError as refused:
        assert_one_sentence(str(refused), [*file.learner_text, FILE])
        return
    assert len(upload.frame) >= 2 and len(upload.frame.columns) >= 2
    assert len(set(upload.frame.columns)) == len(upload.frame.columns)  # a repeated name is made unique
    learner = [*file.learner_text, *upload.frame.columns, FILE]
    for note in upload.notes:
        assert_one_sentence(note, learner)


def accepted(file: Generated):
    """The upload, or None if the file is refused (the test above checks the refusal)."""
    try:
        return read_upload(file.data, FILE)
    except DataError:
        return None


@settings(SETTINGS, max_examples=30)
@given(uploads(broken=False, rows=(2, 9), width=(2, 3), exponents=(-155, 149), edges=RUNNABLE))  # mostly run
def test_any_two_columns_run_every_line_page_or_are_refused_in_one_sentence(file: Generated) -> None:
    upload = accepted(file)
    if upload is None:
        return
    for x, y in itertools.islice(itertools.permutations(upload.frame.columns, 2), 2):
        problem = problem_with_columns(upload.frame, x, y)
        if problem:
            assert_one_sentence(problem, [*upload.frame.columns, *file.learner_text])
        else:
            line_pages(upload.frame, x, y)


@settings(SETTINGS, max_examples=20)
@given(uploads(broken=False, rows=(2, 9), width=(4, 5), exponents=(-155, 149), edges=RUNNABLE))
def test_any_four_columns_run_the_network_and_the_chain_or_are_refused_in_one_sentence(file: Generated) -> None:
    upload = accepted(file)
    if upload is None:
        return
    columns = list(upload.frame.columns)
    if len(columns) < 4:
        return
    *inputs, y = columns[:4]
    problem = problem_with_inputs(upload.frame, tuple(inputs), y)
    if problem:
        assert_one_sentence(problem, [*columns, *file.learner_text])
    else:
        network_pages(upload.frame, tuple(inputs), y)
