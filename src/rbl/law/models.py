"""The national table of the RMC age limit (R-12, issue 20 item 6).

The law is national, so the table is too: one row per change, the age limit
(the birthday on which the RMC group ends) and the day from which it holds.
No row means the law as it was: the 23rd birthday. Rows are added with
`rbl rmc-leeftijd` and shown on the set-up hub; they are never edited, so the
history of the limit stays readable.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from rbl.law.status import MAX_RMC_AGE, MIN_RMC_AGE


class RmcAgeLimit(models.Model):
    age = models.PositiveSmallIntegerField(
        "leeftijdsgrens",
        validators=[MinValueValidator(MIN_RMC_AGE), MaxValueValidator(MAX_RMC_AGE)],
        help_text="De RMC-doelgroep loopt tot de dag vóór deze verjaardag.",
    )
    valid_from = models.DateField("geldig vanaf", unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["valid_from"]
        constraints = [
            # The rule refuses other ages (law.status.check_rmc_age); so does the table.
            models.CheckConstraint(
                condition=models.Q(age__gte=MIN_RMC_AGE, age__lte=MAX_RMC_AGE),
                name="law_rmc_age_limit_in_bounds",
            )
        ]
        verbose_name = "leeftijdsgrens RMC-doelgroep"
        verbose_name_plural = "leeftijdsgrenzen RMC-doelgroep"

    def __str__(self) -> str:
        return f"{self.age} jaar vanaf {self.valid_from.isoformat()}"
