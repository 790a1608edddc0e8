"""From 16 the youth decides whether the parents hear the reasons given in a
conversation (R-21): every choice is kept, append-only, with its date and who
recorded it. `Case.parents_may_hear_reasons` holds the latest choice."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .case import AppendOnlyModel, refuse_cascade


class ParentsConsent(AppendOnlyModel):
    """One recorded choice of the youth (16 or older on `decided_on`)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="consents")
    parents_may_hear = models.BooleanField("ouders mogen de redenen horen")
    decided_on = models.DateField("besloten op")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="vastgelegd door",
    )
    recorded_at = models.DateTimeField("vastgelegd op")

    class Meta:
        verbose_name = "keuze ouders informeren"
        verbose_name_plural = "keuzes ouders informeren"
        ordering = ["-decided_on", "-pk"]


models.signals.pre_delete.connect(
    refuse_cascade, sender=ParentsConsent, dispatch_uid="parentsconsent_append_only"
)
