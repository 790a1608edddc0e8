"""In the browser: a BRP extract that would mark most of Aalten as moved out
waits for the importer's confirmation after a real `rbl db_worker` refused it;
confirming imports it (R-65)."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse

from rbl.registry.models import ImportJob, Person
from tests.factories import PersonFactory
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def wait_for(locator, worker, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not locator.is_visible():
        assert time.monotonic() < deadline, f"not shown; worker said:\n{worker.output()}"
        locator.page.wait_for_timeout(200)


@closes_its_connections
def test_the_importer_confirms_the_departures_of_an_extract(
    live_server,
    db_worker,
    page,  # noqa: F811
    tmp_path,
):
    world = build_world()
    for _ in range(60):
        PersonFactory(municipality=world.aalten, birth_date=dt.date(2014, 5, 1))
    residents = list(
        Person.objects.filter(municipality=world.aalten, moved_out_on__isnull=True).order_by("pk")
    )
    brp = tmp_path / "brp.csv"
    brp.write_text(
        "bsn;geslachtsnaam;voornamen;geboortedatum;gemeentecode\n"
        + "".join(
            f"{p.bsn};{p.surname};{p.given_names};{p.birth_date};0197\n" for p in residents[:5]
        ),
        encoding="utf-8",
    )
    base = live_server.url
    log_in(page, base, "administratie")
    page.goto(f"{base}{reverse('web:import')}")
    page.get_by_label("Soort bestand").select_option("brp")
    page.get_by_label("Bestand (CSV)").set_input_files(str(brp))
    page.get_by_label("Gemeenten", exact=False).select_option(label="Aalten")
    page.get_by_role("button", name="Importeren").click()
    page.wait_for_load_state()

    confirm = page.get_by_role("button", name="Vertrek bevestigen en importeren")
    wait_for(confirm, db_worker)  # the page reloads itself once the worker refused it
    table = page.get_by_role("table", name="Inwoners die als vertrokken gemarkeerd zouden worden")
    row = table.get_by_role("row", name="Aalten (0197)")
    assert row.get_by_role("cell").all_inner_texts() == [
        "Aalten (0197)",
        str(len(residents) - 5),
        str(len(residents)),
    ]
    assert not Person.objects.filter(moved_out_on__isnull=False).exists()

    confirm.click()
    page.wait_for_load_state()
    wait_for(page.get_by_text("Het bestand is verwerkt."), db_worker)
    counts = page.get_by_role("table", name="Aantallen")
    moved = counts.get_by_role("row", name="Vertrokken").get_by_role("cell").inner_text()
    assert moved == str(len(residents) - 5)
    assert ImportJob.objects.get().state == "klaar"
    assert Person.objects.filter(moved_out_on__isnull=False).count() == len(residents) - 5
