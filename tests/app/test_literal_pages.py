"""A learner's file whose column names and file name are markdown and HTML, through every page that shows them
and the sidebar (AppTest): every element that carries a name shows it as typed. Markdown (sentences, captions,
alerts, labels, help, expanders, metrics, st.table) is rendered with markdown-it-py and Streamlit's own text
changes (rendered.py): the name reads as typed and makes no link, bold, code, heading or maths of its own. In
LaTeX, plotly and ECharts the name is written by ui.literal for them; where Streamlit writes text as it is
(menus, a dataframe's headers, a chart's text for screen readers) it stays exactly as the file has it. The same
for a run file that carries such rows and a link that quotes such a name."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import opening
import pytest
from rendered import render
from stepping import charts_shown, choose_epoch, equations_of, frame_shown, ledger_shown, sections_shown, text_of, view
from streamlit.testing.v1 import AppTest

from gdcore import DescentConfig, fit_line, select_xy
from gdcore.upload import read_upload
from ui import literal
from ui.exports import document

APP = str(Path(__file__).resolve().parents[2] / "app.py")
NAMES = (  # four numeric columns: the line's x and y are the first and the last; the network's inputs the first three
    "[alpha](http://example.com/alpha) <i>a</i> %{x}",
    "**bravo** <b>b</b>",
    "`charlie` ~~del~~ $x$ {b}",
    "_delta_ :smile: www.example.com <b>d</b> $5 {c}",
)
TEXT_COLUMN = "# echo <a href=http://example.com>e</a>"  # words, not numbers: set aside, with a note naming it
FILE = "[foxtrot](http://example.com/f) **f**.csv"
MARKERS = dict(zip(("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"), (*NAMES, TEXT_COLUMN, FILE)))
ROWS = np.random.default_rng(5).uniform(1, 9, (30, 4))  # (30, 4)
CSV = ",".join((*NAMES, TEXT_COLUMN)) + "\n"
CSV += "".join(",".join(f"{v:.3f}" for v in row) + f",w{i}\n" for i, row in enumerate(ROWS))
PLAIN_OPTIONS = {"Selectbox", "MultiSelect"}  # Streamlit writes their options as text; a radio's are markdown


def shown(text: str) -> str:
    return " ".join(text.split())


def names_in(text: str) -> list[str]:
    return [name for marker, name in MARKERS.items() if marker in text]


def elements(at: AppTest):
    """(element type, proto) of everything on the page and in the sidebar."""

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield node.type, proto
        children = getattr(node, "children", None) or {}
        for child in children.values() if isinstance(children, dict) else children:
            yield from walk(child)

    yield from walk(at._tree)


def strings(value):
    """Every string inside a chart's JSON."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def check(at: AppTest) -> set[str]:
    """Every name on screen is shown as typed; returns the markers seen, so a page cannot pass by showing none."""
    assert not at.exception, [e.value for e in at.exception]
    seen: set[str] = set()
    problems: list = []

    def markdown(text: str, where: str) -> None:
        names = names_in(text)
        if not names:
            return
        seen.update(marker for marker in MARKERS if marker in text)
        rendered = render(text)
        problems.extend((where, name, text) for name in names if shown(name) not in rendered.text)
        for tag, inner in rendered.elements:  # only the page's own bold or italics may hold a name, and all of it
            inside = names_in(inner)
            if inside and not (tag in ("strong", "em") and all(shown(name) in shown(inner) for name in inside)):
                problems.append((where, f"<{tag}> {inner!r}", text))
        problems.extend((where, change, text) for change in rendered.changes)

    def written(text: str, where: str, how) -> None:
        for name in names_in(text):
            seen.update(marker for marker in MARKERS if marker in text)
            if how(name) not in text:
                problems.append((where, name, text))

    for kind, proto in elements(at):
        name = type(proto).__name__
        if kind == "latex":
            written(proto.body, kind, literal.tex)
        elif name == "PlotlyChart":
            for text in strings(json.loads(proto.spec)):
                written(text, kind, literal.plotly)
        elif name == "EChartsChart":
            for text in strings(json.loads(proto.spec)):
                written(text, kind, literal.echarts)
            written(proto.alt, "echarts alt", str)  # read by a screen reader: as typed
        elif name in ("Dataframe", "ArrowTable", "Table"):
            continue  # read below, as tables
        else:
            for field in ("body", "label", "help", "title", "captions", "options"):
                if field not in proto.DESCRIPTOR.fields_by_name:
                    continue
                values = getattr(proto, field)
                for value in [values] if isinstance(values, str) else list(values):
                    text = value if isinstance(value, str) else value.content  # a pill's option: its text
                    if field == "options" and name in PLAIN_OPTIONS:
                        written(text, f"{kind} option", str)
                    else:
                        markdown(text, f"{kind} {field}")

    def markup(source: str, where: str) -> None:  # the frames' HTML (ui/frames.py), which the browser shows as it is
        text = text_of(source).replace(literal.JOIN, "")  # the word joiner has no width: not part of what is read
        seen.update(marker for marker in MARKERS if marker in text)
        problems.extend((where, name, text) for name in names_in(text) if shown(name) not in shown(text))
        for tag, inner in re.findall(r"<(\w+)[^>]*>(.*?)</\1>", source, re.S):
            inner = text_of(inner).replace(literal.JOIN, "")
            inside = names_in(inner)
            whole = tag in ("strong", "em") and all(shown(name) in shown(inner) for name in inside)
            if inside and tag not in BLOCKS and not whole:  # markdown's marks (code, a link, ...) around a name
                problems.append((where, f"<{tag}> {inner!r}", source))

    frame, drawn, ledger = frame_shown(at), charts_shown(at), ledger_shown(at)
    if frame is not None:
        for part in ("text", "after", "note"):
            markup(frame.get(part, ""), f"frame {part}")
        sections = list(sections_shown(at).items())
        sections += [("static", slot["static"]) for slot in view(at)["frames"].get("layout", []) if "static" in slot]
        for name, source in sections:  # a laid-out view's HTML, with its equations
            markup(re.sub(r'<div class="tex" data-tex="[^"]*"></div>', "", source), f"frame section {name}")
            for tex in equations_of(source):
                written(tex, "frame latex", literal.tex)
        for tex in frame.get("tex", []):
            written(tex, "frame latex", literal.tex)
        for caption in frame["captions"].values():
            written(caption, "frame caption", str)  # read by a screen reader and shown as text: as typed
        for option in drawn.values():
            for text in strings(option):
                written(text, "frame chart", literal.echarts)
        if ledger is not None:
            for text in [*map(str, ledger.columns), *map(str, ledger.to_numpy().ravel())]:
                written(text, "frame ledger", str)
    for table in at.dataframe:  # a dataframe writes its headers and cells as text
        for text in [*map(str, table.value.columns), *map(str, table.value.to_numpy().ravel())]:
            written(text, "dataframe", str)
    for table in at.table:  # st.table writes its headers, row names and cells as markdown
        frame = table.value
        for text in [*map(str, frame.columns), *map(str, frame.index), *map(str, frame.to_numpy().ravel())]:
            markdown(text, "table")
    assert not problems, problems
    return seen


