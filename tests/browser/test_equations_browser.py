"""The epoch view's equations are typeset like st.latex's: subscripts and exponents small and off the line.

The view typesets in the browser with static/katex, against the KaTeX style sheet Streamlit's page carries; a
KaTeX of another version names its classes otherwise (0.18: katex-sizing), misses that sheet, and draws β₁ as β1
and g² with a full-size 2.
"""

from __future__ import annotations

from conftest import new_page, settle
from test_browser import assert_clean

from gdcore import lesson

TITLE = lesson.title("descent")


def test_the_step_equations_subscripts_and_exponents_are_small_and_raised(browser, app_url: str) -> None:
    page = new_page(browser, viewport={"width": 1400, "height": 1000})
    try:
        page.goto(app_url + "/descent?opt=adam&epoch=3")
        settle(page, TITLE)
        assert_clean(page, TITLE)
        page.wait_for_selector(".gd .tex .katex .msupsub")
        scripts = page.evaluate(
            """() => [...document.querySelectorAll('.gd .tex .katex .msupsub')].map((script) => {
                 const base = script.previousElementSibling, katex = script.closest('.katex');
                 const size = (e) => parseFloat(getComputedStyle(e).fontSize);
                 const text = [...script.querySelectorAll('.mord')].find((e) => !e.querySelector('.mord')) || script;
                 return {text: script.textContent, ratio: size(text) / size(katex),
                         shift: base ? text.getBoundingClientRect().bottom - base.getBoundingClientRect().bottom : 0};
               })"""
        )
        assert len(scripts) > 10, scripts  # β₁, β₂, g², the step's s, on every line of Adam's step
        for script in scripts:
            assert script["ratio"] < 0.8, script  # KaTeX draws a script at 0.7 of the text (0.5 in a script)
            assert abs(script["shift"]) > 1, script  # above the line (an exponent) or below it (a subscript)
        foreign = page.evaluate("() => document.querySelectorAll('.gd .tex [class*=\"katex-sizing\"]').length")
        assert foreign == 0
    finally:
        page.context.close()
