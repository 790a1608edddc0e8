"""The demo generator writes plausible, deterministic BRP and DUO files."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from rbl.core.bsn import is_valid_bsn
from rbl.demo.generator import generate_region
from rbl.demo.reference import load_reference
from rbl.law.status import duty_periods

PEIL = dt.date(2026, 11, 2)
SCALE = 0.02


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def residents(g) -> list[dict[str, str]]:
    """Everybody in the BRP: the extract plus those born or arrived since (as
    they first came: some of them moved inside the region later)."""
    extract = rows(g.files["brp"])
    known = {r["bsn"] for r in extract}
    arrivals = []
    for r in rows(g.files["brp-mutaties"]):
        if r["mutatie"] == "I" and r["bsn"] not in known:
            known.add(r["bsn"])
            arrivals.append(r)
    return extract + arrivals


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-seed1")
    return generate_region(out, seed=1, scale=SCALE, peildatum=PEIL)


def test_same_seed_gives_the_same_files(generated, tmp_path):
    again = generate_region(tmp_path, seed=1, scale=SCALE, peildatum=PEIL)
    for kind, path in generated.files.items():
        assert path.read_bytes() == again.files[kind].read_bytes(), kind


def test_another_seed_gives_other_people(generated, tmp_path):
    other = generate_region(tmp_path, seed=2, scale=SCALE, peildatum=PEIL)
    first = {(r["bsn"], r["geslachtsnaam"]) for r in rows(generated.files["brp"])}
    second = {(r["bsn"], r["geslachtsnaam"]) for r in rows(other.files["brp"])}
    assert first != second
    assert not {b for b, _ in first} & {b for b, _ in second}


def test_population_follows_the_reference_per_municipality(generated):
    persons = residents(generated)
    per_code = Counter(r["gemeentecode"] for r in persons)
    for figures in load_reference():
        expected = sum(figures.persons_per_age().values()) * SCALE
        assert abs(per_code[figures.code] - expected) <= 12, figures.name
    assert generated.persons == len(persons)


def test_bsns_are_valid_and_unique_and_parents_are_not_residents(generated):
    persons = residents(generated)
    bsns = [r["bsn"] for r in persons]
    assert all(is_valid_bsn(b) for b in bsns)
    assert len(set(bsns)) == len(bsns)
    parents = {r["ouder1_bsn"] for r in persons if r["ouder1_bsn"]}
    assert parents and all(is_valid_bsn(b) for b in parents)
    assert not parents & set(bsns)


def test_minors_have_parents_named_and_adults_do_not(generated):
    for r in rows(generated.files["brp"]):
        birth = dt.date.fromisoformat(r["geboortedatum"])
        adult = duty_periods(birth).rmc_vanaf is not None and PEIL >= duty_periods(birth).rmc_vanaf
        if adult:
            assert not r["ouder1_bsn"]
        else:
            assert r["ouder1_bsn"] and r["ouder1_naam"]
        assert r["postcode"][:4].isdigit() and len(r["postcode"]) == 6


def test_school_age_youth_are_enrolled_in_a_fitting_sector(generated):
    persons = {r["bsn"]: dt.date.fromisoformat(r["geboortedatum"]) for r in residents(generated)}
    enrolments = rows(generated.files["inschrijvingen"])
    exempt = {r["bsn"] for r in rows(generated.files["vrijstellingen"])}
    current: dict[str, set[str]] = {}
    first: dict[str, tuple[dt.date, str]] = {}
    for e in enrolments:
        start = dt.date.fromisoformat(e["inschrijvingsdatum"])
        end = e["uitschrijvingsdatum"]
        age_at_start = (start - persons[e["bsn"]]).days / 365.25
        if e["sector"] in ("PO", "SO"):
            assert 3.9 < age_at_start < 13, e
        elif e["sector"] in ("VO", "PRO", "VSO"):
            assert 10.5 < age_at_start < 20, e
        else:
            assert age_at_start > 14, e
        if e["bsn"] not in first or start < first[e["bsn"]][0]:
            first[e["bsn"]] = (start, e["sector"])
        if start <= PEIL and (not end or dt.date.fromisoformat(end) >= PEIL):
            current.setdefault(e["bsn"], set()).add(e["sector"])
    for bsn, (start, sector) in first.items():
        assert sector in ("PO", "SO")
        assert 3.9 < (start - persons[bsn]).days / 365.25 < 4.1  # school starts at 4

    leerplichtig = [
        b for b, birth in persons.items() if duty_periods(birth).status_on(PEIL) == "leerplichtig"
    ]
    not_enrolled = [b for b in leerplichtig if b not in current and b not in exempt]
    # Nearly everybody is at school; the few without a school are the signals of the
    # demo (a few per 1,000 in duty: at this scale maybe none of them leerplichtig).
    assert len(not_enrolled) < 0.02 * len(leerplichtig)
    assert generated.planned_gaps > 0
    for bsn in leerplichtig:
        age = (PEIL - persons[bsn]).days / 365.25
        if bsn in current and 6 <= age < 11:
            assert current[bsn] & {"PO", "SO"}


def test_the_extract_comes_before_the_completed_school_year_and_moves_follow(generated):
    """On 2 November 2026 the demo covers 2025-2026 in full: the extract is of
    15 July 2025 and the moves since come as mutations, over the whole period."""
    assert generated.extract_day == dt.date(2025, 7, 15)
    mutations = rows(generated.files["brp-mutaties"])
    left = {r["bsn"]: r["mutatiedatum"] for r in mutations if r["mutatie"] == "V"}
    came = {
        (r["bsn"], r["mutatiedatum"]): r["gemeentecode"] for r in mutations if r["mutatie"] == "I"
    }
    within = [bsn for bsn, day in left.items() if (bsn, day) in came]
    assert len(within) == generated.moves_within > 0
    assert len(left) > len(within)  # and some left the region
    days = sorted(left.values())
    assert days[0] < "2025-10-01" and days[-1] > "2026-08-01"


def test_diplomas_include_startkwalificaties(generated):
    diplomas = rows(generated.files["diplomas"])
    levels = Counter((d["niveau"], d["startkwalificatie"]) for d in diplomas)
    assert levels[("havo", "J")] and levels[("vwo", "J")] and levels[("vmbo", "N")]
    assert any(level.startswith("mbo-") and sk == "J" for level, sk in levels)
    assert all(dt.date.fromisoformat(d["diplomadatum"]) <= PEIL for d in diplomas)


def test_schools_of_every_sector_in_and_around_the_region(generated):
    schools = rows(generated.files["scholen"])
    region = {f.code for f in load_reference()}
    assert {s["sector"] for s in schools} == {"PO", "SO", "VSO", "PRO", "VO", "MBO", "HO"}
    outside = {s["gemeentecode"] for s in schools} - region
    assert {"0202", "0153", "0226"} <= outside
    assert all(s["contactpersoon"] for s in schools if s["gemeentecode"] in region)
    assert any(s["swv"] for s in schools)
    keys = [(s["brin"], s["vestiging"]) for s in schools]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("seed", "peildatum"),
    [
        (1, dt.date(2026, 8, 15)),
        (2, dt.date(2028, 2, 29)),
        (3, dt.date(2025, 7, 31)),
        (4, dt.date(2027, 1, 1)),
        (5, dt.date(2026, 10, 1)),
        (6, dt.date(2026, 11, 22)),
    ],
)
def test_files_respect_the_import_rules_for_any_seed_and_date(tmp_path, seed, peildatum):
    """The row rules of the imports (formats.md) hold, so nothing is ever rejected."""
    g = generate_region(tmp_path, seed=seed, scale=SCALE, peildatum=peildatum)
    births = {}
    for r in rows(g.files["brp"]):
        birth = dt.date.fromisoformat(r["geboortedatum"])
        assert birth <= g.extract_day
        assert r["datum_vestiging"] <= g.extract_day.isoformat()
        births[r["bsn"]] = birth
    for r in rows(g.files["brp-mutaties"]):
        birth = dt.date.fromisoformat(r["geboortedatum"])
        assert birth <= peildatum
        assert g.extract_day < dt.date.fromisoformat(r["mutatiedatum"]) <= peildatum
        assert r["mutatie"] in ("I", "V", "O")
        if r["mutatie"] == "O":
            assert r["datum_overlijden"] == r["mutatiedatum"]
    for r in residents(g):
        birth = dt.date.fromisoformat(r["geboortedatum"])
        assert 0 <= (peildatum - birth).days < 24 * 366
        if r["datum_overlijden"]:
            assert dt.date.fromisoformat(r["datum_overlijden"]) >= birth
        births[r["bsn"]] = birth

    def unique(kind: str, key: tuple[str, ...]) -> list[dict[str, str]]:
        data = rows(g.files[kind])
        keys = [tuple(r[k] for k in key) for r in data]
        assert len(keys) == len(set(keys)), kind
        return data

    for e in unique("inschrijvingen", ("bsn", "brin", "vestiging", "inschrijvingsdatum")):
        assert e["bsn"] in births
        if e["uitschrijvingsdatum"]:
            assert e["uitschrijvingsdatum"] >= e["inschrijvingsdatum"], e
        assert e["inschrijvingsdatum"] <= peildatum.isoformat()
    for d in unique("diplomas", ("bsn", "diplomadatum", "opleiding")):
        assert d["startkwalificatie"] in ("J", "N")
    region = {f.code for f in load_reference()}
    for x in unique("vrijstellingen", ("bsn", "grond", "ingangsdatum")):
        assert x["gemeentecode"] in region
        assert x["grond"] in ("5a", "5b", "5c", "5a-trekkend", "3a", "3b", "11g", "15")
        if x["einddatum"]:
            assert x["einddatum"] >= x["ingangsdatum"], x
        assert x["besluitdatum"] <= x["ingangsdatum"]
    unique("scholen", ("brin", "vestiging"))
    unique("brp-mutaties", ("bsn", "mutatiedatum", "mutatie"))
