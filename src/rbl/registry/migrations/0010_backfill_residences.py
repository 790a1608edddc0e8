"""Back-fill the residence history: one residence for every person already in
the registry, in their current municipality, from their settling date (else
from before the history began) and, for a person who has left, ended on the
earliest of the days they moved out, died or aged out (registry/residence.py).

The history of earlier moves is not known; `residence.history_starts_on()`
counts only the BRP full extracts imported after this migration.
"""

from django.db import migrations


def _earliest(vendor: str, *dates: str) -> str:
    if vendor == "postgresql":
        return f"LEAST({', '.join(dates)})"
    rotations = [dates[i:] + dates[:i] for i in range(len(dates))]
    return "min(" + ", ".join(f"coalesce({', '.join(r)})" for r in rotations) + ")"


def backfill(apps, schema_editor):
    gone = _earliest(schema_editor.connection.vendor, "moved_out_on", "died_on", "aged_out_on")
    # A settling date after the day the person left (bad data) gives an unknown start.
    schema_editor.execute(
        'INSERT INTO registry_residence (person_id, municipality_id, "start", "end") '
        f"SELECT id, municipality_id, CASE WHEN {gone} < settled_on THEN NULL "
        f"ELSE settled_on END, {gone} FROM registry_person"
    )


def remove(apps, schema_editor):
    schema_editor.execute("DELETE FROM registry_residence")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0009_residence"),
    ]

    operations = [migrations.RunPython(backfill, remove)]
