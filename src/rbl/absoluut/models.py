"""Absoluut-verzuim signals (R-13): a leerplichtige or kwalificatieplichtige
resident without enrolment and without exemption on a check date."""

from __future__ import annotations

from django.db import models


class CloseReason(models.TextChoices):
    ENROLLED = "ingeschreven", "Ingeschreven op een school"
    EXEMPTED = "vrijgesteld", "Vrijstelling verleend"
    MOVED_OUT = "verhuisd", "Verhuisd uit de gemeente"
    DIED = "overleden", "Overleden"
    OUT_OF_AGE = "buiten_leeftijd", "Niet meer leerplichtig of kwalificatieplichtig"


class SignalQuerySet(models.QuerySet):
    def open(self) -> SignalQuerySet:
        return self.filter(closed_on__isnull=True)


class Signal(models.Model):
    """One period in which a youth was found in absoluut verzuim.

    A person has at most one open signal, owned by the municipality where it
    was opened; a later breach after closing opens a new one.
    """

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="absoluut_signals"
    )
    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="absoluut_signals"
    )
    status = models.CharField("status bij opening", max_length=24)
    opened_on = models.DateField("sinds")
    closed_on = models.DateField("gesloten op", null=True, blank=True)
    close_reason = models.CharField(
        "reden sluiting", max_length=20, choices=CloseReason.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = "signaal absoluut verzuim"
        verbose_name_plural = "signalen absoluut verzuim"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(closed_on__isnull=True),
                name="one_open_signal_per_person",
            )
        ]
        indexes = [models.Index(fields=["municipality", "closed_on"], name="signal_mun_open")]
