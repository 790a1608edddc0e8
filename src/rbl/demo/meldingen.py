"""DUO's files of a demo year: absence reports (verzuimmeldingen.csv) and the
VSV list (vsv.csv), written in the formats of formats.md so that the demo
loads them through the real imports.

The pupils come from the demo's own registry (persons with an enrolment), so
every report names a real school of the demo; a handful of reports carry a
BSN the registry does not know, for the "niet gekoppeld" queue.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path

from rbl.core.bsn import make_bsn
from rbl.law.status import school_year_end, school_year_start

MELDING_COLUMNS = (
    "meldingsnummer",
    "bsn",
    "brin",
    "vestiging",
    "soort",
    "meldingsdatum",
    "verzuim_vanaf",
    "verzuim_tot",
    "uren",
    "dagen",
    "alle_lessen_gemist",
    "reden",
    "actie_school",
    "actie_gemeente_gewenst",
    "toelichting",
)
VSV_COLUMNS = ("bsn", "uitschrijvingsdatum", "brin", "opleiding", "niveau", "peildatum")

# Share of each kind of report among the reports of under-18s (the rest of
# the caseload); 18PLUS reports come from the 18+ pupils.
SOORT_WEIGHTS = (("16UUR", 62), ("SIGNAAL", 14), ("LUXE", 10), ("LANGDURIG", 7), ("OVERIG", 7))

_REDENEN = {
    "16UUR": ("spijbelen", "te laat komen", "ziekmeldingen door ouders", "onbekend"),
    "SIGNAAL": ("regelmatig te laat", "veel ziekmeldingen", "spijbelen op vrijdag"),
    "LUXE": ("vakantie buiten de schoolvakantie", "vroeg vertrokken op vakantie"),
    "LANGDURIG": ("psychische klachten", "conflict met school", "thuiszitter sinds weken"),
    "OVERIG": ("zorgen over de thuissituatie", "onduidelijk verzuim"),
    "18PLUS": ("geen motivatie voor de opleiding", "werkt naast de opleiding", "onbekend"),
}
_ACTIES = (
    "gesprek met leerling en ouders",
    "ouders gebeld",
    "mentor in gesprek met leerling",
    "zorgteam ingeschakeld",
)
_OPLEIDINGEN = (
    ("Medewerker logistiek", "2"),
    ("Verzorgende IG", "3"),
    ("Entree", "1"),
    ("Havo", "havo"),
    ("Mbo Techniek", "2"),
    ("Kok", "2"),
)


@dataclass(frozen=True)
class Pupil:
    """A youth of the demo registry at one school: one enrolment, from `start`
    through `end` (None: still there), while living in `municipality` from
    `since` (None: from before the demo's period)."""

    bsn: str
    birth_date: dt.date
    brin: str
    vestiging: str
    sector: str
    municipality: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    since: dt.date | None = None

    def on(self, day: dt.date) -> bool:
        """At this school and living in this municipality on `day`."""
        return (
            (self.start is None or self.start <= day)
            and (self.end is None or day <= self.end)
            and (self.since is None or self.since <= day)
        )

    def overlaps(self, first: dt.date, last: dt.date) -> bool:
        """`on` some day from `first` through `last`."""
        begin = max(d for d in (self.start, self.since, first) if d is not None)
        return begin <= last and (self.end is None or self.end >= begin)


@dataclass(frozen=True)
class Melding:
    """One row of verzuimmeldingen.csv."""

    nummer: str
    bsn: str
    brin: str
    vestiging: str
    soort: str
    meldingsdatum: dt.date
    vanaf: dt.date
    tot: dt.date
    uren: int
    dagen: int
    reden: str
    actie: str


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def report_weight(age: int) -> float:
    """How likely a pupil of `age` is reported, relative to an 18+ MBO student:
    absence peaks in secondary school and the first MBO years, primary school
    pupils are reported far less often."""
    if age < 5:
        return 0.0
    if age < 12:
        return 0.45
    if age < 18:
        return 1.6
    return 1.0


def weighted_picker(
    rng: random.Random,
    pupils: Sequence[Pupil],
    day: dt.date,
    weight: Callable[[int], float] | None = None,
) -> Callable[[], Pupil]:
    """Draws pupils with `report_weight` of their age on `day`, times
    `weight(index)` when given."""
    cumulative = list(
        accumulate(
            report_weight(age_on(p.birth_date, day)) * (weight(i) if weight else 1.0)
            for i, p in enumerate(pupils)
        )
    )
    return lambda: rng.choices(pupils, cum_weights=cumulative)[0]


def _pick_soort(rng: random.Random, pupil: Pupil, day: dt.date) -> str | None:
    age = age_on(pupil.birth_date, day)
    if age >= 18:
        return "18PLUS" if pupil.sector in ("MBO", "VO") else None
    if age < 5:
        return None
    soorten = [s for s, _ in SOORT_WEIGHTS]
    weights = [w for _, w in SOORT_WEIGHTS]
    soort = rng.choices(soorten, weights)[0]
    if soort == "LANGDURIG" and age < 10:
        soort = "16UUR"
    return soort


def school_year_picker(
    rng: random.Random,
    pupils: Sequence[Pupil],
    first_day: dt.date,
    last_day: dt.date,
    factor: Callable[[Pupil, dt.date], float] | None = None,
) -> Callable[[dt.date], Pupil | None]:
    """`pick(day)` draws a pupil for a report on `day`, with `report_weight` of
    their age in the middle of that school year (within the two days) times
    `factor(pupil, 1 August of the school year)`, among the pupils who are `on`
    some day of it (the caller checks the day itself); None when there is none."""
    pickers: dict[dt.date, Callable[[], Pupil] | None] = {}

    def pick(day: dt.date) -> Pupil | None:
        year = school_year_start(day)
        if year not in pickers:
            lo, hi = max(year, first_day), min(school_year_end(day), last_day)
            middle = lo + (hi - lo) / 2
            weights = [
                (factor(p, year) if factor else 1.0) if p.overlaps(lo, hi) else 0.0 for p in pupils
            ]
            pickers[year] = (
                weighted_picker(rng, pupils, middle, weight=weights.__getitem__)
                if any(weights)
                else None
            )
        picker = pickers[year]
        return picker() if picker is not None else None

    return pick


def make_meldingen(
    rng: random.Random,
    pupils: Sequence[Pupil],
    *,
    count: int,
    first_day: dt.date,
    last_day: dt.date,
    unknown: int,
    known_bsns: set[str],
    seed: int,
    factor: Callable[[Pupil, dt.date], float] | None = None,
) -> list[Melding]:
    """`count` reports of pupils of the registry between the two days plus
    `unknown` reports for BSNs the registry does not know, by date. A report
    names a pupil on a day they are at that school and live in their
    municipality (`Pupil.on`); `factor` weighs the pupils per school year (see
    `school_year_picker`)."""
    span = (last_day - first_day).days
    rows: list[Melding] = []
    number = 0
    attempts = 0
    pick = school_year_picker(rng, pupils, first_day, last_day, factor) if pupils else None
    while len(rows) < count and pick is not None and attempts < count * 20:
        attempts += 1
        day = first_day + dt.timedelta(days=rng.randint(0, span))
        pupil = pick(day)
        if pupil is None or not pupil.on(day):
            continue
        soort = _pick_soort(rng, pupil, day)
        if soort is None:
            continue
        number += 1
        rows.append(_melding(rng, seed, number, pupil.bsn, pupil, soort, day))
    if pupils:
        body = 90_000_000 + 2 * (seed % 1_000_000)
        made = 0
        while made < unknown:
            bsn = make_bsn(body)
            body += 2
            if bsn in known_bsns:
                continue
            made += 1
            number += 1
            day = first_day + dt.timedelta(days=rng.randint(0, span))
            rows.append(_melding(rng, seed, number, bsn, rng.choice(pupils), "16UUR", day))
    rows.sort(key=lambda m: (m.meldingsdatum, m.nummer))
    return rows


def _melding(
    rng: random.Random, seed: int, number: int, bsn: str, pupil: Pupil, soort: str, day: dt.date
) -> Melding:
    days = rng.randint(10, 40) if soort == "LANGDURIG" else rng.randint(1, 8)
    start = day - dt.timedelta(days=days + rng.randint(0, 10))
    return Melding(
        nummer=f"VM{seed % 1000:03d}{number:06d}",
        bsn=bsn,
        brin=pupil.brin,
        vestiging=pupil.vestiging,
        soort=soort,
        meldingsdatum=day,
        vanaf=start,
        tot=start + dt.timedelta(days=days),
        uren=days * 5 if soort == "LANGDURIG" else rng.randint(16, 30),
        dagen=days,
        reden=rng.choice(_REDENEN[soort]),
        actie=rng.choice(_ACTIES),
    )


def write_meldingen(path: Path, rows: Sequence[Melding]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(MELDING_COLUMNS)
        for m in rows:
            writer.writerow(
                (
                    m.nummer,
                    m.bsn,
                    m.brin,
                    m.vestiging,
                    m.soort,
                    m.meldingsdatum.isoformat(),
                    m.vanaf.isoformat(),
                    m.tot.isoformat(),
                    m.uren,
                    m.dagen,
                    "J" if m.soort == "LANGDURIG" else "N",
                    m.reden,
                    m.actie,
                    "J",
                    "",
                )
            )
    return path


@dataclass(frozen=True)
class VsvRow:
    bsn: str
    left_on: dt.date
    brin: str
    opleiding: str
    niveau: str


def make_vsv(
    rng: random.Random,
    leavers: Sequence[Pupil],
    *,
    count: int,
    first_day: dt.date,
    last_day: dt.date,
) -> list[VsvRow]:
    """Early school leavers: youth of 18–22 without a startkwalificatie, each
    on a day they lived in the region's municipality they live in now."""
    chosen = rng.sample(list(leavers), min(count, len(leavers)))
    rows = []
    for pupil in chosen:
        opleiding, niveau = rng.choice(_OPLEIDINGEN)
        first = max(first_day, pupil.since or first_day)
        if first > last_day:
            continue
        day = first + dt.timedelta(days=rng.randint(0, (last_day - first).days))
        rows.append(VsvRow(pupil.bsn, day, pupil.brin, opleiding, niveau))
    rows.sort(key=lambda r: (r.left_on, r.bsn))
    return rows


def write_vsv(path: Path, rows: Sequence[VsvRow], peildatum: dt.date) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(VSV_COLUMNS)
        for r in rows:
            writer.writerow(
                (r.bsn, r.left_on.isoformat(), r.brin, r.opleiding, r.niveau, peildatum.isoformat())
            )
    return path
