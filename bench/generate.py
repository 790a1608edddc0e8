"""Generate a national-size BRP extract and DUO enrolment file for the benchmarks.

    python bench/generate.py --persons 3500000 --seed 1 --out bench/data/national

writes, in the formats of /work/shared/spec/formats.md:

- ``brp.csv``: persons aged 0–23 on the peildatum, every column filled
  (address, parents, a few secret addresses and deaths);
- ``inschrijvingen.csv``: about 0.94 enrolments per person (current ones by
  age, plus earlier ended ones), with a few percent of school-age youth not
  enrolled, so the absoluut check finds signals;
- ``scholen.csv``: the schools the enrolments refer to;
- ``region.json``: the municipality codes and names of the region.

Deterministic per seed, streaming (rows are written in chunks, memory stays
flat) and pure Python: BSNs come from an affine permutation of the 8-digit
body space with the 11-test check digit computed from two lookup tables, which
gives the same numbers as ``rbl.core.bsn`` accepts, in shuffled order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from pathlib import Path

BRP_HEADER = (
    "bsn,geslachtsnaam,voorvoegsel,voornamen,geboortedatum,geslacht,gemeentecode,straat,"
    "huisnummer,huisletter,huisnummertoevoeging,postcode,woonplaats,datum_vestiging,"
    "datum_overlijden,geheim,ouder1_bsn,ouder1_naam,ouder2_bsn,ouder2_naam"
)
INS_HEADER = (
    "bsn,brin,vestiging,sector,inschrijvingsdatum,uitschrijvingsdatum,reden_uitschrijving,mutatie"
)

SURNAMES = (
    "Jansen Bakker Visser Smit Meijer Mulder Bos Vos Peters Hendriks Dekker Brouwer Dijkstra "
    "Koster Prins Huisman Kok Schouten Post Kuipers Veenstra Kramer Vermeulen Willems Wolters "
    "Hoekstra Kuijpers Boer Maas Verhoeven Scholten Postma Jacobs Timmermans Groot Sanders "
    "Evers Gerritsen Bosman Kuiper Martens Lammers Hermans Wouters Blom Schipper Zwart Hofman"
).split()
PREFIXES = ("", "", "", "", "van", "de", "van der", "van den", "ter", "van de", "den")
BOYS = "Daan Sem Lucas Levi Finn Milan Noah Luuk Bram Jesse Thijs Ruben Sven Mees Tijn".split()
GIRLS = "Emma Julia Tess Sophie Zoë Mila Sara Nora Eva Anna Lotte Fleur Noor Lieke Saar".split()
ADULTS = "Peter Marco Mark Ingrid Sandra Linda Esther Erik Jeroen Wendy Karin Bas Mirjam".split()
STREETS = (
    "Dorpsstraat Kerkstraat Schoolstraat Molenweg Stationsweg Nieuwstraat Julianastraat "
    "Beatrixlaan Wilhelminastraat Parallelweg Hoofdstraat Eikenlaan Berkenlaan Industrieweg "
    "Markt Sportlaan Oranjestraat Spoorstraat Havenweg Zuiderweg Noorderweg Beukenlaan"
).split()
SUFFIXES = ("", "", "", "", "", "", "", "", "bis", "1", "2", "A", "hs", "rd")
LETTERS = ("", "", "", "", "", "", "", "", "", "a", "b", "c")
REASONS = ("verhuisd", "andere school", "overstap", "einde opleiding", "diploma")

_W_HI = (9, 8, 7, 6)
_W_LO = (5, 4, 3, 2)
_BODIES = 100_000_000


def _table(weights: tuple[int, ...]) -> list[int]:
    return [
        sum(int(d) * w for d, w in zip(f"{n:04d}", weights, strict=True)) for n in range(10_000)
    ]


_HI = _table(_W_HI)
_LO = _table(_W_LO)


class BsnStream:
    """Distinct valid BSNs in a shuffled order, from the body range [lo, lo + span)."""

    def __init__(self, lo: int, span: int, rng: random.Random) -> None:
        self.lo, self.span = lo, span
        self.step = rng.randrange(span // 3, span // 2) | 1
        while _gcd(self.step, span) != 1:
            self.step += 2
        self.offset = rng.randrange(span)
        self.j = 0

    def next(self) -> str:
        while True:
            body = self.lo + (self.offset + self.j * self.step) % self.span
            self.j += 1
            check = (_HI[body // 10_000] + _LO[body % 10_000]) % 11
            if check <= 9:
                return f"{body:08d}{check}"


def _gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a


def region_codes(count: int) -> list[tuple[str, str]]:
    """`count` municipalities: (4-digit code, name)."""
    return [(f"{1000 + 7 * i:04d}", f"Gemeente {i + 1:03d}") for i in range(count)]


def schools(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(brin, sector, municipality) for `count` schools; the BRINs are distinct."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    seen: set[str] = set()
    result = []
    while len(result) < count:
        brin = f"{rng.randrange(100):02d}{rng.choice(alphabet[10:])}{rng.choice(alphabet[10:])}"
        if brin in seen:
            continue
        seen.add(brin)
        result.append(brin)
    sectors = []
    for i, brin in enumerate(result):
        share = i / count
        sector = (
            "PO"
            if share < 0.6
            else "VO"
            if share < 0.85
            else "MBO"
            if share < 0.93
            else ("SO" if share < 0.96 else "VSO" if share < 0.98 else "PRO")
        )
        sectors.append((brin, sector, ""))
    return sectors


def generate(
    out: Path, persons: int, seed: int, peildatum: dt.date, municipalities: int
) -> dict[str, int]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    region = region_codes(municipalities)
    # Unequal municipalities: a few cities, many villages.
    weights = [1.0 / (1 + i) ** 0.7 for i in range(municipalities)]
    cumulative = []
    acc = 0.0
    for w in weights:
        acc += w
        cumulative.append(acc)
    cumulative = [c / acc for c in cumulative]
    school_list = schools(max(200, persons // 400), rng)
    by_sector: dict[str, list[str]] = {}
    for brin, sector, _ in school_list:
        by_sector.setdefault(sector, []).append(brin)

    children = BsnStream(10_000_000, 40_000_000, rng)
    parents = BsnStream(55_000_000, 40_000_000, rng)
    peil = peildatum.toordinal()
    span = 24 * 365 + 5  # 0–23 years
    dates: dict[int, str] = {}

    def iso(ordinal: int) -> str:
        text = dates.get(ordinal)
        if text is None:
            text = dates[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return text

    def school_year_start(year: int) -> int:
        return dt.date(year, 8, 1).toordinal()

    counts = {"persons": 0, "enrolments": 0, "not_enrolled_school_age": 0}
    random_ = rng.random
    randrange = rng.randrange
    choice = rng.choice
    family: dict[str, str] = {}
    with (
        open(out / "brp.csv", "w", encoding="utf-8", newline="") as brp,
        open(out / "inschrijvingen.csv", "w", encoding="utf-8", newline="") as ins,
    ):
        brp.write(BRP_HEADER + "\n")
        ins.write(INS_HEADER + "\n")
        people: list[str] = []
        enrolments: list[str] = []
        for i in range(persons):
            bsn = children.next()
            # Siblings: two or three children share parents and an address.
            if i % 5 in (0, 2) or not family:
                r = random_()
                m = 0
                while cumulative[m] < r:
                    m += 1
                code, name = region[m]
                surname = choice(SURNAMES)
                family = {
                    "surname": surname,
                    "prefix": choice(PREFIXES),
                    "code": code,
                    "city": name.replace("Gemeente", "Plaats"),
                    "street": choice(STREETS),
                    "number": str(randrange(1, 400)),
                    "letter": choice(LETTERS),
                    "suffix": choice(SUFFIXES),
                    "postcode": f"{randrange(1000, 10000)} {chr(65 + randrange(26))}"
                    f"{chr(65 + randrange(26))}",
                    "settled": iso(peil - randrange(30, 30 * 365)),
                    "secret": "J" if random_() < 0.004 else "N",
                    "p1": parents.next(),
                    "p1n": f"{choice(ADULTS)} {surname}",
                    "p2": parents.next() if random_() < 0.8 else "",
                }
                family["p2n"] = f"{choice(ADULTS)} {choice(SURNAMES)}" if family["p2"] else ""
            age_days = randrange(span)
            birth = peil - age_days
            age = age_days // 365
            boy = random_() < 0.51
            given = f"{choice(BOYS if boy else GIRLS)} {choice(BOYS if boy else GIRLS)}"
            died = iso(birth + randrange(max(1, age_days))) if random_() < 0.0002 else ""
            settled = family["settled"]
            if settled < iso(birth):
                settled = iso(birth)
            people.append(
                ",".join(
                    (
                        bsn,
                        family["surname"],
                        family["prefix"],
                        given,
                        iso(birth),
                        "M" if boy else "V",
                        family["code"],
                        family["street"],
                        family["number"],
                        family["letter"],
                        family["suffix"],
                        family["postcode"],
                        family["city"],
                        settled,
                        died,
                        family["secret"],
                        family["p1"],
                        family["p1n"],
                        family["p2"],
                        family["p2n"],
                    )
                )
            )
            # Enrolments by age on the peildatum.
            birth_year = dt.date.fromordinal(birth).year
            if age >= 4:
                current_p = 0.97 if age <= 17 else 0.62 if age <= 21 else 0.35
                if age <= 11:
                    sector = "SO" if random_() < 0.03 else "PO"
                    start_age = 4
                elif age <= 17:
                    r = random_()
                    sector = "VSO" if r < 0.03 else "PRO" if r < 0.06 else "VO"
                    start_age = 12
                else:
                    sector = "MBO"
                    start_age = 17 + randrange(0, max(1, age - 16))
                start = school_year_start(birth_year + start_age)
                if start > peil:
                    start = birth + 4 * 365 + 1
                if random_() < current_p:
                    brin = choice(by_sector[sector])
                    enrolments.append(f"{bsn},{brin},00,{sector},{iso(start)},,,")
                elif age <= 17:
                    counts["not_enrolled_school_age"] += 1
                if age >= 6 and random_() < 0.5:
                    # An earlier, ended enrolment (previous school or sector).
                    prev_sector = "PO" if age <= 13 or random_() < 0.4 else "VO"
                    prev_start = school_year_start(birth_year + 4 + randrange(0, 2))
                    prev_end = min(start - 1, peil - 1)
                    if prev_end > prev_start:
                        brin = choice(by_sector[prev_sector])
                        reason = choice(REASONS)
                        enrolments.append(
                            f"{bsn},{brin},00,{prev_sector},{iso(prev_start)},{iso(prev_end)},"
                            f"{reason},"
                        )
            if len(people) >= 20_000:
                brp.write("\n".join(people) + "\n")
                counts["persons"] += len(people)
                people.clear()
                ins.write("\n".join(enrolments) + "\n")
                counts["enrolments"] += len(enrolments)
                enrolments.clear()
        if people:
            brp.write("\n".join(people) + "\n")
            counts["persons"] += len(people)
        if enrolments:
            ins.write("\n".join(enrolments) + "\n")
            counts["enrolments"] += len(enrolments)

    with open(out / "scholen.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("brin,vestiging,naam,sector,gemeentecode\n")
        for n, (brin, sector, _) in enumerate(school_list):
            fh.write(f"{brin},00,School {n + 1},{sector},{region[n % len(region)][0]}\n")
    (out / "region.json").write_text(
        json.dumps(
            {
                "peildatum": peildatum.isoformat(),
                "municipalities": [{"code": c, "name": n} for c, n in region],
                **counts,
            },
            indent=2,
        )
    )
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--peildatum", type=dt.date.fromisoformat, default=dt.date(2025, 10, 1))
    parser.add_argument("--municipalities", type=int, default=40)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.out, args.persons, args.seed, args.peildatum, args.municipalities)
    seconds = time.perf_counter() - started
    print(json.dumps({**counts, "seconds": round(seconds, 1), "out": str(args.out)}))


if __name__ == "__main__":
    main()
