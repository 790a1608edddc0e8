"""The access log (R-61): every read and write of personal data, immutable,
searchable by the privacy officer; and how long it is kept.

Persons and cases are stored by id, not by foreign key: the log outlives the
files it describes (a deleted or anonymised file must not take its access
history with it, nor change a log row).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    VIEW = "view", "Bekeken"
    SEARCH = "search", "Gezocht"
    EXPORT = "export", "Geëxporteerd"
    CHANGE = "change", "Gewijzigd"
    CREATE = "create", "Aangemaakt"
    PRINT = "print", "Afgedrukt"


class AccessLogImmutableError(Exception):
    """The access log may only be appended to."""


class AccessLogQuerySet(models.QuerySet):
    def for_person(self, person_id: int) -> AccessLogQuerySet:
        """Who looked at (or changed) this youth's file, newest first."""
        return self.filter(person_id=person_id).order_by("-at", "-pk")

    def for_case(self, case_id: int) -> AccessLogQuerySet:
        return self.filter(case_id=case_id).order_by("-at", "-pk")

    def update(self, **kwargs):
        raise AccessLogImmutableError("De toegangslog kan niet worden gewijzigd.")


class AccessLogEntry(models.Model):
    """One access of one user to one person's data (or a search without result)."""

    at = models.DateTimeField("tijdstip", db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="medewerker",
    )
    username = models.CharField("gebruikersnaam", max_length=150)
    action = models.CharField("handeling", max_length=10, choices=Action.choices)
    person_id = models.BigIntegerField("persoon (id)", null=True, blank=True)
    case_id = models.BigIntegerField("zaak (id)", null=True, blank=True)
    purpose = models.CharField("doel / reden", max_length=200, blank=True)
    path = models.CharField("pagina of opdracht", max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = "toegangslogregel"
        verbose_name_plural = "toegangslog"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["person_id", "at"], name="accesslog_person_at"),
            models.Index(fields=["user", "at"], name="accesslog_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AccessLogImmutableError("De toegangslog kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogImmutableError(
            "De toegangslog kan niet worden verwijderd; alleen de bewaartermijn ruimt op."
        )


class RetentionSubject(models.TextChoices):
    ACCESS_LOG = "toegangslog", "Toegangslog"
    LEERPLICHT = "leerplicht", "Dossier leerplicht (na de geboortedatum)"
    KWALIFICATIEPLICHT_RMC = "kwalificatieplicht", "Dossier kwalificatieplicht en RMC"
    HANDHAVING = "handhaving", "Halt- en PV-registratie (na de uitkomst)"
    PRINT_FILES = "printbestanden", "Printbestanden van afdrukopdrachten brieven"


# Default retention when a region has set none.
# - Access log: 60 months, the term NEN 7513 sets for access logs of sensitive
#   (health) files, long enough to answer a citizen's "who looked at my file"
#   for the whole life of most dossiers.
# - Case files, after the VNG selectielijst: a leerplicht file until the
#   youth is 19 (228 months after birth); a kwalificatieplicht or RMC file 24
#   months after the duty ended (startkwalificatie) or the youth turned 23;
#   Halt and PV records 60 months after their outcome (police-data act).
#   How each term is applied: rbl.audit.retention.
# - The print files of a letter batch (one PDF of all its letters, the address
#   list for the mailing house): 3 months, long enough to print a lost letter
#   again; each letter itself stays with its case as a document.
DEFAULT_RETENTION_MONTHS = {
    RetentionSubject.ACCESS_LOG: 60,
    RetentionSubject.LEERPLICHT: 19 * 12,
    RetentionSubject.KWALIFICATIEPLICHT_RMC: 24,
    RetentionSubject.HANDHAVING: 60,
    RetentionSubject.PRINT_FILES: 3,
}


class RetentionRule(models.Model):
    """How many months records of a subject are kept before `rbl retentie` removes them."""

    subject = models.CharField(
        "onderwerp", max_length=20, choices=RetentionSubject.choices, unique=True
    )
    months = models.PositiveIntegerField("bewaartermijn (maanden)")

    class Meta:
        verbose_name = "bewaartermijn"
        verbose_name_plural = "bewaartermijnen"

    @classmethod
    def months_for(cls, subject: str) -> int:
        row = cls.objects.filter(subject=subject).first()
        return row.months if row else DEFAULT_RETENTION_MONTHS[subject]


class LegalHold(models.Model):
    """A case file that must not be removed, whatever its term, while a legal
    procedure or an inquiry needs it (R-29). Set and lifted by hand by the
    privacy officer (`rbl.audit.retention.set_hold`); a lifted hold stays as
    the record of who held the file and why. Open Halt/PV records and pending
    objections hold a file by themselves (no row here)."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="legal_holds", verbose_name="zaak"
    )
    reason = models.CharField("reden", max_length=300)
    set_at = models.DateTimeField("vastgezet op")
    set_by = models.CharField("vastgezet door", max_length=150)
    lifted_at = models.DateTimeField("opgeheven op", null=True, blank=True)
    lifted_by = models.CharField("opgeheven door", max_length=150, blank=True)
    lift_reason = models.CharField("reden opheffen", max_length=300, blank=True)

    class Meta:
        verbose_name = "bewaarplicht (juridisch)"
        verbose_name_plural = "bewaarplichten (juridisch)"
        ordering = ["-set_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(lifted_at__isnull=True), name="one_open_hold"
            )
        ]

    def __str__(self) -> str:
        return f"bewaarplicht zaak {self.case_id}"


class RemovalKind(models.TextChoices):
    ANONYMISED = "geanonimiseerd", "Geanonimiseerd"
    DELETED = "verwijderd", "Verwijderd"


class TombstoneQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AccessLogImmutableError("Een grafsteen kan niet worden gewijzigd.")

    def delete(self):
        raise AccessLogImmutableError("Een grafsteen kan niet worden verwijderd.")


class Tombstone(models.Model):
    """What the retention job removed of one case file, and by which rule:
    never a BSN, a name or a person id. The case is kept by number only (the
    anonymised row has no youth left to point to)."""

    case_id = models.BigIntegerField("zaak (id)", db_index=True)
    removed_at = models.DateTimeField("verwijderd op", db_index=True)
    peildatum = models.DateField("peildatum")
    rule = models.CharField("bewaartermijn", max_length=20, choices=RetentionSubject.choices)
    due_on = models.DateField("termijn verstreken op")
    kind = models.CharField("wijze", max_length=16, choices=RemovalKind.choices)
    case_type = models.CharField("soort zaak", max_length=20)
    principal_code = models.CharField("gemeente (opdrachtgever)", max_length=4)
    opened_year = models.PositiveIntegerField("jaar geopend")
    closed_year = models.PositiveIntegerField("jaar gesloten")
    #: How many of each part went: {"gebeurtenissen": 5, "documenten": 2, ...}.
    parts = models.JSONField("verwijderde onderdelen", default=dict)

    objects = TombstoneQuerySet.as_manager()

    class Meta:
        verbose_name = "grafsteen"
        verbose_name_plural = "grafstenen"
        ordering = ["-removed_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["case_id"], name="one_tombstone_per_case")]

    def __str__(self) -> str:
        return f"grafsteen zaak {self.case_id}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AccessLogImmutableError("Een grafsteen kan niet worden gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AccessLogImmutableError("Een grafsteen kan niet worden verwijderd.")
