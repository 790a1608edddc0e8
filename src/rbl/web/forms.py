"""Forms of the screens. Labels and messages are Dutch."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from rbl.cases.models import (
    ActivityKind,
    CaseStatus,
    CaseType,
    ClosingReason,
    LeaveArticle,
    LeaveDecision,
    MasRoute,
    TaskKind,
)
from rbl.core.bsn import bsn_error
from rbl.organisation.models import Municipality
from rbl.registry.imports import KINDS
from rbl.registry.models import ExemptionGround
from rbl.reporting.bands import AGE_BANDS, DURATION_BANDS
from rbl.web.filters import QUALITY_CHOICES


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class AccessibleForm(forms.Form):
    """Marks fields with errors for screen readers: aria-invalid, and
    aria-describedby pointing at the error text that _form.html renders."""

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}_fout"


class VersionedForm(AccessibleForm):
    """Carries the case version the user saw, so a concurrent change is detected."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ActivityForm(VersionedForm):
    kind = forms.ChoiceField(label="Soort activiteit", choices=ActivityKind.choices)
    date = forms.DateField(label="Datum", widget=DateInput, initial=timezone.localdate)
    notes = forms.CharField(
        label="Aantekeningen", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    # Time spent on it (R-53), booked for the case's municipality.
    minutes = forms.IntegerField(
        label="Bestede tijd in minuten (optioneel)",
        required=False,
        min_value=1,
        max_value=1440,
        error_messages={
            "min_value": "De tijd moet tussen 1 en 1440 minuten liggen.",
            "max_value": "De tijd moet tussen 1 en 1440 minuten liggen.",
        },
    )

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError("De datum kan niet in de toekomst liggen.")
        return day


class ConsentForm(VersionedForm):
    """From 16: does the youth let the parents hear the reasons (R-21)?"""

    parents_may_hear = forms.TypedChoiceField(
        label="Mogen de ouders de redenen horen?",
        choices=[
            ("", "— kies —"),
            ("ja", "Ja, de ouders mogen de redenen horen"),
            ("nee", "Nee, de ouders horen de redenen niet"),
        ],
        coerce=lambda value: value == "ja",
        error_messages={"required": "Kies ja of nee."},
    )
    decided_on = forms.DateField(
        label="Datum van de keuze", widget=DateInput, initial=timezone.localdate
    )

    def clean_decided_on(self) -> dt.date:
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("De datum kan niet in de toekomst liggen.")
        return day


class RouteForm(VersionedForm):
    route = forms.ChoiceField(label="MAS-route", choices=MasRoute.choices)
    note = forms.CharField(
        label="Toelichting", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(VersionedForm):
    reason = forms.ChoiceField(
        label="Reden van afsluiten",
        choices=[("", "— kies een reden —"), *ClosingReason.choices],
        error_messages={"required": "Kies een reden van afsluiten."},
    )
    note = forms.CharField(
        label="Toelichting", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


HANDOVER_OFFICER, HANDOVER_RMC = "medewerker", "rmc"


class HandoverForm(VersionedForm):
    """Hand the case to another officer, or at 18 to RMC (R-26)."""

    to = forms.ChoiceField(
        label="Overdragen aan",
        choices=[
            (HANDOVER_OFFICER, "Een andere medewerker"),
            (HANDOVER_RMC, "RMC (jongere is 18 jaar)"),
        ],
        initial=HANDOVER_OFFICER,
    )
    officer = forms.ChoiceField(
        label="Medewerker (bij RMC: leeg = volgens de toewijzingsregel)", required=False
    )
    note = forms.CharField(
        label="Toelichting", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, officers: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].choices = [("", "— kies een medewerker —"), *officers]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("to") == HANDOVER_OFFICER and not data.get("officer"):
            self.add_error("officer", "Kies de medewerker aan wie u de zaak overdraagt.")
        return data


class TaskForm(VersionedForm):
    """A due date on the case (R-27)."""

    kind = forms.ChoiceField(label="Soort taak", choices=TaskKind.choices, initial="opvolging")
    title = forms.CharField(label="Omschrijving (leeg = de soort)", required=False, max_length=200)
    due_on = forms.DateField(label="Uiterlijk op", widget=DateInput)

    def clean_due_on(self) -> dt.date:
        day = self.cleaned_data["due_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("De termijn kan niet in het verleden liggen.")
        return day


class TaskDoneForm(VersionedForm):
    """Marks one task of the case done."""


def _not_future(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise forms.ValidationError("De datum kan niet in de toekomst liggen.")
    return day


class LeaveRequestForm(AccessibleForm):
    """A verlofaanvraag registered on the person page (R-24); opens a new case."""

    requested_on = forms.DateField(
        label="Datum aanvraag", widget=DateInput, initial=timezone.localdate
    )
    article = forms.ChoiceField(
        label="Wetsartikel",
        choices=[("", "— kies een artikel —"), *LeaveArticle.choices],
        error_messages={"required": "Kies het wetsartikel van de aanvraag."},
    )
    start = forms.DateField(label="Verlof vanaf", widget=DateInput)
    end = forms.DateField(label="Verlof tot en met", widget=DateInput)
    reason = forms.CharField(
        label="Reden van de aanvraag", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_requested_on(self) -> dt.date:
        return _not_future(self.cleaned_data["requested_on"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "De einddatum ligt voor de begindatum.")
        return data


class LeaveDecisionForm(VersionedForm):
    """The decision on a leave request (R-24)."""

    decision = forms.ChoiceField(
        label="Besluit",
        choices=[("", "— kies een besluit —"), *LeaveDecision.choices],
        error_messages={"required": "Kies het besluit."},
    )
    decided_on = forms.DateField(
        label="Datum besluit", widget=DateInput, initial=timezone.localdate
    )
    note = forms.CharField(
        label="Motivering", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_decided_on(self) -> dt.date:
        return _not_future(self.cleaned_data["decided_on"])


class ExemptionForm(AccessibleForm):
    """A new vrijstelling registered on the person page (R-23); opens a case."""

    ground = forms.ChoiceField(
        label="Wettelijke grond",
        choices=[("", "— kies een grond —"), *ExemptionGround.choices],
        error_messages={"required": "Kies de wettelijke grond."},
    )
    start = forms.DateField(label="Ingangsdatum", widget=DateInput)
    end = forms.DateField(
        label="Einddatum (leeg = geen einddatum)", required=False, widget=DateInput
    )
    decided_on = forms.DateField(
        label="Datum besluit", widget=DateInput, initial=timezone.localdate
    )

    def clean_decided_on(self) -> dt.date:
        return _not_future(self.cleaned_data["decided_on"])

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "De einddatum ligt voor de ingangsdatum.")
        return data


class LeaveFilterForm(forms.Form):
    """The filter bar of the open leave requests (GET, no personal data)."""

    gemeente = forms.ChoiceField(label="Gemeente", required=False)
    artikel = forms.ChoiceField(
        label="Wetsartikel", required=False, choices=[("", "alle"), *LeaveArticle.choices]
    )
    verlopen = forms.BooleanField(label="Alleen verstreken beslistermijn", required=False)

    def __init__(self, *args, municipalities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].choices = [("", "alle"), *municipalities]


class ExemptionFilterForm(forms.Form):
    """The filter bar of the vrijstellingen register (GET, no personal data)."""

    gemeente = forms.ChoiceField(label="Beslissende gemeente", required=False)
    grond = forms.ChoiceField(
        label="Grond", required=False, choices=[("", "alle"), *ExemptionGround.choices]
    )
    binnenkort = forms.BooleanField(label="Alleen einde binnenkort", required=False)

    def __init__(self, *args, municipalities, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gemeente"].choices = [("", "alle"), *municipalities]


class SearchForm(AccessibleForm):
    """Search by BSN, or by surname with birth date. Sent by POST only."""

    bsn = forms.CharField(label="BSN", required=False, max_length=20)
    geslachtsnaam = forms.CharField(label="Achternaam", required=False, max_length=200)
    geboortedatum = forms.DateField(label="Geboortedatum", required=False, widget=DateInput)

    def clean_bsn(self) -> str:
        value = self.cleaned_data["bsn"].strip()
        if value:
            problem = bsn_error(value)
            if problem:
                raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict:
        data = super().clean()
        if self.errors or data.get("bsn"):
            return data
        if not (data.get("geslachtsnaam") or "").strip():
            raise forms.ValidationError("Vul een BSN in, of een achternaam met geboortedatum.")
        if not data.get("geboortedatum"):
            self.add_error("geboortedatum", "Vul bij zoeken op naam ook de geboortedatum in.")
        return data


class AccessLogForm(AccessibleForm):
    """The privacy officer asks who looked at one youth's file."""

    bsn = forms.CharField(label="BSN van de jongere", max_length=20)
    sinds = forms.DateField(label="Vanaf datum (leeg = alles)", required=False, widget=DateInput)

    def clean_bsn(self) -> str:
        value = self.cleaned_data["bsn"].strip()
        problem = bsn_error(value)
        if problem:
            raise forms.ValidationError(problem)
        return value


def _kind_choices() -> list[tuple[str, str]]:
    return [(name, kind.label) for name, kind in KINDS.items()]


class ImportForm(AccessibleForm):
    kind = forms.ChoiceField(label="Soort bestand", choices=_kind_choices)
    file = forms.FileField(label="Bestand (CSV)")
    gemeenten = forms.ModelMultipleChoiceField(
        label="Gemeenten (alleen bij een BRP-extract; leeg = de gemeenten in het bestand)",
        queryset=Municipality.objects.filter(region__isnull=False),
        required=False,
    )
    peildatum = forms.DateField(
        label="Peildatum (leeg = vandaag)", required=False, widget=DateInput
    )
    skip_invalid = forms.BooleanField(
        label="Goede regels verwerken en afgekeurde regels overslaan", required=False
    )

    def __init__(self, *args, max_mb: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.max_mb = max_mb

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_mb * 1024 * 1024:
            raise forms.ValidationError(f"Het bestand is groter dan {self.max_mb} MB.")
        return upload


class CaseFilterForm(forms.Form):
    """The filter bar of the case lists (GET: filters hold no personal data)."""

    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "alle"), *CaseStatus.choices]
    )
    type = forms.ChoiceField(
        label="Soort", required=False, choices=[("", "alle"), *CaseType.choices]
    )
    gemeente = forms.ChoiceField(label="Gemeente", required=False)
    eigenaar = forms.ChoiceField(label="Eigenaar", required=False)
    open = forms.ChoiceField(
        label="Open", required=False, choices=[("", "open en gesloten"), ("ja", "alleen open")]
    )
    duur = forms.ChoiceField(
        label="Open sinds",
        required=False,
        choices=[("", "alle"), *((b.key, b.label) for b in DURATION_BANDS)],
    )
    leeftijd = forms.ChoiceField(
        label="Leeftijd jongere",
        required=False,
        choices=[("", "alle"), *((b.key, b.label) for b in AGE_BANDS)],
    )
    termijn = forms.ChoiceField(
        label="Termijn",
        required=False,
        choices=[("", "alle"), ("verstreken", "verstreken"), ("deze_week", "deze week")],
    )
    geopend_vanaf = forms.DateField(
        label="Geopend vanaf", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    geopend_tot = forms.DateField(
        label="Geopend tot en met", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    melding_vanaf = forms.DateField(
        label="Verzuimmelding vanaf", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kwaliteit = forms.ChoiceField(
        label="Datakwaliteit", required=False, choices=[("", "alle"), *QUALITY_CHOICES]
    )

    def __init__(self, *args, municipalities, owners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        region = [("regio", "alle gemeenten samen")] if len(municipalities) > 1 else []
        self.fields["gemeente"].choices = [("", "alle"), *region, *municipalities]
        self.fields["eigenaar"].choices = [("", "alle"), *owners]
