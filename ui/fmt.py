"""How numbers are written on screen: never nan or inf, and readable to a learner."""

from __future__ import annotations

import math

from gdcore.data import SHIPPED


def num(value: float, digits: int = 6) -> str:
    """A number with `digits` significant digits, thousands separated: 13,270.0 or 1.2e+300."""
    if not math.isfinite(value):
        return "too large to show"
    if value != 0 and (abs(value) >= 1e12 or abs(value) < 1e-4):
        return f"{value:.{digits}g}"
    return f"{value:,.{digits}g}" if abs(value) < 10**digits else f"{value:,.0f}"


def money(value: float) -> str:
    """Dollars to the cent only when small: $51,886 or −$1,234."""
    if not math.isfinite(value):
        return "too large to show"
    sign = "−" if value < 0 else ""
    return f"{sign}${num(abs(value)) if abs(value) >= 1e12 else f'{abs(value):,.0f}'}"


def tex(value: float, digits: int = 6, wrap: bool = False) -> str:
    """A number for st.latex; `wrap` puts a negative in parentheses, as after a "×" or "−"."""
    if not math.isfinite(value):
        return r"\text{too large to show}"
    value = value + 0.0  # -0.0 -> 0.0: no "−0" on screen
    text = num(value, digits).replace(",", "{,}")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
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
