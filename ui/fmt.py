"""How numbers are written on screen: one rule for sentences, tables, equations and chart axes.

The rule (`num`, from gdcore.numbers so that gdcore's sentences follow it too):

- `digits` significant figures, 6 unless a page needs more to show a small difference (the check page's
  13,269.97998 against 13,269.98009); a whole part longer than that is written whole: 1,197,577.
- From 0.0001 up to a trillion: written out, with thousands separators: 13,270, −1,197,577, 0.000254.
- A negative number takes the minus sign "−" (U+2212) wherever a learner reads it: sentences, tables,
  metrics, captions, chart labels, as KaTeX's equations and plotly's axes write it; never the hyphen "-".
  What a machine reads keeps Python's "-": the command line, the CSV and JSON files, reproduce.py, the link.
- Below 0.0001 or from a trillion (10¹²) up: a power of ten, written the same way everywhere:
  1.198×10¹² in words and tables, 1.198 \times 10^{12} in equations (`tex`), and on plotly's axes
  (`AXES`: exponentformat "power", thousands separated below 10¹²). No "e+12", and no SI letters
  (k, M, B, T) on any axis; ECharts writes its axis numbers out with separators (and, below zero, through
  ui.echarts.minus_signs, with the minus sign). A colour bar is
  narrow: its labels take the power form from 10,000 up (6.27×10⁸, ui/contours.py).
- A value that rounds to zero is "0", never "−0"; nan and inf are "too large to show".
- Dollars (`money`) are whole dollars: $51,886, −$1,234. A setting is echoed as its box shows it
  (the learning rate 1e-06, written with `:g`), so the learner recognises what was typed.
"""

from __future__ import annotations

import math

from gdcore.data import SHIPPED
from gdcore.numbers import LARGEST_PLAIN, MINUS, SUPERSCRIPT, written

# Plotly axes written by the rule: separators up to 10¹², then 1.2×10¹² (minexponent: the power of
# ten shows only from 10¹² up); "power" never writes k, M, B or T.
AXES = {"exponentformat": "power", "minexponent": round(math.log10(LARGEST_PLAIN)) - 1, "separatethousands": True}
PLAIN_DIGITS = {high: plain for plain, high in SUPERSCRIPT.items()}  # ¹² -> 12


def num(value: float, digits: int = 6) -> str:
    """A number by the module's rule, to `digits` significant figures: 13,270, −1,197,577, 1.198×10¹², 0."""
    return written(value, digits)


def money(value: float) -> str:
    """Dollars to the cent only when small: $51,886 or −$1,234."""
    if not math.isfinite(value):
        return "too large to show"
    sign = MINUS if round(value) < 0 else ""  # −$0.30 is $0, not −$0
    return f"{sign}${num(abs(value)) if abs(value) >= 1e12 else f'{abs(value):,.0f}'}"


def tex(value: float, digits: int = 6, wrap: bool = False) -> str:
    """A number for st.latex; `wrap` puts a negative in parentheses, as after a "×" or "−". LaTeX's minus is
    "-" (KaTeX draws it as "−")."""
    if not math.isfinite(value):
        return r"\text{too large to show}"
    text = num(value, digits).replace(",", "{,}").replace(MINUS, "-")
    if "×10" in text:  # 1.198×10¹² -> 1.198 \times 10^{12}
        mantissa, exponent = text.split("×10")
        text = rf"{mantissa} \times 10^{{{exponent.translate(PLAIN_DIGITS)}}}"
    return f"({text})" if wrap and value < 0 else text


def equation(slope: float, intercept: float, x: str = "bedrooms", dollars: bool = True, y: str = "price") -> str:
    """price = $13,270 × bedrooms + $28,773, with the intercept's sign written as + or −."""
    show = money if dollars else num
    sign = "−" if intercept < 0 else "+"
    return f"{y} = {show(slope)} × {x} {sign} {show(abs(intercept))}"


def difference(a: float, b: float) -> str:
    """a − b, or "≈ 0 (rounding)" when it is within a billionth of the numbers' size."""
    if math.isfinite(a) and math.isfinite(b) and abs(a - b) <= 1e-9 * max(abs(a), abs(b)):
        return "≈ 0 (rounding)"
    return num(a - b)


# How a column of the Windsor data reads on screen: (what it is, one unit of it).
COLUMNS = {
    "bedrooms": ("bedrooms", "bedroom"),
    "bathrms": ("bathrooms", "bathroom"),
    "lotsize": ("lot size (square feet)", "square foot"),
    "stories": ("stories (excluding the basement)", "story"),
    "garagepl": ("garage places", "garage place"),
    "price": ("price (dollars)", "dollar"),
}


def column_name(name: str) -> str:
    """'bathrooms' for bathrms; a column we know nothing about keeps its own name."""
    return COLUMNS.get(name, (name, name))[0]


def per_unit(name: str) -> str:
    """'dollars per bathroom': the units of a slope of the price against this column."""
    return f"dollars per {COLUMNS.get(name, (name, f'unit of {name}'))[1]}"


def on_houses(data: str, y: str) -> bool:
    """The line predicts the house prices, in dollars (the shipped data), not a column of an upload."""
    return data in SHIPPED and y == "price"


def y_units(data: str, y: str) -> str:
    """The units of y: dollars for the house prices; "units of weight" for an upload's column weight."""
    return "dollars" if on_houses(data, y) else f"units of {y}"


def slope_units(data: str, x: str, y: str) -> str:
    """The units of a slope: 'dollars per bedroom' on the house data; 'weight per unit of height' on an upload."""
    return per_unit(x) if on_houses(data, y) else f"{y} per unit of {x}"


def axis_name(data: str, name: str) -> str:
    """A column as an axis or a menu names it: 'bathrooms' for the houses' bathrms; an upload's as it is."""
    return column_name(name) if data in SHIPPED else name


def rows_word(data: str, count: int | None = None) -> str:
    """What a row is: "houses" (or "house" for one) on the house data, "rows" on an upload."""
    one = count == 1
    return ("house" if one else "houses") if data in SHIPPED else ("row" if one else "rows")


def plural(k: int, unit: str) -> str:
    """ "1 epoch", "0 epochs", "1,200 steps": a count with its unit, singular only for one."""
    return f"{k:,} {unit}{'' if k == 1 else 's'}"
