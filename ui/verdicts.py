"""A verdict on screen: a box by its tone and an icon by its kind, so colour is never the only signal."""

from __future__ import annotations

import streamlit as st

from gdcore.narrate import Verdict
from ui import literal

BOXES = {"good": st.success, "caution": st.info, "bad": st.error}
ICONS = {"good": ":material/check_circle:", "caution": ":material/info:", "bad": ":material/error:"}
# Kinds whose own icon says more than their tone's.
KIND_ICONS = {
    "vanishing": ":material/trending_down:",
    "stalling": ":material/trending_flat:",
    "crawling": ":material/trending_flat:",
    "exploding": ":material/trending_up:",
    "diverging": ":material/trending_up:",
    "blowing up": ":material/trending_up:",
    "oscillating": ":material/swap_vert:",
    "dead": ":material/block:",
    "stuck": ":material/block:",
}


def say(verdict: Verdict, lead: str = "") -> None:
    """Show a verdict from gdcore.narrate in its box, after `lead` (e.g. "Where these 40 epochs go: "); the
    sentence is plain text that may name a learner's columns, shown literally."""
    BOXES[verdict.tone](lead + literal.md(verdict.sentence), icon=KIND_ICONS.get(verdict.kind, ICONS[verdict.tone]))
