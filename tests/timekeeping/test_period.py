"""The overview's period from the query string (hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rbl.reporting.definitions import SchoolYear
from rbl.timekeeping.services import Period, hours_text

days = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31))


@given(days)
def test_a_month_covers_exactly_its_days(day):
    period = Period.parse(None, f"{day:%Y-%m}")
    assert period.columns == [(day.year, day.month)]
    assert period.start == day.replace(day=1) <= day <= period.end
    assert (period.end + dt.timedelta(days=1)).day == 1
    assert period.year == SchoolYear.of(day)


@given(st.integers(min_value=1950, max_value=2150))
def test_a_school_year_has_twelve_months_from_august(first):
    period = Period.parse(f"{first}-{first + 1}", None)
    assert period.columns[0] == (first, 8) and period.columns[-1] == (first + 1, 7)
    assert len(set(period.columns)) == 12
    assert (period.start, period.end) == (dt.date(first, 8, 1), dt.date(first + 1, 7, 31))


@given(st.text(max_size=12) | st.sampled_from(["9999-12", "0001-01", "2026-13", "2026-3"]))
def test_any_other_text_is_refused_in_dutch(text):
    try:
        period = Period.parse(None, text)
    except ValueError as exc:
        assert "is geen maand" in str(exc)
    else:
        assert period.start <= period.end  # a month that parses has its days
    try:
        Period.parse(text, None)
    except ValueError as exc:
        assert "is geen schooljaar" in str(exc)


@given(st.integers(min_value=0, max_value=100_000))
def test_hours_are_written_with_a_decimal_comma(minutes):
    text = hours_text(minutes)
    assert "." not in text
    assert abs(float(text.replace(",", ".")) - minutes / 60) <= 0.005
