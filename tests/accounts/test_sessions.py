"""R-63: sessions expire when idle; a password or role change ends the user's
other sessions (and is in the security log)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rbl.accounts.models import RoleAssignment, SecurityEvent, SecurityEventKind, UserSession
from tests.web.world import PASSWORD

pytestmark = pytest.mark.django_db

MY_WORK = "/werk/"


def logged_in_twice(user) -> tuple[Client, Client]:
    first, second = Client(), Client()
    first.force_login(user)
    second.force_login(user)
    assert first.get(MY_WORK).status_code == 200
    assert second.get(MY_WORK).status_code == 200
    return first, second


def kinds(user) -> list[str]:
    return list(
        SecurityEvent.objects.filter(user=user).order_by("pk").values_list("kind", flat=True)
    )


def test_a_password_change_ends_the_other_sessions_not_this_one(world):
    user = world.users["lpa-aalten"]
    here, elsewhere = logged_in_twice(user)
    response = here.post(
        reverse("accounts:password-change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Een-nieuw-lang-wachtwoord-2026",
            "new_password2": "Een-nieuw-lang-wachtwoord-2026",
        },
    )
    assert response.status_code == 302
    assert here.get(MY_WORK).status_code == 200
    gone = elsewhere.get(MY_WORK)
    assert gone.status_code == 302 and gone["Location"].startswith("/login/")
    assert UserSession.objects.filter(user=user).count() == 1
    assert kinds(user)[-2:] == [
        SecurityEventKind.PASSWORD_CHANGED,
        SecurityEventKind.SESSIONS_ENDED,
    ]


def test_a_weak_new_password_is_refused_and_changes_nothing(world):
    user = world.users["lpa-aalten"]
    here, elsewhere = logged_in_twice(user)
    response = here.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "kort", "new_password2": "kort"},
    )
    assert response.status_code == 400
    assert elsewhere.get(MY_WORK).status_code == 200


def test_a_password_set_by_a_command_ends_every_session(world):
    user = world.users["lpa-aalten"]
    first, second = logged_in_twice(user)
    user.set_password("Door-de-beheerder-gezet-2026")
    user.save()
    assert first.get(MY_WORK).status_code == 302
    assert second.get(MY_WORK).status_code == 302


def test_a_rehash_at_login_is_no_password_change(world, settings):
    """Django rehashes a password with an outdated hasher at login; the security
    log does not call that a password change."""
    user = world.users["lpa-aalten"]
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.ScryptPasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    assert user.password.startswith("md5$")
    before = kinds(user).count(SecurityEventKind.PASSWORD_CHANGED)
    Client().post("/login/", {"username": "lpa-aalten", "password": PASSWORD})
    user.refresh_from_db()
    assert user.password.startswith("scrypt$")  # rehashed
    assert kinds(user).count(SecurityEventKind.PASSWORD_CHANGED) == before


def test_a_role_granted_or_revoked_ends_the_users_sessions(world):
    user = world.users["lpa-aalten"]
    first, second = logged_in_twice(user)
    RoleAssignment.objects.create(user=user, role="kpa", municipality=world.winterswijk)
    assert first.get(MY_WORK).status_code == 302
    assert second.get(MY_WORK).status_code == 302
    first.force_login(user)
    user.role_assignments.filter(role="kpa").delete()
    assert first.get(MY_WORK).status_code == 302
    events = SecurityEvent.objects.filter(user=user).order_by("pk")
    assert [
        (e.kind, e.detail) for e in events if e.detail == "Kwalificatieplichtambtenaar voor 0294"
    ] == [
        (SecurityEventKind.ROLE_GRANTED, "Kwalificatieplichtambtenaar voor 0294"),
        (SecurityEventKind.ROLE_REVOKED, "Kwalificatieplichtambtenaar voor 0294"),
    ]


def test_deleting_a_user_with_roles_works(world):
    user = world.users["lpa-winterswijk"]
    user.owned_cases.all().delete()
    user.delete()
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.ROLE_REVOKED).exists()


def test_an_idle_session_still_expires(world, clock, settings):
    client = Client()
    client.force_login(world.users["lpa-aalten"])
    assert client.get(MY_WORK).status_code == 200
    clock.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60))
    assert client.get(MY_WORK).status_code == 200  # activity keeps it alive
    clock.shift(dt.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
    assert client.get(MY_WORK).status_code == 302
