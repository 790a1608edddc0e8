"""Time the absoluut check beside its raw floor, statement by statement.

    python bench/bench_check.py load --db pg --name rbl_check --data DIR
    python bench/bench_check.py time --db pg --name rbl_check --data DIR --runs 3
    python bench/bench_check.py explain --db pg --name rbl_check --data DIR

``load`` creates the database (PostgreSQL: DROP/CREATE DATABASE NAME; SQLite:
DIR/NAME.sqlite3), migrates it and loads region.json, scholen.csv, brp.csv and
inschrijvingen.csv the way bench/run.py does, then VACUUM ANALYZE.

``time`` runs, in one process and interleaved, the floor
(rbl.absoluut.floor.raw_breach_count), the check's first run (all signals
deleted before) and a re-run (nothing changes), and prints the medians and each
statement of the check with its time (from a Django execute wrapper). With
``--closing N`` also a run in which every N-th open signal closes, for each
reason in turn (rolled back afterwards).

``explain`` prints EXPLAIN (ANALYZE, BUFFERS) of every statement of a first
run and a re-run (PostgreSQL; each statement explained in a savepoint that is
rolled back, then run; each run rolled back at the end).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def environment(db: str, name: str, data: Path) -> dict[str, str]:
    env = dict(os.environ)
    if db == "pg":
        env["DATABASE_URL"] = f"{PG_SERVER}/{name}"
    else:
        env.pop("DATABASE_URL", None)
        env["RBL_DB"] = str(data / f"{name}.sqlite3")
    os.environ.clear()
    os.environ.update(env)
    return env


def load(db: str, name: str, data: Path) -> None:
    from run import RBL, create_region, django_setup, run_import

    if db == "pg":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
            conn.execute(f"CREATE DATABASE {name}")
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{data / name}.sqlite3{suffix}").unlink(missing_ok=True)
    env = environment(db, name, data)
    subprocess.run([RBL, "migrate", "--skip-checks", "-v", "0"], env=env, check=True)
    django_setup()
    meta = create_region(data, env)
    for kind, file in (("brp", "brp.csv"), ("inschrijvingen", "inschrijvingen.csv")):
        print(kind, run_import(kind, data / file, meta["peildatum"], env), flush=True)
    vacuum()


def vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class StatementTimer:
    """Django execute wrapper: the SQL and seconds of every statement."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, time.perf_counter() - started))


def label(sql: str) -> str:
    words = re.sub(r'"s\d+_x\d+"', "sp", " ".join(sql.split()))
    return words[:90]


def timed_check(peil: dt.date, first: bool) -> tuple[float, dict, list[tuple[str, float]]]:
    from django.db import connection

    from rbl.absoluut.check import run_check
    from rbl.absoluut.models import Signal

    if first:
        Signal.objects.all().delete()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # What autovacuum would do after the delete: the same start each time.
                cursor.execute("VACUUM ANALYZE absoluut_signal")
    timer = StatementTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        result = run_check(peil)
        seconds = time.perf_counter() - started
    return seconds, result.as_json(), timer.statements


def timed_closing(peil: dt.date, share: int) -> tuple[float, dict, list[tuple[str, float]]]:
    """A run that closes signals: every `share`-th person with an open signal gets
    an enrolment covering the day, dies, moves to another municipality or
    leaves (in turn). Everything, the check included, is rolled back after."""
    from django.db import connection, transaction

    from rbl.absoluut.check import run_check
    from rbl.absoluut.models import Signal
    from rbl.organisation.models import School
    from rbl.registry.models import Enrolment, Person

    with transaction.atomic():
        ids = list(Signal.objects.open().order_by("person_id").values_list("person_id", flat=True))
        chosen = ids[::share]
        enrol, die, move, leave = (chosen[i::4] for i in range(4))
        school = School.objects.order_by("pk").first()
        Enrolment.objects.bulk_create(
            Enrolment(
                bsn=bsn, school=school, brin="BNCH", sector="vo", start=peil - dt.timedelta(days=3)
            )
            for bsn in Person.objects.filter(pk__in=enrol).values_list("bsn", flat=True)
        )
        Person.objects.filter(pk__in=die).update(died_on=peil)
        Person.objects.filter(pk__in=leave).update(moved_out_on=peil)
        other = (
            Person.objects.exclude(municipality_id=None).values_list("municipality_id", flat=True)
        ).first()
        Person.objects.filter(pk__in=move).exclude(municipality_id=other).update(
            municipality_id=other
        )
        timer = StatementTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            result = run_check(peil)
            seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds, result.as_json(), timer.statements


