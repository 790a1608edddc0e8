"""The demo region looks like a real one on its peildatum: officers with a
caseload of a few dozen, a plausible number of thuiszitters, a few overdue
cases, leave decided within its term and most control letters answered.

Built at a quarter of the region, so caseloads are compared per unit of scale
and the other figures are ratios. The old demo failed every one of these:
at full scale 17 thuiszitters per 1,000, 44 % of the open cases overdue,
undecided leave requests from months ago, no control letter answered and
248 open cases for the one RMC officer.
"""

from __future__ import annotations

import datetime as dt
from statistics import mean

import pytest
from django.contrib.auth import get_user_model

from rbl.cases.models import Case, LeaveRequest
from rbl.demo.build import build_demo
from rbl.demo.realism import realism
from tests.clock import AMSTERDAM

PEIL = dt.date(2026, 11, 2)
SCALE = 0.25
#: The officers who carry the region's case work.
CASE_WORKERS = (
    "lpa-aalten",
    "lpa-winterswijk",
    "lpa-doetinchem",
    "lpa-montferland",
    "lpa-berkelland",
    "lpa-bronckhorst",
    "kpa-regio",
    "rmc-regio",
)
#: Open cases per officer at full scale (a real officer carries some 30–90).
CASELOAD = (30, 90)


@pytest.mark.django_db(transaction=True)
def test_demo_region_looks_like_a_real_region(clock):
    # `rbl demo` as run on an ordinary morning: the peildatum is today.
    clock.move_to(dt.datetime.combine(PEIL, dt.time(9, 0), tzinfo=AMSTERDAM))
    build_demo(seed=1, scale=SCALE, peildatum=PEIL)
    figures = realism(PEIL)
    assert set(CASE_WORKERS) <= set(get_user_model().objects.values_list("username", flat=True))

    # Caseload: on average within the range, and no officer far outside it
    # (a quarter of the region leaves room for chance per officer).
    per_officer = {name: figures.open_per_owner.get(name, 0) / SCALE for name in CASE_WORKERS}
    low, high = CASELOAD
    assert low <= mean(per_officer.values()) <= high, per_officer
    for name, load in per_officer.items():
        assert low / 2 <= load <= high * 1.4, (name, per_officer)
    assert figures.without_owner == 0

    # Thuiszitters: fewer than 3 per 1,000 youth under the duty, but some.
    assert figures.under_duty > 5_000
    assert 0 < figures.thuiszitters_per_1000 < 3, figures.as_lines()

    # Overdue work: a real region has some, well under a tenth of the open cases.
    assert 0 < figures.overdue_share < 0.10, figures.as_lines()

    # Leave: no request waits past its decision term or past the start of the leave.
    assert figures.late_leave == 0
    assert not LeaveRequest.objects.filter(decision="", start__lte=PEIL).exists()
    assert LeaveRequest.objects.exclude(decision="").filter(decided_on__gt=PEIL).count() == 0

    # Absoluut verzuim: every signal got its letter within a week, and most
    # letters were answered; only the rest became cases.
    assert figures.signals_without_letter == 0
    assert figures.signals_answered > 2 * figures.absoluut_cases > 0

    # Cases were opened and closed all year round, not only lately.
    months = [f"{PEIL - dt.timedelta(days=30 * back):%Y-%m}" for back in range(1, 12)]
    assert all(figures.opened_per_month.get(m, 0) > 0 for m in months), figures.opened_per_month
    assert all(figures.closed_per_month.get(m, 0) > 0 for m in months[:-1]), (
        figures.closed_per_month
    )
    assert Case.objects.filter(opened_on__lt=PEIL - dt.timedelta(days=300)).exists()
