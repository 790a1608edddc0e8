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


# Default retention when a region has set none: 60 months, the term NEN 7513
# sets for access logs of sensitive (health) files, long enough to answer a
# citizen's "who looked at my file" for the whole life of most dossiers.
DEFAULT_RETENTION_MONTHS = {RetentionSubject.ACCESS_LOG: 60}


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
