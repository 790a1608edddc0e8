"""Prevention at schools and each municipality's fair share (R-43, finance.md).

The municipality where a school is established provides its prevention
(hours per week per school type). The region's total — schools in the
region, schools outside it and shared tasks — is divided by each
municipality's share of the youth aged 5–22; fair share minus the hours at
its own schools is what it delivers elsewhere (positive) or receives (negative).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rbl.finance.scenario import Norms, Scenario

ZERO = Decimal(0)


@dataclass(frozen=True)
class PreventionRow:
    code: str
    naam: str
    jeugd_5_22: Decimal
    aandeel_jeugd: Decimal
    uren_per_week: Decimal
    fte: Decimal
    eerlijk_deel_uren: Decimal
    eerlijk_deel_fte: Decimal
    verschil_uren: Decimal


@dataclass(frozen=True)
class PreventionSummary:
    rows: list[PreventionRow]
    scholen_uren: Decimal  # schools established in the region
    buiten_regio_uren: Decimal
    gedeelde_taken_uren: Decimal
    totaal_uren: Decimal
    totaal_fte: Decimal


def school_hours(counts: dict[str, Decimal], norms: Norms) -> Decimal:
    """Prevention hours per week for a set of schools by type."""
    return sum((n * norms.preventie_uren[kind] for kind, n in counts.items()), ZERO)


def prevention(scenario: Scenario) -> PreventionSummary:
    norms = scenario.normen
    week = norms.uren_per_week
    own = {m.code: school_hours(m.scholen, norms) for m in scenario.gemeenten}
    outside = school_hours(scenario.scholen_buiten_regio, norms)
    shared = scenario.gedeelde_taken_uren_per_week
    in_region = sum(own.values(), ZERO)
    total = in_region + outside + shared
    youth = sum((m.jeugd_5_22 for m in scenario.gemeenten), ZERO)
    rows = []
    for m in scenario.gemeenten:
        share = m.jeugd_5_22 / youth if youth else ZERO
        fair = total * share
        rows.append(
            PreventionRow(
                code=m.code,
                naam=m.naam,
                jeugd_5_22=m.jeugd_5_22,
                aandeel_jeugd=share,
                uren_per_week=own[m.code],
                fte=own[m.code] / week,
                eerlijk_deel_uren=fair,
                eerlijk_deel_fte=fair / week,
                verschil_uren=fair - own[m.code],
            )
        )
    return PreventionSummary(
        rows=rows,
        scholen_uren=in_region,
        buiten_regio_uren=outside,
        gedeelde_taken_uren=shared,
        totaal_uren=total,
        totaal_fte=total / week,
    )
