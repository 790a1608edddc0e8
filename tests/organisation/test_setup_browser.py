"""End-to-end in Chromium (Playwright): the coordinator opens Inrichting from
the menu, gives an officer a role for another municipality on the staff
screen and sees it listed; on their own page no role can be given or taken."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from rbl.accounts.models import RoleAssignment, SecurityEvent, SecurityEventKind
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _click(tab, role: str, name: str) -> None:
    tab.get_by_role(role, name=name, exact=True).click()
    tab.wait_for_load_state()


@closes_its_connections
def test_coordinator_grants_a_role_and_cannot_change_their_own(live_server, page):  # noqa: F811
    world = build_world()
    base = live_server.url
    lpa = world.users["lpa-aalten"]

    log_in(page, base, "coordinator")
    _click(page, "link", "Inrichting")
    _click(page, "link", "Medewerkers en rollen")
    row = page.get_by_role("row").filter(has_text="lpa-aalten")
    assert "Leerplichtambtenaar: Aalten" in row.inner_text()
    row.get_by_role("link").click()
    page.wait_for_load_state()

    page.get_by_label("Rol", exact=True).select_option(label="Kwalificatieplichtambtenaar")
    page.get_by_label("Gemeente").select_option(label="Winterswijk")
    _click(page, "button", "Rol geven")
    assert page.get_by_text(
        "lpa-aalten heeft nu de rol Kwalificatieplichtambtenaar voor"
    ).is_visible()
    roles_table = page.get_by_role("table", name="Rollen")
    assert "Kwalificatieplichtambtenaar" in roles_table.inner_text()
    assert RoleAssignment.objects.filter(user=lpa, role="kpa", municipality_id="0294").exists()
    event = SecurityEvent.objects.get(
        kind=SecurityEventKind.ROLE_GRANTED, user=lpa, actor="coordinator"
    )
    assert event.detail == "Kwalificatieplichtambtenaar voor 0294"

    # Own page: the roles are listed, nothing offers to change them.
    page.goto(f"{base}{reverse('organisation:staff-user', args=[world.users['coordinator'].pk])}")
    assert page.get_by_text("Dit bent u zelf").is_visible()
    assert page.get_by_role("button", name="Rol geven").count() == 0
    assert page.get_by_role("button", name="Intrekken").count() == 0
    assert page.get_by_role("button", name="Account buiten gebruik stellen").count() == 0
    assert "Coördinator / teamleider" in page.get_by_role("table", name="Rollen").inner_text()
