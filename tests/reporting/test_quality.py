"""The data-quality report: one test per item with a record built to trigger
it (and one a day short of it), the comparison of officers and
municipalities, and the screen, whose every number equals the list its link
opens."""

from __future__ import annotations

import csv
import datetime as dt
import io
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from rbl.accounts.models import Role, RoleAssignment
from rbl.audit.models import AccessLogEntry, Action
from rbl.cases.models import Activity, CaseStatus, ClosingReason, MasRoute
from rbl.registry.models import ImportJob, ImportJobState, ImportLog, ImportOutcome
from rbl.reporting.models import QualityKind, QualitySettings
from rbl.reporting.quality import detect, quality_report
from tests.cases.factories import CaseFactory, VerzuimMeldingFactory, staff
from tests.factories import MunicipalityFactory, PersonFactory, SchoolFactory, SignalFactory
from tests.web.world import World, build_world

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def today() -> dt.date:
    return timezone.localdate()


def found(kind: str, day: dt.date | None = None) -> set[str]:
    return {d.key for d in detect(day or today()) if d.kind == kind}


def case(w: World, where: str = "own", **kw):
    municipality = w.aalten if where == "own" else w.winterswijk
    kw.setdefault("opened_on", today() - 10 * DAY)
    return CaseFactory(person=PersonFactory(municipality=municipality), **kw)


# --- one test per item ------------------------------------------------------------


def test_open_case_without_owner(world):
    lpa = world.users["lpa-aalten"]
    unowned = case(world)
    closed = case(world, status=CaseStatus.AFGESLOTEN, closed_on=today())
    gone = staff("vertrokken", Role.LPA, world.aalten)
    gone.is_active = False
    gone.save()
    left_behind = case(world, owner=gone)
    owned = case(world, owner=lpa)
    keys = found(QualityKind.ZONDER_EIGENAAR)
    assert f"zaak:{unowned.pk}" in keys and f"zaak:{left_behind.pk}" in keys
    assert f"zaak:{closed.pk}" not in keys and f"zaak:{owned.pk}" not in keys


def test_case_open_past_the_term_of_its_type(world):
    lpa = world.users["lpa-aalten"]
    leave_late = case(world, type="verlof", owner=lpa, opened_on=today() - 57 * DAY)
    leave_on_term = case(world, type="verlof", owner=lpa, opened_on=today() - 56 * DAY)
    rel_late = case(world, type="relatief_16uur", owner=lpa, opened_on=today() - 183 * DAY)
    rel_on_term = case(world, type="relatief_16uur", owner=lpa, opened_on=today() - 182 * DAY)
    closed = case(
        world,
        type="verlof",
        owner=lpa,
        opened_on=today() - 100 * DAY,
        status=CaseStatus.AFGESLOTEN,
        closed_on=today() - 50 * DAY,
    )
    keys = found(QualityKind.TE_LANG_OPEN)
    assert {f"zaak:{leave_late.pk}", f"zaak:{rel_late.pk}"} <= keys
    assert not {f"zaak:{c.pk}" for c in (leave_on_term, rel_on_term, closed)} & keys
    # The region sets its own term for leave: 30 days.
    QualitySettings.objects.create(region=world.aalten.region, open_term_days={"verlof": 30})
    recent = case(world, type="verlof", owner=lpa, opened_on=today() - 31 * DAY)
    assert f"zaak:{recent.pk}" in found(QualityKind.TE_LANG_OPEN)
    assert f"zaak:{rel_on_term.pk}" not in found(QualityKind.TE_LANG_OPEN)


def test_case_without_a_route_after_the_term(world):
    lpa = world.users["lpa-aalten"]
    late = case(world, owner=lpa, opened_on=today() - 43 * DAY)
    on_term = case(world, owner=lpa, opened_on=today() - 42 * DAY)
    with_route = case(world, owner=lpa, opened_on=today() - 60 * DAY, route=MasRoute.VRIJWILLIG)
    leave = case(world, type="verlof", owner=lpa, opened_on=today() - 43 * DAY)
    rmc = case(world, type="rmc", owner=lpa, opened_on=today() - 43 * DAY)
    keys = found(QualityKind.ZONDER_ROUTE)
    assert f"zaak:{late.pk}" in keys
    assert not {f"zaak:{c.pk}" for c in (on_term, with_route, leave, rmc)} & keys
    # The world's own cases (30 days old) are within the term.
    assert f"zaak:{world.cases['own'].pk}" not in keys


