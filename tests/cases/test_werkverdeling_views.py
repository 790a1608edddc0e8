"""The work division screens (R-05): assignment rules and fixed contacts,
stand-ins, bulk reassignment with a preview; who may use them; refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rbl.accounts.models import Role, SecurityEvent
from rbl.audit.models import AccessLogEntry
from rbl.cases.models import AgeGroup, AssignmentRule, CaseStatus, Substitution
from tests.cases.factories import CaseFactory
from tests.factories import PersonFactory, SchoolFactory
from tests.web.world import build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world():
    return build_world()


def test_rules_page_shows_the_table(world, client):
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("werkverdeling:rules"))
    assert response.status_code == 200
    assert "Toewijzingsregels" in response.content.decode()


@pytest.mark.parametrize("name", ["rules", "substitutions", "reassign"])
def test_only_coordinator_and_beheer_see_the_screens(world, client, name):
    url = reverse(f"werkverdeling:{name}")
    for username in ("coordinator", "beheer", "m-beheer", "m-coordinator"):
        client.force_login(world.users[username])
        assert client.get(url).status_code == 200, username
    for role in Role:
        if role in (Role.COORDINATOR, Role.BEHEER):
            continue
        client.force_login(world.matrix_user(role))
        assert client.get(url).status_code == 404, role
        assert client.post(url, {}).status_code == 404, role
