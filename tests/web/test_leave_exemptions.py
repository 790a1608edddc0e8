"""Leave requests (R-24) and the vrijstellingen register (R-23) on the
screens: registering from the person page, deciding and objecting on the
case page, the list of open requests and the register — who sees and changes
what, exports and the access log, conflicts, and a fixed number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rbl.absoluut.check import run_check
from rbl.absoluut.models import Signal
from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import Case, CaseEvent, CaseType, EventKind, LeaveRequest
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.exemptions import open_exemption_case
from rbl.cases.services.leave import register_leave_request, register_leave_request_with_reason
from rbl.registry.models import Exemption
from tests.factories import PersonFactory
from tests.web.world import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


def login(client, world: World, name: str):
    client.force_login(world.users[name])
    return client


def leave_dates() -> tuple[dt.date, dt.date]:
    """Monday to Wednesday of a week some 100 days ahead: three school days
    whatever day it is today."""
    start = TODAY() + 100 * DAY
    start += (7 - start.weekday()) % 7 * DAY
    return start, start + 2 * DAY


def leave_post(**overrides) -> dict:
    today = TODAY()
    start, end = leave_dates()
    data = {
        "requested_on": (today - 2 * DAY).isoformat(),
        "article": "14",
        "start": start.isoformat(),
        "end": end.isoformat(),
        "reason": "Bruiloft van een grootouder in het buitenland",
    }
    return {**data, **overrides}


def exemption_post(**overrides) -> dict:
    today = TODAY()
    data = {
        "ground": "5a",
        "start": (today - 10 * DAY).isoformat(),
        "end": (today + 30 * DAY).isoformat(),
        "decided_on": (today - 12 * DAY).isoformat(),
    }
    return {**data, **overrides}


def register_leave(world: World, person_key: str = "own", **fields) -> LeaveRequest:
    today = TODAY()
    start, end = leave_dates()
    args = {
        "article": "14",
        "requested_on": today - 2 * DAY,
        "start": start,
        "end": end,
        "actor": world.users["coordinator"],
        **fields,
    }
    return register_leave_request(world.persons[person_key], **args)


# --- registering and deciding a leave request -----------------------------------


def test_coordinator_registers_leave_request_with_due_date_and_reason(client, world):
    person = world.persons["own"]
    login(client, world, "coordinator")
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    assert "Verlofaanvraag registreren" in page and "Vrijstelling registreren" in page
    response = client.post(reverse("web:person-leave", args=[person.pk]), leave_post())
    assert response.status_code == 302
    leave = LeaveRequest.objects.get(case__person=person)
    assert response["Location"] == reverse("web:case", args=[leave.case_id])
    # Eight weeks after the request (the region's default term).
    assert leave.decision_due_on == TODAY() - 2 * DAY + dt.timedelta(weeks=8)
    assert leave.case.type == CaseType.VERLOF and leave.school_days == 3
    assert CaseEvent.objects.filter(
        case=leave.case, kind=EventKind.LEAVE, note__contains="Bruiloft"
    ).exists()
    assert AccessLogEntry.objects.filter(
        action=Action.CHANGE, case_id=leave.case_id, user=world.users["coordinator"]
    ).exists()
    case_page = client.get(response["Location"]).content.decode()
    assert "Uiterste beslisdatum" in case_page and "Besluit vastleggen" in case_page
    assert leave.decision_due_on.strftime("%d-%m-%Y") in case_page


def test_leave_request_with_end_before_start_is_refused(client, world):
    person = world.persons["own"]
    login(client, world, "coordinator")
    today = TODAY()
    response = client.post(
        reverse("web:person-leave", args=[person.pk]),
        leave_post(start=(today + 10 * DAY).isoformat(), end=(today + 5 * DAY).isoformat()),
    )
    assert response.status_code == 400
    assert "De einddatum ligt voor de begindatum." in response.content.decode()
    assert not LeaveRequest.objects.exists()


def test_decision_is_recorded_and_closes_the_case(client, world):
    leave = register_leave(world)
    case = leave.case
    login(client, world, "coordinator")
    response = client.post(
        reverse("web:case-leave", args=[case.pk]),
        {"version": case.version, "decision": "deels", "decided_on": TODAY().isoformat()},
    )
    assert response.status_code == 302
    leave.refresh_from_db()
    assert (leave.decision, leave.decided_on) == ("deels", TODAY())
    case.refresh_from_db()
    assert case.is_closed
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Gedeeltelijk toegekend op" in page
    assert "Bezwaar tegen een besluit registreren" in page and "Besluit vastleggen" not in page


def test_objection_against_the_officers_own_leave_decision_from_the_case_page(client, world):
    """An objection against the decision on leave of more than ten school days
    (the leerplichtambtenaar's own, art. 14 lid 3) is registered in the
    objections app from the case page, stays with the regional team, and the
    leave request shows it until it is decided."""
    from rbl.objections.models import Objection

    start, _ = leave_dates()
    leave = register_leave(world, end=start + 18 * DAY)  # three weeks: 15 school days
    assert leave.school_days > 10
    case = leave.case
    login(client, world, "coordinator")
    client.post(
        reverse("web:case-leave", args=[case.pk]),
        {"version": case.version, "decision": "afgewezen", "decided_on": TODAY().isoformat()},
    )
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Bezwaar tegen een besluit registreren" in page
    assert "Bezwaar registreren" not in page  # one way to register, not two
    response = client.post(
        reverse("objections:objection-new", args=[case.pk]),
        {"decision": "verlof", "received_on": TODAY().isoformat(), "grounds": "Te streng"},
    )
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.objection_received_on == TODAY() and leave.objection_forwarded_on is None
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "behandeld door het regionale team" in page and "nog geen beslissing" in page

    objection = Objection.objects.get()
    response = client.post(
        reverse("objections:objection", args=[objection.pk]),
        {
            "version": objection.version,
            "committee": "on",
            "outcome": "ongegrond",
            "outcome_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.objection_decided_on == TODAY()
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert f"beslist op {TODAY():%d-%m-%Y}" in page


def test_objection_before_a_decision_is_refused(client, world):
    leave = register_leave(world)
    login(client, world, "coordinator")
    response = client.post(
        reverse("objections:objection-new", args=[leave.case_id]),
        {"decision": "verlof", "received_on": TODAY().isoformat()},
    )
    assert response.status_code == 400
    assert "Besluit waartegen het bezwaar is" in response.content.decode()
    leave.refresh_from_db()
    assert leave.objection_received_on is None


def test_stale_version_answers_409_and_keeps_the_other_decision(client, world):
    leave = register_leave(world)
    case = leave.case
    seen = case.version
    login(client, world, "coordinator")
    first = client.post(
        reverse("web:case-leave", args=[case.pk]),
        {"version": seen, "decision": "toegekend", "decided_on": TODAY().isoformat()},
    )
    assert first.status_code == 302
    stale = client.post(
        reverse("web:case-leave", args=[case.pk]),
        {"version": seen, "decision": "afgewezen", "decided_on": TODAY().isoformat()},
    )
    assert stale.status_code == 409
    leave.refresh_from_db()
    assert leave.decision == "toegekend"


def test_reader_gets_no_forms_and_403(client, world):
    leave = register_leave(world)
    person = world.persons["own"]
    # Reads Aalten and changes only own cases; RMC registers no leave or exemption.
    login(client, world, "rmc-regio")
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    assert "Verlofaanvraag registreren" not in page and "Vrijstelling registreren" not in page
    assert (
        client.post(reverse("web:person-leave", args=[person.pk]), leave_post()).status_code == 403
    )
    assert (
        client.post(reverse("web:person-exemption", args=[person.pk]), exemption_post()).status_code
        == 403
    )
    case_page = client.get(reverse("web:case", args=[leave.case_id])).content.decode()
    assert "Besluit vastleggen" not in case_page
    response = client.post(
        reverse("web:case-leave", args=[leave.case_id]),
        {"version": leave.case.version, "decision": "toegekend", "decided_on": TODAY().isoformat()},
    )
    assert response.status_code == 403
    assert LeaveRequest.objects.get().decision == ""
    assert Exemption.objects.count() == 0


def test_other_municipality_gets_404(client, world):
    leave = register_leave(world)
    login(client, world, "lpa-winterswijk")
    person = world.persons["own"]
    assert (
        client.post(reverse("web:person-leave", args=[person.pk]), leave_post()).status_code == 404
    )
    assert client.get(reverse("web:case", args=[leave.case_id])).status_code == 404
    page = client.get(reverse("web:leave")).content.decode()
    assert "Sanne de Jansen" not in page


# --- the list of open leave requests ----------------------------------------------


def test_open_leave_list_flags_overdue_and_filters(client, world):
    today = TODAY()
    late = register_leave(world, requested_on=today - 70 * DAY, start=today + 10 * DAY)
    on_time = register_leave(world, "other", article="13a")
    decided = register_leave(world, requested_on=today - 3 * DAY)
    decided.case.refresh_from_db()
    from rbl.cases.services.leave import decide_leave

    decide_leave(decided, "toegekend", actor=world.users["coordinator"], expected_version=None)
    login(client, world, "coordinator")
    page = client.get(reverse("web:leave")).content.decode()
    assert "2 open aanvragen" in page  # the decided one is not open
    assert page.count('class="flag">termijn verstreken') == 1
    assert page.index(late.decision_due_on.strftime("%d-%m-%Y")) < page.index(
        on_time.decision_due_on.strftime("%d-%m-%Y")
    )
    only_late = client.get(reverse("web:leave"), {"verlopen": "on"}).content.decode()
    assert "Sanne de Jansen" in only_late and "Tim Bakker" not in only_late
    winterswijk = client.get(reverse("web:leave"), {"gemeente": "0294"}).content.decode()
    assert "Tim Bakker" in winterswijk and "Sanne de Jansen" not in winterswijk
    unknown = client.get(reverse("web:leave"), {"gemeente": "9999"}).content.decode()
    assert "Geen open verlofaanvragen gevonden." in unknown


def test_officer_sees_only_leave_requests_of_their_municipality(client, world):
    register_leave(world)
    register_leave(world, "other")
    page = login(client, world, "lpa-aalten").get(reverse("web:leave")).content.decode()
    assert "Sanne de Jansen" in page and "Tim Bakker" not in page


@pytest.mark.parametrize("name", ["beleid-winterswijk", "privacy", "beheer"])
@pytest.mark.parametrize("url", ["web:leave", "web:exemptions"])
def test_roles_without_files_get_403(client, world, name, url):
    assert login(client, world, name).get(reverse(url)).status_code == 403


def test_leave_list_export_is_logged(client, world):
    leave = register_leave(world)
    login(client, world, "coordinator")
    response = client.get(reverse("web:leave"), {"export": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Jongere", "Geboortedatum", "Gemeente", "Artikel"]
    assert rows[1][0] == "Sanne de Jansen"
    assert leave.decision_due_on.strftime("%d-%m-%Y") in rows[1]
    entry = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert entry.case_id == leave.case_id and "(csv)" in entry.purpose


# --- vrijstellingen -----------------------------------------------------------------


def test_new_exemption_excludes_the_youth_from_the_absoluut_check(client, world):
    person = world.persons["own"]
    today = TODAY()
    login(client, world, "coordinator")
    response = client.post(reverse("web:person-exemption", args=[person.pk]), exemption_post())
    assert response.status_code == 302
    case = Case.objects.get(person=person, type=CaseType.VRIJSTELLING)
    exemption = Exemption.objects.get(bsn=person.bsn)
    assert case.exemption_id == exemption.pk and exemption.municipality_id == "0197"
    # A day inside the period: no absoluut-verzuim signal.
    run_check(today, ["0197"])
    assert not Signal.objects.open().filter(person=person).exists()
    # The day after the period: the unenrolled youth is signalled again.
    run_check(today + 31 * DAY, ["0197"])
    assert Signal.objects.open().filter(person=person).exists()
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    assert "Art. 5 onder a" in page


def test_refused_exemption_leaves_no_case_behind(client, world):
    person = world.persons["own"]
    login(client, world, "coordinator")
    assert (
        client.post(reverse("web:person-exemption", args=[person.pk]), exemption_post()).status_code
        == 302
    )
    again = client.post(reverse("web:person-exemption", args=[person.pk]), exemption_post())
    assert again.status_code == 400
    assert "Er is al een vrijstelling op deze grond" in again.content.decode()
    assert Case.objects.filter(person=person, type=CaseType.VRIJSTELLING).count() == 1
    assert Exemption.objects.filter(bsn=person.bsn).count() == 1


def test_exemption_with_end_before_start_is_refused(client, world):
    person = world.persons["own"]
    login(client, world, "coordinator")
    today = TODAY()
    response = client.post(
        reverse("web:person-exemption", args=[person.pk]),
        exemption_post(start=today.isoformat(), end=(today - DAY).isoformat()),
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Exemption.objects.exists()


def _exempt(world: World, key: str, **fields) -> Exemption:
    today = TODAY()
    args = {
        "ground": "5a",
        "start": today - 100 * DAY,
        "end": today + 30 * DAY,
        "decided_on": today - 101 * DAY,
        "actor": world.users["coordinator"],
        **fields,
    }
    return open_exemption_case(world.persons[key], **args).exemption


def test_register_shows_visible_youth_and_flags_ending_soon(client, world):
    today = TODAY()
    _exempt(world, "own")  # ends within two months
    _exempt(world, "other", ground="15", end=None)
    later = PersonFactory(municipality=world.aalten, surname="Visser", given_names="Noor")
    world.persons["later"] = later
    _exempt(world, "later", end=today + 200 * DAY)
    page = login(client, world, "lpa-aalten").get(reverse("web:exemptions")).content.decode()
    assert "Sanne de Jansen" in page and "Noor Visser" in page
    assert "Tim Bakker" not in page  # another municipality
    assert page.count('class="flag">eindigt binnenkort') == 1
    soon = client.get(reverse("web:exemptions"), {"binnenkort": "on"}).content.decode()
    assert "Sanne de Jansen" in soon and "Noor Visser" not in soon
    viewed = set(
        AccessLogEntry.objects.filter(action=Action.VIEW, purpose="Vrijstellingen").values_list(
            "person_id", flat=True
        )
    )
    assert viewed == {world.persons["own"].pk, later.pk}
    everything = login(client, world, "coordinator").get(reverse("web:exemptions"))
    assert "Tim Bakker" in everything.content.decode()


def test_register_export_is_logged(client, world):
    _exempt(world, "own")
    login(client, world, "lpa-aalten")
    response = client.get(reverse("web:exemptions"), {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Jongere", "Geboortedatum", "Grond")
    assert rows[1][0] == "Sanne de Jansen" and rows[1][5] == "Aalten"
    entry = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert entry.person_id == world.persons["own"].pk and "(xlsx)" in entry.purpose


# --- services ------------------------------------------------------------------------


def test_reason_is_kept_with_the_request_in_one_transaction(world):
    leave = register_leave_request_with_reason(
        world.persons["own"],
        article="11f",
        requested_on=TODAY(),
        start=TODAY() + 5 * DAY,
        end=TODAY() + 5 * DAY,
        reason="Suikerfeest",
        actor=world.users["coordinator"],
    )
    assert leave.case.events.filter(note="Suikerfeest").exists()
    with pytest.raises(CaseRuleError):
        register_leave_request_with_reason(
            world.persons["own"],
            article="99",
            requested_on=TODAY(),
            start=TODAY(),
            end=TODAY(),
            reason="x",
            actor=None,
        )
    assert LeaveRequest.objects.count() == 1


def test_exemption_decided_in_the_future_is_refused(world):
    with pytest.raises(CaseRuleError):
        _exempt(world, "own", decided_on=TODAY() + DAY)
    assert not Case.objects.filter(type=CaseType.VRIJSTELLING).exists()


# --- query counts ------------------------------------------------------------------

MAX_QUERIES = 20


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add(world: World, count: int) -> None:
    for i in range(count):
        key = f"extra-{len(world.persons)}"
        world.persons[key] = PersonFactory(municipality=world.aalten)
        register_leave(world, key, requested_on=TODAY() - (i % 70) * DAY)
        _exempt(world, key)


@pytest.mark.parametrize("name", ["web:leave", "web:exemptions"])
def test_query_count_does_not_grow_with_rows(client, world, name, django_assert_max_num_queries):
    login(client, world, "coordinator")
    _add(world, 2)
    few = _count(client, reverse(name))
    _add(world, 25)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _count(client, reverse(name))
    assert many == few
