"""Filters of the case lists, shared by the screens and the API."""

from __future__ import annotations

import django_filters

from rbl.cases.models import Case, CaseStatus, CaseType


class CaseFilter(django_filters.FilterSet):
    """status, type, gemeente (CBS code of the principal) and eigenaar (username)."""

    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label="Status")
    type = django_filters.ChoiceFilter(choices=CaseType.choices, label="Soort")
    gemeente = django_filters.CharFilter(field_name="principal_id", label="Gemeente (CBS-code)")
    eigenaar = django_filters.CharFilter(
        field_name="owner__username", label="Eigenaar (gebruikersnaam)"
    )

    class Meta:
        model = Case
        fields = ["status", "type", "gemeente", "eigenaar"]
