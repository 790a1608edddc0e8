"""The live dashboard: every number is the count of the list behind it, for
the municipalities the reader may see; policy staff get the figures of their
own municipality only, small counts hidden, no list and no officer."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rbl.audit.models import AccessLogEntry
from rbl.cases.models import Task, TaskKind
from rbl.reporting.dashboard import build_dashboard, scope_for
from tests.cases.factories import CaseFactory, VerzuimMeldingFactory
from tests.factories import PersonFactory
from tests.web.world import PASSWORD, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def add_cases(w: World, n: int, municipality, *, owner=None, **kw) -> list:
    today = timezone.localdate()
    cases = []
    for i in range(n):
        person = PersonFactory(municipality=municipality)
        cases.append(
            CaseFactory(
                person=person,
                owner=owner,
                opened_on=kw.get("opened_on", today - dt.timedelta(days=10 + 40 * (i % 6))),
                type=kw.get("type", ["relatief_16uur", "absoluut", "verlof"][i % 3]),
                status=kw.get("status", ["open", "in_behandeling", "afgesloten"][i % 3]),
            )
        )
    return cases


class Links(HTMLParser):
    """The links of the dashboard's main part, with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._main = False

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self._main = True
        if tag == "a" and self._main:
            self._href = dict(attrs).get("href")

    def handle_data(self, data):
        if self._href is not None:
            self.links.append((self._href, data.strip()))
            self._href = None


def number_links(html: str) -> list[tuple[str, int]]:
    parser = Links()
    parser.feed(html)
    return [
        (href, int(text.replace(".", "")))
        for href, text in parser.links
        if re.fullmatch(r"[\d.]+", text) and "export=" not in href
    ]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_every_number_is_the_count_of_the_list_behind_it(client, world):
    lpa = world.users["lpa-aalten"]
    add_cases(world, 14, world.aalten, owner=lpa)
    add_cases(world, 9, world.winterswijk, owner=world.users["lpa-winterswijk"])
    add_cases(world, 3, world.aalten)  # not assigned
    late = add_cases(world, 2, world.winterswijk, owner=world.users["kpa-regio"], status="open")
    for case in late:
        Task.objects.create(
            case=case,
            kind=TaskKind.OPVOLGING,
            title="Opvolging",
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )
    VerzuimMeldingFactory(case=late[0], person=late[0].person, meldingsdatum=timezone.localdate())
    # A thuiszitter with cases of both municipalities counts once for the region.
    youth = PersonFactory(municipality=world.aalten)
    for municipality in (world.aalten, world.winterswijk):
        CaseFactory(person=youth, principal=municipality, type="absoluut", status="open")
    login(client, world.users["coordinator"])
    for query in ("", "?gemeente=0197", "?gemeente=0294"):
        response = client.get(f"/cijfers/{query}")
        assert response.status_code == 200
        links = number_links(response.content.decode())
        assert len(links) > 20
        checked = {}
        for href, number in links:
            if href not in checked:
                page = client.get(href)
                assert page.status_code == 200, href
                if href.startswith("/thuiszitters/"):
                    checked[href] = page.context["count"]
                else:
                    checked[href] = page.context["page"].paginator.count
            assert checked[href] == number, (query, href)


def test_the_region_and_each_municipality_add_up(world):
    add_cases(world, 7, world.aalten, status="open")
    add_cases(world, 5, world.winterswijk, status="open")
    user = world.users["coordinator"]
    today = timezone.localdate()
    region = build_dashboard(scope_for(user), today)
    per = [build_dashboard(scope_for(user, code), today) for code in ("0197", "0294")]
    open_total = region.key_figures[0][1].value
    assert open_total == sum(b.key_figures[0][1].value for b in per) == 12 + 2  # + the world's
    assert region.table("open-soort-duur").totals.total.value == open_total
    assert region.table("open-leeftijd").totals.cells[0].value == open_total


def test_policy_staff_see_their_municipality_only_with_small_counts_hidden(client, world):
    beleid = world.users["beleid-winterswijk"]
    add_cases(world, 12, world.winterswijk, type="relatief_16uur", status="open")
    add_cases(world, 2, world.winterswijk, type="absoluut", status="open")
    add_cases(world, 8, world.winterswijk, type="verlof", status="open")
    add_cases(world, 30, world.aalten, type="absoluut", status="open")
    login(client, beleid)
    response = client.get("/cijfers/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Winterswijk" in html
    assert "Aalten" not in html
    assert number_links(html) == []  # figures, no list behind them
    assert "/team/" not in html and "/termijnen/" not in html
    assert "Caseload per medewerker" not in html
    for person in world.persons.values():
        assert person.surname not in html
    board = build_dashboard(scope_for(beleid), timezone.localdate())
    types = {r.label: r for r in board.table("open-soort-duur").rows}
    absoluut = types["Absoluut verzuim"].total
    assert absoluut.hidden and absoluut.text == "< 5" and "&lt; 5" in html
    assert types["Relatief verzuim (16 uur)"].total.text == "13"  # 12 + the world's case
    # 2 hidden alone would follow from the total: the next smallest is hidden too.
    assert types["Verlofaanvraag"].total.hidden
    # No hidden count can be recovered from one row or one column of a table.
    for table in board.tables:
        for row in table.rows:
            values = [*row.cells, *([row.total] if row.total else [])]
            assert sum(f.hidden for f in values) != 1 or row.total is None
    # Another municipality or the case lists: refused.
    assert client.get("/cijfers/?gemeente=0197").status_code == 404
    assert client.get("/team/?gemeente=0294").status_code == 403


def test_policy_threshold_is_configurable(world, settings):
    settings.RBL_SMALL_COUNT_THRESHOLD = 10
    add_cases(world, 7, world.winterswijk, type="absoluut", status="open")
    board = build_dashboard(scope_for(world.users["beleid-winterswijk"]), timezone.localdate())
    assert board.key_figures[0][1].text == "< 10"


def test_dashboard_costs_the_same_queries_at_any_size(client, world):
    login(client, world.users["coordinator"])
    client.get("/cijfers/")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/cijfers/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    add_cases(world, 40, world.aalten, owner=world.users["lpa-aalten"])
    add_cases(world, 40, world.winterswijk, owner=world.users["rmc-regio"])
    assert count() == small


def test_export_of_the_tables_is_logged_once(client, world):
    login(client, world.users["coordinator"])
    before = AccessLogEntry.objects.count()
    xlsx = client.get("/cijfers/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    csv = client.get("/cijfers/?gemeente=0197&export=csv&tabel=open-soort-duur")
    text = csv.content.decode()
    assert text.splitlines()[0].startswith("Soort zaak,korter dan 4 weken")
    assert "Definitie:" in text
    assert AccessLogEntry.objects.count() == before + 2
    assert client.get("/cijfers/?export=csv&tabel=bestaat-niet").status_code == 404


def test_roles_without_figures_are_refused(client, world):
    for name in ("privacy", "beheer", "boa-regio"):
        login(client, world.users[name])
        assert client.get("/cijfers/").status_code == 403
