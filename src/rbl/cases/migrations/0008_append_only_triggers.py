"""Case events and documents are append-only in the database too (PostgreSQL).

A trigger refuses every UPDATE of a case event or a document (except the
event's actor set empty when a staff user is deleted), and every DELETE unless the transaction set `rbl.retention_purge = on`, which only the
retention job does (`rbl.core.retention_gate.retention_removal`) for the
parts of a file whose term has ended. TRUNCATE is not blocked (the test suite
and `rbl demo` empty tables that way; the application role should not own the
tables in production). SQLite has no session settings to tell the retention
job apart: there the models and querysets guard the rows.
"""

from django.db import migrations

TABLES = ("cases_caseevent", "letters_document")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION rbl_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('rbl.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    -- A deleted staff user leaves the events they wrote without an actor.
    IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) ->> 'actor_id') IS NULL
            AND to_jsonb(NEW) - 'actor_id' = to_jsonb(OLD) - 'actor_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE =
        'Deze gegevens kunnen alleen worden aangevuld (' || TG_TABLE_NAME || ', ' || TG_OP || ').';
END;
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(PG_FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION rbl_append_only()"
        )


def reverse(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS rbl_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_case_anonymised_objection_decided"),
        ("letters", "0001_initial"),
    ]

    operations = [migrations.RunPython(forward, reverse)]
