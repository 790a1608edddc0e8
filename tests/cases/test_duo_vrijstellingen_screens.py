"""Withdrawing an exemption decision on screen (R-23): who may, bad input and
a stale form change nothing, and the withdrawal reaches DUO's register."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import ExemptionWithdrawal
from rbl.cases.services.exemption_register import pending_lines
from rbl.cases.services.exemptions import open_exemption_case
from rbl.registry.models import Exemption
from tests.web.world import World, build_world

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def case(world):
    return open_exemption_case(
        world.persons["own"],
        ground="5a",
        start=D(2025, 9, 1),
        end=D(2026, 7, 31),
        decided_on=D(2025, 8, 20),
        actor=world.users["coordinator"],
    )


def _url(case) -> str:
    return reverse("cases:exemption-withdraw", args=[case.pk])


def _post(client, case, **fields):
    data = {
        "withdrawn_from": "2026-04-01",
        "decided_on": "2026-03-10",
        "reason": "Het kind volgt weer onderwijs.",
        "version": case.version,
        **fields,
    }
    return client.post(_url(case), data)


def test_coordinator_withdraws_and_duo_hears_of_it(client, world, case):
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("web:case", args=[case.pk]))
    assert "Vrijstelling intrekken" in page.content.decode()
    assert client.get(_url(case)).status_code == 200

    response = _post(client, case)
    assert response.status_code == 302
    assert Exemption.objects.get().end == D(2026, 3, 31)
    followed = client.get(response["Location"]).content.decode()
    assert "ingetrokken per 01-04-2026" in followed
    assert AccessLogEntry.objects.filter(
        action=Action.CHANGE, case_id=case.pk, user=world.users["coordinator"]
    ).exists()
    [line] = pending_lines()
    assert (line.mutation, line.withdrawn_from, line.end) == ("I", D(2026, 4, 1), D(2026, 7, 31))
    # A second time: the page says it is withdrawn and offers no form.
    again = client.get(_url(case)).content.decode()
    assert "is ingetrokken per 01-04-2026" in again and "h-intrekken" not in again


def test_bad_input_names_the_field_and_changes_nothing(client, world, case):
    client.force_login(world.users["coordinator"])
    response = _post(client, case, reason="", withdrawn_from="31-02-2026")
    assert response.status_code == 400
    text = response.content.decode()
    assert "Reden: Vul de reden van de intrekking in." in text
    assert "Ingetrokken per" in text
    response = _post(client, case, withdrawn_from="2025-08-01")
    assert response.status_code == 400
    assert "De intrekking kan niet ingaan vóór de ingangsdatum." in response.content.decode()
    assert not ExemptionWithdrawal.objects.exists()
    assert Exemption.objects.get().end == D(2026, 7, 31)


def test_a_stale_form_is_refused(client, world, case):
    client.force_login(world.users["coordinator"])
    response = _post(client, case, version=case.version - 1)
    assert response.status_code == 409
    assert "intussen door iemand anders gewijzigd" in response.content.decode()
    assert not ExemptionWithdrawal.objects.exists()


@pytest.mark.parametrize(("name", "status"), [("lpa-winterswijk", 404), ("rmc-regio", 403)])
def test_who_may_not(client, world, case, name, status):
    client.force_login(world.users[name])
    assert client.get(_url(case)).status_code == status
    assert _post(client, case).status_code == status
    assert not ExemptionWithdrawal.objects.exists()