def test_report_waiting_for_its_youth(world):
    waiting = VerzuimMeldingFactory(person=None, bsn="111222333", meldingsdatum=today() - 8 * DAY)
    on_term = VerzuimMeldingFactory(person=None, bsn="111222334", meldingsdatum=today() - 7 * DAY)
    linked = VerzuimMeldingFactory(meldingsdatum=today() - 30 * DAY)
    keys = found(QualityKind.MELDING_NIET_GEKOPPELD)
    assert keys == {f"melding:{waiting.pk}"}
    assert f"melding:{on_term.pk}" not in keys and f"melding:{linked.pk}" not in keys
    assert all("111222333" not in k for k in keys)  # the key is never the BSN


def test_import_rejected_until_a_later_import_of_its_kind_is_applied(world):
    rejected = world.import_log
    keys = found(QualityKind.IMPORT_NIET_VERWERKT)
    assert f"import:{rejected.pk}" in keys
    now = timezone.now()
    ImportLog.objects.create(
        kind="scholen",
        file_name="scholen.csv",
        sha256="1" * 64,
        actor="administratie",
        started_at=now + dt.timedelta(minutes=1),
        outcome=ImportOutcome.APPLIED,
    )
    assert f"import:{rejected.pk}" in found(QualityKind.IMPORT_NIET_VERWERKT)  # another kind
    ImportLog.objects.create(
        kind="brp",
        file_name="brp-verbeterd.csv",
        sha256="2" * 64,
        actor="administratie",
        started_at=now + dt.timedelta(minutes=2),
        outcome=ImportOutcome.APPLIED,
    )
    assert f"import:{rejected.pk}" not in found(QualityKind.IMPORT_NIET_VERWERKT)


def test_web_import_that_failed_or_never_ran(world):
    user = world.users["administratie"]
    failed = ImportJob.objects.create(
        user=user, kind="diplomas", file_name="d.csv", state=ImportJobState.FAILED
    )
    stuck = ImportJob.objects.create(user=user, kind="diplomas", file_name="d.csv")
    ImportJob.objects.filter(pk=stuck.pk).update(created_at=timezone.now() - 2 * DAY)
    fresh = ImportJob.objects.create(user=user, kind="diplomas", file_name="d.csv")
    keys = found(QualityKind.IMPORT_NIET_VERWERKT)
    assert {f"importtaak:{failed.pk}", f"importtaak:{stuck.pk}"} <= keys
    assert f"importtaak:{fresh.pk}" not in keys


def test_signal_without_control_letter_after_a_week(world):
    late = SignalFactory(person=world.persons["own"], opened_on=today() - 8 * DAY)
    on_term = SignalFactory(
        person=PersonFactory(municipality=world.aalten), opened_on=today() - 7 * DAY
    )
    lettered = SignalFactory(
        person=PersonFactory(municipality=world.aalten),
        opened_on=today() - 30 * DAY,
        control_letter_on=today() - 29 * DAY,
    )
    keys = found(QualityKind.SIGNAAL_ZONDER_BRIEF)
    assert f"signaal:{late.pk}" in keys
    assert f"signaal:{on_term.pk}" not in keys and f"signaal:{lettered.pk}" not in keys


def test_unknown_school_from_a_duo_file(world):
    unknown = SchoolFactory(name="Onbekende school", placeholder=True)
    keys = found(QualityKind.SCHOOL_ONBEKEND)
    assert keys == {f"school:{unknown.pk}"}


# --- officers and municipalities compared -----------------------------------------


def closed_cases(w, municipality, owner, n, overig):
    for i in range(n):
        CaseFactory(
            person=PersonFactory(municipality=municipality),
            owner=owner,
            opened_on=today() - 100 * DAY,
            status=CaseStatus.AFGESLOTEN,
            closed_on=today() - 10 * DAY,
            closing_reason=ClosingReason.OVERIG if i < overig else ClosingReason.WERK,
            route=MasRoute.VRIJWILLIG,
        )


