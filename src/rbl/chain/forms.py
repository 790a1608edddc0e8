"""Forms of the chain-partner screens, with Dutch messages naming the field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from rbl.chain.models import TerugmeldingOutcome, TerugmeldingReason
from rbl.chain.terugmelding import GROUNDS_MAX

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DUTCH = {"required": "Vul dit veld in.", "invalid": "Vul een geldige waarde in."}
DATE_ERRORS = {**DUTCH, "invalid": "Vul een datum in als dd-mm-jjjj."}


class _Versioned(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages=DUTCH)


def _not_future(day: dt.date) -> dt.date:
    if day > timezone.localdate():
        raise forms.ValidationError("Deze datum ligt in de toekomst.")
    return day


class SentForm(_Versioned):
    sent_on = forms.DateField(label="Verzonden op", widget=DATE, error_messages=DATE_ERRORS)

    def clean_sent_on(self) -> dt.date:
        return _not_future(self.cleaned_data["sent_on"])


class TerugmeldingForm(_Versioned):
    reasons = forms.MultipleChoiceField(
        label="Redenen van de twijfel",
        choices=TerugmeldingReason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Kies ten minste één reden.",
            "invalid_choice": "Kies een reden uit de lijst.",
        },
    )
    grounds = forms.CharField(
        label="Toelichting (gronden)",
        max_length=GROUNDS_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Wat u hebt vastgesteld, met data: huisbezoeken, teruggekomen post, "
        "berichten van de school.",
        error_messages={
            "required": "Licht de twijfel aan het adres toe.",
            "max_length": f"Gebruik hoogstens {GROUNDS_MAX} tekens.",
        },
    )


class OutcomeForm(_Versioned):
    outcome = forms.ChoiceField(
        label="Uitkomst",
        choices=[("", "— kies —"), *TerugmeldingOutcome.choices],
        error_messages={"required": "Kies een uitkomst.", "invalid_choice": "Kies een uitkomst."},
    )
    outcome_on = forms.DateField(
        label="Datum van de uitkomst", widget=DATE, error_messages=DATE_ERRORS
    )

    def clean_outcome_on(self) -> dt.date:
        return _not_future(self.cleaned_data["outcome_on"])


class ForwardForm(_Versioned):
    """Forwarding a case to a municipality outside the region: the new
    municipality (name and CBS code) and the documents to send along."""

    municipality_name = forms.CharField(
        label="Naam nieuwe gemeente",
        max_length=100,
        error_messages={
            "required": "Vul de naam van de gemeente in.",
            "max_length": "Gebruik hoogstens 100 tekens.",
        },
    )
    municipality_code = forms.RegexField(
        label="CBS-code nieuwe gemeente",
        regex=r"^\d{4}$",
        max_length=4,
        help_text="Vier cijfers, bijvoorbeeld 0153 voor Enschede.",
        error_messages={
            "required": "Vul de CBS-code van de gemeente in.",
            "invalid": "Vul vier cijfers in, bijvoorbeeld 0153.",
            "max_length": "Vul vier cijfers in, bijvoorbeeld 0153.",
        },
    )
    documents = forms.MultipleChoiceField(
        label="Mee te sturen stukken",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Kies alleen stukken van deze zaak."},
    )

    def __init__(self, *args, documents=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [
            (str(d.pk), f"{d.title}" + (f" (kenmerk {d.reference})" if d.reference else ""))
            for d in documents
        ]


class MoveInRegionForm(_Versioned):
    """Handing a case over to another municipality of the region."""

    municipality = forms.ChoiceField(
        label="Nieuwe gemeente",
        error_messages={"required": "Kies een gemeente.", "invalid_choice": "Kies een gemeente."},
    )
    moved_on = forms.DateField(label="Datum verhuizing", widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args, municipalities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [
            ("", "— kies —"),
            *((m.pk, f"{m.name} ({m.pk})") for m in municipalities),
        ]

    def clean_moved_on(self) -> dt.date:
        return _not_future(self.cleaned_data["moved_on"])


class ForwardReportForm(forms.Form):
    """Forwarding a DUO report: the new municipality (name and CBS code)."""

    municipality_name = ForwardForm.base_fields["municipality_name"]
    municipality_code = ForwardForm.base_fields["municipality_code"]
