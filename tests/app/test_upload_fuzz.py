"""Generated uploads through the pages (AppTest, hypothesis): numbers from 1e-320 to 1.8e308, hostile names and
broken files, each on one of the pages that run on an upload; upload_fuzz.py says what must hold. A few dozen
here, the same every run (derandomized); `python tests/stress_uploads.py` tries 500 or more."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from upload_fuzz import PAGES, files, try_upload

from tests.strategies import HOSTILE_NAMES

pytestmark = pytest.mark.slow  # hypothesis: two dozen uploads, an AppTest run each: run by .ci/run after the suite

FILE_NAMES = st.sampled_from(("data.csv", "[f](http://example.com/f) **f**.csv", "_x_ `y` <b>z</b>.csv"))


@settings(
    max_examples=24,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: each example takes seconds; the report shows it
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    page=st.sampled_from(sorted(PAGES)),
    generated=files(rows=30, width=5),
    name=FILE_NAMES,
)
def test_a_generated_upload_never_breaks_a_page_nor_renders_its_names(page, generated, name) -> None:
    outcome, problems = try_upload(page, generated, name)
    assert not problems, (page, outcome, generated.breaks, generated.data[:300], problems[:5])


def test_the_hostile_names_are_among_what_is_generated() -> None:
    """The suite's few dozen files include markup names, so the literal check above has something to find."""
    assert any(name.startswith("[") for name in HOSTILE_NAMES) and "**bold**" in HOSTILE_NAMES
