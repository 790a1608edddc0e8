"""Forms of the cases app's own screens. Labels and messages are Dutch."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from rbl.cases.services.jco import MAX_ACTION
from rbl.web.forms import AccessibleForm, DateInput


class JcoOutcomeForm(AccessibleForm):
    """What the JCO agreed on one line of the list."""

    meeting_on = forms.DateField(
        label="Datum overleg", widget=DateInput, initial=timezone.localdate
    )
    action = forms.CharField(
        label="Afgesproken actie",
        max_length=MAX_ACTION,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Vul de afgesproken actie in."},
    )

    def clean_meeting_on(self) -> dt.date:
        day = self.cleaned_data["meeting_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("De datum van het overleg kan niet in de toekomst liggen.")
        return day


class ExemptionWithdrawalForm(AccessibleForm):
    """Withdrawing (intrekken) the exemption decision of a vrijstelling case."""

    withdrawn_from = forms.DateField(
        label="Ingetrokken per (eerste dag zonder vrijstelling)",
        widget=DateInput,
        error_messages={"required": "Vul de datum in waarop de intrekking ingaat."},
    )
    decided_on = forms.DateField(
        label="Datum besluit tot intrekking",
        widget=DateInput,
        initial=timezone.localdate,
        error_messages={"required": "Vul de datum van het besluit tot intrekking in."},
    )
    reason = forms.CharField(
        label="Reden",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vul de reden van de intrekking in."},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_decided_on(self) -> dt.date:
        day = self.cleaned_data["decided_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Het besluit kan niet in de toekomst liggen.")
        return day
