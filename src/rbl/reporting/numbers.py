"""Values of the yearly figures as people type and read them: a decimal comma
or point in, a decimal comma out. Used by the national reference upload and
the targets form, so both accept and refuse exactly the same numbers."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rbl.reporting.definitions import figure, target_keys
from rbl.reporting.models import VALUE_DECIMALS, VALUE_DIGITS

_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
_LIMIT = Decimal(10) ** (VALUE_DIGITS - VALUE_DECIMALS)


def known_keys() -> dict[str, str]:
    """Every key a reference figure or target can have, with its label."""
    return dict(target_keys())


def parse_value(text: str, key: str) -> Decimal:
    """The value of figure `key` typed as `text` ("12,5", "12.5", "40").

    Raises ValueError with a Dutch reason (without line or field: the caller
    names those)."""
    raw = (text or "").strip().replace(" ", "").replace("\u00a0", "")
    if not raw:
        raise ValueError("er staat geen waarde")
    if not _NUMBER.match(raw):
        raise ValueError(
            f"'{text.strip()}' is geen getal; schrijf bijvoorbeeld 12,5 of 12.5 "
            "(zonder scheidingsteken voor duizendtallen)"
        )
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(f"'{text.strip()}' is geen getal") from None
    if value < 0:
        raise ValueError("een waarde kan niet negatief zijn")
    if value >= _LIMIT:
        raise ValueError(f"'{text.strip()}' is te groot")
    if -value.as_tuple().exponent > VALUE_DECIMALS:
        raise ValueError(f"'{text.strip()}' heeft meer dan {VALUE_DECIMALS} decimalen")
    if not figure(key).is_rate and value != value.to_integral_value():
        raise ValueError(f"'{text.strip()}' is geen heel getal, en dit cijfer is een aantal")
    return value


def format_value(key: str, value: Decimal | int | float | None) -> str:
    """`value` the Dutch way: a decimal comma, at least the figure's decimals,
    no trailing zeros beyond them, a point between thousands ("1.234,5")."""
    if value is None:
        return ""
    number = Decimal(str(value))
    decimals = figure(key).decimals if figure(key).is_rate else 0
    exponent = number.normalize().as_tuple().exponent
    places = max(decimals, -exponent if isinstance(exponent, int) and exponent < 0 else 0)
    text = f"{number:,.{places}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def input_value(value: Decimal | None) -> str:
    """`value` as it is put back into a form field: a decimal comma, no thousands."""
    if value is None:
        return ""
    number = Decimal(value).normalize()
    text = f"{number:f}"
    return text.replace(".", ",")
