"""Presenter mode at a projector's 1024x768, predict-then-reveal, and a copied link opening the same view.

What a room sees: after each press of the big Next button (or a clicker's Page Down), the step's
sentence and its update equations sit on screen, above the fold and uncut; a learner's link, opened
in another browser (another session), shows the same page, word for word and number for number.
"""

from __future__ import annotations

import re
import time

from conftest import BUDGET, new_page, settle
from test_browser import NAN_OR_INF, query

from gdcore import lesson

TITLE = lesson.title("descent")


def within_screen(page, locator) -> bool:
    """The element is drawn whole inside the window: nothing below the fold, nothing cut at the edges."""
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size["width"] + 0.5
        and (box["y"] + box["height"] <= size["height"] + 0.5)
    )


def test_presenter_mode_at_1024x768_keeps_the_step_above_the_fold(page, app_url: str) -> None:
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(app_url + "/descent?present=1")
    settle(page, TITLE)
    page.get_by_role("button", name="Leave presenter mode").wait_for()
    page.locator('[data-testid="stSidebar"]').wait_for(state="hidden")  # the controls are tucked away
    next_button = page.locator(".gd .stepper").get_by_role("button", name="Next epoch", exact=True)
    assert next_button.bounding_box()["height"] >= 56  # the one big button
    for epoch, press in ((1, lambda: next_button.click()), (2, lambda: page.keyboard.press("PageDown"))):
        press()  # a click, then a presenter's clicker (it sends Page Down)
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('epoch') === '{epoch}'")
        settle(page, TITLE)
        assert query(page)["present"] == ["1"]
        sentence = page.get_by_text(re.compile(rf"^Epoch {epoch}: the slope (rose|fell) from"))
        assert within_screen(page, sentence), f"epoch {epoch}: the step's sentence is below the fold or cut"
        for i in range(2):  # the slope's and the intercept's update, with this step's numbers
            equation = page.locator('[data-testid="stMain"] .katex-display').nth(i)
            assert within_screen(page, equation), f"epoch {epoch}: update equation {i + 1} is below the fold or cut"
            assert equation.evaluate("e => e.scrollWidth <= e.clientWidth + 1")  # not cut on the right either
    text = page.locator("body").inner_text()
    assert not NAN_OR_INF.findall(text) and "Traceback" not in text
    assert not page.js_errors, page.js_errors


def test_predict_then_reveal_and_a_copied_link_opens_the_same_view_elsewhere(page, browser, app_url: str) -> None:
    page.goto(app_url + "/descent?lr=0.3&epochs=12&opt=momentum")
    settle(page, TITLE)
    page.get_by_role("button", name="Next epoch", exact=True).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('epoch') === '1'")
    settle(page, TITLE)
    page.get_by_text("Predict, then reveal").click()
    box = page.get_by_label("Your prediction: the slope after epoch 2")
    box.fill("0.5")
    box.press("Enter")
    settle(page, TITLE)  # the prediction has reached the server (Enter reruns the page) before Reveal is pressed
    page.get_by_role("button", name="Reveal").click()
    revealed = page.get_by_text(re.compile(r"^After epoch 2 the slope is −?[\d.,]+\. "))
    revealed.wait_for()  # read once the rerun has drawn it
    settle(page, TITLE)
    assert "You were off by" in revealed.inner_text(), revealed.inner_text()  # the prediction was not lost

    link = page.evaluate("() => location.href")
    copy = new_page(browser)  # another learner, another session
    try:
        copy.goto(link)
        settle(copy, TITLE)
        page.get_by_text("Predict, then reveal").click()  # close the box the first learner opened
        settle(page, TITLE)

        def view(p) -> str:
            """The page's words and numbers but the prediction box (what the first learner typed is theirs), which
            sits above the stepper."""
            before, _, rest = p.locator('[data-testid="stMain"]').inner_text().partition("Predict, then reveal")
            main = before + rest[rest.index("Previous epoch") :]
            return "\n".join(line for line in main.splitlines() if not re.fullmatch(r"[a-z_]+", line))  # no icons

        # Both pages have finished running, but an element can still be on its way to the screen (a button drawn
        # a moment late on a busy machine): compare until they agree, then show the difference.
        deadline = time.monotonic() + BUDGET
        while (theirs := view(copy)) != (mine := view(page)) and time.monotonic() < deadline:
            time.sleep(0.25)
        assert "Epoch 1: the slope" in theirs and theirs == mine
        assert copy.evaluate("() => location.search") == page.evaluate("() => location.search")
    finally:
        copy.context.close()
