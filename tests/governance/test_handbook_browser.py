"""In Chromium: the coordinator writes the werkwijze for relatief verzuim
(with a hostile script in it), an officer opens it from the case page with
the Werkwijze link and sees the tag as text; the coordinator changes the page
and the versions page compares the two versions."""

from __future__ import annotations

import os

import pytest
from django.urls import reverse

from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@closes_its_connections
def test_the_officer_follows_the_werkwijze_link_from_the_case(live_server, page):  # noqa: F811
    world = build_world()
    case = world.cases["own"]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    log_in(page, live_server.url, "coordinator")
    page.goto(f"{live_server.url}{reverse('governance:handbook')}")
    page.get_by_role("link", name="Nieuwe werkwijze schrijven").click()
    page.get_by_label("Titel").fill("Zo pakken we relatief verzuim aan")
    page.get_by_label("Adres van de pagina").fill("relatief-verzuim")
    page.get_by_label("Geldt voor zaaksoort (optioneel)").select_option(case.type)
    page.get_by_label("Tekst").fill(
        "## Gesprek\n\nBinnen **vijf** schooldagen.\n\n<script>alert('xss')</script>"
    )
    page.get_by_label("Wat is er veranderd").fill("Eerste versie")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_load_state()
    assert "Werkwijze “Zo pakken we relatief verzuim aan” opgeslagen." in page.content()

    page.context.clear_cookies()
    log_in(page, live_server.url, "lpa-aalten")
    page.goto(f"{live_server.url}{reverse('web:case', args=[case.pk])}")
    page.get_by_role("link", name="Werkwijze: Zo pakken we relatief verzuim aan").click()
    page.wait_for_load_state()
    article = page.get_by_role("article")
    assert page.get_by_role("heading", name="Gesprek").is_visible()
    assert "<script>alert('xss')</script>" in article.inner_text()  # shown, not run
    assert dialogs == []

    page.context.clear_cookies()
    log_in(page, live_server.url, "coordinator")
    page.goto(f"{live_server.url}{reverse('governance:handbook-page', args=['relatief-verzuim'])}")
    page.get_by_role("link", name="Werkwijze wijzigen").click()
    page.get_by_label("Tekst").fill("## Gesprek\n\nBinnen **tien** schooldagen.")
    page.get_by_label("Wat is er veranderd").fill("Termijn naar tien dagen")
    page.get_by_role("button", name="Opslaan als nieuwe versie").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Versies en wijzigingen").click()
    page.get_by_role("button", name="Vergelijk de gekozen versies").click()
    page.wait_for_load_state()
    text = " ".join(page.get_by_role("table").inner_text().split())
    assert "Weggehaald: − Binnen **vijf** schooldagen." in text
    assert "Toegevoegd: + Binnen **tien** schooldagen." in text
    assert dialogs == []
