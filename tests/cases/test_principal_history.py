"""The principal municipality of a case on any day (PrincipalPeriod): written
with every change, back-filled from the events, read per day and per dated
fact, and the same later as on the day itself."""

from __future__ import annotations

import ast
import datetime as dt
import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps as global_apps
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from rbl.cases.models import (
    Case,
    CaseStatus,
    EventKind,
    Handhaving,
    ImmutableError,
    LeaveRequest,
    PrincipalChangeError,
    PrincipalPeriod,
    VerzuimMelding,
    count_per_principal,
    principal_at,
)
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.lifecycle import (
    change_status,
    close_case,
    handover_to_municipality,
    handover_to_rmc,
    open_case,
)
from rbl.cases.services.principal import change_principal
from rbl.organisation.models import Municipality
from rbl.registry.models import Exemption
from tests.cases.factories import CaseEventFactory, CaseFactory, VerzuimMeldingFactory
from tests.clock import AMSTERDAM
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

OPENED = dt.date(2025, 9, 1)
HANDOVER_DAY = dt.date(2026, 1, 15)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


def principal_on(case: Case, day: dt.date) -> str | None:
    return Case.objects.principal_on(day).values_list("principal_on_id", flat=True).get(pk=case.pk)


def periods(case: Case) -> list[tuple[str, dt.date, dt.date | None]]:
    return list(
        PrincipalPeriod.objects.filter(case=case)
        .order_by("start", "pk")
        .values_list("municipality_id", "start", "end")
    )


@pytest.fixture
def berkelland(db) -> Municipality:
    return Municipality.objects.create(code="1859", name="Berkelland")


@pytest.fixture
def moved(aalten, winterswijk, clock) -> Case:
    """Opened in Aalten on 1 September 2025, handed over to Winterswijk on 15
    January 2026 (the youth moved)."""
    case = open_case(PersonFactory(municipality=aalten), "relatief_16uur", owner=None, today=OPENED)
    clock.move_to(at(HANDOVER_DAY))
    handover_to_municipality(case, winterswijk, actor=None, expected_version=1, to_user=None)
    case.refresh_from_db()
    return case


# -- writing -------------------------------------------------------------------


def test_open_case_writes_one_open_period_from_the_opening_day(aalten):
    case = open_case(PersonFactory(municipality=aalten), "luxe", owner=None, today=OPENED)
    assert periods(case) == [("0197", OPENED, None)]


def test_handover_ends_the_old_period_on_the_handover_day_and_opens_the_new(moved):
    assert moved.principal_id == "0294"
    assert periods(moved) == [("0197", OPENED, HANDOVER_DAY), ("0294", HANDOVER_DAY, None)]
    event = moved.events.get(kind=EventKind.MUNICIPALITY)
    assert event.at.astimezone(AMSTERDAM).date() == HANDOVER_DAY


def test_handover_late_in_the_evening_counts_from_that_day_in_the_netherlands(
    aalten, winterswijk, clock
):
    case = open_case(PersonFactory(municipality=aalten), "luxe", owner=None, today=OPENED)
    clock.move_to(at(HANDOVER_DAY, 23, 45))  # 22:45 UTC, still the 15th here
    handover_to_municipality(case, winterswijk, actor=None, expected_version=1, to_user=None)
    assert periods(case)[-1] == ("0294", HANDOVER_DAY, None)


def test_two_handovers_on_one_day_leave_an_empty_period_in_between(
    aalten, winterswijk, berkelland, clock
):
    case = open_case(PersonFactory(municipality=aalten), "luxe", owner=None, today=OPENED)
    clock.move_to(at(HANDOVER_DAY))
    handover_to_municipality(case, winterswijk, actor=None, expected_version=1, to_user=None)
    handover_to_municipality(case, berkelland, actor=None, expected_version=2, to_user=None)
    assert periods(case) == [
        ("0197", OPENED, HANDOVER_DAY),
        ("0294", HANDOVER_DAY, HANDOVER_DAY),
        ("1859", HANDOVER_DAY, None),
    ]
    assert principal_on(case, HANDOVER_DAY - dt.timedelta(days=1)) == "0197"
    assert principal_on(case, HANDOVER_DAY) == "1859"


