"""How work is divided and followed up: assignment rules per municipality and
age group, substitution during absence (R-05), tasks with due dates (R-27)
and the region's case-work terms."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models


class AgeGroup(models.TextChoices):
    LP = "LP", "Leerplicht"
    KP = "KP", "Kwalificatieplicht"
    RMC = "RMC", "RMC (18–23)"


class AssignmentRule(models.Model):
    """Who gets a new case of a municipality and age group by default, when the
    school has no fixed contact (R-05)."""

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.CASCADE, related_name="assignment_rules"
    )
    age_group = models.CharField("leeftijdsgroep", max_length=3, choices=AgeGroup.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignment_rules",
        verbose_name="medewerker",
    )

    class Meta:
        verbose_name = "toewijzingsregel"
        verbose_name_plural = "toewijzingsregels"
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "age_group"], name="unique_assignment_rule"
            )
        ]


class SubstitutionQuerySet(models.QuerySet):
    def active_on(self, day: dt.date) -> SubstitutionQuerySet:
        return self.filter(start__lte=day).filter(
            models.Q(end__isnull=True) | models.Q(end__gte=day)
        )


class Substitution(models.Model):
    """Waarneming: `substitute` stands in for `absent` during a period; new cases
    go to the substitute, who may also work the absent officer's cases."""

    absent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name="afwezige",
    )
    substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="substitutions",
        verbose_name="waarnemer",
    )
    start = models.DateField("vanaf")
    end = models.DateField("tot en met", null=True, blank=True)

    objects = SubstitutionQuerySet.as_manager()

    class Meta:
        verbose_name = "waarneming"
        verbose_name_plural = "waarnemingen"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(absent=models.F("substitute")), name="substitute_not_self"
            )
        ]


class TaskQuerySet(models.QuerySet):
    def open(self) -> TaskQuerySet:
        return self.filter(done_on__isnull=True)

    def overdue(self, today: dt.date) -> TaskQuerySet:
        """Open tasks whose due date has passed (R-27)."""
        return self.open().filter(due_on__lt=today)


class TaskKind(models.TextChoices):
    ANTWOORD_CONTROLEBRIEF = "controlebrief", "Antwoord controlebrief afwachten"
    VERLOF_BESLISSEN = "verlof", "Beslissen op verlofaanvraag"
    TERMIJN_PV = "termijn_pv", "Termijn art. 22 na de waarschuwing verstreken"
    OPVOLGING = "opvolging", "Opvolging"
    VERZUIMSTAAT = "verzuimstaat", "Verzuimstaat opvragen"


class Task(models.Model):
    """A due date on a case: answer control letter, decide on leave, follow up."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField("soort", max_length=20, choices=TaskKind.choices)
    title = models.CharField("omschrijving", max_length=200)
    due_on = models.DateField("uiterlijk op")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_tasks",
        verbose_name="voor",
    )
    done_on = models.DateField("afgerond op", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = "taak"
        verbose_name_plural = "taken"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["assignee", "done_on", "due_on"], name="task_assignee_due")]


class CaseSettings(models.Model):
    """The region's terms for case work; a region without a row uses the defaults.

    Defaults: leave longer than 10 school days (art. 14 lid 3 LPW) is decided by
    the leerplichtambtenaar, shorter leave by the head of the school; the
    decision term is the Awb default of 8 weeks (art. 4:13 Awb), capped at the
    day before the leave starts. Parents hear 2 months before an exemption
    ends. Thuiszitter: more than 4 weeks of absence, priority after 3 months.
    """

    region = models.OneToOneField(
        "organisation.Region", on_delete=models.CASCADE, related_name="case_settings"
    )
    leave_decision_weeks = models.PositiveIntegerField("beslistermijn verlof (weken)", default=8)
    leave_school_max_days = models.PositiveIntegerField(
        "verlof tot en met zoveel schooldagen beslist de school", default=10
    )
    exemption_reminder_months = models.PositiveIntegerField(
        "herinnering einde vrijstelling (maanden vooraf)", default=2
    )
    thuiszitter_weeks = models.PositiveIntegerField("thuiszitter na (weken)", default=4)
    thuiszitter_priority_months = models.PositiveIntegerField(
        "thuiszitter met voorrang na (maanden)", default=3
    )
    follow_up_days = models.PositiveIntegerField("eerste opvolging nieuwe zaak (dagen)", default=10)
    warning_term_weeks = models.PositiveIntegerField(
        "termijn tussen waarschuwing en proces-verbaal (weken)",
        default=4,
        help_text="Art. 22 Leerplichtwet: na de waarschuwing volgt zo nodig een proces-verbaal.",
    )

    class Meta:
        verbose_name = "termijnen zaken"
        verbose_name_plural = "termijnen zaken"
