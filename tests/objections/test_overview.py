"""The yearly overview: figures worked out by hand, small counts hidden for
readers without case access, and exports written to the access log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from rbl.audit.models import AccessLogEntry
from rbl.objections.models import Complaint, Objection
from rbl.objections.overview import year_overview
from tests.cases.factories import CaseFactory, staff
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 11)


def objection(world, code, route, *, received, due, outcome="", outcome_on=None):
    municipality = world.aalten if code == "0197" else world.winterswijk
    case = CaseFactory(person=PersonFactory(municipality=municipality))
    return Objection.objects.create(
        case=case,
        decision_kind="anders",
        decision_description="Besluit",
        decision_date=received - dt.timedelta(days=10),
        route=route,
        principal=municipality,
        received_on=received,
        committee=route == "regionaal",
        due_on=due,
        outcome=outcome,
        outcome_on=outcome_on,
        handler=world.users["coordinator"],
    )


def complaint(world, code, *, received, due, committee=False, outcome="", outcome_on=None):
    return Complaint.objects.create(
        municipality=world.aalten if code == "0197" else world.winterswijk,
        complainant_kind="ouder",
        about=world.users["lpa-aalten"],
        summary="Klacht",
        received_on=received,
        committee=committee,
        due_on=due,
        outcome=outcome,
        outcome_on=outcome_on,
        handler=world.users["coordinator"],
    )


@pytest.fixture
def figures(world):
    jan, feb = dt.date(2026, 1, 5), dt.date(2026, 2, 16)
    # Aalten: six forwarded, one for the regional team.
    objection(
        world,
        "0197",
        "doorgestuurd",
        received=jan,
        due=dt.date(2026, 2, 16),
        outcome="ongegrond",
        outcome_on=dt.date(2026, 2, 10),
    )
    objection(
        world,
        "0197",
        "doorgestuurd",
        received=jan,
        due=dt.date(2026, 2, 16),
        outcome="gegrond",
        outcome_on=dt.date(2026, 2, 20),
    )
    for _ in range(3):
        objection(
            world, "0197", "doorgestuurd", received=jan, due=dt.date(2026, 2, 16)
        )  # open, late
    objection(world, "0197", "doorgestuurd", received=feb, due=dt.date(2026, 3, 30))  # open
    objection(
        world,
        "0197",
        "regionaal",
        received=feb,
        due=dt.date(2026, 5, 11),
        outcome="ingetrokken",
        outcome_on=dt.date(2026, 3, 2),
    )
    # Winterswijk: two for the regional team.
    objection(world, "0294", "regionaal", received=feb, due=dt.date(2026, 5, 11))
    objection(
        world,
        "0294",
        "regionaal",
        received=feb,
        due=dt.date(2026, 5, 11),
        outcome="niet-ontvankelijk",
        outcome_on=dt.date(2026, 3, 9),
    )
    # Received last year: not in 2026.
    objection(world, "0197", "regionaal", received=dt.date(2025, 12, 1), due=dt.date(2026, 2, 23))
    # Complaints: one in each municipality.
    complaint(
        world,
        "0197",
        received=jan,
        due=dt.date(2026, 2, 16),
        outcome="informeel",
        outcome_on=dt.date(2026, 1, 20),
    )
    complaint(world, "0294", received=feb, due=dt.date(2026, 4, 27), committee=True)


def block(overview, title):
    return next(b for b in overview.blocks if b.title == title)


def test_exact_figures_for_the_coordinator(world, figures):
    data = year_overview(world.users["coordinator"], 2026, TODAY)
    assert data.names == ["Aalten", "Winterswijk"] and data.threshold == 0
    route = block(data, "Bezwaren naar behandeling")
    assert route.rows() == [
        ("Doorgestuurd naar de gemeente (besluit in mandaat)", ["6", "0"], "6"),
        ("Behandeld door het regionale team (eigen besluit, art. 14 lid 3)", ["1", "2"], "3"),
    ]
    assert route.totals() == (["7", "2"], "9")
    outcome = dict(
        (label, (cells, total))
        for label, cells, total in block(data, "Bezwaren naar uitkomst").rows()
    )
    assert outcome["Gegrond"] == (["1", "0"], "1")
    assert outcome["Ongegrond"] == (["1", "0"], "1")
    assert outcome["Niet-ontvankelijk"] == (["0", "1"], "1")
    assert outcome["Ingetrokken"] == (["1", "0"], "1")
    assert outcome["Nog geen uitkomst"] == (["4", "1"], "5")
    term = dict(
        (label, (cells, total))
        for label, cells, total in block(data, "Bezwaren naar termijn").rows()
    )
    assert term["Beslist binnen de termijn"] == (["2", "1"], "3")
    assert term["Beslist na de termijn"] == (["1", "0"], "1")
    assert term["Nog open, binnen de termijn"] == (["1", "1"], "2")
    assert term["Nog open, termijn verstreken"] == (["3", "0"], "3")
    complaints = dict(
        (label, (cells, total))
        for label, cells, total in block(data, "Klachten naar behandeling").rows()
    )
    assert complaints == {
        "Zonder klachtencommissie": (["1", "0"], "1"),
        "Met klachtencommissie": (["0", "1"], "1"),
    }
    assert block(data, "Klachten naar uitkomst").rows()[-1] == (
        "Nog geen uitkomst",
        ["0", "1"],
        "1",
    )
    assert dict((r[0], r[1]) for r in block(data, "Klachten naar termijn").rows())[
        "Beslist binnen de termijn"
    ] == ["1", "0"]


def test_small_counts_hidden_for_the_policy_adviser(world, figures, client):
    adviser = staff("beleid-beide", "beleid", world.aalten, world.winterswijk)
    data = year_overview(adviser, 2026, TODAY)
    assert data.threshold == 5
    route = block(data, "Bezwaren naar behandeling")
    # 1 and 2 are below 5; the 6 beside the hidden 1 and the column total 7
    # go too, or they would give the hidden cells back (secondary suppression).
    assert route.rows() == [
        ("Doorgestuurd naar de gemeente (besluit in mandaat)", ["< 5", "0"], "< 5"),
        ("Behandeld door het regionale team (eigen besluit, art. 14 lid 3)", ["< 5", "< 5"], "< 5"),
    ]
    assert route.totals() == (["< 5", "< 5"], "9")
    # The policy adviser of one municipality: only that column.
    one = year_overview(world.users["beleid-winterswijk"], 2026, TODAY)
    assert one.names == ["Winterswijk"]
    client.force_login(world.users["beleid-winterswijk"])
    page = client.get(reverse("objections:overview"), {"jaar": "2026"}).content.decode()
    assert "&lt; 5" in page and "Aalten" not in page


def test_exports_are_logged_and_hold_the_figures(world, figures, client):
    client.force_login(world.users["coordinator"])
    url = reverse("objections:overview")
    response = client.get(url, {"jaar": "2026", "formaat": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Onderdeel", "Categorie", "Aalten", "Winterswijk", "Totaal"]
    assert ["Bezwaren naar behandeling", "Totaal", "7", "2", "9"] in rows
    response = client.get(url, {"jaar": "2026", "formaat": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    assert ("Bezwaren naar behandeling", "Totaal", 7, 2, 9) in values
    entries = AccessLogEntry.objects.filter(action="export", username="coordinator")
    assert sorted(e.purpose for e in entries) == [
        "Jaaroverzicht bezwaren en klachten 2026 (csv)",
        "Jaaroverzicht bezwaren en klachten 2026 (xlsx)",
    ]
    bad = client.get(url, {"jaar": "twintig"})
    assert bad.status_code == 400 and "Kies een jaar tussen 2000 en 2100." in bad.content.decode()
