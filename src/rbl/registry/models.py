"""The youth registry: persons from the BRP, enrolments, diplomas and
exemptions from DUO, and the log of every import (R-10, R-11, R-16, R-23).

DUO records (enrolments, diplomas, exemptions) are keyed by BSN rather than by
a foreign key: DUO's timing means they may arrive before the person does, and
they link to the person simply by sharing the BSN.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone

from rbl.core.fields import CodeField


class PersonQuerySet(models.QuerySet):
    def residents_on(self, day, municipality_codes=None) -> PersonQuerySet:
        """Persons registered in a municipality on `day`: not moved out, not dead.

        By the persons' current registration: a person who has moved inside the
        region since counts in their new municipality. For figures about a past
        day use `resident_on`, which reads the residence history."""
        qs = self.filter(municipality__isnull=False).exclude(moved_out_on__lte=day)
        qs = qs.exclude(died_on__lte=day).exclude(aged_out_on__lte=day)
        if municipality_codes:
            qs = qs.filter(municipality_id__in=list(municipality_codes))
        return qs

    def resident_on(
        self, day: dt.date, municipality_codes: Iterable[str] | None = None
    ) -> PersonQuerySet:
        """Persons who lived in the region on `day` by the residence history, each
        annotated with `municipality_on`: the code of the municipality they lived
        in that day (optionally only those of `municipality_codes`).

        Persons without a residence covering `day` are left out: before
        `residence.history_starts_on()` the history is incomplete."""
        qs = self.annotate(
            residence_on=FilteredRelation("residences", condition=_covers("residences__", day))
        ).filter(residence_on__isnull=False)
        if municipality_codes is not None:
            qs = qs.filter(residence_on__municipality__in=list(municipality_codes))
        return qs.annotate(municipality_on=F("residence_on__municipality"))


class Person(models.Model):
    """A youth aged 0–23 from the BRP; one record for life, wherever they move."""

    # Unique through Meta.constraints: a plain unique=True would add a second
    # (pattern-ops) index on PostgreSQL that every BRP import has to maintain.
    bsn = CodeField("BSN", max_length=9)
    surname = models.CharField("geslachtsnaam", max_length=200)
    prefix = models.CharField("voorvoegsel", max_length=20, blank=True)
    given_names = models.CharField("voornamen", max_length=200, blank=True)
    birth_date = models.DateField("geboortedatum")
    gender = models.CharField("geslacht", max_length=1, blank=True)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="residents",
        verbose_name="woongemeente",
        # No index of its own: the (birth_date, municipality) index answers
        # "residents of these municipalities born between A and B", and a
        # municipality is deleted (PROTECT checks its residents) almost never.
        db_index=False,
    )
    street = models.CharField("straat", max_length=200, blank=True)
    house_number = models.CharField("huisnummer", max_length=10, blank=True)
    house_letter = models.CharField("huisletter", max_length=5, blank=True)
    house_number_suffix = models.CharField("toevoeging", max_length=10, blank=True)
    postcode = models.CharField("postcode", max_length=7, blank=True)
    city = models.CharField("woonplaats", max_length=100, blank=True)
    settled_on = models.DateField("datum vestiging", null=True, blank=True)
    died_on = models.DateField("datum overlijden", null=True, blank=True)
    secret = models.BooleanField("geheimhouding", default=False)
    parent1_bsn = CodeField("BSN ouder 1", max_length=9, blank=True)
    parent1_name = models.CharField("naam ouder 1", max_length=200, blank=True)
    parent2_bsn = CodeField("BSN ouder 2", max_length=9, blank=True)
    parent2_name = models.CharField("naam ouder 2", max_length=200, blank=True)
    moved_out_on = models.DateField("vertrokken op", null=True, blank=True)
    aged_out_on = models.DateField(
        "buiten doelgroep (24+) sinds",
        null=True,
        blank=True,
        help_text="Niet meer in het BRP-extract omdat de jongere 24 werd.",
    )
    last_mutation_on = models.DateField("laatste mutatie", null=True, blank=True)
    # PostgreSQL: the digest of the BRP line this row was last loaded from by the
    # bulk path (imports/digest.py); a database trigger empties it when the row's
    # values change in any other way. Always empty on SQLite.
    source_digest = models.BigIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "persoon"
        verbose_name_plural = "personen"
        constraints = [models.UniqueConstraint(fields=["bsn"], name="unique_person_bsn")]
        # Few indexes on purpose: each one is built or maintained for every row
        # of a BRP import (bench/RESULTS.md). One index serves the absoluut
        # check's birth-date range, residents of a municipality by age (the
        # municipality is tested inside the index) and the search by birth date.
        # With the municipality first it took nearly twice as long to build (few
        # distinct values: most comparisons fall through to the second column).
        indexes = [
            models.Index(fields=["birth_date", "municipality"], name="person_birth_mun"),
        ]

    def __str__(self) -> str:
        # Never the BSN: str() ends up in logs.
        return f"persoon {self.pk}"

    @property
    def full_name(self) -> str:
        parts = [self.given_names, self.prefix, self.surname]
        return " ".join(p for p in parts if p)


def _covers(prefix: str, day: dt.date | F) -> Q:
    """Residences (through `prefix`) whose [start, end) holds `day`."""
    return (Q(**{f"{prefix}start__isnull": True}) | Q(**{f"{prefix}start__lte": day})) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gt": day})
    )


class ResidenceQuerySet(models.QuerySet):
    def on(self, day: dt.date) -> ResidenceQuerySet:
        """The residences that cover `day` (at most one per person)."""
        return self.filter(_covers("", day))


class Residence(models.Model):
    """Where a person lived in the region, and from when to when: the history of
    `Person.municipality`, kept by the BRP imports (`residence.sync_residences`).

    The period is half-open, [start, end): `start` is the first day the person
    lived there (null: from before the history began), `end` the first day they
    no longer did (null: they still live there). A move on day D closes the old
    residence with end = D and opens the new one with start = D, so exactly one
    residence covers any day the person lived in the region; moving out, death
    and aging out close it on that day (`Person.moved_out_on`, `died_on` and
    `aged_out_on` are first days of absence too). Rows are appended and closed,
    never moved: a correction made the same day can leave a residence with
    start = end, which covers no day.
    """

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="residences",
        verbose_name="persoon",
        # The (person, start) index below serves the person's history and the delete.
        db_index=False,
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="gemeente",
        # Answered by the (municipality, start, end) index below.
        db_index=False,
    )
    start = models.DateField("woont er sinds", null=True, blank=True)
    end = models.DateField("woont er niet meer vanaf", null=True, blank=True)

    objects = ResidenceQuerySet.as_manager()

    class Meta:
        verbose_name = "woonperiode"
        verbose_name_plural = "woonhistorie"
        constraints = [
            # One open residence per person; also how the imports find it.
            models.UniqueConstraint(
                fields=["person"], condition=Q(end__isnull=True), name="residence_one_open"
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="residence_end_not_before_start",
            ),
        ]
        # "Who lived in municipality M on day D": the municipality, then the end
        # (`end IS NULL OR end > D`: two ranges of the index), which leaves out
        # the residences closed before D, the part of the history that grows
        # year by year; the start is tested on the row. A third column (start)
        # made the index half again as dear to build on a first load
        # (bench/RESULTS.md, "Residence history").
        indexes = [
            models.Index(fields=["person", "start"], name="residence_person"),
            models.Index(fields=["municipality", "end"], name="residence_mun_end"),
        ]

    def __str__(self) -> str:
        return f"woonperiode {self.pk}"

    @classmethod
    def municipality_at_expression(cls, bsn_field: str, day_field: str) -> Subquery:
        """An expression for a query over rows with a BSN and a date: the code of
        the municipality the person with that BSN lived in on that date (NULL
        when none)."""
        return Subquery(
            cls.objects.filter(person__bsn=OuterRef(bsn_field))
            .filter(_covers("", OuterRef(day_field)))
            .values("municipality")[:1]
        )


class Enrolment(models.Model):
    """A DUO/BRON enrolment; both start and end day count as enrolled."""

    bsn = CodeField("BSN", max_length=9)
    school = models.ForeignKey(
        "organisation.School", on_delete=models.PROTECT, related_name="enrolments"
    )
    brin = CodeField("BRIN", max_length=4)
    vestiging = CodeField("vestiging", max_length=2, default="00")
    sector = models.CharField("sector", max_length=3)
    start = models.DateField("inschrijvingsdatum")
    end = models.DateField("uitschrijvingsdatum", null=True, blank=True)
    end_reason = models.CharField("reden uitschrijving", max_length=200, blank=True)
    # As Person.source_digest, for the DUO line.
    source_digest = models.BigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "inschrijving"
        verbose_name_plural = "inschrijvingen"
        constraints = [
            models.UniqueConstraint(
                fields=["bsn", "brin", "vestiging", "start"], name="unique_enrolment"
            )
        ]
        # The unique key starts with the BSN, which is all the absoluut check's
        # "enrolled on D" lookup needs: no second index to maintain on import.


class Diploma(models.Model):
    bsn = CodeField("BSN", max_length=9)
    date = models.DateField("diplomadatum")
    programme = models.CharField("opleiding", max_length=200, blank=True, default="")
    level = models.CharField("niveau", max_length=20, blank=True)
    startkwalificatie = models.BooleanField("startkwalificatie")

    class Meta:
        verbose_name = "diploma"
        verbose_name_plural = "diploma's"
        constraints = [
            models.UniqueConstraint(fields=["bsn", "date", "programme"], name="unique_diploma")
        ]
        indexes = [models.Index(fields=["bsn", "startkwalificatie"], name="diploma_bsn_sk")]


class ExemptionGround(models.TextChoices):
    ART_5A = "5a", "Art. 5 onder a (lichamelijk of psychisch niet geschikt)"
    ART_5B = "5b", "Art. 5 onder b (bedenkingen tegen richting)"
    ART_5C = "5c", "Art. 5 onder c (onderwijs in het buitenland)"
    ART_5A_TREKKEND = "5a-trekkend", "Art. 5a (trekkend bestaan)"
    ART_3A = "3a", "Art. 3a (5-jarige, halve dag)"
    ART_3B = "3b", "Art. 3b (5-jarige, extra uren)"
    ART_11G = "11g", "Art. 11 onder g (gewichtige omstandigheden)"
    ART_15 = "15", "Art. 15 (vervangende leerplicht)"


class Exemption(models.Model):
    """A vrijstelling: excludes the youth from the absoluut check in its period."""

    bsn = CodeField("BSN", max_length=9)
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="exemptions",
        verbose_name="beslissende gemeente",
    )
    ground = models.CharField("grond", max_length=12, choices=ExemptionGround.choices)
    start = models.DateField("ingangsdatum")
    end = models.DateField("einddatum", null=True, blank=True)
    decided_on = models.DateField("besluitdatum")

    class Meta:
        verbose_name = "vrijstelling"
        verbose_name_plural = "vrijstellingen"
        constraints = [
            models.UniqueConstraint(fields=["bsn", "ground", "start"], name="unique_exemption")
        ]
        indexes = [models.Index(fields=["bsn", "start", "end"], name="exemption_bsn_period")]


class ImportOutcome(models.TextChoices):
    APPLIED = "applied", "Verwerkt"
    PARTIAL = "partial", "Verwerkt, met afgekeurde regels"
    REJECTED = "rejected", "Afgekeurd"
    FAILED = "failed", "Mislukt"


class ImportLog(models.Model):
    """Who imported which file when, with what result (R-16).

    Holds no personal values: errors keep line, column and reason only.
    """

    kind = models.CharField("soort", max_length=30)
    file_name = models.CharField("bestand", max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor = models.CharField("door", max_length=150)
    started_at = models.DateTimeField("gestart")
    finished_at = models.DateTimeField("klaar", null=True, blank=True)
    options = models.JSONField("opties", default=dict)
    counts = models.JSONField("aantallen", default=dict)
    errors = models.JSONField("fouten (zonder persoonsgegevens)", default=list)
    outcome = models.CharField("uitkomst", max_length=10, choices=ImportOutcome.choices)

    class Meta:
        verbose_name = "importlog"
        verbose_name_plural = "importlogs"
        ordering = ["-started_at"]


class ImportJobState(models.TextChoices):
    WAITING = "wacht", "Wacht op verwerking"
    RUNNING = "bezig", "Bezig"
    DONE = "klaar", "Klaar"
    FAILED = "mislukt", "Mislukt"
    #: A BRP extract refused for its departures: the user confirms them (and the
    #: import runs again, accepting them) or cancels (imports/jobs.py).
    CONFIRM = "bevestig", "Wacht op bevestiging"


class ImportJob(models.Model):
    """An import started on the import page and run by a `rbl db_worker` process
    (imports/jobs.py). Any web process answers its progress from this row.

    `result` holds the counts and the rejected rows' line, column and reason;
    `rejected_values` the offending values, shown only to the importing user and
    emptied one day after the job finished (`jobs.forget_values`).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField("soort", max_length=30)
    file_name = models.CharField("bestand", max_length=255)
    options = models.JSONField("opties", default=dict)
    state = models.CharField(
        "status", max_length=10, choices=ImportJobState.choices, default=ImportJobState.WAITING
    )
    # Progress: bytes of the file read (done of total); phase "lezen" while the
    # file is read, "verwerken" while the rows are merged into the registry.
    phase = models.CharField("fase", max_length=10, default="lezen")
    done = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    result = models.JSONField("uitkomst", null=True, blank=True)
    rejected_values = models.JSONField("afgekeurde waarden", null=True, blank=True)
    log = models.ForeignKey(
        ImportLog, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The id of the task that ran it (django_tasks_db's task result), for the administrator.
    task_id = models.CharField("taak", max_length=64, blank=True)
    message = models.CharField("melding", max_length=200, blank=True)
    created_at = models.DateTimeField("aangemaakt", default=timezone.now)
    started_at = models.DateTimeField("gestart", null=True, blank=True)
    finished_at = models.DateTimeField("klaar", null=True, blank=True)

    class Meta:
        verbose_name = "importtaak"
        verbose_name_plural = "importtaken"
        indexes = [models.Index(fields=["finished_at"], name="importjob_finished")]

    @property
    def percent(self) -> int:
        if self.state == ImportJobState.DONE:
            return 100
        return min(100, int(self.done * 100 / self.total)) if self.total else 0

    @property
    def phase_text(self) -> str:
        if self.state in (ImportJobState.DONE, ImportJobState.FAILED, ImportJobState.CONFIRM):
            return ""
        if self.state == ImportJobState.WAITING:
            return "De import wacht op zijn beurt."
        if self.phase == "verwerken":
            return "Bestand gelezen; de gegevens worden verwerkt."
        return "Het bestand wordt gelezen."
