"""Make sure every page runs through app.py's router, even on the first visit after a start."""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager


def ensure_router() -> None:
    """Rerun through app.py if Streamlit ran this page script on its own.

    With a folder named pages/ beside app.py, Streamlit 1.67 starts in its old multipage mode: the
    first session after a server start that opens a page's own address (a shared link to
    /descent, say) runs that script alone, with a menu built from file names and no router.
    The mode ends the first time app.py calls st.navigation; this ends it at once and reruns,
    so that session gets the real menu, layout and sidebar too.
    """
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
