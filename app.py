"""Gradient descent, every number shown: the router. Run with `streamlit run app.py`."""

import importlib
import sys

import streamlit as st

from gdcore import lesson
from ui import present, router, uploads

st.set_page_config(page_title="Gradient descent, step by step", page_icon="⛷️", layout="wide")
if "ui.startup" not in sys.modules:  # the process's first run: say so before the heavy imports
    loading = st.empty()
    loading.info("Loading the lesson: the first visit after a start takes a few seconds.", icon=":material/hourglass:")
    importlib.import_module("ui.startup")  # once per process: numpy, pandas, plotly, scikit-learn, then gc.freeze()
    loading.empty()

# The lesson's pages, in order (gdcore/lesson.py: each one's number, title and link path come from that list).
pages = [st.Page(p.script, title=lesson.title(p.path), icon=p.icon, default=p.number == 1) for p in lesson.PAGES]

with st.sidebar:
    st.caption(
        "Predict a house's price from its bedrooms, measure how wrong the guess is, and walk "
        "downhill on that error, one epoch at a time, with every number shown. "
        "The address bar always holds your settings: copy it to share exactly this view."
    )

present.seed()  # presenter mode, from the link on a session's first run
present.switch()
uploads.sidebar()  # a learner's own CSV, for the pages that can run on it

# A wide equation wraps on a phone after an "=" or an operator (KaTeX splits it there into boxes), instead
# of being cut off at the screen's edge; a single box wider than the screen still scrolls sideways. KaTeX
# lets a subscript at the end of a line stick out 2 px (its .vlist-s): the right padding keeps that inside,
# or an equation filling its line would scroll by 2 px, a scrolling box a keyboard cannot reach (axe's
# scrollable-region-focusable).
#
# Streamlit writes some text in the primary colour: a slider's value, the chosen option of a segmented
# control, a button's label under the pointer. The blue (.streamlit/config.toml) is 5.2:1 on white but 3.5:1
# on the dark theme's background, and no blue keeps both white text on a button and blue text on the dark
# page at 4.5:1: on the dark theme that text takes the charts' sky blue (7.8:1). light-dark() picks by the
# color-scheme Streamlit sets on the app for its theme, so the settings menu's choice counts too.
#
# Streamlit's plotly theme writes axis numbers and titles in #808495 on the light theme, 3.7:1 on white: they
# take a darker grey there (7.1:1), and Streamlit's own #E6EAF1 on the dark theme.
st.html(
    """<style>
.katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 4px; }
.katex-display > .katex, .katex-display > .katex > .katex-html { white-space: normal; }
.katex-display > .katex { padding-right: 2px; }
.katex-display .base { margin: 2px 0; }
[data-testid="stSliderThumbValue"],
[data-variant][data-selected],
[data-testid="stBaseButton-secondary"]:is(:hover, :focus-visible),
[data-testid="stBaseButton-tertiary"]:is(:hover, :focus-visible) {
  color: light-dark(#0072B2, #56B4E9) !important;
}
.js-plotly-plot :is(.xtick, .ytick, .g-xtitle, .g-ytitle, .cbaxis, .cbtitle) text {
  fill: light-dark(#555867, #E6EAF1) !important;
}
</style>"""
)
page = st.navigation(pages, position="top" if present.active() else "sidebar")  # presenting: no sidebar
present.style()
# A new visit to a page (first run, or arriving from another page) re-seeds its widgets: see ui/state.py.
st.session_state["_new_visit"] = st.session_state.get("_last_page") != page.url_path
st.session_state["_last_page"] = page.url_path
with router.routed():
    page.run()
