"""The jaarkalender (R-06): the recurring deadlines of the cooperation, who
answers for each, and which reminders went out. No personal data of youths."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rbl.accounts.models import Role


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
