"""The benchmarks' region of casework on PostgreSQL, built with bulk inserts.

Shared by `bench_dashboard.py` and `bench_load.py`: the nine Achterhoek
municipalities (reference data of the demo, in a region with the demo marker,
so the second factor is optional), their staff, PERSONS youths aged 4-23,
CASES cases over all types with tasks, absence reports and absoluut signals
(`build` says how). With `staff` > 1 each officer post (an lpa per
municipality, the regional kpa and rmc, the coordinator) is held by that many
users, named like the first with "-2", "-3", … appended, and the cases of a
post are shared among them in turn. Also the machine's CPU use, for the
neighbours' load on a shared machine.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
REFERENCE = ROOT / "src" / "rbl" / "demo" / "data" / "achterhoek.csv"

# Case types with their share of the cases (weights).
TYPE_WEIGHTS = {
    "relatief_16uur": 30,
    "signaal": 10,
    "luxe": 12,
    "overig": 5,
    "langdurig": 5,
    "absoluut": 6,
    "18plus": 6,
    "verlof": 10,
    "vrijstelling": 4,
    "rmc": 8,
    "preventief": 2,
    "zorg": 2,
}
RMC_TYPES = {"rmc", "18plus"}
RELATIEF = {"relatief_16uur", "signaal", "overig", "langdurig"}
# Case type -> the DUO report kind it starts from.
MELDING_SOORT = {
    "relatief_16uur": "16UUR",
    "signaal": "SIGNAAL",
    "luxe": "LUXE",
    "overig": "OVERIG",
    "langdurig": "LANGDURIG",
    "18plus": "18PLUS",
}
CLOSING = ["terug_naar_school", "andere_opleiding", "werk", "ter_kennisgeving", "overig"]


def fresh_database(name: str) -> None:
    """Drops and recreates the PostgreSQL database `name` (the one Django is
    configured for), then migrates it."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    call_command("migrate", verbosity=0)


# --- data ----------------------------------------------------------------------


def municipalities() -> list[tuple[str, str, int]]:
    """(code, name, youths 5-22) of the nine Achterhoek municipalities."""
    with REFERENCE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return [
        (
            r["gemeentecode"],
            r["naam"],
            int(r["inwoners_5_15"]) + int(r["inwoners_16_17"]) + int(r["inwoners_18_22"]),
        )
        for r in rows
    ]


