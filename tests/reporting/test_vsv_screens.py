"""The VSV report's screen: who sees which columns, small numbers, downloads
in the access log."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import CaseType
from rbl.cases.services.lifecycle import open_case
from tests.factories import PersonFactory
from tests.reporting.yearly import at

pytestmark = pytest.mark.django_db

URL = "/cijfers/vsv/?schooljaar=2024-2025"


@pytest.fixture
def running(world, clock):
    """Two RMC trajects of Winterswijk and six of Aalten running on 31 July 2025."""
    for municipality, n in ((world.winterswijk, 2), (world.aalten, 6)):
        for _ in range(n):
            person = PersonFactory(municipality=municipality, birth_date=dt.date(2005, 1, 1))
            open_case(person, CaseType.RMC, today=at(clock, dt.date(2024, 12, 1)), owner=None)
    at(clock, dt.date(2026, 3, 11))


def _row(text: str, label: str) -> str:
    start = text.index(label)
    return text[start : text.index("</tr>", start)]


def test_policy_adviser_sees_own_municipality_with_small_numbers_hidden(client, world, running):
    client.force_login(world.users["beleid-winterswijk"])
    response = client.get(URL)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Winterswijk" in text and ">Aalten<" not in text and ">Regio<" not in text
    assert "&lt; 5" in _row(text, "In traject op 31 juli")
    # Another municipality is not there to ask for.
    assert client.get(URL + "&gemeente=0197").status_code == 404


def test_coordinator_sees_exact_numbers_and_region(client, world, running):
    client.force_login(world.users["coordinator"])
    text = client.get(URL).content.decode()
    row = _row(text, "In traject op 31 juli")
    assert ">6<" in row and ">2<" in row and ">8<" in row and "&lt;" not in row
    assert "RMC-zaken die op de laatste dag van het schooljaar" in text  # the definition


def test_download_is_logged_and_reads_back(client, world, running):
    client.force_login(world.users["beleid-winterswijk"])
    response = client.get(URL + "&export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {str(r[0]).strip(): r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["In traject op 31 juli"][1] == "< 5"
    assert AccessLogEntry.objects.filter(
        action=Action.EXPORT, user=world.users["beleid-winterswijk"], purpose__contains="VSV"
    ).exists()
    pdf = client.get(URL + "&export=pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["privacy", "beheer", "boa-regio"])
def test_roles_without_figures_get_403(client, world, name):
    client.force_login(world.users[name])
    assert client.get(URL).status_code == 403
