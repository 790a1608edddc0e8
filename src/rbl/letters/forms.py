"""Forms of the letters screens. Labels and messages are Dutch."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from rbl.law.status import school_year_end
from rbl.letters.models import UploadKind
from rbl.letters.services.letters import CASE_KINDS
from rbl.web.forms import AccessibleForm, DateInput, VersionedForm


class MakeLetterForm(VersionedForm):
    kind = forms.ChoiceField(label="Soort brief", choices=[(k.value, k.label) for k in CASE_KINDS])
    afspraak = forms.CharField(
        label="Datum, tijd en plaats van het gesprek (bij een uitnodiging)",
        required=False,
        max_length=200,
    )


class UploadForm(VersionedForm):
    upload_kind = forms.ChoiceField(label="Soort document", choices=UploadKind.choices)
    title = forms.CharField(label="Omschrijving", required=False, max_length=200)
    file = forms.FileField(
        label="Bestand (PDF, PNG of JPEG)",
        error_messages={"required": "Kies een bestand.", "empty": "Het bestand is leeg."},
    )


class AnswerForm(AccessibleForm):
    until = forms.DateField(
        label="Geen nieuw signaal tot en met",
        widget=DateInput,
        help_text="Standaard het einde van het schooljaar.",
    )
    note = forms.CharField(label="Toelichting", required=False, max_length=150)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = school_year_end(timezone.localdate())

    def clean_until(self) -> dt.date:
        day = self.cleaned_data["until"]
        if day < timezone.localdate():
            raise forms.ValidationError("Deze datum ligt in het verleden.")
        return day


class TemplateForm(AccessibleForm):
    subject = forms.CharField(label="Onderwerp", max_length=200)
    body = forms.CharField(
        label="Tekst",
        widget=forms.Textarea(attrs={"rows": 18, "class": "code"}),
        help_text="Markdown: een lege regel begint een nieuwe alinea, **vet** voor nadruk. "
        "Velden tussen {{ en }}, zie de lijst.",
    )

    def __init__(self, *args, municipalities=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for m in municipalities:
            self.fields[f"lokaal_{m.code}"] = forms.CharField(
                label=f"Lokale tekst {m.name}",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        self.municipalities = list(municipalities)

    def local_blocks(self) -> dict[str, str]:
        return {m.code: self.cleaned_data.get(f"lokaal_{m.code}", "") for m in self.municipalities}
