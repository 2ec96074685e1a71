"""The one number rule (ui/fmt.py's docstring), checked on gdcore.numbers.written against a reader written here."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from gdcore.numbers import written

SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
# A negative number starts with the minus sign "−" (U+2212), never the hyphen "-".
PLAIN = re.compile(r"−?\d{1,3}(,\d{3})*(\.\d+)?")  # 13,270 or −0.000254: separators, no exponent
POWER = re.compile(r"−?\d(\.\d*[1-9])?×10⁻?[⁰¹²³⁴⁵⁶⁷⁸⁹]+")  # 1.198×10¹²: one digit before the point, no trailing 0


def read(text: str) -> float:
    """The number a learner reads: separators dropped, a ×10 power applied."""
    mantissa, _, power = text.replace(",", "").replace("−", "-").partition("×10")
    return float(mantissa) * 10.0 ** int(power.translate(SUPER) or 0)


def values() -> np.ndarray:
    """Random magnitudes from 1e-300 to 1e300, both signs, plus the edges of each style."""
    rng = np.random.default_rng(9)
    random = rng.choice([-1.0, 1.0], 400) * 10.0 ** rng.uniform(-300, 300, 400) * rng.uniform(1, 10, 400)
    edges = [1e-4, 9.99999e-5, 0.000099999951, 999_999.7, 999_999_999_999.4, 999_999_999_999.6, 1e12, 0.5, 123_456.5]
    return np.concatenate([random, edges, [-e for e in edges], rng.normal(0, 1e-3, 50), rng.normal(0, 1e6, 50)])


@pytest.mark.parametrize("digits", [3, 4, 6, 10])
def test_every_number_reads_back_in_one_of_two_styles(digits: int) -> None:
    for value in values():
        text = written(float(value), digits)
        shown = read(text)
        whole = abs(value) < 1e12 and round(abs(value)) >= 10**digits  # a long whole part is written whole
        assert shown == pytest.approx(value, rel=0.5 * 10.0 ** (1 - digits), abs=0.5 if whole else 0), (value, text)
        plain = 1e-4 <= abs(shown) < 1e12
        assert (PLAIN if plain else POWER).fullmatch(text), (value, text)


@pytest.mark.parametrize("value", [0.0, -0.0, -1e-400, 0.0 * -1])
def test_zero_is_written_0_never_minus_0(value: float) -> None:
    assert written(value) == "0"
    assert written(value, 3) == "0"


def test_no_minus_zero_token_in_any_written_number() -> None:
    for value in values():
        assert not re.fullmatch(r"[-−]0(\.0*)?(×10.*)?", written(float(value))), value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (13_270.0, "13,270"),
        (-1_197_577.086, "−1,197,577"),
        (16_580.09388, "16,580.1"),
        (0.000254436, "0.000254436"),
        (1.198e12, "1.198×10¹²"),
        (-3e-7, "−3×10⁻⁷"),
        (999_999.7, "1,000,000"),
        (999_999_999_999.7, "1×10¹²"),
        (math.inf, "too large to show"),
        (math.nan, "too large to show"),
    ],
)
def test_examples_of_the_rule(value: float, text: str) -> None:
    assert written(value) == text
