"""R-63: API keys for service accounts only, made, listed and revoked by
application management; wrong keys throttled per address."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from rest_framework.test import APIClient

from rbl.accounts.models import Role, SecurityEvent, SecurityEventKind, ServiceToken
from rbl.accounts.tokens import NotAServiceAccount, create_token
from rbl.web import opaque
from tests.cases.factories import staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(world):
    user = staff("koppeling-aalten", Role.LPA, world.aalten)
    user.is_service_account = True
    user.set_unusable_password()
    user.save()
    return user


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_application_management_makes_lists_and_revokes_a_key(world, account, client):
    client.force_login(world.users["beheer"])
    page = client.get("/api-sleutels/")
    assert page.status_code == 200 and "koppeling-aalten" in page.content.decode()
    made = client.post("/api-sleutels/", {"account": account.pk, "name": "Zaaksysteem"})
    assert made["Location"] == "/api-sleutels/"
    html = client.get("/api-sleutels/").content.decode()
    key = re.search(r"<p><code>([\w-]{40,})</code></p>", html).group(1)
    # Shown once; the list keeps only its beginning.
    again = client.get("/api-sleutels/").content.decode()
    assert key not in again and key[:8] in again
    token = ServiceToken.objects.get()
    assert token.key_hash != key and key not in token.key_hash

    body = api(key).get("/api/v1/zaken/").json()
    assert [z["id"] for z in body["results"]] == [opaque.case_id(world.cases["own"].pk)]
    token.refresh_from_db()
    assert token.last_used_at is not None

    revoked = client.post(f"/api-sleutels/{token.pk}/intrekken/")
    assert revoked.status_code == 302
    assert api(key).get("/api/v1/zaken/").status_code == 401
    events = SecurityEvent.objects.filter(
        username="koppeling-aalten", kind__startswith="token"
    ).order_by("pk")
    assert [(e.kind, e.actor) for e in events] == [
        (SecurityEventKind.TOKEN_CREATED, "beheer"),
        (SecurityEventKind.TOKEN_REVOKED, "beheer"),
    ]
    assert not SecurityEvent.objects.filter(detail__contains=key).exists()


def test_keys_are_for_service_accounts_only(world, account, client):
    with pytest.raises(NotAServiceAccount):
        create_token(world.users["lpa-aalten"], "x", actor=world.users["beheer"])
    client.force_login(world.users["beheer"])
    response = client.post("/api-sleutels/", {"account": world.users["lpa-aalten"].pk, "name": "x"})
    assert response.status_code == 400
    assert not ServiceToken.objects.exists()


def test_a_service_account_cannot_log_in_to_the_screens(world, account, client):
    account.set_password("een-lang-wachtwoord-123")
    account.save()
    response = client.post(
        "/login/", {"username": "koppeling-aalten", "password": "een-lang-wachtwoord-123"}
    )
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_other_roles_may_not_make_keys(world, account, client):
    client.force_login(world.users["coordinator"])
    assert client.post("/api-sleutels/", {"account": account.pk, "name": "x"}).status_code == 403


def test_wrong_keys_are_throttled_per_address(world, account, settings, clock):
    settings.RBL_API_MAX_FAILURES = 3
    settings.RBL_API_FAILURE_MINUTES = 15
    _, key = create_token(account, "koppeling", actor=world.users["beheer"])
    for _ in range(3):
        assert api("geraden-sleutel").get("/api/v1/zaken/").status_code == 401
    throttled = api(key).get("/api/v1/zaken/")
    assert throttled.status_code == 429
    assert "Te veel" in throttled.json()["detail"] or "te veel" in throttled.json()["detail"]
    kinds = list(SecurityEvent.objects.order_by("pk").values_list("kind", flat=True))
    assert kinds[-3:] == [
        SecurityEventKind.TOKEN_REFUSED,
        SecurityEventKind.TOKEN_REFUSED,
        SecurityEventKind.TOKEN_THROTTLED,
    ]
    clock.shift(dt.timedelta(minutes=16))
    assert api(key).get("/api/v1/zaken/").status_code == 200


def test_a_malformed_header_is_a_clean_401(world):
    for header in ("Token", "Token a b", "Token \u00e9\u00e9n"):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        response = client.get("/api/v1/zaken/")
        assert response.status_code == 401
        assert response["WWW-Authenticate"] == "Token"
        assert "detail" in response.json()


def test_the_region_file_declares_service_accounts(db, tmp_path):
    from django.core.management import call_command

    from rbl.accounts.models import User
    from tests.organisation.test_regio_command import VALID

    text = VALID + (
        "  - gebruikersnaam: zaaksysteem\n"
        "    dienstaccount: true\n"
        "    rollen:\n"
        '      lpa: ["0197"]\n'
    )
    path = tmp_path / "regio.yaml"
    path.write_text(text, encoding="utf-8")
    call_command("regio", str(path))
    account = User.objects.get(username="zaaksysteem")
    assert account.is_service_account and not account.has_usable_password()
    granted = SecurityEvent.objects.get(user=account, kind=SecurityEventKind.ROLE_GRANTED)
    assert (granted.actor, granted.detail) == ("rbl regio", "Leerplichtambtenaar voor 0197")
    assert not User.objects.get(username="lpa1").is_service_account
