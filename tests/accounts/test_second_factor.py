"""R-63: the second factor. Users who see persons, cases or the access log set
it up at their first login and give it at every login; wrong codes count
towards the lockout; recovery codes work once; on a demo database the demo
logins work with the password alone."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rbl.accounts.models import Role, SecurityEvent, SecurityEventKind, UserSession
from rbl.organisation.models import Region
from tests.cases.factories import staff
from tests.secondfactor import totp_now
from tests.web.world import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]


def password_step(client, username: str, password: str = PASSWORD, next_url: str = ""):
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def code_step(client, code: str):
    return client.post("/login/code/", {"code": code})


def device(username: str) -> TOTPDevice:
    return TOTPDevice.objects.get(user__username=username, confirmed=True)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def kinds(username: str) -> list[str]:
    return list(
        SecurityEvent.objects.filter(username=username)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def test_password_alone_does_not_log_in_an_officer(world, client):
    person_url = reverse("web:person", args=[world.persons["own"].pk])
    response = password_step(client, "lpa-aalten", next_url=person_url)
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    assert not logged_in(client)
    # Not even the person page the login was for.
    blocked = client.get(person_url)
    assert blocked.status_code == 302 and blocked["Location"].startswith("/login/")
    page = client.get("/login/code/")
    assert page.status_code == 200 and "Jansen" not in page.content.decode()
    done = code_step(client, totp_now(device("lpa-aalten")))
    assert done.status_code == 302 and done["Location"] == person_url
    assert logged_in(client)
    assert client.get(person_url).status_code == 200
    assert kinds("lpa-aalten") == [SecurityEventKind.LOGIN]


def test_a_wrong_code_is_refused_and_counts_towards_the_lockout(world, client, clock):
    password_step(client, "lpa-aalten")
    right = totp_now(device("lpa-aalten"))
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(4):
        response = code_step(client, wrong)
        assert response.status_code == 400
        assert "niet juist" in response.content.decode()
        clock.shift(dt.timedelta(seconds=20))  # past django-otp's own back-off
    fifth = code_step(client, wrong)
    assert "te vaak een onjuiste inlogpoging" in fifth.content.decode()
    assert not logged_in(client)
    # The pending login ended; the right password and code do not help now.
    assert client.get("/login/code/")["Location"] == "/login/"
    refused = password_step(client, "lpa-aalten")
    assert "te vaak" in refused.content.decode()
    assert not logged_in(client)
    assert kinds("lpa-aalten")[:5] == [SecurityEventKind.SECOND_FACTOR_FAILED] * 5
    assert SecurityEventKind.LOCKED in kinds("lpa-aalten")
    # The code typed is never stored.
    assert wrong not in " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert not SecurityEvent.objects.filter(detail__contains=wrong).exists()
    clock.shift(dt.timedelta(minutes=16))
    password_step(client, "lpa-aalten")
    assert code_step(client, totp_now(device("lpa-aalten"))).status_code == 302
    assert logged_in(client)


def test_first_login_sets_up_the_app_and_shows_recovery_codes(world, client, clock):
    user = staff("lpa-nieuw", Role.LPA, world.aalten)
    user.set_password(PASSWORD)
    user.save()
    response = password_step(client, "lpa-nieuw")
    assert response["Location"] == "/login/instellen/"
    page = client.get("/login/instellen/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert not logged_in(client)
    assert client.get(reverse("web:my-work")).status_code == 302
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    assert client.post("/login/instellen/", {"code": "000000"}).status_code in (200, 400)
    clock.shift(dt.timedelta(seconds=2))  # django-otp's back-off after a wrong code
    done = client.post("/login/instellen/", {"code": totp_now(pending)})
    assert done["Location"] == "/tweede-factor/herstelcodes/"
    assert logged_in(client)
    codes_page = client.get("/tweede-factor/herstelcodes/").content.decode()
    codes = re.findall(r"<li><code>(\w+)</code></li>", codes_page)
    assert len(codes) == 10
    # Shown once.
    assert client.get("/tweede-factor/herstelcodes/").status_code == 302
    assert client.get(reverse("web:my-work")).status_code == 200
    assert SecurityEventKind.SECOND_FACTOR_SETUP in kinds("lpa-nieuw")

    # Next login: a recovery code works once.
    client.post(reverse("web:logout"))
    password_step(client, "lpa-nieuw")
    assert code_step(client, codes[0]).status_code == 302
    assert logged_in(client)
    assert StaticToken.objects.filter(device__user=user).count() == 9
    client.post(reverse("web:logout"))
    password_step(client, "lpa-nieuw")
    assert code_step(client, codes[0]).status_code == 400
    assert SecurityEventKind.RECOVERY_CODE_USED in kinds("lpa-nieuw")


def test_roles_without_personal_data_need_no_second_factor(world, client):
    TOTPDevice.objects.filter(user__username="beleid-winterswijk").delete()
    assert password_step(client, "beleid-winterswijk")["Location"] == "/"
    assert logged_in(client)


def test_the_privacy_officer_needs_it(world, client):
    TOTPDevice.objects.filter(user__username="privacy").delete()
    assert password_step(client, "privacy")["Location"] == "/login/instellen/"
    assert not logged_in(client)


def test_on_a_demo_database_the_demo_logins_need_no_second_factor(world, client):
    Region.objects.update(is_demo=True)
    TOTPDevice.objects.filter(user__username="lpa-aalten").delete()
    assert password_step(client, "lpa-aalten")["Location"] == "/"
    assert logged_in(client)
    assert client.get(reverse("web:person", args=[world.persons["own"].pk])).status_code == 200
    # Who set one up there anyway gives it.
    client.post(reverse("web:logout"))
    assert password_step(client, "coordinator")["Location"] == "/login/code/"


def test_a_session_without_the_factor_reaches_nothing(world, client):
    client.force_login(world.users["lpa-aalten"])  # plain Django: no second factor
    response = client.get(reverse("web:person", args=[world.persons["own"].pk]))
    assert response.status_code == 302 and response["Location"] == "/login/code/"
    api = client.get("/api/v1/zaken/")
    assert api.status_code == 403 and "tweede factor" in api.json()["detail"]
    assert client.post(reverse("web:logout")).status_code == 302
    # Giving the code verifies this very session.
    client.force_login(world.users["lpa-aalten"])
    assert code_step(client, totp_now(device("lpa-aalten"))).status_code == 302
    assert client.get("/api/v1/zaken/").status_code == 200


def test_new_recovery_codes(world, client):
    password_step(client, "lpa-aalten")
    code_step(client, totp_now(device("lpa-aalten")))
    page = client.get("/tweede-factor/")
    assert "herstelcode" in page.content.decode()
    assert client.post("/tweede-factor/")["Location"] == "/tweede-factor/herstelcodes/"
    codes = re.findall(
        r"<li><code>(\w+)</code></li>", client.get("/tweede-factor/herstelcodes/").content.decode()
    )
    assert len(codes) == 10
    assert SecurityEventKind.RECOVERY_CODES_NEW in kinds("lpa-aalten")


def test_the_reset_command_removes_the_app_and_ends_sessions(world, client):
    password_step(client, "lpa-aalten")
    code_step(client, totp_now(device("lpa-aalten")))
    assert UserSession.objects.filter(user=world.users["lpa-aalten"]).count() == 1
    out = io.StringIO()
    call_command("tweedefactor", "lpa-aalten", "--terugzetten", stdout=out)
    assert "teruggezet" in out.getvalue()
    assert not TOTPDevice.objects.filter(user__username="lpa-aalten").exists()
    assert UserSession.objects.filter(user=world.users["lpa-aalten"]).count() == 0
    assert client.get(reverse("web:my-work")).status_code == 302
    assert password_step(client, "lpa-aalten")["Location"] == "/login/instellen/"
    reset = SecurityEvent.objects.get(kind=SecurityEventKind.SECOND_FACTOR_RESET)
    assert (reset.username, reset.actor) == ("lpa-aalten", "rbl tweedefactor")


def test_bad_input_on_the_code_page_is_no_error(world, client):
    password_step(client, "lpa-aalten")
    for code in ("", "x" * 50, "<script>", "12 34 56"):
        assert code_step(client, code).status_code == 400
