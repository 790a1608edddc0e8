"""In Chromium on the fixed clock (11 March 2026): the leerplichtambtenaar
registers an objection against their own decision on sixteen days of leave
and finds its twelve-week term on their home screen."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from rbl.objections.models import Objection
from tests.objections.conftest import leave_decision
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@closes_its_connections
def test_officer_registers_an_objection_and_sees_its_term_at_home(live_server, page):  # noqa: F811
    world = build_world()
    leave = leave_decision(world, days=15)
    log_in(page, live_server.url, "lpa-aalten")
    page.goto(f"{live_server.url}{reverse('web:case', args=[leave.case_id])}")
    page.get_by_role("link", name="Bezwaar tegen een besluit registreren").click()
    page.get_by_label("Besluit waartegen het bezwaar is").select_option("verlof")
    page.get_by_label("Bezwaar ontvangen op").fill("2026-03-02")
    page.get_by_label("Gronden van het bezwaar").fill("De reis was al geboekt.")
    page.get_by_role("button", name="Bezwaar vastleggen").click()
    page.wait_for_load_state()
    assert "Bezwaar vastgelegd; het regionale team behandelt het" in page.content()
    objection = Objection.objects.get()
    assert objection.route == "regionaal" and objection.handler.username == "lpa-aalten"

    page.goto(f"{live_server.url}/")
    terms = page.get_by_role("region", name="Termijnen van bezwaren en klachten")
    text = terms.inner_text()
    assert "Bezwaar" in text and "25 mei 2026" in text
    assert "termijn verstreken" not in text
    terms.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("objections:objection", args=[objection.pk]))

    # A colleague of the other municipality has no such term on their home.
    page.context.clear_cookies()
    log_in(page, live_server.url, "lpa-winterswijk")
    page.goto(f"{live_server.url}/")
    assert "Termijnen van bezwaren en klachten" not in page.content()
