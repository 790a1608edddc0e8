"""The bands the dashboard counts in: how long a case has been open, and how
old its youth is. The case lists filter on the same bands (`duur`,
`leeftijd`), so a number on the dashboard and the list behind it agree."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from rbl.law.status import earliest_birth_reaching


@dataclass(frozen=True)
class Band:
    key: str
    label: str
    low: int  # inclusive lower bound (days open, or years of age)
    high: int | None  # exclusive upper bound; None = no upper bound


# How long a case is open, in days since `opened_on` (today counts as day 0).
DURATION_BANDS: tuple[Band, ...] = (
    Band("0-4w", "korter dan 4 weken", 0, 28),
    Band("4w-3m", "4 weken tot 3 maanden", 28, 91),
    Band("3-6m", "3 tot 6 maanden", 91, 182),
    Band("6-12m", "6 tot 12 maanden", 182, 365),
    Band("1j+", "een jaar of langer", 365, None),
)

# The youth's age on the day counted: primary school, lower and upper
# secondary, and the RMC ages. Ages outside 5-23 fall in "overig".
AGE_BANDS: tuple[Band, ...] = (
    Band("5-11", "5 tot en met 11 jaar", 5, 12),
    Band("12-15", "12 tot en met 15 jaar", 12, 16),
    Band("16-17", "16 en 17 jaar", 16, 18),
    Band("18-23", "18 tot en met 23 jaar", 18, 24),
    Band("overig", "jonger dan 5 of ouder dan 23", 0, None),
)

DURATION_BY_KEY = {b.key: b for b in DURATION_BANDS}
AGE_BY_KEY = {b.key: b for b in AGE_BANDS}


def duration_q(key: str, today: dt.date, field: str = "opened_on") -> Q:
    """Cases in duration band `key` on `today`."""
    band = DURATION_BY_KEY[key]
    q = Q(**{f"{field}__lte": today - dt.timedelta(days=band.low)})
    if band.high is not None:
        q &= Q(**{f"{field}__gt": today - dt.timedelta(days=band.high)})
    return q


def _age_at_least(age: int, today: dt.date, field: str) -> Q:
    # Age >= `age` on `today` <=> the `age`-th birthday is on or before today.
    return Q(**{f"{field}__lt": earliest_birth_reaching(age, today + dt.timedelta(days=1))})


def age_q(key: str, today: dt.date, field: str = "person__birth_date") -> Q:
    """Cases (or persons, with `field="birth_date"`) in age band `key` on `today`."""
    band = AGE_BY_KEY[key]
    if key == "overig":
        return ~_age_at_least(5, today, field) | _age_at_least(24, today, field)
    q = _age_at_least(band.low, today, field)
    if band.high is not None:
        q &= ~_age_at_least(band.high, today, field)
    return q
