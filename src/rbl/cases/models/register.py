"""DUO's exemptions register (R-23): the withdrawal of an exemption decision
and the runs of `rbl export duo-vrijstellingen` with what each one sent.

A line keeps the state of the exemption as it was sent, without the BSN (the
BSN is only written into the file itself): the next export compares every
exemption with the last line sent for it, so only what changed goes again."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExemptionWithdrawal(models.Model):
    """The decision of an exemption withdrawn (ingetrokken) from a date: the
    exemption ends the day before; the end date decided before is kept here."""

    exemption = models.OneToOneField(
        "registry.Exemption",
        on_delete=models.CASCADE,
        related_name="withdrawal",
        verbose_name="vrijstelling",
    )
    withdrawn_from = models.DateField("ingetrokken per")
    decided_on = models.DateField("besluitdatum intrekking")
    previous_end = models.DateField("einddatum vóór de intrekking", null=True, blank=True)
    reason = models.CharField("reden", max_length=500)
    recorded_at = models.DateTimeField("vastgelegd op")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="door",
    )

    class Meta:
        verbose_name = "intrekking vrijstelling"
        verbose_name_plural = "intrekkingen vrijstelling"


class RegisterMutation(models.TextChoices):
    NIEUW = "N", "Nieuw"
    WIJZIGING = "W", "Gewijzigd"
    INTREKKING = "I", "Ingetrokken"


class ExemptionRegisterExport(models.Model):
    """One run of `rbl export duo-vrijstellingen` (or its download)."""

    exported_at = models.DateTimeField("geëxporteerd op")
    since = models.DateField("opnieuw vanaf besluitdatum", null=True, blank=True)
    municipalities = models.JSONField("gemeenten (leeg = hele regio)", default=list)
    file_name = models.CharField("bestand", max_length=255)
    count = models.PositiveIntegerField("aantal regels")
    actor = models.CharField("door", max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = "export vrijstellingenregister DUO"
        verbose_name_plural = "exports vrijstellingenregister DUO"
        ordering = ["-exported_at", "-pk"]


class ExemptionRegisterLine(models.Model):
    """What one export sent about one exemption (no BSN)."""

    export = models.ForeignKey(
        ExemptionRegisterExport, on_delete=models.CASCADE, related_name="lines"
    )
    exemption = models.ForeignKey(
        "registry.Exemption",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="register_lines",
    )
    mutation = models.CharField("mutatie", max_length=1, choices=RegisterMutation.choices)
    municipality_code = models.CharField("gemeentecode", max_length=4)
    ground = models.CharField("grond", max_length=12)
    start = models.DateField("ingangsdatum")
    end = models.DateField("einddatum", null=True, blank=True)
    decided_on = models.DateField("besluitdatum")
    withdrawn_from = models.DateField("ingetrokken per", null=True, blank=True)

    class Meta:
        verbose_name = "regel vrijstellingenregister DUO"
        verbose_name_plural = "regels vrijstellingenregister DUO"
        indexes = [models.Index(fields=["exemption", "export"], name="register_line_exemption")]
