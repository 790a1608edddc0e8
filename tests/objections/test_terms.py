"""The Awb terms (art. 7:10 and 9:11 Awb) as date arithmetic."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rbl.objections.terms import complaint_due, in_time, objection_due

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


@given(received=days, committee=st.booleans(), postponed=st.booleans())
def test_objection_term_is_six_or_twelve_weeks_plus_one_postponement(
    received, committee, postponed
):
    due = objection_due(received, committee=committee, postponed=postponed)
    weeks = (12 if committee else 6) + (6 if postponed else 0)
    assert due - received == dt.timedelta(days=7 * weeks)
    assert due.weekday() == received.weekday()


@given(received=days, committee=st.booleans(), postponed=st.booleans())
def test_complaint_term_is_six_or_ten_weeks_plus_four(received, committee, postponed):
    due = complaint_due(received, committee=committee, postponed=postponed)
    weeks = (10 if committee else 6) + (4 if postponed else 0)
    assert due - received == dt.timedelta(days=7 * weeks)


@given(received=days, postponed=st.booleans())
def test_a_committee_never_shortens_the_term(received, postponed):
    for due in (objection_due, complaint_due):
        assert due(received, committee=True, postponed=postponed) > due(
            received, committee=False, postponed=postponed
        )


def test_examples_on_the_calendar():
    received = dt.date(2026, 3, 2)
    assert objection_due(received, committee=False, postponed=False) == dt.date(2026, 4, 13)
    assert objection_due(received, committee=True, postponed=False) == dt.date(2026, 5, 25)
    assert objection_due(received, committee=True, postponed=True) == dt.date(2026, 7, 6)
    assert complaint_due(received, committee=True, postponed=False) == dt.date(2026, 5, 11)
    assert complaint_due(received, committee=False, postponed=True) == dt.date(2026, 5, 11)


@given(due=days, delta=st.integers(min_value=-400, max_value=400))
def test_in_time(due, delta):
    day = due + dt.timedelta(days=delta)
    assert in_time(due, day, day) == ("binnen" if delta <= 0 else "te-laat")
    assert in_time(due, None, day) == ("open" if delta <= 0 else "verstreken")
