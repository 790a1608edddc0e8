"""The physical floor of a first load into the registry's own tables (PostgreSQL).

    python bench/registry_floor.py DSN

Run on a bench database after `bench/run.py` has loaded it. For the person and
the enrolment table it times, in one transaction that is rolled back:

1. ``COPY`` of the loaded rows out to a temporary file (not timed);
2. ``COPY`` of those rows into an empty table of the same shape without any
   index (the rows are already typed: no checking, no conversion), once in
   COPY's text format and once in its binary format, which spares the server
   reading dates and timestamps from text;
3. building that table's indexes and keys as the registry has them.

Steps 2 and 3 are the least any import must pay to put the rows into this
schema; the raw floor of bench/run.py (COPY of the file into a bare text table)
pays neither the wider typed rows nor the indexes. Prints one JSON line.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time

import psycopg


def floor(conn: psycopg.Connection, table: str, form: str) -> dict[str, float]:
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = %s::regclass",
            [table],
        )
        indexes = [row[0] for row in cur.fetchall()]
        spool = tempfile.TemporaryFile()
        with cur.copy(f"COPY {table} TO STDOUT (FORMAT {form})") as copy:
            for block in copy:
                spool.write(block)
        spool.seek(0)
        cur.execute(f"CREATE TABLE floor_{table} (LIKE {table} INCLUDING DEFAULTS)")
        started = time.perf_counter()
        with cur.copy(f"COPY floor_{table} FROM STDIN (FORMAT {form})") as copy:
            while block := spool.read(1 << 20):
                copy.write(block)
        rows = cur.rowcount
        copied = time.perf_counter() - started
        started = time.perf_counter()
        for definition in indexes:
            cur.execute(
                definition.replace(f" ON public.{table} ", f" ON public.floor_{table} ", 1)
                .replace("CREATE UNIQUE INDEX ", "CREATE UNIQUE INDEX floor_", 1)
                .replace("CREATE INDEX ", "CREATE INDEX floor_", 1)
            )
        indexed = time.perf_counter() - started
    return {"rows": rows, "copy_s": copied, "indexes_s": indexed, "total_s": copied + indexed}


def main() -> None:
    dsn = sys.argv[1]
    with psycopg.connect(dsn) as conn:
        out = {}
        for form in ("text", "binary"):
            conn.execute("SET maintenance_work_mem = '512MB'")
            for table in ("registry_person", "registry_enrolment"):
                out[f"{table} ({form})"] = floor(conn, table, form)
            conn.rollback()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
