"""The case-work screens of issue 4: thuiszitters per SWV (R-25), handover on
the case page (R-26) and tasks (R-27) — who sees what, exports, the access
log, conflicts, and a fixed number of queries. (The JCO list: tests/web/test_jco.py.)"""

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

from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import Case, CaseStatus, CaseType, Handhaving, Task
from rbl.organisation.models import Samenwerkingsverband
from tests.cases.factories import CaseFactory
from tests.factories import PersonFactory, SchoolFactory
from tests.web.world import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def login(client, world: World, name: str):
    client.force_login(world.users[name])
    return client


def pv(case: Case, world: World, **fields) -> Handhaving:
    defaults = {"kind": "pv", "handler": world.users["boa-regio"], "opened_on": TODAY()}
    return Handhaving.objects.create(case=case, **{**defaults, **fields})


# --- thuiszitters --------------------------------------------------------------


@pytest.fixture
def tz_world(world: World) -> World:
    """Aalten: one relatief verzuim of 5 weeks at a school of SWV 'VO Achterhoek',
    one absoluut verzuim of 4 months without school, one of 2 weeks (not a
    thuiszitter); Winterswijk: one of 6 weeks at a school of SWV 'PO Oost'."""
    vo = Samenwerkingsverband.objects.create(code="VO2506", name="VO Achterhoek")
    po = Samenwerkingsverband.objects.create(code="PO2505", name="PO Oost")
    school_vo = SchoolFactory(name="Ulenhof", swv=vo)
    school_po = SchoolFactory(name="De Bron", swv=po)
    today = TODAY()

    def case(municipality, surname, school, days, type_=CaseType.RELATIEF_16UUR):
        return CaseFactory(
            person=PersonFactory(municipality=municipality, surname=surname, given_names="Kim"),
            type=type_,
            school=school,
            absent_since=today - dt.timedelta(days=days),
            opened_on=today - dt.timedelta(days=days),
            owner=world.users["lpa-aalten"],
        )

    world.cases["vijf_weken"] = case(world.aalten, "Vijfweken", school_vo, 35)
    world.cases["absoluut"] = case(world.aalten, "Absoluut", None, 125, CaseType.ABSOLUUT)
    world.cases["kort"] = case(world.aalten, "Kortweg", school_vo, 14)
    world.cases["winterswijk"] = case(world.winterswijk, "Zesweken", school_po, 42)
    return world


def test_thuiszitters_grouped_per_swv_with_priority(client, tz_world):
    page = login(client, tz_world, "coordinator").get(reverse("web:thuiszitters")).content
    page = page.decode()
    assert "Kim Vijfweken" in page and "Kim Absoluut" in page and "Kim Zesweken" in page
    assert "Kim Kortweg" not in page  # two weeks is not yet a thuiszitter
    assert "VO Achterhoek: 1 thuiszitter" in page
    assert "PO Oost: 1 thuiszitter" in page
    assert "Geen samenwerkingsverband bekend: 1 thuiszitter" in page
    assert "3 thuiszitters, waarvan 1 met voorrang" in page  # absoluut > 3 months


def test_thuiszitters_filter_by_swv_and_unknown_swv_shows_nothing(client, tz_world):
    login(client, tz_world, "coordinator")
    page = client.get(reverse("web:thuiszitters"), {"swv": "VO2506"}).content.decode()
    assert "Kim Vijfweken" in page
    assert "Kim Zesweken" not in page and "Kim Absoluut" not in page
    page = client.get(reverse("web:thuiszitters"), {"swv": "XX"}).content.decode()
    assert "Onbekend samenwerkingsverband" in page and "Kim Vijfweken" not in page


def test_thuiszitters_of_another_municipality_stay_hidden(client, tz_world):
    page = login(client, tz_world, "lpa-winterswijk").get(reverse("web:thuiszitters"))
    text = page.content.decode()
    assert "Kim Zesweken" in text
    assert "Kim Vijfweken" not in text and "Kim Absoluut" not in text


