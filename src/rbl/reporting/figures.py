"""The yearly figures of `definitions.FIGURES`, counted from dated facts.

`count_year` counts one school year for a list of municipalities and, by its
own count over the same facts, for the region: every fact is attributed to
one municipality at its own date (the principal of the case on that day, the
residence on 1 October), so the region equals the sum of its municipalities,
which the tests hold it to. A figure that counts facts is one grouped query
per set of facts; the region's count is taken in the same statement on
PostgreSQL (GROUPING SETS), by a query of its own elsewhere (`_Counter`). A
closed school year is served from its snapshot (`snapshots.py`), never
counted again.

Each figure is a handful of grouped aggregates; nothing here loops over
persons or cases in Python except the thuiszitters, whose "on any day of the
year" needs a few dates per case (at most a few thousand cases per region).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from rbl.cases.models import (
    Case,
    CaseType,
    ClosingReason,
    Handhaving,
    HandhavingKind,
    LeaveDecider,
    LeaveDecision,
    LeaveRequest,
    VerzuimMelding,
    VsvMelding,
)
from rbl.cases.models.case import RELATIEF_TYPES
from rbl.cases.models.principal import PrincipalPeriod, principal_at
from rbl.cases.services.exemptions import _add_months
from rbl.law.limits import rmc_limits
from rbl.law.status import duty_birth_range, leerplicht_birth_range
from rbl.organisation.models import Municipality
from rbl.registry.models import Diploma, Enrolment, Exemption, Residence
from rbl.registry.residence import history_starts_on
from rbl.reporting.definitions import (
    BY_KEY,
    COUNTS,
    GRONDEN,
    RATES,
    REGION_ONLY,
    SOORTEN,
    VERSION,
    SchoolYear,
)

VERZUIM_TYPES = (
    CaseType.ABSOLUUT,
    CaseType.RELATIEF_16UUR,
    CaseType.LUXE,
    CaseType.SIGNAAL,
    CaseType.OVERIG,
    CaseType.LANGDURIG,
)
#: Closing reasons of an RMC traject, by outcome.
RMC_SCHOOL = (
    ClosingReason.TERUG_NAAR_SCHOOL,
    ClosingReason.ANDERE_OPLEIDING,
    ClosingReason.INGESCHREVEN,
)
RMC_WORK = (ClosingReason.WERK,)
#: Weeks of relatief verzuim after which a youth is a thuiszitter (R-25).
THUISZITTER_WEEKS = 4
THUISZITTER_LONG_MONTHS = 3


class Completeness:
    COMPLETE = "volledig"
    PARTIAL = "onvolledig"
    NONE = "geen gegevens"


@dataclass
class YearFigures:
    """One school year's figures: per municipality and for the region."""

    school_year: SchoolYear
    made_at: dt.datetime
    names: dict[str, str]
    municipalities: dict[str, dict[str, Any]]
    region: dict[str, Any]
    completeness: str = Completeness.COMPLETE
    version: str = VERSION
    closed: bool = False
    closed_at: dt.datetime | None = None
    closed_by: str = ""
    notes: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    @property
    def outside_notes(self) -> list[str]:
        """Why some municipalities' population is unknown, in Dutch."""
        return [
            f"{self.names.get(code, code)} nam op {self.school_year.count_day:%d-%m-%Y} niet "
            "deel aan de regionale administratie (bouwsteen 1): RBL heeft de inwoners van die "
            "gemeente niet, dus het aantal leerplichtigen en de verhoudingscijfers zijn daar "
            "onbekend. De zaken die het regionale team er wel voor deed, zijn meegeteld."
            for code in self.outside
        ]

    def as_json(self) -> dict[str, Any]:
        """The shape of `rbl rapport art25 --json` (interfaces.md)."""
        return {
            "schooljaar": str(self.school_year),
            "gemaakt_op": self.made_at.isoformat(timespec="seconds"),
            "definities_versie": self.version,
            "vastgesteld": self.closed,
            "vastgesteld_op": (
                self.closed_at.isoformat(timespec="seconds") if self.closed_at else None
            ),
            "volledigheid": self.completeness,
            "gemeenten": {
                code: {"naam": self.names.get(code, code), **values}
                for code, values in self.municipalities.items()
            },
            "regio": dict(self.region),
            # Municipalities outside the regional administration (block 1) on
            # 1 October: their population is unknown, not 0.
            "buiten_administratie": list(self.outside),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> YearFigures:
        municipalities = {
            code: {k: v for k, v in values.items() if k != "naam"}
            for code, values in data["gemeenten"].items()
        }
        return cls(
            school_year=SchoolYear.parse(data["schooljaar"]),
            made_at=dt.datetime.fromisoformat(data["gemaakt_op"]),
            names={code: values.get("naam", code) for code, values in data["gemeenten"].items()},
            municipalities=municipalities,
            region=dict(data["regio"]),
            completeness=data.get("volledigheid", Completeness.COMPLETE),
            outside=list(data.get("buiten_administratie", [])),
            version=data.get("definities_versie", VERSION),
            closed=bool(data.get("vastgesteld")),
            closed_at=(
                dt.datetime.fromisoformat(data["vastgesteld_op"])
                if data.get("vastgesteld_op")
                else None
            ),
        )

    def select(self, codes: Iterable[str]) -> YearFigures:
        """The same figures for fewer municipalities (the region stays the region)."""
        wanted = [c for c in codes if c in self.municipalities]
        return YearFigures(
            school_year=self.school_year,
            made_at=self.made_at,
            names={c: self.names[c] for c in wanted},
            municipalities={c: self.municipalities[c] for c in wanted},
            region=self.region,
            completeness=self.completeness,
            version=self.version,
            closed=self.closed,
            closed_at=self.closed_at,
            closed_by=self.closed_by,
            notes=list(self.notes),
            outside=[c for c in self.outside if c in wanted],
        )


# -- where a fact belongs -------------------------------------------------------


def at_principal(qs: QuerySet, date_field: str, case: str | None = "case") -> QuerySet:
    """`qs` (dated facts of cases) annotated with `gemeente`: the principal of
    the fact's case on the fact's own date (`rbl.cases.models.principal_at`)."""
    return principal_at(qs, date_field, case=case, name="gemeente")


def residences_on(day: dt.date) -> QuerySet[Residence]:
    """The residences that cover `day`, annotated with `gemeente`: one per
    person who lived in the region that day. Filters on the person go through
    `person__`, which joins the person once."""
    return Residence.objects.on(day).annotate(gemeente=F("municipality_id"))


# -- counting -------------------------------------------------------------------


def _in_year(field: str, year: SchoolYear, until: dt.date) -> Q:
    return Q(**{f"{field}__gte": year.start, f"{field}__lte": min(year.end, until)})


class _Counter:
    """Collects per-municipality and regional values for one school year.

    A figure that counts facts is counted per municipality by one grouped
    query per set of facts, and for the region by its own count: COUNT
    (DISTINCT) over the same facts, not grouped by municipality and, when the
    region is every municipality there is, not restricted to one either. So a
    fact that got no municipality, or two, makes the region differ from the
    sum of its municipalities, and the tests would see it. On PostgreSQL both
    come from one statement (`_tally_in_one`), which reads the facts once."""

    def __init__(self, codes: list[str], *, everywhere: bool = False) -> None:
        self.codes = codes
        self.everywhere = everywhere  # `codes` holds every municipality
        self.per: dict[str, dict[str, Any]] = {c: {} for c in codes}
        self.region: dict[str, Any] = {}
        # Counts made by another figure's query, stored later in their own section.
        self.held: dict[str, dict[str, int]] = {}
        # The region's own counts of the figures counted by `counts`.
        self.own: dict[str, int] = {}

    def _region_rows(self, qs: QuerySet) -> QuerySet:
        return qs if self.everywhere else qs.filter(gemeente__in=self.codes)

    def _tally(
        self,
        qs: QuerySet,
        figures: dict[str, Q | None],
        group: str | None = None,
        *,
        distinct: bool = True,
    ) -> tuple[dict[tuple[str, Any], dict[str, int]], dict[Any, dict[str, int]]]:
        """The rows of `qs` (annotated with `gemeente`) that match each figure's
        condition (None: all rows), per (municipality of `codes`, value of
        `group`), and the region's own count per value of `group`: COUNT
        (DISTINCT pk) over the region's rows (`_region_rows`), or COUNT(pk)
        when `distinct` is False, for rows that are each a fact of their own.

        On PostgreSQL in one statement, GROUPING SETS ((gemeente, group),
        (group)) over the ORM's rows, so the facts are read once; elsewhere a
        grouped query and the region's query."""
        region_rows = self._region_rows(qs).order_by()
        by = [group] if group else []
        if connections[region_rows.db].vendor == "postgresql":
            return self._tally_in_one(region_rows, figures, by, distinct)
        per: dict[tuple[str, Any], dict[str, int]] = {}
        rows = (
            qs.filter(gemeente__in=self.codes)
            .values("gemeente", *by)
            .annotate(**{key: Count("pk", filter=cond) for key, cond in figures.items()})
            .order_by()
        )
        for row in rows:
            counts = per.setdefault((row["gemeente"], row[group] if group else None), {})
            for key in figures:
                counts[key] = counts.get(key, 0) + row[key]
        region: dict[Any, dict[str, int]] = {}
        own = {key: Count("pk", filter=cond, distinct=distinct) for key, cond in figures.items()}
        if group:
            for row in region_rows.values(group).annotate(**own).order_by():
                region[row[group]] = {key: row[key] for key in figures}
        else:
            region[None] = region_rows.aggregate(**own)
        return per, region

    def _tally_in_one(
        self, rows: QuerySet, figures: dict[str, Q | None], by: list[str], distinct: bool
    ) -> tuple[dict[tuple[str, Any], dict[str, int]], dict[Any, dict[str, int]]]:
        flags = {
            f"_figure_{i}": ExpressionWrapper(cond, output_field=BooleanField())
            for i, cond in enumerate(figures.values())
            if cond is not None
        }
        sql, params = (
            rows.annotate(**flags)
            .values_list("pk", "gemeente", *by, *flags)
            .query.sql_with_params()
        )
        columns = ["fact", "gemeente", *(["grp"] if by else []), *flags]
        per_counts, region_counts = [], []
        for i, cond in enumerate(figures.values()):
            only = f" FILTER (WHERE _figure_{i})" if cond is not None else ""
            per_counts.append(f"COUNT(*){only}")
            region_counts.append(f"COUNT({'DISTINCT ' if distinct else ''}fact){only}")
        grp = ", grp" if by else ""
        statement = (
            f"SELECT GROUPING(gemeente), gemeente{grp}, {', '.join(per_counts + region_counts)} "
            f"FROM ({sql}) AS facts ({', '.join(columns)}) "
            f"GROUP BY GROUPING SETS ((gemeente{grp}), ({grp.lstrip(', ')}))"
        )
        wanted = set(self.codes)
        n = len(figures)
        per: dict[tuple[str, Any], dict[str, int]] = {}
        region: dict[Any, dict[str, int]] = {}
        with connections[rows.db].cursor() as cursor:  # the replica, for a report
            cursor.execute(statement, params)
            for row in cursor.fetchall():
                whole, code, value = row[0], row[1], row[2] if by else None
                counts = row[3:] if by else row[2:]
                if whole:
                    region[value] = dict(zip(figures, counts[n:], strict=True))
                elif code in wanted:
                    per[code, value] = dict(zip(figures, counts[:n], strict=True))
        return per, region

    def counts(
        self, qs: QuerySet, *, distinct: bool = True, **figures: Q | None
    ) -> dict[str, dict[str, int]]:
        """Per figure, the rows of `qs` (annotated with `gemeente`) that match
        its condition (None: all rows) per municipality of `codes`; the
        region's own counts are kept for `values`."""
        per, region = self._tally(qs, figures, distinct=distinct)
        out: dict[str, dict[str, int]] = {key: defaultdict(int) for key in figures}
        for (code, _), counts in per.items():
            for key in figures:
                out[key][code] += counts[key]
        totals = region.get(None, {})
        self.own.update({key: totals.get(key, 0) for key in figures})
        return out

    def simple(self, key: str, qs: QuerySet, *, distinct: bool = True) -> None:
        per = self.counts(qs, distinct=distinct, n=None)["n"]
        self.values(key, per, self.own.pop("n"))

    def by_code(self, key: str, qs: QuerySet, field: str, codes: Iterable[str]) -> None:
        """A figure per code of `field` (report kind, legal ground), every code present."""
        codes = list(codes)
        per, region = self._tally(qs, {"n": None}, field)
        for code in self.codes:
            self.per[code][key] = {c: per.get((code, c), {}).get("n", 0) for c in codes}
        self.region[key] = {c: region.get(c, {}).get("n", 0) for c in codes}

    def values(self, key: str, per: dict[str, int], region: int | None = None) -> None:
        """Stores a figure with the region's own count: `region`, or the one
        `counts` made for it."""
        for code in self.codes:
            self.per[code][key] = per.get(code, 0)
        self.region[key] = region if region is not None else self.own.pop(key)


def count_year(
    year: SchoolYear, codes: list[str] | None = None, *, today: dt.date | None = None
) -> YearFigures:
    """Count the figures of `year` for `codes` (default: every municipality)
    and for the region they form; facts after `today` are not counted."""
    today = today or timezone.localdate()
    names = dict(Municipality.objects.order_by("name").values_list("code", "name"))
    codes = sorted(codes if codes is not None else names, key=lambda c: names.get(c, c))
    until = min(year.end, today)
    c = _Counter(codes, everywhere=set(codes) >= set(names))
    _population(c, year)
    _reports(c, year, until)
    _cases(c, year, until)
    _decisions(c, year, until)
    _thuiszitters(c, year, until)
    _rmc(c, year, until)
    state = completeness(year, today)
    since = history_starts_on()
    outside = _outside_administration(codes, year.count_day)
    for code in outside:
        # RBL does not hold the residents of a municipality outside block 1:
        # its population on 1 October (and the rates on it) is unknown, not 0.
        _unknown(c.per[code], POPULATION)
    for values in [*c.per.values(), c.region]:
        if state == Completeness.NONE:
            _unknown(values, values)  # no data for the year: unknown, not 0
        elif since is None or since > year.count_day:
            _unknown(values, POPULATION)  # the residence history began after 1 October
        values.update(rates(values))
    for key in REGION_ONLY:
        for values in c.per.values():
            values.pop(key, None)
    return YearFigures(
        school_year=year,
        made_at=timezone.now(),
        names={code: names.get(code, code) for code in codes},
        municipalities=c.per,
        region=c.region,
        completeness=state,
        outside=outside,
    )


def _outside_administration(codes: Iterable[str], day: dt.date) -> list[str]:
    """The municipalities of `codes` that did not take part in the regional
    administration (block 1) on `day`: RBL has no BRP data of them."""
    from rbl.organisation.participation import administration_municipalities

    administered = administration_municipalities(day)
    return [code for code in codes if code not in administered]


#: The figures counted from the residence history on 1 October.
POPULATION = ("leerplichtigen", "kwalificatieplichtigen", "deelnemers")


def _unknown(values: dict[str, Any], keys: Iterable[str]) -> None:
    for key in list(keys):
        if isinstance(values.get(key), dict):
            values[key] = {code: None for code in values[key]}
        else:
            values[key] = None


def completeness(year: SchoolYear, today: dt.date) -> str:
    """Whether the registry covers the whole school year: the BRP history
    must start on or before 1 August, and the year must have begun."""
    since = history_starts_on()
    if since is None or since > year.end or year.start > today:
        return Completeness.NONE
    if since > year.start or year.end > today:
        return Completeness.PARTIAL
    return Completeness.COMPLETE


def _population(c: _Counter, year: SchoolYear) -> None:
    """Residents on 1 October: one query per figure, each joining only the
    persons born in its range (and, for two of them, their diplomas or
    enrolments by an anti- or semi-join). A residence joined to its person is
    one row, so the region counts rows (`distinct=False`): the same number
    as COUNT(DISTINCT), without sorting a million ids."""
    day = year.count_day
    residents = residences_on(day)
    lp = leerplicht_birth_range(day)
    duty = duty_birth_range(day)
    c.simple(
        "leerplichtigen",
        residents.filter(person__birth_date__gte=lp.earliest, person__birth_date__lte=lp.latest),
        distinct=False,
    )
    with_sk = Diploma.objects.filter(
        bsn=OuterRef("person__bsn"), startkwalificatie=True, date__lte=day
    )
    c.simple(
        "kwalificatieplichtigen",
        residents.filter(
            person__birth_date__gte=duty.earliest, person__birth_date__lt=lp.earliest
        ).exclude(Exists(with_sk)),
        distinct=False,
    )
    # Aged 12 up to the RMC age limit in force on 1 October (23 unless the
    # national table says otherwise, rbl.law.limits), enrolled that day.
    enrolled = Enrolment.objects.filter(bsn=OuterRef("person__bsn"), start__lte=day).filter(
        Q(end__isnull=True) | Q(end__gte=day)
    )
    c.simple(
        "deelnemers",
        residents.filter(
            person__birth_date__gt=_years_before(day, rmc_limits().age_on(day)),
            person__birth_date__lte=_years_before(day, 12),
        ).filter(Exists(enrolled)),
        distinct=False,
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier: born on it, one is `years` old on `day`."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _reports(c: _Counter, year: SchoolYear, until: dt.date) -> None:
    in_year = VerzuimMelding.objects.filter(_in_year("meldingsdatum", year, until))
    linked = at_principal(in_year.filter(case__isnull=False), "meldingsdatum")
    c.by_code("verzuimmeldingen", linked, "soort", (code for code, _ in SOORTEN))
    c.region["verzuimmeldingen_niet_gekoppeld"] = in_year.filter(case__isnull=True).count()


def _cases(c: _Counter, year: SchoolYear, until: dt.date) -> None:
    opened = at_principal(
        Case.objects.filter(_in_year("opened_on", year, until)), "opened_on", None
    )
    counts = c.counts(
        opened.filter(type__in=[*VERZUIM_TYPES, CaseType.RMC]),
        absoluut_verzuim=Q(type=CaseType.ABSOLUUT),
        verzuimzaken=Q(type__in=VERZUIM_TYPES),
        rmc_trajecten=Q(type=CaseType.RMC),
    )
    c.values("absoluut_verzuim", counts["absoluut_verzuim"])
    c.values("verzuimzaken", counts["verzuimzaken"])
    c.held["rmc_trajecten"] = counts["rmc_trajecten"]  # stored with the RMC figures
    handhaving = at_principal(
        Handhaving.objects.filter(_in_year("opened_on", year, until)), "opened_on"
    )
    counts = c.counts(
        handhaving.filter(kind__in=[HandhavingKind.HALT, HandhavingKind.PV]),
        halt=Q(kind=HandhavingKind.HALT),
        pv=Q(kind=HandhavingKind.PV),
    )
    c.values("halt", counts["halt"])
    c.values("pv", counts["pv"])


def _decisions(c: _Counter, year: SchoolYear, until: dt.date) -> None:
    exemptions = Exemption.objects.filter(_in_year("decided_on", year, until)).annotate(
        gemeente=F("municipality_id")
    )
    c.by_code("vrijstellingen", exemptions, "ground", (code for code, _ in GRONDEN))
    leave = at_principal(
        LeaveRequest.objects.filter(_in_year("decided_on", year, until))
        .filter(decider=LeaveDecider.LPA)
        .exclude(decision=""),
        "decided_on",
    )
    counts = c.counts(
        leave,
        verlof=None,
        verlof_toegekend=Q(decision__in=[LeaveDecision.TOEGEKEND, LeaveDecision.DEELS]),
        verlof_afgewezen=Q(decision=LeaveDecision.AFGEWEZEN),
    )
    for key in ("verlof", "verlof_toegekend", "verlof_afgewezen"):
        c.values(key, counts[key])


class _Spell(NamedTuple):
    """The days of one case on which its youth was a thuiszitter in the year."""

    person_id: int
    case_id: int
    first: dt.date
    last: dt.date
    since: dt.date  # first day of the absence

    @property
    def long(self) -> bool:
        return _add_months(self.last, -THUISZITTER_LONG_MONTHS) >= self.since


def thuiszitter_cases(
    year: SchoolYear, until: dt.date, codes: list[str] | None = None
) -> QuerySet[Case]:
    """The cases that can make their youth a thuiszitter in the year: absoluut
    and relatief verzuim, opened up to `until`, not closed before 1 August.

    With `codes`, only those of youth who have such a case that has (or had)
    one of `codes` as its principal: a youth counts for the principal of the
    case of their first spell on its first day, so the others cannot count
    for `codes`; all cases of the youth who can are kept (the first spell
    and "three months or longer" look at all of them)."""
    cases = Case.objects.filter(
        Q(type=CaseType.ABSOLUUT) | Q(type__in=list(RELATIEF_TYPES)),
        opened_on__lte=until,
    ).filter(Q(closed_on__isnull=True) | Q(closed_on__gte=year.start))
    if codes is not None:
        principal_here = cases.filter(principal_periods__municipality_id__in=codes)
        # An anonymised case (retention) has no youth left: it counts on its own.
        cases = cases.filter(
            Q(person_id__in=principal_here.values("person_id"))
            | Q(pk__in=principal_here.filter(person__isnull=True).values("pk"))
        )
    return cases


def thuiszitter_spells(
    year: SchoolYear, until: dt.date, codes: list[str] | None = None
) -> list[_Spell]:
    """Every case that made its youth a thuiszitter on a day from 1 August up
    to `until` (at most 31 July): absoluut and langdurig verzuim from the
    day it was opened, other relatief verzuim once the absence has lasted
    more than four weeks; up to the day the case was closed. With `codes`,
    the cases of `thuiszitter_cases`."""
    cases = (
        thuiszitter_cases(year, until, codes)
        .values_list("pk", "person_id", "type", "opened_on", "closed_on", "absent_since")
        .order_by()
    )
    spells = []
    start = year.start
    after = dt.timedelta(weeks=THUISZITTER_WEEKS, days=1)
    from_opening = (CaseType.ABSOLUUT, CaseType.LANGDURIG)
    for pk, person_id, case_type, opened, closed, absent_since in cases:
        since = absent_since or opened
        first = max(start, opened)
        if case_type not in from_opening:
            first = max(first, since + after)
        last = min(until, closed) if closed else until
        if first <= last:
            # An anonymised case's youth is unknown: counted as a youth of its own.
            youth = person_id if person_id is not None else -pk
            spells.append(_Spell(youth, pk, first, last, since))
    return spells


def _thuiszitters(c: _Counter, year: SchoolYear, until: dt.date) -> None:
    """Distinct youth; each counted once, for the principal of the case that
    made them a thuiszitter first in the year; long when any of their spells
    lasted three months or more. For some municipalities only, only the
    cases of youth who can count for them are read (`thuiszitter_cases`)."""
    codes = None if c.everywhere else c.codes
    first_of: dict[int, _Spell] = {}  # youth -> their first spell
    long_youth: set[int] = set()
    for spell in thuiszitter_spells(year, until, codes):
        first = first_of.get(spell.person_id)
        if first is None or (spell.first, spell.case_id) < (first.first, first.case_id):
            first_of[spell.person_id] = spell
        if spell.person_id not in long_youth and spell.long:
            long_youth.add(spell.person_id)
    where = principals_on(
        {s.case_id: s.first for s in first_of.values()},
        PrincipalPeriod.objects.filter(case__in=thuiszitter_cases(year, until, codes)),
    )
    per_all: dict[str, int] = defaultdict(int)
    per_long: dict[str, int] = defaultdict(int)
    total = total_long = 0
    for person_id, spell in first_of.items():
        code = where.get(spell.case_id)
        if code not in c.per:
            continue
        per_all[code] += 1
        total += 1
        if person_id in long_youth:
            per_long[code] += 1
            total_long += 1
    c.values("thuiszitters", per_all, total)
    c.values("thuiszitters_lang", per_long, total_long)
    c.values(
        "thuiszitters_kort",
        {code: per_all[code] - per_long.get(code, 0) for code in per_all},
        total - total_long,
    )


def principals_on(
    days: dict[int, dt.date], periods: QuerySet[PrincipalPeriod] | None = None
) -> dict[int, str]:
    """{case id: the principal of the case on its day}; a day before the first
    period counts as the opening day (as `principal_at` does). `periods`: a
    query that holds (at least) the periods of these cases, read in one go;
    else they are read by id, 5,000 cases at a time."""
    spans_of: dict[int, list[tuple[dt.date, dt.date | None, str]]] = defaultdict(list)
    ids = list(days)
    queries = (
        [periods]
        if periods is not None
        else [
            PrincipalPeriod.objects.filter(case_id__in=ids[chunk : chunk + 5000])
            for chunk in range(0, len(ids), 5000)
        ]
    )
    for query in queries:
        for case_id, start, end, code in query.order_by("case_id", "start", "pk").values_list(
            "case_id", "start", "end", "municipality_id"
        ):
            if case_id in days:
                spans_of[case_id].append((start, end, code))
    out: dict[int, str] = {}
    for case_id, day in days.items():
        spans = spans_of.get(case_id)
        if not spans:
            continue
        out[case_id] = spans[0][2]
        for start, end, code in spans:
            if start <= day and (end is None or day < end):
                out[case_id] = code
    return out


def _rmc(c: _Counter, year: SchoolYear, until: dt.date) -> None:
    vsv = (
        VsvMelding.objects.filter(_in_year("uitschrijvingsdatum", year, until))
        .order_by()
        .annotate(gemeente=Residence.municipality_at_expression("bsn", "uitschrijvingsdatum"))
    )
    # One leaver per youth and year: DUO's lists repeat a leaver until the youth is
    # back. The municipality is looked up once per report (a subquery that a filter
    # on it would run a second time), the ones of `codes` kept here.
    wanted = set(c.codes)
    per: dict[str, set[str]] = defaultdict(set)
    for code, bsn in vsv.values_list("gemeente", "bsn"):
        if code in wanted:
            per[code].add(bsn)
    region = len(set().union(*per.values()))
    c.values("vsv", {code: len(b) for code, b in per.items()}, region)

    c.values("rmc_trajecten", c.held.pop("rmc_trajecten"))
    closed = at_principal(
        Case.objects.filter(type=CaseType.RMC).filter(_in_year("closed_on", year, until)),
        "closed_on",
        None,
    )
    counts = c.counts(
        closed,
        rmc_naar_school=Q(closing_reason__in=RMC_SCHOOL),
        rmc_naar_werk=Q(closing_reason__in=RMC_WORK),
        rmc_overig=~Q(closing_reason__in=[*RMC_SCHOOL, *RMC_WORK]),
    )
    for key in ("rmc_naar_school", "rmc_naar_werk", "rmc_overig"):
        c.values(key, counts[key])


# -- rates ----------------------------------------------------------------------


def _rate(numerator: int, denominator: int, per: int, decimals: int) -> float | None:
    if not denominator:
        return None
    value = Decimal(numerator * per) / Decimal(denominator)
    return float(value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def rates(values: dict[str, Any]) -> dict[str, float | None]:
    """The rates of one municipality's (or the region's) counts; None where
    the denominator is 0."""
    if values["leerplichtigen"] is None or values["kwalificatieplichtigen"] is None:
        return {f.key: None for f in RATES}
    population = values["leerplichtigen"] + values["kwalificatieplichtigen"]
    reports = sum(values["verzuimmeldingen"].values())
    exemptions = sum(values["vrijstellingen"].values())

    def d(key: str) -> int:
        return BY_KEY[key].decimals

    return {
        "verzuim_per_1000": _rate(reports, population, 1000, d("verzuim_per_1000")),
        "absoluut_per_1000": _rate(
            values["absoluut_verzuim"], values["leerplichtigen"], 1000, d("absoluut_per_1000")
        ),
        "vrijstellingen_per_1000": _rate(
            exemptions, values["leerplichtigen"], 1000, d("vrijstellingen_per_1000")
        ),
        "pv_per_100_zaken": _rate(values["pv"], values["verzuimzaken"], 100, d("pv_per_100_zaken")),
        "thuiszitters_per_1000": _rate(
            values["thuiszitters"], population, 1000, d("thuiszitters_per_1000")
        ),
        "vsv_pct": _rate(values["vsv"], values["deelnemers"], 100, d("vsv_pct")),
    }


def count_keys() -> list[str]:
    """The keys of the counts, in the order of the definitions."""
    return [f.key for f in COUNTS]
