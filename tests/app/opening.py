"""Opening a page of the app the way a learner's first visit does, for AppTest: through the router, with a link."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")  # AppTest resolves a relative path against this file


def open_page(script: str, **params: str) -> AppTest:
    """Run the app through its router on the page script `script`, with `params` in the link, as a first visit."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(script)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()
