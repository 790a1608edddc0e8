"""R-63 in Chromium: the second factor guards the files, the lockout holds even
for the right password and ends after its term (fixed clock), the security log
says so; axe finds no WCAG violation on the login pages."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.urls import reverse

from rbl.accounts.models import Role
from tests.cases.factories import staff
from tests.secondfactor import current_code
from tests.web.test_browser import closes_its_connections, log_in
from tests.web.world import PASSWORD, build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def type_password(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


@closes_its_connections
def test_a_user_with_a_second_factor_cannot_reach_a_person_page_without_it(live_server, page):
    world = build_world()
    base = live_server.url
    person_url = f"{base}{reverse('web:person', args=[world.persons['own'].pk])}"
    type_password(page, base, "lpa-aalten", PASSWORD)
    assert page.url == f"{base}/login/code/"
    # The person page sends the half-logged-in browser to the login.
    response = page.goto(person_url)
    assert page.url.startswith(f"{base}/login/?next=") and response.status == 200
    assert "Jansen" not in page.content()
    page.goto(f"{base}/login/code/")
    assert page.get_by_role("heading", name="Code van uw tweede factor").is_visible()
    page.get_by_label("Code").fill(current_code(world.users["lpa-aalten"]))
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state()
    page.goto(person_url)
    assert page.get_by_role("heading", name="Sanne de Jansen").is_visible()


@closes_its_connections
def test_the_sixth_wrong_password_refuses_even_the_right_one_until_the_term_ends(
    live_server, page, clock
):
    build_world()
    base = live_server.url
    for _ in range(6):
        type_password(page, base, "lpa-aalten", "verkeerd-wachtwoord")
    type_password(page, base, "lpa-aalten", PASSWORD)
    alert = page.get_by_role("alert")
    assert "te vaak een onjuiste inlogpoging" in alert.inner_text()
    assert page.url == f"{base}/login/"

    # The privacy officer reads it in the security log.
    page.context.clear_cookies()
    log_in(page, base, "privacy")
    page.goto(f"{base}/beveiligingslog/?gebruiker=lpa-aalten")
    rows = page.get_by_role("table").get_by_role("row")
    text = rows.all_inner_texts()
    assert any("Geblokkeerd na te veel mislukte pogingen" in r for r in text)
    assert any("Poging geweigerd: geblokkeerd" in r for r in text)
    assert sum("Inloggen mislukt" in r for r in text) == 5

    # After the lockout period the right password (and code) work again.
    page.context.clear_cookies()
    clock.shift(dt.timedelta(minutes=16))
    log_in(page, base, "lpa-aalten")
    assert page.get_by_role("heading", name="Mijn werk").is_visible()


@closes_its_connections
def test_login_pages_have_no_wcag_violations(live_server, page):
    from axe_playwright_python.sync_playwright import Axe

    world = build_world()
    new = staff("lpa-nieuw", Role.LPA, world.aalten)
    new.set_password(PASSWORD)
    new.save()
    base = live_server.url
    axe = Axe()
    problems: dict[str, str] = {}

    def check(name: str) -> None:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            problems[name] = results.generate_report()

    page.goto(f"{base}/login/")
    check("login")
    type_password(page, base, "lpa-aalten", "fout")
    check("login met fout")
    type_password(page, base, "lpa-aalten", PASSWORD)
    check("code")
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Bevestigen").click()
    page.wait_for_load_state()
    assert page.get_by_text("niet juist").is_visible()
    check("code met fout")

    page.context.clear_cookies()
    type_password(page, base, "lpa-nieuw", PASSWORD)
    assert page.get_by_role("heading", name="Tweede factor instellen").is_visible()
    check("instellen")
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.secondfactor import totp_now

    page.get_by_label("Code").fill(totp_now(TOTPDevice.objects.get(user=new, confirmed=False)))
    page.get_by_role("button", name="Tweede factor instellen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Uw herstelcodes").is_visible()
    check("herstelcodes")
    page.goto(f"{base}/tweede-factor/")
    check("tweede factor")

    page.context.clear_cookies()
    log_in(page, base, "beheer")
    page.goto(f"{base}/beveiligingslog/")
    assert page.get_by_role("heading", name="Beveiligingslog").is_visible()
    check("beveiligingslog")
    page.goto(f"{base}/api-sleutels/")
    assert page.get_by_role("heading", name="API-sleutels").is_visible()
    check("api-sleutels")
    page.goto(f"{base}/wachtwoord/")
    check("wachtwoord")
    assert not problems, "\n\n".join(f"{p}:\n{r}" for p, r in problems.items())
