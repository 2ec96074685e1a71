"""Presenter mode: the page as a projector at 1024x768 needs it.

Larger type and charts, the sidebar's controls tucked away (the pages are reached from a menu at the
top), one big Next button that a presenter's clicker also presses (Page Down / Page Up, or the arrow
keys), and on the stepping pages the step's sentence and equations right under the buttons, above
the fold. It is a setting of the session, not of one page: it stays on across pages, and every link
carries it as `present=1` (written by ui.state.publish, like every other link value).
"""

from __future__ import annotations

import contextlib

import streamlit as st

from gdcore.config import shown

KEY = "present"  # the session key of the switch, and the link's key
FONT = 20  # pixels: the base font size on a projector (16 otherwise)

# The sidebar (its controls and its menu) is hidden; the menu is at the top and a button leaves the mode.
CSS = f"""<style>
html {{ font-size: {FONT}px; }}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] {{
  display: none !important;
}}
.stMainBlockContainer {{ padding-top: 3.5rem; padding-left: 1.5rem; padding-right: 1.5rem; max-width: 100%; }}
h1 {{ font-size: 1.8rem !important; padding-top: 0 !important; }}
.katex {{ font-size: 1.25em; }}
</style>"""


def seed() -> None:
    """The switch from the link (`present=1`) on a session's first run; a page switch keeps the session's."""
    if KEY not in st.session_state:
        raw = st.query_params.get(KEY)
        st.session_state[KEY] = raw == "1"
        if raw not in (None, "0", "1"):
            st.session_state[f"{KEY}:note"] = (
                f"The link's {KEY}={shown(raw)} was ignored (1 turns presenter mode on, 0 off): presenter mode is off."
            )


def active() -> bool:
    return bool(st.session_state.get(KEY, False))


def switch() -> None:
    """The switch, in the sidebar; in presenter mode the sidebar is hidden and `leave_button` turns it off."""
    st.sidebar.toggle(
        "Presenter mode",
        key=KEY,
        help="For a projector: larger type and charts, the controls tucked away, one big Next button (a clicker's "
        "Page Down works too), and the step's equations at the top. The link keeps it on.",
    )


def _leave() -> None:
    st.session_state[KEY] = False


def style() -> None:
    """In presenter mode: the larger type, and a button back to the usual view (the sidebar is hidden)."""
    note = st.session_state.pop(f"{KEY}:note", None)
    if note:
        st.warning(note, icon=":material/link_off:")
    if not active():
        return
    st.html(CSS)
    st.button("Leave presenter mode", on_click=_leave, icon=":material/close_fullscreen:", key="present:leave")


def chart_text(spec: dict) -> dict:
    """An ECharts option with its axis, legend and label text large enough for the back of the room."""
    if not active():
        return spec
    big, grow = {"fontSize": 16}, 16 / 12  # ECharts writes its labels at 12 px
    spec = dict(spec)
    for part in ("xAxis", "yAxis"):
        if isinstance(spec.get(part), dict):
            axis = dict(spec[part])
            axis["axisLabel"] = {**axis.get("axisLabel", {}), **big}
            axis["nameTextStyle"] = {**axis.get("nameTextStyle", {}), **big}
            axis["nameGap"] = round(axis.get("nameGap", 20) * grow)
            spec[part] = axis
    if isinstance(spec.get("grid"), dict):
        spec["grid"] = {side: round(v * grow) if isinstance(v, int | float) else v for side, v in spec["grid"].items()}
    if isinstance(spec.get("legend"), dict):
        spec["legend"] = {**spec["legend"], "textStyle": {**spec["legend"].get("textStyle", {}), **big}}
    return spec


def stage():
    """Called right after a page's title: in presenter mode, a container where the page then draws its stepper
    (`with stage: stepper.stepper(...)`), so the big button and the step sit at the top; otherwise a no-op, and
    the stepper stays where the page calls it, after the explanations."""
    return st.container() if active() else contextlib.nullcontext()
