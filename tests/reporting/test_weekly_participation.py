"""The weekly data-quality mail and participation (R-02): the central
administration answers only for municipalities in the regional administration
(block 1); the items of a municipality outside it go to its coordinators."""

from __future__ import annotations

import datetime as dt

import pytest

from rbl.organisation.models import BuildingBlock, Participation
from rbl.reporting.weekly import weekly_run
from tests.reporting.test_weekly import items, mail_settings, outbox, today, world  # noqa: F401

pytestmark = pytest.mark.django_db


def test_items_of_a_municipality_outside_block_1_go_to_its_coordinators(world):  # noqa: F811
    since = dt.date(2020, 1, 1)
    for block in BuildingBlock.values:
        Participation.objects.create(municipality=world.aalten, block=block, start=since)
    for block in (BuildingBlock.TEAM, BuildingBlock.COORDINATION):
        Participation.objects.create(municipality=world.winterswijk, block=block, start=since)
    items(world)  # Winterswijk: a case without owner; Aalten: a signal without a letter
    weekly_run(today(), send=True)
    sent = outbox()
    admin = sent["administratie"].body
    assert "Aalten — Signalen absoluut verzuim zonder controlebrief: 1" in admin
    assert "Winterswijk" not in admin
    assert "Winterswijk — Open zaken zonder (actieve) eigenaar: 1" in sent["coordinator"].body
