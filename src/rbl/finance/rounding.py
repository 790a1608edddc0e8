"""Display rounding of finance figures (finance.md, "Rounding").

Everything is computed unrounded; only what is shown is rounded, half up as
Dutch finance does (€50,570.50 shows as €50,571): fte to 2 decimals, euros
to whole euros, percentages to 2 decimals. A total is the rounded sum of the
unrounded parts, never the sum of rounded parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

FTE_PLACES = 2
EURO_PLACES = 0
PERCENT_PLACES = 2


def to_decimal(value: Decimal | int | float) -> Decimal:
    """A Decimal for any number; floats by their shortest repr (0.1 → 0.1)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_half_up(value: Decimal | int | float, places: int = 0) -> Decimal:
    """Round half away from zero to `places` decimals (2.5 → 3, -2.5 → -3)."""
    exponent = Decimal(1).scaleb(-places)
    return to_decimal(value).quantize(exponent, rounding=ROUND_HALF_UP)


def euros(value: Decimal | int | float) -> Decimal:
    return round_half_up(value, EURO_PLACES)


def fte(value: Decimal | int | float) -> Decimal:
    return round_half_up(value, FTE_PLACES)


def percentage(share: Decimal | int | float) -> Decimal:
    """A share (0.15) as a rounded percentage (15.00)."""
    return round_half_up(to_decimal(share) * 100, PERCENT_PLACES)


# Unrounded parts are divisions kept to Decimal's 28 digits; their sum may miss an
# exact half by 1e-22 (three shares of 1,602,711.50 summed to ...711.4999...).
# A total is snapped this many places below what it shows before it is rounded.
_SNAP_PLACES = 9


def rounded_total(parts: Iterable[Decimal], places: int = 0) -> Decimal:
    """The rounded sum of unrounded parts (the convention for every total)."""
    total = sum(parts, Decimal(0))
    snapped = total.quantize(Decimal(1).scaleb(-(places + _SNAP_PLACES)), rounding=ROUND_HALF_UP)
    return round_half_up(snapped, places)


def format_number(value: Decimal | int | float, places: int) -> str:
    """Dutch notation after rounding half up: 50570.5 → '50.571', 0.296 → '0,30'."""
    rounded = round_half_up(value, places)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    text = f"{rounded:,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_euro(value: Decimal | int | float) -> str:
    text = format_number(value, EURO_PLACES)
    return f"€ -{text[1:]}" if text.startswith("-") else f"€ {text}"


def format_cents(value: Decimal | int | float) -> str:
    text = format_number(value, 2)
    return f"€ -{text[1:]}" if text.startswith("-") else f"€ {text}"


def format_fte(value: Decimal | int | float) -> str:
    return format_number(value, FTE_PLACES)


def format_percentage(share: Decimal | int | float) -> str:
    return f"{format_number(to_decimal(share) * 100, PERCENT_PLACES)} %"
