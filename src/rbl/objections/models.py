"""Objections (bezwaar, art. 7:1 Awb) against a decision in a case, and
complaints (klacht, art. 9:1 Awb) about an officer's conduct.

Both keep their own due date (`due_on`, recomputed by `rbl.objections.terms`
whenever the received date, the committee flag or a postponement changes), so
the handler's work list reads it directly; see `rbl.objections.services` for
why these terms are not `cases.Task` rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class DecisionKind(models.TextChoices):
    VERLOF = "verlof", "Besluit op een verlofaanvraag"
    VRIJSTELLING = "vrijstelling", "Besluit over een vrijstelling"
    ANDERS = "anders", "Ander besluit in de zaak"


class Route(models.TextChoices):
    DOORGESTUURD = "doorgestuurd", "Doorgestuurd naar de gemeente (besluit in mandaat)"
    REGIONAAL = "regionaal", "Behandeld door het regionale team (eigen besluit, art. 14 lid 3)"


class ObjectionOutcome(models.TextChoices):
    GEGROND = "gegrond", "Gegrond"
    ONGEGROND = "ongegrond", "Ongegrond"
    NIET_ONTVANKELIJK = "niet-ontvankelijk", "Niet-ontvankelijk"
    INGETROKKEN = "ingetrokken", "Ingetrokken"


class ComplaintOutcome(models.TextChoices):
    GEGROND = "gegrond", "Gegrond"
    DEELS = "deels-gegrond", "Deels gegrond"
    ONGEGROND = "ongegrond", "Ongegrond"
    INGETROKKEN = "ingetrokken", "Ingetrokken"
    INFORMEEL = "informeel", "Informeel opgelost"


class ComplainantKind(models.TextChoices):
    OUDER = "ouder", "Ouder of verzorger"
    JONGERE = "jongere", "Jongere"
    SCHOOL = "school", "School"
    HULPVERLENER = "hulpverlener", "Hulpverlener"
    ANDERS = "anders", "Anders"


class TermsMixin(models.Model):
    """Received date, committee, one postponement, the outcome and the version."""

    received_on = models.DateField("ontvangen op")
    committee = models.BooleanField("commissie betrokken", default=False)
    postponed_on = models.DateField("verdaagd op", null=True, blank=True)
    postponement_reason = models.TextField("reden verdaging", blank=True)
    due_on = models.DateField("uiterste beslisdatum")
    outcome_on = models.DateField("beslist op", null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="behandelaar",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="geregistreerd door",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField("versie", default=1)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.outcome_on is None


class Objection(TermsMixin):
    """A bezwaar against one decision of a case."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="objections", verbose_name="zaak"
    )
    decision_kind = models.CharField("soort besluit", max_length=12, choices=DecisionKind.choices)
    leave_request = models.ForeignKey(
        "cases.LeaveRequest",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name="verlofaanvraag",
    )
    exemption = models.ForeignKey(
        "registry.Exemption",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="objections",
        verbose_name="vrijstelling",
    )
    decision_description = models.CharField("omschrijving besluit", max_length=200, blank=True)
    decision_date = models.DateField("datum besluit")
    route = models.CharField("behandeling", max_length=12, choices=Route.choices)
    principal = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="gemeente (opdrachtgever)",
        help_text="Opdrachtgever van de zaak op de datum van het besluit.",
    )
    grounds = models.TextField("gronden van het bezwaar", blank=True)
    forwarded_on = models.DateField("doorgestuurd op", null=True, blank=True)
    committee_informed_on = models.DateField("commissie geïnformeerd op", null=True, blank=True)
    advice_on = models.DateField("advies ontvangen op", null=True, blank=True)
    advice = models.TextField("advies commissie", blank=True)
    outcome = models.CharField(
        "uitkomst", max_length=20, choices=ObjectionOutcome.choices, blank=True
    )

    class Meta:
        verbose_name = "bezwaar"
        verbose_name_plural = "bezwaren"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(decision_kind=DecisionKind.VERLOF, leave_request__isnull=False)
                    | Q(decision_kind=DecisionKind.VRIJSTELLING, exemption__isnull=False)
                    | Q(decision_kind=DecisionKind.ANDERS)
                ),
                name="objection_decision_linked",
            ),
        ]
        indexes = [models.Index(fields=["handler", "outcome_on", "due_on"], name="objection_due")]


class Complaint(TermsMixin):
    """A klacht about the conduct of an officer, handled under the executing
    municipality's complaints procedure."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="gemeente",
        help_text="De gemeente namens wie de medewerker optrad.",
    )
    complainant_kind = models.CharField("klager", max_length=12, choices=ComplainantKind.choices)
    about = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="over medewerker",
    )
    summary = models.TextField("samenvatting")
    outcome = models.CharField(
        "uitkomst", max_length=20, choices=ComplaintOutcome.choices, blank=True
    )

    class Meta:
        verbose_name = "klacht"
        verbose_name_plural = "klachten"
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(handler=models.F("about")), name="complaint_handler_not_about"
            ),
        ]
        indexes = [models.Index(fields=["handler", "outcome_on", "due_on"], name="complaint_due")]
