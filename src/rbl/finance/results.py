"""All finance figures of one scenario, and the comparison of two (R-40 … R-45).

`compute(scenario)` runs every rule; `as_json(...)` gives the unrounded
structure of `rbl financien --json` (interfaces.md), including the norms
that were used, so a report can be reproduced later.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from rbl.finance.allocation import region_key_shares
from rbl.finance.budget import (
    BlockBudget,
    BoaAdvice,
    boa_advice,
    budgets,
    totals_per_key,
    totals_per_municipality,
)
from rbl.finance.cycle import CycleResult, budget_cycle
from rbl.finance.formation import FormationResult, formatiemeter
from rbl.finance.prevention import PreventionSummary, prevention
from rbl.finance.scenario import LP_SPLIT_KEYS, Scenario

ZERO = Decimal(0)


@dataclass(frozen=True)
class FinanceResult:
    scenario: Scenario
    formatie: list[FormationResult]
    formatie_regio: FormationResult
    preventie: PreventionSummary
    bouwstenen: list[BlockBudget]
    totaal_per_gemeente: dict[str, Decimal]
    totaal_per_sleutel: dict[str, dict[str, Decimal | None]]
    sleutels: dict[str, dict[str, Decimal]]
    boa: BoaAdvice
    cyclus: CycleResult

    @property
    def totaal(self) -> Decimal:
        return sum(self.totaal_per_gemeente.values(), ZERO)

    def naam(self, code: str) -> str:
        return self.scenario.municipality(code).naam


@dataclass(frozen=True)
class ComparisonRow:
    code: str
    naam: str
    totaal_a: Decimal
    totaal_b: Decimal
    per_bouwsteen: dict[int, tuple[Decimal, Decimal]]

    @property
    def verschil(self) -> Decimal:
        return self.totaal_b - self.totaal_a


def compute(scenario: Scenario) -> FinanceResult:
    rows, region = formatiemeter(scenario)
    blocks = budgets(scenario)
    totals = totals_per_municipality(scenario, blocks)
    return FinanceResult(
        scenario=scenario,
        formatie=rows,
        formatie_regio=region,
        preventie=prevention(scenario),
        bouwstenen=blocks,
        totaal_per_gemeente=totals,
        totaal_per_sleutel=totals_per_key(scenario, blocks),
        sleutels=region_key_shares(scenario.gemeenten),
        boa=boa_advice(scenario),
        cyclus=budget_cycle(scenario, blocks, totals),
    )


def compare(a: FinanceResult, b: FinanceResult) -> list[ComparisonRow]:
    """Per municipality (of either scenario) its total in A and in B; absent counts as 0."""
    names: dict[str, str] = {}
    for result in (a, b):
        for m in result.scenario.gemeenten:
            names.setdefault(m.code, m.naam)
    numbers = sorted({blk.nummer for blk in a.bouwstenen} | {blk.nummer for blk in b.bouwstenen})
    rows = []
    for code, naam in names.items():
        per_block = {}
        for number in numbers:
            amount_a = next(
                (x.bijdragen.get(code, ZERO) for x in a.bouwstenen if x.nummer == number), ZERO
            )
            amount_b = next(
                (x.bijdragen.get(code, ZERO) for x in b.bouwstenen if x.nummer == number), ZERO
            )
            per_block[number] = (amount_a, amount_b)
        rows.append(
            ComparisonRow(
                code,
                naam,
                a.totaal_per_gemeente.get(code, ZERO),
                b.totaal_per_gemeente.get(code, ZERO),
                per_block,
            )
        )
    return rows


# --------------------------------------------------------------------------- JSON


def _num(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    if value == value.to_integral_value() and abs(value) < 2**53:
        return int(value)
    return float(value)


def _formation_json(f: FormationResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "naam": f.naam,
        "caseload": _num(f.caseload),
        "lp_onder": _num(f.lp_onder),
        "lp_boven": _num(f.lp_boven),
    }
    for key in LP_SPLIT_KEYS:
        data[f"{key}_onder"] = _num(f.verdeling_onder[key])
        data[f"{key}_boven"] = _num(f.verdeling_boven[key])
    data.update(
        {
            "rmc": _num(f.rmc),
            "actueel_lp": _num(f.actueel_lp),
            "actueel_rmc": _num(f.actueel_rmc),
            "oordeel_lp": f.oordeel_lp,
            "oordeel_rmc": f.oordeel_rmc,
            "formatie_opgegeven": f.formatie_opgegeven,
        }
    )
    return data


def as_json(result: FinanceResult, comparison: FinanceResult | None = None) -> dict[str, Any]:
    s = result.scenario
    formation: dict[str, Any] = {f.code: _formation_json(f) for f in result.formatie}
    formation["regio"] = _formation_json(result.formatie_regio)

    p = result.preventie
    prevention_json: dict[str, Any] = {
        r.code: {
            "naam": r.naam,
            "uren_per_week": _num(r.uren_per_week),
            "fte": _num(r.fte),
            "aandeel_jeugd_5_22": _num(r.aandeel_jeugd),
            "eerlijk_deel_uren": _num(r.eerlijk_deel_uren),
            "eerlijk_deel_fte": _num(r.eerlijk_deel_fte),
            "verschil_uren": _num(r.verschil_uren),
        }
        for r in p.rows
    }
    prevention_json["buiten_regio"] = {
        "uren_per_week": _num(p.buiten_regio_uren),
        "fte": _num(p.buiten_regio_uren / s.normen.uren_per_week),
    }
    prevention_json["regio"] = {
        "uren_per_week": _num(p.scholen_uren),
        "fte": _num(p.scholen_uren / s.normen.uren_per_week),
        "gedeelde_taken_uren": _num(p.gedeelde_taken_uren),
        "eerlijk_deel_uren": _num(p.totaal_uren),
        "eerlijk_deel_fte": _num(p.totaal_fte),
        "verschil_uren": _num(p.totaal_uren - p.scholen_uren),
    }

    blocks_json = {}
    for b in result.bouwstenen:
        blocks_json[str(b.nummer)] = {
            "naam": b.naam,
            "sleutel": b.sleutel,
            "kosten": _num(b.kosten),
            "baten": _num(b.baten),
            "te_verdelen": _num(b.te_verdelen),
            "bijdragen": {code: _num(v) for code, v in b.bijdragen.items()},
            "aandelen": {code: _num(v) for code, v in b.aandelen.items()},
            "doorberekend": b.doorberekend,
            "deelnemers": b.deelnemers,
            "fte": _num(b.fte),
            "personeel": _num(b.personeel),
            "opslag": _num(b.opslag),
            "team": [
                {
                    "functie": t.functie,
                    "fte": _num(t.fte),
                    "schaal": t.schaal,
                    "kosten_per_fte": _num(t.kosten_per_fte),
                    "kosten": _num(t.bedrag),
                }
                for t in b.team
            ],
            "overige_kosten": [{"omschrijving": o, "bedrag": _num(a)} for o, a in b.overige_kosten],
            "overige_baten": [
                {"omschrijving": i.omschrijving, "bedrag": _num(i.bedrag)} for i in b.baten_regels
            ],
            "bijdragen_per_sleutel": {
                key: (None if amounts is None else {c: _num(v) for c, v in amounts.items()})
                for key, amounts in b.per_sleutel.items()
            },
        }

    c = result.cyclus
    data: dict[str, Any] = {
        "regio": s.regio,
        "jaar": s.jaar,
        "sleutel": s.sleutel,
        "formatiemeter": formation,
        "preventie": prevention_json,
        "bouwstenen": blocks_json,
        "totaal_per_gemeente": {code: _num(v) for code, v in result.totaal_per_gemeente.items()},
        "totaal": _num(result.totaal),
        "sleutels": {
            code: {k: _num(v) for k, v in per_key.items()}
            for code, per_key in result.sleutels.items()
        },
        "totaal_per_sleutel": {
            code: {k: _num(v) for k, v in per_key.items()}
            for code, per_key in result.totaal_per_sleutel.items()
        },
        "boa_advies": {
            "pv_per_jaar": _num(result.boa.pv_per_jaar),
            "uren_per_pv": _num(result.boa.uren_per_pv),
            "uren_per_fte_per_jaar": _num(result.boa.uren_per_fte_per_jaar),
            "fte": _num(result.boa.fte),
            "team_fte": _num(result.boa.team_fte),
        },
        "begrotingscyclus": {
            "termijnen": {k: v.isoformat() for k, v in c.termijnen.items()},
            "indexatie": _num(c.indexatie),
            "begroting_volgend_jaar": {
                "jaar": s.jaar + 1,
                "bouwstenen": {
                    str(i.nummer): {
                        "kosten": _num(i.kosten),
                        "baten": _num(i.baten),
                        "te_verdelen": _num(i.te_verdelen),
                    }
                    for i in c.begroting_volgend_jaar
                },
                "totaal_per_gemeente": {k: _num(v) for k, v in c.bijdragen_volgend_jaar.items()},
            },
            "jaarrekening": {
                str(a.nummer): {
                    "begroot": _num(a.begroot_kosten),
                    "gerealiseerd": _num(a.gerealiseerd_kosten),
                    "resultaat": _num(a.resultaat),
                    "afwijking": _num(a.afwijking),
                    "boven_drempel": a.boven_drempel,
                    "doorberekend": a.doorberekend,
                }
                for a in c.jaarrekening
            },
            "drempel_afwijking": _num(c.drempel_afwijking),
            "melden_aan_opdrachtgevers": any(a.boven_drempel for a in c.jaarrekening),
            "resultaat": _num(c.resultaat),
            "egalisatiereserve": {
                "begin": _num(c.reserve_begin),
                "maximum": _num(c.reserve_maximum),
                "toevoeging": _num(c.naar_reserve),
                "onttrekking": _num(c.uit_reserve),
                "eind": _num(c.reserve_eind),
            },
            "uit_te_keren": _num(c.uit_te_keren),
            "bij_te_betalen": _num(c.bij_te_betalen),
            "verdeling_resultaat": {k: _num(v) for k, v in c.verdeling_resultaat.items()},
            "voorschotnotas": [
                {
                    "gemeente": i.gemeente,
                    "periode": i.periode,
                    "bijdrage": _num(i.bijdrage),
                    "extra_diensten": _num(i.extra_diensten),
                    "bedrag_excl_btw": _num(i.bedrag_excl_btw),
                    "btw": _num(i.btw),
                    "bedrag_incl_btw": _num(i.bedrag_incl_btw),
                }
                for i in c.voorschotnotas
            ],
            "extra_diensten": [
                {
                    "gemeente": e.gemeente,
                    "product": e.product,
                    "prijs": _num(e.prijs),
                    "geraamd": _num(e.geraamd),
                    "gerealiseerd": _num(e.gerealiseerd),
                    "geraamd_bedrag": _num(e.geraamd_bedrag),
                    "gerealiseerd_bedrag": _num(e.gerealiseerd_bedrag),
                    "nacalculatie": _num(e.nacalculatie),
                }
                for e in c.extra_diensten
            ],
            "afrekening": {
                a.gemeente: {
                    "resultaat": _num(a.resultaat),
                    "extra_diensten": _num(a.extra_diensten),
                    "saldo": _num(a.saldo),
                }
                for a in c.afrekening
            },
        },
        "normen": {
            "opslag": _num(s.opslag),
            "btw": _num(s.btw),
            "schalen": {k: _num(v) for k, v in s.schalen.items()},
            "caseload_per_fte": _num(s.normen.caseload_per_fte),
            "factor_boven": _num(s.normen.factor_boven),
            "rmc_inwoners_per_fte": _num(s.normen.rmc_inwoners_per_fte),
            "uren_per_week": _num(s.normen.uren_per_week),
            "uren_per_fte_per_jaar": _num(s.normen.uren_per_fte_per_jaar),
            "uren_per_pv": _num(s.normen.uren_per_pv),
            "preventie_uren": {k: _num(v) for k, v in s.normen.preventie_uren.items()},
            "verdeling_lp": {k: _num(v) for k, v in s.normen.verdeling_lp.items()},
        },
    }
    if comparison is not None:
        data["vergelijking"] = {
            row.code: {
                "naam": row.naam,
                "totaal": _num(row.totaal_a),
                "totaal_vergelijk": _num(row.totaal_b),
                "verschil": _num(row.verschil),
                "bouwstenen": {
                    str(n): {
                        "totaal": _num(x),
                        "totaal_vergelijk": _num(y),
                        "verschil": _num(y - x),
                    }
                    for n, (x, y) in row.per_bouwsteen.items()
                },
            }
            for row in compare(result, comparison)
        }
    return data
