"""A country's school year of facts for the art. 25 benchmark (bench/bench_art25.py).

    python bench/generate_art25.py                    # scale 1: national size, rbl_bench_art25
    python bench/generate_art25.py --scale 0.05       # a twentieth, for a quick run

Drops and recreates the PostgreSQL database (default rbl_bench_art25 on
127.0.0.1:5432), migrates it and fills it by COPY, the big tables inside
`indexes_built_after_load` (keys and indexes built once afterwards), then
VACUUM ANALYZE; 3.5–5.5 minutes at scale 1 on the shared 2-core bench
machine (bench/RESULTS.md), 1.8 GB. Deterministic per seed. At scale 1, for
school year 2024-2025 (1 October 2024 is the count day):

- 342 municipalities in 35 regions: a few cities and many villages (weights
  1/(1+i)^0.7), each region one of the 35 largest and nine or ten smaller
  ones (a snake over the sizes);
- 2,500,000 youth aged 4–23 on 1 October 2024, each with a residence (half of
  them from before the history began, start empty); 3 % moved to another
  municipality within the school year (two residences, 70 % within their
  region), 1 % left the country in it (moved_out_on) and 1 % arrived in it;
- enrolments: 97 % of the 4–17-year-olds and fewer of the older ones enrolled
  on 1 October, half with an earlier enrolment that ended, a few that start
  after 1 October; diplomas of the 16–22-year-olds, some a startkwalificatie
  (some after 1 October);
- cases opened from 1 February 2024 to 31 October 2025, 130,000 of them in the
  school year, of all types (the demo's shares); half of those of the last two
  months and 2 % of the others still open, the others closed after an
  exponential time (mean 20 days for relatief verzuim, 150 for RMC, 60 for the
  rest) with a reason (RMC: school, work or another); relatief verzuim with its
  first absence day up to two weeks before the opening; half of the absoluut
  and relatief cases of the year make their youth a thuiszitter (about
  39,000 youth, more than in reality, which makes the thuiszitters' part of
  the count heavier); a PrincipalPeriod each, 3 % handed over to
  another municipality between opening and closing (two periods; a few on the
  opening day, leaving an empty first period);
- DUO reports: one per report-based case, dated up to five days before the
  opening, and 0–4 more during the case (about 250,000 in the school year),
  5 % more without case or person (a BSN outside the registry);
- Halt (5 %) and PV (2.5 %) on verzuim cases, 10–120 days after the opening;
- a leave request per verlof case, decided by the officer when over ten school
  days (else by the school), 5 % undecided;
- 12,000 exemptions a year, VSV reports of 25,000 leavers a year (10 % listed
  twice, 3 % with a BSN outside the registry);
- one BRP import log row that kept the history from 1 June 2023, so
  `history_starts_on()` is before the year.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import random
import sys
import time
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from generate import ADULTS, BOYS, GIRLS, STREETS, SURNAMES, BsnStream  # noqa: E402
from population import (  # noqa: E402
    PG_SERVER,
    RELATIEF,
    RMC_TYPES,
    TYPE_WEIGHTS,
)

PG_NAME = "rbl_bench_art25"

YEAR_START = dt.date(2024, 8, 1)
YEAR_END = dt.date(2025, 7, 31)
COUNT_DAY = dt.date(2024, 10, 1)
FIRST_CASE = dt.date(2024, 2, 1)
LAST_CASE = dt.date(2025, 10, 31)
HISTORY_FROM = dt.date(2023, 6, 1)
NOW = dt.datetime(2025, 11, 1, 12, 0, tzinfo=dt.UTC)

MUNICIPALITIES = 342
REGIONS = 35
PERSONS = 2_500_000
CASES_IN_YEAR = 130_000
EXEMPTIONS_PER_YEAR = 12_000
VSV_PER_YEAR = 25_000

# Case types with their share of the cases: the demo's, as the dashboard benchmark.
HANDHAVING_TYPES = RELATIEF | {"luxe", "absoluut"}
MELDING_SOORT = {
    "relatief_16uur": "16UUR",
    "signaal": "SIGNAAL",
    "luxe": "LUXE",
    "overig": "OVERIG",
    "langdurig": "LANGDURIG",
    "18plus": "18PLUS",
}
SOORTEN = ["16UUR", "LANGDURIG", "LUXE", "SIGNAAL", "OVERIG", "18PLUS"]
RMC_REASONS = {
    "terug_naar_school": 25,
    "andere_opleiding": 10,
    "ingeschreven": 5,
    "werk": 30,
    "verhuisd": 10,
    "buiten_leeftijd": 10,
    "overig": 10,
}
OTHER_REASONS = {
    "terug_naar_school": 50,
    "ter_kennisgeving": 20,
    "overig": 15,
    "ingeschreven": 10,
    "verhuisd": 5,
}
GROUNDS = {"5a": 60, "5b": 8, "5c": 15, "5a-trekkend": 1, "3a": 4, "3b": 2, "11g": 6, "15": 4}
DECISIONS = {"toegekend": 60, "deels": 10, "afgewezen": 25, "": 5}


def configure(name: str = PG_NAME) -> None:
    os.environ["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rbl.settings")
    import django

    django.setup()


def fresh_database(name: str = PG_NAME) -> None:
    """Drops and recreates the bench database, then migrates it."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    call_command("migrate", verbosity=0)