def age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def build(persons: int, cases: int, seed: int, staff: int = 1) -> dict:
    """Fills the (migrated, empty) database; returns what was made. `staff`:
    users per officer post (see the module docstring); with 1 the data are
    those the dashboard benchmark has always measured."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from rbl.absoluut.models import Signal
    from rbl.accounts.models import Role, RoleAssignment, User
    from rbl.cases.models import Case, Task, VerzuimMelding
    from rbl.core.bsn import make_bsn
    from rbl.organisation.models import Municipality, Region, School
    from rbl.registry.models import Person

    rng = random.Random(seed)
    today = timezone.localdate()
    monday = today - dt.timedelta(days=today.weekday())
    refs = municipalities()
    largest = max(refs, key=lambda r: r[2])[0]
    password = make_password("demo")
    with transaction.atomic():
        region = Region.objects.create(name="Achterhoek (benchmark)", is_demo=True)
        munis = [
            Municipality.objects.create(code=code, name=name, region=region)
            for code, name, _ in refs
        ]

        def user(username: str, first: str, last: str) -> User:
            return User.objects.create(
                username=username, password=password, first_name=first, last_name=last
            )

        def post(username: str, first: str, last: str) -> list[User]:
            return [
                user(username + (f"-{k}" if k > 1 else ""), first, last)
                for k in range(1, staff + 1)
            ]

        coordinators = post("coordinator", "Coördinator", "Regio")
        kpas = post("kpa-regio", "Kpa", "Regio")
        rmcs = post("rmc-regio", "Rmc", "Regio")
        lpa = {}
        roles = []
        for m in munis:
            slug = m.name.lower().replace(" ", "-")
            lpa[m.code] = post(f"lpa-{slug}", "Lpa", m.name)
            roles += [RoleAssignment(user=u, role=Role.LPA, municipality=m) for u in lpa[m.code]]
            for users, role in (
                (coordinators, Role.COORDINATOR),
                (kpas, Role.KPA),
                (rmcs, Role.RMC),
            ):
                roles += [RoleAssignment(user=u, role=role, municipality=m) for u in users]
        beleid = user("beleid", "Beleid", "Gemeente")
        roles.append(RoleAssignment(user=beleid, role=Role.BELEID, municipality_id=largest))
        RoleAssignment.objects.bulk_create(roles)
        schools = School.objects.bulk_create(
            School(brin=f"{i:02d}BD", name=f"School {i}", sector="VO", municipality_code=m.code)
            for i, m in enumerate(munis * 3)
        )

        # Persons, in proportion to each municipality's youth.
        weights = [n for _, _, n in refs]
        rows = []
        for i in range(persons):
            m = rng.choices(munis, weights)[0]
            rows.append(
                Person(
                    bsn=make_bsn(20_000_000 + 3 * i),
                    surname=f"Achternaam{i % 5000}",
                    given_names=rng.choice(["Sanne", "Noah", "Emma", "Daan", "Lotte", "Sem"]),
                    birth_date=today - dt.timedelta(days=rng.randint(4 * 365, 23 * 365 + 200)),
                    municipality=m,
                    city=m.name,
                )
            )
        Person.objects.bulk_create(rows, batch_size=5000)
        people = list(Person.objects.values_list("pk", "bsn", "municipality_id", "birth_date"))
        adults = [p for p in people if age(p[3], today) >= 18]
        minors = [p for p in people if 5 <= age(p[3], today) < 18]

        # Cases: the younger, the likelier open; about 30 % open in all.
        types = list(TYPE_WEIGHTS)
        type_weights = list(TYPE_WEIGHTS.values())
        case_rows = []
        for n in range(cases):
            kind = rng.choices(types, type_weights)[0]
            pk, bsn, code, birth = rng.choice(adults if kind in RMC_TYPES else minors)
            days = rng.randint(0, 730)
            opened = today - dt.timedelta(days=days)
            p_open = 0.85 if days < 60 else 0.5 if days < 180 else 0.25 if days < 365 else 0.15
            is_open = rng.random() < p_open
            years = age(birth, today)
            if rng.random() < 0.03:
                owner = None
            elif kind in RMC_TYPES:
                owner = rmcs[n % staff]
            elif years >= 16:
                owner = kpas[n % staff]
            else:
                owner = lpa[code][n % staff]
            case_rows.append(
                Case(
                    type=kind,
                    person_id=pk,
                    principal_id=code,
                    owner=owner,
                    status=(
                        rng.choice(["open", "in_behandeling", "in_behandeling"])
                        if is_open
                        else "afgesloten"
                    ),
                    opened_on=opened,
                    closed_on=(
                        None if is_open else opened + dt.timedelta(days=rng.randint(0, days))
                    ),
                    closing_reason="" if is_open else rng.choice(CLOSING),
                    absent_since=(
                        opened - dt.timedelta(days=rng.randint(0, 30)) if kind in RELATIEF else None
                    ),
                )
            )
        Case.objects.bulk_create(case_rows, batch_size=5000)
        all_cases = list(
            Case.objects.values_list("pk", "type", "status", "opened_on", "owner_id", "person_id")
        )
        bsn_of = {pk: bsn for pk, bsn, _, _ in people}

        # Tasks: every case one done task; open cases one or two open tasks,
        # due from 20 days ago to 40 days ahead (a third overdue).
        tasks = []
        for pk, _, status, opened, owner, _ in all_cases:
            tasks.append(
                Task(
                    case_id=pk,
                    kind="opvolging",
                    title="Eerste opvolging",
                    due_on=opened + dt.timedelta(days=10),
                    done_on=opened + dt.timedelta(days=rng.randint(0, 10)),
                    assignee_id=owner,
                )
            )
            if status != "afgesloten":
                for _ in range(rng.choice([1, 1, 2])):
                    tasks.append(
                        Task(
                            case_id=pk,
                            kind=rng.choice(["opvolging", "controlebrief", "verzuimstaat"]),
                            title="Opvolgen",
                            due_on=today + dt.timedelta(days=rng.randint(-20, 40)),
                            assignee_id=owner,
                        )
                    )
        Task.objects.bulk_create(tasks, batch_size=5000)

        # Absence reports: one per report-based case (on its opening day); a
        # second, recent one (the last two weeks) for a fifth of the open
        # ones; and a few not linked to any case or person.
        meldingen = []

        def melding(case_id, person_id, bsn, soort, day) -> VerzuimMelding:
            school = schools[len(meldingen) % len(schools)]
            return VerzuimMelding(
                meldingsnummer=f"BENCH{len(meldingen):09d}",
                bsn=bsn,
                person_id=person_id,
                brin=school.brin,
                school=school,
                soort=soort,
                meldingsdatum=day,
                verzuim_vanaf=day - dt.timedelta(days=28),
                case_id=case_id,
            )

        for pk, kind, status, opened, _, person_id in all_cases:
            if kind not in MELDING_SOORT:
                continue
            meldingen.append(melding(pk, person_id, bsn_of[person_id], MELDING_SOORT[kind], opened))
            if status != "afgesloten" and rng.random() < 0.2:
                day = max(opened, today - dt.timedelta(days=rng.randint(0, 13)))
                meldingen.append(
                    melding(pk, person_id, bsn_of[person_id], MELDING_SOORT[kind], day)
                )
        for _ in range(max(10, cases // 40)):
            meldingen.append(
                melding(
                    None,
                    None,
                    make_bsn(90_000_000 + len(meldingen)),
                    "16UUR",
                    today - dt.timedelta(days=rng.randint(0, 60)),
                )
            )
        VerzuimMelding.objects.bulk_create(meldingen, batch_size=5000)

        # Absoluut signals: 2 % of the 5-17-year-olds over the last year, 60 % closed.
        signal_rows = []
        for pk, _, code, _ in rng.sample(minors, min(len(minors), persons // 50)):
            opened = today - dt.timedelta(days=rng.randint(0, 365))
            closed = rng.random() < 0.6 and opened < today
            signal_rows.append(
                Signal(
                    person_id=pk,
                    municipality_id=code,
                    status="leerplichtig",
                    opened_on=opened,
                    closed_on=opened + dt.timedelta(days=rng.randint(1, 60)) if closed else None,
                    close_reason="ingeschreven" if closed else "",
                    control_letter_on=opened + dt.timedelta(days=2) if rng.random() < 0.8 else None,
                )
            )
        Signal.objects.bulk_create(signal_rows, batch_size=5000)

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    open_n = sum(1 for c in all_cases if c[2] != "afgesloten")
    return {
        "persons": persons,
        "cases": len(all_cases),
        "open_cases": open_n,
        "tasks": len(tasks),
        "overdue_tasks": sum(1 for t in tasks if t.done_on is None and t.due_on < today),
        "meldingen": len(meldingen),
        "meldingen_this_week": sum(1 for m in meldingen if m.meldingsdatum >= monday),
        "signals": len(signal_rows),
        "signals_this_week": sum(1 for s in signal_rows if s.opened_on >= monday),
        "new_this_week": sum(1 for c in all_cases if c[3] >= monday),
        "largest": largest,
    }


# --- the machine -------------------------------------------------------------------


def busy_seconds() -> float:
    """CPU seconds all cores spent outside idle and iowait since boot."""
    with open("/proc/stat") as fh:
        cells = [int(x) for x in fh.readline().split()[1:]]
    return (sum(cells[:8]) - cells[3] - cells[4]) / os.sysconf("SC_CLK_TCK")


def wait_quiet(limit: float, most: float) -> float:
    """Waits (at most `most` seconds) until the machine, this process idle, uses
    less than `limit` cores over 5 s; returns what it used in the last 5 s."""
    deadline = time.monotonic() + most
    while True:
        busy = busy_seconds()
        time.sleep(5)
        used = (busy_seconds() - busy) / 5
        if used < limit or time.monotonic() >= deadline:
            return used