def timed_floor(peil: dt.date) -> tuple[float, int]:
    from rbl.absoluut.floor import raw_breach_count

    started = time.perf_counter()
    count = raw_breach_count(peil)
    return time.perf_counter() - started, count


def time_runs(peil: dt.date, runs: int, closing: int) -> None:
    floors: list[float] = []
    phases = ("first", "rerun", "closing") if closing else ("first", "rerun")
    product: dict[str, list[float]] = {phase: [] for phase in phases}
    per_statement: dict[str, dict[str, list[float]]] = {phase: {} for phase in phases}
    for n in range(runs):
        seconds, count = timed_floor(peil)
        floors.append(seconds)
        print(f"run {n}: floor {seconds:.2f} s ({count} breaches)", flush=True)
        for phase in product:
            if phase == "closing":
                seconds, result, statements = timed_closing(peil, closing)
            else:
                seconds, result, statements = timed_check(peil, first=phase == "first")
            product[phase].append(seconds)
            print(f"run {n}: {phase} {seconds:.2f} s {json.dumps(result)}", flush=True)
            for i, (sql, took) in enumerate(statements):
                per_statement[phase].setdefault(f"{i:02d} {label(sql)}", []).append(took)
            rest = seconds - sum(took for _, took in statements)
            per_statement[phase].setdefault(
                "zz outside statements (COMMIT with deferred FK checks, Python)", []
            ).append(rest)
        seconds, _ = timed_floor(peil)
        floors.append(seconds)
        print(f"run {n}: floor {seconds:.2f} s", flush=True)
    floor = statistics.median(floors)
    print(f"\nfloor median {floor:.2f} s  runs {[round(f, 2) for f in floors]}")
    for phase, values in product.items():
        med = statistics.median(values)
        print(
            f"check {phase}: median {med:.2f} s ({med / floor:.2f}x floor) "
            f"runs {[round(v, 2) for v in values]}"
        )
        for key, took in per_statement[phase].items():
            print(f"    {statistics.median(took):7.3f} s  {key}")


def explain(peil: dt.date) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of each statement of a first run and a re-run."""
    from django.db import connection, transaction

    from rbl.absoluut.check import run_check
    from rbl.absoluut.models import Signal

    class Explainer:
        def __call__(self, execute, sql, params, many, context):
            head = sql.lstrip().split(None, 1)[0].upper()
            if head in ("SELECT", "INSERT", "UPDATE", "WITH", "DELETE"):
                cursor = context["cursor"]
                # Explained in a savepoint that is rolled back: the statement then
                # runs for real on the same state.
                cursor.execute("SAVEPOINT bench_explain")
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = "\n".join(row[0] for row in cursor.fetchall())
                cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
                print("=" * 100 + "\n" + " ".join(sql.split())[:400] + "\n" + plan, flush=True)
            return execute(sql, params, many, context)

    for phase in ("first", "rerun"):
        if phase == "first":
            Signal.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE absoluut_signal")
        else:
            run_check(peil)
        print(f"\n#### {phase}")
        with transaction.atomic():
            with connection.execute_wrapper(Explainer()):
                run_check(peil)
            transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("load", "time", "explain"))
    parser.add_argument("--db", choices=("pg", "sqlite"), required=True)
    parser.add_argument("--name", default="rbl_check")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--closing",
        type=int,
        default=0,
        help="also time a run that closes every N-th open signal (rolled back)",
    )
    args = parser.parse_args()
    data = args.data.resolve()
    if args.action == "load":
        load(args.db, args.name, data)
        return
    environment(args.db, args.name, data)
    from run import django_setup

    django_setup()
    peil = dt.date.fromisoformat(json.loads((data / "region.json").read_text())["peildatum"])
    if args.action == "time":
        time_runs(peil, args.runs, args.closing)
    else:
        explain(peil)


if __name__ == "__main__":
    main()
