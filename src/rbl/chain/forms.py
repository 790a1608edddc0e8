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
