"""End-to-end in Chromium (Playwright): an officer asks for a proces-verbaal;
the BOA prepares it (the PDF, read back, holds the absence dates and the MAS
steps), uploads the signed scan, records the sending and the verdict; the
owner sees the verdict in the case history and a task; the JCO list shows the
case until the PV is closed (R-22)."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from rbl.cases.models import Handhaving, Task
from rbl.cases.services.lifecycle import add_activity
from tests.cases.factories import VerzuimMeldingFactory
from tests.letters.factories import TINY_PDF
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _click(tab, role: str, name: str) -> None:
    tab.get_by_role(role, name=name).click()
    tab.wait_for_load_state()


@closes_its_connections
def test_officer_asks_for_a_pv_and_hears_the_verdict(
    live_server,
    page,  # noqa: F811
    settings,
    tmp_path: Path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    world = build_world()
    region = world.aalten.region
    region.halt_address = "Halt Oost-Nederland\nPostbus 1\n7000 AA  Doetinchem"
    region.om_address = "Openbaar Ministerie, parket Oost-Nederland\nPostbus 2\n6800 AA  Arnhem"
    region.save()
    case = world.cases["own"]
    lpa = world.users["lpa-aalten"]
    youth = case.person.full_name
    VerzuimMeldingFactory(
        person=case.person,
        case=case,
        meldingsnummer="M-2026-0042",
        meldingsdatum=dt.date(2026, 2, 2),
        verzuim_vanaf=dt.date(2026, 1, 12),
        verzuim_tot=dt.date(2026, 1, 30),
        uren=24,
    )
    add_activity(case, "gesprek_ouders", author=lpa, expected_version=None, on=dt.date(2026, 2, 4))
    add_activity(case, "waarschuwing", author=lpa, expected_version=None, on=dt.date(2026, 2, 18))
    base = live_server.url
    today = timezone.localdate()

    # The owner asks for a PV from the case page and names the BOA.
    log_in(page, base, "lpa-aalten")
    page.goto(f"{base}{reverse('web:case', args=[case.pk])}")
    _click(page, "link", "Halt of proces-verbaal aanvragen")
    page.get_by_label("Wat vraagt u aan?").select_option("pv")
    page.get_by_label("BOA die het afhandelt").select_option(label="Boa Test")
    _click(page, "button", "Aanvragen")
    assert page.get_by_text("Het proces-verbaal is aangevraagd bij Boa Test.").is_visible()
    pv = Handhaving.objects.get(case=case)

    # The BOA finds it in their list and prepares the PV.
    page.context.clear_cookies()
    log_in(page, base, "boa-regio")
    _click(page, "link", "Halt en PV")
    _click(page, "link", youth)
    _click(page, "button", "PV opmaken")
    assert page.get_by_text("Het proces-verbaal is opgemaakt").is_visible()
    link = page.get_by_role("link", name="Proces-verbaal schoolverzuim")
    download = page.request.get(f"{base}{link.get_attribute('href')}")
    assert download.ok and download.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(download.body()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "12 januari 2026 tot en met 30 januari 2026: 24 uur" in text
    assert "M-2026-0042" in text
    assert "4 februari 2026: Gesprek met ouders" in text
    assert "18 februari 2026: Waarschuwing" in text
    assert "Openbaar Ministerie, parket Oost-Nederland" in text

    # The signed scan, the sending to the OM and the hearing date.
    scan = tmp_path / "pv-getekend.pdf"
    scan.write_bytes(TINY_PDF)
    page.get_by_label("Ondertekend PV (PDF)").set_input_files(str(scan))
    _click(page, "button", "Scan toevoegen")
    assert page.get_by_text(
        "De ondertekende scan van het proces-verbaal is toegevoegd."
    ).is_visible()
    page.get_by_label("Verzonden naar het OM op").fill(today.isoformat())
    page.get_by_label("Zittingsdatum").fill((today + dt.timedelta(days=28)).isoformat())
    _click(page, "button", "Data vastleggen")
    assert page.get_by_text("De data zijn vastgelegd.").is_visible()

    # The JCO list shows the open PV.
    page.goto(f"{base}/jco/")
    assert page.get_by_role("link", name=youth).first.is_visible()

    # The verdict.
    page.goto(f"{base}{reverse('handhaving:detail', args=[pv.pk])}")
    page.get_by_label("Vonnis of beslissing van het OM").select_option("taakstraf")
    page.get_by_label("Datum van de uitkomst").fill(today.isoformat())
    page.get_by_label("Toelichting (optioneel)").fill("20 uur werkstraf")
    _click(page, "button", "Uitkomst vastleggen")
    assert page.get_by_text("teruggemeld aan de eigenaar").first.is_visible()

    # Closed: off the JCO list.
    page.goto(f"{base}/jco/")
    assert page.get_by_role("heading", name="JCO-lijst").first.is_visible()
    assert page.get_by_role("link", name=youth).count() == 0

    # The owner sees the verdict in the case history and a task.
    page.context.clear_cookies()
    log_in(page, base, "lpa-aalten")
    page.goto(f"{base}{reverse('web:case', args=[case.pk])}")
    history = page.get_by_role("table", name="Alle wijzigingen van deze zaak, nieuwste eerst")
    assert history.get_by_text(
        f"Uitkomst Halt/PV: Taakstraf / leerstraf op {today:%d-%m-%Y}"
    ).is_visible()
    tasks = page.get_by_role("table", name="Taken van deze zaak")
    assert tasks.get_by_text("Uitkomst proces-verbaal: taakstraf / leerstraf").is_visible()
    task = Task.objects.get(case=case, title__startswith="Uitkomst proces-verbaal")
    assert task.assignee == lpa and task.done_on is None
    pv.refresh_from_db()
    assert pv.signed_scan is not None and pv.sent_on == today and pv.outcome == "taakstraf"
