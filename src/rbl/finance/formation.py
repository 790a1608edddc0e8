"""Formatiemeter leerplicht and RMC (R-40, finance.md).

lp_onder = caseload / caseload_per_fte (legal tasks only), lp_boven =
lp_onder × factor_boven (with prevention), split indicatively 70/20/5/5 over
leerplichtambtenaar, administration, policy and management; rmc = inhabitants
18–22 / rmc_inwoners_per_fte. The actual formation is judged against the band
with inclusive, unrounded bounds.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rbl.finance.scenario import LP_SPLIT_KEYS, Formation, Norms, Scenario

BELOW, WITHIN, ABOVE = "onder", "binnen", "boven"


@dataclass(frozen=True)
class FormationResult:
    """The formatiemeter of one municipality (or of the whole region)."""

    code: str
    naam: str
    caseload: Decimal
    inwoners_18_22: Decimal
    lp_onder: Decimal
    lp_boven: Decimal
    verdeling_onder: dict[str, Decimal]
    verdeling_boven: dict[str, Decimal]
    rmc: Decimal
    actueel_lp: Decimal
    actueel_rmc: Decimal
    oordeel_lp: str
    oordeel_rmc: str
    formatie_opgegeven: bool = True


def judge(actual: Decimal, lower: Decimal, upper: Decimal) -> str:
    """'onder' below the lower bound, 'boven' above the upper, else 'binnen' (inclusive)."""
    if actual < lower:
        return BELOW
    if actual > upper:
        return ABOVE
    return WITHIN


def measure(
    code: str,
    naam: str,
    caseload: Decimal,
    inwoners_18_22: Decimal,
    formatie: Formation,
    norms: Norms,
    given: bool = True,
) -> FormationResult:
    """Apply the formatiemeter to one set of figures."""
    lower = caseload / norms.caseload_per_fte
    upper = lower * norms.factor_boven
    rmc = inwoners_18_22 / norms.rmc_inwoners_per_fte
    return FormationResult(
        code=code,
        naam=naam,
        caseload=caseload,
        inwoners_18_22=inwoners_18_22,
        lp_onder=lower,
        lp_boven=upper,
        verdeling_onder={k: lower * norms.verdeling_lp[k] for k in LP_SPLIT_KEYS},
        verdeling_boven={k: upper * norms.verdeling_lp[k] for k in LP_SPLIT_KEYS},
        rmc=rmc,
        actueel_lp=formatie.leerplicht,
        actueel_rmc=formatie.rmc,
        oordeel_lp=judge(formatie.leerplicht, lower, upper),
        # RMC has one figure, not a band: equal to it is "binnen".
        oordeel_rmc=judge(formatie.rmc, rmc, rmc),
        formatie_opgegeven=given,
    )


def formatiemeter(scenario: Scenario) -> tuple[list[FormationResult], FormationResult]:
    """Per municipality and for the region as a whole."""
    norms = scenario.normen
    rows = [
        measure(
            m.code, m.naam, m.caseload, m.inwoners_18_22, m.formatie, norms, m.formatie_opgegeven
        )
        for m in scenario.gemeenten
    ]
    total = Formation(
        lpa=sum((m.formatie.lpa for m in scenario.gemeenten), Decimal(0)),
        administratie=sum((m.formatie.administratie for m in scenario.gemeenten), Decimal(0)),
        beleid=sum((m.formatie.beleid for m in scenario.gemeenten), Decimal(0)),
        overig=sum((m.formatie.overig for m in scenario.gemeenten), Decimal(0)),
        rmc=sum((m.formatie.rmc for m in scenario.gemeenten), Decimal(0)),
    )
    region = measure(
        "regio",
        scenario.regio,
        sum((m.caseload for m in scenario.gemeenten), Decimal(0)),
        sum((m.inwoners_18_22 for m in scenario.gemeenten), Decimal(0)),
        total,
        norms,
        any(m.formatie_opgegeven for m in scenario.gemeenten),
    )
    return rows, region
