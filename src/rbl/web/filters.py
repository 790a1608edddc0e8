"""Filters of the case lists, shared by the screens and the API.

Besides status, type, municipality and owner, the lists filter on what the
dashboard counts (`rbl.reporting`): open cases, how long open (`duur`), the
youth's age band (`leeftijd`), an overdue task (`termijn=verstreken`), the
month opened and a new absence report, so each dashboard number links to
exactly the list behind it; and on the case items of the data-quality report
(`kwaliteit`: zonder_eigenaar, te_lang_open, zonder_route, with the region's
terms, `rbl.reporting.quality.case_problem_q`), so each number there does too.
"""

from __future__ import annotations

import django_filters
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from rbl.cases.models import Case, CaseStatus, CaseType, Task, VerzuimMelding
from rbl.cases.services.worklists import week_ahead_range
from rbl.reporting.bands import AGE_BANDS, DURATION_BANDS, age_q, duration_q

REGION = "regio"
# The case items of the data-quality report, as a filter (`kwaliteit=`).
QUALITY_CHOICES = [
    ("zonder_eigenaar", "zonder (actieve) eigenaar"),
    ("te_lang_open", "langer open dan de termijn"),
    ("zonder_route", "zonder MAS-route na de termijn"),
]


def _today():
    return timezone.localdate()


class CaseFilter(django_filters.FilterSet):
    """status, type, gemeente (CBS code of the principal, or `regio` for every
    municipality whose cases the user reads), eigenaar (username), open,
    duur, leeftijd, termijn, geopend_vanaf/geopend_tot, melding_vanaf, kwaliteit."""

    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, label="Status")
    type = django_filters.ChoiceFilter(choices=CaseType.choices, label="Soort")
    gemeente = django_filters.CharFilter(method="filter_gemeente", label="Gemeente (CBS-code)")
    eigenaar = django_filters.CharFilter(
        field_name="owner__username", label="Eigenaar (gebruikersnaam)"
    )
    open = django_filters.ChoiceFilter(
        choices=[("ja", "alleen open zaken")], method="filter_open", label="Open"
    )
    duur = django_filters.ChoiceFilter(
        choices=[(b.key, b.label) for b in DURATION_BANDS], method="filter_duur", label="Open sinds"
    )
    leeftijd = django_filters.ChoiceFilter(
        choices=[(b.key, b.label) for b in AGE_BANDS], method="filter_leeftijd", label="Leeftijd"
    )
    termijn = django_filters.ChoiceFilter(
        choices=[("verstreken", "termijn verstreken"), ("deze_week", "termijn deze week")],
        method="filter_termijn",
        label="Termijn",
    )
    geopend_vanaf = django_filters.DateFilter(
        field_name="opened_on", lookup_expr="gte", label="Geopend vanaf"
    )
    geopend_tot = django_filters.DateFilter(
        field_name="opened_on", lookup_expr="lte", label="Geopend tot en met"
    )
    melding_vanaf = django_filters.DateFilter(
        method="filter_melding_vanaf", label="Verzuimmelding ontvangen vanaf"
    )
    kwaliteit = django_filters.ChoiceFilter(
        choices=QUALITY_CHOICES, method="filter_kwaliteit", label="Datakwaliteit"
    )

    class Meta:
        model = Case
        fields = ["status", "type", "gemeente", "eigenaar"]

    def filter_gemeente(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        if value == REGION:
            from rbl.accounts.access import grants

            user = getattr(self.request, "user", None)
            return qs.filter(principal_id__in=list(grants(user).all_cases))
        return qs.filter(principal_id=value)

    def filter_open(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.exclude(status=CaseStatus.AFGESLOTEN)

    def filter_duur(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(duration_q(value, _today()))

    def filter_leeftijd(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(age_q(value, _today()))

    def filter_termijn(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        today = _today()
        if value == "deze_week":
            week = week_ahead_range(today)
            tasks = Task.objects.open().filter(due_on__gte=week[0], due_on__lte=week[1])
        else:
            tasks = Task.objects.overdue(today)
        return qs.filter(Exists(tasks.filter(case=OuterRef("pk"))))

    def filter_melding_vanaf(self, qs: QuerySet, name: str, value) -> QuerySet:
        return qs.filter(
            Exists(VerzuimMelding.objects.filter(case=OuterRef("pk"), meldingsdatum__gte=value))
        )

    def filter_kwaliteit(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        from rbl.reporting.quality import case_problem_q

        return qs.filter(case_problem_q(value, _today()))
