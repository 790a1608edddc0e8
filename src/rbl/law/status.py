"""The legal status of a youth on a date (R-12): a pure rule, no database.

The Leerplichtwet 1969 and the RMC rules divide a young life into periods:

- leerplichtig: from the first day of the month after the month of the 5th
  birthday, through 31 July of the school year (1 August - 31 July) in which
  the youth turns 16. (The law's alternative end after 12 full school years
  needs the school history and is not part of this rule.)
- kwalificatieplichtig: from the day after leerplicht ends through the day
  before the 18th birthday;
- RMC target group: from the 18th birthday through the day before the
  birthday of the RMC age limit in force on the day asked (23 unless the
  national table says otherwise, see :class:`RmcLimits`);
- otherwise no status ("geen").

The RMC age limit is data with a start date because the law is being
extended. On a day D a youth is in the RMC group when 18 <= age < limit(D),
where limit(D) is the limit in force on D itself, not the one in force when
the youth turned 18. So when the limit rises from 23 to 27 on day S, a
25-year-old who left the group at 23 is in it again from S (and not on
S - 1); when it falls, a youth above the new limit leaves the group on its
start date. The group can therefore be held in more than one stretch:
``DutyPeriods.rmc_periods`` lists them; ``rmc_vanaf`` is the first day of the
first and ``rmc_tot`` the last day of the last.

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
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

ONE_DAY = dt.timedelta(days=1)

#: The RMC age limit when the national table has no row: the 23rd birthday.
DEFAULT_RMC_AGE = 23
#: The bounds an RMC age limit must keep (the group starts at 18).
MIN_RMC_AGE = 19
MAX_RMC_AGE = 30

#: The last birth year for which every period still fits in Python's calendar
#: (with the default RMC age limit; a higher limit lowers it, see duty_periods).
MAX_BIRTH_YEAR = dt.MAXYEAR - (DEFAULT_RMC_AGE + 1)
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


def check_rmc_age(age: int) -> None:
    """Raises ImpossibleDate (field "leeftijd") for an age outside MIN..MAX_RMC_AGE."""
    if not MIN_RMC_AGE <= age <= MAX_RMC_AGE:
        raise ImpossibleDate(
            "leeftijd",
            f"de leeftijdsgrens van de RMC-doelgroep moet tussen {MIN_RMC_AGE} en "
            f"{MAX_RMC_AGE} jaar liggen",
        )


@dataclass(frozen=True)
class RmcLimits:
    """The schedule of the RMC age limit: `base` until the first change, then
    each change ``(valid_from, age)`` from its start date on. `changes` are
    sorted by date, one per date. The default (no changes, base 23) is the
    law as it was before the extension."""

    base: int = DEFAULT_RMC_AGE
    changes: tuple[tuple[dt.date, int], ...] = ()

    def __post_init__(self) -> None:
        check_rmc_age(self.base)
        for _, age in self.changes:
            check_rmc_age(age)
        days = [day for day, _ in self.changes]
        if days != sorted(set(days)):
            raise ValueError("RMC age limit changes must be sorted with one per date")

    @classmethod
    def of(cls, rows: Iterable[tuple[dt.date, int]], base: int = DEFAULT_RMC_AGE) -> RmcLimits:
        """The schedule of (valid_from, age) rows in any order."""
        return cls(base=base, changes=tuple(sorted(rows)))

    def age_on(self, day: dt.date) -> int:
        """The RMC age limit in force on `day`."""
        age = self.base
        for valid_from, changed in self.changes:
            if valid_from > day:
                break
            age = changed
        return age

    @property
    def highest(self) -> int:
        return max([self.base, *(age for _, age in self.changes)])

    def segments(self) -> list[tuple[dt.date | None, dt.date | None, int]]:
        """(first day or None, last day or None, age): the stretches of one limit."""
        out: list[tuple[dt.date | None, dt.date | None, int]] = []
        start: dt.date | None = None
        age = self.base
        for valid_from, changed in self.changes:
            out.append((start, valid_from - ONE_DAY, age))
            start, age = valid_from, changed
        out.append((start, None, age))
        return out


#: The law without the extension: the RMC group ends on the 23rd birthday.
DEFAULT_RMC_LIMITS = RmcLimits()


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
    #: The stretches (first, last day, inclusive) in the RMC group; more than
    #: one only when the age limit changed (see RmcLimits).
    rmc_periods: tuple[tuple[dt.date, dt.date], ...] = ()

    def status_on(self, day: dt.date) -> LegalStatus:
        if self.leerplicht_vanaf <= day <= self.leerplicht_tot:
            return LegalStatus.LEERPLICHTIG
        if _within(day, self.kwalificatieplicht_vanaf, self.kwalificatieplicht_tot):
            return LegalStatus.KWALIFICATIEPLICHTIG
        if any(start <= day <= end for start, end in self.rmc_periods):
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


def _rmc_periods(
    birth_date: dt.date, startkwalificatie: dt.date | None, limits: RmcLimits
) -> tuple[tuple[dt.date, dt.date], ...]:
    """The stretches in the RMC group: per stretch of one age limit, the days
    from the 18th birthday through the day before that limit's birthday,
    all cut off by the startkwalificatie; adjoining stretches joined."""
    eighteen = birthday(birth_date, 18)
    out: list[tuple[dt.date, dt.date]] = []
    for seg_start, seg_end, age in limits.segments():
        start = eighteen if seg_start is None else max(eighteen, seg_start)
        end = birthday(birth_date, age) - ONE_DAY
        if seg_end is not None:
            end = min(end, seg_end)
        start_cut, end_cut = _cut(start, end, startkwalificatie)
        if start_cut is None or end_cut is None:
            continue
        if out and out[-1][1] + ONE_DAY == start_cut:
            out[-1] = (out[-1][0], end_cut)
        else:
            out.append((start_cut, end_cut))
    return tuple(out)


def max_birth_year(limits: RmcLimits = DEFAULT_RMC_LIMITS) -> int:
    """The last birth year for which every period fits in Python's calendar."""
    return dt.MAXYEAR - (max(DEFAULT_RMC_AGE, limits.highest) + 1)


