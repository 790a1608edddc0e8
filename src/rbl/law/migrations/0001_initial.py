import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="RmcAgeLimit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "age",
                    models.PositiveSmallIntegerField(
                        help_text="De RMC-doelgroep loopt tot de dag vóór deze verjaardag.",
                        validators=[
                            django.core.validators.MinValueValidator(19),
                            django.core.validators.MaxValueValidator(30),
                        ],
                        verbose_name="leeftijdsgrens",
                    ),
                ),
                ("valid_from", models.DateField(unique=True, verbose_name="geldig vanaf")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "verbose_name": "leeftijdsgrens RMC-doelgroep",
                "verbose_name_plural": "leeftijdsgrenzen RMC-doelgroep",
                "ordering": ["valid_from"],
            },
        ),
    ]
