"""Forms of the Halt and PV screens (R-22). Labels and messages are Dutch;
each form carries the version the user saw (of the case when starting, of the
Halt/PV record after that), so a change in another tab is not overwritten."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from rbl.cases.models import HandhavingKind, HandhavingOutcome
from rbl.web.forms import DateInput, VersionedForm

HALT_OUTCOMES = (HandhavingOutcome.HALT_GESLAAGD, HandhavingOutcome.HALT_NIET_GESLAAGD)


class StartForm(VersionedForm):
    """The owner refers to Halt or asks for a PV, and names the BOA."""

    kind = forms.ChoiceField(
        label="Wat vraagt u aan?",
        choices=[
            ("", "— kies —"),
            (HandhavingKind.HALT, "Verwijzing naar Halt"),
            (HandhavingKind.PV, "Proces-verbaal"),
        ],
        error_messages={"required": "Kies Halt of proces-verbaal."},
    )
    handler = forms.TypedChoiceField(
        label="BOA die het afhandelt",
        coerce=int,
        error_messages={
            "required": "Kies de BOA die het afhandelt.",
            "invalid_choice": "Kies een BOA uit de lijst.",
        },
    )

    def __init__(self, *args: Any, boas: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["handler"].choices = [("", "— kies —"), *boas]


class DatesForm(VersionedForm):
    """The dates the BOA fills in: for Halt sending and acceptance, for a PV
    sending to the OM and the hearing."""

    sent_on = forms.DateField(label="Verzonden op", required=False, widget=DateInput())
    accepted_on = forms.DateField(
        label="Aangenomen door Halt op", required=False, widget=DateInput()
    )
    hearing_on = forms.DateField(label="Zittingsdatum", required=False, widget=DateInput())

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if kind == HandhavingKind.HALT:
            del self.fields["hearing_on"]
            self.fields["sent_on"].label = "Verzonden naar Halt op"
        else:
            del self.fields["accepted_on"]
            self.fields["sent_on"].label = "Verzonden naar het OM op"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        today = timezone.localdate()
        for name in ("sent_on", "accepted_on"):
            day = data.get(name)
            if isinstance(day, dt.date) and day > today:
                self.add_error(name, "Deze datum kan niet in de toekomst liggen.")
        return data


class OutcomeForm(VersionedForm):
    """The Halt outcome, or the verdict or decision of the OM."""

    outcome = forms.ChoiceField(label="Uitkomst", error_messages={"required": "Kies de uitkomst."})
    outcome_on = forms.DateField(
        label="Datum van de uitkomst",
        widget=DateInput(),
        error_messages={"required": "Vul de datum van de uitkomst in."},
    )
    note = forms.CharField(
        label="Toelichting (optioneel)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (value, label)
            for value, label in HandhavingOutcome.choices
            if (value in HALT_OUTCOMES) == (kind == HandhavingKind.HALT)
        ]
        self.fields["outcome"].choices = [("", "— kies —"), *choices]
        if kind == HandhavingKind.PV:
            self.fields["outcome"].label = "Vonnis of beslissing van het OM"

    def clean_outcome_on(self) -> dt.date:
        day = self.cleaned_data["outcome_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("De datum van de uitkomst kan niet in de toekomst liggen.")
        return day


class ScanForm(VersionedForm):
    """The signed PV, scanned as a PDF."""

    file = forms.FileField(
        label="Ondertekend PV (PDF)",
        error_messages={"required": "Kies het gescande, ondertekende PV (een PDF-bestand)."},
    )


class VersionOnlyForm(VersionedForm):
    """A button that only carries the version (prepare the PV, ask for a PV)."""