def duty_periods(
    birth_date: dt.date,
    startkwalificatie: dt.date | None = None,
    limits: RmcLimits = DEFAULT_RMC_LIMITS,
) -> DutyPeriods:
    """The periods of R-12 for one youth, with the RMC age limit of `limits`.

    Raises ImpossibleDate (a ValueError with a Dutch reason) for a birth date beyond
    max_birth_year(limits) or a startkwalificatie before the birth date.
    """
    last_year = max_birth_year(limits)
    if birth_date.year > last_year:
        raise ImpossibleDate(
            "geboortedatum", f"de geboortedatum moet vóór het jaar {last_year + 1} liggen"
        )
    if startkwalificatie is not None and startkwalificatie < birth_date:
        raise ImpossibleDate(
            "startkwalificatie", "de startkwalificatie kan niet vóór de geboortedatum liggen"
        )

    leerplicht_vanaf = first_of_next_month(birthday(birth_date, 5))
    leerplicht_tot = school_year_end(birthday(birth_date, 16))
    eighteen = birthday(birth_date, 18)
    kp_vanaf, kp_tot = _cut(leerplicht_tot + ONE_DAY, eighteen - ONE_DAY, startkwalificatie)
    rmc = _rmc_periods(birth_date, startkwalificatie, limits)
    return DutyPeriods(
        birth_date=birth_date,
        startkwalificatie=startkwalificatie,
        leerplicht_vanaf=leerplicht_vanaf,
        leerplicht_tot=leerplicht_tot,
        kwalificatieplicht_vanaf=kp_vanaf,
        kwalificatieplicht_tot=kp_tot,
        rmc_vanaf=rmc[0][0] if rmc else None,
        rmc_tot=rmc[-1][1] if rmc else None,
        rmc_periods=rmc,
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
    birth_date: dt.date,
    peildatum: dt.date,
    startkwalificatie: dt.date | None = None,
    limits: RmcLimits = DEFAULT_RMC_LIMITS,
) -> StatusOnDate:
    """The status of R-12 of a youth on `peildatum`."""
    periods = duty_periods(birth_date, startkwalificatie, limits)
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


def rmc_birth_range(peildatum: dt.date, limits: RmcLimits = DEFAULT_RMC_LIMITS) -> BirthRange:
    """Birth dates of everyone of RMC age on `peildatum` (18 up to the limit in
    force that day); whether they hold a startkwalificatie is for the query."""
    _check_range_date(peildatum)
    earliest = earliest_birth_reaching(limits.age_on(peildatum), peildatum + ONE_DAY)
    return BirthRange(earliest, earliest_birth_reaching(18, peildatum + ONE_DAY) - ONE_DAY)
