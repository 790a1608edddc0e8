"""The caseload and the access log download as CSV and XLSX like the other
lists; each download is one entry in the access log."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rbl.audit.models import AccessLogEntry, Action
from tests.web.world import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def exports_of(username: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(username=username, action=Action.EXPORT))


def test_caseload_downloads_as_csv_and_xlsx(client, world):
    login(client, "coordinator")
    csv = client.get(reverse("web:caseload"), {"export": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Medewerker,Gebruikersnaam,Nieuw,In behandeling,Totaal open")
    assert any(line.split(",")[1] == "lpa-aalten" and line.split(",")[4] == "1" for line in lines)
    xlsx = client.get(reverse("web:caseload"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Medewerker"
    assert len(exports_of("coordinator")) == 2


def test_access_log_downloads_all_rows_of_one_youth(client, world):
    person = world.persons["own"]
    login(client, "lpa-aalten")
    for _ in range(3):
        client.get(reverse("web:person", args=[person.pk]))
    login(client, "privacy")
    page = client.post(reverse("web:access-log"), {"bsn": person.bsn}).content.decode()
    assert 'name="export" value="csv"' in page
    csv = client.post(reverse("web:access-log"), {"bsn": person.bsn, "export": "csv"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert person.bsn not in csv["Content-Disposition"]
    rows = csv.content.decode().splitlines()
    assert rows[0] == "Tijdstip,Medewerker,Handeling,Doel,Pagina of opdracht"
    assert sum("lpa-aalten" in r for r in rows) == 3
    assert person.surname not in csv.content.decode()  # the log, not the file
    xlsx = client.post(reverse("web:access-log"), {"bsn": person.bsn, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["B2"].value in ("privacy", "lpa-aalten")
    logged = exports_of("privacy")
    assert [e.person_id for e in logged] == [person.pk, person.pk]