def test_handover_on_the_opening_day_of_a_case_opened_ahead(aalten, winterswijk, clock):
    """A case whose opening day lies after the handover's: the new principal
    counts from the opening day, the first period is empty, none overlap."""
    clock.move_to(at(HANDOVER_DAY))
    later = HANDOVER_DAY + dt.timedelta(days=3)
    case = open_case(PersonFactory(municipality=aalten), "luxe", owner=None, today=later)
    handover_to_municipality(case, winterswijk, actor=None, expected_version=1, to_user=None)
    assert periods(case) == [("0197", later, later), ("0294", later, None)]
    assert principal_on(case, later) == "0294"
    assert principal_on(case, HANDOVER_DAY) is None


def test_refused_handover_writes_no_period(moved, aalten):
    close_case(moved, "terug_naar_school", actor=None, expected_version=moved.version)
    with pytest.raises(CaseRuleError, match="afgesloten"):
        handover_to_municipality(moved, aalten, actor=None, expected_version=None, to_user=None)
    assert len(periods(moved)) == 2


def test_rmc_handover_continues_with_the_same_principal_from_its_day(aalten):
    person = PersonFactory(municipality=aalten, birth_date=dt.date(2007, 2, 20))
    case = open_case(person, "relatief_16uur", owner=None, today=dt.date(2025, 1, 10))
    rmc = handover_to_rmc(
        case, actor=None, expected_version=1, to_user=None, on=dt.date(2025, 2, 21)
    )
    assert periods(case) == [("0197", dt.date(2025, 1, 10), None)]
    assert periods(rmc) == [("0197", dt.date(2025, 2, 21), None)]


def test_closed_and_reopened_case_keeps_one_history(aalten, winterswijk, clock):
    """Opened in Aalten, closed, reopened, handed over to Winterswijk, closed
    again: the closing and reopening change no principal; the days between
    count for whoever was the principal then."""
    case = open_case(PersonFactory(municipality=aalten), "overig", owner=None, today=OPENED)
    closed_on = dt.date(2025, 10, 1)
    close_case(case, "terug_naar_school", actor=None, expected_version=1, closed_on=closed_on)
    clock.move_to(at(dt.date(2025, 11, 3)))
    change_status(case, CaseStatus.IN_BEHANDELING, actor=None, expected_version=2)
    clock.move_to(at(HANDOVER_DAY))
    handover_to_municipality(case, winterswijk, actor=None, expected_version=3, to_user=None)
    close_case(case, "terug_naar_school", actor=None, expected_version=4, closed_on=HANDOVER_DAY)

    assert periods(case) == [("0197", OPENED, HANDOVER_DAY), ("0294", HANDOVER_DAY, None)]
    assert PrincipalPeriod.objects.filter(case=case, end__isnull=True).count() == 1
    assert principal_on(case, closed_on) == "0197"  # closed that day, still Aalten's
    assert principal_on(case, dt.date(2025, 10, 20)) == "0197"  # while closed
    assert principal_on(case, dt.date(2025, 12, 1)) == "0197"  # reopened
    assert principal_on(case, HANDOVER_DAY) == "0294"
    assert principal_on(case, dt.date(2026, 6, 1)) == "0294"  # closed since, stays


# -- reading per day -----------------------------------------------------------


def test_counts_for_the_old_municipality_before_and_the_new_one_from_the_handover(moved, aalten):
    stays = open_case(PersonFactory(municipality=aalten), "luxe", owner=None, today=OPENED)
    later = open_case(
        PersonFactory(municipality=aalten), "luxe", owner=None, today=dt.date(2026, 2, 1)
    )

    def per_municipality(day: dt.date) -> dict[str | None, int]:
        return dict(
            Case.objects.principal_on(day)
            .order_by()
            .values("principal_on_id")
            .annotate(n=Count("pk"))
            .values_list("principal_on_id", "n")
        )

    assert per_municipality(dt.date(2025, 8, 31)) == {None: 3}
    assert per_municipality(HANDOVER_DAY - dt.timedelta(days=1)) == {"0197": 2, None: 1}
    assert per_municipality(HANDOVER_DAY) == {"0197": 1, "0294": 1, None: 1}
    assert per_municipality(dt.date(2026, 3, 1)) == {"0197": 2, "0294": 1}

    def among(day: dt.date, codes: list[str]) -> set[int]:
        return set(Case.objects.with_principal_on(day, codes).values_list("pk", flat=True))

    assert among(HANDOVER_DAY - dt.timedelta(days=1), ["0197"]) == {moved.pk, stays.pk}
    assert among(HANDOVER_DAY, ["0197"]) == {stays.pk}
    assert among(HANDOVER_DAY, ["0294"]) == {moved.pk}
    assert among(HANDOVER_DAY, ["0197", "0294"]) == {moved.pk, stays.pk}
    assert among(dt.date(2026, 3, 1), ["0197"]) == {stays.pk, later.pk}
    assert among(dt.date(2025, 8, 31), ["0197", "0294"]) == set()
    # Today's principal is still on the case itself.
    assert Case.objects.get(pk=moved.pk).principal_id == "0294"


