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
