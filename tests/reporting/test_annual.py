"""The annual report, the benchmark and the RMC figures of the small region of
test_art25 (known events), checked against numbers worked out by hand."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from rbl.reporting.annual import build_annual_report
from rbl.reporting.benchmark import HIGH, KEYS, LOW, _flag, build_benchmark
from rbl.reporting.definitions import RATES, SchoolYear
from rbl.reporting.models import ReferenceFigure, ReportText, Target
from tests.reporting.yearly import YEAR

pytestmark = pytest.mark.django_db


def cells(report, key):
    row = next(r for r in report.table.rows if r.key == key)
    return dict(zip((c for c, _ in report.table.columns), (c.text for c in row.cells), strict=True))


def test_annual_report_beside_the_previous_year_with_targets(region):
    Target.objects.create(
        school_year=str(YEAR),
        municipality=region["aalten"],
        key="verzuim_per_1000",
        value=Decimal("1000"),
        set_at=timezone.now(),
    )
    Target.objects.create(
        school_year=str(YEAR),
        municipality=region["aalten"],
        key="rmc_naar_werk",
        value=Decimal("1"),
        set_at=timezone.now(),
    )
    ReferenceFigure.objects.create(
        key="verzuim_per_1000",
        school_year=str(YEAR),
        value=Decimal("45.5"),
        source="Voorbeeldgegevens (geen officiële cijfers)",
        is_sample=True,
        loaded_at=timezone.now(),
    )
    ReportText.objects.create(
        school_year=str(YEAR),
        municipality=region["aalten"],
        text="Het verzuim <b>daalde</b>.",
        updated_at=timezone.now(),
    )
    report = build_annual_report(YEAR, "0197", "Aalten", threshold=0, with_region=True)

    assert report.title == "Jaarverslag leerplicht en RMC gemeente Aalten, schooljaar 2024-2025"
    # 2024-2025 against 2023-2024, whose reports fell before the school year began
    # (the July report of 2024 is in 2023-2024).
    assert cells(report, "verzuimmeldingen.16UUR") == {
        "dit": "1",
        "vorig": "1",
        "verschil": "0",
        "regio": "1",
        "landelijk": "–",
        "streef": "–",
        "gehaald": "–",
    }
    assert cells(report, "halt")["verschil"] == "+1"
    # The residence history began in June 2024: 1 October 2023 is unknown, not 0.
    assert cells(report, "leerplichtigen")["vorig"] == "–"
    assert cells(report, "leerplichtigen")["verschil"] == "–"
    # 1.500 reports per 1,000 against a target of at most 1.000: not met.
    rate = cells(report, "verzuim_per_1000")
    assert rate["dit"] == "1.500,0"
    assert (rate["streef"], rate["gehaald"]) == ("ten hoogste 1.000,0", "nee")
    assert rate["landelijk"] == "45,5"
    assert cells(report, "rmc_naar_werk")["gehaald"] == "ja"
    assert report.text == "Het verzuim <b>daalde</b>."
    assert any("voorbeeldgegevens" in note for note in report.notes)
    assert any("2023-2024 zijn onvolledig" in note for note in report.notes)
    assert len(report.charts) == 2 and "<svg" in report.charts[0][1]


def test_policy_adviser_gets_the_report_with_small_counts_hidden(region, client):
    from rbl.accounts.models import RoleAssignment
    from tests.cases.factories import UserFactory

    adviser = UserFactory(username="beleid-w")
    adviser.set_password("x")
    adviser.save()
    RoleAssignment.objects.create(user=adviser, role="beleid", municipality=region["winterswijk"])
    client.force_login(adviser)
    url = "/cijfers/jaarverslag/2024-2025/0294/"
    response = client.get(url)
    assert response.status_code == 200
    report = response.context["report"]
    assert cells(report, "pv")["dit"] == "< 5"
    assert cells(report, "pv")["verschil"] == "< 5"
    assert cells(report, "pv")["regio"] == "–"  # no counts of the other municipalities
    assert cells(report, "pv_per_100_zaken")["dit"] == "klein aantal"
    html = response.content.decode()
    assert "Aalten" not in html.split('id="inhoud"', 1)[1]
    assert client.get("/cijfers/jaarverslag/2024-2025/0197/").status_code == 404
    assert client.get("/cijfers/jaarverslag/2024-2025/regio/").status_code == 404
    # The XLSX keeps numbers as numbers and hidden counts as their text.
    sheet = load_workbook(io.BytesIO(client.get(url + "?export=xlsx").content)).active
    rows = {r[0].strip(): r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["Processen-verbaal"][1] == "< 5"
    assert rows["Absoluut verzuim"][1] == "< 5"
    assert rows["Verlofaanvragen beslist"][1] == 0


def test_benchmark_rates_flags_and_who_sees_what(region, client):
    bench = build_benchmark(YEAR, exact_codes=frozenset({"0197", "0294"}))
    assert set(bench.keys) == {f.key for f in RATES}  # every rate of the definitions
    aalten = next(line for line in bench.lines if line.code == "0197")
    assert aalten.scores[bench.keys.index("verzuim_per_1000")].cell.text == "1.500,0"
    assert bench.region.scores[bench.keys.index("verzuim_per_1000")].cell.text == "1.000,0"
    # Three reports are too few to call Aalten high, however high its rate.
    assert bench.flags == 0
    hidden = build_benchmark(YEAR, exact_codes=frozenset())
    aalten = next(line for line in hidden.lines if line.code == "0197")
    assert aalten.scores[hidden.keys.index("verzuim_per_1000")].cell.text == "klein aantal"


@pytest.mark.parametrize(
    ("rate", "region_rate", "count", "flag"),
    [
        (126.0, 100.0, 5, HIGH),
        (125.0, 100.0, 50, ""),
        (74.0, 100.0, 5, LOW),
        (76.0, 100.0, 50, ""),
        (300.0, 100.0, 4, ""),  # too few cases behind it
        (None, 100.0, 50, ""),
        (50.0, None, 50, ""),
    ],
)
def test_flag_rule(rate, region_rate, count, flag):
    assert _flag(rate, region_rate, count) == flag


def test_benchmark_page_shows_rates_never_counts(region, client):
    from rbl.accounts.models import RoleAssignment
    from tests.cases.factories import UserFactory

    adviser = UserFactory(username="beleid-a")
    RoleAssignment.objects.create(user=adviser, role="beleid", municipality=region["aalten"])
    client.force_login(adviser)
    response = client.get("/cijfers/benchmark/?schooljaar=2024-2025")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Winterswijk" in html and "Aalten" in html  # every municipality, as rates
    assert "klein aantal" in html
    assert "Processen-verbaal<" not in html  # a count: not in the benchmark
    assert len(KEYS) == 6


def test_rmc_page(region, client):
    from rbl.accounts.models import RoleAssignment
    from tests.cases.factories import UserFactory

    coordinator = UserFactory(username="coord")
    for m in (region["aalten"], region["winterswijk"]):
        RoleAssignment.objects.create(user=coordinator, role="coordinator", municipality=m)
    client.force_login(coordinator)
    response = client.get("/cijfers/rmc/?schooljaar=2024-2025")
    table = response.context["table"]
    by_key = {r.key: [c.text for c in r.cells] for r in table.rows}
    assert by_key["vsv"] == ["1", "0", "1"]
    assert by_key["rmc_naar_werk"] == ["1", "0", "1"]
    assert by_key["vsv_pct"] == ["25,00", "–", "25,00"]
    assert "verzuimmeldingen" not in by_key


def test_a_year_without_data_shows_no_numbers(region):
    report = build_annual_report(SchoolYear(2023), "0197", "Aalten", threshold=0, with_region=True)
    assert cells(report, "pv")["vorig"] == "–"  # 2022-2023: before any data
    assert cells(report, "verzuimmeldingen.LUXE")["vorig"] == "–"
    assert report.previous.completeness == "geen gegevens"
    assert dt.date(2023, 8, 1) == SchoolYear(2023).start
