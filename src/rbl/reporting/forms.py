"""Forms of the yearly reports: the national reference upload, the targets and
the annual report's text. Messages in Dutch."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms

from rbl.reporting.numbers import parse_value
from rbl.reporting.reference import MAX_BYTES
from rbl.reporting.report_text import MAX_CHARS


class ReferenceUploadForm(forms.Form):
    bestand = forms.FileField(
        label="Bestand (CSV)",
        error_messages={
            "required": "Kies een CSV-bestand.",
            "empty": "Het gekozen bestand is leeg.",
            "invalid": "Dit is geen bestand.",
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    voorbeeld = forms.BooleanField(
        label="Dit zijn voorbeeldgegevens, geen officiële cijfers", required=False
    )

    def clean_bestand(self):
        upload = self.cleaned_data["bestand"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"Het bestand is groter dan {MAX_BYTES // 1_000_000} MB; "
                "een referentiebestand is veel kleiner."
            )
        return upload


class TargetField(forms.CharField):
    """A target value: empty is no target; a decimal comma or point."""

    def __init__(self, key: str, **kwargs) -> None:
        self.key = key
        super().__init__(required=False, max_length=30, **kwargs)

    def clean(self, value) -> Decimal | None:
        text = super().clean(value)
        if not text.strip():
            return None
        try:
            return parse_value(text, self.key)
        except ValueError as exc:
            raise forms.ValidationError(f"{self.label}: {exc}.") from None


class TargetsForm(forms.Form):
    """One field per target key, named by the key; empty = no target. The
    hidden `basis` holds the values the form was opened with, so that saving
    changes only what this user changed and notices what someone else changed
    meanwhile (no lost update)."""

    def __init__(self, keys: list[tuple[str, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.keys = [key for key, _ in keys]
        for key, label in keys:
            self.fields[key] = TargetField(key, label=label)
        self.fields["basis"] = forms.CharField(required=False, widget=forms.HiddenInput)

    @staticmethod
    def encode_basis(current: dict[str, Decimal]) -> str:
        return json.dumps({k: str(v) for k, v in sorted(current.items())})

    def clean_basis(self) -> dict[str, Decimal | None] | None:
        text = self.cleaned_data.get("basis") or ""
        if not text:
            return None  # an older form or a script: every submitted value is set
        try:
            raw = json.loads(text)
            if not isinstance(raw, dict):
                raise ValueError
            known = {k: Decimal(str(v)) for k, v in raw.items() if k in self.keys}
        except (ValueError, ArithmeticError):
            raise forms.ValidationError(
                "Het formulier is niet volledig; open de pagina opnieuw."
            ) from None
        return {key: known.get(key) for key in self.keys}

    def values(self) -> dict[str, Decimal | None]:
        return {key: self.cleaned_data.get(key) for key in self.keys}

    def basis(self) -> dict[str, Decimal | None] | None:
        return self.cleaned_data.get("basis")


class ReportTextForm(forms.Form):
    tekst = forms.CharField(
        label="Tekst van de gemeente",
        required=False,
        max_length=MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 16, "cols": 80}),
        error_messages={
            "max_length": "De tekst is te lang: ten hoogste %(limit_value)s tekens "
            "(nu %(show_value)s)."
        },
    )
    versie = forms.IntegerField(
        min_value=0,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Het formulier is niet volledig; open de pagina opnieuw.",
            "invalid": "Het formulier is niet volledig; open de pagina opnieuw.",
            "min_value": "Het formulier is niet volledig; open de pagina opnieuw.",
        },
    )
