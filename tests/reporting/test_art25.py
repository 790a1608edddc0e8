"""The art. 25 figures of a small region with known events, worked out by
hand; the region's own query equals the sum of its municipalities; a closed
school year stays the same when its cases change later."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.cases.models import CaseType, Handhaving, HandhavingKind, LeaveDecision, VsvMelding
from rbl.cases.services.handhaving import start_handhaving
from rbl.cases.services.leave import decide_leave, register_leave_request
from rbl.cases.services.lifecycle import (
    change_status,
    close_case,
    handover_to_municipality,
    open_case,
)
from rbl.registry.models import ImportLog, ImportOutcome, Residence
from rbl.reporting.definitions import COUNTS, SchoolYear
from rbl.reporting.figures import count_year
from rbl.reporting.snapshots import CannotClose, close_year, figures_for
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

pytestmark = pytest.mark.django_db

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


def test_art25_figures_worked_out_by_hand(region):
    f = count_year(YEAR)
    a, w = f.municipalities["0197"], f.municipalities["0294"]

    assert (a["leerplichtigen"], w["leerplichtigen"]) == (1, 1)  # a1; w1 (still there on 1 Oct)
    assert (a["kwalificatieplichtigen"], w["kwalificatieplichtigen"]) == (1, 0)  # a2
    assert (a["deelnemers"], w["deelnemers"]) == (4, 0)  # a1, a2, k, x
    # The report of July 2024 is last school year's; the SIGNAAL report came
    # after the handover, so it is Aalten's.
    assert a["verzuimmeldingen"] == {
        "16UUR": 1,
        "LANGDURIG": 0,
        "LUXE": 1,
        "SIGNAAL": 1,
        "OVERIG": 0,
        "18PLUS": 0,
    }
    assert sum(w["verzuimmeldingen"].values()) == 0
    assert f.region["verzuimmeldingen_niet_gekoppeld"] == 1
    assert "verzuimmeldingen_niet_gekoppeld" not in a
    # The absoluut case was opened in Winterswijk: it stays Winterswijk's.
    assert (a["absoluut_verzuim"], w["absoluut_verzuim"]) == (0, 1)
    assert (a["verzuimzaken"], w["verzuimzaken"]) == (1, 1)
    assert (a["halt"], a["pv"], w["halt"], w["pv"]) == (1, 0, 0, 1)
    assert a["vrijstellingen"]["5a"] == 1 and sum(w["vrijstellingen"].values()) == 0
    assert set(a["vrijstellingen"]) >= {"5a", "5b", "5c", "5a-trekkend", "3a", "3b", "11g", "15"}
    assert (a["verlof"], a["verlof_toegekend"], a["verlof_afgewezen"]) == (1, 1, 0)
    assert (w["thuiszitters"], w["thuiszitters_lang"], w["thuiszitters_kort"]) == (1, 1, 0)
    assert a["thuiszitters"] == 0
    assert (a["vsv"], a["rmc_trajecten"], a["rmc_naar_werk"], a["rmc_naar_school"]) == (1, 1, 1, 0)
    # Rates: 3 reports on 2 leer- and kwalificatieplichtigen in Aalten; 1 PV on 1 case in W.
    assert a["verzuim_per_1000"] == 1500.0
    assert w["pv_per_100_zaken"] == 100.0
    assert a["vsv_pct"] == 25.0
    assert w["vsv_pct"] is None  # no participants: no rate, not 0
    for figure in COUNTS:
        if figure.key == "verzuimmeldingen_niet_gekoppeld":
            continue
        total = f.region[figure.key]
        parts = [a[figure.key], w[figure.key]]
        if isinstance(total, dict):
            assert total == {c: sum(p[c] for p in parts) for c in total}, figure.key
        else:
            assert total == sum(parts), figure.key


def test_the_cli_prints_the_contract(region):
    out = StringIO()
    call_command("rapport", "art25", "--schooljaar", "2024-2025", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["schooljaar"] == "2024-2025"
    assert data["gemeenten"]["0197"]["naam"] == "Aalten"
    assert data["gemeenten"]["0294"]["pv"] == 1
    assert data["regio"]["verzuimmeldingen"]["16UUR"] == 1
    out = StringIO()
    call_command(
        "rapport", "art25", "--schooljaar", "2024-2025", "--gemeente", "0294", "--json", stdout=out
    )
    assert list(json.loads(out.getvalue())["gemeenten"]) == ["0294"]
    with pytest.raises(CommandError, match="geen schooljaar"):
        call_command("rapport", "art25", "--schooljaar", "2024/25")
    with pytest.raises(CommandError, match="Onbekende gemeentecode: 9999"):
        call_command("rapport", "art25", "--schooljaar", "2024-2025", "--gemeente", "9999")


def test_cli_writes_pdf_and_xlsx(region, tmp_path):
    from openpyxl import load_workbook

    pdf, xlsx = tmp_path / "art25.pdf", tmp_path / "art25.xlsx"
    call_command(
        "rapport",
        "art25",
        "--schooljaar",
        "2024-2025",
        "--pdf",
        str(pdf),
        "--xlsx",
        str(xlsx),
        stdout=StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    sheet = load_workbook(xlsx).active
    rows = {r[0].strip(): r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["Processen-verbaal"][1:4] == (0, 1, 1)  # Aalten, Winterswijk, regio: numbers
    assert "gestart" in rows["Processen-verbaal"][4]  # the definition beside it


def test_a_closed_year_stays_the_same(region, clock):
    before = count_year(YEAR).as_json()
    close_year(YEAR, actor=region["officer"])
    # Later work changes the cases of that year: the absoluut case is reopened
    # and closed again, the relatief case is handed over to Winterswijk.
    officer = region["officer"]
    change_status(region["c2"], "open", actor=officer, expected_version=None)
    close_case(region["c2"], "verhuisd", actor=officer, expected_version=None)
    change_status(region["c1"], "open", actor=officer, expected_version=None)
    handover_to_municipality(
        region["c1"], region["winterswijk"], actor=officer, expected_version=None, to_user=officer
    )
    Handhaving.objects.filter(case=region["c1"]).update(opened_on=dt.date(2025, 9, 1))

    served = figures_for(YEAR).as_json()
    assert served["vastgesteld"] is True
    for key in ("gemeenten", "regio", "schooljaar", "definities_versie"):
        assert served[key] == before[key], key
    assert count_year(YEAR).municipalities["0197"]["halt"] == 0  # counted anew it differs
    with pytest.raises(CannotClose, match="al vastgesteld"):
        close_year(YEAR, actor=officer)


def test_a_running_or_incomplete_year_cannot_be_closed(region):
    with pytest.raises(CannotClose, match="loopt nog"):
        close_year(SchoolYear(2025), actor=region["officer"])
    with pytest.raises(CannotClose, match="niet volledig"):
        close_year(SchoolYear(2023), actor=region["officer"])  # before the history began
    assert count_year(SchoolYear(2023)).completeness == "onvolledig"
    assert count_year(SchoolYear(2022)).completeness == "geen gegevens"
    assert count_year(SchoolYear(2025)).completeness == "onvolledig"  # not over yet


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    facts=st.lists(
        st.tuples(
            st.sampled_from(["0197", "0294", "0222"]),
            st.sampled_from(["16UUR", "LANGDURIG", "LUXE", "SIGNAAL", "OVERIG", "18PLUS"]),
            st.dates(dt.date(2024, 6, 1), dt.date(2025, 9, 30)),
            st.sampled_from([CaseType.RELATIEF_16UUR, CaseType.ABSOLUUT, CaseType.LANGDURIG]),
            st.one_of(st.none(), st.integers(0, 300)),  # closed after n days
            st.one_of(st.none(), st.sampled_from(["0197", "0294", "0222"])),  # handed over to
        ),
        max_size=8,
    )
)
def test_the_region_is_the_sum_of_its_municipalities(clock, facts):
    r = RegionFactory(name="Achterhoek")
    municipalities = {
        code: MunicipalityFactory(code=code, name=name, region=r)
        for code, name in (("0197", "Aalten"), ("0294", "Winterswijk"), ("0222", "Doetinchem"))
    }
    history_since(dt.date(2024, 6, 1))
    for code, soort, day, case_type, closed_after, to in facts:
        person = resident(municipalities[code], dt.date(2012, 1, 1))
        case = open_case(person, case_type, today=at(clock, day), owner=None, absent_since=day)
        VerzuimMeldingFactory(person=person, case=case, soort=soort, meldingsdatum=day)
        if to is not None and to != code:
            at(clock, day + dt.timedelta(days=20))
            handover_to_municipality(
                case, municipalities[to], actor=None, expected_version=None, to_user=None
            )
        if closed_after is not None:
            closing = at(clock, day + dt.timedelta(days=max(closed_after, 21)))
            close_case(case, "overig", actor=None, expected_version=None, closed_on=closing)
    at(clock, dt.date(2026, 3, 11))
    f = count_year(YEAR)
    for figure in COUNTS:
        if figure.key == "verzuimmeldingen_niet_gekoppeld":
            continue
        total = f.region[figure.key]
        parts = [values[figure.key] for values in f.municipalities.values()]
        if isinstance(total, dict):
            assert total == {c: sum(p[c] for p in parts) for c in total}, figure.key
        else:
            assert total == sum(parts), figure.key
