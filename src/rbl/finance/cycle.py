"""The budget cycle on top of a scenario (R-44, finance.md).

- Next year's draft budget: every cost and income line indexed by `indexatie`.
- Final accounts: realised cost per block against the budget (realised
  income is taken as budgeted); a deviation above the threshold (default
  10 %) is flagged so that all principals are notified.
- The net result of the charged blocks goes to the equalisation reserve up to
  its maximum and the rest is paid out; a deficit is taken from the reserve
  and the rest is charged. Paying out and charging follow the keys: each
  municipality's part is its share of the contributions to the blocks in the
  final accounts (which are themselves divided by each block's key).
- Advance invoices per half year with VAT stated, in cents (these are
  payments, not a report: the two halves add up to the year's amount).
- Extra services at a unit price: the estimated quantity is invoiced in
  advance, the difference with the realised quantity is settled afterwards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from rbl.finance.budget import BlockBudget
from rbl.finance.rounding import round_half_up
from rbl.finance.scenario import Scenario

ZERO = Decimal(0)


@dataclass(frozen=True)
class IndexedBlock:
    nummer: int
    naam: str
    kosten: Decimal
    baten: Decimal
    te_verdelen: Decimal


@dataclass(frozen=True)
class BlockAccount:
    nummer: int
    naam: str
    begroot_kosten: Decimal
    gerealiseerd_kosten: Decimal
    baten: Decimal
    begroot_te_verdelen: Decimal
    gerealiseerd_te_verdelen: Decimal
    resultaat: Decimal  # positive: surplus
    afwijking: Decimal | None  # (realised − budget) / budget
    boven_drempel: bool
    doorberekend: bool


@dataclass(frozen=True)
class Invoice:
    gemeente: str
    periode: str
    bijdrage: Decimal
    extra_diensten: Decimal
    bedrag_excl_btw: Decimal
    btw: Decimal
    bedrag_incl_btw: Decimal


@dataclass(frozen=True)
class ServiceSettlement:
    gemeente: str
    product: str
    prijs: Decimal
    geraamd: Decimal
    gerealiseerd: Decimal | None
    geraamd_bedrag: Decimal
    gerealiseerd_bedrag: Decimal | None
    nacalculatie: Decimal  # positive: the municipality pays more afterwards


@dataclass(frozen=True)
class Settlement:
    """After the final accounts, per municipality (positive saldo: it pays)."""

    gemeente: str
    resultaat: Decimal  # positive: paid out to the municipality
    extra_diensten: Decimal
    saldo: Decimal


@dataclass(frozen=True)
class CycleResult:
    jaar: int
    termijnen: dict[str, dt.date]
    indexatie: Decimal
    begroting_volgend_jaar: list[IndexedBlock]
    bijdragen_volgend_jaar: dict[str, Decimal]
    jaarrekening: list[BlockAccount]
    drempel_afwijking: Decimal
    resultaat: Decimal
    reserve_begin: Decimal
    reserve_maximum: Decimal
    naar_reserve: Decimal
    uit_reserve: Decimal
    reserve_eind: Decimal
    uit_te_keren: Decimal
    bij_te_betalen: Decimal
    verdeling_resultaat: dict[str, Decimal]
    voorschotnotas: list[Invoice]
    extra_diensten: list[ServiceSettlement]
    afrekening: list[Settlement]


def deadlines(year: int) -> dict[str, dt.date]:
    """The last day of each step of the cycle for budget year `year`."""
    return {
        "ontwerpbegroting": dt.date(year - 1, 3, 31),
        "zienswijze_gemeenten": dt.date(year - 1, 5, 31),
        "jaarrekening": dt.date(year + 1, 3, 31),
    }


def budget_cycle(
    scenario: Scenario, blocks: list[BlockBudget], totals: dict[str, Decimal]
) -> CycleResult:
    cycle = scenario.begrotingscyclus
    factor = 1 + scenario.indexatie
    indexed = [
        IndexedBlock(b.nummer, b.naam, b.kosten * factor, b.baten * factor, b.te_verdelen * factor)
        for b in blocks
    ]
    next_year = {code: amount * factor for code, amount in totals.items()}

    accounts: list[BlockAccount] = []
    weights = {m.code: ZERO for m in scenario.gemeenten}
    for b in blocks:
        if b.nummer not in cycle.realisatie:
            continue
        realised = cycle.realisatie[b.nummer]
        deviation = (realised - b.kosten) / b.kosten if b.kosten else None
        flagged = (
            abs(deviation) > cycle.drempel_afwijking if deviation is not None else realised > 0
        )
        accounts.append(
            BlockAccount(
                nummer=b.nummer,
                naam=b.naam,
                begroot_kosten=b.kosten,
                gerealiseerd_kosten=realised,
                baten=b.baten,
                begroot_te_verdelen=b.te_verdelen,
                gerealiseerd_te_verdelen=realised - b.baten,
                resultaat=b.kosten - realised,
                afwijking=deviation,
                boven_drempel=flagged,
                doorberekend=b.doorberekend,
            )
        )
        if b.doorberekend:
            for code, amount in b.bijdragen.items():
                weights[code] += amount

    result = sum((a.resultaat for a in accounts if a.doorberekend), ZERO)
    reserve = cycle.egalisatiereserve
    to_reserve = from_reserve = payout = charge = ZERO
    if result >= 0:
        to_reserve = min(result, max(reserve.maximum - reserve.stand, ZERO))
        payout = result - to_reserve
    else:
        from_reserve = min(-result, reserve.stand)
        charge = -result - from_reserve
    net = payout - charge
    weight_total = sum(weights.values(), ZERO)
    distribution = {
        code: (net * w / weight_total if weight_total > 0 else ZERO) for code, w in weights.items()
    }

    services = []
    extra_estimated = {m.code: ZERO for m in scenario.gemeenten}
    extra_settled = {m.code: ZERO for m in scenario.gemeenten}
    for s in cycle.extra_diensten:
        estimated = s.prijs * s.geraamd
        realised_amount = s.prijs * s.gerealiseerd if s.gerealiseerd is not None else None
        later = realised_amount - estimated if realised_amount is not None else ZERO
        extra_estimated[s.gemeente] += estimated
        extra_settled[s.gemeente] += later
        services.append(
            ServiceSettlement(
                s.gemeente,
                s.product,
                s.prijs,
                s.geraamd,
                s.gerealiseerd,
                estimated,
                realised_amount,
                later,
            )
        )

    invoices = []
    for m in scenario.gemeenten:
        contribution = totals[m.code]
        extra = extra_estimated[m.code]
        if contribution == 0 and extra == 0:
            continue
        year_amount = round_half_up(contribution + extra, 2)
        first = round_half_up((contribution + extra) / 2, 2)
        halves = [
            (f"1e halfjaar {scenario.jaar}", first),
            (f"2e halfjaar {scenario.jaar}", year_amount - first),
        ]
        contribution_first = round_half_up(contribution / 2, 2)
        contribution_year = round_half_up(contribution, 2)
        for index, (period, amount) in enumerate(halves):
            part = contribution_first if index == 0 else contribution_year - contribution_first
            vat = round_half_up(amount * scenario.btw, 2)
            invoices.append(Invoice(m.code, period, part, amount - part, amount, vat, amount + vat))

    settlements = [
        Settlement(
            m.code,
            distribution[m.code],
            extra_settled[m.code],
            extra_settled[m.code] - distribution[m.code],
        )
        for m in scenario.gemeenten
        if distribution[m.code] != 0 or extra_settled[m.code] != 0
    ]

    return CycleResult(
        jaar=scenario.jaar,
        termijnen=deadlines(scenario.jaar),
        indexatie=scenario.indexatie,
        begroting_volgend_jaar=indexed,
        bijdragen_volgend_jaar=next_year,
        jaarrekening=accounts,
        drempel_afwijking=cycle.drempel_afwijking,
        resultaat=result,
        reserve_begin=reserve.stand,
        reserve_maximum=reserve.maximum,
        naar_reserve=to_reserve,
        uit_reserve=from_reserve,
        reserve_eind=reserve.stand + to_reserve - from_reserve,
        uit_te_keren=payout,
        bij_te_betalen=charge,
        verdeling_resultaat=distribution,
        voorschotnotas=invoices,
        extra_diensten=services,
        afrekening=settlements,
    )
