"""What a learner might upload, for property-based tests (hypothesis), and the helper that counts a message's sentences.

Shared by the gdcore tests (tests/gdcore/test_upload_properties.py) and meant for an end-to-end AppTest version and a
stress script of 500 files: import it as `tests.strategies` (pyproject puts the repository root on the path).

- `sentences(text, learner)`: how many sentences a message holds, with the learner's own words set aside.
- `UNWANTED`: words of pandas, C or Python that a learner should never read.
- `uploads()`: the bytes of a CSV file a learner might bring, with what it was made of (`Generated`): numbers of every
  size from 1e-320 to 1.8e308 (zeros, negatives, subnormals), hostile column names (markdown, HTML, formulas,
  unicode, very long, empty, repeated), and broken structure (ragged rows, stray quotes, mixed separators, a
  byte-order mark, blank lines, only a header, binary bytes, other encodings, a file cut short).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

# --- counting sentences ------------------------------------------------------------------------------------------

# Abbreviations whose period ends no sentence.
ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|vs|cf|approx|incl)\.", re.IGNORECASE)
# A sentence ends at . ! or ? (after any closing quote or bracket) followed by a space and more text, or at a
# blank line. A decimal point has no space after it; an ellipsis (… or ...) ends no sentence.
BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*\s+(?=\S)|\n[ \t]*\n")
QUOTES = ("'{}'", '"{}"', "“{}”", "‘{}’", "`{}`")  # how a message may quote a learner's name
# A name as Python's repr quotes it ('a.b', "it's", '\x0c'), standing on its own (an apostrophe inside a word, as in
# "line's", opens nothing): a part of a learner's text the app quotes that no list of names can foresee (a name
# cut at a line end inside it, say).
QUOTED = re.compile(r"""(?<!\w)(['"])(?:(?!\1)[^\\\n]|\\.)*\1(?!\w)""")


def learner_forms(name: str) -> list[str]:
    """The ways a message may write a learner's text: quoted (Python's repr, or in quotes of any kind), then bare."""
    forms = [repr(name), *(quote.format(name) for quote in QUOTES)]
    stripped = name.strip()
    if stripped != name:
        forms += [repr(stripped), *(quote.format(stripped) for quote in QUOTES)]
    return forms


def sentences(text: str, learner: Iterable[str] = ()) -> int:
    """How many sentences `text` holds (0 for empty text).

    `learner`: the learner's own words the text may quote (column names, file names). They are set aside first,
    quoted forms before bare ones, so a period or a question mark inside a name counts for nothing; a bare name is
    set aside only where it stands as a word of its own (not inside "data."). Decimals (1.5), abbreviations (e.g.)
    and ellipses (… or ...) end no sentence.
    """
    masked = text
    names = sorted({str(name) for name in learner if str(name).strip()}, key=len, reverse=True)
    for name in names:
        for form in learner_forms(name):
            masked = masked.replace(form, "NAME")
    for name in names:
        for bare in {name, name.strip()}:
            masked = re.sub(rf"(?<!\w){re.escape(bare)}(?!\w)", "NAME", masked)
    masked = QUOTED.sub("NAME", masked)
    masked = ABBREVIATIONS.sub("ABBREVIATION", masked).replace("...", "…").strip()
    return 1 + len(BOUNDARY.findall(masked)) if masked else 0


def without_learner_text(text: str, learner: Iterable[str] = ()) -> str:
    """`text` with the learner's words (quoted or bare) replaced by NAME, to search for the app's own words."""
    masked = text
    for name in sorted({str(name) for name in learner if str(name).strip()}, key=len, reverse=True):
        for form in [*learner_forms(name), name, name.strip()]:
            masked = masked.replace(form, "NAME")
    return QUOTED.sub("NAME", masked)


# Words of pandas, its C parser or Python that a learner should never read, and Python's list brackets around names
# (search the text without the learner's own words, `without_learner_text`: a column may well be called "nan").
UNWANTED = re.compile(
    r"tokeniz|C error|pandas|numpy|Traceback|\w+Error\b|Exception|dtype|\bnan\b|\binf\b|\bNone\b|Unnamed|\bEOF\b|"
    r"codec|errors=|\[(?:'|\"|NAME\b)|(?:'|\"|\bNAME)\]|\\x[0-9a-f]{2}|line \d+, saw|Expected \d+ fields",
    re.IGNORECASE,
)


# --- numbers -----------------------------------------------------------------------------------------------------

# Numbers at the edges of a 64-bit float: the smallest subnormal, the smallest normal, squares that underflow or
# overflow, the largest float.
EDGES = (
    0.0,
    5e-324,
    1e-320,
    1e-310,
    2.2250738585072014e-308,
    1e-300,
    1e-200,
    1e-160,
    1.5e-154,
    1e-150,
    1e-20,
    1.0,
    1e12,
    1e100,
    1e150,
    1.4e154,
    1e200,
    1e300,
    1.7976931348623157e308,
)


READ = tuple(edge for edge in EDGES if edge < 1e150)  # the edges a file may hold and still be read (upload.HUGE)
# Edges whose columns mostly run: from the smallest spread a line accepts (data.TINY) to just below upload.HUGE,
# and one just below TINY, so that a refusal still comes up.
RUNNABLE = (0.0, 1.5e-154, 1e-150, 1e-20, 1.0, 1e12, 1e100, 1.4e149)


@st.composite
def magnitudes(draw, exponents: tuple[int, int] = (-320, 308), edges: tuple[float, ...] = EDGES) -> float:
    """A size from 1e-320 to 1.8e308 (subnormals included), or 0: a mantissa times a power of ten (`exponents`: the
    range of the power), or, one time in three, an edge of a 64-bit float (`edges`)."""
    if draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(edges))
    exponent = draw(st.integers(*exponents))
    mantissa = draw(st.sampled_from((1.0, 1.5, 2.5, 3.7, 9.99)))
    value = float(f"{mantissa}e{exponent}")  # parsed, so the subnormals come out right
    return value if np.isfinite(value) else 1.7976931348623157e308


@st.composite
def columns(draw, rows: int, exponents: tuple[int, int] = (-320, 308), edges: tuple[float, ...] = EDGES) -> list[float]:
    """One column of `rows` floats: a centre and a spread of any size (or of the centre's), a constant, edge values,
    or values of both signs."""
    kind = draw(st.sampled_from(("spread", "relative", "relative", "constant", "edges", "signs")))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    sign = draw(st.sampled_from((1.0, -1.0)))
    if kind == "constant":
        return [sign * draw(magnitudes(exponents, edges))] * rows
    if kind == "edges":
        return [float(v) for v in rng.choice(edges, rows) * rng.choice((1.0, -1.0), rows)]
    centre, spread = sign * draw(magnitudes(exponents, edges)), draw(magnitudes(exponents, edges))
    if kind == "relative" and centre:  # a spread on the centre's own scale: from a few of its last digits to 100 times
        spread = abs(centre) * 10.0 ** draw(st.integers(-15, 2))
    with np.errstate(all="ignore"):  # a centre near the largest float plus a spread may overflow: a cell of "inf"
        values = centre + spread * rng.uniform(-1.0, 1.0, rows)  # (rows,)
    if kind == "signs":
        values = values * rng.choice((1.0, -1.0), rows)
    return [float(v) for v in values]


# --- names -------------------------------------------------------------------------------------------------------

HOSTILE_NAMES = (
    "[a link](http://example.com)",
    "**bold**",
    "`code`",
    "_y_",
    "# heading",
    "> quoted",
    "$x^2$",
    r"\frac{1}{2}",
    "<b>x</b>",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '=HYPERLINK("http://example.com","click")',
    "=1+2",
    "+1",
    "-2",
    "@SUM(A1:A9)",
    "",
    "   ",
    "a.b.",
    "price (US$).",
    "e.g. height",
    "Is it? Yes. No!",
    "1.5",
    "nan",
    "inf",
    "None",
    "Größe (m²)",
    "身長 cm",
    "🏠 price",
    "\u202eevil",
    "tab\there",
    "x\ny",
    'say "hi"',
    "it's",
    "a,b",
    "a;b",
    "x" * 300,
)


def names() -> st.SearchStrategy[str]:
    """A column name: a hostile one, or any short text."""
    return st.one_of(st.sampled_from(HOSTILE_NAMES), st.text(max_size=12))


# --- files -------------------------------------------------------------------------------------------------------

SEPARATORS = (",", ";", "\t")
BREAKS = (
    "ragged: a row with an extra value",
    "ragged: a row with a value missing",
    "a stray quote",
    "mixed separators",
    "a byte-order mark",
    "blank lines",
    "only the header",
    "binary bytes",
    "CR line ends",
    "CRLF line ends",
    "trailing separators",
    "cut short",
    "UTF-16",
    "Latin-1",
    "junk cells",
)
JUNK = ("", " ", "n/a", "NaN", "inf", "-inf", "1e999", "$1,234.50", "12 %", "0x1F", "1_000", "١٢", "—", '"', "yes")


@dataclass(frozen=True)
class Generated:
    """A generated upload: its bytes and what they were made of."""

    data: bytes
    names: tuple[str, ...]  # the header as written (before any break)
    values: tuple[tuple[float, ...], ...]  # one tuple per column, as written (before any break)
    separator: str
    decimal_comma: bool  # numbers written 1,5 (with ; as the separator)
    breaks: tuple[str, ...]  # what was done to the file after it was written (BREAKS)

    @property
    def learner_text(self) -> tuple[str, ...]:
        """Every text the app may quote back: the names as written and stripped, and as the app makes them unique
        ("a (2)" for a repeated "a", "column 3" for an empty third name)."""
        texts = {*self.names, *(name.strip() for name in self.names)}
        for i, name in enumerate(self.names):
            base = name.strip() or f"column {i + 1}"
            texts |= {base, *(f"{base} ({k})" for k in range(2, len(self.names) + 2))}
        return tuple(texts)


def cell(value: float, style: str, decimal_comma: bool) -> str:
    """A number as a spreadsheet might write it."""
    text = {"repr": repr(value), "g": f"{value:g}", "e": f"{value:.6e}", "fixed": f"{value:.4f}"}[style]
    return text.replace(".", ",") if decimal_comma else text


def write(names_: list[str], values: list[list[float]], separator: str, decimal_comma: bool, style: str) -> str:
    """The CSV text, quoted where a name needs it (csv.writer)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(names_)
    for row in zip(*values):
        writer.writerow([cell(v, style, decimal_comma) for v in row])
    return out.getvalue()


@st.composite
def uploads(
    draw,
    broken: bool | None = None,
    rows: tuple[int, int] = (0, 12),
    width: tuple[int, int] = (1, 5),
    exponents: tuple[int, int] = (-320, 308),
    edges: tuple[float, ...] = EDGES,
):
    """A CSV file a learner might upload (`Generated`). `broken`: True, always broken; False, never; None, either.
    `rows`, `width`: how many rows and columns; `exponents`: the range of the numbers' powers of ten; `edges`: the
    edges of a 64-bit float that come up whatever the range (READ: only those a file may hold and be read)."""
    count = draw(st.integers(*rows))
    k = draw(st.integers(*width))
    header = draw(st.lists(names(), min_size=k, max_size=k))
    if k > 1 and draw(st.booleans()):
        header[-1] = header[0]  # a repeated name
    values = [draw(columns(count, exponents, edges)) for _ in range(k)]
    separator = draw(st.sampled_from(SEPARATORS))
    decimal_comma = separator == ";" and draw(st.booleans())
    style = draw(st.sampled_from(("repr", "repr", "g", "e", "fixed")))
    text = write(header, values, separator, decimal_comma, style)
    breaks: list[str] = []
    if broken or (broken is None and draw(st.booleans())):
        breaks = draw(st.lists(st.sampled_from(BREAKS), min_size=1, max_size=3, unique=True))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    for kind in breaks:  # the text first, then its bytes
        if kind not in BYTE_BREAKS:
            text = damage(text, kind, separator, rng)
    encoding = "utf-16" if "UTF-16" in breaks else "latin-1" if "Latin-1" in breaks else "utf-8"
    data = text.encode(encoding, errors="replace")
    for kind in breaks:
        where = int(rng.integers(0, len(data) + 1))
        if kind == "binary bytes":
            data = data[:where] + bytes(rng.integers(0, 256, int(rng.integers(1, 9)), dtype=np.uint8)) + data[where:]
        elif kind == "cut short":
            data = data[:where]
    return Generated(data, tuple(header), tuple(map(tuple, values)), separator, decimal_comma, tuple(breaks))


BYTE_BREAKS = ("binary bytes", "cut short", "UTF-16", "Latin-1")


def damage(text: str, kind: str, separator: str, rng: np.random.Generator) -> str:
    """The text with one break (BREAKS, not BYTE_BREAKS) done to it."""
    lines = text.split("\n")
    body = range(1, max(len(lines) - 1, 1))  # the data lines (the last split is the empty end)
    at = int(rng.choice(body)) if len(body) else 0
    if kind.startswith("ragged") and len(lines) > 1:
        fields = lines[at].split(separator)
        lines[at] = separator.join(fields + ["9"] if "extra" in kind else fields[:-1])
    elif kind == "a stray quote":
        line = lines[at]
        where = int(rng.integers(0, len(line) + 1))
        lines[at] = line[:where] + '"' + line[where:]
    elif kind == "mixed separators":
        other = {",": ";", ";": "\t", "\t": ","}[separator]
        lines = [line.replace(separator, other) if rng.random() < 0.5 else line for line in lines]
    elif kind == "a byte-order mark":
        lines[0] = "\ufeff" + lines[0]
    elif kind == "blank lines":
        for _ in range(int(rng.integers(1, 4))):
            lines.insert(int(rng.integers(0, len(lines) + 1)), str(rng.choice(["", "  ", "\t"])))
    elif kind == "only the header":
        lines = lines[:1] + [""]
    elif kind == "trailing separators":
        lines = [line + separator if line else line for line in lines]
    elif kind == "junk cells" and len(lines) > 1:
        fields = lines[at].split(separator)
        fields[int(rng.integers(0, len(fields)))] = str(rng.choice(JUNK))
        lines[at] = separator.join(fields)
    text = "\n".join(lines)
    if kind == "CR line ends":
        return text.replace("\n", "\r")
    if kind == "CRLF line ends":
        return text.replace("\n", "\r\n")
    return text
