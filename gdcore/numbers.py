"""How a number is written in words, tables and equations: one rule, stated in ui/fmt.py.

Here (pure Python) so that gdcore's sentences (gdcore.narrate) write numbers as the pages do.
"""

from __future__ import annotations

import math

SMALLEST_PLAIN = 1e-4  # below this, a power of ten: 0.0001 is plain, 0.00001 is 1×10⁻⁵
LARGEST_PLAIN = 1e12  # from a trillion up, a power of ten: 999,999,999,999 is plain, 1×10¹² is not
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
MINUS = "\u2212"  # "−", the minus sign of print, of KaTeX's equations and of plotly's axes; "-" is a hyphen


def written(value: float, digits: int = 6) -> str:
    """`value` to `digits` significant figures: 13,270, −1,197,577, 0.000254, 1.198×10¹², and "0" (never "−0").

    A negative number takes the minus sign "−" (U+2212), not the hyphen "-": what a learner reads. Machines
    read repr-exact numbers instead (the command line, the CSV and JSON files, the link). A whole part
    longer than `digits` is written whole (1,197,577, not 1.19758 million); non-finite values are
    "too large to show".
    """
    if not math.isfinite(value):
        return "too large to show"
    rounded = float(f"{value:.{digits}g}")  # decides the style: 999,999.7 rounds up to 1,000,000
    if rounded == 0:
        return "0"  # -0.0, or a converged gradient of -0.0000000: no sign on nothing
    if rounded < 0:
        return MINUS + written(-value, digits)
    if not SMALLEST_PLAIN <= abs(rounded) < LARGEST_PLAIN:
        mantissa, exponent = f"{rounded:.{digits - 1}e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        return f"{mantissa}×10{str(int(exponent)).translate(SUPERSCRIPT)}"
    if abs(rounded) >= 10**digits:
        return f"{value:,.0f}"
    return f"{rounded:,.{digits}g}"