def test_thuiszitters_export_per_swv_is_logged(client, tz_world):
    login(client, tz_world, "coordinator")
    response = client.get(reverse("web:thuiszitters"), {"swv": "PO2505", "export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Samenwerkingsverband" and "Voorrang" in rows[0]
    assert len(rows) == 2 and rows[1][:2] == ["PO Oost", "Kim Zesweken"]
    entry = AccessLogEntry.objects.get(action=Action.EXPORT)
    assert entry.case_id == tz_world.cases["winterswijk"].pk
    book = load_workbook(
        io.BytesIO(client.get(reverse("web:thuiszitters"), {"export": "xlsx"}).content)
    )
    assert book.active.max_row == 4


def test_nav_links_follow_the_role(client, world):
    home = login(client, world, "coordinator").get(reverse("web:team")).content.decode()
    assert reverse("cases:jco") in home and reverse("web:thuiszitters") in home
    boa = login(client, world, "m-boa").get(reverse("web:my-work")).content.decode()
    assert reverse("cases:jco") in boa and reverse("web:thuiszitters") not in boa
    rmc = login(client, world, "m-rmc").get(reverse("web:my-work")).content.decode()
    assert reverse("cases:jco") not in rmc  # RMC youth (18+) get no Halt or PV


# --- handover ------------------------------------------------------------------


def _version(case: Case) -> int:
    return Case.objects.get(pk=case.pk).version


def test_handover_to_another_officer_leaves_the_former_owner_reading(client, world):
    from rbl.cases.services.lifecycle import assign_case

    case = world.cases["own"]
    former = world.users["lpa-winterswijk"]  # no role for Aalten: only ownership links them
    assign_case(case, former, actor=world.users["coordinator"], expected_version=_version(case))
    login(client, world, "lpa-winterswijk")
    url = reverse("web:case-handover", args=[case.pk])
    response = client.post(
        url,
        {"version": _version(case), "to": "medewerker", "officer": "kpa-regio", "note": "Verhuisd"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.owner == world.users["kpa-regio"]
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "U kunt deze zaak lezen maar niet wijzigen." in page
    assert "Overgedragen: van Lpa Test naar Kpa Test" in page and "Verhuisd" in page
    assert 'name="officer"' not in page  # no handover form for a reader
    again = client.post(
        url, {"version": _version(case), "to": "medewerker", "officer": "rmc-regio"}
    )
    assert again.status_code == 403
    assert Case.objects.get(pk=case.pk).owner == world.users["kpa-regio"]


def test_handover_with_a_stale_version_changes_nothing(client, world):
    case = world.cases["own"]
    login(client, world, "coordinator")
    response = client.post(
        reverse("web:case-handover", args=[case.pk]),
        {"version": case.version - 1 or 99, "to": "medewerker", "officer": "kpa-regio"},
    )
    assert response.status_code == 409
    assert Case.objects.get(pk=case.pk).owner == world.users["lpa-aalten"]


def test_handover_to_rmc_at_18_continues_in_an_rmc_case(client, world):
    today = TODAY()
    adult = PersonFactory(
        municipality=world.aalten,
        surname="Meerderjarig",
        given_names="Bo",
        birth_date=dt.date(today.year - 19, 1, 1),  # 19 on every day of the year
    )
    case = CaseFactory(person=adult, owner=world.users["lpa-aalten"], opened_on=today)
    login(client, world, "coordinator")
    response = client.post(
        reverse("web:case-handover", args=[case.pk]),
        {"version": case.version, "to": "rmc", "officer": "rmc-regio"},
    )
    assert response.status_code == 302
    rmc = Case.objects.get(person=adult, type=CaseType.RMC)
    assert response["Location"] == reverse("web:case", args=[rmc.pk])
    assert rmc.owner == world.users["rmc-regio"]
    case.refresh_from_db()
    assert case.status == CaseStatus.AFGESLOTEN
    history = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Overgedragen aan RMC: verder als RMC-zaak" in history


def test_handover_to_rmc_of_a_minor_is_refused(client, world):
    case = world.cases["own"]  # born 2012
    login(client, world, "coordinator")
    response = client.post(
        reverse("web:case-handover", args=[case.pk]), {"version": case.version, "to": "rmc"}
    )
    assert response.status_code == 400
    assert "18 jaar of ouder" in response.content.decode()
    assert not Case.objects.filter(person=case.person, type=CaseType.RMC).exists()


def test_handover_to_an_officer_needs_an_officer(client, world):
    case = world.cases["own"]
    login(client, world, "coordinator")
    response = client.post(
        reverse("web:case-handover", args=[case.pk]), {"version": case.version, "to": "medewerker"}
    )
    assert response.status_code == 400
    assert "Kies de medewerker" in response.content.decode()


# --- tasks ---------------------------------------------------------------------


def test_owner_adds_a_task_and_marks_it_done(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    due = TODAY() + dt.timedelta(days=7)
    response = client.post(
        reverse("web:case-task", args=[case.pk]),
        {
            "version": case.version,
            "kind": "opvolging",
            "title": "Gesprek met mentor",
            "due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get(case=case, title="Gesprek met mentor")
    assert task.due_on == due and task.assignee == world.users["lpa-aalten"]
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Gesprek met mentor" in page and due.strftime("%d-%m-%Y") in page
    done = client.post(
        reverse("web:case-task-done", args=[case.pk, task.pk]), {"version": _version(case)}
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.done_on == TODAY()


def test_task_in_the_past_is_refused(client, world):
    case = world.cases["own"]
    login(client, world, "lpa-aalten")
    response = client.post(
        reverse("web:case-task", args=[case.pk]),
        {
            "version": case.version,
            "kind": "opvolging",
            "due_on": (TODAY() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "niet in het verleden" in response.content.decode()
    assert case.tasks.count() == 1


def test_task_done_with_a_stale_version_or_of_another_case_changes_nothing(client, world):
    case = world.cases["own"]
    task = case.tasks.get()
    login(client, world, "coordinator")
    stale = client.post(
        reverse("web:case-task-done", args=[case.pk, task.pk]), {"version": case.version + 5}
    )
    assert stale.status_code == 409
    other_task = world.cases["other"].tasks.get()
    foreign = client.post(
        reverse("web:case-task-done", args=[case.pk, other_task.pk]), {"version": case.version}
    )
    assert foreign.status_code == 400
    assert "hoort niet bij deze zaak" in foreign.content.decode()
    assert Task.objects.filter(pk__in=[task.pk, other_task.pk], done_on__isnull=False).count() == 0


def test_reader_cannot_add_or_finish_tasks(client, world):
    case = world.cases["own"]
    login(client, world, "kpa-regio")  # reads all Aalten cases, changes none but own
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Taak toevoegen" not in page and "Afronden" not in page
    response = client.post(
        reverse("web:case-task-done", args=[case.pk, case.tasks.get().pk]),
        {"version": case.version},
    )
    assert response.status_code == 403
    assert case.tasks.get().done_on is None


# --- query counts --------------------------------------------------------------

MAX_QUERIES = 20


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _add_files(world: World, count: int) -> None:
    swv = Samenwerkingsverband.objects.get_or_create(code="VO9999", name="SWV Test")[0]
    school = SchoolFactory(swv=swv)
    for i in range(count):
        case = CaseFactory(
            person=PersonFactory(municipality=world.aalten),
            owner=world.users["kpa-regio"],
            school=school,
            type=CaseType.ABSOLUUT,
            absent_since=TODAY() - dt.timedelta(days=40 + i),
        )
        pv(case, world)


@pytest.mark.parametrize("name", ["cases:jco", "web:thuiszitters"])
def test_query_count_does_not_grow_with_rows(client, world, name, django_assert_max_num_queries):
    login(client, world, "coordinator")
    _add_files(world, 2)
    few = _count(client, reverse(name))
    _add_files(world, 30)
    with django_assert_max_num_queries(MAX_QUERIES):
        many = _count(client, reverse(name))
    assert many == few


def test_handover_offers_officers_of_the_municipality_only(client, world):
    login(client, world, "coordinator")
    page = client.get(reverse("web:case", args=[world.cases["own"].pk])).content.decode()
    form = page[
        page.index('id="ho_officer"') : page.index("</select>", page.index('id="ho_officer"'))
    ]
    assert 'value="kpa-regio"' in form and 'value="rmc-regio"' in form
    assert 'value="lpa-aalten"' not in form  # already the owner
    assert 'value="lpa-winterswijk"' not in form  # another municipality
    assert 'value="boa-regio"' not in form and 'value="m-auditor"' not in form
    response = client.post(
        reverse("web:case-handover", args=[world.cases["own"].pk]),
        {"version": world.cases["own"].version, "to": "medewerker", "officer": "boa-regio"},
    )
    assert response.status_code == 400
