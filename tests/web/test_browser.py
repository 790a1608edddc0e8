"""End-to-end in Chromium (Playwright) against the live server: an officer
works a 16-uur report that arrived by import from first conversation to
closing, and DUO hears about it; an officer of Aalten cannot find or open a
child of Winterswijk."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rbl.cases.models import AgeGroup, AssignmentRule, CaseStatus, VerzuimMelding
from rbl.registry.imports import run_import
from tests.factories import PersonFactory, SchoolFactory
from tests.web.world import PASSWORD, build_world

# Playwright's sync API runs an event loop in this thread; the ORM calls made
# by the test itself are still synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="nl-NL")
        tab = context.new_page()
        tab.set_default_timeout(15_000)
        yield tab
        context.close()
        browser.close()


def closes_its_connections(test):
    """Close the database connections the test body opened, at its end.

    The body runs while Playwright's event loop runs in this thread (started by
    the `page` fixture), and the connection Django gives it there is not the one
    the fixtures see: closed in a fixture's teardown, it stayed open, and the
    test database could not be dropped at the end of the run ("being accessed
    by other users")."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        try:
            return test(*args, **kwargs)
        finally:
            connections.close_all()

    return run


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """The whole login: password, then the code of the user's authenticator app
    when RBL asks for it (tests/secondfactor.py)."""
    page.goto(f"{base}/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    if page.url.split("?")[0].endswith("/login/code/"):
        from django.contrib.auth import get_user_model

        from tests.secondfactor import current_code

        code = current_code(get_user_model().objects.get(username=username))
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Bevestigen").click()
        page.wait_for_load_state()


@closes_its_connections
def test_officer_works_an_imported_16_uur_report_to_closed(live_server, page, tmp_path: Path):
    world = build_world()
    AssignmentRule.objects.create(
        municipality=world.aalten, age_group=AgeGroup.LP, user=world.users["lpa-aalten"]
    )
    youth = PersonFactory(
        municipality=world.aalten,
        surname="Visser",
        given_names="Noah",
        birth_date=dt.date(2013, 3, 1),
    )
    SchoolFactory(brin="12AB", name="Christelijk College Schaersvoorde")
    today = timezone.localdate()
    report = tmp_path / "verzuimmeldingen.csv"
    report.write_text(
        "meldingsnummer;bsn;brin;vestiging;soort;meldingsdatum;verzuim_vanaf;uren\n"
        f"M-2025-0001;{youth.bsn};12AB;00;16UUR;{today - dt.timedelta(days=2)};"
        f"{today - dt.timedelta(days=30)};16\n",
        encoding="utf-8",
    )
    result = run_import("verzuimmeldingen", report, user=world.users["administratie"])
    assert result.rejected == 0, result.as_json()
    melding = VerzuimMelding.objects.get(meldingsnummer="M-2025-0001")
    assert melding.case is not None and melding.case.owner == world.users["lpa-aalten"]

    base = live_server.url
    log_in(page, base, "lpa-aalten")
    assert page.get_by_role("heading", name="Mijn werk").is_visible()
    row = page.get_by_role("row").filter(has_text="Noah Visser")
    row.get_by_role("link", name="Relatief verzuim (16 uur)").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Relatief verzuim (16 uur)")
    assert page.get_by_text("M-2025-0001").first.is_visible()

    # A conversation with the youth.
    page.get_by_label("Soort activiteit").select_option("gesprek_jongere")
    page.get_by_label("Aantekeningen").fill("Gesprek op school; jongere wil terug naar de les.")
    page.get_by_role("button", name="Activiteit vastleggen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Activiteit vastgelegd.").is_visible()
    assert page.get_by_text("Gesprek op school; jongere wil terug naar de les.").first.is_visible()

    # The MAS route.
    page.get_by_label("MAS-route").select_option("vrijwillig")
    page.get_by_role("button", name="Route vastleggen").click()
    page.wait_for_load_state()
    assert page.get_by_text("Route vastgelegd.").is_visible()

    # Close with a reason.
    page.get_by_label("Reden van afsluiten").select_option("terug_naar_school")
    page.get_by_role("button", name="Zaak afsluiten").click()
    page.wait_for_load_state()
    assert page.get_by_text("Zaak afgesloten.").is_visible()
    assert page.get_by_role("button", name="Zaak afsluiten").count() == 0

    case = melding.case
    case.refresh_from_db()
    assert case.status == CaseStatus.AFGESLOTEN
    assert case.activities.filter(kind="gesprek_jongere").exists()

    out = tmp_path / "verzuimmelding_status.csv"
    call_command("export", "duo-status", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    mine = [r for r in rows if r["meldingsnummer"] == "M-2025-0001"]
    assert mine == [
        {
            "meldingsnummer": "M-2025-0001",
            "status": "afgesloten",
            "reden_afsluiting": "terug naar school",
            "datum": today.isoformat(),
        }
    ]


@closes_its_connections
def test_aalten_officer_cannot_find_or_open_a_winterswijk_child(live_server, page):
    world = build_world()
    child = world.persons["other"]
    assert child.municipality_id == "0294"
    base = live_server.url
    log_in(page, base, "lpa-aalten")

    page.goto(f"{base}{reverse('web:search')}")
    page.get_by_label("BSN").fill(child.bsn)
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()
    assert page.get_by_text("Niemand gevonden.").is_visible()
    assert child.bsn not in page.url
    assert "Bakker" not in page.content()

    response = page.goto(f"{base}{reverse('web:person', args=[child.pk])}")
    assert response.status == 404
    assert page.get_by_role("heading", name="Pagina niet gevonden").is_visible()
    assert "Bakker" not in page.content()

    # The same officer does find the Aalten child.
    page.goto(f"{base}{reverse('web:search')}")
    page.get_by_label("BSN").fill(world.persons["own"].bsn)
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("link", name="Sanne de Jansen").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Sanne de Jansen").is_visible()


BRP_HEADER = (
    "bsn,geslachtsnaam,voorvoegsel,voornamen,geboortedatum,geslacht,gemeentecode,"
    "straat,huisnummer,postcode,woonplaats,datum_overlijden,geheim,ouder1_bsn\n"
)


@closes_its_connections
def test_administration_imports_a_file_and_sees_the_worker_finish_it(
    live_server, db_worker, page, tmp_path: Path
):
    """The import page puts the file on the queue; a real `rbl db_worker`
    process (tests/worker.py) imports it while the page shows its progress, and
    the page then shows the counts."""
    from playwright.sync_api import Error as PlaywrightError

    from rbl.core.bsn import make_bsn
    from rbl.registry.models import ImportJob
    from tests.clock import NOW

    build_world()
    rows = 40_000  # big enough to take a while: the page shows progress first
    brp = tmp_path / "brp.csv"
    with brp.open("w", encoding="utf-8") as fh:
        fh.write(BRP_HEADER)
        for i in range(rows):
            fh.write(
                f"{make_bsn(7000 + 13 * i)},Jansen,,Kim {i},2012-03-{1 + i % 28:02d},V,"
                f"{'0197' if i % 2 else '0294'},Markt,{i},7121AA,Aalten,,N,\n"
            )
    base = live_server.url
    log_in(page, base, "administratie")
    page.goto(f"{base}{reverse('web:import')}")
    page.get_by_label("Soort bestand").select_option("brp")
    page.get_by_label("Bestand (CSV)").set_input_files(str(brp))
    page.get_by_role("button", name="Importeren").click()
    page.wait_for_load_state()

    assert page.get_by_role("heading", name="Import: brp.csv").is_visible()
    assert page.locator("#voortgang").is_visible()  # the queued or running import
    seen = set()
    finished = page.get_by_text("Het bestand is verwerkt.")
    deadline = time.monotonic() + 90
    while not finished.is_visible():
        assert time.monotonic() < deadline, f"not finished; worker said:\n{db_worker.output()}"
        try:
            seen.add(page.locator("#procent").text_content(timeout=500))
        except PlaywrightError:
            pass  # the page reloads itself when the import is done
        page.wait_for_timeout(100)
    assert "0%" in seen
    counts = page.get_by_role("table", name="Aantallen")
    assert counts.get_by_role("row", name="Regels gelezen").get_by_role("cell").inner_text() == (
        str(rows)
    )

    job = ImportJob.objects.get()
    task = DBTaskResult.objects.get()
    assert (job.state, job.result["rows"], job.task_id) == ("klaar", rows, str(task.id))
    assert task.worker_ids == [db_worker.worker_id]  # run by the worker process
    assert abs(job.started_at - NOW) < dt.timedelta(minutes=10)  # on the suite's clock
    assert job.total == brp.stat().st_size  # its progress was written as it ran
    assert db_worker.process.poll() is None
