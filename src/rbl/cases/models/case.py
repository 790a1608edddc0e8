"""The case (dossier/zaak) of one youth, its ownership history, its append-only
event log and its dated activities (R-20, R-21, R-26, R-64)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q


class CaseType(models.TextChoices):
    ABSOLUUT = "absoluut", "Absoluut verzuim"
    RELATIEF_16UUR = "relatief_16uur", "Relatief verzuim (16 uur)"
    LUXE = "luxe", "Luxe verzuim"
    SIGNAAL = "signaal", "Signaalverzuim"
    OVERIG = "overig", "Overig verzuim"
    LANGDURIG = "langdurig", "Langdurig verzuim / thuiszitter"
    PLUS18 = "18plus", "18+ verzuim (Doorstroompunt)"
    VERLOF = "verlof", "Verlofaanvraag"
    VRIJSTELLING = "vrijstelling", "Vrijstelling"
    RMC = "rmc", "RMC-traject"
    PREVENTIEF = "preventief", "Preventief contact"
    ZORG = "zorg", "Zorgmelding"


# Case types that count as relatief verzuim for the thuiszitter rule.
RELATIEF_TYPES = frozenset(
    {CaseType.RELATIEF_16UUR, CaseType.SIGNAAL, CaseType.OVERIG, CaseType.LANGDURIG}
)
# Case types worked by the RMC function (18–23).
RMC_TYPES = frozenset({CaseType.RMC, CaseType.PLUS18})


class CaseStatus(models.TextChoices):
    OPEN = "open", "Nieuw"
    IN_BEHANDELING = "in_behandeling", "In behandeling"
    AFGESLOTEN = "afgesloten", "Afgesloten"


class ClosingReason(models.TextChoices):
    """Why a case was closed. The first group are DUO's closing reasons for a
    verzuimmelding (formats.md); the others map to DUO reason `overig`."""

    TERUG_NAAR_SCHOOL = "terug_naar_school", "Terug naar school"
    ANDERE_OPLEIDING = "andere_opleiding", "Andere opleiding"
    WERK = "werk", "Werk"
    OVERLEDEN = "overleden", "Overleden"
    LANGDURIG_ZIEK = "langdurig_ziek", "Langdurig ziek"
    LEGITIEM_AFWEZIG = "legitiem_afwezig", "Legitiem afwezig"
    OVERIG = "overig", "Overig"
    TER_KENNISGEVING = "ter_kennisgeving", "Ter kennisgeving aangenomen"
    INGESCHREVEN = "ingeschreven", "Ingeschreven op een school"
    VRIJSTELLING = "vrijstelling", "Vrijstelling verleend"
    VERHUISD = "verhuisd", "Verhuisd buiten de regio"
    OVERGEDRAGEN_RMC = "overgedragen_rmc", "Overgedragen aan RMC"
    BESLOTEN = "besloten", "Besluit genomen"
    HANDHAVING_AFGEROND = "handhaving_afgerond", "Halt/PV afgerond"
    BUITEN_LEEFTIJD = "buiten_leeftijd", "Niet meer leerplichtig of in RMC-doelgroep"


# DUO's own closing reasons, as written in verzuimmelding_status.csv.
DUO_REASON_TEXT = {
    ClosingReason.TERUG_NAAR_SCHOOL: "terug naar school",
    ClosingReason.ANDERE_OPLEIDING: "andere opleiding",
    ClosingReason.WERK: "werk",
    ClosingReason.OVERLEDEN: "overleden",
    ClosingReason.LANGDURIG_ZIEK: "langdurig ziek",
    ClosingReason.LEGITIEM_AFWEZIG: "legitiem afwezig",
    ClosingReason.OVERIG: "overig",
    ClosingReason.INGESCHREVEN: "terug naar school",
}


def duo_reason_for(reason: str) -> str:
    """DUO's closing reason for one of our closing reasons (`overig` when DUO has none)."""
    return DUO_REASON_TEXT.get(reason, "overig")


class MasRoute(models.TextChoices):
    """The routes of the Methodische Aanpak Schoolverzuim (R-21)."""

    VRIJWILLIG = "vrijwillig", "Vrijwillige hulpverlening"
    HALT = "halt", "Halt"
    JEUGDBESCHERMING = "jeugdbescherming", "Jeugdbescherming (Raad voor de Kinderbescherming)"
    STRAFRECHT = "strafrecht", "Strafrecht (proces-verbaal)"


