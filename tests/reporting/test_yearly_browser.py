"""In Chromium: the policy adviser of Winterswijk writes the text of
Winterswijk's annual report, downloads it as PDF and XLSX (both read back),
sees small counts as "< 5" and the benchmark as rates, and no person and no
other municipality's report."""

from __future__ import annotations

import io
import os

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.reporting.yearly import small_year
from tests.web.test_browser import closes_its_connections, log_in, page  # noqa: F401
from tests.web.world import build_world

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "In 2024-2025 kregen we meer grip op het verzuim.\n\nDe samenwerking met de scholen <b>groeide</b>."


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@closes_its_connections
def test_policy_adviser_writes_and_downloads_the_annual_report(live_server, page, clock):  # noqa: F811
    world = build_world()
    small_year(world, clock)
    log_in(page, live_server.url, "beleid-winterswijk")
    report_url = f"{live_server.url}/cijfers/jaarverslag/2024-2025/0294/"
    assert page.url == report_url
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Jaarverslag leerplicht en RMC gemeente Winterswijk, schooljaar 2024-2025"
    main = page.locator("main")
    assert "< 5" in main.inner_text()  # the one PV of Winterswijk

    page.get_by_role("link", name="Toelichting schrijven").click()
    page.locator("textarea").fill(TEXT)
    page.get_by_role("button", name="Opslaan").click()
    assert page.url == report_url
    text = main.inner_text()
    assert "meer grip op het verzuim" in text
    assert "<b>groeide</b>" in text  # shown as typed, never as markup
    assert page.locator("main b").count() == 0

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="PDF").click()
    pdf = PdfReader(pdf_download.value.path())
    pdf_text = " ".join(p.extract_text() for p in pdf.pages)
    assert "gemeente Winterswijk" in pdf_text
    assert "meer grip op het verzuim" in pdf_text
    assert "< 5" in pdf_text

    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Excel (XLSX)").click()
    book = load_workbook(io.BytesIO(open(xlsx_download.value.path(), "rb").read()))
    figures = book.worksheets[0]
    rows = {r[0].strip(): r for r in figures.iter_rows(values_only=True) if r and r[0]}
    assert rows["Processen-verbaal"][1] == "< 5"
    assert rows["Leerplichtigen"][1] == 7
    assert "meer grip op het verzuim" in book["Toelichting"]["A1"].value

    # The benchmark: every municipality, rates only.
    page.get_by_role("navigation", name="Jaarcijfers").get_by_role("link", name="Benchmark").click()
    table = page.get_by_role("table", name="Kengetallen per gemeente, schooljaar 2024-2025")
    assert "Aalten" in table.inner_text() and "Winterswijk" in table.inner_text()
    assert "klein aantal" in table.inner_text()
    assert "Processen-verbaal per 100 verzuimzaken" in table.inner_text()

    # No person anywhere, and no other municipality's report or figures.
    for person in world.persons.values():
        assert person.surname not in page.content()
    assert page.goto(f"{live_server.url}/cijfers/jaarverslag/2024-2025/0197/").status == 404
    assert page.goto(f"{live_server.url}/cijfers/jaarverslag/2024-2025/regio/").status == 404
    assert page.goto(f"{live_server.url}/cijfers/art25/?gemeente=0197").status == 404
