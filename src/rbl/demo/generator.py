"""Synthetic BRP and DUO files for the demo region, written as the CSV files of
formats.md (scholen.csv, brp.csv, inschrijvingen.csv, diplomas.csv,
vrijstellingen.csv), so the demo is loaded through the real import pipeline.

`generate_region(out_dir, seed, scale, peildatum)` writes them streaming, one
household at a time: memory does not grow with the population, so the
benchmark can use the same generator for millions of persons. The output is
determined by (seed, scale, peildatum).

The population follows the nine Achterhoek municipalities (reference.py):
their residents aged 0–23 per year of age times `scale`. Every youth of
school age has a school career that fits their age (PO or SO from 4, VO, PRO
or VSO from 12, MBO or HO after it, diplomas on the way, a startkwalificatie
from havo, vwo or mbo-2 and higher), with the gaps a real region sees: some
leerplichtigen leave school and are not enrolled anywhere on the peildatum (the
absoluut-verzuim signals), some were out of school for a while during the
demo's period and are back, some MBO students drop out, some youth have an
exemption.

The demo covers the last completed school year in full and the current one up
to the peildatum (`demo_period`): the full BRP extract (brp.csv) is of
15 July before the completed school year, so the residence history covers all
of it, and everything after it (births, arrivals, moves inside the region and
out of it, deaths) comes as dated mutations (brp_mutaties.csv).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rbl.core.bsn import make_bsn
from rbl.demo import names
from rbl.demo.reference import MunicipalityFigures, load_reference
from rbl.demo.schools import SchoolCatalogue, SchoolPlan, plan_schools
from rbl.law.status import birthday, duty_periods, school_year_end, school_year_start

DAY = dt.timedelta(days=1)

BRP_COLUMNS = (
    "bsn", "geslachtsnaam", "voorvoegsel", "voornamen", "geboortedatum", "geslacht",
    "gemeentecode", "straat", "huisnummer", "huisletter", "huisnummertoevoeging", "postcode",
    "woonplaats", "datum_vestiging", "datum_overlijden", "geheim", "ouder1_bsn", "ouder1_naam",
    "ouder2_bsn", "ouder2_naam",
)  # fmt: skip
ENROLMENT_COLUMNS = (
    "bsn", "brin", "vestiging", "sector", "inschrijvingsdatum", "uitschrijvingsdatum",
    "reden_uitschrijving",
)  # fmt: skip
DIPLOMA_COLUMNS = ("bsn", "diplomadatum", "startkwalificatie", "opleiding", "niveau")
EXEMPTION_COLUMNS = (
    "bsn", "gemeentecode", "grond", "ingangsdatum", "einddatum", "besluitdatum",
)  # fmt: skip
SCHOOL_COLUMNS = ("brin", "vestiging", "naam", "sector", "gemeentecode", "swv", "contactpersoon")

#: The order in which the files must be imported.
FILE_ORDER = ("scholen", "brp", "brp-mutaties", "inschrijvingen", "diplomas", "vrijstellingen")
FILE_NAMES = {kind: f"{kind.replace('-', '_')}.csv" for kind in FILE_ORDER}

#: The full BRP extract is of this many days before 1 August of the completed
#: school year (15 July); what happened since (births, arrivals, moves, deaths)
#: comes as mutations.
EXTRACT_LEAD_DAYS = 17
MUTATION_COLUMNS = (*BRP_COLUMNS, "mutatie", "mutatiedatum")
#: Per household and year after the extract: a move out of the region, a move
#: to another municipality of the region, a death (per person).
MOVE_OUT_PER_YEAR = 0.02
MOVE_WITHIN_PER_YEAR = 0.015
DEATH_PER_YEAR = 0.0002

#: Share of the curative caseload (art. 25) that shows up as youth without any
#: enrolment on the peildatum (about 1 per 1,000 in duty, most of whom are at a
#: school abroad or about to start somewhere and answer the control letter).
ABSOLUUT_SHARE = 0.05
#: Per youth without a school on the peildatum, this many a year were out of
#: school for a few weeks or months earlier in the demo's period and are back
#: (a steady flow through the period: the checks find some every time).
RESOLVED_PER_GAP_YEAR = 1.5
EXEMPTION_RATE = 0.005
#: Share of those with an Entree diploma (mbo-1) who go on to mbo-2.
ENTREE_ONWARD = 0.7

MBO_PROGRAMMES = (
    "Verzorgende IG", "Mediavormgever", "Eerste monteur elektrotechniek", "Kok",
    "Pedagogisch medewerker", "Software developer", "Medewerker logistiek",
    "Verkoopspecialist", "Timmerman", "Doktersassistent", "Vakbekwaam medewerker groen",
    "Autotechnicus", "Maatschappelijke zorg", "Sport- en bewegingscoördinator",
)  # fmt: skip
HO_PROGRAMMES = (
    "Pabo", "Verpleegkunde", "Bedrijfskunde", "HBO-ICT", "Social Work", "Rechtsgeleerdheid",
    "Psychologie", "Werktuigbouwkunde", "Communicatie", "Biologie",
)  # fmt: skip
GAP_REASONS = (
    "verwijderd", "thuiszitter", "uitgeschreven zonder nieuwe school", "schorsing",
    "vertrek onbekend",
)  # fmt: skip


@dataclass
class GeneratedRegion:
    """What `generate_region` wrote."""

    out_dir: Path
    peildatum: dt.date
    seed: int
    scale: float
    files: dict[str, Path] = field(default_factory=dict)
    persons: int = 0
    households: int = 0
    enrolments: int = 0
    diplomas: int = 0
    exemptions: int = 0
    schools: int = 0
    planned_gaps: int = 0
    planned_resolved_gaps: int = 0
    mutations: int = 0
    #: persons who moved to another municipality of the region after the extract
    moves_within: int = 0
    #: the date of the full BRP extract (brp.csv); mutations follow up to the peildatum
    extract_day: dt.date | None = None
    #: SWV code -> name (the school file carries codes only)
    swv_names: dict[str, str] = field(default_factory=dict)


@dataclass
class Segment:
    """One enrolment in the making."""

    school: SchoolPlan
    start: dt.date
    end: dt.date | None
    reason: str = ""


@dataclass
class Career:
    segments: list[Segment] = field(default_factory=list)
    # (date, programme, level, startkwalificatie)
    diplomas: list[tuple[dt.date, str, str, bool]] = field(default_factory=list)
    # (ground, start, end, decided)
    exemptions: list[tuple[str, dt.date, dt.date | None, dt.date]] = field(default_factory=list)
    settled_on: dt.date | None = None


@dataclass(frozen=True)
class DemoPeriod:
    """The days the demo's data covers: the last completed school year in full
    and the current one up to the peildatum, after the full BRP extract."""

    peildatum: dt.date
    #: 1 August of the last completed school year: the residence history and
    #: every yearly figure of that year start here.
    completed_start: dt.date
    #: the date of the full BRP extract (before `completed_start`)
    extract_day: dt.date

    @property
    def first_day(self) -> dt.date:
        """The first day of the demo's work: the day after the extract."""
        return self.extract_day + DAY

    @property
    def days(self) -> int:
        """Days from `first_day` through the peildatum."""
        return (self.peildatum - self.extract_day).days


