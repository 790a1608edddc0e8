"""Audits are data about professionals: every read is in the access log.
A change of a jaarkalender deadline is kept (who, when, old → new) and shown
on the deadline's page, and goes to the security log as a set-up change. The
policy adviser and the privacy officer see no audit and no case."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.audit.models import AccessLogEntry
from rbl.governance.models import Audit, Deadline, DeadlineChange

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


def test_every_read_of_an_audit_is_logged(world, client, audit):
    client.force_login(world.users["kpa-regio"])
    url = reverse("governance:audit", args=[audit.pk])
    assert client.get(url).status_code == 200
    client.get(reverse("governance:audits"), {"jaar": "2026"})
    entries = list(AccessLogEntry.objects.filter(username="kpa-regio").order_by("pk"))
    assert [(e.action, e.path) for e in entries] == [
        ("view", url),
        ("view", reverse("governance:audits")),
    ]
    assert entries[0].purpose == "Audit 2026 bekeken"
    assert entries[1].purpose == "Overzicht audits 2026"


@pytest.mark.parametrize("username", ["beleid-winterswijk", "privacy"])
def test_policy_and_privacy_see_no_audit_and_no_case(world, client, audit, username):
    client.force_login(world.users[username])
    assert client.get(reverse("governance:audit", args=[audit.pk])).status_code == 404
    assert client.get(reverse("governance:audits")).status_code == 403
    for case in world.cases.values():
        assert client.get(reverse("web:case", args=[case.pk])).status_code == 404
    assert not AccessLogEntry.objects.filter(username=username).exists()


def test_a_deadline_change_is_kept_and_shown_on_its_page(world, client):
    deadline = Deadline.objects.create(
        region=world.aalten.region,
        title="Begroting naar de raden",
        month=4,
        day=1,
        responsible_role="coordinator",
        lead_days=14,
    )
    url = reverse("governance:deadline-edit", args=[deadline.pk])
    client.force_login(world.users["coordinator"])
    form = {
        "title": "Begroting naar de raden",
        "recurrence": "jaarlijks",
        "month": "4",
        "day": "1",
        "responsible_role": "coordinator",
        "lead_days": "30",
        "active": "on",
    }
    assert client.post(url, {**form, "day": "31"}).status_code == 400
    assert not DeadlineChange.objects.exists()  # refused input changes nothing
    form["responsible_user"] = str(world.users["beheer"].pk)
    assert client.post(url, form).status_code == 302
    change = DeadlineChange.objects.get()
    assert change.user == world.users["coordinator"]
    assert change.what.splitlines() == [
        "Verantwoordelijke medewerker: leeg → Beheer Test",
        "Dagen vooraf herinneren: 14 → 30",
    ]
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.SETUP_CHANGED).get()
    assert "Dagen vooraf herinneren: 14 → 30" in event.detail
    assert client.post(url, form).status_code == 302  # nothing changed: nothing to log
    assert DeadlineChange.objects.count() == 1
    client.force_login(world.users["beheer"])
    page = client.get(url).content.decode()
    assert "Dagen vooraf herinneren: 14 → 30" in page
    assert "Coordinator Test" in page
