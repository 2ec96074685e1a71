"""One generated upload through one page, as a learner would bring it (AppTest), and everything that must hold:

- the page raises nothing (no exception element, in the page or the sidebar);
- no NaN or inf on screen (the learner's own names, which may well be "nan", set aside);
- every refusal or error box is one sentence, in the learner's words (no pandas, C or Python words);
- a learner's text renders as nothing: no link, picture, heading, HTML, quote or list from it, no bold,
  italics, code or strikethrough made by markup inside a name, no maths from a name, and in plotly's text no
  raw tag; markdown is rendered here by markdown-it-py with Streamlit's own text changes (rendered.py);
- after it, the page works on the house data again (the Data menu, where the session has one, back on it).

Used by tests/app/test_upload_fuzz.py (a few dozen files in the suite) and tests/stress_uploads.py (500 or more).
The files come from tests/strategies.py: numbers from 1e-320 to 1.8e308, hostile names, broken structure.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import strategies as st
from rendered import maths, render
from streamlit.testing.v1 import AppTest
from test_literal_pages import elements, strings
from test_pages import NAN_OR_INF, screen_text

from tests.strategies import READ, RUNNABLE, UNWANTED, Generated, sentences, uploads, without_learner_text
from ui import literal

APP = str(Path(__file__).resolve().parents[2] / "app.py")
# Each page with a link that keeps its run short (a few dozen files must fit in the suite's minutes): the pages
# the issue names, which run on an upload, each with its own models (line, network, landscape, race, batches).
PAGES = {
    "pages/3_descent.py": {"epochs": "20"},
    "pages/4_check.py": {"epochs": "20"},
    "pages/5_network.py": {"restarts": "2", "epochs": "5"},
    "pages/6_gradients.py": {"depth": "4", "epochs": "2"},
    "pages/8_landscape.py": {"epochs": "20"},
    "pages/9_optimizers.py": {"steps": "20"},
    "pages/10_batches.py": {"batch": "4", "epochs": "2"},
}


def files(rows: int, width: int) -> st.SearchStrategy[Generated]:
    """The mix of generated uploads, up to `rows` rows and `width` columns, of four kinds drawn alike: anything
    (broken or not), files that read, files whose numbers can run a page, and everyday numbers (1e-6 to 1e9) so
    that many files run the pages rather than get refused."""
    return st.one_of(
        uploads(rows=(0, rows), width=(1, width)),
        uploads(broken=False, rows=(3, rows), width=(2, width), edges=READ),
        uploads(broken=False, rows=(3, rows), width=(2, width), exponents=(-150, 149), edges=RUNNABLE),
        uploads(broken=False, rows=(3, rows), width=(2, width), exponents=(-6, 9), edges=(1.0,)),
    )


# What markup makes that a learner's text must never make: links and pictures anywhere (the app's own words have
# none), headings, HTML, quotes and lists that hold part of a name (a title "10. Batch, ..." is a list item to a
# markdown renderer, which Streamlit's title is not).
ANYWHERE = {"a", "img", "image"}
NEVER = {"h1", "h2", "h3", "h4", "h5", "h6", "html_inline", "html_block", "blockquote", "li"}
INLINE = {"strong", "em", "code", "del"}  # the app's own bold or code may hold a name; a name's markup makes none
MARKS = ("**", "__", "*", "_", "``", "`", "~~", "~")
FIELDS = ("body", "label", "help", "title", "captions", "options")
PLAIN_OPTIONS = {"Selectbox", "MultiSelect"}  # Streamlit writes their options as text


def shown(text: str) -> str:
    return " ".join(text.split())


def markdown_sources(at: AppTest):
    """(where, source) of every text on the page and in the sidebar that Streamlit writes as markdown."""
    for kind, proto in elements(at):
        name = type(proto).__name__
        if name in ("PlotlyChart", "EChartsChart", "Dataframe", "ArrowTable", "Table") or kind == "latex":
            continue
        for field in FIELDS:
            if field not in proto.DESCRIPTOR.fields_by_name or (field == "options" and name in PLAIN_OPTIONS):
                continue
            values = getattr(proto, field)
            for value in [values] if isinstance(values, str) else list(values):
                yield f"{kind} {field}", value if isinstance(value, str) else value.content


def rendered_problems(at: AppTest, learner: tuple[str, ...]) -> list[str]:
    """What a learner's text made on screen: elements, Streamlit's own text changes, maths, raw plotly tags."""
    names = [shown(name) for name in learner if len(shown(name)) > 1]  # one character is everywhere
    problems = []
    for where, source in markdown_sources(at):
        out = render(source)
        for tag, inner in out.elements:
            overlaps = any(shown(inner) in name or name in shown(inner) for name in names) if inner.strip() else False
            if tag in ANYWHERE or (tag in NEVER and overlaps):
                problems.append(f"{where}: <{tag}> {inner!r} in {source!r}")
            elif tag in INLINE and inner.strip():  # made by the name's own markup: **x**, _x_, `x`, ~x~ inside it
                made = [name for name in names for mark in MARKS if f"{mark}{inner}{mark}" in name]
                if made:
                    problems.append(f"{where}: <{tag}> {inner!r}, made by the name {made[0]!r}")
        for change, text in out.changes:
            if any(text in name for name in names):
                problems.append(f"{where}: Streamlit's {change} of {text!r} in {source!r}")
        if maths(source):
            plain = source
            for name in learner:
                plain = plain.replace(literal.md(name), "NAME").replace(name, "NAME")
            if not maths(plain):
                problems.append(f"{where}: maths from a name in {source!r}")
    for _, proto in elements(at):
        if type(proto).__name__ == "PlotlyChart":
            for text in strings(json.loads(proto.spec)):
                for name in learner:
                    if name in text and name not in literal.plotly(name) and any(c in name for c in "<>&%$"):
                        problems.append(f"plotly: the name {name!r} raw in {text!r}")
    return problems


def boxes(at: AppTest) -> list[str]:
    """The error boxes on the page and in the sidebar."""
    return [str(box.value) for box in at.error]


def check_page(at: AppTest, learner: tuple[str, ...], when: str) -> list[str]:
    """Everything that must hold on the page as it is now."""
    problems = [f"{when}: {e.value}"[:400] for e in at.exception]
    text = without_learner_text(screen_text(at) + "\n" + "\n".join(boxes(at)), learner)
    problems += [f"{when}: {found!r} on screen" for found in NAN_OR_INF.findall(text)[:3]]
    for box in boxes(at):
        count = sentences(box, learner)
        if count != 1:
            problems.append(f"{when}: an error box of {count} sentences: {box!r}")
        unwanted = UNWANTED.search(without_learner_text(box, learner))
        if unwanted:
            problems.append(f"{when}: {unwanted.group(0)!r} in the error box {box!r}")
    problems += [f"{when}: {problem}" for problem in rendered_problems(at, learner)]
    return problems


def try_upload(page: str, generated: Generated, name: str) -> tuple[str, list[str]]:
    """Upload the file on `page`, check the page, go back to the house data and check it again.

    Returns what became of the file ("refused", "columns refused" or "ran") and the problems found."""
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page(page)
    for key, value in PAGES[page].items():
        at.query_params[key] = value
    at.run()
    (uploader,) = [u for u in at.file_uploader if u.key == "uploads:file"]
    uploader.upload(name, generated.data, "text/csv").run()
    learner = (*generated.learner_text, name)
    problems = check_page(at, learner, "with the upload")
    menu = [box for box in at.sidebar.selectbox if box.key == "data"]  # the Data menu: the session has an upload
    outcome = "ran" if menu and not at.main.error else "columns refused" if menu else "refused"
    if menu:
        menu[0].select("windsor").run()
    problems += check_page(at, learner, "back on the house data")
    if at.main.error or at.query_params.get("data", "windsor") != "windsor" or not at.title:
        problems.append(f"back on the house data: the page does not work ({boxes(at)[:1]}, {len(at.title)} titles)")
    return outcome, problems
