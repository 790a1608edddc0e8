"""The jaarkalender (R-06): the recurring deadlines of the cooperation, who
answers for each, and which reminders went out. No personal data of youths."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rbl.accounts.models import Role
from rbl.cases.models import CaseType


class Recurrence(models.TextChoices):
    YEARLY = "jaarlijks", "Jaarlijks op een vaste datum"
    WEEKS = "weken", "Om de zoveel weken"


class Deadline(models.Model):
    """A recurring deadline of the region: yearly on a day, or every N weeks."""

    region = models.ForeignKey(
        "organisation.Region", on_delete=models.CASCADE, related_name="deadlines"
    )
    # Set on the deadlines pre-filled by `seed_deadlines`, so seeding twice adds nothing.
    key = models.SlugField("sleutel", max_length=60, blank=True)
    title = models.CharField("omschrijving", max_length=120)
    explanation = models.TextField("toelichting", blank=True)
    recurrence = models.CharField(
        "herhaling", max_length=10, choices=Recurrence.choices, default=Recurrence.YEARLY
    )
    month = models.PositiveSmallIntegerField("maand", null=True, blank=True)
    day = models.PositiveSmallIntegerField("dag", null=True, blank=True)
    first_date = models.DateField("eerste datum", null=True, blank=True)
    interval_weeks = models.PositiveSmallIntegerField("elke zoveel weken", null=True, blank=True)
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deadlines",
        verbose_name="verantwoordelijke medewerker",
    )
    responsible_role = models.CharField(
        "verantwoordelijke rol", max_length=20, choices=Role.choices, blank=True
    )
    lead_days = models.PositiveSmallIntegerField("dagen vooraf herinneren", default=14)
    active = models.BooleanField("actief", default=True)
    updated_at = models.DateTimeField("gewijzigd op", auto_now=True)

    class Meta:
        verbose_name = "deadline"
        verbose_name_plural = "jaarkalender"
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "key"],
                condition=~models.Q(key=""),
                name="unique_deadline_key_per_region",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ReminderSent(models.Model):
    """One reminder mail for one occurrence of a deadline to one user: sent once."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="reminders")
    occurs_on = models.DateField("datum deadline")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField("verstuurd op", auto_now_add=True)

    class Meta:
        verbose_name = "verstuurde herinnering"
        verbose_name_plural = "verstuurde herinneringen"
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "occurs_on", "user"], name="unique_reminder_per_occurrence"
            )
        ]


