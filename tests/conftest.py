"""Settings for the whole suite: hypothesis draws the same examples on every run and keeps no database, so a run
is deterministic and writes nothing into the checkout (tests/stress_uploads.py is where new examples are explored)."""

from hypothesis import settings

settings.register_profile("suite", derandomize=True, database=None)
settings.load_profile("suite")
