"""Response times of the web screens for one user, beside an empty Django view.

    python bench/bench_web.py                      # SQLite file in bench/data/web/
    python bench/bench_web.py --db pg              # PostgreSQL (database rbl_bench_web)
    python bench/bench_web.py --persons 100000 --cases 20000 --runs 5 --requests 40

The database holds the nine Achterhoek municipalities (reference data of the
demo) scaled to `--persons` youths, and `--cases` open and closed cases with
a task, an activity and events each, owned by one officer per municipality.
It is built once with bulk inserts (the demo generator runs real imports and
would take far longer at this size) and reused while its size matches.

Each run sends `--requests` requests per page through Django's test client
(full middleware, session login, templates, access log writes) and takes the
95th percentile; the table shows the median of the runs' p95 per page, and
the same for an empty view (`HttpResponse("ok")` behind the same middleware)
as the floor of the framework itself. The results replace the "## Web"
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "web"
RESULTS = ROOT / "bench" / "RESULTS.md"
PG_URL = "postgres://postgres@127.0.0.1:5432/rbl_bench_web"
REFERENCE = ROOT / "src" / "rbl" / "demo" / "data" / "achterhoek.csv"


def configure(db: str) -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    if db == "pg":
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["RBL_DB"] = str(DATA / "bench_web.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rbl.settings")
    os.environ["RBL_ALLOWED_HOSTS"] = "testserver"
    if db == "pg":
        _create_pg_database()
    import django

    django.setup()


def _create_pg_database() -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = 'rbl_bench_web'").fetchone()
        if not exists:
            c.execute("CREATE DATABASE rbl_bench_web")


# --- data ----------------------------------------------------------------------


def municipalities() -> list[tuple[str, str, int]]:
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


def build(persons: int, cases: int, seed: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from rbl.accounts.models import RoleAssignment, User
    from rbl.cases.models import (
        Activity,
        Case,
        CaseEvent,
        OwnershipPeriod,
        Task,
    )
    from rbl.core.bsn import make_bsn
    from rbl.organisation.models import Municipality, Region, School
    from rbl.registry.models import Enrolment, Person

    call_command("migrate", verbosity=0)
    if Person.objects.count() == persons and Case.objects.count() == cases:
        return
    print(f"Database vullen: {persons} jongeren, {cases} zaken …", flush=True)
    call_command("flush", interactive=False, verbosity=0)
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    refs = municipalities()
    total = sum(n for _, _, n in refs)
    password = make_password("demo")
    with transaction.atomic():
        region = Region.objects.create(name="Achterhoek (benchmark)", is_demo=True)
        munis = [
            Municipality.objects.create(code=code, name=name, region=region)
            for code, name, _ in refs
        ]
        coordinator = User.objects.create(username="coordinator", password=password)
        officers = {}
        for m in munis:
            slug = m.name.lower().replace(" ", "-")
            officers[m.code] = User.objects.create(
                username=f"lpa-{slug}", password=password, first_name="Lpa", last_name=m.name
            )
            RoleAssignment.objects.create(user=officers[m.code], role="lpa", municipality=m)
            RoleAssignment.objects.create(user=coordinator, role="coordinator", municipality=m)
        schools = [
            School.objects.create(
                brin=f"{i:02d}BW", name=f"School {i}", sector="VO", municipality_code=m.code
            )
            for i, m in enumerate(munis * 3)
        ]
        weights = [n / total for _, _, n in refs]
        person_rows = []
        for i in range(persons):
            m = rng.choices(munis, weights)[0]
            person_rows.append(
                Person(
                    bsn=make_bsn(20_000_000 + 3 * i),
                    surname=f"Achternaam{i % 5000}",
                    given_names=rng.choice(["Sanne", "Noah", "Emma", "Daan", "Lotte", "Sem"]),
                    birth_date=today - dt.timedelta(days=rng.randint(5 * 365, 23 * 365)),
                    municipality=m,
                    city=m.name,
                )
            )
        Person.objects.bulk_create(person_rows, batch_size=5000)
        people = list(Person.objects.values_list("pk", "bsn", "municipality_id"))
        Enrolment.objects.bulk_create(
            (
                Enrolment(
                    bsn=bsn,
                    school=schools[pk % len(schools)],
                    brin=schools[pk % len(schools)].brin,
                    sector="VO",
                    start=today - dt.timedelta(days=700),
                )
                for pk, bsn, _ in people
            ),
            batch_size=5000,
        )
        with_case = rng.sample(people, cases)
        case_rows = []
        for n, (pk, _, code) in enumerate(with_case):
            closed = n % 3 == 0
            case_rows.append(
                Case(
                    type=rng.choice(["relatief_16uur", "absoluut", "luxe", "signaal"]),
                    person_id=pk,
                    principal_id=code,
                    owner=officers[code],
                    status="afgesloten" if closed else rng.choice(["open", "in_behandeling"]),
                    opened_on=today - dt.timedelta(days=rng.randint(1, 400)),
                    closed_on=today if closed else None,
                    closing_reason="terug_naar_school" if closed else "",
                )
            )
        Case.objects.bulk_create(case_rows, batch_size=5000)
        all_cases = list(Case.objects.values_list("pk", "owner_id"))
        OwnershipPeriod.objects.bulk_create(
            (OwnershipPeriod(case_id=c, user_id=o, start=now) for c, o in all_cases),
            batch_size=5000,
        )
        Task.objects.bulk_create(
            (
                Task(
                    case_id=c,
                    kind="opvolging",
                    title="Opvolgen",
                    due_on=today + dt.timedelta(days=rng.randint(-30, 30)),
                    assignee_id=o,
                )
                for c, o in all_cases
            ),
            batch_size=5000,
        )
        Activity.objects.bulk_create(
            (
                Activity(
                    case_id=c, kind="gesprek_jongere", date=today, author_id=o, notes="Gesprek"
                )
                for c, o in all_cases
            ),
            batch_size=5000,
        )
        CaseEvent.objects.bulk_create(
            (
                CaseEvent(case_id=c, at=now, actor_id=o, kind="aangemaakt", version=1)
                for c, o in all_cases
            ),
            batch_size=5000,
        )


# --- measuring -------------------------------------------------------------------


def install_empty_view() -> None:
    """A URLconf with the product's URLs plus /leeg/, an empty view."""
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import include, path

    def empty(request):
        return HttpResponse("ok")

    module = types.ModuleType("bench_web_urls")
    module.urlpatterns = [path("leeg/", empty), path("", include("rbl.urls"))]
    sys.modules["bench_web_urls"] = module
    settings.ROOT_URLCONF = "bench_web_urls"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def measure(runs: int, requests: int, seed: int) -> dict[str, list[float]]:
    from django.test import Client
    from django.urls import reverse

    from rbl.accounts.models import User
    from rbl.cases.models import Case

    rng = random.Random(seed)
    officer = User.objects.get(username="lpa-aalten")
    coordinator = User.objects.get(username="coordinator")
    own = list(
        Case.objects.filter(principal_id="0197").values_list("person_id", "person__bsn")[:500]
    )
    persons = [reverse("web:person", args=[pk]) for pk, _ in own]
    bsns = [bsn for _, bsn in own]

    officer_client = Client()
    officer_client.force_login(officer)
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)

    pages = {
        "leeg (Django zonder werk)": lambda: officer_client.get("/leeg/"),
        "mijn werk (lpa-aalten)": lambda: officer_client.get(reverse("web:my-work")),
        "zaken team, alle gemeenten (coördinator)": lambda: coordinator_client.get(
            reverse("web:team")
        ),
        "persoonspagina met tijdlijn": lambda: officer_client.get(rng.choice(persons)),
        "zoeken op BSN (POST)": lambda: officer_client.post(
            reverse("web:search"), {"bsn": rng.choice(bsns)}
        ),
        "API zaken, eerste pagina (coördinator)": lambda: coordinator_client.get("/api/v1/zaken/"),
    }
    results: dict[str, list[float]] = {name: [] for name in pages}
    for run in range(runs):
        for name, call in pages.items():
            for _ in range(3):  # warm-up
                call()
            samples = []
            for _ in range(requests):
                started = time.perf_counter()
                response = call()
                samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: HTTP {response.status_code}")
            results[name].append(p95(samples))
        print(f"run {run + 1}/{runs} klaar", flush=True)
    return results


