"""The legal status of a youth on a date (R-12): a pure rule, no database.

The Leerplichtwet 1969 and the RMC rules divide a young life into periods:

- leerplichtig: from the first day of the month after the month of the 5th
  birthday, through 31 July of the school year (1 August - 31 July) in which
  the youth turns 16. (The law's alternative end after 12 full school years
  needs the school history and is not part of this rule.)
- kwalificatieplichtig: from the day after leerplicht ends through the day
  before the 18th birthday;
- RMC target group: from the 18th birthday through the day before the 23rd;
- otherwise no status ("geen").

A startkwalificatie obtained on day S ends kwalificatieplicht and RMC: from S
on the youth is neither. It never shortens leerplicht. Every ``*_tot`` date
below is the last day on which the status is actually held (inclusive), so a
startkwalificatie that cuts a period short makes its ``_tot`` equal to S - 1
day; when it cuts the period away entirely (S on or before the period's first
day) the ``_tot`` is None, exactly as for a status that never applies.

Someone born on 29 February reaches an age in a year without that day on
1 March, as Dutch law counts.

For set-based checks, :func:`duty_birth_range` and :func:`leerplicht_birth_range`
turn the rule around: for a check date they give the birth dates for which a
youth is leerplichtig (or kwalificatieplichtig) on that date, so a query can
filter with ``birth_date BETWEEN`` instead of evaluating persons one by one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

ONE_DAY = dt.timedelta(days=1)

#: The last birth year for which every period still fits in Python's calendar.
MAX_BIRTH_YEAR = dt.MAXYEAR - 24
#: Check dates before this year cannot be turned into a birth range.
MIN_CHECK_YEAR = 100


class ImpossibleDate(ValueError):
    """A date the rule cannot work with; `field` names the input, `reason` is Dutch."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class LegalStatus(StrEnum):
    """The status of R-12, with the values of the command-line contract."""

    LEERPLICHTIG = "leerplichtig"
    KWALIFICATIEPLICHTIG = "kwalificatieplichtig"
    RMC = "rmc"
    GEEN = "geen"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    LegalStatus.LEERPLICHTIG: "leerplichtig",
    LegalStatus.KWALIFICATIEPLICHTIG: "kwalificatieplichtig",
    LegalStatus.RMC: "RMC-doelgroep",
    LegalStatus.GEEN: "geen leerplicht, kwalificatieplicht of RMC",
}


def birthday(birth_date: dt.date, age: int) -> dt.date:
    """The day on which someone born on `birth_date` reaches `age`.

    29 February falls on 1 March in a year without that day.
    """
    year = birth_date.year + age
    try:
        return birth_date.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1)


def first_of_next_month(day: dt.date) -> dt.date:
    if day.month == 12:
        return dt.date(day.year + 1, 1, 1)
    return dt.date(day.year, day.month + 1, 1)


def school_year_end(day: dt.date) -> dt.date:
    """31 July that ends the school year (1 August - 31 July) containing `day`."""
    return dt.date(day.year + 1 if day.month >= 8 else day.year, 7, 31)


def school_year_start(day: dt.date) -> dt.date:
    """1 August that starts the school year containing `day`."""
    return dt.date(day.year if day.month >= 8 else day.year - 1, 8, 1)


@dataclass(frozen=True)
class DutyPeriods:
    """The periods of one youth's life, given the birth date and (optionally)
    the date a startkwalificatie was obtained. All bounds are inclusive;
    None means the period never applies."""

    birth_date: dt.date
    startkwalificatie: dt.date | None
    leerplicht_vanaf: dt.date
    leerplicht_tot: dt.date
    kwalificatieplicht_vanaf: dt.date | None
    kwalificatieplicht_tot: dt.date | None
    rmc_vanaf: dt.date | None
    rmc_tot: dt.date | None

    def status_on(self, day: dt.date) -> LegalStatus:
        if self.leerplicht_vanaf <= day <= self.leerplicht_tot:
            return LegalStatus.LEERPLICHTIG
        if _within(day, self.kwalificatieplicht_vanaf, self.kwalificatieplicht_tot):
            return LegalStatus.KWALIFICATIEPLICHTIG
        if _within(day, self.rmc_vanaf, self.rmc_tot):
            return LegalStatus.RMC
        return LegalStatus.GEEN


def _within(day: dt.date, start: dt.date | None, end: dt.date | None) -> bool:
    return start is not None and end is not None and start <= day <= end


def _cut(start: dt.date, end: dt.date, startkwalificatie: dt.date | None):
    """The period start..end as held by a youth who obtained a startkwalificatie:
    it ends the day before the diploma, or vanishes when the diploma came first."""
    if startkwalificatie is not None and startkwalificatie <= end:
        end = startkwalificatie - ONE_DAY
    if end < start:
        return None, None
    return start, end


