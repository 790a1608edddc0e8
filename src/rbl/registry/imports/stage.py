"""A temporary staging table that validated rows stream into.

On PostgreSQL the rows go in with COPY; on SQLite with `executemany` in
batches. The kind then merges the staged rows into the registry with a few
set-based statements, so the cost per row is one parse and one bulk write.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Model

from rbl.core.bulkload import foreign_keys_checked_afterwards

STAGE = "rbl_import_stage"
_BATCH = 5000
# From this many staged rows on, the merge statements are planned as bulk joins.
_BIG = 20_000


class Stage:
    """Context manager around the staging table (line number + the kind's columns)."""

    def __init__(self, columns: Sequence[tuple[str, str]]) -> None:
        self.columns = [("line", "INTEGER")] + list(columns)
        self.names = [name for name, _ in self.columns]
        self.vendor = connection.vendor
        # SQLite gets dates as ISO text; only the DATE columns need converting.
        self._dates = tuple(i for i, (_, typ) in enumerate(self.columns) if typ == "DATE")
        self.count = 0
        self.bulk = False
        self._batch: list[tuple[Any, ...]] = []
        self._copy_cm = None
        self._copy = None
        self._cursor = None

    def __enter__(self) -> Stage:
        self._cursor = connection.cursor()
        cols = ", ".join(f"{n} {t}" for n, t in self.columns)
        if self.vendor == "postgresql":
            self._cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
            self._cursor.execute(f"CREATE TEMP TABLE {STAGE} ({cols}) ON COMMIT DROP")
            raw = self._cursor.cursor
            self._copy_cm = raw.copy(f"COPY {STAGE} ({', '.join(self.names)}) FROM STDIN")
            self._copy = self._copy_cm.__enter__()
        else:
            self._cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
            self._cursor.execute(f"CREATE TEMP TABLE {STAGE} ({cols})")
        return self

    def add(self, row: tuple[Any, ...]) -> None:
        """Stage one row: (line, *values in column order)."""
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(row)
            return
        if self._dates:
            values = list(row)
            for i in self._dates:
                value = values[i]
                if value is not None:
                    values[i] = value.isoformat()
            row = tuple(values)
        self._batch.append(row)
        if len(self._batch) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            marks = ", ".join(["%s"] * len(self.names))
            self._cursor.executemany(f"INSERT INTO {STAGE} VALUES ({marks})", self._batch)
            self._batch = []

    def close_input(self, index_on: Sequence[str] = ()) -> None:
        """End the streaming phase; index the key for the merge statements."""
        if self._copy_cm is not None:
            self._copy_cm.__exit__(None, None, None)
            self._copy_cm = self._copy = None
        self._flush()
        self.bulk = self.vendor == "postgresql" and self.count >= _BIG
        if index_on and not self.bulk:
            self._cursor.execute(f"CREATE INDEX {STAGE}_key ON {STAGE} ({', '.join(index_on)})")
        if self.vendor == "postgresql":
            self._cursor.execute(f"ANALYZE {STAGE}")
        if self.bulk:
            # A big merge joins most of the staged rows with the registry: hash joins
            # are right (so the staging table needs no index), and a nested loop over a
            # target table whose statistics are stale (empty before a first load)
            # would rescan that table for every staged row.
            self._cursor.execute("SET LOCAL enable_nestloop = off")
            self._cursor.execute("SET LOCAL work_mem = '256MB'")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run a statement; returns its row count."""
        self._cursor.execute(sql, params)
        return self._cursor.rowcount

    def remaining(self) -> int:
        """Rows in the staging table now (after rejected duplicates were removed)."""
        return self.fetchall(f"SELECT COUNT(*) FROM {STAGE}")[0][0]

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self._cursor.execute(sql, params)
        return self._cursor.fetchall()

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._copy_cm is not None:
            try:
                self._copy_cm.__exit__(exc_type, exc, tb)
            except Exception:  # the transaction is being rolled back anyway
                pass
        if self.vendor != "postgresql" and exc_type is None:
            self._cursor.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")
        self._cursor.close()


def distinct_from() -> str:
    """The null-safe inequality operator of the database."""
    return "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"


@contextmanager
def indexes_built_after_load(model: type[Model]) -> Iterator[None]:
    """For a big first load into an EMPTY table: drop the table's indexes (and on
    PostgreSQL its keys and foreign keys), let the caller load, then build them
    again from the definitions the database gave.

    Building an index once over the loaded rows is many times cheaper than
    maintaining it row by row, and a foreign key added back is checked in one
    join instead of once per row (bench/RESULTS.md). It all happens inside the
    import's transaction, so a rejected or failed import restores them; a
    duplicate that slipped through makes the rebuild of a unique key fail and
    rolls the whole import back. While it runs the table is locked for others,
    which only matters for a table that is empty anyway.
    """
    table = model._meta.db_table
    with foreign_keys_checked_afterwards(table, referring=True), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            constraints, indexes = _postgresql_keys_and_indexes(cursor, table)
        else:
            # SQLite keeps keys inside the table definition (their indexes have no SQL).
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                "AND sql IS NOT NULL",
                [table],
            )
            constraints, indexes = [], cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        yield
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    with connection.cursor() as cursor:
        # Statistics for the planner now, rather than when autovacuum gets round to
        # it: the next import joins this table with a whole file.
        cursor.execute(f"ANALYZE {table}")


def _postgresql_keys_and_indexes(cursor, table: str) -> tuple[list, list]:
    """(the primary and unique keys as (name, definition); the other indexes as
    (name, definition)). Foreign keys: see core.bulkload."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u') "
        "ORDER BY CASE contype WHEN 'p' THEN 0 ELSE 1 END, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) "
        "ORDER BY c.relname",
        [table],
    )
    return constraints, cursor.fetchall()
