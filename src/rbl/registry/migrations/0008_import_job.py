"""Import jobs of the web application, run by `rbl db_worker` (imports/jobs.py)."""

import django.db.models.deletion
import django.utils.timezone
import uuid
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_sqlite_source_digest"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("kind", models.CharField(max_length=30, verbose_name="soort")),
                ("file_name", models.CharField(max_length=255, verbose_name="bestand")),
                ("options", models.JSONField(default=dict, verbose_name="opties")),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("wacht", "Wacht op verwerking"),
                            ("bezig", "Bezig"),
                            ("klaar", "Klaar"),
                            ("mislukt", "Mislukt"),
                        ],
                        default="wacht",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("phase", models.CharField(default="lezen", max_length=10, verbose_name="fase")),
                ("done", models.BigIntegerField(default=0)),
                ("total", models.BigIntegerField(default=0)),
                ("result", models.JSONField(blank=True, null=True, verbose_name="uitkomst")),
                (
                    "rejected_values",
                    models.JSONField(blank=True, null=True, verbose_name="afgekeurde waarden"),
                ),
                ("task_id", models.CharField(blank=True, max_length=64, verbose_name="taak")),
                ("message", models.CharField(blank=True, max_length=200, verbose_name="melding")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="aangemaakt"
                    ),
                ),
                ("started_at", models.DateTimeField(blank=True, null=True, verbose_name="gestart")),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="klaar")),
                (
                    "log",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="registry.importlog",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "importtaak",
                "verbose_name_plural": "importtaken",
                "indexes": [models.Index(fields=["finished_at"], name="importjob_finished")],
            },
        ),
    ]
