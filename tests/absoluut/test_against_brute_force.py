"""The set-based check equals a plain Python evaluation of the law, person by
person, over small generated populations and two consecutive runs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from rbl.absoluut.check import run_check
from rbl.absoluut.floor import raw_breach_count
from rbl.absoluut.models import Signal
from rbl.law.status import LegalStatus, status_on
from tests.factories import (
    DiplomaFactory,
    EnrolmentFactory,
    ExemptionFactory,
    MunicipalityFactory,
    PersonFactory,
)

DAY = dt.timedelta(days=1)
D1 = dt.date(2025, 7, 31)  # last day of a school year
D2 = dt.date(2025, 9, 1)  # first check of the next one
CODES = ["0197", "0294", "0222"]
DUTY = {LegalStatus.LEERPLICHTIG, LegalStatus.KWALIFICATIEPLICHTIG}


def near(day: dt.date, spread: int = 6) -> st.SearchStrategy[dt.date]:
    return st.integers(-spread, spread).map(lambda n: day + n * DAY)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# Birth dates around every edge the two check dates can meet: start of
# leerplicht (5), end of leerplicht (16/17 and school year), 18, plus anything.
EDGE_BIRTHS = st.one_of(
    *[near(years_before(d, y)) for d in (D1, D2) for y in (5, 16, 17, 18)],
    near(dt.date(2020, 2, 29)),
    near(dt.date(2008, 8, 1)),
    st.dates(dt.date(2002, 1, 1), dt.date(2022, 12, 31)),
)
EVENT_DATE = st.one_of(
    near(D1, 1),
    near(D2, 1),
    near(D2, 20),
    st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)),
)
PERIOD = st.tuples(EVENT_DATE, st.one_of(st.none(), EVENT_DATE)).map(
    lambda p: (p[0], p[1]) if p[1] is None or p[1] >= p[0] else (p[1], p[0])
)


@dataclass
class Youth:
    birth: dt.date
    municipality: str
    moves_to: str | None  # municipality between the two runs
    moved_out_on: dt.date | None
    died_on: dt.date | None
    enrolments: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    exemptions: list[tuple[dt.date, dt.date | None]] = field(default_factory=list)
    diplomas: list[tuple[dt.date, bool]] = field(default_factory=list)


YOUTH = st.builds(
    Youth,
    birth=EDGE_BIRTHS,
    municipality=st.sampled_from(CODES),
    moves_to=st.one_of(st.none(), st.sampled_from(CODES)),
    moved_out_on=st.one_of(st.none(), EVENT_DATE),
    died_on=st.one_of(st.none(), st.none(), EVENT_DATE),
    enrolments=st.lists(PERIOD, max_size=2),
    exemptions=st.lists(PERIOD, max_size=1),
    diplomas=st.lists(st.tuples(EVENT_DATE, st.booleans()), max_size=1),
)
COVERED = st.one_of(st.none(), st.lists(st.sampled_from(CODES), min_size=1, unique=True))


def covers(periods, day: dt.date) -> bool:
    return any(start <= day and (end is None or end >= day) for start, end in periods)


def legal_status(y: Youth, day: dt.date) -> LegalStatus:
    sks = [d for d, sk in y.diplomas if sk and d >= y.birth]
    return status_on(y.birth, day, min(sks) if sks else None).status


def resident(y: Youth, municipality: str, day: dt.date, covered) -> bool:
    if y.moved_out_on is not None and y.moved_out_on <= day:
        return False
    if y.died_on is not None and y.died_on <= day:
        return False
    return municipality == y.municipality and (covered is None or municipality in covered)


def in_breach(y: Youth, day: dt.date) -> bool:
    return (
        legal_status(y, day) in DUTY
        and not covers(y.enrolments, day)
        and not covers(y.exemptions, day)
    )


def model_run(population, signals, day, covered):
    """Python version of one run. `signals`: list of dicts (index, municipality,
    status, opened_on, closed_on, reason). Returns the counts."""
    closed = 0
    for s in signals:
        if s["closed_on"] is not None or (covered and s["municipality"] not in covered):
            continue
        y = population[s["index"]]
        if y.died_on is not None and y.died_on <= day:
            reason = "overleden"
        elif (y.moved_out_on is not None and y.moved_out_on <= day) or (
            y.municipality != s["municipality"]
        ):
            reason = "verhuisd"
        elif legal_status(y, day) not in DUTY:
            reason = "buiten_leeftijd"
        elif covers(y.exemptions, day):
            reason = "vrijgesteld"
        elif covers(y.enrolments, day):
            reason = "ingeschreven"
        else:
            continue
        s["closed_on"], s["reason"] = day, reason
        closed += 1
    new = 0
    checked = 0
    for i, y in enumerate(population):
        if not resident(y, y.municipality, day, covered):
            continue
        checked += legal_status(y, day) in DUTY
        has_open = any(s["index"] == i and s["closed_on"] is None for s in signals)
        if in_breach(y, day) and not has_open:
            status = legal_status(y, day).value
            signals.append(
                dict(
                    index=i,
                    municipality=y.municipality,
                    status=status,
                    opened_on=day,
                    closed_on=None,
                    reason="",
                )
            )
            new += 1
    still_open = sum(
        1
        for s in signals
        if s["closed_on"] is None and (not covered or s["municipality"] in covered)
    )
    return {"checked": checked, "new": new, "closed": closed, "signals": still_open}


class CheckAgainstBruteForce(TestCase):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.lists(YOUTH, min_size=1, max_size=8), COVERED, COVERED)
    def test_two_runs_match_the_python_model(self, population, covered1, covered2):
        municipalities = {code: MunicipalityFactory(code=code) for code in CODES}
        people = []
        for y in population:
            person = PersonFactory(
                birth_date=y.birth,
                municipality=municipalities[y.municipality],
                moved_out_on=y.moved_out_on,
                died_on=y.died_on,
            )
            people.append(person)
            for start, end in y.enrolments:
                EnrolmentFactory(bsn=person.bsn, start=start, end=end)
            for start, end in y.exemptions:
                ExemptionFactory(
                    bsn=person.bsn, municipality=person.municipality, start=start, end=end
                )
            for date, sk in y.diplomas:
                DiplomaFactory(bsn=person.bsn, date=max(date, y.birth), startkwalificatie=sk)
            y.diplomas = [(max(date, y.birth), sk) for date, sk in y.diplomas]

        expected_signals: list[dict] = []
        breaches_d1 = sum(
            1 for y in population if resident(y, y.municipality, D1, covered1) and in_breach(y, D1)
        )
        assert raw_breach_count(D1, covered1) == breaches_d1
        assert raw_breach_count(D1, covered1, anti_join=True) == breaches_d1

        expected = model_run(population, expected_signals, D1, covered1)
        result = run_check(D1, covered1)
        assert counts(result) == expected
        self.assert_signals(people, expected_signals)

        for y, person in zip(population, people, strict=True):
            if y.moves_to:
                y.municipality = y.moves_to
                person.municipality = municipalities[y.moves_to]
                person.save()

        expected = model_run(population, expected_signals, D2, covered2)
        result = run_check(D2, covered2)
        assert counts(result) == expected
        self.assert_signals(people, expected_signals)

    def assert_signals(self, people, expected_signals):
        index = {p.pk: i for i, p in enumerate(people)}
        actual = sorted(
            (index[s.person_id], s.municipality_id, s.status, s.opened_on, s.closed_on)
            + (s.close_reason,)
            for s in Signal.objects.all()
        )
        wanted = sorted(
            (s["index"], s["municipality"], s["status"], s["opened_on"], s["closed_on"])
            + (s["reason"],)
            for s in expected_signals
        )
        assert actual == wanted


def counts(result) -> dict[str, int]:
    return {
        "checked": result.checked,
        "new": result.new,
        "closed": result.closed,
        "signals": result.signals,
    }
