"""Accessibility in Chromium: axe-core's WCAG 2.1 A and AA rules find nothing on any page, in the light theme or
the dark one, and a browser that prefers dark gets the dark theme (.streamlit/config.toml's [theme.light] and
[theme.dark]).

The pages are visited once, by the menu, in a browser that prefers dark: each is checked in the dark theme, then
again after the preference turns light (Streamlit follows the change in place, as when a learner's system
switches at dusk), then the preference goes back to dark. Opening each page twice cost the suite 30 s more.

axe-core comes with axe-playwright-python (pinned in requirements-dev.txt; the wheel ships axe-core's
axe.min.js, 4.12.1 in 0.1.8). No rule is switched off and no element is left out. Charts drawn on a canvas
(ECharts) are pictures to axe: their colours are checked by looking at the screenshots in both themes.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from conftest import new_page, pick_option, settle, wait_until, whole_page
from test_browser import PAGES, TITLE, assert_clean

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]  # axe's tags for the WCAG 2.0 and 2.1 A and AA rules
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}


def violations(page) -> list[str]:
    """axe's findings on the page as it stands, one line per element: the rule, the element, and for contrast
    the two colours, the ratio found and the ratio needed. The window grows to the whole page first: axe
    checks the contrast of text in view only."""
    with whole_page(page):
        results = Axe().run(page, options=AXE_OPTIONS).response
    found = []
    for rule in results["violations"]:
        for node in rule["nodes"]:
            line = f"{rule['id']} ({rule['impact']}): {' '.join(map(str, node['target']))}"
            data = next((check["data"] for check in node["any"] if isinstance(check.get("data"), dict)), {})
            if "contrastRatio" in data:
                line += (
                    f": {data['fgColor']} on {data['bgColor']} is {data['contrastRatio']}:1,"
                    f" {data['expectedContrastRatio']} needed ({data['fontSize']}, {data['fontWeight']})"
                )
            found.append(f"{line}\n    {node['html'][:160]}")
    return found


def rgb(css_color: str) -> list[float]:
    """The channels of a computed colour, "rgb(23, 22, 20)", from 0 to 255."""
    return [float(c) for c in re.findall(r"[\d.]+", css_color)[:3]]


def luminance(channels: list[float]) -> float:
    """WCAG's relative luminance: 0 for black, 1 for white."""
    r, g, b = (c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


# Each caption's text colour, the product of its opacities (Streamlit draws a caption as the text colour at 60%)
# and the first background behind it.
CAPTIONS = """() => [...document.querySelectorAll('[data-testid="stCaptionContainer"]')].map((caption) => {
    let opacity = 1, background = null;
    for (let e = caption; e; e = e.parentElement) {
        const style = getComputedStyle(e);
        opacity *= Number(style.opacity);
        if (!background && style.backgroundColor !== "rgba(0, 0, 0, 0)") background = style.backgroundColor;
    }
    return {text: caption.innerText.slice(0, 50), color: getComputedStyle(caption).color, opacity, background};
})"""


def low_contrast_captions(page) -> list[str]:
    """Captions under 4.5:1, worked out here from the computed colours. axe leaves the sidebar's caption
    "incomplete" (it cannot tell what is behind the sidebar's text), and that caption was the one at 3.8:1."""
    found = []
    for caption in page.evaluate(CAPTIONS):
        alpha, back = caption["opacity"], rgb(caption["background"])
        seen = [alpha * f + (1 - alpha) * b for f, b in zip(rgb(caption["color"]), back)]  # as the browser blends
        high, low = sorted([luminance(seen), luminance(back)], reverse=True)
        ratio = (high + 0.05) / (low + 0.05)
        if ratio < 4.5:
            found.append(f"caption {caption['text']!r}: {ratio:.2f}:1 ({caption['color']} at {alpha:g} on {back})")
    return found


def theme(page) -> str:
    """ "dark" when the app's and the sidebar's computed backgrounds are both dark, "light" when both are light."""
    shades = set()
    for element in ("stApp", "stSidebar"):
        color = page.get_by_test_id(element).evaluate("e => getComputedStyle(e).backgroundColor")
        shades.add("dark" if luminance(rgb(color)) < 0.05 else "light")  # #171614, #21201D: 0.008, 0.015; #F8F8F7 0.94
    return shades.pop() if len(shades) == 1 else f"mixed: {sorted(shades)}"


def in_each_theme(page, where: str) -> list[str]:
    """axe's findings and the low-contrast captions on the page as it stands, in the dark theme (the browser's
    preference when it opened the page: the page must already be dark) and then in the light one (the preference
    changed, the page must follow within the budget), each line naming where and the theme; the preference goes
    back to dark for the next page."""
    found = []
    for scheme in ("dark", "light"):
        page.emulate_media(color_scheme=scheme)
        wait_until(lambda: theme(page), lambda shown, scheme=scheme: shown == scheme, f"{where}'s theme ({scheme})")
        found += [f"{where} ({scheme}): {line}" for line in violations(page) + low_contrast_captions(page)]
    page.emulate_media(color_scheme="dark")
    return found


# Every page twice (both themes) with axe: 80 s, the suite's longest test. Run by .ci/run after the suite.
@pytest.mark.slow
def test_every_page_by_the_menu_is_clean_local_and_passes_axe_in_both_themes(browser, app_url: str) -> None:
    """A learner's walk through the ten pages by the sidebar's menu, and back to the first: each page clean (no
    exception, NaN or JavaScript error, the real menu), nothing fetched from outside this machine (the page icon
    once made the browser ask Google's font server for a picture), and axe finding nothing in either theme. The
    app opens dark in a browser that prefers dark."""
    page = new_page(browser, color_scheme="dark")
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((app_url, "data:", "blob:")) else None)
    try:
        page.goto(app_url)
        settle(page, PAGES[0][0])
        assert theme(page) == "dark", f"the app opened {theme(page)} in a browser that prefers dark"
        found = []
        for title, path in PAGES[1:] + PAGES[:1]:
            page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
            page.wait_for_url(re.compile(re.escape(app_url + path) + r"(\?.*)?$"))
            settle(page, title)
            assert_clean(page, title)
            found += in_each_theme(page, title)
        assert not found, f"{len(found)} accessibility violations:\n" + "\n".join(found)
        assert not outside, f"requests that left this machine: {sorted(set(outside))}"
    finally:
        page.context.close()


