"""R-63: after RBL_LOGIN_MAX_FAILURES (5) failed attempts for a username every
attempt for it is refused for RBL_LOCKOUT_MINUTES (15), the right password too;
the messages never tell whether the username exists; `rbl ontgrendel` unlocks;
the security log records it all without a password."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.accounts.views import INVALID_LOGIN
from tests.web.world import PASSWORD

pytestmark = pytest.mark.django_db

# A policy adviser: no second factor is needed (no persons, cases or access log).
USER = "beleid-winterswijk"


@pytest.fixture(autouse=True)
def _policy_adviser_without_app(world):
    """The policy adviser has set up no second factor (not required for the role)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user__username=USER).delete()


def attempt(client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def errors(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def kinds(username: str) -> list[str]:
    return list(
        SecurityEvent.objects.filter(username=username)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def test_the_right_password_logs_in_and_is_recorded(world, client):
    response = attempt(client, USER, PASSWORD)
    assert response.status_code == 302
    assert kinds(USER) == [SecurityEventKind.LOGIN]


def test_five_failures_lock_the_username_even_for_the_right_password(world, client, clock):
    for _ in range(4):
        response = attempt(client, USER, "fout-wachtwoord")
        assert errors(response) == INVALID_LOGIN
    fifth = attempt(client, USER, "fout-wachtwoord")
    assert "te vaak een onjuiste inlogpoging" in errors(fifth)
    refused = attempt(client, USER, PASSWORD)
    assert refused.status_code == 200
    assert "te vaak een onjuiste inlogpoging" in errors(refused)
    assert "_auth_user_id" not in client.session
    assert kinds(USER) == [SecurityEventKind.LOGIN_FAILED] * 5 + [
        SecurityEventKind.LOCKED,
        SecurityEventKind.REFUSED_LOCKED,
    ] or kinds(USER) == [SecurityEventKind.LOGIN_FAILED] * 4 + [
        SecurityEventKind.LOCKED,
        SecurityEventKind.LOGIN_FAILED,
        SecurityEventKind.REFUSED_LOCKED,
    ]
    # Still refused just before the term ends, let in after it.
    clock.shift(dt.timedelta(minutes=14, seconds=50))
    assert "te vaak" in errors(attempt(client, USER, PASSWORD))
    clock.shift(dt.timedelta(minutes=15, seconds=10))
    assert attempt(client, USER, PASSWORD).status_code == 302


def test_an_unknown_username_gets_exactly_the_same_answers(world, client):
    def answers(username: str) -> list[str]:
        return [errors(attempt(client, username, "fout-wachtwoord")) for _ in range(6)]

    assert answers(USER) == answers("bestaat-niet")
    assert "te vaak" in answers("ook-onbekend")[-1]


def test_an_inactive_user_and_a_wrong_password_get_the_same_message(world, client):
    world.users["lpa-winterswijk"].is_active = False
    world.users["lpa-winterswijk"].save()
    assert errors(attempt(client, "lpa-winterswijk", PASSWORD)) == INVALID_LOGIN


def test_the_unlock_command_lifts_the_lockout(world, client):
    for _ in range(5):
        attempt(client, USER, "fout-wachtwoord")
    assert "te vaak" in errors(attempt(client, USER, PASSWORD))
    out = io.StringIO()
    call_command("ontgrendel", USER, stdout=out)
    assert "Blokkade opgeheven" in out.getvalue()
    assert attempt(client, USER, PASSWORD).status_code == 302
    unlocked = SecurityEvent.objects.get(kind=SecurityEventKind.UNLOCKED)
    assert (unlocked.username, unlocked.actor) == (USER, "rbl ontgrendel")


def test_limit_and_term_follow_the_settings(world, client, settings, clock):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=1)
    attempt(client, USER, "fout")
    assert "te vaak" in errors(attempt(client, USER, "fout"))
    assert "over 1 minuten" in errors(attempt(client, USER, PASSWORD))
    clock.shift(dt.timedelta(seconds=70))
    assert attempt(client, USER, PASSWORD).status_code == 302


def test_settings_come_from_the_environment():
    env = {**os.environ, "RBL_LOGIN_MAX_FAILURES": "7", "RBL_LOCKOUT_MINUTES": "30"}
    code = "import rbl.settings as s; print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["7", "0:30:00"]


def test_no_password_and_no_bsn_is_stored(world, client):
    attempt(client, USER, "Geheim-wachtwoord-123")
    attempt(client, "123456782", "Geheim-wachtwoord-456")  # a BSN typed as username
    stored = " ".join(
        str(v)
        for row in SecurityEvent.objects.values_list("username", "detail", "actor")
        for v in row
    )
    stored += " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "Geheim" not in stored
    assert "123456782" not in stored
    assert SecurityEvent.objects.filter(username="*********").exists()


def test_the_security_log_is_immutable(world, client):
    from rbl.accounts.models import SecurityEventImmutableError

    attempt(client, USER, "fout")
    event = SecurityEvent.objects.get()
    with pytest.raises(SecurityEventImmutableError):
        event.save()
    with pytest.raises(SecurityEventImmutableError):
        event.delete()
    with pytest.raises(SecurityEventImmutableError):
        SecurityEvent.objects.update(detail="x")


@pytest.mark.parametrize(
    "username,status", [("privacy", 200), ("beheer", 200), ("coordinator", 403), (USER, 403)]
)
def test_the_security_log_screen(world, client, username, status):
    attempt(client, "jan-onbekend", "fout")
    client.force_login(world.users[username])
    response = client.get("/beveiligingslog/")
    assert response.status_code == status
    if status == 200:
        assert "jan-onbekend" in response.content.decode()
        assert "Inloggen mislukt" in response.content.decode()
        filtered = client.get("/beveiligingslog/?gebruiker=piet")
        assert "jan-onbekend" not in filtered.content.decode()
