"""Reading and writing dates the way users of the command line see them."""

from __future__ import annotations

import datetime as dt
import re

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def parse_date(value: str) -> dt.date:
    """A YYYY-MM-DD date; ValueError with a Dutch reason otherwise."""
    text = value.strip()
    if not _ISO_DATE.fullmatch(text):
        raise ValueError("geen datum in de vorm JJJJ-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("deze datum bestaat niet") from None


def dutch_date(day: dt.date) -> str:
    """E.g. '1 augustus 2024'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