def test_outlier_officer_and_municipality_are_flagged(world, client):
    berkelland = MunicipalityFactory(code="1859", name="Berkelland", region=world.aalten.region)
    RoleAssignment.objects.create(
        user=world.users["coordinator"], role=Role.COORDINATOR, municipality=berkelland
    )
    a, b, c = (staff(f"lpa-{n}", Role.LPA, world.aalten) for n in "abc")
    small = staff("lpa-klein", Role.LPA, world.aalten)
    closed_cases(world, world.aalten, a, 10, overig=8)  # 80%
    closed_cases(world, world.winterswijk, b, 10, overig=1)  # 10%
    closed_cases(world, berkelland, c, 10, overig=1)  # 10%
    closed_cases(world, world.aalten, small, 2, overig=2)  # 100%, but too few cases
    # Days to the first activity: c starts late (30 days), the others after 2.
    for owner, days in ((a, 2), (b, 2), (c, 30)):
        for cs in owner.owned_cases.all():
            Activity.objects.create(
                case=cs, kind="gesprek_jongere", date=cs.opened_on + days * DAY, author=owner
            )
    report = quality_report(world.users["coordinator"], today())
    (comparison,) = report.comparisons
    officers = {r.label: r for r in comparison.officers.rows}
    overig, _, first = (0, 1, 2)
    assert comparison.officers.medians[overig] == pytest.approx(0.1)
    assert officers["lpa-a"].values[overig].flagged and officers["lpa-a"].flagged
    assert not officers["lpa-b"].values[overig].flagged
    assert officers["lpa-klein"].values[overig].value is None
    assert not officers["lpa-klein"].flagged  # 2 cases: not compared
    assert officers["lpa-c"].values[first].flagged  # 30 days against a median of 2
    assert not officers["lpa-a"].values[first].flagged
    places = {r.label: r for r in comparison.municipalities.rows}
    assert places["Aalten"].values[overig].flagged
    assert not places["Winterswijk"].flagged and not places["Berkelland"].values[overig].flagged
    assert places["Berkelland"].values[first].flagged  # lpa-c's cases are there
    # On the screen the flagged rows say so in words, not only by colour.
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("reporting:quality")).content.decode()
    row = page[page.index(">lpa-a</a>") :]
    assert row[: row.index("</tr>")].count("afwijkend") >= 2


def test_a_median_of_zero_flags_only_above_the_floor(world):
    owners = [staff(f"lpa-{n}", Role.LPA, world.aalten) for n in "pqrs"]
    for owner in owners[:3]:
        closed_cases(world, world.aalten, owner, 10, overig=0)
    closed_cases(world, world.aalten, owners[3], 10, overig=1)  # 10%: not above the floor
    (comparison,) = quality_report(world.users["coordinator"], today()).comparisons
    assert comparison.officers.medians[0] == 0
    assert not any(r.values[0].flagged for r in comparison.officers.rows)


# --- the screen --------------------------------------------------------------------


