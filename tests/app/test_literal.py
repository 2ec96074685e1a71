"""ui.literal: a learner's text (a column's name, a file's name, a value from a link) shown exactly as typed.

Markdown is checked with an independent renderer (markdown-it-py, CommonMark) and the steps Streamlit adds to
it, emulated from its frontend (rendered.py); LaTeX, plotly and ECharts against their documented syntax,
written out here. The browser test (tests/browser/test_literal_browser.py) checks the pages in Chromium.
"""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rendered import render

from ui import literal

# What a learner's file or link may hold: markdown, HTML, Streamlit's own markup, and what plotly, LaTeX and
# ECharts read in their text.
HOSTILE = [
    "[a link](http://example.com)",
    "[ref][1]",
    "[1]: http://example.com",
    "![img](http://example.com/x.png)",
    "**bold**",
    "__bold__",
    "*y*",
    "_y_",
    "`code`",
    "``co`de``",
    "~~del~~",
    "~one~",
    "<b>html</b>",
    "<a href='http://example.com'>x</a>",
    "<img src=x onerror=alert(1)>",
    "<http://example.com>",
    "http://example.com/a_b",
    "see https://example.com.",
    "www.example.com",
    "WWW.EXAMPLE.COM",
    "me@example.com",
    "$x^2$",
    "$$y$$",
    "$5 and $6",
    "price $",
    r"\(x\) \[y\]",
    ":smile:",
    ":+1: :-1:",
    ":material/home:",
    ":streamlit:",
    ":red[red]",
    ":blue-background[b]",
    ":small[s]",
    ":::note",
    "a -> b",
    "a <- b",
    "a <-> b",
    "a -- b",
    "x >= 1",
    "x <= 1",
    "x ~= 1",
    "# heading",
    "###### h6",
    "1. first",
    "2) second",
    "- item",
    "+ item",
    "* item",
    "> quote",
    "---",
    "***",
    "===",
    "| a | b |",
    "&amp; &lt;b&gt; &#42;",
    r"\*not\*",
    "back\\slash",
    "trailing\\",
    "line\nbreak",
    "line\n# heading",
    "setext\n---",
    "hard  \nbreak",
    "    indented code",
    "\tindented",
    "[^note]",
    "<!-- comment -->",
    "{a} {b} {c} {@x} {sup|styled}",
    "%{x} %{y:.2f}",
]
PLAIN = ["height (cm)", "lot_size", "x_1", "weight", "R&D", "price per m² (€)", "température", "Ω ≥ 0", "a-b", "1.5 m"]


def shown(text: str) -> str:
    """What a page shows of `text`: runs of spaces and line breaks as one space, none at the ends."""
    return re.sub(r"[ \t\r\n\f\v]+", " ", text).strip()


def assert_plain(source: str, text: str, allowed: list[tuple[str, str]] = ()) -> None:
    """The markdown `source` shows `text` with no markup but the `allowed` elements, and no change of Streamlit's."""
    rendered = render(source)
    assert shown(rendered.text) == text, source  # a browser shows a run of spaces as one
    assert rendered.elements == list(allowed), source
    assert not rendered.changes, source


# --- markdown -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE + PLAIN)
def test_a_name_in_markdown_shows_as_typed_alone_in_a_sentence_and_first(name: str) -> None:
    assert_plain(literal.md(name), shown(name))
    assert_plain(f"The column {literal.md(name)} holds numbers.", f"The column {shown(name)} holds numbers.")
    assert_plain(f"{literal.md(name)}: 80 rows.", shown(f"{shown(name)}: 80 rows."))
    assert_plain(f"Lines 4 and\n{literal.md(name)}", shown(f"Lines 4 and {shown(name)}"))


@pytest.mark.parametrize("name", HOSTILE + PLAIN)
def test_the_pages_own_bold_around_a_name_stays_and_is_the_only_markup(name: str) -> None:
    source = f"Three inputs go in, **{literal.md(name)}** and **rain**, then:"
    bold = [("strong", shown(name)), ("strong", "rain")]
    assert_plain(source, f"Three inputs go in, {shown(name)} and rain, then:", bold)


@pytest.mark.parametrize("name", HOSTILE)
def test_a_whole_sentence_without_formatting_of_its_own_shows_as_typed(name: str) -> None:
    sentence = f"Column {name!r} holds the same value, 3, in every row: as y it cannot be predicted. Pick another."
    assert_plain(literal.md(sentence), shown(sentence))


@pytest.mark.parametrize("name", PLAIN)
def test_a_plain_name_is_left_as_it_is(name: str) -> None:
    assert literal.md(name) == name


def test_dollars_and_underscores_in_words_look_as_before() -> None:
    assert literal.md("price $") == r"price \$"  # an escaped $ is shown as $, and never starts maths
    assert render(literal.md("price $")).text == "price $"
    assert literal.md("lot_size and _y_") == r"lot_size and \_y\_"


