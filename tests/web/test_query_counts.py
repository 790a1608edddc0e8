"""Pages cost a fixed number of SQL queries however many cases exist: the
same count with 100 and with 1,000+ cases (no N+1), under a fixed bound."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from rbl.cases.models import Activity, Case, CaseEvent, OwnershipPeriod, Task, TaskKind
from rbl.core.bsn import make_bsn
from rbl.registry.models import Person
from tests.web.world import World

pytestmark = pytest.mark.django_db

MAX_QUERIES = 28  # the person page also lists the exemptions, documents, residences
# (one more: the session's second-factor device, django-otp, R-63)
#: The person page also reads the RMC age limits for the status and the
#: timeline (rbl.law.limits, once per request).
PERSON_PAGE_MAX_QUERIES = MAX_QUERIES + 1


def add_cases(world: World, count: int, start: int) -> None:
    """`count` youths of Aalten, each with an open case of lpa-aalten, an
    overdue task, an activity and an event (bulk, so the test stays quick)."""
    today = timezone.localdate()
    owner = world.users["lpa-aalten"]
    persons = Person.objects.bulk_create(
        Person(
            bsn=make_bsn(50_000_000 + 3 * (start + i)),
            surname=f"Achternaam{start + i}",
            given_names="Kim",
            birth_date=dt.date(2011, 1, 1) + dt.timedelta(days=i % 700),
            municipality=world.aalten,
        )
        for i in range(count)
    )
    cases = Case.objects.bulk_create(
        Case(
            type="relatief_16uur",
            person=p,
            principal=world.aalten,
            owner=owner,
            opened_on=today - dt.timedelta(days=20),
        )
        for p in persons
    )
    now = timezone.now()
    OwnershipPeriod.objects.bulk_create(
        OwnershipPeriod(case=c, user=owner, start=now) for c in cases
    )
    Task.objects.bulk_create(
        Task(
            case=c,
            kind=TaskKind.OPVOLGING,
            title="Opvolgen",
            due_on=today - dt.timedelta(days=1),
            assignee=owner,
        )
        for c in cases
    )
    Activity.objects.bulk_create(
        Activity(case=c, kind="schoolcontact", date=today, author=owner) for c in cases
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(case=c, at=now, actor=owner, kind="aangemaakt", version=1) for c in cases
    )


def add_cases_to_person(world: World, person: Person, count: int) -> None:
    owner = world.users["lpa-aalten"]
    today = timezone.localdate()
    cases = Case.objects.bulk_create(
        Case(type="overig", person=person, principal=world.aalten, owner=owner, opened_on=today)
        for _ in range(count)
    )
    now = timezone.now()
    Activity.objects.bulk_create(
        Activity(case=c, kind="brief", date=today, author=owner) for c in cases
    )
    CaseEvent.objects.bulk_create(
        CaseEvent(case=c, at=now, actor=owner, kind="aangemaakt", version=1) for c in cases
    )


PAGES = {
    "mijn werk": ("lpa-aalten", lambda w: reverse("web:my-work")),
    "team": ("coordinator", lambda w: reverse("web:team")),
    "team, gefilterd": (
        "coordinator",
        lambda w: reverse("web:team") + "?gemeente=0197&status=open",
    ),
    "termijn verstreken": ("coordinator", lambda w: reverse("web:overdue")),
    "caseload": ("coordinator", lambda w: reverse("web:caseload")),
    "zaak": ("lpa-aalten", lambda w: reverse("web:case", args=[w.cases["own"].pk])),
    "api zaken": ("coordinator", lambda w: "/api/v1/zaken/"),
    "api persoon": (
        "lpa-aalten",
        lambda w: reverse("api:person-detail", args=[w.persons["own"].pk]),
    ),
}


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", list(PAGES))
def test_same_query_count_for_100_and_1000_cases(
    page, world, client, django_assert_max_num_queries
):
    username, url_of = PAGES[page]
    client.force_login(world.users[username])
    url = url_of(world)
    add_cases(world, 100, 0)
    small = count_queries(client, url)
    add_cases(world, 1000, 100)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    large = count_queries(client, url)
    assert large == small, f"{page}: {small} queries with 100 cases, {large} with 1,100"


def test_person_page_with_many_cases(world, client, django_assert_max_num_queries):
    person = world.persons["own"]
    client.force_login(world.users["lpa-aalten"])
    url = reverse("web:person", args=[person.pk])
    add_cases_to_person(world, person, 10)
    small = count_queries(client, url)
    add_cases_to_person(world, person, 200)
    with django_assert_max_num_queries(PERSON_PAGE_MAX_QUERIES):
        client.get(url)
    assert count_queries(client, url) == small


def test_search_query_count(world, client, django_assert_max_num_queries):
    client.force_login(world.users["lpa-aalten"])
    add_cases(world, 1000, 0)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.post(reverse("web:search"), {"bsn": world.persons["own"].bsn})
    assert "Sanne de Jansen" in response.content.decode()


def test_rights_substitutions_and_demo_marker_are_read_once_per_request(world, client):
    """The middleware, the case page and its helpers ask for the user's rights
    several times; the database is asked once per request (rbl.core.request_memo)."""
    client.force_login(world.users["lpa-aalten"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("web:case", args=[world.cases["own"].pk]))
    assert response.status_code == 200
    sql = [q["sql"] for q in ctx.captured_queries]
    rights = (
        '"accounts_roleassignment"."role" AS "role", "accounts_roleassignment"."municipality_id"'
    )
    assert sum(rights in s for s in sql) == 1
    assert sum('FROM "cases_substitution"' in s for s in sql) == 1
    assert sum('FROM "organisation_region"' in s for s in sql) <= 2


def test_a_new_role_counts_at_once_outside_a_request(world):
    """Outside a request (commands, rbl regio) nothing is remembered."""
    from rbl.accounts import access
    from rbl.accounts.models import RoleAssignment

    user = world.users["lpa-aalten"]
    assert world.winterswijk.code not in access.grants(user).all_cases
    RoleAssignment.objects.create(user=user, role="lpa", municipality=world.winterswijk)
    assert world.winterswijk.code in access.grants(user).all_cases
