"""Retention never changes the figures of a school year: a closed year's
snapshot stays as stored, and counting the year again after every file of it
was anonymised gives the same numbers (R-29, R-30)."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.audit.models import Tombstone
from rbl.audit.removal import run_case_retention
from rbl.cases.models import Case, Handhaving
from rbl.reporting.figures import count_year
from rbl.reporting.models import YearSnapshot
from rbl.reporting.snapshots import close_year, figures_for
from tests.reporting.yearly import YEAR, region  # noqa: F401 - the yearly tests' region

pytestmark = pytest.mark.django_db

# Far enough ahead that every file of the region is past every term.
LATER = dt.date(2060, 1, 1)


def test_closed_year_and_recount_unchanged_after_retention(region):  # noqa: F811
    Handhaving.objects.filter(outcome="").update(outcome="sepot", outcome_on=dt.date(2025, 6, 1))
    before = count_year(YEAR).as_json()
    close_year(YEAR, actor=region["officer"])
    stored = YearSnapshot.objects.get(school_year=str(YEAR))
    stored_figures = (stored.figures, stored.closed_at)

    outcome = run_case_retention(LATER)
    closed = Case.objects.filter(status="afgesloten")
    assert len(outcome.removed) == closed.count() >= 4
    assert not closed.filter(anonymised_on__isnull=True).exists()
    assert not closed.filter(person__isnull=False).exists()
    assert Tombstone.objects.count() == closed.count()

    stored.refresh_from_db()
    assert (stored.figures, stored.closed_at) == stored_figures
    served = figures_for(YEAR).as_json()
    recounted = count_year(YEAR).as_json()
    for key in ("gemeenten", "regio"):
        assert served[key] == before[key], key
        assert recounted[key] == before[key], key
