"""In Chromium: an officer registers time on a case activity and on work
outside cases, and the coordinator's month overview per municipality shows it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@closes_its_connections
def test_officer_registers_time_and_month_overview_shows_it(live_server, page):  # noqa: F811
    world = build_world()
    base = live_server.url
    log_in(page, base, "lpa-aalten")
    page.goto(f"{base}{reverse('web:case', args=[world.cases['own'].pk])}")
    page.get_by_label("Soort activiteit").select_option("huisbezoek")
    page.get_by_label("Bestede tijd in minuten (optioneel)").fill("75")
    page.get_by_role("button", name="Activiteit vastleggen").click()
    page.wait_for_load_state()
    assert "Activiteit vastgelegd." in page.content()

    page.goto(f"{base}{reverse('timekeeping:entries')}")
    page.get_by_label("Gemeente").select_option(label="Aalten")
    page.get_by_label("Tijd (minuten)").fill("45")
    page.get_by_label("Bouwsteen").select_option("2")
    page.get_by_label("Omschrijving (geen namen van jongeren)").fill("Spreekuur school")
    page.get_by_role("button", name="Tijd schrijven").click()
    page.wait_for_load_state()
    assert "Tijd geschreven." in page.content()

    page.context.clear_cookies()
    log_in(page, base, "coordinator")
    page.goto(f"{base}{reverse('timekeeping:overview')}?maand=2026-03")
    row = page.locator("table").first.locator("tr", has=page.locator("th", has_text="Aalten"))
    assert row.locator("td").all_inner_texts() == ["2", "2"]  # 75 + 45 minutes
