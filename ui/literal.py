"""A learner's text, shown exactly as typed: never rendered as markdown, LaTeX, HTML or a chart's template.

Column names, file names and values quoted from a link or a run file come from whoever made the file,
and a run file with its rows passes from learner to learner: a column called `[a link](http://x.y)`
must not put a stranger's link on someone else's screen, and `**y**` must not turn bold. Every page
shows such text through one of these functions, one per place it is drawn:

- `md`: anything Streamlit writes as markdown (st.markdown, captions, alerts, toasts, widget labels and
  help, expander labels, metric labels, radio options, st.table's headers, row names and cells).
- `tex`: inside `\\text{...}` of st.latex (no page puts a name in an equation yet; in $...$ of markdown a
  name's $ would end the maths: keep names outside it).
- `plotly`: a plotly title, axis title, legend name, hover template or annotation.
- `echarts`: an ECharts axis name, series name or label formatter.

Where Streamlit writes text as it is (a select box's options, a dataframe's headers and cells, st.code, a
chart's `alt`), names go in raw: escaped, they would show their backslashes.

Where the escaping happens, and why there: gdcore keeps names raw. Its sentences (verdicts, the upload's
and the link's notes, a column's problem, a step in words) are plain text that the command line prints and
the files keep too, where an escaped name would be wrong, and each place on screen needs its own escaping.
Those sentences carry no formatting of their own, so the ui shows such a sentence whole through `md`. A
sentence the ui writes with formatting of its own (a bold word, a code word) escapes only the names it puts
in. The chart builders (ui/charts.py, ui/contours.py, ui/echarts.py, ...) take raw text and escape it
themselves, so a page hands them names as they are. Downloads (CSV, reproduce.py, JSON) keep every name as
the file had it: gdcore.export writes a name into Python with repr, and into the script's docstring escaped
for it, so it cannot end its string.
"""

from __future__ import annotations

import html
import re

JOIN = "\u2060"  # WORD JOINER: no width, no line break; it splits a pattern that works on the text itself

# Characters that start markdown (or Streamlit's maths) anywhere in a line: emphasis, code, links, autolinks
# and HTML, strikethrough, maths, tables, and the backslash itself. CommonMark lets a backslash escape any ASCII
# punctuation, and shows the escaped character as itself.
_MARKUP = re.compile(r"([\\`*\[\]<>~$|])")
_ENTITY = re.compile(r"&(?=#?\w+;)")  # &amp; &#42; would become & and *
_UNDERSCORES = re.compile(r"_+")  # _y_ is emphasis; lot_size is not: inside a word, _ is inert
_LEADING = re.compile(r"^( ?)(?:([-+=#])|(\d+)([.)])(?= |$))")  # a list item, a rule, a heading, at a line's start
_DIRECTIVE = re.compile(r":(?=[A-Za-z0-9_+\-/])")  # :red[...], :material/icon:, :smile:, http:// ...
_WWW = re.compile(r"(?<=www)(?=\.)", re.IGNORECASE)  # www.example.com, which GFM links by itself
_EMAIL = re.compile(r"@(?=[-\w])")  # name@example.com, likewise
_ARROWS = re.compile(r"(?<=[-<>~])(?=[->=])")  # -> <- -- >= <= ~=, which Streamlit draws as → ← — ≥ ≤ ≈
_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def md(text: object) -> str:
    """`text` as Streamlit markdown that shows exactly `text`: `height (cm)` and `lot_size` stay as they are,
    `**y**` shows its asterisks, `[a](http://b.c)` is no link. A whole sentence that carries no formatting
    of its own (gdcore's, or a chart's caption) goes through here as it is; in a sentence with formatting
    of its own, each name does.

    Markdown is parsed, then Streamlit changes the parsed text itself (http://..., www..., a@b.c become
    links; :name: an emoji or an icon; -> an arrow), which a backslash cannot stop: those patterns get an
    invisible word joiner (U+2060) inside them instead.
    """
    text = _one_line(text)
    text = _DIRECTIVE.sub(":" + JOIN, text)
    text = _WWW.sub(JOIN, text)
    text = _EMAIL.sub("@" + JOIN, text)
    text = _ARROWS.sub(JOIN, text)
    text = _MARKUP.sub(r"\\\1", text)
    text = _ENTITY.sub(r"\\&", text)
    text = _UNDERSCORES.sub(lambda run: run[0] if _inside_word(run) else "\\_" * len(run[0]), text)
    text = text.replace(":" + JOIN, "\\:" + JOIN)  # the colon of a directive, :red[...]
    return _LEADING.sub(lambda m: f"{m[1]}\\{m[2]}" if m[2] else f"{m[1]}{m[3]}\\{m[4]}", text)


def _one_line(text: object) -> str:
    """Line breaks and runs of spaces as one space, none at the ends: as a page shows them anyway (in markdown a
    line break could start a list or a heading, and leading spaces a block of code)."""
    return _SPACE.sub(" ", str(text)).strip()


def _inside_word(run: re.Match) -> bool:
    """A letter or a digit on both sides of the run, as in lot_size."""
    text, start, end = run.string, run.start(), run.end()
    return 0 < start and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


# In LaTeX's text mode these are commands or special characters; each has a command that prints it.
_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "%": r"\%",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def tex(text: object) -> str:
    """`text` for inside `\\text{...}` of st.latex, shown as typed: `x_1 {b}` is no subscript or group,
    `\\href{...}` no command."""
    return "".join(_TEX.get(char, char) for char in _one_line(text))


def plotly(text: object) -> str:
    """`text` for a plotly title, legend, hover or annotation, shown as typed.

    Plotly reads a few HTML tags in its text (<a href>, <b>, <i>, <br>, <sup>, <span style>) and, in a hover
    template, %{...} placeholders; it decodes HTML entities after both. So <, >, & and % are written as
    entities; $ too, which plotly would hand to MathJax where a page has it."""
    text = html.escape(_one_line(text), quote=False)
    return text.replace("%", "&#37;").replace("$", "&#36;")


def echarts(text: object) -> str:
    """`text` for an ECharts axis name, series name or label formatter, shown as typed.

    ECharts draws these on a canvas, as plain text, but a label's formatter is a template: {a}, {b}, {c},
    {@column} are filled in with the series' name and the point's values, and {style|text} is styled
    text. A word joiner after each "{" keeps the braces from matching; the tooltip writes names as text."""
    return _one_line(text).replace("{", "{" + JOIN)
