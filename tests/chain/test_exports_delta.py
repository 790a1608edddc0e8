"""Delta exports of the SVB and BRP lists (`?sinds_vorige=1`): only lines new
or changed since the last such export, recorded in the export log (no BSN);
a second export right after gives only the header; a recorded sending or
outcome brings the line back once; BRP exports per municipality do not hide
each other's lines; every youth in a file is in the access log."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import CaseType
from rbl.chain import svb
from rbl.chain.models import ChainExport, ChainExportLine, SvbNotification
from rbl.chain.terugmelding import record_outcome, record_terugmelding
from tests.chain.helpers import svb_address

pytestmark = pytest.mark.django_db


def _csv(response) -> tuple[list[str], list[dict[str, str]]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _prepared(world) -> SvbNotification:
    case = world.cases["own"]
    case.type = CaseType.ABSOLUUT
    case.opened_on = timezone.localdate() - dt.timedelta(weeks=8)
    case.save()
    svb_address(world.aalten.region)
    (item,) = svb.prepare_due()
    return item


def _terugmelding(world, key: str, officer: str):
    case = world.cases[key]
    case.refresh_from_db()
    return record_terugmelding(
        case,
        reasons=["buitenland"],
        grounds="Buren: het gezin woont sinds de zomer in Marokko.",
        actor=world.users[officer],
        expected_version=case.version,
    )


def test_svb_delta_by_hand_then_header_only_then_the_sent_line_once(world, client):
    notification = _prepared(world)
    person = world.persons["own"]
    today = timezone.localdate()
    user = world.users["administratie"]
    client.force_login(user)
    url = reverse("chain:svb-export") + "?sinds_vorige=1"
    page = client.get(reverse("chain:lists")).content.decode()
    assert "Sinds de vorige export is 1 regel nieuw of gewijzigd." in page
    assert "Vorige exports van de SVB-meldingen: nog geen." in page

    header, rows = _csv(client.get(url))
    assert header[:3] == ["kenmerk", "voorbereid_op", "aanleiding"]
    (row,) = rows
    assert row["kenmerk"] == notification.document.reference
    assert row["bsn"] == person.bsn and row["gemeente_code"] == "0197"
    assert row["verzonden_op"] == "" and row["voornamen"] == "Sanne"
    run = ChainExport.objects.get()
    assert (run.kind, run.count, run.user, run.municipalities) == ("svb", 1, user, ["0197", "0294"])
    (line,) = ChainExportLine.objects.all()
    assert line.object_id == notification.pk and line.municipality_code == "0197"
    assert person.bsn not in line.fingerprint

    # Right after: nothing new, the file has the header only; the page says so.
    header_again, rows = _csv(client.get(url))
    assert header_again == header and rows == []
    assert ChainExport.objects.order_by("-pk").first().count == 0
    page = client.get(reverse("chain:lists")).content.decode()
    assert "Sinds de vorige export is er niets nieuw of gewijzigd" in page
    assert "<caption>Vorige exports van de SVB-meldingen</caption>" in page
    assert "SVB-meldingen: nog geen." not in page

    # The sending recorded: the line comes again, once, with the date.
    svb.record_sent(notification, sent_on=today, actor=user, expected_version=1)
    _header, (row,) = _csv(client.get(url))
    assert row["verzonden_op"] == today.isoformat()
    assert _csv(client.get(url))[1] == []
    # The full list stays as it was.
    assert len(_csv(client.get(reverse("chain:svb-export")))[1]) == 1
    assert ChainExport.objects.count() == 4


def test_brp_delta_per_municipality_and_the_outcome_line_once(world, client):
    own = _terugmelding(world, "own", "lpa-aalten")
    other = _terugmelding(world, "other", "lpa-winterswijk")
    client.force_login(world.users["administratie"])
    url = reverse("chain:brp-export") + "?sinds_vorige=1&gemeente="

    _h, (row,) = _csv(client.get(url + "0197"))
    assert row["kenmerk"] == own.document.reference and row["gemeente_code"] == "0197"
    assert row["uitkomst"] == ""
    assert _csv(client.get(url + "0197"))[1] == []
    # Aalten's export did not take Winterswijk's line.
    _h, (row,) = _csv(client.get(url + "0294"))
    assert row["kenmerk"] == other.document.reference and row["gemeente_code"] == "0294"
    assert _csv(client.get(url + "0294"))[1] == []
    # Another user's export counts too (by anyone).
    client.force_login(world.users["m-administratie"])
    assert _csv(client.get(url + "0197"))[1] == []

    record_outcome(
        own,
        outcome="adres_juist",
        on=timezone.localdate(),
        actor=world.users["lpa-aalten"],
        expected_version=own.version,
    )
    _h, (row,) = _csv(client.get(url + "0197"))
    assert row["uitkomst"] == "Adres juist (twijfel ongegrond)"
    assert _csv(client.get(url + "0197"))[1] == []
    client.force_login(world.users["administratie"])
    assert _csv(client.get(url + "0294"))[1] == []
    page = client.get(reverse("chain:lists")).content.decode()
    assert "Vorige exports van de terugmeldingen BRP" in page
    assert page.count("niets nieuw of gewijzigd") == 3  # SVB list empty, both municipalities


def test_delta_exports_are_access_logged_per_youth_without_bsn(world, client):
    _prepared(world)
    _terugmelding(world, "own", "lpa-aalten")
    person = world.persons["own"]
    user = world.users["administratie"]
    client.force_login(user)
    client.get(reverse("chain:svb-export") + "?sinds_vorige=1")
    client.get(reverse("chain:brp-export") + "?sinds_vorige=1&gemeente=0197")
    exports = AccessLogEntry.objects.filter(user=user, action=Action.EXPORT)
    assert exports.filter(purpose="export SVB-meldingen", person_id=person.pk).count() == 1
    assert exports.filter(purpose="export terugmeldingen BRP", person_id=person.pk).count() == 1
    # The empty re-export names no youth.
    client.get(reverse("chain:svb-export") + "?sinds_vorige=1")
    assert exports.filter(purpose="export SVB-meldingen", person_id=person.pk).count() == 1
    for entry in AccessLogEntry.objects.all():
        assert person.bsn not in entry.path and person.bsn not in entry.purpose


def test_delta_export_only_for_own_municipalities(world, client):
    _terugmelding(world, "other", "lpa-winterswijk")
    client.force_login(world.users["lpa-aalten"])
    assert client.get(reverse("chain:brp-export") + "?sinds_vorige=1").status_code == 403
    client.force_login(world.users["m-administratie"])
    url = reverse("chain:brp-export") + "?sinds_vorige=1&gemeente=0294"
    assert client.get(url).status_code == 404
    assert not ChainExport.objects.exists()
