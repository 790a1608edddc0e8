"""Hand-checked examples of R-12: each row was worked out on a calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.law.status import ImpossibleDate, duty_periods, status_on


def d(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


# birth, startkwalificatie -> leerplicht_vanaf, leerplicht_tot, kwalificatieplicht_tot, rmc_tot
PERIODS = [
    # 5 in June 2024 -> 1 July 2024; 16 in June 2035 -> end of school year 2034/35
    ("2019-06-15", None, "2024-07-01", "2035-07-31", "2037-06-14", "2042-06-14"),
    # 16 on the last day of a school year: leerplicht ends that very day
    ("2019-07-31", None, "2024-08-01", "2035-07-31", "2037-07-30", "2042-07-30"),
    # 16 on the first day of a school year: one more school year
    ("2019-08-01", None, "2024-09-01", "2036-07-31", "2037-07-31", "2042-07-31"),
    # year ends
    ("2019-12-31", None, "2025-01-01", "2036-07-31", "2037-12-30", "2042-12-30"),
    ("2020-01-01", None, "2025-02-01", "2036-07-31", "2037-12-31", "2042-12-31"),
    ("2010-01-31", None, "2015-02-01", "2026-07-31", "2028-01-30", "2033-01-30"),
    ("2010-02-28", None, "2015-03-01", "2026-07-31", "2028-02-27", "2033-02-27"),
    ("2010-03-01", None, "2015-04-01", "2026-07-31", "2028-02-29", "2033-02-28"),
    # born 29 February: 5 on 1 March (common year) -> leerplichtig from 1 April;
    # 18 on 1 March -> kwalificatieplichtig through 28 February
    ("2008-02-29", None, "2013-04-01", "2024-07-31", "2026-02-28", "2031-02-28"),
    ("2012-02-29", None, "2017-04-01", "2028-07-31", "2030-02-28", "2035-02-28"),
    # 2100 is a common year: the 16th birthday is 1 March 2100
    ("2084-02-29", None, "2089-04-01", "2100-07-31", "2102-02-28", "2107-02-28"),
    # startkwalificatie during leerplicht: leerplicht unchanged, no kp, no RMC
    ("2008-09-10", "2025-06-20", "2013-10-01", "2025-07-31", None, None),
    # ... on the last day of leerplicht, or on the first day of kp: kp never held
    ("2008-09-10", "2025-07-31", "2013-10-01", "2025-07-31", None, None),
    ("2008-09-10", "2025-08-01", "2013-10-01", "2025-07-31", None, None),
    # during kp: kp ends the day before the diploma
    ("2008-09-10", "2026-01-15", "2013-10-01", "2025-07-31", "2026-01-14", None),
    # on the 18th birthday: full kp, no RMC
    ("2008-09-10", "2026-09-10", "2013-10-01", "2025-07-31", "2026-09-09", None),
    # during RMC
    ("2008-09-10", "2028-05-01", "2013-10-01", "2025-07-31", "2026-09-09", "2028-04-30"),
    # on the 23rd birthday or later: no effect
    ("2008-09-10", "2031-09-10", "2013-10-01", "2025-07-31", "2026-09-09", "2031-09-09"),
]


@pytest.mark.parametrize("birth,sk,vanaf,lp_tot,kp_tot,rmc_tot", PERIODS)
def test_periods(birth, sk, vanaf, lp_tot, kp_tot, rmc_tot):
    p = duty_periods(d(birth), d(sk))
    assert (p.leerplicht_vanaf, p.leerplicht_tot) == (d(vanaf), d(lp_tot))
    assert (p.kwalificatieplicht_tot, p.rmc_tot) == (d(kp_tot), d(rmc_tot))


STATUSES = [
    ("2019-06-15", "2024-06-30", None, "geen"),
    ("2019-06-15", "2024-07-01", None, "leerplichtig"),
    ("2008-09-10", "2025-07-31", None, "leerplichtig"),
    ("2008-09-10", "2025-08-01", None, "kwalificatieplichtig"),
    ("2008-09-10", "2026-09-09", None, "kwalificatieplichtig"),
    ("2008-09-10", "2026-09-10", None, "rmc"),
    ("2008-09-10", "2031-09-09", None, "rmc"),
    ("2008-09-10", "2031-09-10", None, "geen"),
    ("2008-09-10", "2025-07-01", "2025-06-20", "leerplichtig"),
    ("2008-09-10", "2025-08-01", "2025-06-20", "geen"),
    ("2008-09-10", "2026-01-14", "2026-01-15", "kwalificatieplichtig"),
    ("2008-09-10", "2026-01-15", "2026-01-15", "geen"),
    ("2008-09-10", "2027-01-01", "2028-05-01", "rmc"),
    ("2008-02-29", "2013-03-31", None, "geen"),
    ("2008-02-29", "2013-04-01", None, "leerplichtig"),
    ("2008-02-29", "2026-02-28", None, "kwalificatieplichtig"),
    ("2008-02-29", "2026-03-01", None, "rmc"),
    ("2010-06-01", "2000-01-01", None, "geen"),  # before birth
]


@pytest.mark.parametrize("birth,peildatum,sk,expected", STATUSES)
def test_status_on_a_date(birth, peildatum, sk, expected):
    assert status_on(d(birth), d(peildatum), d(sk)).status == expected


def test_json_shape_of_the_answer():
    answer = status_on(d("2008-09-10"), d("2026-01-01"), d("2026-01-15")).as_json()
    assert answer == {
        "status": "kwalificatieplichtig",
        "leerplicht_vanaf": "2013-10-01",
        "leerplicht_tot": "2025-07-31",
        "kwalificatieplicht_tot": "2026-01-14",
        "rmc_tot": None,
    }


def test_impossible_combinations_are_refused():
    with pytest.raises(ImpossibleDate) as err:
        duty_periods(d("2010-01-01"), d("2009-12-31"))
    assert err.value.field == "startkwalificatie"
    with pytest.raises(ImpossibleDate) as err:
        duty_periods(dt.date(9990, 1, 1))
    assert err.value.field == "geboortedatum"
