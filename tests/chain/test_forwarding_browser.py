"""End-to-end in Chromium (Playwright): an officer forwards the case of a
youth who moved out of the region to the leerplicht office of the new
municipality. A wrong CBS code is refused naming the field; then the transfer
letter is made (the PDF, read back, is addressed to "Leerplicht, gemeente
Enschede" and lists the document sent along), the case is closed as moved out
of the region, and the case page shows what was sent."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.urls import reverse

from rbl.cases.models import ClosingReason
from rbl.chain.models import Forwarding
from tests.chain.helpers import pdf_text
from tests.letters.factories import DocumentFactory
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _click(tab, role: str, name: str) -> None:
    tab.get_by_role(role, name=name).click()
    tab.wait_for_load_state()


@closes_its_connections
def test_officer_forwards_a_case_out_of_the_region(
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
    DocumentFactory(
        case=case,
        person=person,
        municipality=world.aalten,
        reference="LP-2026-77",
        title="Verslag huisbezoek",
    )
    base = live_server.url

    log_in(page, base, "lpa-aalten")
    page.goto(f"{base}{reverse('web:case', args=[case.pk])}")
    _click(page, "link", "Overdragen aan gemeente buiten de regio")
    page.get_by_label("Naam nieuwe gemeente").fill("Enschede")
    page.get_by_label("CBS-code nieuwe gemeente").fill("153")
    _click(page, "button", "Overdragen en zaak afsluiten")
    assert page.get_by_text("CBS-code nieuwe gemeente: Vul vier cijfers in").first.is_visible()
    assert not Forwarding.objects.exists()

    page.get_by_label("CBS-code nieuwe gemeente").fill("0153")
    page.get_by_label("Verslag huisbezoek (kenmerk LP-2026-77)").check()
    _click(page, "button", "Overdragen en zaak afsluiten")
    assert page.get_by_text("De zaak is overgedragen").is_visible()
    assert page.get_by_text(
        "overgedragen aan Leerplicht, gemeente Enschede (0153)"
    ).first.is_visible()
    assert person.bsn not in page.url

    item = Forwarding.objects.get()
    text = pdf_text(item.letter)
    assert "Leerplicht, gemeente Enschede" in text
    assert "Verslag huisbezoek (kenmerk LP-2026-77)" in text
    assert person.full_name in text
    case.refresh_from_db()
    assert case.is_closed and case.closing_reason == ClosingReason.VERHUISD