def test_the_figures_of_a_past_day_do_not_change_with_later_handovers(
    aalten, winterswijk, berkelland, clock
):
    """A closed school year gives the same figures later."""
    cases = [
        open_case(PersonFactory(municipality=aalten), "luxe", owner=None, today=OPENED)
        for _ in range(3)
    ]
    year_end = dt.date(2026, 7, 31)

    def figures() -> list[tuple[str, int]]:
        return list(
            Case.objects.principal_on(year_end)
            .filter(principal_on_id__isnull=False)
            .order_by("principal_on_id")
            .values("principal_on_id")
            .annotate(n=Count("pk"))
            .values_list("principal_on_id", "n")
        )

    clock.move_to(at(dt.date(2026, 3, 2)))
    handover_to_municipality(cases[0], winterswijk, actor=None, expected_version=1, to_user=None)
    clock.move_to(at(dt.date(2026, 8, 1)))
    before = figures()
    assert before == [("0197", 2), ("0294", 1)]
    clock.move_to(at(dt.date(2026, 9, 14)))
    handover_to_municipality(cases[1], berkelland, actor=None, expected_version=1, to_user=None)
    handover_to_municipality(cases[0], berkelland, actor=None, expected_version=2, to_user=None)
    assert figures() == before


def test_two_days_on_one_queryset(moved):
    row = (
        Case.objects.principal_on(dt.date(2026, 1, 1), name="op_1_januari")
        .principal_on(dt.date(2026, 2, 1), name="op_1_februari")
        .values("op_1_januari", "op_1_februari")
        .get(pk=moved.pk)
    )
    assert row == {"op_1_januari": "0197", "op_1_februari": "0294"}


def test_principal_on_is_one_query_with_a_join_and_no_subquery(moved):
    qs = (
        Case.objects.with_principal_on(HANDOVER_DAY, ["0197", "0294"])
        .order_by()
        .values("principal_on_id")
        .annotate(n=Count("pk"))
    )
    with CaptureQueriesContext(connection) as queries:
        assert list(qs.values_list("principal_on_id", "n")) == [("0294", 1)]
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "JOIN" in sql and "PRINCIPALPERIOD" in sql
    assert sql.count("SELECT") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan of PostgreSQL")
def test_postgresql_looks_periods_up_by_index(moved):
    """With few cases PostgreSQL would scan anyway; without sequential scans
    allowed the planner must find an index for the join and for the filter."""
    qs = Case.objects.with_principal_on(HANDOVER_DAY, ["0294"]).filter(pk=moved.pk)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "principal_period_case_start" in plan or "principal_period_muni_start" in plan, plan


# -- reading per dated fact ----------------------------------------------------


def test_reports_count_for_the_principal_at_their_report_date(moved, aalten):
    def report(day: dt.date, case: Case | None = moved) -> VerzuimMelding:
        return VerzuimMeldingFactory(person=moved.person, case=case, meldingsdatum=day)

    before_opening = report(dt.date(2025, 8, 28))  # the report that opened the case
    before = report(HANDOVER_DAY - dt.timedelta(days=1))
    on_the_day = report(HANDOVER_DAY)
    unlinked = report(HANDOVER_DAY, case=None)

    rows = dict(
        principal_at(VerzuimMelding.objects.all(), "meldingsdatum").values_list(
            "pk", "principal_at_id"
        )
    )
    assert rows == {
        before_opening.pk: "0197",
        before.pk: "0197",
        on_the_day.pk: "0294",
        unlinked.pk: None,
    }
    assert count_per_principal(VerzuimMelding.objects.all(), "meldingsdatum") == {
        "0197": 2,
        "0294": 1,
        None: 1,
    }
    in_year = VerzuimMelding.objects.filter(meldingsdatum__gte=dt.date(2025, 9, 1))
    assert count_per_principal(in_year, "meldingsdatum") == {"0197": 1, "0294": 1, None: 1}
    # A filter through the case joins the same case row: nothing counted twice.
    of_type = VerzuimMelding.objects.filter(case__type="relatief_16uur", case__opened_on=OPENED)
    assert count_per_principal(of_type, "meldingsdatum") == {"0197": 2, "0294": 1}


