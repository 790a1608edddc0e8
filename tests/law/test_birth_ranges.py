"""The birth-date ranges used by the set-based check agree with the per-person rule."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rbl.law.status import (
    LegalStatus,
    birthday,
    duty_birth_range,
    earliest_birth_reaching,
    leerplicht_birth_range,
    status_on,
)

from .strategies import AWKWARD_DATE, BIRTH_DATE

DAY = dt.timedelta(days=1)
DUTY = {LegalStatus.LEERPLICHTIG, LegalStatus.KWALIFICATIEPLICHTIG}
CHECK_DATE = AWKWARD_DATE.filter(lambda d: d.year >= 1920)


def near_an_edge(day: dt.date):
    """Birth dates within a few days of where the ranges of `day` must end."""
    edges = [duty_birth_range(day).earliest, duty_birth_range(day).latest]
    edges.append(leerplicht_birth_range(day).earliest)
    return st.builds(
        lambda edge, shift: edge + dt.timedelta(days=shift),
        st.sampled_from(edges),
        st.integers(-3, 3),
    )


def assert_ranges_agree(day: dt.date, births: list[dt.date]) -> None:
    births = births + [dt.date(day.year - n, 2, 28) for n in (5, 16, 17, 18)]
    births += [dt.date(y, 2, 29) for y in range(day.year - 20, day.year - 3) if calendar.isleap(y)]
    births += [dt.date(day.year - 5, 3, 1), dt.date(day.year - 18, 3, 1)]
    rng = duty_birth_range(day)
    lp = leerplicht_birth_range(day)
    for birth in births:
        status = status_on(birth, day).status
        assert (birth in rng) == (status in DUTY), (birth, day, status)
        assert (birth in lp) == (status == LegalStatus.LEERPLICHTIG), (birth, day, status)


@given(CHECK_DATE, st.data())
def test_duty_range_holds_exactly_the_leerplichtigen_and_kwalificatieplichtigen(day, data):
    assert_ranges_agree(day, [data.draw(near_an_edge(day)), data.draw(BIRTH_DATE)])


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2021, 3, 15),  # born 29 Feb 2016: 5 on 1 March 2021, leerplichtig from April
        dt.date(2021, 4, 1),
        dt.date(2024, 2, 29),
        dt.date(2026, 2, 28),  # born 29 Feb 2008 turns 18 on 1 March 2026
        dt.date(2026, 3, 1),
        dt.date(2100, 3, 1),  # 2100 is a common year
    ],
)
def test_duty_range_on_leap_day_edges(day):
    assert_ranges_agree(day, [day - dt.timedelta(days=n) for n in range(0, 9000, 7)])


@given(CHECK_DATE)
def test_range_bounds_are_tight(day):
    rng = duty_birth_range(day)
    lp = leerplicht_birth_range(day)
    assert status_on(rng.earliest, day).status == LegalStatus.KWALIFICATIEPLICHTIG
    assert status_on(rng.earliest - DAY, day).status == LegalStatus.RMC
    assert status_on(rng.latest, day).status == LegalStatus.LEERPLICHTIG
    assert status_on(rng.latest + DAY, day).status == LegalStatus.GEEN
    assert status_on(lp.earliest, day).status == LegalStatus.LEERPLICHTIG
    assert status_on(lp.earliest - DAY, day).status == LegalStatus.KWALIFICATIEPLICHTIG
    assert lp.latest == rng.latest


@given(BIRTH_DATE, CHECK_DATE)
def test_kwalificatieplicht_part_of_the_range_is_cut_by_a_startkwalificatie(birth, day):
    """What the check does in SQL: inside the duty range but before the leerplicht
    range, a diploma obtained on or before the check date takes the youth out."""
    rng, lp = duty_birth_range(day), leerplicht_birth_range(day)
    for sk in (day, day + DAY):
        if sk < birth:
            continue
        in_duty_sql = birth in rng and (birth in lp or sk > day)
        assert in_duty_sql == (status_on(birth, day, sk).status in DUTY)


@given(st.integers(1, 30), AWKWARD_DATE.filter(lambda d: d.year > 1950))
def test_earliest_birth_reaching_is_the_inverse_of_birthday(age, day):
    first = earliest_birth_reaching(age, day)
    assert birthday(first, age) >= day
    assert birthday(first - DAY, age) < day


def test_hand_checked_ranges():
    # On 1 Sep 2024: leerplichtig born 1 Aug 2008 .. 31 Aug 2019 (5 in August 2024, so
    # leerplichtig from 1 September); kwalificatieplichtig back to those who turn 18 on 2 Sep.
    assert duty_birth_range(dt.date(2024, 9, 1)).earliest == dt.date(2006, 9, 2)
    assert duty_birth_range(dt.date(2024, 9, 1)).latest == dt.date(2019, 8, 31)
    assert duty_birth_range(dt.date(2024, 8, 31)).latest == dt.date(2019, 7, 31)
    assert leerplicht_birth_range(dt.date(2024, 9, 1)).earliest == dt.date(2008, 8, 1)
    # In March 2021 a child born 29 Feb 2016 is not yet leerplichtig (5 on 1 March 2021),
    # one born a day earlier is (5 on 28 February 2021).
    assert leerplicht_birth_range(dt.date(2021, 3, 31)).latest == dt.date(2016, 2, 28)
    assert dt.date(2016, 2, 29) in leerplicht_birth_range(dt.date(2021, 4, 1))
    # 31 July is still the old school year, 1 August the new one.
    assert leerplicht_birth_range(dt.date(2024, 7, 31)).earliest == dt.date(2007, 8, 1)
    assert leerplicht_birth_range(dt.date(2024, 8, 1)).earliest == dt.date(2008, 8, 1)