class PrincipalChangeError(Exception):
    """`Case.principal` changed without the period that records it (see
    rbl.cases.models.principal); change it with
    rbl.cases.services.principal.change_principal."""


_PRINCIPAL_FIELDS = frozenset({"principal", "principal_id"})


class CaseQuerySet(models.QuerySet):
    def update(self, **kwargs) -> int:
        if _PRINCIPAL_FIELDS & kwargs.keys():
            raise PrincipalChangeError(
                "De opdrachtgever van zaken wijzigt niet in bulk "
                "(rbl.cases.services.principal.change_principal)."
            )
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        if _PRINCIPAL_FIELDS & set(fields):
            raise PrincipalChangeError(
                "De opdrachtgever van zaken wijzigt niet in bulk "
                "(rbl.cases.services.principal.change_principal)."
            )
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def principal_on(self, day: dt.date, *, name: str = "principal_on_id") -> CaseQuerySet:
        """Annotate `name`: the CBS code of the municipality that was the
        principal of the case on `day` (None for a case opened after `day`).

        Read from the case's `PrincipalPeriod`s (`start <= day < end`, end
        exclusive: on the day of a handover the new municipality is the
        principal). Open or closed does not matter: a closed case stays with
        its last principal; combine with a filter on `opened_on`/`closed_on`
        for the cases open on `day`. One LEFT JOIN on the periods (at most one
        covers a day), so it groups and filters in the database:
        ``Case.objects.principal_on(d).values("principal_on_id").annotate(n=Count("pk"))``.
        Pass another `name` to annotate a second day on the same queryset.
        """
        alias = f"_{name}_period"
        covering = Q(principal_periods__start__lte=day) & (
            Q(principal_periods__end__isnull=True) | Q(principal_periods__end__gt=day)
        )
        return self.alias(
            **{alias: models.FilteredRelation("principal_periods", condition=covering)}
        ).annotate(**{name: models.F(f"{alias}__municipality_id")})

    def with_principal_on(self, day: dt.date, codes) -> CaseQuerySet:
        """The cases whose principal on `day` was one of the municipalities
        `codes` (CBS codes), annotated as `principal_on`."""
        return self.principal_on(day).filter(principal_on_id__in=list(codes))

    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.AFGESLOTEN)

    def closed(self) -> CaseQuerySet:
        return self.filter(status=CaseStatus.AFGESLOTEN)

    def visible_to(self, user) -> CaseQuerySet:
        """Cases `user` may read; the rules live in rbl.accounts.access."""
        from rbl.accounts.access import visible_cases

        return self.filter(pk__in=visible_cases(user).values("pk"))

    def editable_by(self, user) -> CaseQuerySet:
        """Cases `user` may change; the rules live in rbl.accounts.access."""
        from rbl.accounts.access import editable_cases

        return self.filter(pk__in=editable_cases(user).values("pk"))

    def of_person_and_type(self, person_id: int, case_type: str) -> CaseQuerySet:
        return self.filter(person_id=person_id, type=case_type)

    def thuiszitters(self, today: dt.date, weeks: int = 4) -> CaseQuerySet:
        """Open cases that make their youth a thuiszitter on `today` (R-25).

        The national definition: absoluut verzuim, plus relatief verzuim that
        has lasted more than `weeks` weeks (a LANGDURIG report is so by
        definition). The duration counts from `absent_since`.
        """
        limit = today - dt.timedelta(weeks=weeks)
        return self.open().filter(
            models.Q(type=CaseType.ABSOLUUT)
            | models.Q(type=CaseType.LANGDURIG)
            | models.Q(type__in=list(RELATIEF_TYPES), absent_since__lt=limit)
        )