def test_halt_pv_leave_and_exemption_count_at_their_own_date(moved, aalten):
    Handhaving.objects.create(case=moved, kind="halt", opened_on=HANDOVER_DAY)
    Handhaving.objects.create(case=moved, kind="pv", opened_on=dt.date(2025, 12, 1))
    leave_case = CaseFactory(person=moved.person, principal=aalten, type="verlof", opened_on=OPENED)
    LeaveRequest.objects.create(
        case=leave_case,
        article="13a",
        requested_on=OPENED,
        start=dt.date(2025, 10, 1),
        end=dt.date(2025, 10, 3),
        school_days=3,
        decider="lpa",
        decision_due_on=dt.date(2025, 9, 29),
        decision="toegekend",
        decided_on=dt.date(2025, 9, 20),
    )
    LeaveRequest.objects.create(
        case=CaseFactory(person=moved.person, type="verlof", opened_on=OPENED),
        article="13a",
        requested_on=OPENED,
        start=dt.date(2025, 10, 1),
        end=dt.date(2025, 10, 3),
        school_days=3,
        decider="lpa",
        decision_due_on=dt.date(2025, 9, 29),
    )  # undecided: no date, no principal
    decided = Exemption.objects.create(
        bsn=moved.person.bsn,
        municipality=aalten,
        ground="5a",
        start=dt.date(2026, 2, 1),
        decided_on=dt.date(2026, 2, 1),
    )
    exemption_case = CaseFactory(
        person=moved.person, principal=aalten, type="vrijstelling", opened_on=OPENED
    )
    change_principal(exemption_case, moved.principal, on=dt.date(2026, 1, 20))
    exemption_case.exemption = decided
    exemption_case.save()
    imported = Exemption.objects.create(
        bsn="123456782", municipality=aalten, ground="5a", start=OPENED, decided_on=OPENED
    )

    assert count_per_principal(Handhaving.objects.all(), "opened_on") == {"0197": 1, "0294": 1}
    assert count_per_principal(LeaveRequest.objects.all(), "decided_on") == {
        "0197": 1,
        None: 1,
    }
    assert dict(
        principal_at(Exemption.objects.all(), "decided_on").values_list("pk", "principal_at_id")
    ) == {decided.pk: "0294", imported.pk: None}
    # Cases themselves, at a date of their own.
    close_case(moved, "terug_naar_school", actor=None, expected_version=None)
    assert count_per_principal(
        Case.objects.filter(pk__in=[moved.pk, leave_case.pk]), "closed_on", case=None
    ) == {"0294": 1, None: 1}


# -- back-fill -----------------------------------------------------------------


def backfill() -> None:
    """Run the migration's function on the current models (inside the test's
    transaction, where SQLite allows no schema editor: it needs only these)."""
    migration = importlib.import_module("rbl.cases.migrations.0006_backfill_principal_periods")
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    migration.backfill(global_apps, editor)


