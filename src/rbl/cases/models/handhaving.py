"""Enforcement: a Halt referral or a proces-verbaal handled by a BOA while the
case owner stays owner (R-22), and the JCO list of all open ones."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class HandhavingKind(models.TextChoices):
    HALT = "halt", "Halt-verwijzing"
    PV = "pv", "Proces-verbaal"


class HandhavingOutcome(models.TextChoices):
    HALT_GESLAAGD = "halt_geslaagd", "Halt-afdoening geslaagd"
    HALT_NIET_GESLAAGD = "halt_niet_geslaagd", "Halt-afdoening niet geslaagd"
    SEPOT = "sepot", "Sepot"
    TAAKSTRAF = "taakstraf", "Taakstraf / leerstraf"
    BOETE = "boete", "Geldboete"
    VOORWAARDELIJK = "voorwaardelijk", "Voorwaardelijke straf"
    SCHULDIG_ZONDER_STRAF = "schuldig_zonder_straf", "Schuldig zonder straf"
    VRIJSPRAAK = "vrijspraak", "Vrijspraak"
    OVERIG = "overig", "Overig"


class HandhavingQuerySet(models.QuerySet):
    def open(self) -> HandhavingQuerySet:
        return self.filter(outcome="")

    def jco_list(self, municipality_codes=None) -> HandhavingQuerySet:
        """All open Halt referrals and PVs, for the fortnightly JCO meeting."""
        qs = self.open().select_related("case", "case__person", "case__principal", "handler")
        if municipality_codes is not None:
            qs = qs.filter(case__principal_id__in=list(municipality_codes))
        return qs.order_by("case__principal__name", "hearing_on", "pk")


class Handhaving(models.Model):
    """A Halt referral or a proces-verbaal of one case."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="handhaving")
    kind = models.CharField("soort", max_length=4, choices=HandhavingKind.choices)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handhaving",
        verbose_name="BOA",
    )
    opened_on = models.DateField("gestart op")
    documents_prepared_on = models.DateField("stukken voorbereid op", null=True, blank=True)
    signed_on = models.DateField("ondertekend op", null=True, blank=True)
    sent_on = models.DateField(
        "verzonden op", null=True, blank=True, help_text="Naar het OM (PV) of naar Halt."
    )
    accepted_on = models.DateField(
        "aangenomen door Halt op", null=True, blank=True, help_text="Alleen bij Halt."
    )
    hearing_on = models.DateField("zittingsdatum", null=True, blank=True)
    outcome = models.CharField(
        "uitkomst", max_length=24, choices=HandhavingOutcome.choices, blank=True
    )
    outcome_on = models.DateField("uitkomst op", null=True, blank=True)
    outcome_note = models.TextField("toelichting uitkomst", blank=True)
    reported_to_owner_on = models.DateField("teruggemeld aan eigenaar op", null=True, blank=True)
    #: The paper RBL made: the Halt referral form, or the prepared PV.
    prepared_document = models.ForeignKey(
        "letters.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="opgemaakt stuk",
    )
    #: The PV as signed by the BOA, scanned and uploaded.
    signed_scan = models.ForeignKey(
        "letters.Document",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ondertekende scan",
    )
    version = models.PositiveIntegerField("versie", default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HandhavingQuerySet.as_manager()

    class Meta:
        verbose_name = "Halt/PV"
        verbose_name_plural = "Halt/PV"
        ordering = ["-opened_on", "-pk"]

    @property
    def is_open(self) -> bool:
        return not self.outcome
