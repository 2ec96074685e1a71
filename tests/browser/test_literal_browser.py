"""A learner's file whose column names are markdown and HTML, with a file name in markdown, on every page that
shows them, in Chromium: no link, bold, italics, code, strikethrough, picture, heading or list comes from a name
(the pages' own bold around a name is theirs, and holds the whole name), nothing links to the names' address,
the names read on screen as typed, plotly's SVG text too (its axis titles carry the literal name), and no
JavaScript error. ECharts draws on a canvas: tests/app/test_literal_pages.py checks what it is given."""

from __future__ import annotations

import re

import pytest
from test_browser import assert_clean, settle

from gdcore import lesson
from ui.uploads import LINE_PAGES, WIDE_PAGES

pytestmark = pytest.mark.slow  # an upload on every page, like the upload fuzzer: run by .ci/run after the suite

NAMES = (  # the line's x and y are the first and the last; the network's inputs the first three
    "[alpha](http://example.com/alpha) <i>a</i> %{x}",
    "**bravo** <b>b</b>",
    "`charlie` ~~del~~ $x$",
    "_delta_ :smile: www.example.com <b>d</b> $5 {c}",
)
TEXT_COLUMN = "# echo <a href=http://example.com/e>e</a>"  # words: set aside, and named in a note
FILE = "[foxtrot](http://example.com/f) **f**.csv"
MARKERS = dict(zip(("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"), (*NAMES, TEXT_COLUMN, FILE)))
CSV = (
    ",".join((*NAMES, TEXT_COLUMN))
    + "\n"
    + "".join(f"{1 + i % 7},{2 + (i * 3) % 5},{(i * i) % 11},{3 + i % 4 + i / 9:.3f},w{i}\n" for i in range(30))
)
LINE, ALL = (NAMES[0], NAMES[3]), NAMES
SHOWN = {"optimizers": LINE + (FILE,)} | {path: ALL for path in WIDE_PAGES}  # the names each page's main part shows
PAGES = [  # title, address, the names its main part shows: every page that runs on an upload
    (lesson.title(p.path), f"/{p.path}", SHOWN.get(p.path, LINE))
    for p in lesson.PAGES
    if p.path in LINE_PAGES + WIDE_PAGES
]
MARKUP = "a, strong, b, em, i, code, del, s, img, h1, h2, h3, h4, h5, h6, li, blockquote, .katex"
JOIN = "\u2060"  # ui.literal's word joiner, which a reader does not see


def markup(page) -> list[dict]:
    """Every element of MARKUP on the page (the plotly charts' SVG included; not st.code's blocks, which show
    the script and the command line as code): its tag, text, link and picture."""
    return page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)].filter(e => !e.closest('[data-testid=stCode]'))
          .map(e => ({
            tag: e.tagName.toLowerCase(), text: e.textContent || '',
            href: e.getAttribute('href') || e.getAttribute('xlink:href') || '', alt: e.getAttribute('alt') || ''}))""",
        MARKUP,
    )


def seen(text: str) -> str:
    return " ".join(text.replace(JOIN, "").split())


def assert_literal(page, title: str, names: tuple[str, ...]) -> None:
    assert_clean(page, title)
    wrong = []
    for element in markup(page):
        text = seen(element["text"])
        inside = [name for marker, name in MARKERS.items() if marker in text + element["alt"] + element["href"]]
        if inside and not (element["tag"] in ("strong", "b", "em") and all(name in text for name in inside)):
            wrong.append(element)
    assert not wrong, (title, wrong)
    links = page.evaluate("() => [...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '')")
    assert not [href for href in links if "example.com" in href], (title, links)
    main = seen(page.locator('[data-testid="stMain"]').inner_text())
    assert [name for name in names if name not in main] == [], (title, main[:2000])
    sidebar = seen(page.locator('[data-testid="stSidebar"]').inner_text())
    assert FILE in sidebar and TEXT_COLUMN in sidebar, sidebar[:2000]
    svg = [seen(text) for text in page.locator('[data-testid="stPlotlyChart"] svg text').all_text_contents()]
    for text in svg:  # a title that names a column carries the whole name, tags and all
        found = [marker for marker in MARKERS if marker in text]
        assert all(MARKERS[marker] in text for marker in found), (title, text)


def test_names_made_of_markdown_and_html_show_as_typed_on_every_page(page, app_url: str) -> None:
    page.goto(app_url + "/descent")
    settle(page, lesson.title("descent"))
    page.get_by_text("Your own data (CSV)").click()
    page.locator('[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": FILE, "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.wait_for_function("() => location.search.includes('data=upload-')")
    settle(page, lesson.title("descent"))
    svg_titles = []
    for title, path, names in PAGES:
        page.locator('[data-testid="stSidebarNav"] a', has_text=title).click()
        page.wait_for_url(re.compile(re.escape(app_url + path) + r"\?.*data=upload-"))
        settle(page, title)
        assert_literal(page, title, names)
        svg_titles += page.locator('[data-testid="stPlotlyChart"] svg text').all_text_contents()
    # Page 8's maps of the raw data: their axis titles name x and y ("slope (y per unit of x)"), as typed.
    assert any(NAMES[0] in seen(text) and NAMES[3] in seen(text) for text in svg_titles), svg_titles
    assert not page.js_errors, page.js_errors
