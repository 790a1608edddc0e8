"""Participation drives BOA work (R-02): Halt referrals, PVs and the JCO list
only for a municipality in block 2 or 3 on that date (block 2 includes the BOA
work of block 3). Aalten takes part in every block; Winterswijk left the
regional team on 28 February 2026 and keeps blocks 1 and 4."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rbl.accounts.access import editable_handhaving, jco_handhaving, visible_handhaving
from rbl.accounts.models import Role
from rbl.cases.models import Handhaving
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.handhaving import start_handhaving
from rbl.organisation.models import BuildingBlock, Participation
from tests.cases.factories import staff
from tests.web.world import World

pytestmark = pytest.mark.django_db

SINCE = dt.date(2020, 1, 1)
LEFT = dt.date(2026, 2, 28)  # Winterswijk's last day in block 2 (NOW is 11 March 2026)


@pytest.fixture(autouse=True)
def blocks(world: World, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for block in BuildingBlock.values:
        Participation.objects.create(municipality=world.aalten, block=block, start=SINCE)
    Participation.objects.create(
        municipality=world.winterswijk, block=BuildingBlock.TEAM, start=SINCE, end=LEFT
    )
    for block in (BuildingBlock.ADMINISTRATION, BuildingBlock.COORDINATION):
        Participation.objects.create(municipality=world.winterswijk, block=block, start=SINCE)


def _start(world: World, name: str, on: dt.date) -> Handhaving:
    case = world.cases[name]
    return start_handhaving(
        case,
        "pv",
        actor=case.owner,
        handler=world.users["boa-regio"],
        expected_version=None,
        on=on,
    )


def test_no_halt_or_pv_is_started_for_a_municipality_outside_blocks_2_and_3(client, world):
    case = world.cases["other"]  # Winterswijk
    client.force_login(world.users["lpa-winterswijk"])
    page = client.get(reverse("handhaving:start", args=[case.pk]))
    text = page.content.decode()
    assert "Winterswijk (0294) neemt op 11-03-2026 niet deel" in text
    assert "Aanvragen</button>" not in text
    response = client.post(
        reverse("handhaving:start", args=[case.pk]),
        {"kind": "pv", "handler": world.users["boa-regio"].pk, "version": case.version},
    )
    # The form offers no BOA, so the handler is refused; nothing is started.
    assert response.status_code == 400
    assert not Handhaving.objects.filter(case=case).exists()
    with pytest.raises(CaseRuleError, match="bouwsteen 2 of 3"):
        _start(world, "other", dt.date(2026, 3, 1))
    assert not Handhaving.objects.filter(case=case).exists()


def test_the_day_of_the_end_still_counts(world):
    item = _start(world, "other", LEFT)
    assert item.case.principal_id == "0294"


def test_lists_show_only_municipalities_with_boa_work(client, world):
    own = _start(world, "own", dt.date(2026, 3, 1))
    earlier = _start(world, "other", dt.date(2026, 2, 1))  # while Winterswijk took part
    boa = world.users["boa-regio"]
    assert set(editable_handhaving(boa)) == {own}
    assert set(jco_handhaving(boa)) == {own}
    assert set(jco_handhaving(world.users["coordinator"])) == {own}
    client.force_login(boa)
    work = client.get(reverse("handhaving:list")).content.decode()
    assert f'href="{reverse("handhaving:detail", args=[own.pk])}"' in work
    assert f'href="{reverse("handhaving:detail", args=[earlier.pk])}"' not in work
    jco = client.get(reverse("cases:jco")).content.decode()
    assert "Jansen" in jco and "Bakker" not in jco


def test_an_earlier_record_stays_readable_but_is_no_longer_worked(client, world):
    earlier = _start(world, "other", dt.date(2026, 2, 1))
    boa = world.users["boa-regio"]
    client.force_login(boa)
    page = client.get(reverse("handhaving:detail", args=[earlier.pk]))
    assert page.status_code == 200  # the BOA who handled it still reads it
    response = client.post(
        reverse("handhaving:dates", args=[earlier.pk]),
        {"version": earlier.version, "sent_on": "2026-03-10"},
    )
    assert response.status_code == 403
    earlier.refresh_from_db()
    assert earlier.sent_on is None
    # The case owner reads it too.
    client.force_login(world.users["lpa-winterswijk"])
    assert client.get(reverse("handhaving:detail", args=[earlier.pk])).status_code == 200
    # A BOA of Winterswijk who did not handle it gets nothing there any more.
    other_boa = staff("boa-winterswijk", Role.BOA, world.winterswijk)
    assert not visible_handhaving(other_boa).exists()
    client.force_login(other_boa)
    assert client.get(reverse("handhaving:detail", args=[earlier.pk])).status_code == 404


def test_a_municipality_returning_to_block_3_gets_boa_work_again(world):
    Participation.objects.create(
        municipality=world.winterswijk, block=BuildingBlock.BOA, start=dt.date(2026, 3, 11)
    )
    item = _start(world, "other", dt.date(2026, 3, 11))
    assert item in set(editable_handhaving(world.users["boa-regio"]))
