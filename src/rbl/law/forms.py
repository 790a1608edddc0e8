"""The form that adds an RMC age limit, with Dutch messages naming the field."""

from __future__ import annotations

from django import forms

from rbl.law.status import MAX_RMC_AGE, MIN_RMC_AGE
from rbl.organisation.forms import DATE, DATE_ERRORS, DUTCH


class RmcLimitForm(forms.Form):
    age = forms.IntegerField(
        label="Leeftijdsgrens (jaren)",
        min_value=MIN_RMC_AGE,
        max_value=MAX_RMC_AGE,
        help_text="De RMC-doelgroep loopt tot de dag vóór deze verjaardag.",
        error_messages=DUTCH,
    )
    valid_from = forms.DateField(
        label="Geldig vanaf",
        widget=DATE,
        help_text="Vandaag of later; een vastgelegde grens verandert niet meer.",
        error_messages=DATE_ERRORS,
    )
