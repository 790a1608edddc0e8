"""Properties of the R-12 rule that must hold for every birth date."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rbl.law.status import LegalStatus, birthday, duty_periods, status_on

from .strategies import AWKWARD_DATE, BIRTH_DATE

DAY = dt.timedelta(days=1)

# The order in which statuses follow each other in a life ("geen" before 5 and after 23).
PHASES = ["voor", LegalStatus.LEERPLICHTIG, LegalStatus.KWALIFICATIEPLICHTIG, LegalStatus.RMC]


def age_on(birth: dt.date, day: dt.date) -> int:
    """Full years on `day`, counted as Dutch law does (29 February -> 1 March)."""
    age = day.year - birth.year
    if birth.month == 2 and birth.day == 29:
        leap = day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)
        anniversary = (2, 29) if leap else (3, 1)
    else:
        anniversary = (birth.month, birth.day)
    if (day.month, day.day) < anniversary:
        age -= 1
    return age


def oracle(birth: dt.date, day: dt.date, sk: dt.date | None) -> LegalStatus:
    """The rule again, phrased through ages instead of period bounds."""
    last_of_previous_month = day.replace(day=1) - DAY
    started = age_on(birth, last_of_previous_month) >= 5
    previous_school_year_end = dt.date(day.year if day.month >= 8 else day.year - 1, 7, 31)
    under_16_when_school_year_began = age_on(birth, previous_school_year_end) < 16
    has_sk = sk is not None and sk <= day
    if started and under_16_when_school_year_began:
        return LegalStatus.LEERPLICHTIG
    if started and age_on(birth, day) < 18 and not has_sk:
        return LegalStatus.KWALIFICATIEPLICHTIG
    if 18 <= age_on(birth, day) < 23 and not has_sk:
        return LegalStatus.RMC
    return LegalStatus.GEEN


def phase(birth: dt.date, day: dt.date, sk: dt.date | None = None) -> int:
    status = status_on(birth, day, sk).status
    if status == LegalStatus.GEEN:
        return 0 if day < duty_periods(birth).leerplicht_vanaf else len(PHASES)
    return PHASES.index(status)


@given(BIRTH_DATE, AWKWARD_DATE, st.one_of(st.none(), AWKWARD_DATE))
def test_status_agrees_with_an_age_based_formulation(birth, day, sk):
    if sk is not None and sk < birth:
        sk = birth + (birth - sk)  # keep the diploma after birth
    assert status_on(birth, day, sk).status == oracle(birth, day, sk)


@given(BIRTH_DATE)
def test_leerplicht_starts_on_the_first_of_the_month_after_the_fifth_birthday(birth):
    p = duty_periods(birth)
    fifth = birthday(birth, 5)
    assert p.leerplicht_vanaf.day == 1
    assert p.leerplicht_vanaf > fifth
    assert (p.leerplicht_vanaf - DAY).month == fifth.month  # the very next month
    assert age_on(birth, p.leerplicht_vanaf) == 5
    assert status_on(birth, p.leerplicht_vanaf - DAY).status == LegalStatus.GEEN
    assert status_on(birth, p.leerplicht_vanaf).status == LegalStatus.LEERPLICHTIG


@given(BIRTH_DATE)
def test_leerplicht_ends_on_31_july_of_the_school_year_of_the_16th_birthday(birth):
    p = duty_periods(birth)
    assert (p.leerplicht_tot.month, p.leerplicht_tot.day) == (7, 31)
    sixteenth = birthday(birth, 16)
    assert dt.date(p.leerplicht_tot.year - 1, 8, 1) <= sixteenth <= p.leerplicht_tot
    assert age_on(birth, p.leerplicht_tot) == 16  # never 15, never 17
    assert status_on(birth, p.leerplicht_tot).status == LegalStatus.LEERPLICHTIG
    assert status_on(birth, p.leerplicht_tot + DAY).status == LegalStatus.KWALIFICATIEPLICHTIG


@given(BIRTH_DATE)
def test_without_startkwalificatie_the_periods_join_and_end_before_18_and_23(birth):
    p = duty_periods(birth)
    assert p.kwalificatieplicht_vanaf == p.leerplicht_tot + DAY
    assert p.rmc_vanaf == p.kwalificatieplicht_tot + DAY == birthday(birth, 18)
    assert age_on(birth, p.kwalificatieplicht_tot) == 17
    assert age_on(birth, p.rmc_tot) == 22
    assert age_on(birth, p.rmc_tot + DAY) == 23
    assert status_on(birth, p.rmc_tot + DAY).status == LegalStatus.GEEN
    # kwalificatieplicht always lasts at least a year (from 16 or 17 to 18)
    assert p.kwalificatieplicht_tot - p.kwalificatieplicht_vanaf >= dt.timedelta(days=364)


@given(BIRTH_DATE, AWKWARD_DATE, AWKWARD_DATE, st.one_of(st.none(), AWKWARD_DATE))
def test_status_never_goes_back_in_time(birth, day1, day2, sk):
    if sk is not None and sk < birth:
        sk = None
    early, late = sorted((day1, day2))
    assert phase(birth, early, sk) <= phase(birth, late, sk)


@given(BIRTH_DATE, AWKWARD_DATE, AWKWARD_DATE)
def test_startkwalificatie_ends_kp_and_rmc_but_never_leerplicht(birth, sk, day):
    if sk < birth:
        sk = birth + (birth - sk)
    with_sk = status_on(birth, day, sk)
    without = status_on(birth, day)
    assert with_sk.periods.leerplicht_vanaf == without.periods.leerplicht_vanaf
    assert with_sk.periods.leerplicht_tot == without.periods.leerplicht_tot
    if day < sk:
        assert with_sk.status == without.status
    elif without.status == LegalStatus.LEERPLICHTIG:
        assert with_sk.status == LegalStatus.LEERPLICHTIG
    else:
        assert with_sk.status == LegalStatus.GEEN


@given(BIRTH_DATE, AWKWARD_DATE)
def test_each_tot_is_the_last_day_actually_held(birth, sk):
    if sk < birth:
        sk = birth + (birth - sk)
    p = duty_periods(birth, sk)
    for status, tot in (
        (LegalStatus.KWALIFICATIEPLICHTIG, p.kwalificatieplicht_tot),
        (LegalStatus.RMC, p.rmc_tot),
    ):
        if tot is None:
            # never held: not on any day of the period it would have had
            full = duty_periods(birth)
            start = (
                full.kwalificatieplicht_vanaf
                if status == "kwalificatieplichtig"
                else full.rmc_vanaf
            )
            assert sk <= start
            assert status_on(birth, start, sk).status != status
        else:
            assert status_on(birth, tot, sk).status == status
            assert status_on(birth, tot + DAY, sk).status != status