def test_backfill_from_the_events(aalten, winterswijk, berkelland):
    plain = CaseFactory(principal=aalten, opened_on=OPENED, principal_period=False)
    CaseEventFactory(case=plain, kind=EventKind.CREATED, at=at(OPENED))

    moved_twice = CaseFactory(principal=berkelland, opened_on=OPENED, principal_period=False)
    CaseEventFactory(case=moved_twice, kind=EventKind.CREATED, at=at(OPENED))
    CaseEventFactory(
        case=moved_twice,
        kind=EventKind.MUNICIPALITY,
        at=at(dt.date(2025, 11, 3), 0, 15),  # 23:15 UTC the day before
        data={"van_gemeente": "0197", "naar_gemeente": "0294", "van": None, "naar": None},
        version=2,
    )
    CaseEventFactory(
        case=moved_twice,
        kind=EventKind.MUNICIPALITY,
        at=at(HANDOVER_DAY),
        data={"van_gemeente": "0294", "naar_gemeente": "1859", "van": None, "naar": None},
        version=3,
    )
    CaseEventFactory(case=moved_twice, kind=EventKind.CLOSED, at=at(dt.date(2026, 2, 2)))

    closed_reopened = CaseFactory(
        principal=winterswijk,
        opened_on=OPENED,
        status=CaseStatus.AFGESLOTEN,
        closed_on=dt.date(2026, 2, 1),
        principal_period=False,
    )
    for kind, day in (
        (EventKind.CREATED, OPENED),
        (EventKind.CLOSED, dt.date(2025, 10, 1)),
        (EventKind.REOPENED, dt.date(2025, 11, 1)),
        (EventKind.CLOSED, dt.date(2026, 2, 1)),
    ):
        CaseEventFactory(case=closed_reopened, kind=kind, at=at(day))
    CaseEventFactory(
        case=closed_reopened,
        kind=EventKind.MUNICIPALITY,
        at=at(dt.date(2025, 12, 1)),
        data={"van_gemeente": "0197", "naar_gemeente": "0294"},
    )

    already = open_case(PersonFactory(municipality=aalten), "luxe", owner=None, today=OPENED)

    backfill()

    assert periods(plain) == [("0197", OPENED, None)]
    assert periods(moved_twice) == [
        ("0197", OPENED, dt.date(2025, 11, 3)),
        ("0294", dt.date(2025, 11, 3), HANDOVER_DAY),
        ("1859", HANDOVER_DAY, None),
    ]
    assert periods(closed_reopened) == [
        ("0197", OPENED, dt.date(2025, 12, 1)),
        ("0294", dt.date(2025, 12, 1), None),
    ]
    assert periods(already) == [("0197", OPENED, None)]
    assert principal_on(moved_twice, dt.date(2025, 11, 2)) == "0197"
    assert principal_on(moved_twice, dt.date(2025, 11, 3)) == "0294"
    assert principal_on(moved_twice, HANDOVER_DAY) == "1859"

    count = PrincipalPeriod.objects.count()
    backfill()  # a second run changes nothing
    assert PrincipalPeriod.objects.count() == count


def test_backfill_of_events_that_do_not_add_up(aalten, winterswijk):
    """A code that no longer exists gives its days to the next municipality; a
    last event that disagrees with the case's principal: the principal from the
    day the case was last saved."""
    gone = CaseFactory(principal=winterswijk, opened_on=OPENED, principal_period=False)
    CaseEventFactory(
        case=gone,
        kind=EventKind.MUNICIPALITY,
        at=at(dt.date(2025, 10, 1)),
        data={"van_gemeente": "9999", "naar_gemeente": "0294"},
    )
    unrecorded = CaseFactory(principal=winterswijk, opened_on=OPENED, principal_period=False)
    CaseEventFactory(
        case=unrecorded,
        kind=EventKind.MUNICIPALITY,
        at=at(dt.date(2025, 10, 1)),
        data={"van_gemeente": "0294", "naar_gemeente": "0197"},
    )

    backfill()

    assert periods(gone) == [("0294", OPENED, None)]
    last_saved = Case.objects.get(pk=unrecorded.pk).updated_at.astimezone(AMSTERDAM).date()
    assert periods(unrecorded) == [
        ("0294", OPENED, dt.date(2025, 10, 1)),
        ("0197", dt.date(2025, 10, 1), last_saved),
        ("0294", last_saved, None),
    ]


# -- guards --------------------------------------------------------------------


def test_a_principal_changed_without_its_period_is_not_saved(moved, aalten):
    case = Case.objects.get(pk=moved.pk)
    case.principal = aalten
    with pytest.raises(PrincipalChangeError), transaction.atomic():
        case.save()
    with pytest.raises(PrincipalChangeError), transaction.atomic():
        case.save(update_fields=["principal"])
    case.save(update_fields=["status"])  # the principal is not written
    with pytest.raises(PrincipalChangeError):
        Case.objects.filter(pk=moved.pk).update(principal=aalten)
    with pytest.raises(PrincipalChangeError):
        Case.objects.filter(pk=moved.pk).update(principal_id="0197")
    with pytest.raises(PrincipalChangeError):
        Case.objects.bulk_update([case], ["principal"])
    assert Case.objects.get(pk=moved.pk).principal_id == "0294"


def test_periods_are_only_appended(moved):
    first = PrincipalPeriod.objects.filter(case=moved).order_by("start").first()
    first.end = OPENED
    with pytest.raises(ImmutableError):
        first.save()
    with pytest.raises(ImmutableError):
        first.delete()
    with pytest.raises(ImmutableError):
        PrincipalPeriod.objects.filter(case=moved).update(end=None)
    with pytest.raises(ImmutableError):
        PrincipalPeriod.objects.filter(case=moved).delete()


