"""Make sure every page runs through app.py's router, even on the first visits after a start."""

import contextlib
import threading
from pathlib import Path

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

APP = Path(__file__).resolve().parents[1] / "app.py"
_here = threading.local()  # each script run has its own thread


@contextlib.contextmanager
def routed():
    """app.py runs the chosen page inside this, so the page knows the router ran first."""
    _here.routed = True
    try:
        yield
    finally:
        _here.routed = False


def ensure_router() -> None:
    """Rerun through app.py if Streamlit ran this page script on its own.

    With a folder named pages/ beside app.py, Streamlit 1.67 starts in its old multipage mode: a
    session that opens a page's own address (a shared link to /descent, say) before app.py has
    called st.navigation once runs that script alone, with a menu built from file names and no
    router (no sidebar text, no layout, and no record of which page the learner is on, so the next
    change in the sidebar is taken for a new visit and undone). Several learners opening the link
    in the first seconds after a start all land here, not only the first: so the test is made per
    run (did app.py run this page?), not on the mode's flag, which the first of them turns off.
    Tests that run a page file on its own (AppTest) have no app.py above them and are left alone.
    """
    ctx = get_script_run_ctx()
    if getattr(_here, "routed", False) or ctx is None or Path(ctx.main_script_path).resolve() != APP:
        return
    PagesManager.uses_pages_directory = False
    st.rerun()