# --- LaTeX --------------------------------------------------------------------------------------------

# LaTeX's text mode: these ten characters are special, and each is printed by a command of its own (the
# LaTeX manual, "Special characters"; KaTeX supports the same commands in \text{}).
TEX_PRINTS = {
    r"\textbackslash{}": "\\",
    r"\textasciicircum{}": "^",
    r"\textasciitilde{}": "~",
    r"\{": "{",
    r"\}": "}",
    r"\$": "$",
    r"\&": "&",
    r"\#": "#",
    r"\%": "%",
    r"\_": "_",
}
TEX_COMMAND = re.compile("|".join(re.escape(command) for command in sorted(TEX_PRINTS, key=len, reverse=True)))


@pytest.mark.parametrize("name", HOSTILE + PLAIN + [r"\href{http://example.com}{x}", "x^2_1 ~ {b}", r"\\"])
def test_a_name_in_latex_text_prints_itself_and_runs_no_command(name: str) -> None:
    text = literal.tex(name)
    assert not re.search(r"[\\{}$&#%_^~]", TEX_COMMAND.sub("", text)), text  # only the printing commands
    assert TEX_COMMAND.sub(lambda m: TEX_PRINTS[m.group(0)], text) == shown(name)


# --- plotly -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE + PLAIN)
def test_a_name_in_plotly_has_no_tag_placeholder_or_maths_and_reads_as_typed(name: str) -> None:
    text = literal.plotly(name)
    # plotly's text: <b>, <i>, <a href>, <br>, <sup>, <sub>, <span> tags; %{...} in hover templates; $...$ for
    # MathJax. It decodes HTML entities (&lt; &#37; ...) after reading those.
    assert not re.search(r"[<>$]|%\{", text), text
    assert html.unescape(text) == shown(name)


# --- ECharts ------------------------------------------------------------------------------------------

# ECharts' string templates: {a} {b} {c} {d} {e} (with a series index: {a0}), {@dimension}, {@[0]}, and
# rich text {style|text}.
ECHARTS_TEMPLATE = re.compile(r"\{(?:[a-e]\d*|@[^}]*|\w+\|[^}]*)\}")


@pytest.mark.parametrize("name", HOSTILE + PLAIN)
def test_a_name_in_echarts_fills_in_no_template_and_reads_as_typed(name: str) -> None:
    text = literal.echarts(name)
    assert not ECHARTS_TEMPLATE.search(text), text
    assert text.replace(literal.JOIN, "") == shown(name)


# --- any mix of markup, at random ------------------------------------------------------------------------

# Pieces of markup, put together at random: what a hand-made or tampered file might hold.
PIECES = [
    *"abxyz019 _*`~$[]()<>!#|&\\:@.-+=/{}%^\n\t\"'",
    "http://",
    "www.",
    "e.com",
    "smile",
    "material/",
    "streamlit",
    "red[",
    "->",
    "<-",
    "--",
    ">=",
    "**",
    "__",
    "~~",
    "<b>",
    "</b>",
    "<a href=x>",
    "1. ",
    "- ",
    "> ",
    "&amp;",
    "&#42;",
    "x_1",
    "{b}",
    "%{x}",
    "$5",
    "é",
    "Ω",
    "\u00a0",
    "lot_size",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=400, deadline=None, database=None, derandomize=True)
@given(TEXTS, st.sampled_from(["{}", "The column {} holds numbers.", "Inputs **{}** and **rain**.", "{}: 80 rows."]))
def test_any_mix_of_markup_in_markdown_shows_as_typed(text: str, sentence: str) -> None:
    source = sentence.format(literal.md(text))
    bold = [("strong", shown(text)), ("strong", "rain")] if "**" in sentence else []
    if "**" in sentence and not shown(text):
        return  # "** **" is no bold: nothing of the learner's to show
    assert_plain(source, shown(sentence.replace("**", "").format(shown(text))), bold)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(TEXTS)
def test_any_mix_of_markup_reads_as_typed_in_latex_plotly_and_echarts(text: str) -> None:
    as_tex = literal.tex(text)
    assert not re.search(r"[\\{}$&#%_^~]", TEX_COMMAND.sub("", as_tex))
    assert TEX_COMMAND.sub(lambda m: TEX_PRINTS[m.group(0)], as_tex) == shown(text)
    as_plotly = literal.plotly(text)
    assert not re.search(r"[<>$]|%\{", as_plotly) and html.unescape(as_plotly) == shown(text)
    as_echarts = literal.echarts(text)
    assert not ECHARTS_TEMPLATE.search(as_echarts) and as_echarts.replace(literal.JOIN, "") == shown(text)
