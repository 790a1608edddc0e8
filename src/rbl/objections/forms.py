"""The forms of the objection and complaint screens (labels in Dutch)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from rbl.objections.models import (
    ComplainantKind,
    ComplaintOutcome,
    ObjectionOutcome,
)
from rbl.web.forms import AccessibleForm, DateInput

TEXT = forms.Textarea(attrs={"rows": 4})


class ObjectionForm(AccessibleForm):
    decision = forms.ChoiceField(label="Besluit waartegen het bezwaar is")
    decision_date = forms.DateField(
        label="Datum van het besluit (alleen bij een ander besluit)",
        required=False,
        widget=DateInput,
    )
    decision_description = forms.CharField(
        label="Omschrijving van het besluit (alleen bij een ander besluit)",
        required=False,
        max_length=200,
    )
    received_on = forms.DateField(label="Bezwaar ontvangen op", widget=DateInput)
    grounds = forms.CharField(label="Gronden van het bezwaar", required=False, widget=TEXT)
    committee = forms.BooleanField(
        label="De gemeente laat zich adviseren door een bezwaarcommissie", required=False
    )

    def __init__(self, *args: Any, decisions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = decisions


class _Handling(AccessibleForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    committee = forms.BooleanField(label="Commissie betrokken", required=False)
    postponed_on = forms.DateField(label="Verdaagd op", required=False, widget=DateInput)
    postponement_reason = forms.CharField(label="Reden verdaging", required=False, widget=TEXT)
    outcome_on = forms.DateField(label="Beslist op", required=False, widget=DateInput)


class ObjectionHandlingForm(_Handling):
    forwarded_on = forms.DateField(
        label="Doorgestuurd naar de gemeente op", required=False, widget=DateInput
    )
    committee_informed_on = forms.DateField(
        label="Bezwaarcommissie geïnformeerd op", required=False, widget=DateInput
    )
    advice_on = forms.DateField(label="Advies ontvangen op", required=False, widget=DateInput)
    advice = forms.CharField(label="Advies van de commissie", required=False, widget=TEXT)
    outcome = forms.ChoiceField(
        label="Uitkomst",
        required=False,
        choices=[("", "nog geen uitkomst"), *ObjectionOutcome.choices],
    )

    field_order = [
        "version",
        "forwarded_on",
        "committee",
        "committee_informed_on",
        "advice_on",
        "advice",
        "postponed_on",
        "postponement_reason",
        "outcome",
        "outcome_on",
    ]

    def __init__(self, *args: Any, regional: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if regional:  # the committee always advises; nothing is forwarded
            del self.fields["forwarded_on"]
            del self.fields["committee"]


class ComplaintForm(AccessibleForm):
    municipality = forms.ChoiceField(label="Gemeente namens wie de medewerker optrad")
    received_on = forms.DateField(label="Klacht ontvangen op", widget=DateInput)
    complainant_kind = forms.ChoiceField(label="Klager", choices=ComplainantKind.choices)
    about = forms.ModelChoiceField(label="Over medewerker", queryset=None)
    summary = forms.CharField(label="Samenvatting van de klacht", widget=TEXT)
    committee = forms.BooleanField(label="Behandeling door een klachtencommissie", required=False)

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], user: Any, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = municipalities
        codes = [code for code, _ in municipalities]
        self.fields["about"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, role_assignments__municipality_id__in=codes)
            .exclude(pk=user.pk)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["about"].label_from_instance = lambda u: u.get_full_name() or u.username


class ComplaintHandlingForm(_Handling):
    committee = forms.BooleanField(label="Behandeling door een klachtencommissie", required=False)
    outcome = forms.ChoiceField(
        label="Uitkomst",
        required=False,
        choices=[("", "nog geen uitkomst"), *ComplaintOutcome.choices],
    )
    field_order = [
        "version",
        "committee",
        "postponed_on",
        "postponement_reason",
        "outcome",
        "outcome_on",
    ]


class ListFilter(AccessibleForm):
    soort = forms.ChoiceField(
        label="Soort",
        required=False,
        choices=[("", "bezwaren en klachten"), ("bezwaar", "bezwaren"), ("klacht", "klachten")],
    )
    status = forms.ChoiceField(
        label="Stand",
        required=False,
        choices=[("", "open"), ("verstreken", "termijn verstreken"), ("alle", "alle")],
    )
    jaar = forms.IntegerField(
        label="Jaar van ontvangst",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "Vul bij jaar van ontvangst een jaartal in, zoals 2026.",
            "min_value": "Vul bij jaar van ontvangst een jaartal vanaf 2000 in.",
            "max_value": "Vul bij jaar van ontvangst een jaartal tot en met 2100 in.",
        },
    )
