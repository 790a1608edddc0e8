"""Progress of a web import job while the import's transaction runs.

    python bench/bench_job_progress.py --db sqlite --data DIR [--persons 200000] [--runs 3]
    python bench/bench_job_progress.py --db pg --data DIR [--persons 200000] [--runs 3]

Generates DIR/brp.csv with bench/generate.py when it is not there, makes a fresh
database (PostgreSQL: rbl_bench_jobs; SQLite: DIR/bench_jobs.sqlite3) with the
region and its schools, and then imports the BRP extract (first load, registry
emptied before each run) in one process, interleaved, with:

- ``none``: no progress callback (the floor);
- ``job``: the progress writer of registry/imports/jobs.py (PostgreSQL: the job
  row through a connection of its own; SQLite: the job's progress file);
- ``row`` (SQLite only): the row written through a second connection with a
  50 ms busy timeout, skipping a write that cannot get the lock: what the job
  writer would do on SQLite if it wrote the row.

While the import runs, an observer thread (its own connection, as another web
process would have) reads the job every 0.1 s the way the status endpoint does
(`jobs.get`). Printed per mode: the import's seconds, the writes done and
skipped, the seconds spent writing, and what the observer saw (distinct
progress values, first percent above 0 and when).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_NAME = "rbl_bench_jobs"


def prepare(db: str, data: Path, persons: int) -> dict:
    import datetime as dt
    import subprocess

    from generate import generate
    from run import RBL

    if not (data / "brp.csv").exists():
        generate(data, persons, 1, dt.date(2025, 10, 1), 40)
    env = dict(os.environ)
    if db == "pg":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    else:
        env.pop("DATABASE_URL", None)
        env["RBL_DB"] = str(data / "bench_jobs.sqlite3")
        for suffix in ("", "-wal", "-shm"):
            Path(env["RBL_DB"] + suffix).unlink(missing_ok=True)
    env["RBL_MEDIA_ROOT"] = str(data / "media")
    os.environ.clear()
    os.environ.update(env)
    subprocess.run([RBL, "migrate", "--skip-checks", "-v", "0"], env=env, check=True)
    from run import create_region, django_setup

    django_setup()
    return create_region(data, env)


class Observer(threading.Thread):
    """Reads the job as the status endpoint of another web process would."""

    def __init__(self, job_id, user) -> None:
        super().__init__(daemon=True)
        self.job_id, self.user = job_id, user
        self.stop = threading.Event()
        self.seen: list[tuple[float, int, str]] = []
        self.started = time.perf_counter()

    def run(self) -> None:
        from django.db import connections

        from rbl.registry.imports import jobs

        try:
            while not self.stop.is_set():
                job = jobs.get(self.job_id, self.user)
                self.seen.append((time.perf_counter() - self.started, job.percent, job.phase))
                time.sleep(0.1)
        finally:
            connections.close_all()


def naive_row_writer(job_id, directory):
    """SQLite: the job row through a second connection, 50 ms busy timeout."""
    from django.db import DatabaseError, connection

    from rbl.registry.imports import jobs

    class RowWriter(jobs.ProgressWriter):
        def _write(self) -> None:
            if self._connection is None:
                self._connection = connection.copy()
                self._connection.settings_dict["OPTIONS"] = {
                    **self._connection.settings_dict["OPTIONS"],
                    "timeout": 0.05,
                }
            try:
                with self._connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE registry_importjob SET done = %s, total = %s, phase = %s "
                        "WHERE id = %s",
                        [self.done, self.total, self.phase, job_id.hex],
                    )
                self.written += 1
            except DatabaseError:
                self.skipped += 1

    return RowWriter(job_id, directory)


def one_run(mode: str, path: Path, peil: str, user) -> dict:
    import datetime as dt

    from django.db import connection

    from rbl.registry.imports import jobs, run_import
    from rbl.registry.models import ImportJob, ImportJobState
    from run import empty_registry

    empty_registry("pg" if connection.vendor == "postgresql" else "sqlite")
    job = ImportJob.objects.create(
        user=user, kind="brp", file_name=path.name, state=ImportJobState.RUNNING
    )
    directory = jobs.job_dir(job.id)
    directory.mkdir(parents=True, exist_ok=True)
    writer = None
    if mode == "job":
        writer = jobs.ProgressWriter(job.id, directory)
    elif mode == "row":
        writer = naive_row_writer(job.id, directory)
    observer = Observer(job.id, user)
    observer.start()
    started = time.perf_counter()
    result = run_import(
        "brp", path, peildatum=dt.date.fromisoformat(peil), user=user, progress=writer
    )
    seconds = time.perf_counter() - started
    observer.stop.set()
    observer.join()
    if writer is not None:
        writer.close()
    running = [(t, p, ph) for t, p, ph in observer.seen if t <= seconds]
    moving = [(t, p) for t, p, _ in running if 0 < p < 100]
    return {
        "mode": mode,
        "seconds": round(seconds, 2),
        "rows": result.rows,
        "via": result.via,
        "writes": writer.written if writer else 0,
        "skipped": writer.skipped if writer else 0,
        "writing_s": round(writer.seconds, 4) if writer else 0.0,
        "reads": len(running),
        "distinct_seen": len({(p, ph) for _, p, ph in running}),
        "first_progress_at_s": round(moving[0][0], 2) if moving else None,
        "phases_seen": sorted({ph for _, _, ph in running}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "pg"], required=True)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    meta = prepare(args.db, args.data, args.persons)
    from rbl.accounts.models import User

    user = User.objects.create(username="bench")
    modes = ["none", "job"] + (["row"] if args.db == "sqlite" else [])
    results: dict[str, list[dict]] = {m: [] for m in modes}
    for _ in range(args.runs):
        for mode in modes:
            outcome = one_run(mode, args.data / "brp.csv", meta["peildatum"], user)
            results[mode].append(outcome)
            print(json.dumps(outcome), flush=True)
    for mode, runs in results.items():
        print(
            f"{args.db} {mode:<5} median {statistics.median(r['seconds'] for r in runs):.2f} s"
            f" (runs: {', '.join(str(r['seconds']) for r in runs)})"
        )


if __name__ == "__main__":
    main()
