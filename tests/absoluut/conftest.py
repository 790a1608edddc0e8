from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import MunicipalityFactory, PersonFactory

# A Monday in the school year 2024/25.
D = dt.date(2025, 1, 6)
# Ages on D: 12 (leerplichtig), 16 after leerplicht (kwalificatieplichtig), 19 (RMC), 3.
LP_BIRTH = dt.date(2012, 5, 15)
KP_BIRTH = dt.date(2008, 3, 10)
RMC_BIRTH = dt.date(2005, 6, 1)
TODDLER_BIRTH = dt.date(2021, 9, 1)


@pytest.fixture
def aalten(db):
    return MunicipalityFactory(code="0197", name="Aalten")


@pytest.fixture
def winterswijk(db):
    return MunicipalityFactory(code="0294", name="Winterswijk")


@pytest.fixture
def child(aalten):
    """A leerplichtige twelve-year-old in Aalten, not enrolled anywhere."""
    return PersonFactory(municipality=aalten, birth_date=LP_BIRTH)
