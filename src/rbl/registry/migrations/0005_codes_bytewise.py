"""BSN, BRIN and vestiging columns compare byte by byte (rbl.core.fields.CodeField).

On PostgreSQL the columns get the "C" collation, which halves the cost of
building and probing their indexes. The digest triggers of 0004 name these
columns, and PostgreSQL cannot change the type of a column a trigger's
condition uses: they are dropped first and created again afterwards.
"""

import importlib

import rbl.core.fields
from django.db import migrations

_digest = importlib.import_module("rbl.registry.migrations.0004_source_digest")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_source_digest"),
    ]

    operations = [
        migrations.RunPython(_digest.drop_triggers, _digest.create_triggers),
        migrations.AlterField(
            model_name="diploma",
            name="bsn",
            field=rbl.core.fields.CodeField(max_length=9, verbose_name="BSN"),
        ),
        migrations.AlterField(
            model_name="enrolment",
            name="brin",
            field=rbl.core.fields.CodeField(max_length=4, verbose_name="BRIN"),
        ),
        migrations.AlterField(
            model_name="enrolment",
            name="bsn",
            field=rbl.core.fields.CodeField(max_length=9, verbose_name="BSN"),
        ),
        migrations.AlterField(
            model_name="enrolment",
            name="vestiging",
            field=rbl.core.fields.CodeField(default="00", max_length=2, verbose_name="vestiging"),
        ),
        migrations.AlterField(
            model_name="exemption",
            name="bsn",
            field=rbl.core.fields.CodeField(max_length=9, verbose_name="BSN"),
        ),
        migrations.AlterField(
            model_name="person",
            name="bsn",
            field=rbl.core.fields.CodeField(max_length=9, verbose_name="BSN"),
        ),
        migrations.AlterField(
            model_name="person",
            name="parent1_bsn",
            field=rbl.core.fields.CodeField(blank=True, max_length=9, verbose_name="BSN ouder 1"),
        ),
        migrations.AlterField(
            model_name="person",
            name="parent2_bsn",
            field=rbl.core.fields.CodeField(blank=True, max_length=9, verbose_name="BSN ouder 2"),
        ),
        migrations.RunPython(_digest.create_triggers, _digest.drop_triggers),
    ]
