"""Reading a number back from the screen, written by the rule in ui/fmt.py: 13,270, -1,197,577, 1.2×10⁻⁷.

Written here from the rule's words, not with gdcore.numbers, so a test that reads a number this way
checks the page's writing too.
"""

from __future__ import annotations

PLAIN = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻−", "0123456789--")


def number(text: str) -> float:
    """The first word of `text` as a float: '1,434,843,672 dollars²' -> 1434843672.0, '5.1×10⁻⁷' -> 5.1e-07."""
    first = str(text).strip().split(" ")[0].replace(",", "").translate(PLAIN)
    if "×10" in first:
        mantissa, power = first.split("×10")
        return float(mantissa) * 10.0 ** int(power)
    return float(first)