# Tags that hold whole blocks of the frames' HTML (paragraphs, tables, headings, a part that opens): a name
# may sit anywhere in them. Any other tag is a mark (code, a link, emphasis) that must hold a name whole.
BLOCKS = {"p", "div", "details", "summary", "h3", "h4", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li"}
BLOCKS |= {"label", "span", "select", "option", "button"}


def open_with_upload(page: str, **params: str) -> AppTest:
    at = opening.open_page(page, **params)
    return at.file_uploader(key="uploads:file").upload(FILE, CSV.encode(), "text/csv").run()


LINE = {"alpha", "delta", "foxtrot", "echo"}  # x, y, and the sidebar's file name and note
PAGES = {  # page, its link, the stepper's key (None: no stepper), the names it shows
    "pages/3_descent.py": ({}, "epoch", LINE),
    "pages/4_check.py": ({}, None, LINE),
    "pages/5_network.py": ({"restarts": "2", "epochs": "5"}, "net_epoch", LINE | {"bravo", "charlie"}),
    "pages/6_gradients.py": ({"depth": "4", "epochs": "2"}, None, LINE | {"bravo", "charlie"}),
    "pages/8_landscape.py": ({"surface": "yes"}, "epoch", LINE),
    "pages/9_optimizers.py": ({"steps": "3"}, "race_step", LINE),
    "pages/10_batches.py": ({"batch": "8", "epochs": "1"}, "batches:step", LINE),
}


@pytest.mark.parametrize("page", PAGES)
def test_every_name_on_the_page_and_in_the_sidebar_shows_as_typed(page: str) -> None:
    link, stepper, expected = PAGES[page]
    at = open_with_upload(page, **link)
    assert at.query_params["data"].startswith("upload-")
    seen = check(at)
    if stepper:  # after a step: its sentences, its batch's table, its charts
        seen |= check(choose_epoch(at, 1, stepper))
    assert expected <= seen, expected - seen


def test_a_run_file_carrying_such_rows_and_its_own_odd_name_loads_with_both_shown_as_typed() -> None:
    upload = read_upload(CSV.encode(), FILE)
    chosen = DescentConfig(data=upload.key, x=NAMES[0], y=NAMES[3], epochs=5)
    fit = fit_line(chosen, select_xy(upload.frame, NAMES[0], NAMES[3]))
    run_file = document("descent", chosen, 2, fit.run, len(fit.x), upload).encode()
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/3_descent.py").run()
    name = "**golf** [run](http://example.com/g).json"
    at.file_uploader(key="runfile:descent").upload(name, run_file, "application/json")
    at.run()
    (loaded,) = [s.value for s in at.success if s.value.startswith("Loaded")]
    assert "golf" in loaded and "foxtrot" in loaded
    MARKERS["golf"] = name
    try:
        assert {"alpha", "delta", "foxtrot", "golf"} <= check(at)
    finally:
        del MARKERS["golf"]


def test_a_link_quoting_such_a_name_gets_its_note_with_the_name_as_typed() -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/3_descent.py")
    at.query_params["x"] = "[india](http://e.co) <b>i</b>"  # the house data has no such column (a note quotes
    at.query_params["**hotel** [x](http://e.co/h)"] = "1"  # up to 40 characters); and this is no setting
    at.run()
    notes = " ".join(w.value for w in at.warning)
    assert "india" in notes and "hotel" in notes
    MARKERS.update(india="[india](http://e.co) <b>i</b>", hotel="**hotel** [x](http://e.co/h)")
    try:
        assert {"india", "hotel"} <= check(at)
    finally:
        del MARKERS["india"], MARKERS["hotel"]