class Case(models.Model):
    """A dossier of one youth, worked by one owner on behalf of the principal
    municipality (the residence municipality at opening, or after a handover)."""

    type = models.CharField("soort", max_length=20, choices=CaseType.choices)
    # Empty only once the retention job anonymised the file (`anonymised_on`).
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="jongere",
    )
    principal = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name="gemeente (opdrachtgever)",
    )
    school = models.ForeignKey(
        "organisation.School",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name="school",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name="casuseigenaar",
    )
    status = models.CharField(
        "status", max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    opened_on = models.DateField("geopend op")
    closed_on = models.DateField("gesloten op", null=True, blank=True)
    closing_reason = models.CharField(
        "reden afsluiting", max_length=24, choices=ClosingReason.choices, blank=True
    )
    closing_note = models.TextField("toelichting afsluiting", blank=True)
    absent_since = models.DateField(
        "verzuim sinds",
        null=True,
        blank=True,
        help_text="Eerste dag van het verzuim; basis voor de thuiszittersduur.",
    )
    route = models.CharField("MAS-route", max_length=20, choices=MasRoute.choices, blank=True)
    route_chosen_on = models.DateField("route gekozen op", null=True, blank=True)
    parents_may_hear_reasons = models.BooleanField(
        "ouders mogen redenen horen",
        null=True,
        blank=True,
        help_text="Vanaf 16 jaar beslist de jongere of ouders de redenen uit gesprekken horen.",
    )
    signal = models.OneToOneField(
        "absoluut.Signal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name="signaal absoluut verzuim",
    )
    exemption = models.OneToOneField(
        "registry.Exemption",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case",
        verbose_name="vrijstelling",
    )
    handed_over_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handed_over_to",
        verbose_name="overgedragen uit zaak",
    )
    version = models.PositiveIntegerField("versie", default=1)
    anonymised_on = models.DateField(
        "geanonimiseerd op",
        null=True,
        blank=True,
        help_text="Na de bewaartermijn: de jongere, namen, aantekeningen en documenten "
        "zijn verwijderd; alleen wat de jaarcijfers tellen is over.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    # The principal as last read from or written to the database, so that a
    # save that changes it can be checked against the open PrincipalPeriod.
    _stored_principal_id: str | None = None

    class Meta:
        verbose_name = "zaak"
        verbose_name_plural = "zaken"
        ordering = ["-opened_on", "-pk"]
        indexes = [
            models.Index(fields=["person", "type", "status"], name="case_person_type_status"),
            models.Index(fields=["principal", "status"], name="case_principal_status"),
            models.Index(fields=["owner", "status"], name="case_owner_status"),
            # The team list shows the newest cases first, 50 at a time.
            models.Index(fields=["-opened_on", "-id"], name="case_opened_desc"),
        ]

    def __str__(self) -> str:
        return f"zaak {self.pk} ({self.get_type_display()})"

    def save(self, *args, **kwargs) -> None:
        """Saves; a change of the principal of an existing case must come with
        its PrincipalPeriod (rbl.cases.services.principal.change_principal),
        else PrincipalChangeError and nothing is saved."""
        fields = kwargs.get("update_fields")
        writes_principal = (
            fields is None or bool(_PRINCIPAL_FIELDS & set(fields))
        ) and "principal_id" not in self.get_deferred_fields()
        if (
            writes_principal
            and not self._state.adding
            and self.principal_id != self._stored_principal_id
        ):
            self._check_principal_period()
        super().save(*args, **kwargs)
        if writes_principal:
            self._stored_principal_id = self.principal_id

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_principal_id = instance.__dict__.get("principal_id")
        return instance

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        self._stored_principal_id = self.__dict__.get("principal_id")

    def _check_principal_period(self) -> None:
        from .principal import PrincipalPeriod

        open_municipality = (
            PrincipalPeriod.objects.filter(case_id=self.pk, end__isnull=True)
            .values_list("municipality_id", flat=True)
            .first()
        )
        if open_municipality != self.principal_id:
            raise PrincipalChangeError(
                "De opdrachtgever van een zaak wijzigt alleen met een periode "
                "(rbl.cases.services.principal.change_principal)."
            )

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.AFGESLOTEN


class OwnershipPeriod(models.Model):
    """Who owned a case from when until when. A former owner keeps read access."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="ownerships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_ownerships"
    )
    start = models.DateTimeField("vanaf")
    end = models.DateTimeField("tot", null=True, blank=True)

    class Meta:
        verbose_name = "eigenaarschap"
        verbose_name_plural = "eigenaarschappen"
        ordering = ["start", "pk"]
        indexes = [models.Index(fields=["user", "case"], name="ownership_user_case")]


class ImmutableError(Exception):
    """An attempt to change or delete a record that may only be appended."""


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes; bulk deletion only to the retention job
    (`rbl.core.retention_gate.retention_removal`)."""

    def update(self, **kwargs):
        raise ImmutableError(f"{self.model._meta.verbose_name} kan niet worden gewijzigd")

    def delete(self):
        _refuse_removal(self.model)
        return super().delete()


def _refuse_removal(model) -> None:
    from rbl.core.retention_gate import removal_allowed

    if not removal_allowed():
        raise ImmutableError(f"{model._meta.verbose_name} kan niet worden verwijderd")


def refuse_cascade(sender, instance, **kwargs) -> None:
    """pre_delete receiver of every append-only model: deleting its case (a
    cascade) is refused too, except to the retention job."""
    _refuse_removal(sender)


class AppendOnlyModel(models.Model):
    """A model whose rows, once written, are never changed or deleted; only
    the retention job removes them when the term of their file has ended."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableError(f"{self._meta.verbose_name} kan niet worden gewijzigd")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse_removal(type(self))
        return super().delete(*args, **kwargs)


class EventKind(models.TextChoices):
    CREATED = "aangemaakt", "Zaak aangemaakt"
    STATUS = "status", "Status gewijzigd"
    CLOSED = "afgesloten", "Zaak afgesloten"
    REOPENED = "heropend", "Zaak heropend"
    ASSIGNED = "toegewezen", "Toegewezen"
    HANDOVER = "overgedragen", "Overgedragen"
    MUNICIPALITY = "gemeente", "Overgedragen aan andere gemeente"
    RMC = "rmc", "Overgedragen aan RMC"
    ROUTE = "route", "Route gekozen"
    PARENTS = "ouders", "Keuze ouders informeren vastgelegd"
    MELDING = "melding", "Verzuimmelding toegevoegd"
    ACTIVITY = "activiteit", "Activiteit vastgelegd"
    HANDHAVING = "handhaving", "Halt/PV bijgewerkt"
    JCO = "jco", "Besproken in het JCO"
    EXEMPTION = "vrijstelling", "Vrijstelling vastgelegd"
    LEAVE = "verlof", "Verlofaanvraag bijgewerkt"
    LETTER = "brief", "Brief gemaakt"
    DOCUMENT = "document", "Document toegevoegd"
    TASK_ADDED = "taak_toegevoegd", "Taak toegevoegd"
    TASK_DONE = "taak_afgerond", "Taak afgerond"


class CaseEvent(AppendOnlyModel):
    """One entry of a case's history; written in the same transaction as the
    change it records, under a row lock on the case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField("tijdstip")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="door",
    )
    kind = models.CharField("soort", max_length=20, choices=EventKind.choices)
    data = models.JSONField("gegevens", default=dict, blank=True)
    note = models.TextField("toelichting", blank=True)
    version = models.PositiveIntegerField("zaakversie na deze wijziging")

    class Meta:
        verbose_name = "zaakgebeurtenis"
        verbose_name_plural = "zaakgebeurtenissen"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.at:%Y-%m-%d %H:%M})"


