"""Which municipality takes part in which building block on a day (R-02):
the participation service rbl.organisation.participation."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.organisation.models import BuildingBlock, Participation
from rbl.organisation.participation import (
    administration_municipalities,
    boa_municipalities,
    municipalities_in,
    outside_administration_message,
    takes_part,
)
from tests.factories import MunicipalityFactory, RegionFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def region():
    region = RegionFactory(name="Oost")
    return {
        "groot": MunicipalityFactory(code="0197", name="Aalten", region=region),
        "klein": MunicipalityFactory(code="0294", name="Winterswijk", region=region),
    }


def _take(municipality, block: int, start: dt.date, end: dt.date | None = None) -> None:
    Participation.objects.create(municipality=municipality, block=block, start=start, end=end)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
    length=st.one_of(st.none(), st.integers(0, 2000)),
    block=st.sampled_from(BuildingBlock.values),
)
def test_a_participation_counts_from_its_start_to_its_end_inclusive(region, start, length, block):
    Participation.objects.all().delete()
    end = None if length is None else start + length * DAY
    _take(region["groot"], block, start, end)
    # The other municipality records a participation too, so the region records blocks.
    _take(region["klein"], 4 if block != 4 else 1, dt.date(2000, 1, 1))
    assert not takes_part("0197", block, start - DAY)
    assert takes_part("0197", block, start)
    if end is None:
        assert takes_part("0197", block, start + 3650 * DAY)
    else:
        assert takes_part("0197", block, end)
        assert not takes_part("0197", block, end + DAY)
    for other in set(BuildingBlock.values) - {block}:
        assert not takes_part("0197", other, start)


def test_block_two_includes_the_boa_work_of_block_three(region):
    start = dt.date(2025, 8, 1)
    _take(region["groot"], BuildingBlock.TEAM, start)
    _take(region["klein"], BuildingBlock.ADMINISTRATION, start)
    day = dt.date(2026, 3, 11)
    assert boa_municipalities(day) == frozenset({"0197"})
    assert municipalities_in(BuildingBlock.BOA, day) == frozenset()
    _take(region["klein"], BuildingBlock.BOA, dt.date(2026, 3, 12))
    assert boa_municipalities(day) == frozenset({"0197"})
    assert boa_municipalities(day + DAY) == frozenset({"0197", "0294"})
    assert administration_municipalities(day) == frozenset({"0294"})


def test_a_municipality_that_leaves_a_block_stops_on_the_day_after_its_end(region):
    _take(region["groot"], BuildingBlock.ADMINISTRATION, dt.date(2024, 1, 1))
    _take(region["klein"], BuildingBlock.ADMINISTRATION, dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    _take(region["klein"], BuildingBlock.ADMINISTRATION, dt.date(2026, 6, 1))
    assert administration_municipalities(dt.date(2025, 12, 31)) == {"0197", "0294"}
    assert administration_municipalities(dt.date(2026, 1, 1)) == {"0197"}
    assert administration_municipalities(dt.date(2026, 6, 1)) == {"0197", "0294"}


def test_a_region_recording_no_participation_takes_part_in_every_block(region):
    outside = MunicipalityFactory(code="0100", name="Elders", region=None)
    day = dt.date(2026, 3, 11)
    for block in BuildingBlock.values:
        assert municipalities_in(block, day) == {"0197", "0294"}
    assert outside.code not in boa_municipalities(day)
    # One recorded participation: from then on the records alone decide.
    _take(region["groot"], BuildingBlock.COORDINATION, dt.date(2026, 1, 1))
    assert administration_municipalities(day) == frozenset()
    assert takes_part("0197", BuildingBlock.COORDINATION, day)
    assert not takes_part("0294", BuildingBlock.COORDINATION, day)


def test_the_refusal_names_the_municipality_and_the_day(region):
    message = outside_administration_message(["0294"], dt.date(2026, 3, 11))
    assert message.startswith("gemeente Winterswijk (0294) neemt op 11-03-2026 niet deel")
    assert "bouwsteen 1" in message
