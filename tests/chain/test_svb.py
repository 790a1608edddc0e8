"""The SVB notification (issue 20 item 2): due exactly at the region's term
after the case opened, never a day before and never twice for the same case
period; the letter to the SVB, the owner's task, sending recorded with date
and author in the case history, and the daily command."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.cases.models import CaseStatus, CaseType, Task
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.history import describe_events
from rbl.chain import svb
from rbl.chain.models import ChainSettings, SvbNotification, SvbTrigger
from rbl.letters.models import LetterKind
from rbl.letters.services.letters import LetterError
from tests.cases.factories import CaseFactory
from tests.chain.helpers import pdf_text, svb_address
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def absoluut_case(world, opened_on: dt.date, case_type: str = CaseType.ABSOLUUT):
    return CaseFactory(
        person=PersonFactory(municipality=world.aalten, parent1_name="Anna Jansen"),
        type=case_type,
        owner=world.users["lpa-aalten"],
        opened_on=opened_on,
    )


def test_default_term_is_8_weeks_with_the_absoluut_trigger(world):
    defaults = svb.chain_settings(world.aalten.region)
    assert defaults.pk is None
    assert defaults.svb_term_weeks == 8
    assert defaults.svb_triggers == [SvbTrigger.ABSOLUUT]


class _Rollback(Exception):
    pass


@given(
    weeks=st.integers(min_value=1, max_value=26),
    age_days=st.integers(min_value=0, max_value=26 * 7 + 14),
)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_due_exactly_at_the_term_not_a_day_before_not_twice(world, weeks, age_days):
    day = timezone.localdate()
    try:
        with transaction.atomic():
            svb_address(world.aalten.region, svb_term_weeks=weeks)
            case = absoluut_case(world, day - dt.timedelta(days=age_days))
            due = [d for d in svb.cases_due(day) if d.case.pk == case.pk]
            assert bool(due) == (age_days >= 7 * weeks)
            if due:
                assert due[0].due_on == case.opened_on + dt.timedelta(weeks=weeks)
                assert due[0].due_on <= day
                # Prepared once for this case period: never due again.
                SvbNotification.objects.create(
                    case=case,
                    trigger=SvbTrigger.ABSOLUUT,
                    period_start=case.opened_on,
                    due_on=due[0].due_on,
                    prepared_on=day,
                )
                assert not [d for d in svb.cases_due(day) if d.case.pk == case.pk]
                assert not [
                    d for d in svb.cases_due(day + dt.timedelta(weeks=10)) if d.case.pk == case.pk
                ]
            raise _Rollback
    except _Rollback:
        pass


def test_only_open_cases_of_a_chosen_trigger_are_due(world):
    day = timezone.localdate()
    long_ago = day - dt.timedelta(weeks=20)
    svb_address(world.aalten.region)
    open_absoluut = absoluut_case(world, long_ago)
    closed = absoluut_case(world, long_ago)
    closed.status = CaseStatus.AFGESLOTEN
    closed.closed_on = day
    closed.save()
    thuiszitter = absoluut_case(world, long_ago, CaseType.LANGDURIG)
    due = {d.case.pk for d in svb.cases_due(day)}
    assert open_absoluut.pk in due
    assert closed.pk not in due and thuiszitter.pk not in due
    # The region adds the thuiszitter trigger.
    ChainSettings.objects.filter(region=world.aalten.region).update(
        svb_triggers=[SvbTrigger.ABSOLUUT, SvbTrigger.THUISZITTER]
    )
    due = {(d.case.pk, d.trigger) for d in svb.cases_due(day)}
    assert (thuiszitter.pk, SvbTrigger.THUISZITTER) in due
    # A region that notifies on no trigger prepares nothing.
    ChainSettings.objects.filter(region=world.aalten.region).update(svb_triggers=[])
    assert svb.cases_due(day) == []


def test_prepared_letter_task_and_history_then_sending_recorded(world):
    day = timezone.localdate()
    svb_address(world.aalten.region)
    case = absoluut_case(world, day - dt.timedelta(weeks=8))
    made = svb.prepare_due(day)
    assert [n.case_id for n in made] == [case.pk]
    item = made[0]
    assert item.prepared_on == day and item.due_on == day and not item.is_sent
    document = item.document
    assert document.letter_kind == LetterKind.SVB_MELDING and document.case_id == case.pk
    text = pdf_text(document)
    assert "Sociale Verzekeringsbank" in text and "Postbus 1234" in text
    assert case.person.full_name in text
    assert "langer dan 8 weken" in text and "kinderbijslag" in text
    task = Task.objects.get(case=case, title=svb.SEND_TASK_TITLE)
    assert task.assignee == world.users["lpa-aalten"] and task.done_on is None
    # Again the same day, and a week later: nothing new.
    assert svb.prepare_due(day) == []
    assert svb.prepare_due(day + dt.timedelta(days=7)) == []
    assert SvbNotification.objects.count() == 1

    officer = world.users["lpa-aalten"]
    with pytest.raises(CaseRuleError, match="toekomst"):
        svb.record_sent(item, sent_on=day + dt.timedelta(days=1), actor=officer, expected_version=1)
    with pytest.raises(ConcurrentEditError):
        svb.record_sent(item, sent_on=day, actor=officer, expected_version=7)
    sent = svb.record_sent(item, sent_on=day, actor=officer, expected_version=1)
    assert sent.sent_on == day and sent.sent_by == officer
    task.refresh_from_db()
    assert task.done_on == day
    history = describe_events(case.events.order_by("at", "pk"))
    assert any(line.startswith("Brief gemaakt (kenmerk LP-") for line in history)
    assert any("Taak toegevoegd: SVB-melding versturen" in line for line in history)
    assert f"Taak afgerond: SVB-melding verzonden op {day:%d-%m-%Y}" in " ".join(history)
    with pytest.raises(CaseRuleError, match="al als verzonden"):
        svb.record_sent(sent, sent_on=day, actor=officer, expected_version=sent.version)


def test_without_the_svb_address_nothing_is_prepared(world):
    day = timezone.localdate()
    absoluut_case(world, day - dt.timedelta(weeks=9))
    with pytest.raises(LetterError, match="adres van de SVB"):
        svb.prepare_due(day)
    assert SvbNotification.objects.count() == 0


def test_daily_command_prepares_once(world):
    day = timezone.localdate()
    svb_address(world.aalten.region)
    absoluut_case(world, day - dt.timedelta(weeks=9))
    absoluut_case(world, day - dt.timedelta(weeks=8) + dt.timedelta(days=1))  # a day short
    out = StringIO()
    call_command("svb", "--datum", day.isoformat(), "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"svb": 1}
    out = StringIO()
    call_command("svb", "--datum", day.isoformat(), stdout=out)
    assert "Voorbereide SVB-meldingen: 0" in out.getvalue()
