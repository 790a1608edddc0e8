"""In the browser, against the fake BRP service: an officer looks a youth up,
sees the changed address marked and applies it; the privacy officer finds the
lookup with its purpose in the access log. The new screens pass axe (WCAG 2.1
A/AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rbl.cases.models import VerzuimMelding
from rbl.core.bsn import make_bsn
from rbl.registry.models import Person
from tests.brp.fake_brp import ouders, persoon
from tests.web.test_accessibility import CHROMIUM_ARGS, WCAG_TAGS
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _moved(brp, person: Person, since: dt.date) -> None:
    brp.persons[person.bsn] = persoon(
        person.bsn,
        geslachtsnaam=person.surname,
        voorvoegsel=person.prefix,
        voornamen=person.given_names,
        geboortedatum=person.birth_date.isoformat(),
        adres={
            "officieleStraatnaam": "Prinsenstraat",
            "huisnummer": 21,
            "huisletter": "a",
            "postcode": "7121DE",
            "woonplaats": "Aalten",
        },
        adres_sinds=since.isoformat(),
        gezag=ouders(person.bsn, "Mila Jansen", "Ruud Jansen"),
    )


@closes_its_connections
def test_an_officer_applies_a_changed_address_and_the_lookup_is_in_the_access_log(
    live_server,
    brp,
    page,  # noqa: F811
):
    world = build_world()
    youth = world.persons["own"]
    since = timezone.localdate() - 12 * dt.timedelta(days=1)
    _moved(brp, youth, since)
    base = live_server.url

    log_in(page, base, "lpa-aalten")
    page.goto(f"{base}{reverse('web:person', args=[youth.pk])}")
    page.get_by_role("link", name="Raadpleeg BRP").click()
    page.wait_for_load_state()
    assert youth.bsn not in page.url
    page.get_by_label("Doel van de raadpleging").select_option(
        label="Controle van adres of verhuizing"
    )
    page.get_by_role("button", name="Raadpleeg BRP").click()
    page.wait_for_load_state()
    assert youth.bsn not in page.url

    table = page.get_by_role("table", name="Wat RBL heeft naast wat de BRP zegt")
    address = table.get_by_role("row", name="Adres")
    assert "Prinsenstraat 21a, 7121DE Aalten" in address.inner_text()
    assert "Anders" in address.inner_text()
    name_row = table.get_by_role("row", name="Geslachtsnaam")
    assert "Gelijk" in name_row.inner_text()

    page.get_by_role("button", name="Verschillen verwerken").click()
    page.wait_for_load_state()
    assert page.url.endswith(reverse("web:person", args=[youth.pk]))
    assert page.get_by_text("De gegevens uit de BRP zijn verwerkt").is_visible()
    assert page.get_by_text("Prinsenstraat 21a, 7121DE Aalten").is_visible()
    youth.refresh_from_db()
    assert (youth.street, youth.last_mutation_on) == ("Prinsenstraat", since)

    page.context.clear_cookies()
    log_in(page, base, "privacy")
    page.goto(f"{base}/toegangslog/")
    page.get_by_label("BSN").fill(youth.bsn)
    page.get_by_role("button", name="Opvragen").click()
    page.wait_for_load_state()
    lookup_row = page.get_by_role("row").filter(
        has_text="BRP bevragen: Controle van adres of verhuizing"
    )
    assert lookup_row.count() == 2  # the lookup shown, and the one that applied it
    assert "lpa-aalten" in lookup_row.first.inner_text()
    assert page.get_by_role("row").filter(has_text="BRP bevragen: mutatie van").count() == 1


@closes_its_connections
def test_the_brp_screens_have_no_wcag_violations(live_server, brp):
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    world = build_world()
    youth = world.persons["own"]
    _moved(brp, youth, timezone.localdate() - dt.timedelta(days=3))
    bsn = make_bsn(77_700_001)
    brp.persons[bsn] = persoon(bsn, geslachtsnaam="Vos", gemeente=("0344", "Utrecht"))
    melding = VerzuimMelding.objects.create(
        meldingsnummer="DUO-AXE",
        bsn=bsn,
        brin="12AB",
        soort="16UUR",
        meldingsdatum=timezone.localdate() - dt.timedelta(days=20),
    )
    axe = Axe()
    problems: dict[str, str] = {}

    def check(tab, label: str) -> None:
        results = axe.run(tab, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        if results.violations_count:
            problems[label] = results.generate_report()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        tab = browser.new_context(locale="nl-NL", bypass_csp=True).new_page()
        log_in(tab, live_server.url, "coordinator")
        for path, purpose in (
            (reverse("brp:person", args=[youth.pk]), "adres"),
            (reverse("brp:melding", args=[melding.pk]), "koppelen"),
        ):
            tab.goto(f"{live_server.url}{path}")
            check(tab, f"{path} (doel)")
            tab.get_by_label("Doel van de raadpleging").select_option(purpose)
            tab.get_by_role("button", name="Raadpleeg BRP").click()
            tab.wait_for_load_state()
            assert tab.get_by_role("heading", name="Antwoord van de BRP").is_visible()
            check(tab, f"{path} (antwoord)")
        tab.goto(f"{live_server.url}{reverse('reporting:unlinked')}")
        check(tab, "unlinked")
        browser.close()
    assert not problems, "\n\n".join(f"{p}:\n{r}" for p, r in problems.items())
