"""The benchmark (R-32): the municipalities of the region side by side on
rates, against the region, the national reference and their targets.

Rates only, never counts, for every reader with figures of any municipality
of the region (interfaces.md, "Who may see what"). A rate resting on a count
from 1 up to the threshold is shown as "klein aantal" to a reader without
case access for that municipality, and never flagged.

Flagging rule (documented on the page): a municipality scores high (or low)
on a rate when its rate lies more than `FLAG_MARGIN` (25 %) above (below)
the region's rate, and its own count behind the rate is at least
`FLAG_MIN_COUNT` (5 by default, the small-count threshold) — so one or two
cases in a small municipality never make it an outlier. With 2 to 11
municipalities a relative band is easier to explain to a council than a
standard deviation, and it does not depend on how many municipalities there
are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings

from rbl.reporting.definitions import BY_KEY, SchoolYear
from rbl.reporting.figures import YearFigures
from rbl.reporting.reference import national_reference
from rbl.reporting.snapshots import figures_for
from rbl.reporting.tables import RATE_NUMERATOR, REGION, Cell, _value
from rbl.reporting.targets import direction, target_met, targets_for

FLAG_MARGIN = Decimal("0.25")
#: The rates compared (R-32), in this order.
KEYS = (
    "verzuim_per_1000",
    "absoluut_per_1000",
    "thuiszitters_per_1000",
    "vrijstellingen_per_1000",
    "pv_per_100_zaken",
    "vsv_pct",
)
HIGH, LOW = "hoog", "laag"


@dataclass
class Score:
    cell: Cell
    flag: str = ""  # "hoog", "laag" or ""
    target: str = ""  # "ten hoogste 10,0"
    met: bool | None = None

    @property
    def met_text(self) -> str:
        return "" if self.met is None else ("gehaald" if self.met else "niet gehaald")


@dataclass
class Line:
    code: str
    name: str
    scores: list[Score]


@dataclass
class Benchmark:
    year: SchoolYear
    figures: YearFigures
    keys: tuple[str, ...]
    lines: list[Line]  # the municipalities
    region: Line
    national: Line | None
    reference_sources: list[str] = field(default_factory=list)
    reference_is_sample: bool = False

    @property
    def labels(self) -> list[str]:
        return [BY_KEY[k].label for k in self.keys]

    @property
    def flags(self) -> int:
        return sum(1 for line in self.lines for s in line.scores if s.flag)


def flag_min_count() -> int:
    return max(settings.RBL_SMALL_COUNT_THRESHOLD, 1)


def _flag(rate: float | None, region: float | None, count: int) -> str:
    if rate is None or not region or count < flag_min_count():
        return ""
    ratio = Decimal(str(rate)) / Decimal(str(region))
    if ratio > 1 + FLAG_MARGIN:
        return HIGH
    if ratio < 1 - FLAG_MARGIN:
        return LOW
    return ""


def _target_text(key: str, target: Decimal | None) -> str:
    if target is None:
        return ""
    return f"{direction(key)} {Cell(float(target), decimals=BY_KEY[key].decimals).text}"


def build_benchmark(year: SchoolYear, *, exact_codes: frozenset[str]) -> Benchmark:
    """Every municipality of the region; rates on small counts hidden where the
    reader has no case access (`exact_codes`: where they have)."""
    figures = figures_for(year)
    threshold = settings.RBL_SMALL_COUNT_THRESHOLD
    lines = []
    for code, values in figures.municipalities.items():
        targets = targets_for(year, code)
        scores = []
        for key in KEYS:
            rate = values.get(key)
            count = _value(values, RATE_NUMERATOR[key]) or 0
            hidden = code not in exact_codes and 0 < count < threshold
            score = Score(Cell(rate, hidden, threshold, BY_KEY[key].decimals, rate=True))
            if not hidden:
                score.flag = _flag(rate, figures.region.get(key), count)
            target = targets.get(key)
            if target is not None:
                score.target = _target_text(key, target)
                score.met = None if hidden else target_met(key, rate, target)
            scores.append(score)
        lines.append(Line(code, figures.names.get(code, code), scores))
    region_targets = targets_for(year, None)
    region = Line(
        REGION,
        "Regio",
        [
            Score(
                Cell(figures.region.get(k), decimals=BY_KEY[k].decimals),
                target=_target_text(k, region_targets.get(k)),
                met=target_met(k, figures.region.get(k), region_targets.get(k)),
            )
            for k in KEYS
        ],
    )
    reference = national_reference(year)
    national = None
    if reference:
        national = Line(
            "landelijk",
            "Landelijk",
            [
                Score(
                    Cell(
                        float(reference[k].value) if k in reference else None,
                        decimals=BY_KEY[k].decimals,
                    )
                )
                for k in KEYS
            ],
        )
    return Benchmark(
        year=year,
        figures=figures,
        keys=KEYS,
        lines=lines,
        region=region,
        national=national,
        reference_sources=sorted({f.source for f in reference.values()}),
        reference_is_sample=any(f.is_sample for f in reference.values()),
    )
