"""The JCO list (R-22) in the cases app: every open Halt referral and PV of
the user's municipalities with status, dates, BOA and owner; printable as
PDF and exportable (CSV, XLSX), each view and export in the access log; the
meeting's outcome recorded per line and shown on the list and in the case
history; who may use it."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import Case, Handhaving, ImmutableError, JcoOutcome
from rbl.cases.services.handhaving import start_handhaving, update_handhaving
from tests.cases.factories import CaseFactory
from tests.factories import PersonFactory
from tests.web.world import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


def login(client, world: World, name: str):
    client.force_login(world.users[name])
    return client


def _start(world: World, case: Case, kind: str, days_ago: int) -> Handhaving:
    """Started as an officer does it (the service), days ago."""
    return start_handhaving(
        case,
        kind,
        actor=case.owner,
        handler=world.users["boa-regio"],
        expected_version=None,
        on=TODAY() - days_ago * DAY,
    )


@pytest.fixture
def jco_world(world: World) -> World:
    """Aalten: a PV on the world's case, sent to the OM with a hearing date;
    a Halt on a case owned by kpa-regio, only started. Winterswijk: a PV on the
    world's case, and a finished Halt there (not on the list)."""
    own = _start(world, world.cases["own"], "pv", 40)
    update_handhaving(
        own,
        actor=world.users["boa-regio"],
        expected_version=None,
        documents_prepared_on=TODAY() - 30 * DAY,
        signed_on=TODAY() - 25 * DAY,
        sent_on=TODAY() - 20 * DAY,
        hearing_on=TODAY() + 20 * DAY,
    )
    colleague = CaseFactory(
        person=PersonFactory(municipality=world.aalten, surname="Visser", given_names="Noor"),
        owner=world.users["kpa-regio"],
        opened_on=TODAY() - 60 * DAY,
    )
    world.cases["colleague"] = colleague
    _start(world, colleague, "halt", 10)
    _start(world, world.cases["other"], "pv", 5)
    Handhaving.objects.create(
        case=world.cases["other"],
        kind="halt",
        handler=world.users["boa-regio"],
        opened_on=TODAY() - 90 * DAY,
        outcome="halt_geslaagd",
        outcome_on=TODAY() - 30 * DAY,
    )
    return world


def _row(page: str, name: str) -> str:
    start = page.index(name)
    return page[start : page.index("</tr>", start)]


def test_every_column_is_filled_from_the_records(client, jco_world):
    page = login(client, jco_world, "coordinator").get(reverse("cases:jco")).content.decode()
    assert "JCO-lijst: 3 lopend" in page  # the finished Halt is not on the list
    sanne = _row(page, "Sanne de Jansen")
    hearing = (TODAY() + 20 * DAY).strftime("%d-%m-%Y")
    assert f"Zitting op {hearing}" in sanne  # the status, read from the dates
    assert "Proces-verbaal" in sanne and "Boa Test" in sanne and "Lpa Test" in sanne
    assert (TODAY() - 40 * DAY).strftime("%d-%m-%Y") in sanne  # started
    assert (TODAY() - 20 * DAY).strftime("%d-%m-%Y") in sanne  # sent to the OM
    assert "—" not in sanne
    noor = _row(page, "Noor Visser")
    assert "Gestart, stukken voorbereiden" in noor and "Kpa Test" in noor
    assert "nog niet besproken" in noor


def test_officers_get_the_list_of_their_municipality(client, jco_world):
    page = login(client, jco_world, "lpa-aalten").get(reverse("cases:jco")).content.decode()
    assert "Sanne de Jansen" in page and "Noor Visser" in page  # also a colleague's case
    assert "Tim Bakker" not in page
    page = login(client, jco_world, "m-boa").get(reverse("cases:jco")).content.decode()
    assert "Sanne de Jansen" in page and "Noor Visser" in page and "Tim Bakker" not in page
    page = login(client, jco_world, "lpa-winterswijk").get(reverse("cases:jco")).content.decode()
    assert "Tim Bakker" in page and "Sanne de Jansen" not in page


@pytest.mark.parametrize("name", ["beleid-winterswijk", "rmc-regio", "privacy", "m-auditor"])
def test_other_roles_cannot_open_it(client, jco_world, name):
    login(client, jco_world, name)
    assert client.get(reverse("cases:jco")).status_code == 403
    assert client.get(reverse("cases:jco"), {"export": "pdf"}).status_code == 403
    item = Handhaving.objects.filter(case=jco_world.cases["own"]).get()
    url = reverse("cases:jco-outcome", args=[item.pk])
    assert client.post(url, {"meeting_on": TODAY(), "action": "x"}).status_code == 403
    assert not JcoOutcome.objects.exists()


def test_view_is_logged_per_youth(client, jco_world):
    login(client, jco_world, "m-boa").get(reverse("cases:jco"))
    logged = set(
        AccessLogEntry.objects.filter(action=Action.VIEW, purpose="JCO-lijst").values_list(
            "person_id", flat=True
        )
    )
    assert logged == {jco_world.persons["own"].pk, jco_world.cases["colleague"].person_id}


