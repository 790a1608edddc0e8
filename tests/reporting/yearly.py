"""A small region with known events for the yearly figures' tests: Aalten
and Winterswijk, one school year (2024-2025) of cases, reports, leave,
exemptions, Halt/PV, VSV and RMC; the numbers are worked out in test_art25."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rbl.cases.models import CaseType, HandhavingKind, LeaveDecision, VsvMelding
from rbl.cases.services.handhaving import start_handhaving
from rbl.cases.services.leave import decide_leave, register_leave_request
from rbl.cases.services.lifecycle import close_case, handover_to_municipality, open_case
from rbl.registry.models import ImportLog, ImportOutcome, Residence
from rbl.reporting.definitions import SchoolYear
from tests.cases.factories import VerzuimMeldingFactory, staff
from tests.clock import AMSTERDAM
from tests.factories import (
    DiplomaFactory,
    EnrolmentFactory,
    ExemptionFactory,
    MunicipalityFactory,
    PersonFactory,
    RegionFactory,
)

YEAR = SchoolYear(2024)  # 1 August 2024 – 31 July 2025; the fixed clock is in March 2026


def at(clock, day: dt.date) -> dt.date:
    clock.move_to(dt.datetime.combine(day, dt.time(10, 0), tzinfo=AMSTERDAM))
    return day


def resident(municipality, birth: dt.date, *, since=None, **kw):
    person = PersonFactory(municipality=municipality, birth_date=birth, **kw)
    Residence.objects.create(person=person, municipality=municipality, start=since)
    return person


def move(person, to, on: dt.date) -> None:
    Residence.objects.filter(person=person, end__isnull=True).update(end=on)
    Residence.objects.create(person=person, municipality=to, start=on)
    person.municipality = to
    person.save()


def history_since(day: dt.date) -> None:
    now = timezone.now()
    ImportLog.objects.create(
        kind="brp",
        file_name="brp.csv",
        sha256="1" * 64,
        actor="test",
        started_at=now,
        finished_at=now,
        options={"woonhistorie": True, "peildatum": day.isoformat()},
        outcome=ImportOutcome.APPLIED,
    )


@pytest.fixture
def region(clock):
    """Aalten and Winterswijk with one year of known events (see the test)."""
    r = RegionFactory(name="Achterhoek")
    aalten = MunicipalityFactory(code="0197", name="Aalten", region=r)
    winterswijk = MunicipalityFactory(code="0294", name="Winterswijk", region=r)
    officer = staff("lpa", "lpa", aalten, winterswijk)
    boa = staff("boa", "boa", aalten, winterswijk)
    history_since(dt.date(2024, 6, 1))

    a1 = resident(aalten, dt.date(2012, 3, 1))  # 12: leerplichtig
    a2 = resident(aalten, dt.date(2008, 5, 1))  # 16, leerplicht ended: kwalificatieplichtig
    k = resident(aalten, dt.date(2007, 12, 1))  # 16, startkwalificatie in July: neither
    DiplomaFactory(bsn=k.bsn, date=dt.date(2024, 7, 1), startkwalificatie=True)
    x = resident(aalten, dt.date(2006, 1, 1))  # 18: out of the duty, RMC
    w1 = resident(winterswijk, dt.date(2013, 1, 1))  # 11, moves to Aalten in January
    gone = resident(aalten, dt.date(2012, 6, 1))  # moved out of the region in September
    Residence.objects.filter(person=gone).update(end=dt.date(2024, 9, 15))
    for p in (a1, a2, k, x):  # enrolled on 1 October; w1 (11) is too young to count
        EnrolmentFactory(bsn=p.bsn, start=dt.date(2020, 8, 15), end=None)

    # c1: relatief verzuim of a1 in Aalten, closed within four weeks: no thuiszitter.
    c1 = open_case(
        a1,
        CaseType.RELATIEF_16UUR,
        today=at(clock, dt.date(2024, 9, 10)),
        owner=officer,
        absent_since=dt.date(2024, 9, 1),
    )
    VerzuimMeldingFactory(person=a1, case=c1, soort="16UUR", meldingsdatum=dt.date(2024, 9, 9))
    VerzuimMeldingFactory(person=a1, case=c1, soort="LUXE", meldingsdatum=dt.date(2024, 12, 1))
    VerzuimMeldingFactory(person=a1, case=c1, soort="16UUR", meldingsdatum=dt.date(2024, 7, 15))
    start_handhaving(
        c1,
        HandhavingKind.HALT,
        actor=officer,
        handler=boa,
        expected_version=None,
        on=at(clock, dt.date(2024, 9, 15)),
    )
    close_case(
        c1,
        "terug_naar_school",
        actor=officer,
        expected_version=None,
        closed_on=at(clock, dt.date(2024, 9, 20)),
    )

    # c2: absoluut verzuim of w1 in Winterswijk; a PV; handed over to Aalten
    # when the family moved; closed after four months: a long thuiszitter.
    c2 = open_case(w1, CaseType.ABSOLUUT, today=at(clock, dt.date(2024, 11, 1)), owner=officer)
    start_handhaving(
        c2,
        HandhavingKind.PV,
        actor=officer,
        handler=boa,
        expected_version=None,
        on=at(clock, dt.date(2024, 12, 1)),
    )
    at(clock, dt.date(2025, 1, 15))
    move(w1, aalten, dt.date(2025, 1, 15))
    handover_to_municipality(c2, aalten, actor=officer, expected_version=None, to_user=officer)
    VerzuimMeldingFactory(person=w1, case=c2, soort="SIGNAAL", meldingsdatum=dt.date(2025, 2, 1))
    close_case(
        c2,
        "ingeschreven",
        actor=officer,
        expected_version=None,
        closed_on=at(clock, dt.date(2025, 3, 1)),
    )

    # Leave for a1, decided by the officer in February; exemptions; a report without case.
    leave = register_leave_request(
        a1,
        article="14",
        requested_on=dt.date(2025, 1, 20),
        start=dt.date(2025, 3, 3),
        end=dt.date(2025, 3, 21),  # more than ten school days: the officer decides
        actor=officer,
        today=at(clock, dt.date(2025, 1, 20)),
        owner=officer,
    )
    decide_leave(
        leave,
        LeaveDecision.TOEGEKEND,
        actor=officer,
        expected_version=None,
        decided_on=at(clock, dt.date(2025, 2, 1)),
    )
    ExemptionFactory(bsn=a2.bsn, municipality=aalten, ground="5a", decided_on=dt.date(2024, 10, 10))
    ExemptionFactory(
        bsn=w1.bsn, municipality=winterswijk, ground="5c", decided_on=dt.date(2025, 8, 10)
    )  # next school year
    VerzuimMeldingFactory(
        person=None, bsn="111222333", case=None, soort="OVERIG", meldingsdatum=dt.date(2025, 5, 1)
    )

    # x left school without a startkwalificatie: VSV and an RMC traject that ended in work.
    VsvMelding.objects.create(bsn=x.bsn, person=x, uitschrijvingsdatum=dt.date(2024, 10, 20))
    rmc = open_case(x, CaseType.RMC, today=at(clock, dt.date(2024, 11, 1)), owner=officer)
    close_case(
        rmc, "werk", actor=officer, expected_version=None, closed_on=at(clock, dt.date(2025, 4, 1))
    )
    at(clock, dt.date(2026, 3, 11))
    return {"aalten": aalten, "winterswijk": winterswijk, "c1": c1, "c2": c2, "officer": officer}


def small_year(world, clock) -> None:
    """Winterswijk: 7 leerplichtigen, 1 PV; Aalten: 2 absoluut-verzuim cases."""
    history_since(dt.date(2024, 6, 1))
    for municipality, n in ((world.winterswijk, 7), (world.aalten, 2)):
        for _ in range(n):
            person = PersonFactory(municipality=municipality, birth_date=dt.date(2013, 5, 5))
            Residence.objects.create(person=person, municipality=municipality, start=None)
    day = dt.date(2024, 11, 4)
    clock.move_to(dt.datetime.combine(day, dt.time(9), tzinfo=AMSTERDAM))
    w_person = Residence.objects.filter(municipality=world.winterswijk).first().person
    case = open_case(w_person, CaseType.RELATIEF_16UUR, today=day, owner=None)
    start_handhaving(
        case,
        HandhavingKind.PV,
        actor=None,
        handler=world.users["boa-regio"],
        expected_version=None,
        on=day,
    )
    for residence in Residence.objects.filter(municipality=world.aalten)[:2]:
        open_case(residence.person, CaseType.ABSOLUUT, today=day, owner=None)
    clock.move_to(dt.datetime(2026, 3, 11, 10, tzinfo=AMSTERDAM))
