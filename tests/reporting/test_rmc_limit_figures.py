"""The figures follow the RMC age limit in force on 1 October (issue 20 item 6):
'deelnemers' (the VSV denominator) counts residents from 12 up to that limit."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.law.models import RmcAgeLimit
from rbl.organisation.models import Municipality
from rbl.reporting.figures import count_year
from tests.factories import EnrolmentFactory
from tests.reporting.yearly import YEAR, resident

pytestmark = pytest.mark.django_db


def test_deelnemers_count_up_to_the_limit_in_force_on_1_october(region):
    aalten = Municipality.objects.get(code="0197")
    student = resident(aalten, dt.date(1999, 6, 1))  # 25 on 1 October 2024
    EnrolmentFactory(bsn=student.bsn, start=dt.date(2024, 8, 15))
    assert count_year(YEAR).municipalities["0197"]["deelnemers"] == 4  # see test_art25

    later = RmcAgeLimit.objects.create(age=27, valid_from=dt.date(2024, 10, 2))
    assert count_year(YEAR).municipalities["0197"]["deelnemers"] == 4  # not yet in force

    later.delete()
    RmcAgeLimit.objects.create(age=27, valid_from=dt.date(2024, 10, 1))
    figures = count_year(YEAR)
    assert figures.municipalities["0197"]["deelnemers"] == 5
    assert figures.region["deelnemers"] == 5
