"""The epoch view typesets with the KaTeX in static/katex, and Streamlit's pages carry the style sheet of the KaTeX
that st.latex typesets with (inside its rehype-katex chunk). Both must be one version: another version's class
names (0.18's katex-sizing, say) miss that style sheet, and subscripts and exponents come out full size."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

REPO = Path(__file__).resolve().parents[2]
STREAMLIT_JS = Path(st.__file__).parent / "static" / "static" / "js"


def test_the_views_katex_is_the_version_streamlit_styles() -> None:
    (ours,) = set(re.findall(r'version:"(\d+\.\d+\.\d+)"', (REPO / "static/katex/katex.min.js").read_text("utf-8")))
    (chunk,) = STREAMLIT_JS.glob("rehype-katex.*.js")
    (theirs,) = set(re.findall(r"version:`(\d+\.\d+\.\d+)`", chunk.read_text("utf-8")))
    assert ours == theirs
