"""Leave requests (verlofaanvragen, R-24) under art. 11f, 13a and 14 LPW and
the reminder before an exemption ends (R-23)."""

from __future__ import annotations

from django.db import models


class LeaveArticle(models.TextChoices):
    ART_11F = "11f", "Art. 11 onder f (godsdienst of levensovertuiging)"
    ART_13A = "13a", "Art. 13a (vakantieverlof, beroep ouders)"
    ART_14 = "14", "Art. 14 (gewichtige omstandigheden)"


class LeaveDecider(models.TextChoices):
    SCHOOL = "school", "Directeur van de school"
    LPA = "lpa", "Leerplichtambtenaar"


class LeaveDecision(models.TextChoices):
    TOEGEKEND = "toegekend", "Toegekend"
    DEELS = "deels", "Gedeeltelijk toegekend"
    AFGEWEZEN = "afgewezen", "Afgewezen"


class LeaveRequest(models.Model):
    """A request for leave outside the school holidays, with its legal term."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="leave_request"
    )
    article = models.CharField("artikel", max_length=4, choices=LeaveArticle.choices)
    requested_on = models.DateField("aangevraagd op")
    start = models.DateField("verlof vanaf")
    end = models.DateField("verlof tot en met")
    school_days = models.PositiveIntegerField("aantal schooldagen")
    decider = models.CharField("beslist door", max_length=6, choices=LeaveDecider.choices)
    decision_due_on = models.DateField("uiterste beslisdatum")
    decision = models.CharField("besluit", max_length=10, choices=LeaveDecision.choices, blank=True)
    decided_on = models.DateField("besloten op", null=True, blank=True)
    decision_note = models.TextField("motivering", blank=True)
    objection_received_on = models.DateField("bezwaar ontvangen op", null=True, blank=True)
    objection_forwarded_on = models.DateField(
        "bezwaar doorgestuurd op",
        null=True,
        blank=True,
        help_text="Doorgestuurd naar de gemeente (opdrachtgever) die op het bezwaar beslist.",
    )
    objection_decided_on = models.DateField(
        "beslissing op bezwaar op",
        null=True,
        blank=True,
        help_text="Zolang een bezwaar zonder beslissing is, wordt de zaak niet opgeruimd.",
    )

    class Meta:
        verbose_name = "verlofaanvraag"
        verbose_name_plural = "verlofaanvragen"


class ExemptionReminder(models.Model):
    """Marks that the parents were reminded, two months before its end, that an
    exemption ends (R-23); one per exemption."""

    exemption = models.OneToOneField(
        "registry.Exemption", on_delete=models.CASCADE, related_name="end_reminder"
    )
    sent_on = models.DateField("verstuurd op")

    class Meta:
        verbose_name = "herinnering einde vrijstelling"
        verbose_name_plural = "herinneringen einde vrijstelling"