INTRO = """## Web

`bench/bench_web.py`: response times of the screens for one user at a time,
through Django's test client (full middleware, session, templates and the
access-log insert every page makes), beside an empty view behind the same
middleware. Per page: the p95 of N requests per run, median over the runs;
"runs min–max" is the spread of the runs' p95. The machine has 2 cores and is
shared with other work: the load average during the run is given, and the
spread shows how much the neighbours cost.

Where the time goes (EXPLAIN ANALYZE on PostgreSQL at this size, one request):
the person page and the BSN search spend ~35 of ~55 ms in the access filter of
`visible_persons`: its "persons with a visible case" subquery is hashed over
all 20,000 cases before the cheap "resident of my municipality" test is tried
(PostgreSQL evaluates the OR in the order written; putting the municipality
test first in `rbl.accounts.access.visible_persons` lets it short-circuit).
The team list spends ~80 ms joining all cases with their persons for the
access filter and sorting 20,000 rows for the first 50, plus ~30 ms for the
page count; an index on cases (opened_on, id) would let the newest-first
page stop early. The empty view loads no user and no data."""


def _section_blocks(text: str) -> dict[str, str]:
    """The "### <database>" blocks of the current "## Web" section."""
    match = re.search(r"^## Web\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not match:
        return {}
    blocks = {}
    for part in re.split(r"^(?=### )", match.group(1), flags=re.M):
        if part.startswith("### "):
            title = part.splitlines()[0][4:].strip()
            blocks[title] = part.rstrip("\n")
    return blocks


def write_results(
    results: dict[str, list[float]],
    args: argparse.Namespace,
    vendor: str,
    build_s: float,
    load: tuple[float, float],
) -> str:
    floor = statistics.median(results["leeg (Django zonder werk)"])
    lines = [
        f"### {vendor}",
        "",
        f"`python bench/bench_web.py --db {args.db} --persons {args.persons} "
        f"--cases {args.cases} --runs {args.runs} --requests {args.requests}` on "
        f"{dt.date.today():%Y-%m-%d}: {args.persons:,} youths in the nine Achterhoek "
        f"municipalities, {args.cases:,} cases (a third closed) with a task, an activity "
        f"and an event each. Load average (1 min) {load[0]:.1f} at the start, "
        f"{load[1]:.1f} at the end.",
        "",
        "| page | p95 ms (median of runs) | runs min–max | × empty view |",
        "|---|---:|---:|---:|",
    ]
    for name, values in results.items():
        median = statistics.median(values)
        lines.append(
            f"| {name} | {median:.1f} | {min(values):.1f}–{max(values):.1f} | "
            f"{median / floor:.0f} |"
        )
    lines += ["", f"Building the data set took {build_s:.0f} s (skipped when it exists)."]
    block = "\n".join(lines)
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    blocks = _section_blocks(text)
    blocks[vendor] = block
    section = INTRO + "\n\n" + "\n\n".join(blocks[k] for k in sorted(blocks)) + "\n"
    pattern = re.compile(r"^## Web\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    return block


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "pg"], default="sqlite")
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="RESULTS.md niet bijwerken")
    args = parser.parse_args()
    configure(args.db)
    from django.db import connection

    started = time.perf_counter()
    build(args.persons, args.cases, args.seed)
    build_s = time.perf_counter() - started
    install_empty_view()
    load_start = os.getloadavg()[0]
    results = measure(args.runs, args.requests, args.seed)
    load_end = os.getloadavg()[0]
    vendor = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[connection.vendor]
    if args.no_write:
        for name, values in results.items():
            print(f"{name}: {statistics.median(values):.1f} ms")
    else:
        print(write_results(results, args, vendor, build_s, (load_start, load_end)))


if __name__ == "__main__":
    main()
