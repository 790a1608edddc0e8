"""`rbl scenario` writes a scenario whose caseload, population and hours
come from the database; `rbl financien` then computes the formation and the
settlement of extra services from it. The figures are worked out by hand."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from django.core.management import call_command

from rbl.cases.models import CaseType
from rbl.finance.scenario_io import read_scenario_file
from rbl.organisation.models import Participation
from rbl.timekeeping.models import Product, TimeEntry
from tests.cases.factories import CaseFactory, staff
from tests.factories import ExemptionFactory, MunicipalityFactory, RegionFactory, SchoolFactory
from tests.reporting.yearly import history_since, resident

pytestmark = pytest.mark.django_db

BASE = """\
regio: Achterhoek
jaar: 2026
sleutel: inwoners
opslag: 0.20
schalen: {7: 57111, 12: 105065}
gemeenten:
  - code: "0197"
    naam: Aalten
    inwoners: {"5-15": 0}
    formatie: {lpa: 0.02}
    bouwstenen: []
bouwstenen:
  1:
    naam: Regionale administratie
    team:
      - {functie: Administratie leerplicht, fte: 1.0, schaal: 7}
  2:
    naam: Regionaal team
    team:
      - {functie: Leerplichtambtenaar, fte: 0.5, schaal: 12}
begrotingscyclus:
  extra_diensten:
    - {gemeente: "0294", product: Extra preventie-uur, prijs: 85, geraamd: 2}
    - {gemeente: "0197", product: Voorlichting ouders, prijs: 450, geraamd: 4, gerealiseerd: 3}
