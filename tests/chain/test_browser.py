"""End-to-end in Chromium (Playwright): an officer records a doubt about a
youth's address; the terugmelding letter to the BRP is produced (the PDF,
read back, names the reasons); the youth gets no signal from the weekly
absoluut check while it is open, and gets one again once the officer records
the outcome "adres juist" (the doubt was unfounded)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from rbl.absoluut.check import run_check
from rbl.absoluut.models import Signal
from rbl.chain.models import BrpTerugmelding
from tests.chain.helpers import pdf_text
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(tab, role: str, name: str) -> None:
    tab.get_by_role(role, name=name).click()
    tab.wait_for_load_state()


@closes_its_connections
def test_officer_records_a_terugmelding_and_its_outcome(
    live_server,
    page,  # noqa: F811
    settings,
    tmp_path: Path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    world = build_world()
    case = world.cases["own"]
    person = case.person
    base = live_server.url
    today = timezone.localdate()

    log_in(page, base, "lpa-aalten")
    page.goto(f"{base}{reverse('web:case', args=[case.pk])}")
    _click(page, "link", "Twijfel aan het adres terugmelden aan de BRP")
    # Nothing chosen: refused, naming the field.
    _click(page, "button", "Terugmelden")
    assert page.get_by_text("Redenen van de twijfel: Kies ten minste één reden.").is_visible()
    page.get_by_label("Gezin lijkt in het buitenland te wonen").check()
    page.get_by_label("Post komt terug").check()
    page.get_by_label("Toelichting (gronden)").fill(
        "Twee brieven retour; de buren zeggen dat het gezin naar Portugal is verhuisd."
    )
    _click(page, "button", "Terugmelden")
    assert page.get_by_text("De terugmelding is gedaan").is_visible()
    assert page.get_by_text("In onderzoek bij de BRP").is_visible()
    assert person.bsn not in page.url

    item = BrpTerugmelding.objects.get()
    text = pdf_text(item.document)
    assert "afdeling Burgerzaken (BRP)" in text
    assert "Gezin lijkt in het buitenland te wonen" in text and "Post komt terug" in text
    assert "naar Portugal" in text

    # The weekly check: no signal while the BRP looks into the address.
    for week in (0, 1):
        result = run_check(today + dt.timedelta(weeks=week), [world.aalten.code])
        assert result.held_for_brp == 1
    assert not Signal.objects.filter(person=person).exists()

    # The BRP answers: the address is right. The officer records it.
    page.get_by_label("Uitkomst", exact=True).select_option(label="Adres juist (twijfel ongegrond)")
    page.get_by_label("Datum van de uitkomst").fill(today.isoformat())
    _click(page, "button", "Uitkomst vastleggen")
    assert page.get_by_text("De uitkomst van de terugmelding is vastgelegd.").is_visible()
    assert page.get_by_text(f"Afgesloten op {today:%d-%m-%Y}").is_visible()

    page.goto(f"{base}{reverse('web:case', args=[case.pk])}")
    assert page.get_by_text(
        f"Taak afgerond: Terugmelding BRP: adres juist (twijfel ongegrond) op {today:%d-%m-%Y}"
    ).is_visible()

    # The next weekly check signals the youth again.
    result = run_check(today + dt.timedelta(weeks=2), [world.aalten.code])
    assert result.held_for_brp == 0 and result.new == 1
    assert Signal.objects.filter(person=person, closed_on__isnull=True).count() == 1
