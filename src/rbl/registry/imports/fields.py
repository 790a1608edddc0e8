"""Parsers for the columns of the incoming files.

Each parser takes the stripped cell text (never empty: emptiness is handled by
the row validator) and returns a clean value or raises `FieldError` with a
Dutch reason.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rbl.core.bsn import bsn_error


class FieldError(ValueError):
    """A cell that cannot be read; the message is the Dutch reason."""


Parser = Callable[[str], Any]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE4 = re.compile(r"^\d{4}$")
_BRIN = re.compile(r"^[0-9A-Z]{4}$")
_VESTIGING = re.compile(r"^\d{2}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _weighted_sums(weights: tuple[int, int, int, int]) -> tuple[int, ...]:
    """The weighted digit sum of every number 0000-9999, in order (at start-up of
    every command: plain arithmetic, no string per number)."""
    a, b, c, d = weights
    digits = range(10)
    return tuple(
        a * i + b * j + c * k + d * m
        for i in digits
        for j in digits
        for k in digits
        for m in digits
    )


# The 11-test of rbl.core.bsn, split in two lookups of four digits each: the
# same answer for 9 ASCII digits, at a fraction of the cost per row.
_BSN_HI = _weighted_sums((9, 8, 7, 6))
_BSN_LO = _weighted_sums((5, 4, 3, 2))


def bsn(value: str) -> str:
    if (
        len(value) == 9
        and value.isascii()
        and value.isdigit()
        and (_BSN_HI[int(value[:4])] + _BSN_LO[int(value[4:8])] - int(value[8])) % 11 == 0
        and value != "000000000"
    ):
        return value
    reason = bsn_error(value)
    if reason:
        raise FieldError(reason)
    return value


# Valid dates seen before (birth dates repeat a lot in a big file); bounded.
_DATES: dict[str, dt.date] = {}
_DATES_MAX = 100_000


def date(value: str) -> dt.date:
    known = _DATES.get(value)
    if known is not None:
        return known
    day = _parse_date(value)
    if len(_DATES) < _DATES_MAX:
        _DATES[value] = day
    return day


def _parse_date(value: str) -> dt.date:
    if not _DATE.match(value):
        raise FieldError("datum moet de vorm JJJJ-MM-DD hebben")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise FieldError("datum bestaat niet") from None
    if day.year < 1900 or day.year > 2200:
        raise FieldError("datum ligt buiten het mogelijke bereik (1900–2200)")
    return day


def gemeentecode(value: str) -> str:
    if not _CODE4.match(value):
        raise FieldError("gemeentecode moet uit 4 cijfers bestaan (bijv. 0197)")
    return value


def brin(value: str) -> str:
    value = value.upper()
    if not _BRIN.match(value):
        raise FieldError("BRIN moet uit 4 letters of cijfers bestaan")
    return value


def vestiging(value: str) -> str:
    if not _VESTIGING.match(value):
        raise FieldError("vestiging moet uit 2 cijfers bestaan")
    return value


def _rule(name: str, **extra: Any) -> Callable[[Parser], Parser]:
    """Names the rule a parser applies, so the bulk path (bulk.py) can state it in SQL."""

    def mark(parse: Parser) -> Parser:
        parse.rule = name  # type: ignore[attr-defined]
        for key, value in extra.items():
            setattr(parse, key, value)
        return parse

    return mark


_rule("bsn")(bsn)
_rule("date")(date)
_rule("gemeentecode")(gemeentecode)
_rule("brin")(brin)
_rule("vestiging")(vestiging)


@_rule("yes_no")
def yes_no(value: str) -> bool:
    upper = value.upper()
    if upper == "J":
        return True
    if upper == "N":
        return False
    raise FieldError("waarde moet J of N zijn")


def choice(options: Iterable[str], *, upper: bool = True) -> Parser:
    allowed = tuple(options)

    def parse(value: str) -> str:
        candidate = value.upper() if upper else value
        if candidate not in allowed:
            raise FieldError(f"onbekende waarde; toegestaan: {', '.join(allowed)}")
        return candidate

    return _rule("choice", options=allowed, upper=upper)(parse)


def text(max_length: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise FieldError(f"tekst is langer dan {max_length} tekens")
        if _CONTROL.search(value):
            raise FieldError("tekst bevat ongeldige stuurtekens")
        return value

    # the row fast path and the bulk path use max_length
    return _rule("text", max_length=max_length)(parse)


#: The characters of a name in the BRP: the class [a-zA-Z0-9À-ž .'-] of the names
#: in the BRP API (Haal Centraal BRP bevragen: geslachtsnaam, voornamen, …; the
#: Latin letters with diacritics of the BRP's Teletex character set), without
#: the two signs in that range that are no letters (× and ÷).
NAME_CHARACTERS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + "".join(chr(c) for c in range(0xC0, 0x17F) if c not in (0xD7, 0xF7))
    + " .'-"
)
_NAME_CHARS = frozenset(NAME_CHARACTERS)


def name(max_length: int) -> Parser:
    """A person's or parent's name: text of the BRP's characters (so that no
    markup, formula or control character enters the registry as a name)."""

    def parse(value: str) -> str:
        if len(value) > max_length:
            raise FieldError(f"tekst is langer dan {max_length} tekens")
        for char in value:
            if char not in _NAME_CHARS:
                shown = f"het teken {char!r}" if char.isprintable() else "een stuurteken"
                raise FieldError(
                    f"naam bevat {shown}; een naam uit de BRP bestaat uit letters (ook met "
                    "accent), cijfers, spaties, koppeltekens, apostrofs en punten"
                )
        return value

    return _rule("name", max_length=max_length)(parse)


def integer(value: str) -> int:
    if not value.isdigit() or len(value) > 9:
        raise FieldError("moet een geheel getal (0 of meer) zijn")
    return int(value)


def decimal(value: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise FieldError("moet een getal zijn") from None
    if number < 0 or number != number or number > 1e9:
        raise FieldError("moet een getal van 0 of meer zijn")
    return number


@dataclass(frozen=True)
class Column:
    """One column of an incoming file."""

    name: str
    parse: Parser
    required: bool = False
    default: Any = None