def test_an_upload_and_the_advanced_section_pass_axe(browser, app_url: str) -> None:
    """Page 3 with more on screen: a learner's CSV (with a row left out, so its note shows), the Advanced section
    open with Adam picked (its hyperparameters' sliders), and one epoch taken (the ledger and the update)."""
    title = TITLE["/descent"]
    page = new_page(browser, color_scheme="dark")
    try:
        page.goto(app_url + "/descent")
        settle(page, title)
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Your own data (CSV)").click()
        rows = "\n".join(f"{i},{3 * i + 2 + (-1) ** i}" for i in range(1, 13))
        sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            files=[{"name": "plants.csv", "mimeType": "text/csv", "buffer": f"sun,height\n{rows}\n13,\n".encode()}]
        )
        page.wait_for_function("() => location.search.includes('data=upload-')")
        settle(page, title)
        sidebar.get_by_text("Advanced: optimizer, schedule, batches").click()
        picker = sidebar.get_by_test_id("stSelectbox").filter(has_text="Optimizer").locator("input")
        pick_option(page, picker, "Adam", "Adam: momentum and a brake")
        page.wait_for_function("() => location.search.includes('opt=adam')")
        settle(page, title)
        page.get_by_role("button", name="Next epoch", exact=True).click()
        page.wait_for_function("() => location.search.includes('epoch=1')")
        settle(page, title)
        assert_clean(page, title)
        assert sidebar.get_by_text("Adam's β2").count() == 1 and "sun" in page.get_by_test_id("stMain").inner_text()
        found = in_each_theme(page, "page 3 with an upload and Adam")
        assert not found, f"{len(found)} accessibility violations:\n" + "\n".join(found)
    finally:
        page.context.close()
