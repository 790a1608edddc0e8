"""The art. 25 screen, its downloads and the API: who sees which columns,
small counts hidden for policy staff, exports logged, a year closed from the
screen by the coordinator only."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from rbl.audit.models import AccessLogEntry, Action
from rbl.reporting.models import YearSnapshot
from tests.reporting.yearly import small_year
from tests.web.world import PASSWORD

pytestmark = pytest.mark.django_db

URL = "/cijfers/art25/?schooljaar=2024-2025"


@pytest.fixture
def facts(world, clock):
    small_year(world, clock)


def login(client, username):
    assert client.login(username=username, password=PASSWORD)


def row(table, key):
    return next(r for r in table.rows if r.key == key)


def test_coordinator_sees_every_municipality_and_the_region_exactly(client, world, facts):
    login(client, "coordinator")
    response = client.get(URL)
    assert response.status_code == 200
    table = response.context["table"]
    assert [name for _, name in table.columns] == ["Aalten", "Winterswijk", "Regio"]
    assert [c.text for c in row(table, "pv").cells] == ["0", "1", "1"]
    assert [c.text for c in row(table, "leerplichtigen").cells] == ["2", "7", "9"]
    html = response.content.decode()
    assert "Processen-verbaal (art. 22 en 26 Leerplichtwet) die in het schooljaar" in html
    assert "Schooljaar 2024-2025 vaststellen" in html


def test_policy_adviser_sees_own_municipality_with_small_counts_hidden(client, world, facts):
    login(client, "beleid-winterswijk")
    response = client.get(URL)
    table = response.context["table"]
    assert [name for _, name in table.columns] == ["Winterswijk"]
    assert row(table, "pv").cells[0].text == "< 5"
    assert row(table, "pv_per_100_zaken").cells[0].text == "klein aantal"
    assert row(table, "leerplichtigen").cells[0].text == "7"
    html = response.content.decode()
    assert "Aalten" not in html.split("<main", 1)[-1]
    assert "vaststellen" not in html
    assert client.get(URL + "&gemeente=0197").status_code == 404
    assert client.get(URL + "&gemeente=regio").status_code == 404
    assert (
        client.post("/cijfers/art25/vaststellen/", {"schooljaar": "2024-2025"}).status_code == 403
    )

    response = client.get(URL + "&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = {r[0].strip(): r[1] for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert values["Processen-verbaal"] == "< 5"
    assert values["Leerplichtigen"] == 7
    assert AccessLogEntry.objects.filter(
        user=world.users["beleid-winterswijk"], action=Action.EXPORT
    ).exists()


def test_api_hides_small_counts_as_null_and_names_them(client, world, facts):
    login(client, "beleid-winterswijk")
    data = client.get("/api/v1/rapportages/art25/?schooljaar=2024-2025").json()
    assert list(data["gemeenten"]) == ["0294"]
    assert "regio" not in data
    assert data["gemeenten"]["0294"]["pv"] is None
    assert "pv" in data["onderdrukt"]["0294"]
    assert data["gemeenten"]["0294"]["leerplichtigen"] == 7
    login(client, "coordinator")
    data = client.get("/api/v1/rapportages/art25/?schooljaar=2024-2025").json()
    assert data["gemeenten"]["0294"]["pv"] == 1 and data["onderdrukt"] == {}
    assert data["regio"]["absoluut_verzuim"] == 2
    bad = client.get("/api/v1/rapportages/art25/?schooljaar=volgend")
    assert bad.status_code == 400 and "schooljaar" in bad.json()["detail"]


def test_coordinator_closes_the_year_from_the_screen(client, world, facts):
    login(client, "coordinator")
    response = client.post("/cijfers/art25/vaststellen/", {"schooljaar": "2024-2025"}, follow=True)
    assert "Schooljaar 2024-2025 is vastgesteld" in response.content.decode()
    assert YearSnapshot.objects.filter(school_year="2024-2025").exists()
    assert response.context["figures"].closed
    response = client.post("/cijfers/art25/vaststellen/", {"schooljaar": "2025-2026"}, follow=True)
    assert "loopt nog" in response.content.decode()


def test_pdf_download(client, world, facts):
    login(client, "coordinator")
    response = client.get(URL + "&export=pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_coordinator_of_one_municipality_does_not_close_the_regions_year(client, world, facts):
    from rbl.accounts.models import RoleAssignment

    officer = world.users["lpa-aalten"]  # sees the region's figures through another role
    RoleAssignment.objects.create(user=officer, role="coordinator", municipality=world.aalten)
    RoleAssignment.objects.create(user=officer, role="lpa", municipality=world.winterswijk)
    client.force_login(officer)
    assert (
        client.post("/cijfers/art25/vaststellen/", {"schooljaar": "2024-2025"}).status_code == 403
    )
    assert not YearSnapshot.objects.exists()
