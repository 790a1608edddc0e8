"""Yearly audits (R-50): the coordinator plans them, the named colleague fills
in the form and sets follow-up actions, the owner completes them; the year's
overview shows who was audited and what is open. Seen only by the coordinator,
the audited person and the auditor named on it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rbl.governance.models import Audit, AuditAction

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(world) -> Audit:
    return Audit.objects.create(
        year=2026,
        audited=world.users["lpa-aalten"],
        kind="collegiaal",
        auditor=world.users["kpa-regio"],
        created_by=world.users["coordinator"],
    )


def test_the_coordinator_plans_an_audit_and_refusals_name_the_field(world, client):
    client.force_login(world.users["coordinator"])
    url = reverse("governance:audit-new")
    lpa = world.users["lpa-aalten"]
    data = {"year": "2026", "audited": lpa.pk, "kind": "collegiaal", "auditor": lpa.pk}
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Iemand audit zichzelf niet" in response.content.decode()
    response = client.post(url, {**data, "kind": "extern", "auditor": ""})
    assert "Vul de naam van de externe auditor in." in response.content.decode()
    assert not Audit.objects.exists()
    response = client.post(
        url, {**data, "kind": "extern", "auditor": "", "external_auditor": "Ingrado, J. Smit"}
    )
    audit = Audit.objects.get()
    assert response["Location"] == reverse("governance:audit", args=[audit.pk])
    assert audit.auditor_label == "Ingrado, J. Smit"
    response = client.post(url, {**data, "kind": "extern", "external_auditor": "X"})
    assert "Deze medewerker heeft dit jaar al een audit." in response.content.decode()


def test_the_named_auditor_fills_in_and_sets_actions_the_owner_completes(
    world, client, audit, clock
):
    client.force_login(world.users["kpa-regio"])
    url = reverse("governance:audit", args=[audit.pk])
    response = client.post(url, {"held_on": "2026-03-10", "findings": " "})
    assert response.status_code == 400
    assert "Vul de bevindingen in." in response.content.decode()
    client.post(
        url,
        {"held_on": "2026-03-10", "files_checked": "5 dossiers", "findings": "Termijnen te laat"},
    )
    audit.refresh_from_db()
    assert audit.findings == "Termijnen te laat" and audit.held_on == dt.date(2026, 3, 10)
    client.post(
        reverse("governance:audit-action", args=[audit.pk]),
        {
            "actie-description": "Termijnbewaking in de agenda",
            "actie-owner": world.users["lpa-aalten"].pk,
            "actie-due_on": "2026-04-01",
        },
    )
    action = AuditAction.objects.get()
    # The audited person reads, may not change the findings, and completes their action.
    client.force_login(world.users["lpa-aalten"])
    page = client.get(url).content.decode()
    assert "Termijnen te laat" in page and "Termijnbewaking in de agenda" in page
    assert client.post(url, {"findings": "weg"}).status_code == 403
    overview = client.get(reverse("governance:audits") + "?jaar=2026").content.decode()
    assert "<td>1</td><td>0</td>" in overview  # one open action, none overdue
    clock.move_to(dt.datetime(2026, 4, 2, 10, 0, tzinfo=dt.UTC))
    client.force_login(world.users["coordinator"])
    overview = client.get(reverse("governance:audits") + "?jaar=2026").content.decode()
    assert "<td>1</td><td>1</td>" in overview  # now over its date
    client.force_login(world.users["lpa-aalten"])
    client.post(reverse("governance:audit-action-done", args=[action.pk]))
    action.refresh_from_db()
    assert action.done_on == dt.date(2026, 4, 2) and action.done_by == world.users["lpa-aalten"]
    client.post(reverse("governance:audit-action-done", args=[action.pk]))
    action.refresh_from_db()
    assert action.done_on == dt.date(2026, 4, 2)


def test_the_coordinators_overview_lists_every_professional(world, client, audit):
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("governance:audits") + "?jaar=2026").content.decode()
    assert page.count("nog niet gepland") >= 4  # the other officers and the administration
    assert reverse("governance:audit", args=[audit.pk]) in page
    page = client.get(reverse("governance:audits") + "?jaar=2025").content.decode()
    assert reverse("governance:audit", args=[audit.pk]) not in page


@pytest.mark.parametrize(
    "username", ["lpa-winterswijk", "rmc-regio", "beleid-winterswijk", "privacy", "beheer"]
)
def test_nobody_else_sees_the_audit(world, client, audit, username):
    client.force_login(world.users[username])
    assert client.get(reverse("governance:audit", args=[audit.pk])).status_code == 404
    response = client.get(reverse("governance:audits") + "?jaar=2026")
    if response.status_code == 200:
        assert reverse("governance:audit", args=[audit.pk]) not in response.content.decode()
    else:
        assert response.status_code == 403


def test_the_read_only_auditor_role_sees_no_audit(world, client, audit):
    from tests.web.world import _user

    user = _user("auditor-regio", "auditor", world.aalten, world.winterswijk)
    client.force_login(user)
    assert client.get(reverse("governance:audit", args=[audit.pk])).status_code == 404
    assert client.get(reverse("governance:audits")).status_code == 403
