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
def indexes_built_after_load(model: type[Model], *, enabled: bool) -> Iterator[None]:
    """For a big first load into an EMPTY table: drop the model's declared
    indexes and unique constraints, let the caller load, then build them again.

    Building an index once over the loaded rows is many times cheaper than
    maintaining it row by row (bench/RESULTS.md). It all happens inside the
    import's transaction, so a rejected or failed import restores them; a
    duplicate that slipped through would make the rebuild of a unique
    constraint fail and roll the whole import back. While it runs the table
    is locked for others, which only matters for a table that is empty anyway.
    On PostgreSQL the table's foreign keys are dropped and added back the same way.
    """
    if not enabled:
        yield
        return
    # Only used to write the DDL of the model's own declarations; not entered as a
    # context manager (SQLite refuses that inside a transaction), so give it the
    # list it would otherwise make on entry.
    editor = connection.schema_editor(collect_sql=True)
    editor.deferred_sql = []
    declared: list = list(model._meta.indexes)
    if connection.vendor == "postgresql":
        # SQLite keeps unique constraints inside the table definition: those stay.
        declared += list(model._meta.constraints)
    table = model._meta.db_table
    with connection.cursor() as cursor:
        foreign_keys: list[tuple[str, str]] = []
        if connection.vendor == "postgresql":
            # Checks still pending from earlier in the transaction run now: PostgreSQL
            # alters no table with pending trigger events. (Deferred again below.)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # The table's own foreign keys too: checked row by row they cost more than
            # the insert itself; added back, PostgreSQL checks them in one join.
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            foreign_keys = [(table, name, definition) for name, definition in cursor.fetchall()]
            # And the primary key, with the foreign keys of other tables that point at it
            # (the table is empty, so those tables hold no rows that refer to it).
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f'",
                [table],
            )
            referring = cursor.fetchall()
            cursor.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype = 'p'",
                [table],
            )
            primary = [(table, name, definition) for name, definition in cursor.fetchall()]
            foreign_keys = primary + foreign_keys + referring
            for owner, name, _ in reversed(foreign_keys):
                cursor.execute(f'ALTER TABLE {owner} DROP CONSTRAINT "{name}"')
        for item in declared:
            cursor.execute(str(item.remove_sql(model, editor)))
        yield
        for item in declared:
            cursor.execute(str(item.create_sql(model, editor)))
        for owner, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Statistics for the planner now, rather than when autovacuum gets round to
        # it: the next import joins this table with a whole file.
        cursor.execute(f"ANALYZE {table}")
