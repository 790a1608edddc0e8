"""In Chromium on the fixed clock (11 March 2026): a jaarkalender reminder is
on the responsible officer's home screen within its lead time and not before;
when the coordinator lengthens a lead time on screen, it shows there too."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from rbl.governance.models import Deadline
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@closes_its_connections
def test_reminder_reaches_the_officers_home_within_its_lead_time(live_server, page):  # noqa: F811
    world = build_world()
    officer = world.users["lpa-aalten"]
    soon = Deadline.objects.create(
        region=world.aalten.region,
        title="Schoolbezoeken plannen",
        month=3,
        day=20,
        responsible_user=officer,
        lead_days=10,  # from 10 March: running today
    )
    later = Deadline.objects.create(
        region=world.aalten.region,
        title="Verzuimcijfers aan de scholen",
        month=3,
        day=25,
        responsible_user=officer,
        lead_days=10,  # from 15 March: not yet
    )
    log_in(page, live_server.url, "lpa-aalten")
    page.goto(f"{live_server.url}/")
    reminders = page.get_by_role("region", name="Deadlines uit de jaarkalender")
    assert "Schoolbezoeken plannen" in reminders.inner_text()
    assert "vrijdag 20 maart 2026" in reminders.inner_text()
    assert "Verzuimcijfers aan de scholen" not in page.content()

    page.context.clear_cookies()
    log_in(page, live_server.url, "coordinator")
    page.goto(f"{live_server.url}{reverse('governance:calendar')}")
    page.get_by_role("link", name="Verzuimcijfers aan de scholen").click()
    page.get_by_label("Dagen vooraf herinneren").fill("20")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    assert "Deadline “Verzuimcijfers aan de scholen” opgeslagen." in page.content()
    later.refresh_from_db()
    assert later.lead_days == 20 and soon.lead_days == 10

    page.context.clear_cookies()
    log_in(page, live_server.url, "lpa-aalten")
    page.goto(f"{live_server.url}/")
    reminders = page.get_by_role("region", name="Deadlines uit de jaarkalender")
    assert "Verzuimcijfers aan de scholen" in reminders.inner_text()
    # Another officer of the team sees neither.
    page.context.clear_cookies()
    log_in(page, live_server.url, "lpa-winterswijk")
    page.goto(f"{live_server.url}/")
    assert "Deadlines uit de jaarkalender" not in page.content()
