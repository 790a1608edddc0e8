"""The reference figures of the demo region (shipped in ``data/achterhoek.csv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

#: The executing municipality of the Achterhoek region.
EXECUTING = "0222"


@dataclass(frozen=True)
class MunicipalityFigures:
    code: str
    name: str
    inhabitants_5_15: int
    inhabitants_16_17: int
    inhabitants_18_22: int
    inhabitants_total: int
    caseload: int
    vsv_participants: int
    vsv: int

    def persons_per_age(self) -> dict[int, float]:
        """Expected residents per year of age 0–23 (ages 0–4 and 23 estimated).

        The CSV gives the bands 5–15, 16–17 and 18–22; the youngest cohorts
        of this ageing region are a little smaller than those of primary
        school age, age 23 about as large as the 18–22 average.
        """
        per_5_15 = self.inhabitants_5_15 / 11
        per_18_22 = self.inhabitants_18_22 / 5
        ages: dict[int, float] = {}
        for age in range(24):
            if age <= 4:
                ages[age] = per_5_15 * 0.9
            elif age <= 15:
                ages[age] = per_5_15
            elif age <= 17:
                ages[age] = self.inhabitants_16_17 / 2
            elif age <= 22:
                ages[age] = per_18_22
            else:
                ages[age] = per_18_22 * 0.97
        return ages


@cache
def load_reference() -> tuple[MunicipalityFigures, ...]:
    """The nine municipalities, ordered by CBS code."""
    text = resources.files("rbl.demo").joinpath("data/achterhoek.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    figures = [
        MunicipalityFigures(
            code=row["gemeentecode"],
            name=row["naam"],
            inhabitants_5_15=int(row["inwoners_5_15"]),
            inhabitants_16_17=int(row["inwoners_16_17"]),
            inhabitants_18_22=int(row["inwoners_18_22"]),
            inhabitants_total=int(row["inwoners_totaal"]),
            caseload=int(row["caseload_2018_2019"]),
            vsv_participants=int(row["vsv_deelnemers_2018_2019"]),
            vsv=int(row["vsv_2018_2019"]),
        )
        for row in rows
    ]
    return tuple(sorted(figures, key=lambda f: f.code))
