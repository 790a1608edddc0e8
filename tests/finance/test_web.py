"""The scenario page: upload, tables and chart; roles; rejected files; downloads."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rbl.accounts.models import RoleAssignment, User
from rbl.organisation.models import Municipality

from .helpers import EXAMPLES

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.finance.urls")]
URL = "/financien/"


def client_with_role(role: str | None) -> Client:
    user = User.objects.create_user(username=f"u-{role}", password="x" * 16)
    if role:
        municipality = Municipality.objects.create(code="0222", name="Doetinchem")
        RoleAssignment.objects.create(user=user, role=role, municipality=municipality)
    client = Client()
    client.force_login(user)
    return client


def upload(name: str = "scenario-rivierland.yaml", content: bytes | None = None):
    data = content if content is not None else (EXAMPLES / name).read_bytes()
    return SimpleUploadedFile(name, data, content_type="application/x-yaml")


@pytest.mark.parametrize("role", ["beleid", "coordinator", "beheer"])
def test_policy_coordinator_and_management_see_tables_and_chart(role):
    client = client_with_role(role)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"scenario": upload(), "formaat": "html"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Formatiemeter leerplicht" in html
    assert "€ 50.571" in html and "€ 101.141" in html
    assert "<svg" in html and "Cranendonk-aan-Zee, bouwsteen 1: € 50.571" in html


@pytest.mark.parametrize("role", ["lpa", None])
def test_other_staff_are_refused(role):
    client = client_with_role(role)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"scenario": upload(), "formaat": "html"}).status_code == 403


def test_anonymous_goes_to_login():
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_rejected_scenario_shows_the_dutch_reasons():
    client = client_with_role("beleid")
    bad = (EXAMPLES / "scenario-rivierland.yaml").read_bytes().replace(b'"0002"', b"0222")
    response = client.post(URL, {"scenario": upload(content=bad), "formaat": "html"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Het scenario is afgewezen" in html
    assert "gemeenten[1].code: de gemeentecode 0222 is als getal gelezen" in html


def test_comparison_and_xlsx_download():
    client = client_with_role("coordinator")
    response = client.post(
        URL,
        {
            "scenario": upload("finance/achterhoek.yaml"),
            "vergelijk": upload("finance/achterhoek-winterswijk-in-team.yaml"),
            "formaat": "xlsx",
        },
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert "Vergelijking" in book.sheetnames


def test_pdf_download():
    client = client_with_role("beheer")
    response = client.post(URL, {"scenario": upload(), "formaat": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