def demo_period(peildatum: dt.date) -> DemoPeriod:
    """The demo's period for `peildatum` (e.g. 2026-12-07: the extract of
    2025-07-15, school year 2025-2026 complete, 2026-2027 up to the peildatum)."""
    completed = school_year_start(school_year_start(peildatum) - DAY)
    return DemoPeriod(
        peildatum=peildatum,
        completed_start=completed,
        extract_day=completed - dt.timedelta(days=EXTRACT_LEAD_DAYS),
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return dt.date(day.year - years, 2, 28)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _scaled_counts(figures: MunicipalityFigures, scale: float) -> list[int]:
    return [round(n * scale) for _, n in sorted(figures.persons_per_age().items())]


def _bsn_base(seed: int) -> int:
    """An even 8-digit body to start the BSNs of this seed from.

    Bodies 2 apart never share a BSN (make_bsn moves at most one body on)."""
    return 10_000_000 + 2 * ((seed * 1_299_709) % 15_000_000)


def generate_region(
    out_dir: Path | str,
    seed: int = 1,
    scale: float = 1.0,
    peildatum: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GeneratedRegion:
    """Write the demo region's CSV files into `out_dir`; see the module docstring."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    peildatum = peildatum or dt.date.today()
    reference = load_reference()
    result = GeneratedRegion(out_dir=out, peildatum=peildatum, seed=seed, scale=scale)
    counts = {f.code: _scaled_counts(f, scale) for f in reference}
    total = sum(sum(c) for c in counts.values())

    pupils = {
        code: {"PO": sum(c[4:12]) * 0.95, "VO": sum(c[12:18]) * 0.9} for code, c in counts.items()
    }
    catalogue = plan_schools(pupils, seed, scale)
    result.files["scholen"] = _write_schools(out / "scholen.csv", catalogue)
    result.schools = len(catalogue.schools)
    result.swv_names = _swv_names(catalogue)

    files = {kind: out / FILE_NAMES[kind] for kind in FILE_ORDER[1:]}
    result.extract_day = demo_period(peildatum).extract_day
    handles = {kind: open(path, "w", encoding="utf-8", newline="") for kind, path in files.items()}
    try:
        writers = {kind: csv.writer(fh, lineterminator="\n") for kind, fh in handles.items()}
        writers["brp"].writerow(BRP_COLUMNS)
        writers["brp-mutaties"].writerow(MUTATION_COLUMNS)
        writers["inschrijvingen"].writerow(ENROLMENT_COLUMNS)
        writers["diplomas"].writerow(DIPLOMA_COLUMNS)
        writers["vrijstellingen"].writerow(EXEMPTION_COLUMNS)
        ids = _Ids(_bsn_base(seed))
        for figures in reference:
            _generate_municipality(
                figures, counts[figures.code], seed, scale, peildatum, catalogue, writers, ids,
                result, progress, total,
            )  # fmt: skip
    finally:
        for fh in handles.values():
            fh.close()
    result.files.update(files)
    return result


class _Ids:
    def __init__(self, base: int) -> None:
        self.base = base
        self.persons = 0
        self.parents = 0

    def person(self) -> str:
        self.persons += 1
        return make_bsn(self.base + 2 * self.persons)

    def parent(self) -> str:
        self.parents += 1
        return make_bsn(self.base + 50_000_000 + 2 * self.parents)


def _swv_names(catalogue: SchoolCatalogue) -> dict[str, str]:
    from rbl.demo.schools import SWV_NAMES

    used = {s.swv for s in catalogue.schools if s.swv}
    return {code: SWV_NAMES.get(code, code) for code in sorted(used)}


def _write_schools(path: Path, catalogue: SchoolCatalogue) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(SCHOOL_COLUMNS)
        for s in catalogue.schools:
            writer.writerow(
                (s.brin, s.vestiging, s.name, s.sector, s.municipality, s.swv, s.contact)
            )
    return path


def _generate_municipality(
    figures: MunicipalityFigures,
    remaining: list[int],
    seed: int,
    scale: float,
    peildatum: dt.date,
    catalogue: SchoolCatalogue,
    writers: dict[str, csv.writer],
    ids: _Ids,
    result: GeneratedRegion,
    progress: Callable[[int, int], None] | None,
    total: int,
) -> None:
    rng = random.Random(f"{seed}-{figures.code}")
    remaining = list(remaining)
    in_duty = max(1, sum(remaining[5:18]))
    gap_rate = figures.caseload * ABSOLUUT_SHARE * scale / in_duty
    code = figures.code
    while any(remaining):
        eldest = rng.choices(range(24), weights=remaining)[0]
        ages = [eldest]
        remaining[eldest] -= 1
        if eldest < 18 or rng.random() < 0.3:
            extra = rng.choices((0, 1, 2, 3), weights=(35, 45, 15, 5))[0]
            age = eldest
            for _ in range(extra):
                age -= rng.randint(1, 4)
                while age >= 0 and remaining[age] == 0:
                    age -= 1
                if age < 0:
                    break
                ages.append(age)
                remaining[age] -= 1
        _write_household(
            rng, code, ages, peildatum, catalogue, writers, ids, result, gap_rate,
        )  # fmt: skip
        result.households += 1
        if progress and result.households % 2000 == 0:
            progress(result.persons, total)
    if progress:
        progress(result.persons, total)


def _write_household(
    rng: random.Random,
    code: str,
    ages: list[int],
    peildatum: dt.date,
    catalogue: SchoolCatalogue,
    writers: dict[str, csv.writer],
    ids: _Ids,
    result: GeneratedRegion,
    gap_rate: float,
) -> None:
    prefix, surname = names.surname(rng)
    home = names.address(rng, code)
    secret = "J" if rng.random() < 0.003 else ""
    parents: list[tuple[str, str]] = []
    shape = rng.random()
    if shape < 0.8 or shape >= 0.96:  # the mother is a parent in most households
        m_prefix, m_surname = (prefix, surname) if rng.random() < 0.3 else names.surname(rng)
        parents.append(
            (ids.parent(), names.full_name(rng.choice(names.MOTHERS), m_prefix, m_surname))
        )
    if shape < 0.96:
        parents.append((ids.parent(), names.full_name(rng.choice(names.FATHERS), prefix, surname)))
    moved_in = rng.random() < 0.12
    extract_day = result.extract_day
    period_days = (peildatum - extract_day).days
    period_years = period_days / 365.25
    household_schools: dict[str, SchoolPlan] = {}
    members = []
    for age in ages:
        gender = "M" if rng.random() < 0.512 else "V"
        latest = _years_before(peildatum, age)  # turned `age` today
        earliest = _years_before(peildatum, age + 1) + DAY
        birth = earliest + dt.timedelta(days=rng.randint(0, (latest - earliest).days))
        career = _career(rng, birth, peildatum, code, catalogue, household_schools)
        _add_gaps_and_exemptions(
            rng, birth, peildatum, extract_day, catalogue, code, career, gap_rate, result
        )
        settled = career.settled_on
        if settled is None:
            settled = peildatum - dt.timedelta(days=rng.randint(30, 3000)) if moved_in else birth
            settled = max(settled, birth)
        members.append((age, gender, birth, career, settled))
    # What happens to the household after the extract, once everybody has
    # arrived: a move out of the region, a move to another municipality of the
    # region, or nothing.
    move = rng.random()
    arrived = max(max(m[4] for m in members), extract_day)
    move_day = arrived + dt.timedelta(days=rng.randint(1, max(1, (peildatum - arrived).days)))
    if move_day > peildatum:
        move = 1.0
    new_code = rng.choice([c for c in names.PLACES if c != code])
    new_home = names.address(rng, new_code)
    out_share = MOVE_OUT_PER_YEAR * period_years
    within_share = out_share + MOVE_WITHIN_PER_YEAR * period_years
    mutations = writers["brp-mutaties"]
    for age, gender, birth, career, settled in members:
        bsn = ids.person()
        minor = age < 18
        p1 = parents[0] if minor and parents else ("", "")
        p2 = parents[1] if minor and len(parents) > 1 else ("", "")
        person = [
            bsn, surname, prefix, names.given_names(rng, gender), birth.isoformat(), gender,
            code, home["straat"], home["huisnummer"], home["huisletter"],
            home["huisnummertoevoeging"], home["postcode"], home["woonplaats"],
            _iso(settled), "", secret, p1[0], p1[1], p2[0], p2[1],
        ]  # fmt: skip
        if settled > extract_day:  # born or arrived after the extract
            mutations.writerow((*person, "I", settled.isoformat()))
            result.mutations += 1
        else:
            writers["brp"].writerow(person)
        died = rng.random() < DEATH_PER_YEAR * period_years
        if move < out_share:  # left the region
            mutations.writerow((*person, "V", move_day.isoformat()))
            result.mutations += 1
        elif move < within_share:  # moved within the region: V in the old, I in the new
            mutations.writerow((*person, "V", move_day.isoformat()))
            person[6] = new_code
            person[7:13] = [new_home[k] for k in names.ADDRESS_COLUMNS]
            person[13] = move_day.isoformat()
            mutations.writerow((*person, "I", move_day.isoformat()))
            result.mutations += 2
            result.moves_within += 1
        elif died and settled < peildatum:
            day = settled + dt.timedelta(days=rng.randint(1, (peildatum - settled).days))
            day = max(day, extract_day + DAY)
            person[14] = day.isoformat()
            mutations.writerow((*person, "O", day.isoformat()))
            result.mutations += 1
        result.persons += 1
        for seg in career.segments:
            writers["inschrijvingen"].writerow(
                (
                    bsn, seg.school.brin, seg.school.vestiging, seg.school.sector,
                    seg.start.isoformat(), _iso(seg.end), seg.reason if seg.end else "",
                )
            )  # fmt: skip
        result.enrolments += len(career.segments)
        for day, programme, level, sk in career.diplomas:
            writers["diplomas"].writerow(
                (bsn, day.isoformat(), "J" if sk else "N", programme, level)
            )
        result.diplomas += len(career.diplomas)
        for ground, start, end, decided in career.exemptions:
            writers["vrijstellingen"].writerow(
                (bsn, code, ground, start.isoformat(), _iso(end), decided.isoformat())
            )
        result.exemptions += len(career.exemptions)


def _career(
    rng: random.Random,
    birth: dt.date,
    peildatum: dt.date,
    code: str,
    catalogue: SchoolCatalogue,
    household_schools: dict[str, SchoolPlan],
) -> Career:
    """The school career of one youth, cut off at the peildatum."""
    career = Career()
    segs = career.segments
    dips = career.diplomas
    vo_start = dt.date(birth.year + (12 if birth.month < 10 else 13), 8, 1)
    po_start = birthday(birth, 4)
    roll = rng.random()
    track = (
        "so" if roll < 0.035 else "pro" if roll < 0.065 else "vmbo" if roll < 0.55
        else "havo" if roll < 0.80 else "vwo"
    )  # fmt: skip
    delay = 1 if rng.random() < 0.15 else 0

    first = "SO" if track == "so" else "PO"
    if first not in household_schools:
        household_schools[first] = (
            catalogue.outside_school(rng, "PO") if first == "PO" and rng.random() < 0.01
            else catalogue.local(rng, first, code)
        )  # fmt: skip
    segs.append(Segment(household_schools[first], po_start, vo_start - DAY, "einde basisonderwijs"))

    if track == "so":
        end = school_year_end(birthday(birth, 19))
        segs.append(Segment(catalogue.regional(rng, "VSO"), vo_start, end, "uitstroom vso"))
    elif track == "pro":
        end = school_year_end(birthday(birth, 18))
        segs.append(Segment(catalogue.regional(rng, "PRO"), vo_start, end, "uitstroom naar werk"))
        if rng.random() < 0.3:
            _mbo(rng, end + DAY, 1, code, catalogue, career)
    else:
        years = {"vmbo": 4, "havo": 5, "vwo": 6}[track] + delay
        end = dt.date(vo_start.year + years, 7, 31)
        school = catalogue.vo(rng, code)
        segs.append(Segment(school, vo_start, end, "diploma behaald"))
        passed = rng.random() < 0.93
        diploma_day = dt.date(end.year, 7, rng.randint(3, 14))
        if track == "vmbo":
            if passed:
                kind = rng.choice(("bb", "kb", "gl", "tl"))
                dips.append((diploma_day, f"vmbo-{kind}", "vmbo", False))
                level = rng.choices((2, 3, 4), weights=(20, 30, 50))[0]
                if kind == "bb" and level == 4:
                    level = 2
            else:
                segs[-1].reason = "zonder diploma naar mbo"
                level = rng.choice((1, 2))
            _mbo(rng, end + DAY, level, code, catalogue, career)
        else:
            if not passed:
                end = dt.date(end.year + 1, 7, 31)
                segs[-1].end = end
                diploma_day = dt.date(end.year, 7, rng.randint(3, 14))
            dips.append((diploma_day, track, track, True))
            if rng.random() < (0.8 if track == "havo" else 0.9):
                start = end + DAY
                if rng.random() < 0.15:  # a gap year first (with a startkwalificatie)
                    start = dt.date(start.year + 1, 8, 1)
                years = 4 if track == "havo" else rng.choice((4, 5))
                finish = dt.date(start.year + years, 7, 31)
                ho = catalogue.ho(rng)
                segs.append(Segment(ho, start, finish, "diploma behaald"))
                programme = rng.choice(HO_PROGRAMMES)
                dips.append(
                    (
                        dt.date(finish.year, 7, 10),
                        programme,
                        "hbo" if track == "havo" else "wo",
                        True,
                    )
                )

    # What DUO knows on the peildatum.
    career.segments = [s for s in segs if s.start <= peildatum]
    for seg in career.segments:
        if seg.end is not None and seg.end > peildatum:
            seg.end = None
    career.diplomas = [d for d in dips if d[0] <= peildatum]
    return career


def _mbo(
    rng: random.Random,
    start: dt.date,
    level: int,
    code: str,
    catalogue: SchoolCatalogue,
    career: Career,
) -> None:
    """An MBO programme from `start`; 10 % drop out, of whom 40 % start again later.
    Most who finish Entree (level 1, no startkwalificatie) go on to level 2."""
    years = max(1, level if level > 1 else 1)
    finish = dt.date(start.year + years, 7, 31)
    school = catalogue.mbo(rng, code)
    programme = rng.choice(MBO_PROGRAMMES) if level > 1 else "Entree"
    if rng.random() < 0.10:
        leave = start + dt.timedelta(days=rng.randint(40, max(41, (finish - start).days - 30)))
        career.segments.append(Segment(school, start, leave, "voortijdig schoolverlaten"))
        if rng.random() < 0.4:
            again = leave + dt.timedelta(days=rng.randint(60, 300))
            finish = dt.date(again.year + years + (1 if again.month >= 8 else 0), 7, 31)
            career.segments.append(
                Segment(catalogue.mbo(rng, code), again, finish, "diploma behaald")
            )
            career.diplomas.append(
                (dt.date(finish.year, 7, 8), programme, f"mbo-{level}", level >= 2)
            )
        return
    career.segments.append(Segment(school, start, finish, "diploma behaald"))
    career.diplomas.append((dt.date(finish.year, 7, 8), programme, f"mbo-{level}", level >= 2))
    if level == 1 and rng.random() < ENTREE_ONWARD:
        _mbo(rng, finish + DAY, 2, code, catalogue, career)


def _add_gaps_and_exemptions(
    rng: random.Random,
    birth: dt.date,
    peildatum: dt.date,
    extract_day: dt.date,
    catalogue: SchoolCatalogue,
    code: str,
    career: Career,
    gap_rate: float,
    result: GeneratedRegion,
) -> None:
    """Turn a few youths in duty into the cases a region sees: out of school on
    the peildatum, out of school for a while earlier in the demo's period (after
    the extract), or exempted."""
    sk = next((d[0] for d in sorted(career.diplomas) if d[3]), None)
    periods = duty_periods(birth, sk)
    status = periods.status_on(peildatum)
    if status.value not in ("leerplichtig", "kwalificatieplichtig"):
        return
    current = next((s for s in career.segments if s.end is None), None)
    resolved = RESOLVED_PER_GAP_YEAR * (peildatum - extract_day).days / 365.25
    roll = rng.random()
    if roll < gap_rate:
        if current is None:
            return
        if birth.year == peildatum.year - 5 and rng.random() < 0.2:
            career.segments = []  # never enrolled at all
            result.planned_gaps += 1
            return
        days_in = (peildatum - current.start).days
        if days_in < 20:
            return
        current.end = peildatum - dt.timedelta(days=rng.randint(8, min(120, days_in - 1)))
        if rng.random() < 0.3:
            current.reason = "verhuizing"
            career.settled_on = max(birth, current.end + dt.timedelta(days=rng.randint(1, 7)))
        else:
            current.reason = rng.choice(GAP_REASONS)
        result.planned_gaps += 1
    elif roll < (1 + resolved) * gap_rate:
        _resolved_gap(rng, peildatum, extract_day, periods, catalogue, code, career, result)
    elif roll < (1 + resolved) * gap_rate + EXEMPTION_RATE:
        _exemption(rng, birth, peildatum, periods, career)


def _resolved_gap(
    rng: random.Random,
    peildatum: dt.date,
    extract_day: dt.date,
    periods,
    catalogue: SchoolCatalogue,
    code: str,
    career: Career,
    result: GeneratedRegion,
) -> None:
    """Out of school for three weeks to four months at some time after the
    extract, then enrolled again (at the same kind of school)."""
    room = (peildatum - extract_day).days - 40
    if room < 1:
        return
    left = extract_day + dt.timedelta(days=rng.randint(1, room))
    again = left + dt.timedelta(days=rng.randint(21, 120))
    if again > peildatum - dt.timedelta(days=10):
        again = peildatum - dt.timedelta(days=10)
    if again <= left + dt.timedelta(days=14):
        return
    if periods.status_on(left).value not in ("leerplichtig", "kwalificatieplichtig"):
        return
    index = next(
        (
            i
            for i, seg in enumerate(career.segments)
            if (left - seg.start).days >= 20 and (seg.end is None or (seg.end - again).days >= 20)
        ),
        None,
    )
    if index is None:
        return
    seg = career.segments[index]
    sector = seg.school.sector
    school = (
        catalogue.local(rng, sector, code) if sector in ("PO", "SO", "VO")
        else catalogue.regional(rng, sector) if sector in ("PRO", "VSO")
        else catalogue.mbo(rng, code) if sector == "MBO" else catalogue.ho(rng)
    )  # fmt: skip
    career.segments.insert(index + 1, Segment(school, again, seg.end, seg.reason))
    seg.end = left
    seg.reason = rng.choice(GAP_REASONS)
    result.planned_resolved_gaps += 1


def _exemption(rng: random.Random, birth, peildatum, periods, career: Career) -> None:
    age5 = peildatum < birthday(birth, 6)
    leerplichtig = periods.status_on(peildatum).value == "leerplichtig"
    ground = rng.choices(
        ("5a", "5b", "5c", "11g", "3a", "15"),
        weights=(55, 5, 15, 10, 10 if age5 else 0, 5 if leerplichtig and not age5 else 0),
    )[0]
    start_limit = max(periods.leerplicht_vanaf, peildatum - dt.timedelta(days=1500))
    span = max(0, (peildatum - start_limit).days - 10)
    start = start_limit + dt.timedelta(days=rng.randint(0, span))
    end: dt.date | None = None
    cut = True
    if ground == "5a":
        end = None if rng.random() < 0.6 else school_year_end(peildatum)
    elif ground == "5c":
        end = None if rng.random() < 0.5 else school_year_end(peildatum)
    elif ground == "11g":
        start = peildatum - dt.timedelta(days=rng.randint(5, 25))
        end = peildatum + dt.timedelta(days=rng.randint(10, 60))
        cut = False
    elif ground in ("3a", "3b"):
        start = periods.leerplicht_vanaf
        end = birthday(birth, 6) - DAY
        cut = False
    elif ground == "15":
        end = periods.leerplicht_tot
    if start > peildatum or (end is not None and end < start):
        return
    decided = start - dt.timedelta(days=rng.randint(0, 30))
    career.exemptions.append((ground, start, end, decided))
    if cut:
        kept = []
        for seg in career.segments:
            if seg.start >= start:
                continue
            if seg.end is None or seg.end >= start:
                seg.end = start - DAY
                seg.reason = f"vrijstelling {ground}"
            kept.append(seg)
        career.segments = kept
