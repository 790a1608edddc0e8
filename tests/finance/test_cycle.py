"""The budget cycle on top of a scenario (R-44)."""

from __future__ import annotations

from decimal import Decimal

from rbl.finance.results import compute
from rbl.finance.scenario import validate_scenario

from .helpers import rivierland


def with_cycle(**cycle) -> dict:
    data = rivierland()
    data["begrotingscyclus"] = cycle
    return data


def test_surplus_fills_the_reserve_up_to_its_maximum_and_the_rest_is_paid_out_by_key():
    data = with_cycle(egalisatiereserve={"stand": 1000, "maximum": 2500}, realisatie={1: 98000})
    c = compute(validate_scenario(data)).cyclus
    assert c.resultaat == 3141
    assert c.naar_reserve == 1500 and c.reserve_eind == 2500
    assert c.uit_te_keren == 1641
    assert c.verdeling_resultaat == {
        "0001": Decimal("246.15"),
        "0002": Decimal("574.35"),
        "0003": Decimal("820.50"),
    }
    (account,) = c.jaarrekening
    assert not account.boven_drempel  # 3.1 % below budget


def test_deficit_comes_from_the_reserve_and_the_rest_is_charged():
    data = with_cycle(egalisatiereserve={"stand": 5000, "maximum": 50000}, realisatie={1: 121141})
    c = compute(validate_scenario(data)).cyclus
    assert c.resultaat == -20000
    assert c.uit_reserve == 5000 and c.reserve_eind == 0
    assert c.bij_te_betalen == 15000
    assert c.verdeling_resultaat["0003"] == Decimal("-7500")
    (account,) = c.jaarrekening
    assert account.boven_drempel  # 19.8 % over budget: notify all principals
    settlement = {s.gemeente: s for s in c.afrekening}
    assert settlement["0003"].saldo == Decimal("7500")  # the municipality pays


def test_deviation_threshold_is_strictly_more_than_ten_percent():
    exactly = with_cycle(realisatie={1: Decimal("111255.1")})  # +10 % exactly
    assert not compute(validate_scenario(exactly)).cyclus.jaarrekening[0].boven_drempel
    above = with_cycle(realisatie={1: Decimal("111255.2")})
    assert compute(validate_scenario(above)).cyclus.jaarrekening[0].boven_drempel


def test_half_yearly_advance_invoices_with_vat_add_up_to_the_year():
    data = with_cycle()
    data["btw"] = 0.21
    c = compute(validate_scenario(data)).cyclus
    aadorp = [i for i in c.voorschotnotas if i.gemeente == "0001"]
    assert [i.bedrag_excl_btw for i in aadorp] == [Decimal("7585.58"), Decimal("7585.57")]
    assert sum(i.bedrag_excl_btw for i in aadorp) == Decimal("15171.15")
    assert aadorp[0].btw == Decimal("1592.97")  # 21 % of 7,585.58, half up
    assert aadorp[0].bedrag_incl_btw == Decimal("9178.55")
    assert [i.periode for i in aadorp] == ["1e halfjaar 2021", "2e halfjaar 2021"]


def test_extra_services_estimated_in_advance_and_settled_afterwards():
    data = with_cycle(
        extra_diensten=[
            {
                "gemeente": "0001",
                "product": "Extra preventie-uur",
                "prijs": 85,
                "geraamd": 40,
                "gerealiseerd": 46,
            }
        ]
    )
    c = compute(validate_scenario(data)).cyclus
    (service,) = c.extra_diensten
    assert service.geraamd_bedrag == 3400 and service.gerealiseerd_bedrag == 3910
    assert service.nacalculatie == 510
    aadorp = [i for i in c.voorschotnotas if i.gemeente == "0001"]
    assert sum(i.extra_diensten for i in aadorp) == 3400  # estimate invoiced in advance
    (settlement,) = c.afrekening
    assert settlement.gemeente == "0001" and settlement.saldo == 510


def test_indexation_for_next_years_draft_budget_and_deadlines():
    data = rivierland()
    data["indexatie"] = 0.03
    c = compute(validate_scenario(data)).cyclus
    assert c.begroting_volgend_jaar[0].te_verdelen == Decimal("104175.23")
    assert c.bijdragen_volgend_jaar["0003"] == Decimal("52087.615")
    assert c.termijnen["ontwerpbegroting"].isoformat() == "2020-03-31"
    assert c.termijnen["jaarrekening"].isoformat() == "2022-03-31"