"""


@pytest.fixture
def small_region(clock):
    """School year 2025-2026 (the clock stands in March 2026)."""
    r = RegionFactory(name="Achterhoek")
    aalten = MunicipalityFactory(code="0197", name="Aalten", region=r)
    winterswijk = MunicipalityFactory(code="0294", name="Winterswijk", region=r)
    history_since(dt.date(2025, 6, 1))
    # Residents on 1 October 2025, by age that day.
    for birth in (dt.date(2015, 1, 1), dt.date(2012, 6, 1), dt.date(2020, 9, 30)):
        resident(aalten, birth)  # 10, 13 and 5 years old: 5-15
    resident(aalten, dt.date(2009, 3, 1))  # 16: 16-17
    resident(aalten, dt.date(2005, 5, 1))  # 20: 18-22
    resident(aalten, dt.date(2020, 10, 2))  # 4 on 1 October: not counted
    for birth in (dt.date(2014, 2, 1), dt.date(2011, 11, 1)):
        resident(winterswijk, birth)  # 11 and 13: 5-15
    # Caseload: cases of absoluut and relatief verzuim opened in the year
    # plus exemptions decided in it. Each case's youth lives there too (12 years old).
    for kind, opened in (
        (CaseType.RELATIEF_16UUR, dt.date(2025, 9, 15)),
        (CaseType.RELATIEF_16UUR, dt.date(2026, 1, 12)),
        (CaseType.ABSOLUUT, dt.date(2025, 11, 3)),
        (CaseType.RELATIEF_16UUR, dt.date(2025, 5, 1)),  # the year before: not counted
    ):
        CaseFactory(type=kind, person=resident(aalten, dt.date(2013, 1, 1)), opened_on=opened)
    CaseFactory(
        type=CaseType.RELATIEF_16UUR,
        person=resident(winterswijk, dt.date(2012, 1, 1)),
        opened_on=dt.date(2025, 10, 20),
    )
    ExemptionFactory(municipality=aalten, start=dt.date(2025, 9, 1))
    SchoolFactory(municipality_code="0197", sector="PO")
    SchoolFactory(municipality_code="0197", sector="VO")
    SchoolFactory(municipality_code="0294", sector="PO")
    for code in ("0197", "0294"):
        Participation.objects.create(municipality_id=code, block=1, start=dt.date(2024, 1, 1))
    Participation.objects.create(municipality_id="0197", block=2, start=dt.date(2024, 1, 1))
    # Hours: 2.5 h on the priced product for Winterswijk in the year, 1 h the
    # year before, and 3 h of ordinary work for Aalten.
    officer = staff("kpa", "kpa", aalten, winterswijk)
    product = Product.objects.create(name="Extra preventie-uur", unit_price=85)
    for code, day, minutes, prod in (
        ("0294", dt.date(2025, 10, 7), 90, product),
        ("0294", dt.date(2026, 2, 3), 60, product),
        ("0294", dt.date(2025, 7, 15), 60, product),
        ("0197", dt.date(2026, 3, 2), 180, None),
    ):
        TimeEntry.objects.create(
            user=officer, municipality_id=code, date=day, minutes=minutes, block=2, product=prod
        )


def _write(tmp_path) -> str:
    base = tmp_path / "basis.yaml"
    base.write_text(BASE, encoding="utf-8")
    out = tmp_path / "scenario.yaml"
    call_command("scenario", "--schooljaar", "2025-2026", "--basis", str(base), "--uit", str(out))
    return str(out)


def test_scenario_holds_the_year_from_the_database(small_region, tmp_path):
    path = _write(tmp_path)
    text = open(path, encoding="utf-8").read()
    assert '- code: "0197"' in text  # a code stays a quoted string
    assert "Winterswijk (0294): bouwsteen 2: 2.5" in text  # the hours as a comment
    data = read_scenario_file(path)
    aalten, winterswijk = data["gemeenten"]
    # Three residents and the four case youths are 5-15; the four-year-old is not counted.
    assert aalten["inwoners"] == {"5-15": 3 + 4, "16-17": 1, "18-22": 1}
    assert aalten["caseload"] == 3 + 1  # two relatief + one absoluut + one exemption
    assert aalten["scholen"] == {"PO": 1, "VO": 1}
    assert aalten["bouwstenen"] == [1, 2]
    assert aalten["formatie"] == {"lpa": 0.02}  # kept from the base file
    assert winterswijk["inwoners"] == {"5-15": 2 + 1, "16-17": 0, "18-22": 0}
    assert winterswijk["caseload"] == 1
    assert winterswijk["bouwstenen"] == [1]
    assert data["begrotingscyclus"]["extra_diensten"] == [
        # A product not booked in RBL keeps the base file's figures.
        {
            "gemeente": "0197",
            "product": "Voorlichting ouders",
            "prijs": 450,
            "geraamd": 4,
            "gerealiseerd": 3,
        },
        {
            "gemeente": "0294",
            "product": "Extra preventie-uur",
            "prijs": 85,
            "geraamd": 2,
            "gerealiseerd": 2.5,
        },
    ]


def test_financien_computes_formation_and_settlement_from_the_written_file(small_region, tmp_path):
    path = _write(tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "rbl", "financien", path, "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    meter = result["formatiemeter"]
    # Formation: caseload / 135, upper bound × 1.66.
    assert meter["0197"]["lp_onder"] == pytest.approx(4 / 135)
    assert meter["0197"]["lp_boven"] == pytest.approx(4 / 135 * 1.66)
    assert meter["0294"]["lp_onder"] == pytest.approx(1 / 135)
    # 0.02 fte is below 4/135 = 0.0296.
    assert meter["0197"]["oordeel_lp"] == "onder"
    # Block 1: 57,111 × 1.2 = 68,533.20 split by inhabitants 5-17: Aalten 8, Winterswijk 3.
    block1 = result["bouwstenen"]["1"]["bijdragen"]
    assert block1["0197"] == pytest.approx(68533.2 * 8 / 11)
    assert block1["0294"] == pytest.approx(68533.2 * 3 / 11)
    # Block 2: only Aalten, 0.5 × 105,065 × 1.2 = 63,039.
    assert result["bouwstenen"]["2"]["bijdragen"] == {"0197": 63039}
    # Extra services: estimated 2 h × €85 = €170, realised 2.5 h = €212.50, €42.50 afterwards.
    _, service = result["begrotingscyclus"]["extra_diensten"]
    assert service["geraamd_bedrag"] == 170
    assert service["gerealiseerd_bedrag"] == 212.5
    assert service["nacalculatie"] == 42.5


def test_a_bad_base_file_writes_nothing(small_region, tmp_path):
    base = tmp_path / "basis.yaml"
    base.write_text(BASE.replace("opslag: 0.20", "opslag: -1"), encoding="utf-8")
    out = tmp_path / "scenario.yaml"
    with pytest.raises(SystemExit) as exit_:
        call_command(
            "scenario", "--schooljaar", "2025-2026", "--basis", str(base), "--uit", str(out)
        )
    assert exit_.value.code == 1
    assert not out.exists()
    with pytest.raises(SystemExit):
        call_command("scenario", "--schooljaar", "2025", "--basis", str(base))
