"""R-63: login through the organisation's identity provider, against a real
OpenID Connect provider (npm `oidc-provider`, tests/accounts/oidc_fixture.py):
authorization-code flow with discovery, JWKS and RS256; state and nonce
checked; a tampered or expired ID token refused; an unknown user refused, not
created; `acr`/`amr` showing a second factor skip RBL's own, otherwise RBL asks.

RBL's clock is set to the real time here: the provider (another process) signs
its tokens with the real time, which the suite's fixed clock would call the
future."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from rbl.accounts.models import SecurityEvent, SecurityEventKind, User
from tests.secondfactor import totp_now

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]


@pytest.fixture
def op(oidc_provider, settings, clock):
    clock.move_to(dt.datetime.fromtimestamp(time_machine.escape_hatch.time.time(), dt.UTC))
    oidc_provider.settings(settings)
    oidc_provider.tamper = False
    yield oidc_provider
    oidc_provider.tamper = False


def start(client: Client, next_url: str = "") -> str:
    """RBL's login button: the authorization request RBL sends the browser to."""
    response = client.get("/oidc/login/" + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302, response.content[:300]
    return response["Location"]


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def refusals() -> list[str]:
    return list(
        SecurityEvent.objects.filter(kind=SecurityEventKind.OIDC_REFUSED).values_list(
            "detail", flat=True
        )
    )


def test_the_authorization_request_follows_discovery(world, op):
    url = urlparse(start(Client()))
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{op.issuer}/auth"
    query = parse_qs(url.query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["rbl-test"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"][0] and query["nonce"][0]


def test_a_second_factor_at_the_provider_logs_in_without_rbls(world, op):
    client = Client()
    person = reverse("web:person", args=[world.persons["own"].pk])
    callback = op.log_in(start(client, person), "lpa-aalten", mfa=True)
    response = client.get(callback)
    assert response.status_code == 302 and response["Location"] == person
    assert logged_in(client)
    assert client.get(person).status_code == 200
    login = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert (login.username, login.detail) == ("lpa-aalten", "via identity provider")


def test_without_a_second_factor_at_the_provider_rbl_asks_for_its_own(world, op):
    client = Client()
    callback = op.log_in(start(client), "lpa-aalten", mfa=False)
    response = client.get(callback)
    assert response["Location"] == "/login/code/"
    assert not logged_in(client)
    assert client.get(reverse("web:my-work")).status_code == 302
    device = world.users["lpa-aalten"].totpdevice_set.get()
    assert client.post("/login/code/", {"code": totp_now(device)}).status_code == 302
    assert logged_in(client)
    assert client.get(reverse("web:my-work")).status_code == 200


@pytest.mark.parametrize(
    "acr,amr,skips",
    [("urn:rbl:test:mfa", "", True), ("", "", False), ("", "otp", True), ("urn:x", "hwk", False)],
)
def test_which_acr_and_amr_count_as_a_second_factor(world, op, settings, acr, amr, skips):
    settings.RBL_OIDC_MFA_ACR = acr
    settings.RBL_OIDC_MFA_AMR = amr
    client = Client()
    response = client.get(op.log_in(start(client), "lpa-aalten", mfa=True))
    assert (response["Location"] != "/login/code/") is skips
    assert logged_in(client) is skips


def test_a_user_rbl_does_not_know_is_refused_not_created(world, op):
    client = Client()
    response = client.get(op.log_in(start(client), "onbekende-medewerker", mfa=True))
    assert response.status_code == 403
    assert "niet gelukt" in response.content.decode()
    assert not logged_in(client)
    assert not User.objects.filter(username="onbekende-medewerker").exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.OIDC_REFUSED)
    assert event.username == "onbekende-medewerker"


def test_an_inactive_user_is_refused(world, op):
    User.objects.filter(username="lpa-aalten").update(is_active=False)
    client = Client()
    assert client.get(op.log_in(start(client), "lpa-aalten", mfa=True)).status_code == 403
    assert not logged_in(client)


def test_the_state_is_checked(world, op):
    client = Client()
    callback = op.log_in(start(client), "lpa-aalten", mfa=True)
    # Another browser (without this login's state) brings the same answer.
    other = Client()
    other.get("/login/")
    assert other.get(callback).status_code == 403
    assert not logged_in(other)
    # A state that was never sent.
    forged = callback.replace("state=", "state=x")
    assert client.get(forged).status_code == 403
    assert not logged_in(client)


def test_the_nonce_is_checked(world, op):
    """Two logins started in one browser: the code of the first, brought back
    with the second's state, is refused: the provider refuses it for the second's
    PKCE verifier; with the first's verifier (a code injected by someone who
    knows it), RBL refuses its ID token for the first's nonce."""
    client = Client()
    first = start(client)
    second = start(client)
    first_callback = op.log_in(first, "lpa-aalten", mfa=True)
    first_code = parse_qs(urlparse(first_callback).query)["code"][0]
    first_state = parse_qs(urlparse(first).query)["state"][0]
    second_state = parse_qs(urlparse(second).query)["state"][0]
    response = client.get(f"/oidc/callback/?code={first_code}&state={second_state}")
    assert response.status_code == 403
    assert not logged_in(client)

    client = Client()
    first = start(client)
    second = start(client)
    first_callback = op.log_in(first, "lpa-aalten", mfa=True)
    first_code = parse_qs(urlparse(first_callback).query)["code"][0]
    first_state = parse_qs(urlparse(first).query)["state"][0]
    second_state = parse_qs(urlparse(second).query)["state"][0]
    session = client.session
    states = session["oidc_states"]
    states[second_state]["code_verifier"] = states[first_state]["code_verifier"]
    session["oidc_states"] = states
    session.save()
    response = client.get(f"/oidc/callback/?code={first_code}&state={second_state}")
    assert response.status_code == 403
    assert not logged_in(client)
    assert any("Nonce" in r for r in refusals())


def test_a_tampered_id_token_is_refused(world, op):
    client = Client()
    callback = op.log_in(start(client), "lpa-aalten", mfa=True)
    op.tamper = True
    response = client.get(callback)
    assert response.status_code == 403
    assert not logged_in(client)
    assert any("ID-token ongeldig" in r for r in refusals())


def test_an_expired_id_token_is_refused(world, op, clock):
    client = Client()
    callback = op.log_in(start(client), "lpa-aalten", mfa=True)
    clock.shift(dt.timedelta(minutes=11))  # past the ID token's 10 minutes
    response = client.get(callback)
    assert response.status_code == 403
    assert not logged_in(client)
    assert "ID-token verlopen" in refusals()


def test_the_login_page_offers_the_provider(world, op):
    page = Client().get("/login/").content.decode()
    assert "Inloggen via de testprovider" in page


def test_without_an_issuer_there_is_no_provider_login(world, settings):
    settings.RBL_OIDC_ISSUER = ""
    assert Client().get("/oidc/login/").status_code == 404
    assert Client().get("/oidc/callback/?code=x&state=y").status_code == 404
    assert "Inloggen via" not in Client().get("/login/").content.decode()


def test_an_unreachable_provider_gives_a_dutch_message(world, settings):
    from rbl.accounts import oidc

    settings.RBL_OIDC_ISSUER = "http://127.0.0.1:9"
    settings.RBL_OIDC_CLIENT_ID = "rbl"
    oidc._DISCOVERY.clear()
    response = Client().get("/oidc/login/")
    assert response.status_code == 403
    assert "niet gelukt" in response.content.decode()
    assert refusals() == ["discovery mislukt: ConnectionError"]
    callback = Client().get("/oidc/callback/?error=access_denied&state=x")
    assert callback.status_code == 403
