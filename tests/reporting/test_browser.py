"""In Chromium: every demo role lands on its home; the coordinator clicks a
dashboard number and gets exactly the list behind it; the policy adviser of
Winterswijk sees Winterswijk's figures, small counts as "< 5", and no
person, no list and no other municipality."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from tests.cases.factories import CaseFactory
from tests.factories import PersonFactory
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOMES = {
    "coordinator": ("/cijfers/", "Dashboard: alle gemeenten"),
    "administratie": ("/", "Deze week"),
    "lpa-aalten": ("/werk/", "Mijn werk"),
    "lpa-winterswijk": ("/werk/", "Mijn werk"),
    "kpa-regio": ("/werk/", "Mijn werk"),
    "rmc-regio": ("/werk/", "Mijn werk"),
    "boa-regio": ("/werk/", "Mijn werk"),
    "beleid-winterswijk": (
        "/cijfers/jaarverslag/2024-2025/0294/",
        "Jaarverslag leerplicht en RMC gemeente Winterswijk, schooljaar 2024-2025",
    ),
    "privacy": ("/toegangslog/", "Wie heeft dit dossier bekeken?"),
    "beheer": ("/", "Inrichting"),
}


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def cases(municipality, n: int, case_type: str, owner=None) -> None:
    today = timezone.localdate()
    for i in range(n):
        CaseFactory(
            person=PersonFactory(municipality=municipality, surname=f"Kind{case_type}{i}"),
            type=case_type,
            owner=owner,
            opened_on=today - dt.timedelta(days=5 + 30 * i),
        )


@closes_its_connections
def test_every_role_lands_on_its_home(live_server, page):  # noqa: F811
    build_world()
    for username, (path, heading) in HOMES.items():
        page.context.clear_cookies()
        log_in(page, live_server.url, username)
        assert page.url == f"{live_server.url}{path}", username
        assert page.get_by_role("heading", level=1).inner_text() == heading, username


@closes_its_connections
def test_coordinator_clicks_a_number_and_gets_the_list_behind_it(live_server, page):  # noqa: F811
    world = build_world()
    cases(world.aalten, 6, "absoluut", owner=world.users["lpa-aalten"])
    cases(world.winterswijk, 4, "absoluut")
    log_in(page, live_server.url, "coordinator")
    table = page.get_by_role("table", name="Open zaken naar soort en duur")
    row = table.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Absoluut verzuim")
    )
    link = row.get_by_role("link").last  # the row's total
    assert link.inner_text() == "10"
    link.click()
    page.wait_for_load_state()
    caption = page.locator("table caption").inner_text()
    assert re.search(r": 10 zaken", caption), caption
    rows = page.locator("table tbody tr")
    assert rows.count() == 10
    assert all(t == "Absoluut verzuim" for t in rows.locator("th").all_inner_texts())

    # One municipality: the number and its list both narrow to it.
    page.goto(f"{live_server.url}/cijfers/")
    page.get_by_label("Gemeente", exact=True).select_option(label="Winterswijk")
    page.get_by_role("button", name="Tonen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: Winterswijk"
    figure = page.locator(".key-figures li").filter(has_text="Open zaken").get_by_role("link")
    expected = figure.inner_text()
    figure.click()
    page.wait_for_load_state()
    assert f": {expected} zaken" in page.locator("table caption").inner_text()
    assert set(page.locator("table tbody tr td:nth-child(4)").all_inner_texts()) == {"Winterswijk"}


@closes_its_connections
def test_policy_adviser_sees_only_winterswijk_figures(live_server, page):  # noqa: F811
    world = build_world()
    cases(world.winterswijk, 9, "relatief_16uur")
    cases(world.winterswijk, 2, "absoluut")
    cases(world.winterswijk, 7, "verlof")
    cases(world.aalten, 12, "absoluut")
    log_in(page, live_server.url, "beleid-winterswijk")
    page.goto(f"{live_server.url}/cijfers/")
    assert page.get_by_role("heading", level=1).inner_text() == "Dashboard: Winterswijk"
    main = page.locator("main")
    text = main.inner_text()
    assert "< 5" in text
    assert "Aalten" not in text
    assert "Kind" not in text and "Jansen" not in text and "Bakker" not in text
    assert main.get_by_role("link").filter(has_text=re.compile(r"^\d+$")).count() == 0
    assert page.get_by_label("Gemeente", exact=True).count() == 0  # nothing else to pick
    menu = page.get_by_role("navigation", name="Hoofdmenu").inner_text()
    assert "Zaken team" not in menu and "Zoeken" not in menu
    assert page.goto(f"{live_server.url}/cijfers/?gemeente=0197").status == 404
    assert page.goto(f"{live_server.url}/team/").status == 403
