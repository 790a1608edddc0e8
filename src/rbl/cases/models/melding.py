"""DUO absence reports (verzuimmeldingen, R-14), the status fed back to DUO,
and the early-school-leaver list (VSV, R-15).

Reports are keyed by DUO's meldingsnummer. A report for a BSN the registry
does not (yet) hold has no person: it waits in the "niet gekoppeld" queue
and is linked when the person arrives.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MeldingSoort(models.TextChoices):
    UUR16 = "16UUR", "16 uur in 4 weken"
    LANGDURIG = "LANGDURIG", "Langdurig (meer dan 4 weken)"
    LUXE = "LUXE", "Luxe verzuim"
    SIGNAAL = "SIGNAAL", "Signaalverzuim"
    OVERIG = "OVERIG", "Overig verzuim"
    PLUS18 = "18PLUS", "18+ (Doorstroompunt)"


class DuoStatus(models.TextChoices):
    IN_BEHANDELING = "in behandeling", "In behandeling"
    AFGESLOTEN = "afgesloten", "Afgesloten"
    TER_KENNISGEVING = "ter kennisgeving aangenomen", "Ter kennisgeving aangenomen"


class VerzuimMeldingQuerySet(models.QuerySet):
    def unlinked(self) -> VerzuimMeldingQuerySet:
        """The "niet gekoppeld" queue: reports whose BSN is not in the registry
        yet (an anonymised file's reports have no person but keep their case)."""
        return self.filter(person__isnull=True, case__isnull=True)

    def status_changed_since(self, moment) -> VerzuimMeldingQuerySet:
        qs = self.exclude(duo_status="")
        if moment is not None:
            qs = qs.filter(duo_status_changed_at__gte=moment)
        return qs


class VerzuimMelding(models.Model):
    """One absence report of a school, received through DUO (Besluit Verzuimmelding)."""

    meldingsnummer = models.CharField("meldingsnummer", max_length=40, unique=True)
    bsn = models.CharField("BSN", max_length=9)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verzuimmeldingen",
        verbose_name="jongere",
    )
    brin = models.CharField("BRIN", max_length=4)
    vestiging = models.CharField("vestiging", max_length=2, default="00")
    school = models.ForeignKey(
        "organisation.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verzuimmeldingen",
    )
    soort = models.CharField("soort", max_length=10, choices=MeldingSoort.choices)
    meldingsdatum = models.DateField("meldingsdatum")
    verzuim_vanaf = models.DateField("verzuim vanaf", null=True, blank=True)
    verzuim_tot = models.DateField("verzuim tot en met", null=True, blank=True)
    uren = models.DecimalField("uren", max_digits=7, decimal_places=2, null=True, blank=True)
    dagen = models.PositiveIntegerField("dagen", null=True, blank=True)
    alle_lessen_gemist = models.BooleanField("alle lessen gemist", null=True, blank=True)
    reden = models.TextField("vermoedelijke reden", blank=True)
    actie_school = models.TextField("actie school", blank=True)
    actie_gemeente_gewenst = models.BooleanField("actie gemeente gewenst", null=True, blank=True)
    toelichting = models.TextField("toelichting school", blank=True)
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meldingen",
        verbose_name="zaak",
    )
    duo_status = models.CharField(
        "status naar DUO", max_length=30, choices=DuoStatus.choices, blank=True
    )
    duo_reason = models.CharField("reden afsluiting (DUO)", max_length=30, blank=True)
    duo_status_changed_at = models.DateTimeField("status gewijzigd op", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = VerzuimMeldingQuerySet.as_manager()

    class Meta:
        verbose_name = "verzuimmelding"
        verbose_name_plural = "verzuimmeldingen"
        ordering = ["-meldingsdatum", "-pk"]
        indexes = [
            models.Index(fields=["bsn"], name="melding_bsn"),
            models.Index(fields=["duo_status_changed_at"], name="melding_duo_changed"),
        ]

    def __str__(self) -> str:
        return f"verzuimmelding {self.meldingsnummer}"


class DuoStatusExport(models.Model):
    """One run of `rbl export duo-status`: the next run starts where this one ended."""

    exported_at = models.DateTimeField("geëxporteerd op")
    since = models.DateTimeField("wijzigingen sinds", null=True, blank=True)
    file_name = models.CharField("bestand", max_length=255)
    count = models.PositiveIntegerField("aantal meldingen")
    actor = models.CharField("door", max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        verbose_name = "export status verzuimmeldingen"
        verbose_name_plural = "exports status verzuimmeldingen"
        ordering = ["-exported_at"]


class VsvMelding(models.Model):
    """One row of DUO's list of early school leavers; becomes an RMC case."""

    bsn = models.CharField("BSN", max_length=9)
    uitschrijvingsdatum = models.DateField("uitschrijvingsdatum")
    brin = models.CharField("BRIN", max_length=4, blank=True)
    opleiding = models.CharField("opleiding", max_length=200, blank=True)
    niveau = models.CharField("niveau", max_length=20, blank=True)
    peildatum = models.DateField("peildatum", null=True, blank=True)
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vsv_meldingen",
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vsv_meldingen",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "VSV-melding"
        verbose_name_plural = "VSV-meldingen"
        constraints = [
            models.UniqueConstraint(fields=["bsn", "uitschrijvingsdatum"], name="unique_vsv")
        ]