def test_pdf_holds_every_line_and_is_logged(client, jco_world):
    response = login(client, jco_world, "coordinator").get(reverse("cases:jco"), {"export": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())  # cells wrap
    for expected in ("JCO-lijst", "Sanne de Jansen", "Noor Visser", "Tim Bakker", "Boa Test"):
        assert expected in text
    assert (TODAY() + 20 * DAY).strftime("%d-%m-%Y") in text
    assert "Aalten" in text and "Winterswijk" in text
    exported = AccessLogEntry.objects.filter(action=Action.EXPORT, purpose__contains="(pdf)")
    assert exported.count() == 3


def test_csv_and_xlsx_hold_the_columns_and_are_logged(client, jco_world):
    login(client, jco_world, "coordinator")
    response = client.get(reverse("cases:jco"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    assert header[:7] == [
        "Gemeente",
        "Jongere",
        "Geboortedatum",
        "Soort",
        "Status",
        "BOA",
        "Eigenaar",
    ]
    assert sorted(r[1] for r in rows[1:]) == ["Noor Visser", "Sanne de Jansen", "Tim Bakker"]
    sanne = next(r for r in rows if r[1] == "Sanne de Jansen")
    assert sanne[5] == "Boa Test" and sanne[6] == "Lpa Test"
    assert sanne[header.index("Verzonden op")] == (TODAY() - 20 * DAY).strftime("%d-%m-%Y")
    book = load_workbook(io.BytesIO(client.get(reverse("cases:jco"), {"export": "xlsx"}).content))
    sheet = book.active
    assert sheet.max_row == 4
    titles = [c.value for c in sheet[1]]
    by_name = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_name["Sanne de Jansen"][titles.index("Zitting")].date() == TODAY() + 20 * DAY
    assert by_name["Noor Visser"][titles.index("Status")] == "Gestart, stukken voorbereiden"
    assert AccessLogEntry.objects.filter(action=Action.EXPORT).count() == 6


def test_outcome_is_recorded_per_line_and_shown_on_list_and_in_history(client, jco_world):
    item = Handhaving.objects.get(case=jco_world.cases["own"])
    login(client, jco_world, "m-boa")
    response = client.post(
        reverse("cases:jco-outcome", args=[item.pk]),
        {"meeting_on": TODAY().isoformat(), "action": "OM dagvaardt; school levert verzuimstaat"},
    )
    assert response.status_code == 302
    outcome = JcoOutcome.objects.get()
    assert outcome.handhaving == item and outcome.meeting_on == TODAY()
    assert outcome.recorded_by == jco_world.users["m-boa"]
    row = _row(client.get(reverse("cases:jco")).content.decode(), "Sanne de Jansen")
    assert "OM dagvaardt; school levert verzuimstaat" in row
    export = client.get(reverse("cases:jco"), {"export": "csv"}).content.decode()
    assert f"{TODAY():%d-%m-%Y}: OM dagvaardt" in export
    login(client, jco_world, "lpa-aalten")
    case_page = client.get(reverse("web:case", args=[item.case_id])).content.decode()
    assert f"Proces-verbaal besproken in het JCO van {TODAY():%d-%m-%Y}" in case_page
    assert AccessLogEntry.objects.filter(
        action=Action.CHANGE,
        purpose="afspraak JCO vastgelegd",
        person_id=jco_world.persons["own"].pk,
    ).exists()
    with pytest.raises(ImmutableError):  # append-only: a later meeting adds a line
        outcome.action = "anders"
        outcome.save()


def test_a_bad_outcome_is_refused_in_dutch_and_nothing_is_recorded(client, jco_world):
    item = Handhaving.objects.get(case=jco_world.cases["own"])
    login(client, jco_world, "coordinator")
    url = reverse("cases:jco-outcome", args=[item.pk])
    response = client.post(url, {"meeting_on": TODAY().isoformat(), "action": "  "})
    assert response.status_code == 400
    assert "Vul de afgesproken actie in." in response.content.decode()
    future = (TODAY() + DAY).isoformat()
    response = client.post(url, {"meeting_on": future, "action": "bellen"})
    assert "kan niet in de toekomst liggen" in response.content.decode()
    before = (TODAY() - 50 * DAY).isoformat()  # before the PV started
    response = client.post(url, {"meeting_on": before, "action": "bellen"})
    assert response.status_code == 400
    assert "ligt voor de start van de proces-verbaal" in response.content.decode()
    assert not JcoOutcome.objects.exists()


def test_a_line_of_another_municipality_is_not_found(client, jco_world):
    item = Handhaving.objects.get(case=jco_world.cases["other"], outcome="")
    login(client, jco_world, "lpa-aalten")
    url = reverse("cases:jco-outcome", args=[item.pk])
    assert client.post(url, {"meeting_on": TODAY(), "action": "x"}).status_code == 404
    assert not JcoOutcome.objects.exists()


def test_a_finished_line_takes_no_outcome_and_says_why(client, jco_world):
    item = Handhaving.objects.get(case=jco_world.cases["other"], outcome="halt_geslaagd")
    login(client, jco_world, "coordinator")
    response = client.post(
        reverse("cases:jco-outcome", args=[item.pk]),
        {"meeting_on": TODAY().isoformat(), "action": "afsluiten"},
    )
    assert response.status_code == 400
    assert "Deze Halt-verwijzing of dit PV is al afgerond." in response.content.decode()
    assert not JcoOutcome.objects.exists()
