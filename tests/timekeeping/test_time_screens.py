"""Time per municipality (R-53): time on a case activity and outside cases
shows in the month and year overview per municipality and building block;
who sees per-officer detail; the XLSX download; refusals change nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import Activity
from rbl.timekeeping.models import Product, TimeEntry

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("timekeeping:overview")


def _activity(client, world, minutes, kind="huisbezoek"):
    case = world.cases["own"]
    case.refresh_from_db()
    return client.post(
        reverse("web:case-activity", args=[case.pk]),
        {
            "kind": kind,
            "date": "2026-03-09",
            "notes": "",
            "minutes": minutes,
            "version": case.version,
        },
    )


def _book(client, code, minutes, block=2, day="2026-03-10", **extra):
    return client.post(
        reverse("timekeeping:entries"),
        {"municipality": code, "date": day, "minutes": minutes, "block": block, **extra},
    )


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def test_time_on_case_and_outside_shows_in_month_overview(client, world):
    client.force_login(world.users["lpa-aalten"])
    response = _activity(client, world, 90)
    assert response.status_code == 302
    entry = TimeEntry.objects.get()
    assert entry.activity == Activity.objects.get(case=world.cases["own"])
    assert (entry.municipality_id, entry.block, entry.minutes) == ("0197", 2, 90)
    # Asking for an absence record is the administration's block.
    _activity(client, world, 15, kind="verzuimstaat")
    assert TimeEntry.objects.get(minutes=15).block == 1

    client.force_login(world.users["kpa-regio"])
    assert (
        _book(client, "0294", 120, block=2, description="Preventie Kottenpark").status_code == 302
    )
    assert _book(client, "0197", 30, block=4).status_code == 302

    client.force_login(world.users["coordinator"])
    page = _text(client.get(OVERVIEW, {"maand": "2026-03"}))
    assert "Urenoverzicht — mrt 2026" in page
    # Aalten: 1,5 h on the case (block 2) + 0,25 h record + 0,5 h coordination.
    assert '<th scope="row">Aalten</th> <td class="num">2,25</td>' in page
    assert '<th scope="row">Winterswijk</th> <td class="num">2</td>' in page
    assert '2. Regionaal team leerplichtambtenaren</td> <td class="num">1,5</td>' in page
    assert "Totaal alle gemeenten: 4,25 uur." in page
    # The coordinator sees each officer's hours.
    name = world.users["lpa-aalten"].get_full_name() or "lpa-aalten"
    assert f"<td>{name}</td>" in page
    assert "Per medewerker" in page

    # The year view puts March in its column of the school year.
    year = client.get(OVERVIEW, {"schooljaar": "2025-2026"})
    assert year.status_code == 200
    assert "aug 2025" in _text(year) and "jul 2026" in _text(year)

    # A month without time says so.
    assert "geen tijd geschreven" in _text(client.get(OVERVIEW, {"maand": "2025-09"}))


def test_menu_shows_hours_to_who_may_use_them(client, world):
    link = f'href="{OVERVIEW}"'
    for name, shown in (("lpa-aalten", True), ("beleid-winterswijk", True), ("privacy", False)):
        client.force_login(world.users[name])
        assert (link in client.get(reverse("web:home"), follow=True).content.decode()) is shown


def test_policy_adviser_sees_totals_of_own_municipality_only(client, world):
    client.force_login(world.users["kpa-regio"])
    _book(client, "0294", 60)
    _book(client, "0197", 45)
    client.force_login(world.users["beleid-winterswijk"])
    page = _text(client.get(OVERVIEW, {"maand": "2026-03"}))
    assert '<th scope="row">Winterswijk</th> <td class="num">1</td>' in page
    assert "Aalten" not in page
    assert "Per medewerker" not in page and "kpa-regio" not in page


def test_officer_sees_only_own_hours(client, world):
    client.force_login(world.users["kpa-regio"])
    _book(client, "0197", 45)
    client.force_login(world.users["lpa-aalten"])
    _book(client, "0197", 30)
    page = _text(client.get(OVERVIEW, {"maand": "2026-03"}))
    assert "Uw eigen geschreven uren" in page
    assert '<th scope="row">Aalten</th> <td class="num">0,5</td>' in page
    assert "Per medewerker" not in page


def test_refused_booking_changes_nothing(client, world):
    client.force_login(world.users["lpa-aalten"])
    response = _book(client, "0294", 60)  # not their municipality
    assert response.status_code == 400
    assert "Kies een gemeente waarvoor u werkt." in _text(response)
    response = _book(client, "0197", 0)
    assert "De tijd moet tussen 1 en 1440 minuten liggen." in _text(response)
    response = _book(client, "0197", 30, day="2026-03-12")
    assert "De datum kan niet in de toekomst liggen." in _text(response)
    response = _activity(client, world, 2000)
    assert response.status_code == 400
    assert "De tijd moet tussen 1 en 1440 minuten liggen." in _text(response)
    assert not TimeEntry.objects.exists()
    assert not Activity.objects.filter(case=world.cases["own"]).exists()


def test_overview_downloads_as_xlsx_and_the_officer_detail_is_logged(client, world):
    product = Product.objects.create(name="Extra preventie-uur", unit_price=85)
    client.force_login(world.users["kpa-regio"])
    _book(client, "0294", 150, product=product.pk)
    client.force_login(world.users["coordinator"])
    response = client.get(OVERVIEW, {"maand": "2026-03", "formaat": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Per bouwsteen", "Per gemeente", "Per medewerker"]
    rows = list(book["Per gemeente"].values)
    assert rows[0] == ("Gemeente", "mrt 2026", "Totaal")
    assert rows[1] == ("Winterswijk", 2.5, 2.5)
    assert AccessLogEntry.objects.filter(
        username="coordinator", action=Action.EXPORT, purpose="Urenoverzicht per medewerker"
    ).exists()


def test_coordinator_adds_a_product_and_a_bad_period_is_refused(client, world):
    client.force_login(world.users["coordinator"])
    response = client.post(
        reverse("timekeeping:products"), {"name": "Extra preventie-uur", "unit_price": "85,50"}
    )
    assert response.status_code == 302
    assert Product.objects.get().unit_price == pytest.approx(85.5)
    again = client.post(
        reverse("timekeeping:products"), {"name": "extra preventie-uur", "unit_price": "1"}
    )
    assert "Er is al een product met deze naam." in _text(again)
    bad = client.get(OVERVIEW, {"maand": "maart"})
    assert bad.status_code == 400
    assert "is geen maand" in _text(bad)
    assert "Urenoverzicht — schooljaar 2025-2026" in _text(bad)  # the current year instead


def test_officer_removes_own_recent_entry_only(client, world):
    client.force_login(world.users["kpa-regio"])
    _book(client, "0197", 45)
    entry = TimeEntry.objects.get()
    old = TimeEntry.objects.create(
        user=world.users["kpa-regio"],
        municipality_id="0197",
        date=dt.date(2026, 1, 31),
        minutes=30,
        block=2,
    )
    client.force_login(world.users["lpa-aalten"])
    delete = reverse("timekeeping:entry-delete", args=[entry.pk])
    assert client.post(delete).status_code == 404  # someone else's entry
    client.force_login(world.users["kpa-regio"])
    assert client.post(delete).status_code == 302
    assert not TimeEntry.objects.filter(pk=entry.pk).exists()
    page = client.post(reverse("timekeeping:entry-delete", args=[old.pk]), follow=True)
    assert "Tijd van eerder dan vorige maand kan niet meer worden verwijderd." in _text(page)
    assert TimeEntry.objects.filter(pk=old.pk).exists()
