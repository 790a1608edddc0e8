"""The RMC age limit as data (issue 20 item 6): the pure rule with a limit
schedule. Without a schedule the rule is the one of test_status_properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from rbl.law.status import (
    DEFAULT_RMC_LIMITS,
    ImpossibleDate,
    LegalStatus,
    RmcLimits,
    birthday,
    duty_periods,
    rmc_birth_range,
    status_on,
)

from .strategies import AWKWARD_DATE, BIRTH_DATE
from .test_status_properties import age_on

DAY = dt.timedelta(days=1)
START = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31))
LIMIT = st.integers(19, 30)


@given(START, st.integers(0, 364), st.integers(0, 4000))
def test_with_27_from_s_a_25_year_old_without_startkwalificatie_is_rmc_from_s_on(
    start, into_year, later
):
    """The test the issue asks for: 25 years old on S (25 years and
    `into_year` days), no startkwalificatie; limit 27 from S."""
    birth = birthday(start - dt.timedelta(days=into_year), -25)
    assume(age_on(birth, start) == 25)
    limits = RmcLimits.of([(start, 27)])
    assert status_on(birth, start, None, limits).status == LegalStatus.RMC
    assert status_on(birth, start - DAY, None, limits).status == LegalStatus.GEEN
    day = start + dt.timedelta(days=later)
    expected = LegalStatus.RMC if age_on(birth, day) < 27 else LegalStatus.GEEN
    assert status_on(birth, day, None, limits).status == expected


def test_worked_example_of_the_transition():
    # Born 10 March 2001: 23 on 10 March 2024, 27 on 10 March 2028.
    limits = RmcLimits.of([(dt.date(2026, 8, 1), 27)])
    periods = duty_periods(dt.date(2001, 3, 10), None, limits)
    assert periods.rmc_periods == (
        (dt.date(2019, 3, 10), dt.date(2024, 3, 9)),
        (dt.date(2026, 8, 1), dt.date(2028, 3, 9)),
    )
    assert periods.rmc_vanaf == dt.date(2019, 3, 10)
    assert periods.rmc_tot == dt.date(2028, 3, 9)
    assert periods.status_on(dt.date(2025, 1, 1)) == LegalStatus.GEEN  # between the two
    # A diploma on 1 September 2026 ends the second stretch the day before.
    cut = duty_periods(dt.date(2001, 3, 10), dt.date(2026, 9, 1), limits)
    assert cut.rmc_tot == dt.date(2026, 8, 31)
    assert cut.status_on(dt.date(2026, 9, 1)) == LegalStatus.GEEN


@given(BIRTH_DATE, AWKWARD_DATE, st.one_of(st.none(), AWKWARD_DATE))
def test_no_row_is_the_law_of_23(birth, day, sk):
    if sk is not None and sk < birth:
        sk = birth + (birth - sk)
    default = status_on(birth, day, sk)
    assert status_on(birth, day, sk, RmcLimits()) == default
    assert status_on(birth, day, sk, DEFAULT_RMC_LIMITS).periods.rmc_tot == (
        default.periods.rmc_tot
    )


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2150, 12, 31)),
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2170, 12, 31)),
    st.lists(st.tuples(START, LIMIT), max_size=3, unique_by=lambda r: r[0]),
    st.one_of(st.none(), AWKWARD_DATE),
)
def test_rmc_is_18_up_to_the_limit_in_force_on_the_day_asked(birth, day, rows, sk):
    """Whatever the schedule: RMC on D exactly when 18 <= age < limit(D) and no
    startkwalificatie by D, for anyone past kwalificatieplicht."""
    if sk is not None and sk < birth:
        sk = birth + (birth - sk)
    limits = RmcLimits.of(rows)
    status = status_on(birth, day, sk, limits).status
    age = age_on(birth, day)
    assume(age >= 18)
    in_group = age < limits.age_on(day) and (sk is None or sk > day)
    assert (status == LegalStatus.RMC) == in_group


@given(
    st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31)),
    st.lists(st.tuples(START, LIMIT), max_size=3, unique_by=lambda r: r[0]),
    st.integers(-12000, 12000),
)
def test_rmc_birth_range_is_the_rule_turned_around(day, rows, offset):
    """The SQL range for a check date holds exactly those of RMC age that day."""
    limits = RmcLimits.of(rows)
    birth = day - dt.timedelta(days=18 * 365 + offset)
    in_range = birth in rmc_birth_range(day, limits)
    assert in_range == (status_on(birth, day, None, limits).status == LegalStatus.RMC)


def test_the_limit_is_checked():
    with pytest.raises(ImpossibleDate) as exc:
        RmcLimits(base=18)
    assert exc.value.field == "leeftijd"
    assert "tussen 19 en 30 jaar" in exc.value.reason
    with pytest.raises(ImpossibleDate):
        RmcLimits.of([(dt.date(2027, 1, 1), 31)])


def test_a_higher_limit_keeps_dates_inside_the_calendar():
    limits = RmcLimits(base=30)
    with pytest.raises(ImpossibleDate) as exc:
        duty_periods(dt.date(9969, 1, 1), None, limits)
    assert exc.value.field == "geboortedatum"
    assert duty_periods(dt.date(9968, 1, 1), None, limits).rmc_tot == dt.date(9997, 12, 31)
