"""The raw floors the product is compared with (bench/run.py runs these as child processes).

    python bench/floors.py pg-copy DSN FILE       # COPY of the file into a bare text table
    python bench/floors.py sqlite-insert DB FILE  # executemany of the parsed rows, one transaction

Each prints the number of rows loaded. The bare table has one TEXT column per
header column and no index or constraint; it is dropped before and after, so
repeated runs measure the same work.
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from pathlib import Path

BARE = "bench_bare"


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig") as fh:
        return [h.strip().lower() for h in next(csv.reader(fh))]


def pg_copy(dsn: str, path: Path) -> int:
    import psycopg

    cols = ", ".join(f'"{h}" TEXT' for h in _header(path))
    with psycopg.connect(dsn) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {BARE}")
        conn.execute(f"CREATE TABLE {BARE} ({cols})")
        with conn.cursor() as cur:
            with cur.copy(f"COPY {BARE} FROM STDIN (FORMAT csv, HEADER true)") as copy:
                with open(path, "rb") as fh:
                    while block := fh.read(1 << 20):
                        copy.write(block)
            rows = cur.rowcount
        conn.commit()
        conn.execute(f"DROP TABLE {BARE}")
        conn.commit()
    return rows


def sqlite_insert(db: str, path: Path) -> int:
    header = _header(path)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"DROP TABLE IF EXISTS {BARE}")
    conn.execute(f"CREATE TABLE {BARE} ({', '.join(f'{h} TEXT' for h in header)})")
    marks = ", ".join("?" * len(header))
    rows = 0
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        conn.execute("BEGIN")
        batch: list[list[str]] = []
        for cells in reader:
            batch.append(cells)
            if len(batch) >= 5000:
                conn.executemany(f"INSERT INTO {BARE} VALUES ({marks})", batch)
                rows += len(batch)
                batch = []
        conn.executemany(f"INSERT INTO {BARE} VALUES ({marks})", batch)
        rows += len(batch)
        conn.execute("COMMIT")
    conn.execute(f"DROP TABLE {BARE}")
    conn.close()
    return rows


def main() -> None:
    what, target, file = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    if what == "pg-copy":
        print(pg_copy(target, file))
    elif what == "sqlite-insert":
        print(sqlite_insert(target, file))
    else:
        raise SystemExit(f"unknown floor {what}")


if __name__ == "__main__":
    main()