class CalendarFeed(models.Model):
    """A user's secret iCalendar address; only the SHA-256 of the token is kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("gemaakt op", auto_now_add=True)

    class Meta:
        verbose_name = "agenda-abonnement"
        verbose_name_plural = "agenda-abonnementen"


class AuditKind(models.TextChoices):
    PEER = "collegiaal", "Collegiale audit"
    EXTERNAL = "extern", "Externe audit"


class Audit(models.Model):
    """The yearly audit of one professional (R-50): who audits, the form's
    answers and the findings. Seen only by coordinators, the audited person and
    the auditor named on it (accounts.access.audits_visible_to)."""

    year = models.PositiveSmallIntegerField("jaar")
    audited = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audits",
        verbose_name="geaudite medewerker",
    )
    kind = models.CharField("soort", max_length=12, choices=AuditKind.choices)
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits_done",
        verbose_name="auditor (collega)",
    )
    external_auditor = models.CharField("externe auditor", max_length=120, blank=True)
    held_on = models.DateField("datum audit", null=True, blank=True)
    files_checked = models.TextField("bekeken dossiers en werkwijze", blank=True)
    strengths = models.TextField("wat goed gaat", blank=True)
    findings = models.TextField("bevindingen", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "audit"
        verbose_name_plural = "audits"
        ordering = ["-year", "audited__last_name", "audited__username"]
        constraints = [models.UniqueConstraint(fields=["year", "audited"], name="one_audit_a_year")]

    @property
    def auditor_label(self) -> str:
        if self.auditor_id:
            return self.auditor.get_full_name() or self.auditor.username
        return self.external_auditor


class AuditAction(models.Model):
    """A follow-up action of an audit (PDCA): owner, due date, completion."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField("actie", max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="audit_actions",
        verbose_name="eigenaar",
    )
    due_on = models.DateField("uiterlijk")
    done_on = models.DateField("afgerond op", null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = "verbeteractie"
        verbose_name_plural = "verbeteracties"
        ordering = ["due_on", "pk"]


class DeadlineChange(models.Model):
    """One change of a jaarkalender deadline on screen: who, when, what (old → new)."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField("gewijzigd op", auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField("door", max_length=150)
    what = models.TextField("wijziging")

    class Meta:
        verbose_name = "wijziging deadline"
        verbose_name_plural = "wijzigingen deadlines"
        ordering = ["-at", "-pk"]


class HandbookPage(models.Model):
    """A page of the handbook "Zo werken we in de regio" (R-51). Its text lives
    in its versions (append-only); `version` is the number of the newest one
    and guards against lost updates."""

    slug = models.SlugField("adres", max_length=80, unique=True)
    title = models.CharField("titel", max_length=150)
    case_type = models.CharField(
        "geldt voor zaaksoort", max_length=20, choices=CaseType.choices, blank=True
    )
    version = models.PositiveIntegerField("versie", default=0)
    updated_at = models.DateTimeField("gewijzigd op", auto_now=True)

    class Meta:
        verbose_name = "werkwijze"
        verbose_name_plural = "werkwijzen"
        ordering = ["title", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case_type"],
                condition=~models.Q(case_type=""),
                name="one_handbook_page_per_case_type",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AppendOnlyError(Exception):
    """A handbook version is never changed or removed."""


class HandbookVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Een versie van een werkwijze wordt niet gewijzigd.")

    def delete(self):
        raise AppendOnlyError("Een versie van een werkwijze wordt niet verwijderd.")


class HandbookVersion(models.Model):
    """One saved text of a handbook page, with its author and change note."""

    page = models.ForeignKey(HandbookPage, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("versie")
    title = models.CharField("titel", max_length=150)
    body = models.TextField("tekst")
    note = models.CharField("wat is er veranderd", max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("opgeslagen op", auto_now_add=True)

    objects = HandbookVersionQuerySet.as_manager()

    class Meta:
        verbose_name = "versie van een werkwijze"
        verbose_name_plural = "versies van werkwijzen"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="unique_handbook_version")
        ]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Een versie van een werkwijze wordt niet gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Een versie van een werkwijze wordt niet verwijderd.")


class GoalStatus(models.TextChoices):
    OPEN = "open", "Nog niet beoordeeld"
    ACHIEVED = "bereikt", "Bereikt"
    ATTENTION = "aandacht", "Aandachtspunt"


class EvaluationGoal(models.Model):
    """A goal of the agreement, judged for one evaluation year (R-52). The
    evidence is a key of `rbl.governance.evaluation.EVIDENCE`: a link to the
    live figures and a value computed from the database, never typed in."""

    year = models.PositiveSmallIntegerField("evaluatiejaar")
    position = models.PositiveSmallIntegerField("volgorde", default=0)
    title = models.CharField("doel", max_length=200)
    status = models.CharField(
        "stand", max_length=10, choices=GoalStatus.choices, default=GoalStatus.OPEN
    )
    explanation = models.TextField("toelichting", blank=True)
    evidence = models.CharField("onderbouwing uit de cijfers", max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField("gewijzigd op", auto_now=True)

    class Meta:
        verbose_name = "doel van de samenwerking"
        verbose_name_plural = "doelen van de samenwerking"
        ordering = ["year", "position", "pk"]

    def __str__(self) -> str:
        return self.title