def test_periods_go_with_their_case(aalten):
    case = CaseFactory(principal=aalten)
    Case.objects.filter(pk=case.pk).delete()
    assert not PrincipalPeriod.objects.filter(case_id=case.pk).exists()


def test_one_open_period_per_case_and_no_end_before_start(moved, aalten):
    with pytest.raises(IntegrityError), transaction.atomic():
        PrincipalPeriod.objects.create(case=moved, municipality=aalten, start=HANDOVER_DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        PrincipalPeriod.objects.create(
            case=moved, municipality=aalten, start=OPENED, end=OPENED - dt.timedelta(days=1)
        )


SRC = Path(__file__).resolve().parents[2] / "src" / "rbl"
#: The only code that creates a case (and so its first period).
CREATES_CASES = {"cases/services/lifecycle.py"}
#: The only code that sets the principal of an existing case.
SETS_PRINCIPAL = {"cases/services/principal.py"}


def _case_names(tree: ast.Module) -> set[str]:
    """Names under which a module imported the Case model."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rbl.cases.models"):
            names |= {a.asname or a.name for a in node.names if a.name == "Case"}
    return names


def test_no_code_creates_a_case_or_sets_its_principal_outside_the_services():
    """With the save guard above: every case gets its first period from
    open_case and every change of principal its period from change_principal."""
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        case_names = _case_names(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and target.attr in {"principal", "principal_id"}
                        and rel not in SETS_PRINCIPAL
                    ):
                        found.append(f"{rel}:{node.lineno} sets .{target.attr}")
            if not isinstance(node, ast.Call) or rel in CREATES_CASES:
                continue
            func = node.func
            if isinstance(func, ast.Name) and func.id in case_names:
                found.append(f"{rel}:{node.lineno} builds a Case")
            if (
                isinstance(func, ast.Attribute)
                and func.attr in {"create", "bulk_create", "get_or_create", "update_or_create"}
                and isinstance(func.value, ast.Attribute)
                and func.value.attr in {"objects", "_default_manager", "_base_manager"}
                and isinstance(func.value.value, ast.Name)
                and func.value.value.id in case_names
            ):
                found.append(f"{rel}:{node.lineno} creates a Case")
    assert found == []


def assert_every_case_has_its_history() -> None:
    """Every case: periods that follow each other from its opening day without
    gap or overlap, exactly one open, and that one is its principal."""
    by_case: dict[int, list[PrincipalPeriod]] = {}
    for period in PrincipalPeriod.objects.order_by("case_id", "start", "pk"):
        by_case.setdefault(period.case_id, []).append(period)
    wrong = []
    for case in Case.objects.only("pk", "principal_id", "opened_on"):
        history = by_case.get(case.pk, [])
        ok = (
            bool(history)
            and history[0].start == case.opened_on
            and all(a.end == b.start for a, b in zip(history, history[1:], strict=False))
            and history[-1].end is None
            and history[-1].municipality_id == case.principal_id
        )
        if not ok:
            wrong.append((case.pk, case.principal_id, case.opened_on, history))
    assert wrong == []


@pytest.mark.django_db(transaction=True)
def test_every_service_leaves_every_case_with_its_history(clock):
    """The demo region runs the services that open cases (reports, signals,
    leave, exemptions, RMC handovers, …); then some move within the region."""
    from rbl.demo.build import build_demo

    build_demo(seed=5, scale=0.02, peildatum=dt.date(2026, 11, 2))
    assert Case.objects.count() > 50
    assert_every_case_has_its_history()

    municipalities = list(Municipality.objects.order_by("code"))
    open_cases = list(Case.objects.open().order_by("pk")[:6])
    for i, case in enumerate(open_cases):
        to = next(m for m in municipalities[i % 3 :] if m.pk != case.principal_id)
        handover_to_municipality(case, to, actor=None, expected_version=None, to_user=None)
    clock.shift(dt.timedelta(days=2))
    for case in open_cases[:2]:
        to = next(m for m in municipalities if m.pk != Case.objects.get(pk=case.pk).principal_id)
        handover_to_municipality(case, to, actor=None, expected_version=None, to_user=None)
    assert_every_case_has_its_history()
    assert PrincipalPeriod.objects.filter(end__isnull=False).count() == 8