class Links(HTMLParser):
    """The links inside the table of items (class "quality"), with their text."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._in_table = False
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "quality" in (attrs.get("class") or ""):
            self._in_table = True
        if self._in_table and tag == "a":
            self._href, self._text = attrs["href"], ""

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text))
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self._text += data


def item_links(client) -> list[tuple[str, int, str]]:
    """(href, number, where: "totaal" or the municipality's name) of each number."""
    parser = Links()
    parser.feed(client.get(reverse("reporting:quality")).content.decode())
    return [
        (href, int(text.split()[0]), text.rsplit(",", 1)[-1].strip()) for href, text in parser.links
    ]


def listed(client, href: str, where: str) -> int:
    """How many rows the page behind `href` lists for the item."""
    path = urlsplit(href).path
    response = client.get(href)
    assert response.status_code == 200, href
    if path in (reverse("web:team"), reverse("web:my-work"), reverse("reporting:unlinked")):
        return response.context["page"].paginator.count
    if path == reverse("web:overdue"):
        # One list of every municipality, with a column naming the municipality.
        signals = response.context["late_signals"]
        return len([s for s in signals if where in ("totaal", s.municipality.name)])
    if path == reverse("reporting:quality"):  # the report's own tables of imports, schools
        report = response.context["report"]
        return len(report.imports if href.endswith("#h-importen") else report.schools)
    raise AssertionError(f"unexpected link {href}")


def a_bit_of_everything(w: World) -> None:
    lpa, other = w.users["lpa-aalten"], w.users["lpa-winterswijk"]
    case(w)  # no owner
    case(w, "other")
    case(w, owner=lpa, type="verlof", opened_on=today() - 70 * DAY)  # too long, no route needed
    case(w, owner=lpa, opened_on=today() - 50 * DAY)  # no route
    case(w, "other", owner=other, opened_on=today() - 200 * DAY)  # too long and no route
    case(w, "other", type="absoluut", opened_on=today() - 100 * DAY)  # all three
    SignalFactory(person=PersonFactory(municipality=w.aalten), opened_on=today() - 9 * DAY)
    SignalFactory(person=PersonFactory(municipality=w.winterswijk), opened_on=today() - 9 * DAY)
    VerzuimMeldingFactory(person=None, bsn="111222333", meldingsdatum=today() - 20 * DAY)


@pytest.mark.parametrize("username", ["coordinator", "administratie", "lpa-aalten"])
def test_every_number_equals_the_list_behind_its_link(world, client, username):
    a_bit_of_everything(world)
    client.force_login(world.users[username])
    links = item_links(client)
    assert links and sum(n for _, n, _ in links) > 0
    for href, number, where in links:
        assert listed(client, href, where) == number, (href, where)


def test_coordinator_sees_every_item_per_municipality(world, client):
    a_bit_of_everything(world)
    report = quality_report(world.users["coordinator"], today())
    rows = {r.kind: r for r in report.rows if not r.sub}
    assert [m.name for m in report.municipalities] == ["Aalten", "Winterswijk"]
    assert rows[QualityKind.ZONDER_EIGENAAR].total.count == 3
    assert [c.count for c in rows[QualityKind.ZONDER_EIGENAAR].cells] == [1, 2]
    assert rows[QualityKind.TE_LANG_OPEN].total.count == 3
    assert rows[QualityKind.ZONDER_ROUTE].total.count == 3
    assert rows[QualityKind.SIGNAAL_ZONDER_BRIEF].total.count == 2
    assert rows[QualityKind.MELDING_NIET_GEKOPPELD].total.count == 1
    assert rows[QualityKind.IMPORT_NIET_VERWERKT].total.count == 1  # the world's rejected file
    owners = {o.owner.username: [c.count for c in o.cells] for o in report.owners}
    assert owners == {"lpa-aalten": [1, 1], "lpa-winterswijk": [1, 1]}
    client.force_login(world.users["coordinator"])
    page = client.get(reverse("reporting:quality")).content.decode()
    assert "Datakwaliteit" in page and "brp.csv" in page
    assert "Sanne" not in page and world.persons["own"].bsn not in page  # counts only
    assert not AccessLogEntry.objects.exists()


def test_an_officer_sees_only_their_own_items(world, client):
    a_bit_of_everything(world)
    report = quality_report(world.users["lpa-aalten"], today())
    assert report.mode == "eigen" and not report.municipalities and not report.owners
    rows = {r.kind: r.total.count for r in report.rows if not r.sub}
    assert rows == {QualityKind.TE_LANG_OPEN: 1, QualityKind.ZONDER_ROUTE: 1}
    (comparison,) = report.comparisons
    assert [r.label for r in comparison.officers.rows] in ([], ["Lpa Test"])
    assert not comparison.municipalities.rows


@pytest.mark.parametrize("role", ["beleid", "privacy", "beheer", "boa"])
def test_roles_without_case_work_get_403(world, client, role):
    client.force_login(world.matrix_user(role))
    assert client.get(reverse("reporting:quality")).status_code == 403
    assert client.get(reverse("reporting:unlinked")).status_code == 403


def test_unlinked_queue_shows_no_bsn(world, client):
    VerzuimMeldingFactory(
        person=None, bsn="111222333", meldingsnummer="M-77", meldingsdatum=today() - 20 * DAY
    )
    client.force_login(world.users["administratie"])
    page = client.get(reverse("reporting:unlinked")).content.decode()
    assert "M-77" in page and "111222333" not in page
    client.force_login(world.users["lpa-aalten"])
    assert client.get(reverse("reporting:unlinked")).status_code == 403


def test_the_case_lists_and_the_api_filter_on_an_item(world, client):
    a_bit_of_everything(world)
    client.force_login(world.users["coordinator"])
    response = client.get(reverse("web:team"), {"kwaliteit": "zonder_eigenaar"})
    assert response.context["page"].paginator.count == 3
    api = client.get(reverse("api:case-list"), {"kwaliteit": "zonder_route"}).json()
    assert api["count"] == 3
    bad = client.get(reverse("web:team"), {"kwaliteit": "iets"})
    assert bad.context["page"].paginator.count == 0  # an unknown value shows nothing


@pytest.mark.parametrize("table", ["punten", "medewerkers", "gemeenten"])
def test_exports_of_the_tables_are_logged_once(world, client, table):
    a_bit_of_everything(world)
    client.force_login(world.users["coordinator"])
    url = reverse("reporting:quality")
    response = client.get(url, {"export": "csv", "tabel": table})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) > 1
    if table == "punten":
        assert ["Open zaken zonder (actieve) eigenaar", "Totaal", "3"] in rows
    book = load_workbook(io.BytesIO(client.get(url, {"export": "xlsx", "tabel": table}).content))
    assert book.active.max_row == len(rows)
    entries = AccessLogEntry.objects.filter(action=Action.EXPORT)
    assert entries.count() == 2 and all(e.person_id is None for e in entries)
