"""A phone, 390 px wide: after a Next epoch click, page 3's update equations and the ledger's key columns are whole.

Equations wrap after "=" and the operators (app.py's KaTeX rule) instead of running off the right
edge; the ledger puts epoch, parameter, current, gradient and new first and narrow (ui/tables.py).
"""

from __future__ import annotations

from conftest import new_page, settle
from test_browser import assert_clean

from gdcore import lesson

TITLE = lesson.title("descent")
PHONE = {"width": 390, "height": 844}
KEY_COLUMNS = ["epoch", "parameter", "current", "gradient", "new"]


def test_a_phone_shows_the_update_equation_and_the_ledgers_key_columns_uncut(browser, app_url: str) -> None:
    page = new_page(browser, viewport=PHONE)
    try:
        page.goto(app_url + "/descent")
        settle(page, TITLE)
        page.get_by_role("button", name="Next epoch", exact=True).first.click()
        page.wait_for_function("() => new URLSearchParams(location.search).get('epoch') === '1'")
        settle(page, TITLE)
        assert_clean(page, TITLE)
        updates = page.locator('[data-testid="stMain"] .katex-display', has_text="←")  # slope ← ..., intercept ← ...
        assert updates.count() == 2
        for i in range(2):
            box = updates.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (i, box)
            width, seen = updates.nth(i).evaluate("e => [e.scrollWidth, e.clientWidth]")
            assert width <= seen + 1, f"update equation {i + 1} is {width} px wide in {seen} px: cut off"
        ledger = page.locator(".gd .ledger .table")  # drawn by the epoch view (ui/stepper.js)
        box = ledger.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        headers = ledger.locator("th")
        assert headers.all_inner_texts()[:5] == KEY_COLUMNS
        new = headers.nth(4).bounding_box()  # "new" ends inside the screen, unscrolled: the key columns are whole
        assert new["x"] >= 0 and new["x"] + new["width"] <= PHONE["width"], new
    finally:
        page.context.close()
