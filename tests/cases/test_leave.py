"""Leave requests (R-24): who decides, by when; decision and objection."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbl.cases.models import LeaveRequest, Task
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.leave import (
    decide_leave,
    decision_terms,
    register_leave_request,
    register_objection,
    school_days,
)
from tests.cases.conftest import TODAY
from tests.cases.factories import staff
from tests.factories import PersonFactory

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1))


@given(days, st.integers(min_value=0, max_value=400))
def test_school_days_counts_weekdays(start, length):
    end = start + dt.timedelta(days=length)
    expected = sum(1 for i in range(length + 1) if (start + dt.timedelta(days=i)).weekday() < 5)
    assert school_days(start, end) == expected


@given(days, st.integers(min_value=-30, max_value=200), st.integers(min_value=0, max_value=40))
def test_decision_due_never_later_than_term_nor_after_leave_start(requested, offset, n):
    start = requested + dt.timedelta(days=offset)
    decider, due = decision_terms("14", requested, start, n, weeks=8, school_max=10)
    assert decider == ("lpa" if n > 10 else "school")
    assert requested <= due <= requested + dt.timedelta(weeks=8)
    if start - dt.timedelta(days=1) >= requested:
        assert due < start


def test_short_leave_and_other_articles_are_for_the_school():
    assert decision_terms("14", TODAY, TODAY, 10, weeks=8, school_max=10)[0] == "school"
    assert decision_terms("13a", TODAY, TODAY, 30, weeks=8, school_max=10)[0] == "school"


@pytest.mark.django_db
def test_request_decision_and_objection(aalten):
    lpa = staff("lpa", "lpa", aalten)
    person = PersonFactory(municipality=aalten)
    request = register_leave_request(
        person,
        article="14",
        requested_on=dt.date(2025, 2, 1),
        start=dt.date(2025, 5, 5),
        end=dt.date(2025, 5, 23),
        actor=lpa,
        today=TODAY,
    )
    assert (request.school_days, request.decider) == (15, "lpa")
    assert request.decision_due_on == dt.date(2025, 3, 29)
    task = Task.objects.get(case=request.case)
    assert task.due_on == request.decision_due_on
    request.case.owner = lpa
    request.case.save()
    with pytest.raises(CaseRuleError, match="na een besluit"):
        register_objection(request, actor=lpa, expected_version=None, received_on=TODAY)
    decide_leave(request, "afgewezen", actor=lpa, expected_version=1, decided_on=TODAY)
    request.refresh_from_db()
    assert request.decision == "afgewezen"
    assert request.case.status == "afgesloten" and request.case.closing_reason == "besloten"
    task.refresh_from_db()
    assert task.done_on == TODAY
    with pytest.raises(CaseRuleError, match="al besloten"):
        decide_leave(request, "toegekend", actor=lpa, expected_version=request.case.version)
    register_objection(
        request,
        actor=lpa,
        expected_version=request.case.version,
        received_on=TODAY + dt.timedelta(days=3),
        forwarded_on=TODAY + dt.timedelta(days=4),
    )
    request = LeaveRequest.objects.get(pk=request.pk)
    assert request.objection_forwarded_on == TODAY + dt.timedelta(days=4)
    event = request.case.events.filter(kind="verlof").last()
    assert event.data["gemeente"] == "0197"
    assert request.objection_decided_on is None  # holds the file against retention
    with pytest.raises(CaseRuleError, match="voor de ontvangst"):
        register_objection(
            request,
            actor=lpa,
            expected_version=None,
            received_on=TODAY + dt.timedelta(days=3),
            decided_on=TODAY,
        )
    register_objection(
        request,
        actor=lpa,
        expected_version=None,
        received_on=TODAY + dt.timedelta(days=3),
        forwarded_on=TODAY + dt.timedelta(days=4),
        decided_on=TODAY + dt.timedelta(days=40),
    )
    request.refresh_from_db()
    assert request.objection_decided_on == TODAY + dt.timedelta(days=40)


@pytest.mark.django_db
def test_leave_end_before_start_refused(aalten):
    with pytest.raises(CaseRuleError):
        register_leave_request(
            PersonFactory(municipality=aalten),
            article="14",
            requested_on=TODAY,
            start=TODAY,
            end=TODAY - dt.timedelta(days=1),
            actor=None,
            today=TODAY,
        )
