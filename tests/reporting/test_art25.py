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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.cases.models import CaseType, Handhaving
from rbl.cases.services.lifecycle import (
    change_status,
    close_case,
    handover_to_municipality,
    open_case,
)
from rbl.reporting.definitions import COUNTS, SchoolYear
from rbl.reporting.figures import count_year
from rbl.reporting.snapshots import CannotClose, close_year, figures_for
from tests.cases.factories import VerzuimMeldingFactory
from tests.factories import (
    MunicipalityFactory,
    RegionFactory,
)
from tests.reporting.yearly import YEAR, at, history_since, resident

pytestmark = pytest.mark.django_db


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
            st.integers(0, 3),  # the youth: some have several cases
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
    youth = {}
    for code, soort, day, case_type, closed_after, to, n in facts:
        if n not in youth:
            youth[n] = resident(municipalities[code], dt.date(2012, 1, 1))
        person = youth[n]
        case = open_case(
            person,
            case_type,
            today=at(clock, day),
            owner=None,
            absent_since=day,
            principal=municipalities[code],
        )
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
    # Counted for some municipalities only (which reads fewer cases), each has
    # the same figures as when all are counted.
    some = count_year(YEAR, ["0197", "0294"])
    for code, values in some.municipalities.items():
        assert values == f.municipalities[code], code


def test_a_municipality_outside_the_administration_has_an_unknown_population(region, client):
    """Winterswijk took part only in block 2 on 1 October 2024: RBL does not hold
    its residents, so its population and rates are unknown (not 0) and the screen
    says why; its cases are still counted, and Aalten is unaffected."""
    from rbl.organisation.models import BuildingBlock, Participation

    start = dt.date(2020, 1, 1)
    Participation.objects.create(
        municipality_id="0197", block=BuildingBlock.ADMINISTRATION, start=start
    )
    Participation.objects.create(municipality_id="0294", block=BuildingBlock.TEAM, start=start)

    f = count_year(YEAR)
    a, w = f.municipalities["0197"], f.municipalities["0294"]

    assert f.outside == ["0294"]
    assert (w["leerplichtigen"], w["kwalificatieplichtigen"], w["deelnemers"]) == (None,) * 3
    assert w["verzuim_per_1000"] is None and w["pv_per_100_zaken"] is None
    assert (w["absoluut_verzuim"], w["pv"]) == (1, 1)  # the team's cases still count
    assert a["leerplichtigen"] == 1 and f.select(["0197"]).outside == []
    assert f.as_json()["buiten_administratie"] == ["0294"]
    assert type(f).from_json(f.as_json()).outside_notes == f.outside_notes
    assert (
        "Winterswijk nam op 01-10-2024 niet deel aan de regionale administratie"
        in (f.outside_notes[0])
    )