models.signals.pre_delete.connect(
    refuse_cascade, sender=CaseEvent, dispatch_uid="caseevent_append_only"
)


class ActivityKind(models.TextChoices):
    GESPREK_JONGERE = "gesprek_jongere", "Gesprek met jongere"
    GESPREK_OUDERS = "gesprek_ouders", "Gesprek met ouders"
    SCHOOLCONTACT = "schoolcontact", "Contact met school"
    VERZUIMSTAAT = "verzuimstaat", "Verzuimstaat opgevraagd"
    HUISBEZOEK = "huisbezoek", "Huisbezoek"
    DOORVERWIJZING = "doorverwijzing", "Doorverwijzing naar zorg"
    WAARSCHUWING = "waarschuwing", "Waarschuwing"
    HALT = "halt", "Verwijzing naar Halt"
    PV = "pv", "Proces-verbaal"
    RVDK = "rvdk", "Melding Raad voor de Kinderbescherming"
    BRIEF = "brief", "Brief verstuurd"
    OVERIG = "overig", "Overig"


class Activity(models.Model):
    """A dated step of the MAS method with its author and notes (R-21)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField("soort", max_length=20, choices=ActivityKind.choices)
    date = models.DateField("datum")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_activities",
        verbose_name="auteur",
    )
    notes = models.TextField("aantekeningen", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "activiteit"
        verbose_name_plural = "activiteiten"
        ordering = ["-date", "-pk"]