def _weighted(rng: random.Random, weights: dict[str, int]):
    keys, cum = list(weights), []
    acc = 0
    for w in weights.values():
        acc += w
        cum.append(acc)

    def pick() -> str:
        return keys[bisect.bisect_right(cum, rng.random() * acc)]

    return pick


class _Copy:
    """COPY into one table through Django's connection, rows as tuples."""

    def __init__(self, table: str, columns: str) -> None:
        self.table, self.columns = table, columns
        self.rows = 0

    def __call__(self, rows: Iterable[tuple]) -> int:
        from django.db import connection

        with connection.cursor() as cursor:
            sql = f"COPY {self.table} ({self.columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    self.rows += 1
        return self.rows


def _load(model, table: str, columns: str, rows: Iterable[tuple], timings: dict) -> int:
    """COPY `rows` into the empty table of `model`, its keys and indexes built afterwards."""
    from rbl.registry.imports.stage import indexes_built_after_load

    started = time.perf_counter()
    with indexes_built_after_load(model):
        n = _Copy(table, columns)(rows)
    timings[table] = round(time.perf_counter() - started, 1)
    return n


def build(scale: float = 1.0, seed: int = 1) -> dict:
    """Fills the (migrated, empty) database; returns what was made and how long each step took."""
    from django.db import connection, transaction

    from rbl.cases.models import (
        Case,
        Handhaving,
        LeaveRequest,
        PrincipalPeriod,
        VerzuimMelding,
        VsvMelding,
    )
    from rbl.registry.models import Diploma, Enrolment, Exemption, ImportLog, Person, Residence

    rng = random.Random(seed)
    rand, randrange = rng.random, rng.randrange
    timings: dict[str, float] = {}
    made: dict = {"scale": scale, "seed": seed}
    started = time.perf_counter()
    count_day = COUNT_DAY.toordinal()
    y0, y1 = YEAR_START.toordinal(), YEAR_END.toordinal()
    dates: dict[int, dt.date] = {}

    def day(ordinal: int) -> dt.date:
        d = dates.get(ordinal)
        if d is None:
            d = dates[ordinal] = dt.date.fromordinal(ordinal)
        return d

    # -- municipalities and regions ----------------------------------------------
    codes = [f"{3 + 5 * i:04d}" for i in range(MUNICIPALITIES)]
    weights = [1.0 / (1 + i) ** 0.7 for i in range(MUNICIPALITIES)]
    region_of = [0] * MUNICIPALITIES
    for rank in range(MUNICIPALITIES):
        lap, pos = divmod(rank, REGIONS)
        region_of[rank] = pos if lap % 2 == 0 else REGIONS - 1 - pos
    members: list[list[int]] = [[] for _ in range(REGIONS)]
    for m, r in enumerate(region_of):
        members[r].append(m)
    cumulative, acc = [], 0.0
    for w in weights:
        acc += w
        cumulative.append(acc)
    total_weight = acc

    def any_municipality() -> int:
        return bisect.bisect_right(cumulative, rand() * total_weight)

    def other_municipality(m: int) -> int:
        """Another municipality: 70 % one of the same region."""
        own = members[region_of[m]]
        while True:
            n = rng.choice(own) if rand() < 0.7 and len(own) > 1 else any_municipality()
            if n != m:
                return n

    with transaction.atomic(), connection.cursor() as cursor:
        for r in range(REGIONS):
            cursor.execute(
                "INSERT INTO organisation_region (id, name, agreement_kind, control_term_days, "
                "is_demo, office_email, office_phone) VALUES (%s, %s, '', 14, false, '', '')",
                [r + 1, f"Regio {r + 1:02d}"],
            )
        with cursor.cursor.copy(
            "COPY organisation_municipality (code, name, logo, signature_text, address, "
            "region_id) FROM STDIN"
        ) as copy:
            for m, code in enumerate(codes):
                copy.write_row((code, f"Gemeente {m + 1:03d}", "", "", "", region_of[m] + 1))
        sectors = ["PO"] * 3600 + ["VO"] * 800 + ["MBO"] * 300 + ["SO"] * 200 + ["HO"] * 100
        schools = []
        with cursor.cursor.copy(
            "COPY organisation_school (id, brin, vestiging, name, sector, municipality_code, "
            "placeholder) FROM STDIN"
        ) as copy:
            for i, sector in enumerate(sectors):
                brin = f"{i // 676:02d}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}"
                schools.append((i + 1, brin, sector))
                copy.write_row(
                    (i + 1, brin, "00", f"School {i + 1}", sector, codes[i % MUNICIPALITIES], False)
                )
        by_sector: dict[str, list[tuple[int, str, str]]] = {}
        for s in schools:
            by_sector.setdefault(s[2], []).append(s)
        ImportLog.objects.create(
            kind="brp",
            file_name="brp.csv",
            sha256="0" * 64,
            actor="bench",
            started_at=dt.datetime.combine(HISTORY_FROM, dt.time(9), tzinfo=dt.UTC),
            finished_at=dt.datetime.combine(HISTORY_FROM, dt.time(10), tzinfo=dt.UTC),
            options={"woonhistorie": True, "peildatum": HISTORY_FROM.isoformat()},
            outcome="applied",
        )

    # -- persons and their residences ----------------------------------------------
    n_persons = round(PERSONS * scale)
    children = BsnStream(10_000_000, 40_000_000, rng)
    bsns: list[str] = []
    births: list[int] = []
    home: list[int] = []  # municipality on 1 August 2024 (or on arrival)
    # person index -> (move day, new municipality): moved within the country in the year.
    moves: dict[int, tuple[int, int]] = {}
    left: dict[int, int] = {}  # person index -> day moved out of the country
    arrived: dict[int, int] = {}  # person index -> day of arrival
    residences: list[tuple] = []
    span = 20 * 365 + 5  # born 2000-10 … 2020-10: aged 4–23 on 1 October 2024
    oldest = count_day - 24 * 365 - 5
    for i in range(n_persons):
        bsns.append(children.next())
        birth = count_day - 4 * 365 - 1 - randrange(span)
        if birth <= oldest:
            birth = oldest + 1
        births.append(birth)
        m = any_municipality()
        home.append(m)
        start = None if rand() < 0.5 else birth + randrange(max(1, y0 - 1 - birth))
        r = rand()
        pid = i + 1
        if r < 0.03:
            move = y0 + randrange(y1 - y0 + 1)
            to = other_municipality(m)
            moves[i] = (move, to)
            residences.append((pid, codes[m], day(start) if start else None, day(move)))
            residences.append((pid, codes[to], day(move), None))
        elif r < 0.04:
            out = y0 + randrange(y1 - y0 + 1)
            left[i] = out
            residences.append((pid, codes[m], day(start) if start else None, day(out)))
        elif r < 0.05:
            come = y0 + randrange(y1 - y0 + 1)
            arrived[i] = come
            residences.append((pid, codes[m], day(come), None))
        else:
            residences.append((pid, codes[m], day(start) if start else None, None))

    def person_rows(starts: dict[int, dt.date | None]):
        choice = rng.choice
        for i in range(n_persons):
            boy = rand() < 0.51
            m = moves[i][1] if i in moves else home[i]
            settled = starts.get(i + 1)
            yield (
                i + 1,
                bsns[i],
                choice(SURNAMES),
                "",
                f"{choice(BOYS if boy else GIRLS)} {choice(BOYS if boy else GIRLS)}",
                day(births[i]),
                "M" if boy else "V",
                choice(STREETS),
                str(1 + i % 397),
                "",
                "",
                f"{1000 + i % 9000} AB",
                f"Plaats {m + 1:03d}",
                settled,
                None,
                False,
                "",
                f"{choice(ADULTS)} {choice(SURNAMES)}",
                "",
                "",
                day(left[i]) if i in left else None,
                None,
                NOW,
                NOW,
                codes[m],
            )

    residences_start: dict[int, dt.date | None] = {}
    for pid, _, start, _ in residences:
        residences_start[pid] = start  # the last one: the current residence
    with transaction.atomic():
        made["persons"] = _load(
            Person,
            "registry_person",
            "id, bsn, surname, prefix, given_names, birth_date, gender, street, house_number, "
            "house_letter, house_number_suffix, postcode, city, settled_on, died_on, secret, "
            "parent1_bsn, parent1_name, parent2_bsn, parent2_name, moved_out_on, "
            "last_mutation_on, created_at, updated_at, municipality_id",
            person_rows(residences_start),
            timings,
        )
        made["residences"] = _load(
            Residence,
            "registry_residence",
            'person_id, municipality_id, start, "end"',
            residences,
            timings,
        )
    del residences, residences_start
    made["moved_in_year"] = len(moves)
    made["left_in_year"] = len(left)
    made["arrived_in_year"] = len(arrived)

    def age_on(i: int, when: int) -> int:
        b = day(births[i])
        w = day(when)
        return w.year - b.year - ((w.month, w.day) < (b.month, b.day))

    # -- enrolments and diplomas -------------------------------------------------
    def enrolment_rows():
        for i in range(n_persons):
            age = age_on(i, count_day)
            bsn = bsns[i]
            b = day(births[i])
            if age <= 11:
                sector, start_age = ("SO" if rand() < 0.03 else "PO"), 4
            elif age <= 17:
                sector, start_age = "VO", 12
            else:
                sector, start_age = ("HO" if rand() < 0.3 else "MBO"), 17 + randrange(age - 16)
            p = 0.97 if age <= 17 else 0.8 if age == 18 else 0.6 if age <= 20 else 0.4
            start = dt.date(b.year + start_age, 8, 15).toordinal()
            if start > count_day:
                start = births[i] + 4 * 365 + 1 + randrange(30)
            r = rand()
            school = rng.choice(by_sector[sector])
            if r < p:
                end = None if rand() < 0.85 else day(y1)  # enrolled on 1 October either way
                yield (bsn, school[0], school[1], "00", sector, day(start), end, "")
            elif r < p + (1 - p) * 0.6:
                end = count_day - 1 - randrange(120)  # left before 1 October
                if end > start:
                    yield (bsn, school[0], school[1], "00", sector, day(start), day(end), "einde")
            elif rand() < 0.1:  # enrolled after 1 October
                later = count_day + 1 + randrange(200)
                yield (bsn, school[0], school[1], "00", sector, day(later), None, "")
            if age >= 6 and rand() < 0.5:
                prev = by_sector["PO"][randrange(len(by_sector["PO"]))]
                prev_start = births[i] + 4 * 365 + 10
                prev_end = min(start, count_day) - 1 - randrange(30)
                if prev_end > prev_start:
                    yield (bsn, prev[0], prev[1], "00", "PO", day(prev_start), day(prev_end), "")

    def diploma_rows():
        for i in range(n_persons):
            age = age_on(i, count_day)
            if age < 16:
                continue
            bsn = bsns[i]
            r = rand()
            if age <= 17:
                if r < 0.05:
                    yield (bsn, dt.date(2024, 7, 1), "havo", "4", True)
                elif r < 0.10:
                    yield (bsn, dt.date(2025, 7, 1), "havo", "4", True)  # after 1 October
            elif r < 0.55:
                yield (bsn, dt.date(2024 - randrange(age - 17), 7, 1), "mbo 2", "2", True)
            if rand() < 0.2:
                yield (bsn, dt.date(2023, 7, 1), "vmbo", "vmbo", False)

    with transaction.atomic():
        made["enrolments"] = _load(
            Enrolment,
            "registry_enrolment",
            'bsn, school_id, brin, vestiging, sector, start, "end", end_reason',
            enrolment_rows(),
            timings,
        )
        made["diplomas"] = _load(
            Diploma,
            "registry_diploma",
            "bsn, date, programme, level, startkwalificatie",
            diploma_rows(),
            timings,
        )

    # -- cases, periods, reports, enforcement, leave ------------------------------
    by_age: dict[str, list[int]] = {"young": [], "rmc": [], "vsv": []}
    for i in range(n_persons):
        age = age_on(i, count_day)
        if 5 <= age <= 17:
            by_age["young"].append(i)
        elif 18 <= age <= 22:
            by_age["rmc"].append(i)
        if 16 <= age <= 22:
            by_age["vsv"].append(i)

    def municipality_on(i: int, when: int) -> int:
        if i in moves and when >= moves[i][0]:
            return moves[i][1]
        return home[i]

    first_case, last_case = FIRST_CASE.toordinal(), LAST_CASE.toordinal()
    days_all = last_case - first_case + 1
    n_cases = round(CASES_IN_YEAR * scale * days_all / (y1 - y0 + 1))
    pick_type = _weighted(rng, TYPE_WEIGHTS)
    pick_rmc_reason = _weighted(rng, RMC_REASONS)
    pick_reason = _weighted(rng, OTHER_REASONS)
    pick_decision = _weighted(rng, DECISIONS)
    cases, periods, meldingen, handhaving, leave = [], [], [], [], []
    handed_over = 0
    school_ids = [s[0] for s in schools]
    for n in range(n_cases):
        cid = n + 1
        kind = pick_type()
        pool = by_age["rmc"] if kind in RMC_TYPES else by_age["young"]
        i = pool[randrange(len(pool))]
        opened = first_case + randrange(days_all)
        m = municipality_on(i, opened)
        # Open now: most of the recent cases, a few older ones.
        still_open = rand() < (0.5 if opened > last_case - 60 else 0.02)
        mean = 150 if kind in RMC_TYPES else 20 if kind in RELATIEF else 60
        if kind == "verlof":
            duration = 1 + randrange(30)
        else:
            duration = 1 + int(rng.expovariate(1 / mean))
        closed = None if still_open else opened + duration
        reason = ""
        if closed is not None:
            reason = (
                pick_rmc_reason()
                if kind == "rmc"
                else "besloten"
                if kind == "verlof"
                else pick_reason()
            )
        absent_since = opened - randrange(15) if kind in RELATIEF else None
        principal = m
        last_day = closed if closed is not None else opened + 180
        if rand() < 0.03:
            handed_over += 1
            at = opened + randrange(max(1, last_day - opened)) if rand() > 0.02 else opened
            principal = other_municipality(m)
            periods.append((cid, codes[m], day(opened), day(at)))
            periods.append((cid, codes[principal], day(at), None))
        else:
            periods.append((cid, codes[m], day(opened), None))
        cases.append(
            (
                cid,
                kind,
                "afgesloten" if closed is not None else "in_behandeling",
                day(opened),
                day(closed) if closed is not None else None,
                reason,
                day(absent_since) if absent_since else None,
                NOW,
                NOW,
                i + 1,
                codes[principal],
            )
        )
        if kind in MELDING_SOORT:
            soort = MELDING_SOORT[kind]
            extra = bisect.bisect_right((25, 50, 70, 85), randrange(100))
            for k in range(1 + extra):
                when = (
                    opened - randrange(6) if k == 0 else opened + randrange(last_day - opened + 1)
                )
                s = soort if k == 0 or rand() < 0.8 else SOORTEN[randrange(6)]
                meldingen.append((cid, i, s, when))
        if kind in HANDHAVING_TYPES:
            r = rand()
            if r < 0.075:
                hk = "halt" if r < 0.05 else "pv"
                handhaving.append((cid, hk, day(opened + 10 + randrange(111)), NOW))
        if kind == "verlof":
            days_off = 1 + randrange(20)
            decision = pick_decision()
            decided = day(opened + 1 + randrange(30)) if decision else None
            leave.append(
                (
                    cid,
                    rng.choice(["11f", "13a", "14"]),
                    day(opened),
                    day(opened + 20),
                    day(opened + 20 + days_off),
                    days_off,
                    "lpa" if days_off > 10 else "school",
                    day(opened + 56),
                    decision,
                    decided,
                    "",
                )
            )
    unlinked = round(len(meldingen) * 0.05)
    strangers = BsnStream(60_000_000, 30_000_000, rng)

    def melding_rows(items: list[tuple]):
        for n, (cid, i, soort, when) in enumerate(items):
            school = school_ids[n % len(school_ids)]
            brin = schools[school - 1][1]
            yield (
                f"M{n + 1:010d}",
                bsns[i],
                brin,
                "00",
                soort,
                day(when),
                day(when - 28),
                "",
                "",
                "",
                "",
                "",
                NOW,
                NOW,
                cid,
                i + 1,
                school,
            )
        for n in range(unlinked):
            school = school_ids[n % len(school_ids)]
            when = first_case + randrange(days_all)
            yield (
                f"U{n + 1:010d}",
                strangers.next(),
                schools[school - 1][1],
                "00",
                SOORTEN[randrange(5)],
                day(when),
                day(when - 28),
                "",
                "",
                "",
                "",
                "",
                NOW,
                NOW,
                None,
                None,
                school,
            )

    with transaction.atomic():
        made["cases"] = _load(
            Case,
            "cases_case",
            "id, type, status, opened_on, closed_on, closing_reason, absent_since, created_at, "
            "updated_at, person_id, principal_id, closing_note, route, version",
            (row + ("", "", 1) for row in cases),
            timings,
        )
        made["principal_periods"] = _load(
            PrincipalPeriod,
            "cases_principalperiod",
            'case_id, municipality_id, start, "end"',
            periods,
            timings,
        )
        made["verzuimmeldingen"] = _load(
            VerzuimMelding,
            "cases_verzuimmelding",
            "meldingsnummer, bsn, brin, vestiging, soort, meldingsdatum, verzuim_vanaf, reden, "
            "actie_school, toelichting, duo_status, duo_reason, created_at, updated_at, case_id, "
            "person_id, school_id",
            melding_rows(meldingen),
            timings,
        )
        made["handhaving"] = _load(
            Handhaving,
            "cases_handhaving",
            "case_id, kind, opened_on, created_at, outcome, outcome_note, version",
            (row + ("", "", 1) for row in handhaving),
            timings,
        )
        made["leave_requests"] = _load(
            LeaveRequest,
            "cases_leaverequest",
            'case_id, article, requested_on, start, "end", school_days, decider, '
            "decision_due_on, decision, decided_on, decision_note",
            leave,
            timings,
        )
    made["cases_in_year"] = sum(1 for c in cases if y0 <= c[3].toordinal() <= y1)
    made["handed_over"] = handed_over
    made["verzuimmeldingen_unlinked"] = unlinked
    made["verzuimmeldingen_in_year"] = sum(1 for m in meldingen if y0 <= m[3] <= y1)
    del cases, periods, meldingen, handhaving, leave

    # -- exemptions and VSV --------------------------------------------------------
    pick_ground = _weighted(rng, GROUNDS)
    n_exemptions = round(EXEMPTIONS_PER_YEAR * scale * days_all / 365)
    exemptions = []
    for i in rng.sample(by_age["young"], min(n_exemptions, len(by_age["young"]))):
        decided = first_case + randrange(days_all)
        end = day(decided + 365) if rand() < 0.7 else None
        exemptions.append(
            (
                bsns[i],
                pick_ground(),
                day(decided),
                end,
                day(decided),
                codes[municipality_on(i, decided)],
            )
        )
    n_vsv = round(VSV_PER_YEAR * scale * days_all / 365)
    vsv = []
    for i in rng.sample(by_age["vsv"], n_vsv):
        when = first_case + randrange(days_all)
        if rand() < 0.03:
            vsv.append((strangers.next(), day(when), "", "", "", day(when + 30), NOW, None))
            continue
        vsv.append((bsns[i], day(when), "", "mbo", "2", day(when + 30), NOW, i + 1))
        if rand() < 0.1:
            again = when + 30 + randrange(120)
            vsv.append((bsns[i], day(again), "", "mbo", "2", day(again + 30), NOW, i + 1))
    with transaction.atomic():
        made["exemptions"] = _load(
            Exemption,
            "registry_exemption",
            'bsn, ground, start, "end", decided_on, municipality_id',
            exemptions,
            timings,
        )
        made["vsv_meldingen"] = _load(
            VsvMelding,
            "cases_vsvmelding",
            "bsn, uitschrijvingsdatum, brin, opleiding, niveau, peildatum, created_at, person_id",
            vsv,
            timings,
        )

    with connection.cursor() as cursor:
        for table in (
            "registry_person",
            "organisation_school",
            "organisation_region",
            "cases_case",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        t0 = time.perf_counter()
        cursor.execute("VACUUM ANALYZE")
        timings["vacuum_analyze"] = round(time.perf_counter() - t0, 1)
        cursor.execute("SELECT pg_database_size(current_database())")
        made["db_mb"] = round(cursor.fetchone()[0] / 1024 / 1024)
    made["municipalities"] = MUNICIPALITIES
    made["regions"] = REGIONS
    made["seconds"] = round(time.perf_counter() - started, 1)
    made["timings"] = timings
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", default=PG_NAME)
    args = parser.parse_args()
    configure(args.db)
    fresh_database(args.db)
    print(json.dumps(build(args.scale, args.seed), indent=1))


if __name__ == "__main__":
    main()
