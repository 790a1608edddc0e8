"""Absoluut-verzuim signals (R-13): a leerplichtige or kwalificatieplichtige
resident without enrolment and without exemption on a check date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models
from django.db.models import Exists, OuterRef, Q

#: Days the parents get to answer the control letter when the region sets nothing.
DEFAULT_CONTROL_TERM_DAYS = 14


class CloseReason(models.TextChoices):
    ENROLLED = "ingeschreven", "Ingeschreven op een school"
    EXEMPTED = "vrijgesteld", "Vrijstelling verleend"
    MOVED_OUT = "verhuisd", "Verhuisd uit de gemeente"
    DIED = "overleden", "Overleden"
    OUT_OF_AGE = "buiten_leeftijd", "Niet meer leerplichtig of kwalificatieplichtig"
    ANSWERED = "voldoende_antwoord", "Voldoende antwoord op de controlebrief"


class SignalQuerySet(models.QuerySet):
    def open(self) -> SignalQuerySet:
        return self.filter(closed_on__isnull=True)

    def of_municipalities(self, codes: Iterable[str] | None) -> SignalQuerySet:
        """Signals owned by the given municipalities (all when `codes` is None or empty)."""
        codes = list(codes or [])
        return self.filter(municipality_id__in=codes) if codes else self

    def without_letter(self, today: dt.date, days: int = 7) -> SignalQuerySet:
        """Open signals that have waited more than `days` days for their control letter."""
        return self.open().filter(
            control_letter_on__isnull=True, opened_on__lt=today - dt.timedelta(days=days)
        )

    def due_for_case(self, today: dt.date) -> SignalQuerySet:
        """Open signals whose control term has passed with the youth still not
        enrolled and not exempted on `today`: these become a dossier (R-13).

        The term is the region's `control_term_days` (14 when the municipality
        has no region) and runs from the date of the control letter: it has
        passed when `today` is after control_letter_on + term. A signal without
        a control letter never becomes a case by itself (it shows on the
        overdue list after a week, `without_letter`).
        """
        from rbl.organisation.models import Region
        from rbl.registry.models import Enrolment, Exemption

        terms = set(Region.objects.values_list("control_term_days", flat=True).distinct())
        passed = Q(
            municipality__region__isnull=True,
            control_letter_on__lt=today - dt.timedelta(days=DEFAULT_CONTROL_TERM_DAYS),
        )
        for term in terms:
            passed |= Q(
                municipality__region__control_term_days=term,
                control_letter_on__lt=today - dt.timedelta(days=term),
            )
        enrolled = Enrolment.objects.filter(bsn=OuterRef("person__bsn"), start__lte=today).filter(
            Q(end__isnull=True) | Q(end__gte=today)
        )
        exempted = Exemption.objects.filter(bsn=OuterRef("person__bsn"), start__lte=today).filter(
            Q(end__isnull=True) | Q(end__gte=today)
        )
        return self.open().filter(passed).filter(~Exists(enrolled), ~Exists(exempted))


class Signal(models.Model):
    """One period in which a youth was found in absoluut verzuim.

    A person has at most one open signal, owned by the municipality where it
    was opened; a later breach after closing opens a new one.
    """

    person = models.ForeignKey(
        "registry.Person", on_delete=models.CASCADE, related_name="absoluut_signals"
    )
    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="absoluut_signals",
        db_index=False,  # covered by signal_mun_open: one index less to fill per new signal
    )
    # The legal status on the day the signal was opened: leerplichtig or kwalificatieplichtig.
    status = models.CharField("status bij opening", max_length=24)
    opened_on = models.DateField("sinds")
    closed_on = models.DateField("gesloten op", null=True, blank=True)
    close_reason = models.CharField(
        "reden sluiting", max_length=20, choices=CloseReason.choices, blank=True
    )
    control_letter_on = models.DateField(
        "datum controlebrief",
        null=True,
        blank=True,
        help_text="De antwoordtermijn loopt vanaf de datum van de controlebrief.",
    )
    quiet_until = models.DateField(
        "geen nieuw signaal tot en met",
        null=True,
        blank=True,
        help_text="Na een voldoende antwoord: tot deze datum geen nieuw signaal voor deze jongere.",
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
            ),
            models.CheckConstraint(
                condition=(
                    Q(closed_on__isnull=True, close_reason="")
                    | (Q(closed_on__isnull=False) & ~Q(close_reason=""))
                ),
                name="signal_closed_with_reason",
            ),
        ]
        indexes = [models.Index(fields=["municipality", "closed_on"], name="signal_mun_open")]

    def __str__(self) -> str:
        # Never the BSN: str() ends up in logs.
        return f"signaal {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def control_deadline(self) -> dt.date | None:
        """Last day for the parents' answer: the term counts from the control
        letter's date (None while there is no letter)."""
        if self.control_letter_on is None:
            return None
        return self.control_letter_on + dt.timedelta(days=control_term_days(self.municipality))


def control_term_days(municipality) -> int:
    """The region's answer term for a control letter, in days."""
    region = municipality.region if municipality is not None else None
    return region.control_term_days if region else DEFAULT_CONTROL_TERM_DAYS
