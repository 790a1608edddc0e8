"""The VSV report (R-33): figures worked out by hand for a small region, the
region as the sum of its municipalities, `rbl rapport vsv`, the PDF and XLSX
read back, and the screen (policy adviser: own municipality, small numbers)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from rbl.cases.models import CaseType, VsvMelding
from rbl.cases.services.lifecycle import close_case, handover_to_municipality, open_case
from rbl.reporting.figures import count_year
from rbl.reporting.snapshots import figures_for
from rbl.reporting.tables import REGION
from rbl.reporting.vsv import vsv_values
from tests.cases.factories import staff
from tests.factories import EnrolmentFactory, MunicipalityFactory, RegionFactory
from tests.reporting.yearly import YEAR, at, history_since, resident

pytestmark = pytest.mark.django_db

D = dt.date
TODAY = D(2026, 3, 11)


def _rmc(clock, person, opened: D, *, closed: D | None = None, reason: str = "", owner=None):
    case = open_case(person, CaseType.RMC, today=at(clock, opened), owner=owner)
    if closed:
        close_case(case, reason, actor=None, expected_version=None, closed_on=at(clock, closed))
    return case


@pytest.fixture
def vsv_region(clock):
    """Aalten: 4 participants, 2 leavers, RMC trajects: one back to school, one
    running. Winterswijk: 2 participants, 1 leaver, one traject ended in work
    and one running since the year before (closed after the year)."""
    r = RegionFactory(name="Achterhoek")
    aalten = MunicipalityFactory(code="0197", name="Aalten", region=r)
    winterswijk = MunicipalityFactory(code="0294", name="Winterswijk", region=r)
    officer = staff("rmc", "rmc", aalten, winterswijk)
    history_since(D(2023, 6, 1))
    x1 = resident(aalten, D(2006, 2, 1))
    x2 = resident(aalten, D(2006, 5, 1))
    a3 = resident(aalten, D(2010, 1, 1))
    a4 = resident(aalten, D(2011, 1, 1))
    old = resident(aalten, D(2005, 1, 1))  # 19 on 1 October 2024, not enrolled
    y1 = resident(winterswijk, D(2006, 3, 1))
    w2 = resident(winterswijk, D(2009, 3, 1))
    z = resident(winterswijk, D(2005, 6, 1))  # not enrolled
    for p in (x1, x2, a3, a4, y1, w2):
        EnrolmentFactory(bsn=p.bsn, start=D(2020, 8, 15), end=None)
    VsvMelding.objects.create(bsn=x1.bsn, person=x1, uitschrijvingsdatum=D(2024, 10, 20))
    VsvMelding.objects.create(bsn=x2.bsn, person=x2, uitschrijvingsdatum=D(2025, 2, 3))
    VsvMelding.objects.create(bsn=x2.bsn, person=x2, uitschrijvingsdatum=D(2025, 3, 3))  # again
    VsvMelding.objects.create(bsn=y1.bsn, person=y1, uitschrijvingsdatum=D(2024, 9, 10))
    VsvMelding.objects.create(bsn=a3.bsn, person=a3, uitschrijvingsdatum=D(2024, 5, 1))  # before

    _rmc(clock, x1, D(2024, 11, 1), closed=D(2025, 3, 1), reason="terug_naar_school", owner=officer)
    _rmc(clock, x2, D(2024, 11, 5), owner=officer)  # running on 31 July
    _rmc(clock, y1, D(2024, 6, 1), closed=D(2025, 9, 1), reason="werk", owner=officer)
    _rmc(clock, z, D(2025, 1, 10), closed=D(2025, 5, 1), reason="werk", owner=officer)
    _rmc(clock, old, D(2023, 10, 1), closed=D(2024, 6, 1), reason="werk", owner=officer)  # before
    _rmc(clock, old, D(2025, 9, 1), owner=officer)  # after the year
    at(clock, TODAY)
    return {"aalten": aalten, "winterswijk": winterswijk}


KEYS = (
    "deelnemers",
    "vsv",
    "vsv_pct",
    "rmc_trajecten",
    "rmc_caseload",
    "rmc_naar_school",
    "rmc_naar_werk",
    "rmc_overig",
    "rmc_lopend",
)
EXPECTED = {
    "0197": (4, 2, 50.0, 2, 2, 1, 0, 0, 1),
    "0294": (2, 1, 50.0, 1, 2, 0, 1, 0, 1),
    REGION: (6, 3, 50.0, 3, 4, 1, 1, 0, 2),
}


def test_figures_worked_out_by_hand(vsv_region):
    values = vsv_values(figures_for(YEAR), today=TODAY)
    for column, expected in EXPECTED.items():
        assert tuple(values[column][k] for k in KEYS) == expected, column


def test_command_json_pdf_and_xlsx(vsv_region, tmp_path, capsys):
    pdf, xlsx = tmp_path / "vsv.pdf", tmp_path / "vsv.xlsx"
    call_command(
        "rapport",
        "vsv",
        "--schooljaar",
        "2024-2025",
        "--json",
        "--pdf",
        str(pdf),
        "--xlsx",
        str(xlsx),
    )
    data = json.loads(capsys.readouterr().out)
    assert data["schooljaar"] == "2024-2025"
    assert data["gemeenten"]["0197"]["naam"] == "Aalten"
    for column, expected in EXPECTED.items():
        got = data["regio"] if column == REGION else data["gemeenten"][column]
        assert tuple(got[k] for k in KEYS) == expected, column
    assert "laatste dag van het schooljaar" in data["definities"]["rmc_lopend"]

    sheet = load_workbook(xlsx).active
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "VSV-rapportage schooljaar 2024-2025"
    header = next(r for r in rows if r[0] == "Cijfer")
    assert header[1:4] == ("Aalten", "Winterswijk", "Regio")
    by_label = {str(r[0]).strip(): r for r in rows if r and r[0]}
    assert by_label["Nieuwe voortijdig schoolverlaters"][1:4] == (2, 1, 3)
    assert by_label["In traject op 31 juli"][1:4] == (1, 1, 2)
    assert by_label["Teruggeleid naar school"][1:4] == (1, 0, 1)
    assert by_label["VSV-percentage"][1:4] == (50.0, 50.0, 50.0)
    assert "RMC-zaken" in by_label["RMC-caseload in het schooljaar"][4]

    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "VSV-rapportage schooljaar 2024-2025" in text
    assert "Teruggeleid naar school" in text and "In traject op 31 juli" in text


def test_command_prints_a_table(vsv_region, capsys):
    call_command("rapport", "vsv", "--schooljaar", "2024-2025")
    out = capsys.readouterr().out
    assert "RMC-caseload in het schooljaar" in out and "Winterswijk" in out


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    facts=st.lists(
        st.tuples(
            st.sampled_from(["0197", "0294", "0222"]),
            st.dates(D(2024, 1, 1), D(2025, 9, 30)),  # opened
            st.one_of(st.none(), st.integers(1, 400)),  # closed after n days
            st.sampled_from(["terug_naar_school", "werk", "verhuisd", "overig"]),
            st.one_of(st.none(), st.sampled_from(["0197", "0294", "0222"])),  # handed over
        ),
        max_size=6,
    )
)
def test_the_region_is_the_sum_of_its_municipalities(clock, facts):
    r = RegionFactory(name="Achterhoek")
    municipalities = {
        code: MunicipalityFactory(code=code, name=name, region=r)
        for code, name in (("0197", "Aalten"), ("0294", "Winterswijk"), ("0222", "Doetinchem"))
    }
    history_since(D(2023, 6, 1))
    for code, opened, closed_after, reason, to in facts:
        person = resident(municipalities[code], D(2005, 1, 1))
        case = open_case(
            person,
            CaseType.RMC,
            today=at(clock, opened),
            owner=None,
            principal=municipalities[code],
        )
        if to is not None and to != code:
            at(clock, opened + dt.timedelta(days=1))
            handover_to_municipality(
                case, municipalities[to], actor=None, expected_version=None, to_user=None
            )
        if closed_after is not None:
            closing = at(clock, opened + dt.timedelta(days=closed_after + 1))
            close_case(case, reason, actor=None, expected_version=None, closed_on=closing)
    at(clock, TODAY)
    values = vsv_values(count_year(YEAR), today=TODAY)
    for key in KEYS:
        if key in ("vsv_pct", "deelnemers", "vsv"):
            continue
        parts = [values[c][key] for c in municipalities]
        assert values[REGION][key] == sum(parts), key
    for column in values.values():
        parts = sum(column[k] for k in ("rmc_naar_school", "rmc_naar_werk", "rmc_overig"))
        assert column["rmc_caseload"] == parts + column["rmc_lopend"]
