"""SQLite keeps the digests of the lines its rows came from too (the digest is
computed in Python there: registry/imports/digest.py, `line_hasher`).

The same honesty as on PostgreSQL (migration 0004): an UPDATE that changes any
of the row's values from the file without setting a new digest empties it. And
an index on the digest, on SQLite only: a re-load walks it in order against the
digests of the file's lines (PostgreSQL hashes both sides instead and needs
none).

Django remakes a SQLite table to alter it, and the copy has neither: a later
migration that alters these tables must run `create` again on SQLite.
"""

import importlib

from django.db import migrations

_digest = importlib.import_module("rbl.registry.migrations.0004_source_digest")

TABLES = (
    ("registry_person", _digest.PERSON_VALUES),
    ("registry_enrolment", _digest.ENROLMENT_VALUES),
)


def _trigger(table: str, columns: list[str]) -> str:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    return (
        f"CREATE TRIGGER {table}_source_digest AFTER UPDATE ON {table} FOR EACH ROW "
        f"WHEN OLD.source_digest IS NOT NULL AND NEW.source_digest IS OLD.source_digest "
        f"AND ({changed}) "
        f"BEGIN UPDATE {table} SET source_digest = NULL WHERE id = NEW.id; END"
    )


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table, columns in TABLES:
        schema_editor.execute(_trigger(table, columns))
        schema_editor.execute(f"CREATE INDEX {table}_digest ON {table} (source_digest)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table, _ in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_source_digest")
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_digest")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0006_person_birth_municipality_index"),
    ]

    operations = [migrations.RunPython(create, drop)]
