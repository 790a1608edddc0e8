"""Registering, routing and handling objections and complaints, and who sees them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.audit.models import AccessLogEntry
from rbl.cases.models import LeaveRequest
from rbl.cases.services.events import locked_case, save_case
from rbl.cases.services.principal import change_principal
from rbl.objections import services
from rbl.objections.models import Complaint, Objection, Route
from tests.cases.factories import staff
from tests.objections.conftest import exemption_case, leave_decision

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 11)


def register(world, case, kind, received_on=dt.date(2026, 3, 2), **extra):
    return services.register_objection(
        case,
        decision_kind=kind,
        received_on=received_on,
        handler=world.users["lpa-aalten"],
        actor=world.users["lpa-aalten"],
        today=TODAY,
        **extra,
    )


def test_objection_against_the_officers_own_leave_decision_stays_with_the_team(world):
    leave = leave_decision(world, days=15)
    objection = register(world, leave.case, "verlof")
    assert objection.route == Route.REGIONAAL
    assert objection.committee and objection.forwarded_on is None
    assert objection.due_on == dt.date(2026, 5, 25)  # 12 weeks: the committee advises
    assert objection.principal_id == world.aalten.code
    leave.refresh_from_db()  # the leave request shows it (history, retention hold)
    assert leave.objection_received_on == dt.date(2026, 3, 2)
    assert leave.objection_decided_on is None


def test_objection_against_a_decision_in_mandate_is_forwarded_at_once(world):
    case = exemption_case(world)
    objection = register(world, case, "vrijstelling")
    assert objection.route == Route.DOORGESTUURD
    assert objection.forwarded_on == TODAY
    assert objection.decision_date == dt.date(2026, 2, 16)
    assert objection.due_on == dt.date(2026, 4, 13)


def test_route_from_the_leave_decision():
    own = LeaveRequest(decider="lpa", article="14", school_days=11)
    ten = LeaveRequest(decider="lpa", article="14", school_days=10)
    other_article = LeaveRequest(decider="lpa", article="11f", school_days=20)
    assert services.route_for("verlof", own) == Route.REGIONAAL
    assert services.route_for("verlof", ten) == Route.DOORGESTUURD
    assert services.route_for("verlof", other_article) == Route.DOORGESTUURD
    assert services.route_for("vrijstelling") == Route.DOORGESTUURD
    with pytest.raises(services.ObjectionError, match="directeur van de school"):
        services.route_for("verlof", LeaveRequest(decider="school", article="13a", school_days=5))


def test_forwarded_to_the_principal_on_the_decision_date(world):
    """The case moved to Winterswijk after the decision: Aalten decided it."""
    case = exemption_case(world)
    with locked_case(case, None) as locked:
        change_principal(locked, world.winterswijk, on=dt.date(2026, 3, 1))
        save_case(locked, ["principal"])
    objection = register(world, case, "vrijstelling")
    assert objection.principal_id == world.aalten.code


def test_other_decision_needs_date_and_description(world):
    case = world.cases["own"]
    with pytest.raises(services.ObjectionError) as error:
        register(world, case, "anders", decision_date=dt.date(2026, 2, 1))
    assert error.value.field == "decision_description"
    objection = register(
        world,
        case,
        "anders",
        decision_date=dt.date(2026, 2, 1),
        decision_description="Proces-verbaal",
    )
    assert objection.route == Route.DOORGESTUURD


def test_officer_registers_on_screen_and_bad_input_changes_nothing(world, client):
    leave = leave_decision(world, days=15)
    client.force_login(world.users["lpa-aalten"])
    url = reverse("objections:objection-new", args=[leave.case_id])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"decision": "verlof", "received_on": "2026-02-10"})
    assert bad.status_code == 400
    assert "Bezwaar ontvangen op: het bezwaar kan niet eerder ontvangen zijn dan het besluit" in (
        bad.content.decode()
    )
    future = client.post(url, {"decision": "verlof", "received_on": "2026-03-20"})
    assert "Bezwaar ontvangen op: de ontvangstdatum ligt in de toekomst." in future.content.decode()
    assert not Objection.objects.exists()
    response = client.post(
        url, {"decision": "verlof", "received_on": "2026-03-02", "grounds": "Te streng"}
    )
    objection = Objection.objects.get()
    assert response.url == reverse("objections:objection", args=[objection.pk])
    assert AccessLogEntry.objects.filter(action="create", case_id=leave.case_id).exists()
    page = client.get(response.url).content.decode()
    assert "25 mei 2026" in page and "Behandeld door het regionale team" in page
    assert AccessLogEntry.objects.filter(action="view", case_id=leave.case_id).exists()


def test_leave_decided_by_the_school_is_refused_on_screen(world, client):
    leave = leave_decision(world, days=5, article="13a")
    client.force_login(world.users["lpa-aalten"])
    url = reverse("objections:objection-new", args=[leave.case_id])
    response = client.post(url, {"decision": "verlof", "received_on": "2026-03-02"})
    assert response.status_code == 400
    assert "schoolbestuur" in response.content.decode()
    assert not Objection.objects.exists()


def handle(objection, **changes):
    fields = dict(
        expected_version=objection.version,
        actor=objection.handler,
        today=TODAY,
        forwarded_on=objection.forwarded_on,
        committee=objection.committee,
        committee_informed_on=None,
        advice_on=None,
        advice="",
        postponed_on=None,
        postponement_reason="",
        outcome="",
        outcome_on=None,
    )
    fields.update(changes)
    return services.update_objection(objection, **fields)


def test_postponement_once_with_reason_and_the_outcome(world):
    leave = leave_decision(world, days=15)
    objection = register(world, leave.case, "verlof")
    with pytest.raises(services.ObjectionError) as error:
        handle(objection, postponed_on=dt.date(2026, 3, 9))
    assert error.value.field == "postponement_reason"
    objection = handle(
        objection,
        committee_informed_on=dt.date(2026, 3, 3),
        postponed_on=dt.date(2026, 3, 9),
        postponement_reason="Hoorzitting commissie pas in juni",
    )
    assert objection.due_on == dt.date(2026, 7, 6)  # 12 + 6 weeks
    with pytest.raises(services.ObjectionError, match="allebei"):
        handle(objection, outcome="ongegrond")
    done = handle(
        objection,
        committee_informed_on=dt.date(2026, 3, 3),
        advice_on=dt.date(2026, 3, 10),
        advice="Ongegrond verklaren",
        postponed_on=dt.date(2026, 3, 9),
        postponement_reason="Hoorzitting commissie pas in juni",
        outcome="ongegrond",
        outcome_on=dt.date(2026, 3, 11),
    )
    assert done.outcome == "ongegrond" and done.version == 3
    leave.refresh_from_db()
    assert leave.objection_decided_on == dt.date(2026, 3, 11)


def test_a_stale_version_is_refused(world):
    objection = register(world, exemption_case(world), "vrijstelling")
    handle(objection, committee=True)
    with pytest.raises(services.ObjectionError, match="intussen gewijzigd"):
        handle(objection, outcome="ingetrokken", outcome_on=TODAY)
    objection.refresh_from_db()
    assert objection.outcome == "" and objection.committee


def complaint(world, about="lpa-aalten", handler="coordinator"):
    return services.register_complaint(
        municipality=world.aalten,
        received_on=dt.date(2026, 1, 12),
        complainant_kind="ouder",
        about=world.users[about] if isinstance(about, str) else about,
        summary="Onvriendelijk telefoongesprek",
        handler=world.users[handler],
        actor=world.users[handler],
        today=TODAY,
    )


def test_the_officer_a_complaint_is_about_gets_404(world, client):
    c = complaint(world)
    assert c.due_on == dt.date(2026, 2, 23)
    url = reverse("objections:complaint", args=[c.pk])
    client.force_login(world.users["lpa-aalten"])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assert "Onvriendelijk" not in client.get(reverse("objections:list")).content.decode()
    # Even a coordinator the complaint is about does not see it; a colleague does.
    other = staff("coordinator-2", "coordinator", world.aalten, world.winterswijk)
    about_coordinator = complaint(world, about=other)
    client.force_login(other)
    assert (
        client.get(reverse("objections:complaint", args=[about_coordinator.pk])).status_code == 404
    )
    assert client.get(url).status_code == 200
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("objections:complaint", args=[about_coordinator.pk]))
    assert page.status_code == 200 and "Onvriendelijk" in page.content.decode()
    assert AccessLogEntry.objects.filter(purpose=f"Klacht {about_coordinator.pk} bekeken").exists()


def test_only_a_coordinator_registers_a_complaint_and_not_against_themselves(world, client):
    client.force_login(world.users["lpa-aalten"])
    assert client.get(reverse("objections:complaint-new")).status_code == 403
    with pytest.raises(services.ObjectionError) as error:
        complaint(world, about="coordinator", handler="coordinator")
    assert error.value.field == "about"
    client.force_login(world.users["coordinator"])
    url = reverse("objections:complaint-new")
    lpa = world.users["lpa-aalten"]
    bad = client.post(
        url,
        {
            "municipality": "0197",
            "received_on": "2026-03-02",
            "complainant_kind": "ouder",
            "about": lpa.pk,
        },
    )
    assert bad.status_code == 400 and "Samenvatting van de klacht" in bad.content.decode()
    assert not Complaint.objects.exists()
    ok = client.post(
        url,
        {
            "municipality": "0197",
            "received_on": "2026-03-02",
            "complainant_kind": "ouder",
            "about": lpa.pk,
            "summary": "Afspraak niet nagekomen",
            "committee": "on",
        },
    )
    made = Complaint.objects.get()
    assert ok.url == reverse("objections:complaint", args=[made.pk])
    assert made.due_on == dt.date(2026, 5, 11)  # ten weeks with a committee


def test_complaint_postponement_of_four_weeks(world):
    c = complaint(world)
    with pytest.raises(services.ObjectionError, match="binnen de termijn"):
        services.update_complaint(
            c,
            expected_version=1,
            today=TODAY,
            committee=False,
            postponed_on=dt.date(2026, 3, 1),
            postponement_reason="Ziekte",
            outcome="",
            outcome_on=None,
        )
    done = services.update_complaint(
        c,
        expected_version=1,
        today=TODAY,
        committee=False,
        postponed_on=dt.date(2026, 2, 20),
        postponement_reason="Gesprek met klager gepland",
        outcome="informeel",
        outcome_on=dt.date(2026, 3, 5),
    )
    assert done.due_on == dt.date(2026, 3, 23)


def test_terms_on_the_handlers_work_and_home(world, client):
    leave = leave_decision(world, days=15)
    register(world, leave.case, "verlof")
    late = complaint(world)  # due 23 February: overdue
    client.force_login(world.users["lpa-aalten"])
    page = client.get(reverse("web:my-work")).content.decode()
    assert "Termijnen van bezwaren en klachten" in page and "25 mei 2026" in page
    assert "Klacht" not in page
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("reporting:dashboard")).content.decode()
    assert "23 februari 2026" in page and "(termijn verstreken)" in page
    items = services.open_terms(world.users["coordinator"], TODAY)
    assert [(i.kind, i.overdue) for i in items] == [("Klacht", True)]
    assert items[0].url.endswith(f"/klacht/{late.pk}/")


def test_policy_adviser_sees_only_the_overview(world, client):
    objection = register(world, exemption_case(world), "vrijstelling")
    client.force_login(world.users["beleid-winterswijk"])
    assert client.get(reverse("objections:overview")).status_code == 200
    assert client.get(reverse("objections:list")).status_code == 403
    assert client.get(reverse("objections:objection", args=[objection.pk])).status_code == 404


def test_list_filters(world, client):
    objection = register(world, exemption_case(world), "vrijstelling")
    complaint(world)
    client.force_login(world.users["coordinator"])
    url = reverse("objections:list")
    page = client.get(url).content.decode()
    assert reverse("objections:objection", args=[objection.pk]) in page
    assert "Klacht van 12-01-2026" in page
    overdue = client.get(url, {"status": "verstreken"}).content.decode()
    assert "Klacht van 12-01-2026" in overdue
    assert reverse("objections:objection", args=[objection.pk]) not in overdue
    assert "Klacht van" not in client.get(url, {"jaar": "2025", "status": "alle"}).content.decode()
    bad = client.get(url, {"jaar": "twintig"})
    assert bad.status_code == 400
    assert "Vul bij jaar van ontvangst een jaartal in, zoals 2026." in bad.content.decode()


def test_an_open_objection_holds_the_file_and_retention_clears_its_texts(world):
    from rbl.audit.removal import anonymise_case
    from rbl.audit.retention import FileTerm, HoldReason, _automatic_holds

    case = world.cases["own"]
    objection = register(
        world,
        case,
        "anders",
        decision_date=dt.date(2026, 2, 1),
        decision_description="Proces-verbaal",
        grounds="Het gesprek is anders gelopen dan in het verslag staat.",
    )
    assert objection.grounds
    assert HoldReason.OBJECTION in _automatic_holds([case.pk])[case.pk]
    handle(objection, outcome="ingetrokken", outcome_on=TODAY)
    assert case.pk not in _automatic_holds([case.pk])
    anonymise_case(FileTerm(case.pk, case.type, "leerplicht", TODAY), peildatum=TODAY)
    objection.refresh_from_db()
    assert objection.decision_description == "" and objection.grounds == ""
    assert objection.outcome == "ingetrokken"  # still counted in the yearly overview


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    offset=st.integers(min_value=-5, max_value=100),
    committee=st.booleans(),
)
def test_postponement_is_accepted_only_within_the_term(world, offset, committee):
    """Hypothesis: a postponement on a day from the receipt up to the running
    term's last day is accepted and adds six weeks; any other day is refused
    and changes nothing."""
    objection = Objection.objects.filter(case=world.cases["own"]).first() or register(
        world,
        world.cases["own"],
        "anders",
        decision_date=dt.date(2025, 11, 3),
        decision_description="Proces-verbaal",
        received_on=dt.date(2025, 11, 10),
    )
    objection.refresh_from_db()
    received = objection.received_on
    term_end = received + dt.timedelta(weeks=12 if committee else 6)
    day = received + dt.timedelta(days=offset)
    before = objection.due_on
    try:
        done = handle(
            objection,
            committee=committee,
            postponed_on=day,
            postponement_reason="Advies van de commissie later",
        )
    except services.ObjectionError as error:
        assert not (received <= day <= term_end and day <= TODAY)
        assert error.field == "postponed_on"
        objection.refresh_from_db()
        assert objection.due_on == before
    else:
        assert received <= day <= term_end
        assert done.due_on == term_end + dt.timedelta(weeks=6)
