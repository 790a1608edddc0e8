from __future__ import annotations

import datetime as dt

import pytest

from rbl.organisation.models import Municipality
from tests.factories import RegionFactory

TODAY = dt.date(2025, 3, 3)


@pytest.fixture
def aalten(db) -> Municipality:
    return Municipality.objects.create(code="0197", name="Aalten", region=RegionFactory())


@pytest.fixture
def winterswijk(db) -> Municipality:
    return Municipality.objects.create(code="0294", name="Winterswijk", region=RegionFactory())
