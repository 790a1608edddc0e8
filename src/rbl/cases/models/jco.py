"""What the fortnightly justice case meeting (JCO, with the OM and the Raad
voor de Kinderbescherming) agreed on one open Halt referral or PV (R-22).
Append-only: a later meeting adds a line, it never changes an earlier one."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .case import AppendOnlyModel, refuse_cascade


class JcoOutcome(AppendOnlyModel):
    """The agreed action on one line of the JCO list at one meeting."""

    handhaving = models.ForeignKey(
        "cases.Handhaving", on_delete=models.CASCADE, related_name="jco_outcomes"
    )
    meeting_on = models.DateField("datum overleg")
    action = models.TextField("afgesproken actie")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="vastgelegd door",
    )
    recorded_at = models.DateTimeField("vastgelegd op")

    class Meta:
        verbose_name = "afspraak JCO"
        verbose_name_plural = "afspraken JCO"
        ordering = ["-meeting_on", "-pk"]


models.signals.pre_delete.connect(
    refuse_cascade, sender=JcoOutcome, dispatch_uid="jcooutcome_append_only"
)
