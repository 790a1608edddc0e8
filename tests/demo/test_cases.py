"""The demo's case work: officers who log in find work lists of their own
municipality, worked and closed cases, overdue tasks and unlinked reports."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.contrib.auth import get_user_model

from rbl.cases.models import AssignmentRule, Case, CaseStatus, VerzuimMelding
from rbl.cases.services.worklists import overdue_tasks
from rbl.demo.build import build_demo

PEIL = dt.date(2026, 11, 2)
SCALE = 0.04


def case_counts() -> Counter:
    return Counter(Case.objects.values_list("type", "status", "closing_reason", "route"))


@pytest.mark.django_db(transaction=True)
def test_demo_has_case_work_in_every_state_and_is_reproducible():
    summary = build_demo(seed=3, scale=SCALE, peildatum=PEIL)
    users = {u.username: u for u in get_user_model().objects.all()}

    # Every municipality has its three assignment rules.
    assert (
        AssignmentRule.objects.filter(municipality_id="0197", age_group="LP").get().user
        == (users["lpa-aalten"])
    )
    assert AssignmentRule.objects.filter(age_group="RMC", user=users["rmc-regio"]).count() == 9

    # lpa-aalten's work list: open cases, all of Aalten residents.
    aalten = Case.objects.open().filter(owner=users["lpa-aalten"]).select_related("person")
    assert aalten.exists()
    assert {c.person.municipality_id for c in aalten} == {"0197"}
    assert {c.principal_id for c in aalten} == {"0197"}

    # Closed cases carry a reason; worked cases have a route and activities.
    closed = Case.objects.filter(status=CaseStatus.AFGESLOTEN)
    assert closed.exists()
    assert not closed.filter(closing_reason="").exists()
    assert Case.objects.exclude(route="").exists()
    assert Case.objects.filter(activities__isnull=False).exists()
    assert Case.objects.filter(type="rmc").exists()
    assert Case.objects.filter(type="verlof").exists()
    # Some of the year's cases are still open and some follow-ups are overdue.
    assert Case.objects.open().exists()
    assert overdue_tasks(PEIL).exists()
    # Reports of BSNs the registry does not know wait in the "niet gekoppeld" queue.
    assert VerzuimMelding.objects.filter(person__isnull=True, case__isnull=True).exists()
    # Cases opened over the year, not all on the peildatum.
    assert Case.objects.filter(opened_on__lt=PEIL - dt.timedelta(days=180)).exists()
    assert summary.cases == Case.objects.count()
    # The BOA's papers are dated, so the JCO list shows where each record stands.
    from rbl.cases.models import Handhaving

    assert Handhaving.objects.exclude(documents_prepared_on=None).exists()
    assert Handhaving.objects.exclude(sent_on=None).exists()

    first = case_counts()
    build_demo(seed=3, scale=SCALE, peildatum=PEIL)
    assert case_counts() == first
