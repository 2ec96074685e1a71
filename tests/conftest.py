"""Settings for the whole suite: hypothesis draws the same examples on every run and keeps no database, so a run
is deterministic and writes nothing into the checkout (tests/stress_uploads.py is where new examples are explored).

Each new AppTest scans every installed package's metadata for Streamlit components (about 0.35 s, and the suite
makes hundreds of them): the packages do not change while the suite runs, so each worker scans once."""

import functools

from hypothesis import settings
from streamlit.components.v2 import manifest_scanner

settings.register_profile("suite", derandomize=True, database=None)
settings.load_profile("suite")

manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
