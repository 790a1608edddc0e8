"""Hypothesis strategies for birth and check dates, rich in the awkward days."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

# 1900 and 2100 are common years although divisible by 4: the century rule is covered.
ANY_DATE = st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2200, 12, 31))

LEAP_DAYS = st.sampled_from(
    [dt.date(y, 2, 29) for y in range(1896, 2200, 4) if y not in (1900, 2100)]
)
MONTH_ENDS = st.builds(
    lambda y, m: dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1),
    st.integers(1890, 2199),
    st.integers(1, 12),
)
SCHOOL_YEAR_EDGES = st.builds(
    lambda y, d: dt.date(y, 8, 1) + dt.timedelta(days=d),
    st.integers(1890, 2199),
    st.integers(-2, 1),
)
AWKWARD_DATE = st.one_of(ANY_DATE, LEAP_DAYS, MONTH_ENDS, SCHOOL_YEAR_EDGES)
BIRTH_DATE = st.one_of(
    st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2170, 12, 31)),
    LEAP_DAYS,
    MONTH_ENDS,
    SCHOOL_YEAR_EDGES,
).filter(lambda d: d.year <= 2170)