def duty_periods(birth_date: dt.date, startkwalificatie: dt.date | None = None) -> DutyPeriods:
    """The periods of R-12 for one youth.

    Raises ImpossibleDate (a ValueError with a Dutch reason) for a birth date beyond
    MAX_BIRTH_YEAR or a startkwalificatie before the birth date.
    """
    if birth_date.year > MAX_BIRTH_YEAR:
        raise ImpossibleDate(
            "geboortedatum", f"de geboortedatum moet vóór het jaar {MAX_BIRTH_YEAR + 1} liggen"
        )
    if startkwalificatie is not None and startkwalificatie < birth_date:
        raise ImpossibleDate(
            "startkwalificatie", "de startkwalificatie kan niet vóór de geboortedatum liggen"
        )

    leerplicht_vanaf = first_of_next_month(birthday(birth_date, 5))
    leerplicht_tot = school_year_end(birthday(birth_date, 16))
    eighteen = birthday(birth_date, 18)
    kp_vanaf, kp_tot = _cut(leerplicht_tot + ONE_DAY, eighteen - ONE_DAY, startkwalificatie)
    rmc_vanaf, rmc_tot = _cut(eighteen, birthday(birth_date, 23) - ONE_DAY, startkwalificatie)
    return DutyPeriods(
        birth_date=birth_date,
        startkwalificatie=startkwalificatie,
        leerplicht_vanaf=leerplicht_vanaf,
        leerplicht_tot=leerplicht_tot,
        kwalificatieplicht_vanaf=kp_vanaf,
        kwalificatieplicht_tot=kp_tot,
        rmc_vanaf=rmc_vanaf,
        rmc_tot=rmc_tot,
    )


@dataclass(frozen=True)
class StatusOnDate:
    """The answer of `rbl status`: the status on the peildatum plus the periods."""

    peildatum: dt.date
    status: LegalStatus
    periods: DutyPeriods

    def as_json(self) -> dict[str, str | None]:
        """The JSON object of the command-line contract (dates as YYYY-MM-DD)."""
        p = self.periods
        return {
            "status": self.status.value,
            "leerplicht_vanaf": p.leerplicht_vanaf.isoformat(),
            "leerplicht_tot": p.leerplicht_tot.isoformat(),
            "kwalificatieplicht_tot": _iso(p.kwalificatieplicht_tot),
            "rmc_tot": _iso(p.rmc_tot),
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def status_on(
    birth_date: dt.date, peildatum: dt.date, startkwalificatie: dt.date | None = None
) -> StatusOnDate:
    """The status of R-12 of a youth on `peildatum`."""
    periods = duty_periods(birth_date, startkwalificatie)
    return StatusOnDate(peildatum=peildatum, status=periods.status_on(peildatum), periods=periods)


# --- the rule turned around: birth-date ranges for one check date -------------


@dataclass(frozen=True)
class BirthRange:
    """Birth dates `earliest` .. `latest`, both inclusive."""

    earliest: dt.date
    latest: dt.date

    def __contains__(self, birth_date: object) -> bool:
        return isinstance(birth_date, dt.date) and self.earliest <= birth_date <= self.latest


def earliest_birth_reaching(age: int, day: dt.date) -> dt.date:
    """The earliest birth date whose `age`-th birthday falls on or after `day`.

    `birthday(b, age)` never decreases as `b` grows; the same calendar date
    `age` years back is right except around 29 February, which the two
    one-step corrections settle.
    """
    try:
        candidate = day.replace(year=day.year - age)
    except ValueError:  # 29 February in a common year
        candidate = dt.date(day.year - age, 3, 1)
    while birthday(candidate - ONE_DAY, age) >= day:
        candidate -= ONE_DAY
    while birthday(candidate, age) < day:
        candidate += ONE_DAY
    return candidate


def _check_range_date(peildatum: dt.date) -> None:
    if peildatum.year < MIN_CHECK_YEAR:
        raise ImpossibleDate(
            "peildatum", f"de peildatum moet in of na het jaar {MIN_CHECK_YEAR} liggen"
        )


def _latest_birth_leerplichtig_from(peildatum: dt.date) -> dt.date:
    # leerplicht_vanaf(b) <= D  <=>  5th birthday before the first of D's month.
    first_of_month = peildatum.replace(day=1)
    return earliest_birth_reaching(5, first_of_month) - ONE_DAY


def leerplicht_birth_range(peildatum: dt.date) -> BirthRange:
    """Birth dates of everyone who is leerplichtig on `peildatum`.

    Leerplicht does not depend on a startkwalificatie.
    """
    _check_range_date(peildatum)
    # leerplicht_tot(b) >= D  <=>  the 16th birthday falls in D's school year or later
    #                         <=>  b >= 1 August, 16 years before that school year began.
    earliest = dt.date(school_year_start(peildatum).year - 16, 8, 1)
    return BirthRange(earliest, _latest_birth_leerplichtig_from(peildatum))


def duty_birth_range(peildatum: dt.date) -> BirthRange:
    """Birth dates of everyone who, without a startkwalificatie, is leerplichtig
    or kwalificatieplichtig on `peildatum` (the two periods join without a gap).

    Those born in this range but before ``leerplicht_birth_range(D).earliest``
    are kwalificatieplichtig on D unless they hold a startkwalificatie obtained
    on or before D.
    """
    _check_range_date(peildatum)
    # peildatum <= day before the 18th birthday  <=>  18th birthday >= D + 1.
    earliest = earliest_birth_reaching(18, peildatum + ONE_DAY)
    return BirthRange(earliest, _latest_birth_leerplichtig_from(peildatum))
