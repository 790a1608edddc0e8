"""The "municipality on day D" index: (municipality, end) instead of (municipality,
start, end), cheaper to build on a first load and as useful for recent days."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0004_plain_help_text"),
        ("registry", "0010_backfill_residences"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="residence",
            name="residence_mun_day",
        ),
        migrations.AddIndex(
            model_name="residence",
            index=models.Index(fields=["municipality", "end"], name="residence_mun_end"),
        ),
    ]
