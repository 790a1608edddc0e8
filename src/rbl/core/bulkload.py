"""Foreign keys checked once after a bulk insert instead of row by row (PostgreSQL).

PostgreSQL checks a foreign key with one query per inserted row; for a million
rows that costs more than the insert itself. Dropped before and added back
after the insert, inside the same transaction, the key is checked by one join
over the table, and a violation still rolls everything back. Adding a key back
takes a lock that blocks other writers of the table and of the table it refers
to until the transaction ends: meant for batch jobs (imports, the weekly check).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def foreign_keys_checked_afterwards(table: str, *, referring: bool = False) -> Iterator[None]:
    """Drop the foreign keys of `table` (with `referring`, also those of other tables
    that point at it), run the block, add them back. Nothing happens on SQLite,
    whose foreign-key checks are cheap lookups."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # Checks still pending from earlier in the transaction run now: PostgreSQL
        # alters no table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        side = (
            "conrelid = %s::regclass OR confrelid = %s::regclass"
            if referring
            else ("conrelid = %s::regclass")
        )
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            f"FROM pg_constraint WHERE contype = 'f' AND ({side}) ORDER BY conname",
            [table, table] if referring else [table],
        )
        keys = cursor.fetchall()
        for owner, name, _ in keys:
            cursor.execute(f'ALTER TABLE {owner} DROP CONSTRAINT "{name}"')
        yield
        for owner, name, definition in keys:
            cursor.execute(f'ALTER TABLE {owner} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
