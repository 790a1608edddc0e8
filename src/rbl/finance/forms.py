"""Upload form of the finance scenario page."""

from __future__ import annotations

from django import forms

MAX_SCENARIO_BYTES = 1024 * 1024
FORMATS = [("html", "Op het scherm"), ("xlsx", "Excel (.xlsx)"), ("pdf", "PDF")]


def _check_size(upload: forms.FileField) -> None:
    if upload is not None and upload.size > MAX_SCENARIO_BYTES:
        raise forms.ValidationError("Een scenariobestand is hooguit 1 MB groot.")


class ScenarioUploadForm(forms.Form):
    scenario = forms.FileField(
        label="Scenariobestand (YAML of JSON)",
        validators=[_check_size],
        error_messages={"required": "Kies een scenariobestand."},
    )
    vergelijk = forms.FileField(
        label="Vergelijken met (optioneel tweede scenario)",
        required=False,
        validators=[_check_size],
    )
    formaat = forms.ChoiceField(label="Uitvoer", choices=FORMATS, initial="html")
