"""The formation, prevention, budget and allocation rules (R-40 … R-43, R-45)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rbl.finance.results import as_json, compare, compute
from rbl.finance.scenario import validate_scenario

from .helpers import rivierland


def municipality(code: str, naam: str, young: int, caseload: int = 10, **extra) -> dict:
    return {
        "code": code,
        "naam": naam,
        "inwoners": {"5-15": young, "16-17": 0, "18-22": extra.pop("old", 0)},
        "caseload": caseload,
        "bouwstenen": extra.pop("bouwstenen", [1]),
        **extra,
    }


def compute_data(data: dict):
    return compute(validate_scenario(data))


# ------------------------------------------------------------------ formatiemeter


@pytest.mark.parametrize(
    ("lpa", "expected"),
    [
        ("0.99", "onder"),
        ("1", "binnen"),  # exactly the lower bound: inclusive
        ("1.66", "binnen"),  # exactly the upper bound: inclusive
        ("1.6601", "boven"),
    ],
)
def test_formation_band_bounds_are_inclusive(lpa, expected):
    data = rivierland()
    data["gemeenten"][0]["caseload"] = 135  # lp_onder = 1, lp_boven = 1.66
    data["gemeenten"][0]["formatie"] = {"lpa": Decimal(lpa)}
    result = compute_data(data)
    assert result.formatie[0].oordeel_lp == expected


def test_formation_is_judged_unrounded():
    data = rivierland()  # Aadorp: lp_onder = 40/135 = 0.2963 (shown 0,30)
    data["gemeenten"][0]["formatie"] = {"lpa": 0.2, "administratie": 0.096}
    result = compute_data(data)
    assert result.formatie[0].actueel_lp == Decimal("0.296")
    assert result.formatie[0].oordeel_lp == "onder"  # 0.296 < 0.29629…, though both show 0,30


def test_actual_formation_adds_all_leerplicht_functions_and_rmc_separately():
    data = rivierland()
    data["gemeenten"][2]["formatie"] = {
        "lpa": 1.0,
        "administratie": 0.5,
        "beleid": 0.2,
        "overig": 0.1,
        "rmc": 0.5,
    }
    f = compute_data(data).formatie[2]
    assert f.actueel_lp == Decimal("1.8") and f.oordeel_lp == "binnen"
    assert f.rmc == Decimal(1300) / 3800
    assert f.actueel_rmc == Decimal("0.5") and f.oordeel_rmc == "boven"


def test_split_70_20_5_5_for_both_bounds():
    data = rivierland()
    data["gemeenten"][0]["caseload"] = 270  # lp_onder 2, lp_boven 3.32
    f = compute_data(data).formatie[0]
    assert f.verdeling_onder == {
        "lpa": Decimal("1.4"),
        "administratie": Decimal("0.4"),
        "beleid": Decimal("0.1"),
        "aansturing": Decimal("0.1"),
    }
    assert f.verdeling_boven["lpa"] == Decimal("2.324")
    assert sum(f.verdeling_boven.values()) == f.lp_boven


def test_norms_can_be_changed_per_scenario():
    data = rivierland()
    data["normen"] = {"caseload_per_fte": 100, "factor_boven": 2, "rmc_inwoners_per_fte": 400}
    f = compute_data(data).formatie[0]
    assert (f.lp_onder, f.lp_boven, f.rmc) == (Decimal("0.4"), Decimal("0.8"), Decimal(1))


# ------------------------------------------------------------------ prevention


def test_prevention_hours_fair_share_and_outside_schools():
    data = rivierland()
    data["gemeenten"][0]["scholen"] = {"PO": 10, "VO": 1}  # 1 + 2 = 3 h
    data["gemeenten"][1]["scholen"] = {"MBO": 1, "SO": 1}  # 6 + 1 = 7 h
    data["gemeenten"][2]["scholen"] = {"PRO": 1, "VSO": 2}  # 1 + 2 = 3 h
    data["scholen_buiten_regio"] = {"VO": 2}  # 4 h
    data["gedeelde_taken_uren_per_week"] = 3
    p = compute_data(data).preventie
    own = [r.uren_per_week for r in p.rows]
    assert own == [Decimal(3), Decimal(7), Decimal(3)]
    assert p.rows[0].fte == Decimal(3) / 36
    assert p.totaal_uren == 20
    # youth 5-22: 1600, 3700, 5300 of 10600
    assert p.rows[0].eerlijk_deel_uren == Decimal(20) * 1600 / 10600
    assert p.rows[1].verschil_uren == Decimal(20) * 3700 / 10600 - 7
    assert sum(r.eerlijk_deel_uren for r in p.rows) == pytest.approx(
        Decimal(20), abs=Decimal("1e-20")
    )
    # Outside schools and shared tasks are what the municipalities deliver beyond their own.
    assert sum(r.verschil_uren for r in p.rows) == pytest.approx(Decimal(7), abs=Decimal("1e-20"))


# ------------------------------------------------------------------ budgets and keys


def three_blocks() -> dict:
    data = rivierland()
    data["bouwstenen"][2] = {"team": [{"functie": "LPA", "fte": 2, "schaal": 9}]}
    data["bouwstenen"][3] = {"team": [{"functie": "BOA", "fte": 0.5, "schaal": 9}]}
    return data


def test_block_2_includes_block_3():
    data = three_blocks()
    data["gemeenten"][0]["bouwstenen"] = [1, 2, 3]  # in 2: never pays 3
    data["gemeenten"][1]["bouwstenen"] = [1, 3]
    data["gemeenten"][2]["bouwstenen"] = [1, 3]
    result = compute_data(data)
    block3 = result.bouwstenen[2]
    assert block3.deelnemers == ["0001", "0002", "0003"]
    assert set(block3.bijdragen) == {"0002", "0003"}
    assert block3.aandelen == {"0002": Decimal(2800) / 6800, "0003": Decimal(4000) / 6800}
    assert sum(block3.bijdragen.values()) == pytest.approx(block3.te_verdelen, abs=Decimal("1e-18"))
    assert (
        result.totaal_per_gemeente["0001"]
        == result.bouwstenen[0].bijdragen["0001"] + (result.bouwstenen[1].bijdragen["0001"])
    )


def test_block_3_not_charged_when_nobody_pays_for_it():
    data = three_blocks()
    data["gemeenten"][0]["bouwstenen"] = [2, 3]
    data["gemeenten"][1]["bouwstenen"] = [1]
    result = compute_data(data)
    block3 = result.bouwstenen[2]
    assert block3.kosten == Decimal("0.5") * 73413 * Decimal("1.2")  # reported
    assert not block3.doorberekend and block3.bijdragen == {}
    assert result.totaal == sum(b.te_verdelen for b in result.bouwstenen if b.nummer != 3)
    assert as_json(result)["bouwstenen"]["3"]["bijdragen"] == {}


def test_only_participants_share_and_municipality_in_no_block_pays_nothing():
    data = rivierland()
    data["gemeenten"][0]["bouwstenen"] = []
    result = compute_data(data)
    (block,) = result.bouwstenen
    assert block.aandelen == {"0002": Decimal(2800) / 6800, "0003": Decimal(4000) / 6800}
    assert result.totaal_per_gemeente["0001"] == 0
    assert [f.code for f in result.formatie] == ["0001", "0002", "0003"]
    assert "0001" not in as_json(result)["bouwstenen"]["1"]["bijdragen"]


def test_other_income_as_amount_and_as_fte_with_overhead():
    data = rivierland()
    data["bouwstenen"][1]["overige_baten"] = [
        {"omschrijving": "Subsidie", "bedrag": 1141},
        {"omschrijving": "RMC-middelen kwalificatieplicht", "fte": 0.5, "schaal": 7},
    ]
    (block,) = compute_data(data).bouwstenen
    assert block.baten == 1141 + Decimal("0.5") * 57111 * Decimal("1.2")
    assert block.te_verdelen == 101141 - block.baten
    assert sum(block.bijdragen.values()) == block.te_verdelen


def test_problematiek_key_adds_leave_requests_and_block_override():
    data = three_blocks()
    for m, (case, leave) in zip(data["gemeenten"], [(40, 10), (70, 0), (150, 30)], strict=True):
        m["caseload"], m["verlofaanvragen"] = case, leave
        m["bouwstenen"] = [1, 2]
    data["bouwstenen"][2]["sleutel"] = "problematiek"
    result = compute_data(data)
    block1, block2, _ = result.bouwstenen
    assert block1.sleutel == "inwoners" and block1.aandelen["0001"] == Decimal("0.15")
    assert block2.sleutel == "problematiek"
    assert block2.aandelen == {
        "0001": Decimal(50) / 300,
        "0002": Decimal(70) / 300,
        "0003": Decimal(180) / 300,
    }


def test_fixed_shares_and_key_comparison():
    data = rivierland()
    data["sleutel"] = "vast"
    for m, share, pupils in zip(
        data["gemeenten"], (0.3, 0.2, 0.5), (1000, 1000, 2000), strict=True
    ):
        m["aandeel"], m["leerlingen"] = share, pupils
    result = compute_data(data)
    assert result.bouwstenen[0].bijdragen["0001"] == Decimal("101141") * Decimal("0.3")
    side_by_side = result.totaal_per_sleutel["0001"]
    assert side_by_side["inwoners"] == Decimal("15171.15")
    assert side_by_side["leerlingen"] == Decimal("25285.25")
    assert side_by_side["vast"] == Decimal("30342.3")
    assert side_by_side["problematiek"] == pytest.approx(
        Decimal(101141) * 40 / 260, abs=Decimal("1e-18")
    )
    assert result.sleutels["0003"]["leerlingen"] == Decimal("0.5")


def test_boa_advice_gives_half_fte_for_36_pv():
    data = three_blocks()
    data["pv_per_jaar"] = 36
    boa = compute_data(data).boa
    assert boa.fte == Decimal("0.5")
    assert boa.team_fte == Decimal("0.5")


def test_comparison_of_two_scenarios():
    a = compute_data(rivierland())
    other = rivierland()
    other["gemeenten"][0]["bouwstenen"] = []  # Aadorp leaves block 1
    b = compute_data(other)
    rows = {r.code: r for r in compare(a, b)}
    assert rows["0001"].totaal_a == Decimal("15171.15") and rows["0001"].totaal_b == 0
    assert rows["0001"].verschil == Decimal("-15171.15")
    assert rows["0003"].totaal_b == Decimal(101141) * 4000 / 6800
    assert sum(r.verschil for r in rows.values()) == pytest.approx(Decimal(0), abs=Decimal("1e-20"))
    vergelijking = as_json(a, b)["vergelijking"]
    assert set(vergelijking["0001"]) >= {"totaal", "totaal_vergelijk", "verschil"}
    assert vergelijking["0001"]["verschil"] == -15171.15
