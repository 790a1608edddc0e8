from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from rbl.finance.rounding import (
    format_euro,
    format_fte,
    format_percentage,
    round_half_up,
    rounded_total,
)


def test_halves_round_up_not_to_even():
    assert round_half_up(Decimal("50570.50")) == 50571
    assert round_half_up(Decimal("2.5")) == 3
    assert round_half_up(Decimal("0.125"), 2) == Decimal("0.13")
    assert round_half_up(Decimal("-2.5")) == -3
    assert round_half_up(0.285, 2) == Decimal("0.29")  # the float as written, not 0.28499…


def test_dutch_notation():
    assert format_euro(Decimal("1103497.4")) == "€ 1.103.497"
    assert format_euro(Decimal("-98118.5")) == "€ -98.119"
    assert format_fte(Decimal("0.2962962")) == "0,30"
    assert format_percentage(Decimal("0.15")) == "15,00 %"
    assert format_euro(Decimal("-0.4")) == "€ 0"


def test_total_is_rounded_sum_of_unrounded_parts():
    parts = [Decimal("0.5"), Decimal("0.5"), Decimal("0.5")]
    assert rounded_total(parts) == 2  # 1.5 → 2, while the parts show 1 + 1 + 1 = 3
    assert sum(round_half_up(p) for p in parts) == 3


def test_a_total_that_is_exactly_half_rounds_up_though_its_parts_are_inexact():
    """Found by hypothesis: 1,602,711.50 shared 4 : 6 : 4 gives three repeating
    decimals, each kept to 28 digits; their sum is 1,602,711.4999… where the
    exact total is 1,602,711.50, which shows as 1,602,712."""
    parts = [Decimal("1602711.5") * w / 14 for w in (4, 6, 4)]
    assert sum(parts) < Decimal("1602711.5")
    assert rounded_total(parts) == 1602712


@given(st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**6))
def test_round_half_up_matches_exact_reference(value: Fraction):
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    for places in (0, 2):
        scaled = value * 10**places
        sign = 1 if scaled >= 0 else -1
        reference = sign * int(abs(scaled) + Fraction(1, 2))
        # Decimal division is exact to 28 digits; only the tie case needs exactness and
        # ties (k + 1/2) / 10**places are exact in Decimal.
        assert round_half_up(exact, places) == Decimal(reference).scaleb(-places)
