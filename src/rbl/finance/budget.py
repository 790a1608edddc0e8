"""Budget per building block and the municipal contributions (R-41, R-42).

kosten = personnel cost × (1 + overhead) + other costs; baten = other income
(an amount, or fte × scale cost × (1 + overhead)); te_verdelen = kosten −
baten, shared by the block's payers by its key. Block 2 includes the BOA
work of block 3: a municipality in block 2 never pays for block 3, and when
nobody pays for block 3 its cost is reported but not charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rbl.finance.allocation import allocate, shares, weights
from rbl.finance.scenario import KEYS, Block, Scenario

ZERO = Decimal(0)
BOA_BLOCK = 3


@dataclass(frozen=True)
class TeamCost:
    functie: str
    fte: Decimal
    schaal: str
    kosten_per_fte: Decimal
    bedrag: Decimal


@dataclass(frozen=True)
class IncomeAmount:
    omschrijving: str
    bedrag: Decimal
    fte: Decimal | None = None
    schaal: str | None = None


@dataclass(frozen=True)
class BlockBudget:
    nummer: int
    naam: str
    sleutel: str
    team: list[TeamCost]
    fte: Decimal
    personeel: Decimal
    opslag: Decimal  # the overhead amount
    overige_kosten: list[tuple[str, Decimal]]
    kosten: Decimal
    baten_regels: list[IncomeAmount]
    baten: Decimal
    te_verdelen: Decimal
    deelnemers: list[str]  # codes listing the block
    betalers: list[str]  # codes paying for it
    aandelen: dict[str, Decimal]
    bijdragen: dict[str, Decimal]
    # What each payer would pay under each key (None when that key cannot divide).
    per_sleutel: dict[str, dict[str, Decimal] | None]

    @property
    def doorberekend(self) -> bool:
        """Whether the block is charged to municipalities at all."""
        return bool(self.betalers)


@dataclass(frozen=True)
class BoaAdvice:
    pv_per_jaar: Decimal
    uren_per_pv: Decimal
    uren_per_fte_per_jaar: Decimal
    fte: Decimal
    team_fte: Decimal | None  # fte of block 3's team in the scenario, if it has one


def block_budget(scenario: Scenario, block: Block) -> BlockBudget:
    scale_cost = scenario.schalen
    overhead = scenario.opslag
    team = [
        TeamCost(
            line.functie,
            line.fte,
            line.schaal,
            scale_cost[line.schaal],
            line.fte * scale_cost[line.schaal],
        )
        for line in block.team
    ]
    personnel = sum((t.bedrag for t in team), ZERO)
    other = [(c.omschrijving, c.bedrag) for c in block.overige_kosten]
    costs = personnel * (1 + overhead) + sum((a for _, a in other), ZERO)
    income = []
    for line in block.overige_baten:
        if line.bedrag is not None:
            income.append(IncomeAmount(line.omschrijving, line.bedrag))
        else:
            assert line.fte is not None and line.schaal is not None
            amount = line.fte * scale_cost[line.schaal] * (1 + overhead)
            income.append(IncomeAmount(line.omschrijving, amount, line.fte, line.schaal))
    income_total = sum((i.bedrag for i in income), ZERO)
    to_share = costs - income_total
    key = scenario.key_of(block.nummer)
    payers = scenario.payers(block.nummer)
    block_shares = shares(payers, key) if payers else {}
    block_weights = weights(payers, key) if payers else {}
    if block_shares is None or block_weights is None:  # prevented by validation
        raise ValueError(f"block {block.nummer} cannot be divided by key {key}")
    per_key: dict[str, dict[str, Decimal] | None] = {}
    for other_key in KEYS:
        candidate = weights(payers, other_key) if payers else {}
        per_key[other_key] = None if candidate is None else allocate(to_share, candidate)
    return BlockBudget(
        nummer=block.nummer,
        naam=block.naam,
        sleutel=key,
        team=team,
        fte=sum((t.fte for t in team), ZERO),
        personeel=personnel,
        opslag=personnel * overhead,
        overige_kosten=other,
        kosten=costs,
        baten_regels=income,
        baten=income_total,
        te_verdelen=to_share,
        deelnemers=[m.code for m in scenario.participants(block.nummer)],
        betalers=[m.code for m in payers],
        aandelen=block_shares,
        bijdragen=allocate(to_share, block_weights) if block_weights else {},
        per_sleutel=per_key,
    )


def budgets(scenario: Scenario) -> list[BlockBudget]:
    return [block_budget(scenario, block) for block in scenario.bouwstenen.values()]


def totals_per_municipality(scenario: Scenario, blocks: list[BlockBudget]) -> dict[str, Decimal]:
    """What each municipality pays in all (0 for one in no charged block)."""
    totals = {m.code: ZERO for m in scenario.gemeenten}
    for block in blocks:
        for code, amount in block.bijdragen.items():
            totals[code] += amount
    return totals


def totals_per_key(
    scenario: Scenario, blocks: list[BlockBudget]
) -> dict[str, dict[str, Decimal | None]]:
    """Side by side: what each municipality would pay in all under each key applied to
    every block (None for a key that cannot divide some block it pays for)."""
    result: dict[str, dict[str, Decimal | None]] = {}
    for m in scenario.gemeenten:
        row: dict[str, Decimal | None] = {}
        for key in KEYS:
            if key == "vast" and all(x.aandeel is None for x in scenario.gemeenten):
                continue
            total: Decimal | None = ZERO
            for block in blocks:
                if m.code not in block.betalers:
                    continue
                amounts = block.per_sleutel.get(key)
                if amounts is None:
                    total = None
                    break
                total += amounts[m.code]  # type: ignore[operator]
            row[key] = total
        result[m.code] = row
    return result


def boa_advice(scenario: Scenario) -> BoaAdvice:
    """boa_fte = pv_per_jaar × uren_per_pv / uren_per_fte_per_jaar (36 PV → 0.5 fte)."""
    norms = scenario.normen
    block = scenario.bouwstenen.get(BOA_BLOCK)
    return BoaAdvice(
        pv_per_jaar=scenario.pv_per_jaar,
        uren_per_pv=norms.uren_per_pv,
        uren_per_fte_per_jaar=norms.uren_per_fte_per_jaar,
        fte=scenario.pv_per_jaar * norms.uren_per_pv / norms.uren_per_fte_per_jaar,
        team_fte=sum((t.fte for t in block.team), ZERO) if block else None,
    )
