"""Slips a new user met on the demo, each as the user notices it: requirement
ids on the screens, a history that says "van niemand naar niemand", tasks
that leave no trace, "3 regel(s) met fouten" for two bad rows, an export
logged twice, a leerplichtambtenaar who cannot register a leave request, and
MAS forms on a leave case."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import get_commands, load_command_class
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

import rbl
from rbl.absoluut.models import Signal
from rbl.accounts.access import can_edit_case
from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import (
    Activity,
    AssignmentRule,
    Case,
    CaseEvent,
    CaseType,
    EventKind,
    Handhaving,
    LeaveRequest,
    MasRoute,
    Task,
)
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.exemptions import open_exemption_case
from rbl.cases.services.handhaving import start_handhaving
from rbl.cases.services.history import describe_events
from rbl.cases.services.leave import register_leave_request
from rbl.cases.services.lifecycle import assign_case, choose_route, open_case
from rbl.registry.models import Exemption
from tests.cases.factories import CaseFactory
from tests.web.world import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)
REQUIREMENT_ID = re.compile(r"\bR-\d")
SRC = Path(rbl.__file__).parent


def login(client, world: World, name: str):
    client.force_login(world.users[name])
    return client


def version(case: Case) -> int:
    return Case.objects.get(pk=case.pk).version


# --- 1. no requirement ids reach a user ------------------------------------------


def _plain_urls() -> list[str]:
    """Every named screen without arguments (GET), from the resolver."""

    def walk(patterns, namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name and not p.pattern.converters:
                yield f"{namespace}:{p.name}" if namespace else p.name

    names = [n for n in walk(get_resolver().url_patterns) if n not in ("web:logout",)]
    urls = []
    for name in names:
        try:
            urls.append(reverse(name))
        except Exception:  # a pattern with a regex group: not a plain screen
            continue
    return urls


@pytest.mark.parametrize(
    "username", ["coordinator", "administratie", "lpa-aalten", "privacy", "beheer"]
)
def test_no_requirement_ids_on_the_screens(client, world, username):
    client.raise_request_exception = False
    login(client, world, username)
    urls = [
        *_plain_urls(),
        reverse("web:person", args=[world.persons["own"].pk]),
        reverse("web:case", args=[world.cases["own"].pk]),
    ]
    shown = []
    for url in urls:
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            shown.append(url)
            found = REQUIREMENT_ID.findall(response.content.decode())
            assert not found, f"{url} toont een eis-nummer: {found}"
    assert reverse("web:overdue") in shown or username in ("privacy", "beheer")


def test_overdue_list_explains_itself_without_a_requirement_id(client, world):
    page = login(client, world, "lpa-aalten").get(reverse("web:overdue")).content.decode()
    assert "Open zaken met een taak waarvan de termijn is verstreken." in page
    assert "R-27" not in page


def _docstring_ids(tree: ast.AST) -> set[int]:
    """String statements (docstrings, attribute docs): read by developers only."""
    return {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    }


def test_no_requirement_ids_in_texts_of_the_code():
    """Every string literal of the product that is not a docstring (messages,
    labels, help texts, intros, API errors), every template, script and data
    file. Migrations only replay history."""
    found = []
    for path in SRC.rglob("*"):
        if not path.is_file() or "migrations" in path.parts or "__pycache__" in path.parts:
            continue
        if path.suffix == ".py":
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docs = _docstring_ids(tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and id(node) not in docs
                    and REQUIREMENT_ID.search(node.value)
                ):
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
        elif path.suffix in (".html", ".txt", ".js", ".yaml", ".yml", ".css", ".svg"):
            if REQUIREMENT_ID.search(path.read_text(encoding="utf-8")):
                found.append(str(path.relative_to(SRC)))
    assert not found, f"eis-nummers in teksten voor gebruikers: {found}"


def test_no_requirement_ids_in_command_help():
    checked = 0
    for name, app in get_commands().items():
        if not app.startswith("rbl."):
            continue
        command = load_command_class(app, name)
        text = command.create_parser("rbl", name).format_help()
        assert not REQUIREMENT_ID.search(text), f"rbl {name} --help: {text}"
        checked += 1
    assert checked >= 8  # import, absoluut, status, brieven, regio, demo, export, …


def test_no_requirement_ids_in_model_labels_and_help_texts():
    for model in apps.get_models():
        if not model.__module__.startswith("rbl."):
            continue
        for field in model._meta.get_fields():
            texts = [str(getattr(field, "verbose_name", "")), str(getattr(field, "help_text", ""))]
            texts += [str(label) for _, label in getattr(field, "flatchoices", None) or []]
            for text in texts:
                assert not REQUIREMENT_ID.search(text), f"{model.__name__}.{field.name}: {text}"


# --- 2. the case history says what happened ---------------------------------------


def test_history_says_which_route_was_chosen_and_who_got_the_case(client, world):
    case = CaseFactory(person=world.persons["own"], opened_on=TODAY() - 10 * DAY)  # no owner
    coordinator = world.users["coordinator"]
    assign_case(case, world.users["kpa-regio"], actor=coordinator, expected_version=version(case))
    assign_case(case, world.users["lpa-aalten"], actor=coordinator, expected_version=version(case))
    lpa = world.users["lpa-aalten"]
    choose_route(case, MasRoute.VRIJWILLIG, actor=lpa, expected_version=version(case))
    choose_route(case, MasRoute.JEUGDBESCHERMING, actor=lpa, expected_version=version(case))

    page = login(client, world, "lpa-aalten").get(reverse("web:case", args=[case.pk]))
    text = page.content.decode()
    assert "Toegewezen aan Kpa Test" in text
    assert "Eigenaar gewijzigd: van Kpa Test naar Lpa Test" in text
    assert "Route gekozen: Vrijwillige hulpverlening" in text
    assert (
        "Route gewijzigd: van Vrijwillige hulpverlening naar "
        "Jeugdbescherming (Raad voor de Kinderbescherming)" in text
    )
    assert "niemand" not in text
    timeline = client.get(reverse("web:person", args=[case.person_id])).content.decode()
    assert "Route gekozen: Vrijwillige hulpverlening" in timeline
    assert "niemand" not in timeline


def test_a_new_case_says_to_whom_it_went(client, world):
    case = open_case(
        world.persons["own"], CaseType.OVERIG, actor=None, owner=world.users["lpa-aalten"]
    )
    unowned = open_case(world.persons["own"], CaseType.LUXE, actor=None, owner=None)
    login(client, world, "coordinator")
    assert "Zaak aangemaakt en toegewezen aan Lpa Test" in (
        client.get(reverse("web:case", args=[case.pk])).content.decode()
    )
    assert "Zaak aangemaakt, nog niet toegewezen" in (
        client.get(reverse("web:case", args=[unowned.pk])).content.decode()
    )


@pytest.mark.parametrize("kind", EventKind.values)
def test_no_event_reads_as_nonsense_when_its_data_is_missing(world, kind):
    """Events written before a key existed, or naming a user that is gone."""
    case = world.cases["own"]
    gone = 987654
    variants = [
        {},
        {"van": None, "naar": None},
        {"van": gone, "naar": gone, "eigenaar": gone, "boa": gone, "voor": gone},
        {"van": "", "naar": "", "soort": "", "reden": "", "datum": ""},
    ]
    events = [
        CaseEvent(case=case, at=timezone.now(), kind=kind, data=data, version=1)
        for data in variants
    ]
    for text in describe_events(events):
        assert text and "niemand" not in text and "None" not in text
        assert not text.endswith((":", ",", " van", " naar", " aan")), text
        assert "()" not in text and ": ," not in text and "  " not in text, text


# --- 3. tasks leave a trace ------------------------------------------------------------


def test_adding_and_finishing_a_task_shows_in_the_history(client, world):
    case = world.cases["own"]
    due = TODAY() + 7 * DAY
    login(client, world, "lpa-aalten")
    response = client.post(
        reverse("web:case-task", args=[case.pk]),
        {
            "version": version(case),
            "kind": "opvolging",
            "title": "Moeder terugbellen",
            "due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(case=case, title="Moeder terugbellen")
    added = CaseEvent.objects.get(case=case, kind=EventKind.TASK_ADDED)
    assert added.actor == world.users["lpa-aalten"] and added.version == version(case)
    response = client.post(
        reverse("web:case-task-done", args=[case.pk, task.pk]), {"version": version(case)}
    )
    assert response.status_code == 302
    done = CaseEvent.objects.get(case=case, kind=EventKind.TASK_DONE)
    assert done.version == version(case) and done.actor == world.users["lpa-aalten"]

    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    shown = f"Moeder terugbellen, uiterlijk {due:%d-%m-%Y}"
    assert f"Taak toegevoegd: {shown}" in page
    assert f"Taak afgerond: {shown}" in page
    timeline = client.get(reverse("web:person", args=[case.person_id])).content.decode()
    assert f"Taak toegevoegd: {shown}" in timeline and f"Taak afgerond: {shown}" in timeline


def test_a_refused_task_leaves_no_event(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    stale = client.post(
        reverse("web:case-task", args=[case.pk]),
        {"version": version(case) + 1, "kind": "opvolging", "due_on": TODAY().isoformat()},
    )
    assert stale.status_code == 409
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.TASK_ADDED).exists()


# --- 4. the import page counts rows, in proper Dutch -------------------------------

SCHOLEN = "brin;naam;sector;gemeentecode\n"


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def _import(client, text: str, **options) -> str:
    upload = SimpleUploadedFile("scholen.csv", text.encode("utf-8"), content_type="text/csv")
    response = client.post(reverse("web:import"), {"kind": "scholen", "file": upload, **options})
    assert response.status_code == 302
    return client.get(response["Location"]).content.decode()


def test_two_bad_rows_are_two_rows_however_many_errors(client, world, immediate_tasks):
    login(client, world, "administratie")
    page = _import(
        client,
        SCHOLEN
        + "98ZZ;Goed;VO;0197\n"
        + "97ZZ;Fout;XX;abc\n"  # two errors on one row
        + "96ZZ;Ook fout;YY;0197\n",
    )
    assert "Het bestand is afgekeurd: 2 regels met fouten. Er is niets gewijzigd." in page
    assert "regel(s)" not in page
    assert "<td>3</td><td>sector</td>" in page and "<td>3</td><td>gemeentecode</td>" in page
    assert '<th scope="row">Afgekeurde regels</th><td>2</td>' in page


def test_one_bad_row_is_one_row_with_an_error(client, world, immediate_tasks):
    login(client, world, "administratie")
    page = _import(client, SCHOLEN + "98ZZ;Goed;VO;0197\n97ZZ;Fout;XX;0197\n")
    assert "Het bestand is afgekeurd: 1 regel met een fout. Er is niets gewijzigd." in page
    skipped = _import(client, SCHOLEN + "95ZZ;Goed;VO;0197\n94ZZ;Fout;XX;abc\n", skip_invalid="on")
    assert "Verwerkt, met 1 afgekeurde regel." in skipped


# --- 5. every export is one entry in the access log ---------------------------------


@pytest.fixture
def lists(world: World) -> World:
    """Something on every list for lpa-aalten: the Aalten case is a thuiszitter
    with a PV on it, and the youth has a leave request and an exemption."""
    case = world.cases["own"]
    Case.objects.filter(pk=case.pk).update(type=CaseType.ABSOLUUT)
    Handhaving.objects.create(
        case=case, kind="pv", handler=world.users["boa-regio"], opened_on=TODAY() - 3 * DAY
    )
    start = TODAY() + 60 * DAY
    register_leave_request(
        world.persons["own"],
        article="14",
        requested_on=TODAY() - DAY,
        start=start,
        end=start + 2 * DAY,
        actor=world.users["coordinator"],
    )
    open_exemption_case(
        world.persons["own"],
        ground="5a",
        start=TODAY() - 5 * DAY,
        end=TODAY() + 40 * DAY,
        decided_on=TODAY() - 6 * DAY,
        actor=world.users["coordinator"],
    )
    return world


EXPORTS = [
    "web:my-work",
    "web:team",
    "web:overdue",
    "cases:jco",
    "web:thuiszitters",
    "web:leave",
    "web:exemptions",
]


def _data_rows(response, kind: str) -> int:
    if kind == "csv":
        return len(list(csv.reader(io.StringIO(response.content.decode())))) - 1
    return load_workbook(io.BytesIO(response.content)).active.max_row - 1


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("name", EXPORTS)
def test_each_list_export_is_logged_once(client, lists, name, kind):
    login(client, lists, "lpa-aalten")
    before = AccessLogEntry.objects.count()
    response = client.get(reverse(name), {"export": kind})
    assert response.status_code == 200
    rows = _data_rows(response, kind)
    assert rows >= 1
    entries = list(AccessLogEntry.objects.order_by("pk"))[before:]
    # One write: every entry is this export, one per youth shown (no doubles).
    assert {(e.action, e.purpose, e.at) for e in entries} == {
        (Action.EXPORT, entries[0].purpose, entries[0].at)
    }
    assert entries[0].purpose.endswith(f"({kind})")
    assert len({(e.person_id, e.case_id) for e in entries}) == len(entries)
    if name != "web:exemptions":  # a row per case
        assert len(entries) == rows
    assert all(e.person_id == lists.persons["own"].pk for e in entries)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_overdue_export_logs_the_export_only(client, world, kind):
    """The overdue page also lists signals waiting for their control letter
    (and logs that it showed them); its download is only the cases."""
    Signal.objects.create(
        person=world.persons["own"],
        municipality=world.aalten,
        status="leerplichtig",
        opened_on=TODAY() - 10 * DAY,
    )
    login(client, world, "coordinator")
    before = AccessLogEntry.objects.count()
    response = client.get(reverse("web:overdue"), {"export": kind, "gemeente": "0197"})
    assert response.status_code == 200 and _data_rows(response, kind) == 1
    entries = list(AccessLogEntry.objects.order_by("pk"))[before:]
    assert [(e.action, e.case_id) for e in entries] == [(Action.EXPORT, world.cases["own"].pk)]
    # The page itself still logs the signals it shows.
    page = client.get(reverse("web:overdue"))
    assert "zonder controlebrief" in page.content.decode().lower() or page.status_code == 200
    assert AccessLogEntry.objects.filter(
        action=Action.VIEW, purpose="signalen zonder controlebrief"
    ).exists()


# --- 7. the leerplichtambtenaar registers leave and exemptions ----------------------


def _leave_post() -> dict:
    start = TODAY() + 100 * DAY
    return {
        "requested_on": (TODAY() - 2 * DAY).isoformat(),
        "article": "14",
        "start": start.isoformat(),
        "end": (start + 12 * DAY).isoformat(),
        "reason": "Begrafenis in het buitenland",
    }


def _exemption_post() -> dict:
    return {
        "ground": "5a",
        "start": (TODAY() - 10 * DAY).isoformat(),
        "end": (TODAY() + 30 * DAY).isoformat(),
        "decided_on": (TODAY() - 12 * DAY).isoformat(),
    }


@pytest.mark.parametrize("username", ["lpa-aalten", "kpa-regio"])
def test_officer_registers_leave_and_works_it_on(client, world, username):
    person = world.persons["own"]
    login(client, world, username)
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    assert "Verlofaanvraag registreren" in page and "Vrijstelling registreren" in page
    response = client.post(reverse("web:person-leave", args=[person.pk]), _leave_post())
    assert response.status_code == 302
    leave = LeaveRequest.objects.get(case__person=person)
    officer = world.users[username]
    assert leave.case.owner == officer and leave.case.principal == world.aalten
    assert can_edit_case(officer, leave.case)
    case_page = client.get(response["Location"]).content.decode()
    assert "Besluit vastleggen" in case_page
    decided = client.post(
        reverse("web:case-leave", args=[leave.case_id]),
        {
            "version": version(leave.case),
            "decision": "afgewezen",
            "decided_on": TODAY().isoformat(),
        },
    )
    assert decided.status_code == 302
    assert LeaveRequest.objects.get().decision == "afgewezen"


def test_officer_registers_an_exemption(client, world):
    person = world.persons["own"]
    login(client, world, "lpa-aalten")
    response = client.post(reverse("web:person-exemption", args=[person.pk]), _exemption_post())
    assert response.status_code == 302
    case = Case.objects.get(person=person, type=CaseType.VRIJSTELLING)
    assert case.owner == world.users["lpa-aalten"]
    assert Exemption.objects.filter(bsn=person.bsn, ground="5a").exists()


def test_coordinator_registers_for_the_team_and_the_rules_choose_the_owner(client, world):
    for group in ("LP", "KP", "RMC"):
        AssignmentRule.objects.create(
            municipality=world.aalten, age_group=group, user=world.users["lpa-aalten"]
        )
    person = world.persons["own"]
    login(client, world, "coordinator")
    response = client.post(reverse("web:person-leave", args=[person.pk]), _leave_post())
    assert response.status_code == 302
    case = LeaveRequest.objects.get(case__person=person).case
    assert case.owner == world.users["lpa-aalten"]


@pytest.mark.parametrize("username", ["rmc-regio", "boa-regio", "m-auditor"])
def test_others_who_read_the_youth_may_not_register(client, world, username):
    person = world.persons["own"]
    login(client, world, username)
    page = client.get(reverse("web:person", args=[person.pk])).content.decode()
    assert "Verlofaanvraag registreren" not in page
    assert (
        client.post(reverse("web:person-leave", args=[person.pk]), _leave_post()).status_code == 403
    )
    assert (
        client.post(
            reverse("web:person-exemption", args=[person.pk]), _exemption_post()
        ).status_code
        == 403
    )
    assert not Case.objects.filter(type__in=[CaseType.VERLOF, CaseType.VRIJSTELLING]).exists()


def test_officer_of_another_municipality_gets_404(client, world):
    person = world.persons["own"]
    login(client, world, "lpa-winterswijk")
    assert (
        client.post(reverse("web:person-leave", args=[person.pk]), _leave_post()).status_code == 404
    )


# --- 8. a leave or exemption case shows only what applies ---------------------------


@pytest.fixture
def leave_case(world: World) -> Case:
    start = TODAY() + 60 * DAY
    leave = register_leave_request(
        world.persons["own"],
        article="14",
        requested_on=TODAY() - DAY,
        start=start,
        end=start + 12 * DAY,
        actor=world.users["lpa-aalten"],
        owner=world.users["lpa-aalten"],
    )
    return leave.case


@pytest.fixture
def exemption_case(world: World) -> Case:
    return open_exemption_case(
        world.persons["own"],
        ground="5a",
        start=TODAY() - 5 * DAY,
        end=None,
        decided_on=TODAY() - 6 * DAY,
        actor=world.users["lpa-aalten"],
        owner=world.users["lpa-aalten"],
    )


def test_leave_case_page_has_no_mas_forms(client, world, leave_case):
    page = (
        login(client, world, "lpa-aalten")
        .get(reverse("web:case", args=[leave_case.pk]))
        .content.decode()
    )
    assert "Besluit vastleggen" in page and "Taak toevoegen" in page
    assert "Activiteit of gesprek" in page and "Gesprek met ouders" in page
    assert "Route kiezen" not in page and "MAS-route" not in page
    for kind in (
        "Proces-verbaal",  # activities
        "Verwijzing naar Halt",
        "Waarschuwing",
        "Verzuimstaat opgevraagd",
        "Verzuimstaat opvragen",  # tasks
        "Termijn art. 22",
    ):
        assert f">{kind}" not in page, kind
    assert "Methodische Aanpak Schoolverzuim" not in page
    ordinary = client.get(reverse("web:case", args=[world.cases["own"].pk])).content.decode()
    assert "Route kiezen" in ordinary and ">Proces-verbaal" in ordinary


def test_exemption_case_page_shows_the_exemption_not_the_route(client, world, exemption_case):
    page = (
        login(client, world, "lpa-aalten")
        .get(reverse("web:case", args=[exemption_case.pk]))
        .content.decode()
    )
    assert "Route kiezen" not in page and "MAS-route" not in page
    assert "Art. 5 onder a" in page and "zonder einddatum" in page
    assert ">Huisbezoek" in page and ">Proces-verbaal" not in page


@pytest.mark.parametrize(
    "which, message",
    [
        ("leave_case", "Bij een verlofaanvraag hoort geen MAS-route."),
        ("exemption_case", "Bij een vrijstelling hoort geen MAS-route."),
    ],
)
def test_route_posted_on_a_leave_or_exemption_case_is_refused(
    client, world, which, message, request
):
    case = request.getfixturevalue(which)
    before = version(case)
    login(client, world, "lpa-aalten")
    response = client.post(
        reverse("web:case-route", args=[case.pk]),
        {"version": before, "route": MasRoute.VRIJWILLIG, "note": ""},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.route, fresh.version) == ("", before)
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.ROUTE).exists()


def test_pv_activity_posted_on_a_leave_case_is_refused(client, world, leave_case):
    before = version(leave_case)
    login(client, world, "lpa-aalten")
    response = client.post(
        reverse("web:case-activity", args=[leave_case.pk]),
        {"version": before, "kind": "pv", "date": TODAY().isoformat(), "notes": ""},
    )
    assert response.status_code == 400
    assert "De activiteit &#x27;Proces-verbaal&#x27; hoort niet bij een verlofaanvraag." in (
        response.content.decode()
    )
    assert not Activity.objects.filter(case=leave_case).exists()
    assert version(leave_case) == before
    talk = client.post(
        reverse("web:case-activity", args=[leave_case.pk]),
        {"version": before, "kind": "gesprek_ouders", "date": TODAY().isoformat(), "notes": ""},
    )
    assert talk.status_code == 302
    assert Activity.objects.filter(case=leave_case, kind="gesprek_ouders").exists()


def test_no_halt_or_pv_on_a_leave_case(world, leave_case):
    with pytest.raises(CaseRuleError, match="Bij een verlofaanvraag horen geen Halt"):
        start_handhaving(
            leave_case,
            "pv",
            actor=world.users["lpa-aalten"],
            handler=world.users["boa-regio"],
            expected_version=None,
        )
    assert not Handhaving.objects.filter(case=leave_case).exists()


def test_no_warning_letter_on_a_leave_case(client, world, leave_case):
    from rbl.letters.models import Document

    login(client, world, "lpa-aalten")
    response = client.post(
        reverse("letters:case-letter", args=[leave_case.pk]),
        {"version": version(leave_case), "kind": "waarschuwing"},
        follow=True,
    )
    assert "Een waarschuwing hoort niet bij een verlofaanvraag." in response.content.decode()
    assert not Document.objects.filter(case=leave_case).exists()
    page = client.get(reverse("web:case", args=[leave_case.pk])).content.decode()
    assert 'value="uitnodiging"' in page and 'value="verlof-besluit"' in page
    ordinary = client.get(reverse("web:case", args=[world.cases["own"].pk])).content.decode()
    assert 'value="waarschuwing"' in ordinary and 'value="verlof-besluit"' not in ordinary


def test_mas_task_posted_on_a_leave_case_is_refused(client, world, leave_case):
    before = version(leave_case)
    tasks = Task.objects.filter(case=leave_case).count()
    login(client, world, "lpa-aalten")
    response = client.post(
        reverse("web:case-task", args=[leave_case.pk]),
        {"version": before, "kind": "verzuimstaat", "due_on": TODAY().isoformat()},
    )
    assert response.status_code == 400
    assert "De taak &#x27;Verzuimstaat opvragen&#x27; hoort niet bij een verlofaanvraag." in (
        response.content.decode()
    )
    assert Task.objects.filter(case=leave_case).count() == tasks
    assert version(leave_case) == before
