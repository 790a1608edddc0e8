"""The chain-partner screens: the case page shows the prepared SVB
notification and records its sending; the terugmelding form refuses bad
input in Dutch naming the field and records a good one; the outcome; the
export lists worked out by hand and logged; 404 for others; the region's
SVB settings on the set-up screen, in the security log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import CaseType
from rbl.chain import svb
from rbl.chain.models import BrpTerugmelding, ChainSettings, SvbNotification
from rbl.chain.terugmelding import record_terugmelding
from tests.chain.helpers import svb_address

pytestmark = pytest.mark.django_db


def _prepared(world) -> SvbNotification:
    case = world.cases["own"]
    case.type = CaseType.ABSOLUUT
    case.opened_on = timezone.localdate() - dt.timedelta(weeks=8)
    case.save()
    svb_address(world.aalten.region)
    (item,) = svb.prepare_due()
    return item


def _terugmelding(world) -> BrpTerugmelding:
    case = world.cases["own"]
    case.refresh_from_db()
    return record_terugmelding(
        case,
        reasons=["buitenland"],
        grounds="Buren: het gezin woont sinds de zomer in Marokko.",
        actor=world.users["lpa-aalten"],
        expected_version=case.version,
    )


def test_case_page_shows_the_prepared_svb_notification_and_records_sending(world, client):
    item = _prepared(world)
    client.force_login(world.users["lpa-aalten"])
    page = client.get(reverse("web:case", args=[item.case_id])).content.decode()
    assert "SVB-melding voorbereid op" in page and "brief aan de SVB" in page
    url = reverse("chain:svb-sent", args=[item.pk])
    # A date in the future: refused, named, nothing recorded.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(url, {"version": 1, "sent_on": tomorrow.isoformat()}, follow=True)
    assert "Verzonden op: Deze datum ligt in de toekomst." in response.content.decode()
    item.refresh_from_db()
    assert item.sent_on is None
    today = timezone.localdate()
    response = client.post(url, {"version": 1, "sent_on": today.isoformat()}, follow=True)
    page = response.content.decode()
    assert "De verzending van de SVB-melding is vastgelegd." in page
    assert f"Verzonden op {today:%d-%m-%Y} door" in page
    assert f"SVB-melding verzonden op {today:%d-%m-%Y}" in page  # the history line


def test_a_reader_cannot_record_sending_and_others_get_404(world, client):
    item = _prepared(world)
    client.force_login(world.users["kpa-regio"])  # reads every case, changes none
    page = client.get(reverse("web:case", args=[item.case_id])).content.decode()
    assert "SVB-melding voorbereid op" in page and "Verzending vastleggen" not in page
    url = reverse("chain:svb-sent", args=[item.pk])
    assert client.post(url, {"version": 1, "sent_on": "2026-03-11"}).status_code == 403
    client.force_login(world.users["lpa-winterswijk"])
    assert client.post(url, {"version": 1, "sent_on": "2026-03-11"}).status_code == 404
    item.refresh_from_db()
    assert item.sent_on is None


def test_terugmelding_form_refuses_bad_input_then_records(world, client):
    case = world.cases["own"]
    client.force_login(world.users["lpa-aalten"])
    url = reverse("chain:terugmelding-new", args=[case.pk])
    assert "Redenen van de twijfel" in client.get(url).content.decode()
    response = client.post(url, {"version": case.version, "grounds": ""})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Redenen van de twijfel: Kies ten minste één reden." in page
    assert "Toelichting (gronden): Licht de twijfel aan het adres toe." in page
    assert BrpTerugmelding.objects.count() == 0
    stale = client.post(
        url, {"version": case.version + 3, "reasons": ["post_retour"], "grounds": "Retour."}
    )
    assert stale.status_code == 409 and BrpTerugmelding.objects.count() == 0
    response = client.post(
        url,
        {"version": case.version, "reasons": ["post_retour", "huisbezoek"], "grounds": "Retour."},
    )
    item = BrpTerugmelding.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("chain:terugmelding", args=[item.pk])
    page = client.get(response["Location"]).content.decode()
    assert "In onderzoek bij de BRP" in page and "Post komt terug" in page
    assert item.person.bsn not in page and item.person.bsn not in response["Location"]
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "in onderzoek bij de BRP" in page


def test_outcome_on_screen(world, client):
    item = _terugmelding(world)
    client.force_login(world.users["lpa-aalten"])
    url = reverse("chain:terugmelding-outcome", args=[item.pk])
    response = client.post(url, {"version": item.version, "outcome": "", "outcome_on": "gisteren"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Uitkomst: Kies een uitkomst." in page
    assert "Datum van de uitkomst: Vul een datum in als dd-mm-jjjj." in page
    today = timezone.localdate()
    response = client.post(
        url, {"version": item.version, "outcome": "buitenland", "outcome_on": today.isoformat()}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.closed_on == today and item.outcome == "buitenland"
    page = client.get(reverse("chain:terugmelding", args=[item.pk])).content.decode()
    assert "Vertrokken naar het buitenland op" in page and "Uitkomst vastleggen" not in page
    # The youth's timeline carries the history lines of the case.
    timeline = client.get(reverse("web:person", args=[item.person_id])).content.decode()
    assert f"Terugmelding BRP: vertrokken naar het buitenland op {today:%d-%m-%Y}" in timeline
    assert "Taak toegevoegd: Terugmelding BRP opvolgen" in timeline


def test_others_get_404_on_a_terugmelding(world, client):
    item = _terugmelding(world)
    for name in ("lpa-winterswijk", "beleid-winterswijk", "boa-regio", "privacy"):
        client.force_login(world.users[name])
        assert client.get(reverse("chain:terugmelding", args=[item.pk])).status_code == 404


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_export_lists_by_hand_and_logged(world, client):
    notification = _prepared(world)
    item = _terugmelding(world)
    person = world.persons["own"]
    today = timezone.localdate()
    client.force_login(world.users["administratie"])
    response = client.get(reverse("chain:svb-export"))
    assert response["Content-Type"].startswith("text/csv")
    (row,) = _csv(response)
    assert row == {
        "kenmerk": notification.document.reference,
        "voorbereid_op": today.isoformat(),
        "aanleiding": "Absoluut verzuim: zaak langer open dan de termijn",
        "zaak_open_sinds": (today - dt.timedelta(weeks=8)).isoformat(),
        "gemeente_code": "0197",
        "gemeente": "Aalten",
        "bsn": person.bsn,
        "geslachtsnaam": "Jansen",
        "voorvoegsel": "de",
        "voornamen": "Sanne",
        "geboortedatum": "2012-05-15",
        "ouders": " en ".join(x for x in (person.parent1_name, person.parent2_name) if x),
        "verzonden_op": "",
        "verzonden_door": "",
    }
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("chain:svb-export") + "?formaat=xlsx").content)
    )
    sheet = workbook.active
    assert [c.value for c in sheet[1]][:3] == ["kenmerk", "voorbereid_op", "aanleiding"]
    assert sheet.cell(row=2, column=7).value == person.bsn
    # Sent: not on the list of those still to send.
    svb.record_sent(
        notification, sent_on=today, actor=world.users["administratie"], expected_version=1
    )
    assert _csv(client.get(reverse("chain:svb-export") + "?open=1")) == []

    (row,) = _csv(client.get(reverse("chain:brp-export") + "?gemeente=0197"))
    assert row["bsn"] == person.bsn and row["gemeente_code"] == "0197"
    assert row["redenen"] == "Gezin lijkt in het buitenland te wonen"
    assert row["toelichting"] == "Buren: het gezin woont sinds de zomer in Marokko."
    assert row["teruggemeld_op"] == today.isoformat() and row["uitkomst"] == ""
    assert row["kenmerk"] == item.document.reference
    assert _csv(client.get(reverse("chain:brp-export") + "?gemeente=0294")) == []

    exports = AccessLogEntry.objects.filter(user=world.users["administratie"], action=Action.EXPORT)
    assert exports.filter(purpose="export SVB-meldingen", person_id=person.pk).count() == 2
    assert exports.filter(purpose="export terugmeldingen BRP", person_id=person.pk).count() == 1
    for entry in AccessLogEntry.objects.all():
        assert person.bsn not in entry.path and person.bsn not in entry.purpose


def test_export_lists_only_for_the_administration_and_own_municipalities(world, client):
    _terugmelding(world)
    client.force_login(world.users["lpa-aalten"])
    assert "SVB en BRP" not in client.get(reverse("web:home")).content.decode()
    assert client.get(reverse("chain:brp-export")).status_code == 403
    assert client.get(reverse("chain:lists")).status_code == 403
    client.force_login(world.users["m-administratie"])  # administration of Aalten only
    assert "SVB en BRP" in client.get(reverse("web:home")).content.decode()  # the menu
    assert client.get(reverse("chain:brp-export") + "?gemeente=0294").status_code == 404
    page = client.get(reverse("chain:lists")).content.decode()
    assert "In onderzoek bij de BRP" in page and "Winterswijk" not in page


def test_svb_settings_on_the_set_up_screen(world, client):
    client.force_login(world.users["coordinator"])
    form = client.get(reverse("organisation:terms")).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    assert data["svb_term_weeks"] == 8 and data["svb_triggers"] == ["absoluut"]
    bad = client.post(reverse("organisation:terms"), {**data, "svb_term_weeks": "0"})
    assert bad.status_code == 400 and "Vul 1 of meer in." in bad.content.decode()
    assert not ChainSettings.objects.exists()
    data.update(
        svb_term_weeks="6",
        svb_triggers=["thuiszitter", "absoluut"],
        svb_address="SVB Nijmegen\nPostbus 1234",
    )
    assert client.post(reverse("organisation:terms"), data).status_code == 302
    settings = ChainSettings.objects.get()
    assert settings.svb_term_weeks == 6
    assert settings.svb_triggers == ["absoluut", "thuiszitter"]
    assert settings.svb_address == "SVB Nijmegen\nPostbus 1234"
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SETUP_CHANGED)
    assert "SVB-melding na (weken open)" in event.detail and "adres SVB" in event.detail
