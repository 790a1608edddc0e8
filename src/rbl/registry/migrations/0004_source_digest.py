"""Person and Enrolment remember the digest of the file line they were last
loaded from (PostgreSQL bulk path, registry/imports/digest.py).

A trigger keeps that digest honest: an UPDATE that changes any of the row's
values from the file (or its moved-out / aged-out marks) without setting a new
digest empties it, whatever wrote the row (the Python import path, the BRP
mutations, the admin, plain SQL). An empty digest only costs speed: the next
re-load compares that row column by column.
"""

from django.db import migrations, models

PERSON_VALUES = (
    "bsn surname prefix given_names birth_date gender municipality_id street house_number "
    "house_letter house_number_suffix postcode city settled_on died_on secret parent1_bsn "
    "parent1_name parent2_bsn parent2_name moved_out_on aged_out_on"
).split()
ENROLMENT_VALUES = 'bsn brin vestiging sector start "end" end_reason'.split()

FUNCTION = """
CREATE OR REPLACE FUNCTION rbl_source_digest_reset() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN NEW.source_digest := NULL; RETURN NEW; END $$
"""


def _trigger(table: str, values: list[str]) -> str:
    new = ", ".join(f"NEW.{v}" for v in values)
    old = ", ".join(f"OLD.{v}" for v in values)
    return (
        f"CREATE TRIGGER {table}_source_digest BEFORE UPDATE ON {table} FOR EACH ROW "
        f"WHEN (OLD.source_digest IS NOT NULL "
        f"AND NEW.source_digest IS NOT DISTINCT FROM OLD.source_digest "
        f"AND ROW({new}) IS DISTINCT FROM ROW({old})) "
        f"EXECUTE FUNCTION rbl_source_digest_reset()"
    )


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite gets its own trigger in migration 0007
    schema_editor.execute(FUNCTION)
    schema_editor.execute(_trigger("registry_person", PERSON_VALUES))
    schema_editor.execute(_trigger("registry_enrolment", ENROLMENT_VALUES))


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in ("registry_person", "registry_enrolment"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_source_digest ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS rbl_source_digest_reset()")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0003_leaner_person_and_enrolment_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="source_digest",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="person",
            name="source_digest",
            field=models.BigIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
