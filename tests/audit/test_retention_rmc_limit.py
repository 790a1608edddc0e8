"""Retention (R-29) follows the RMC age limit: the kwalificatieplicht/RMC
file's term runs from the end of the youth's time in the RMC group."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.audit.retention import file_terms
from rbl.law.models import RmcAgeLimit
from tests.cases.factories import CaseFactory
from tests.factories import MunicipalityFactory, PersonFactory, RegionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)


def test_a_raised_limit_keeps_an_rmc_file_until_two_years_after_the_new_end():
    aalten = MunicipalityFactory(code="0197", name="Aalten", region=RegionFactory())
    youth = PersonFactory(municipality=aalten, birth_date=dt.date(2001, 1, 1))  # 23 in 2024
    case = CaseFactory(
        person=youth,
        type="rmc",
        opened_on=dt.date(2020, 1, 6),
        status="afgesloten",
        closed_on=dt.date(2020, 9, 1),
        closing_reason="terug_naar_school",
    )
    assert [t.case_id for t in file_terms(TODAY)] == [case.pk]  # due 1 January 2026

    # From 1 January 2026 the group runs to 27: the youth (25) is in it again
    # until 31 December 2027, so the file stays until 1 January 2030.
    RmcAgeLimit.objects.create(age=27, valid_from=dt.date(2026, 1, 1))
    assert file_terms(TODAY) == []
    assert [t.case_id for t in file_terms(dt.date(2030, 1, 1))] == [case.pk]
    assert file_terms(dt.date(2029, 12, 31)) == []
