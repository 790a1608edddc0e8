"""The BRP terugmelding (issue 20 item 3): recorded with reasons and grounds,
it makes the letter to the BRP department of the youth's municipality and a
follow-up task; the outcome ends it or (an investigation) keeps it open with
a new task; the absoluut check gives no new signal while it is open, counts
the youth apart, and signals again once it is closed as unfounded."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from rbl.absoluut.check import run_check
from rbl.absoluut.models import Signal
from rbl.cases.models import Task
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.history import describe_events
from rbl.chain.models import BrpTerugmelding, TerugmeldingOutcome
from rbl.chain.terugmelding import record_outcome, record_terugmelding
from rbl.letters.models import LetterKind
from tests.chain.helpers import pdf_text

pytestmark = pytest.mark.django_db


def record(world, **kwargs):
    case = world.cases["own"]
    case.refresh_from_db()
    defaults = {
        "reasons": ["post_retour", "school_vertrek"],
        "grounds": "Twee brieven kwamen retour; de school meldt vertrek naar Polen.",
        "actor": world.users["lpa-aalten"],
        "expected_version": case.version,
    }
    return record_terugmelding(case, **{**defaults, **kwargs})


def test_recorded_with_letter_task_and_history(world):
    world.aalten.address = "Postbus 1\n7120 AA  Aalten"
    world.aalten.save()
    item = record(world)
    assert item.is_open and item.municipality_id == world.aalten.code
    assert item.reasons == ["post_retour", "school_vertrek"]
    document = item.document
    assert document.letter_kind == LetterKind.BRP_TERUGMELDING
    text = pdf_text(document)
    assert "Gemeente Aalten, afdeling Burgerzaken (BRP)" in text
    assert "Post komt terug" in text and "School meldt vertrek naar het buitenland" in text
    assert "vertrek naar Polen" in text and "2.34" in text
    assert world.persons["own"].full_name in text
    task = item.task
    assert task.title == "Terugmelding BRP opvolgen"
    assert task.due_on == timezone.localdate() + dt.timedelta(weeks=4)
    assert task.assignee == world.users["lpa-aalten"]
    history = describe_events(world.cases["own"].events.order_by("at", "pk"))
    assert any(line.startswith("Brief gemaakt (kenmerk") for line in history)
    assert any(line.startswith("Taak toegevoegd: Terugmelding BRP opvolgen") for line in history)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reasons": []}, "ten minste één reden"),
        ({"reasons": ["onzin"]}, "ten minste één reden"),
        ({"grounds": "   "}, "Licht de twijfel"),
        ({"grounds": "x" * 2001}, "2000 tekens"),
    ],
)
def test_bad_input_changes_nothing(world, change, message):
    with pytest.raises(CaseRuleError, match=message):
        record(world, **change)
    assert BrpTerugmelding.objects.count() == 0
    assert world.cases["own"].documents.count() == 0


def test_no_lost_update_and_no_second_open_one(world):
    with pytest.raises(ConcurrentEditError):
        record(world, expected_version=world.cases["own"].version + 5)
    assert BrpTerugmelding.objects.count() == 0
    record(world)
    with pytest.raises(CaseRuleError, match="loopt al een terugmelding"):
        record(world)
    assert BrpTerugmelding.objects.count() == 1


def test_investigation_keeps_it_open_then_address_right_closes_it(world):
    item = record(world)
    officer = world.users["lpa-aalten"]
    today = timezone.localdate()
    with pytest.raises(CaseRuleError, match="toekomst"):
        record_outcome(
            item,
            outcome="onderzoek",
            on=today + dt.timedelta(days=1),
            actor=officer,
            expected_version=item.version,
        )
    with pytest.raises(ConcurrentEditError):
        record_outcome(item, outcome="onderzoek", on=today, actor=officer, expected_version=99)
    item = record_outcome(
        item,
        outcome=TerugmeldingOutcome.ONDERZOEK,
        on=today,
        actor=officer,
        expected_version=item.version,
    )
    assert item.is_open and item.outcome == "onderzoek"
    assert item.task.title == "Adresonderzoek BRP opvolgen" and item.task.done_on is None
    first = Task.objects.get(case=item.case, title="Terugmelding BRP opvolgen")
    assert first.done_on == today
    item = record_outcome(
        item,
        outcome=TerugmeldingOutcome.ADRES_JUIST,
        on=today,
        actor=officer,
        expected_version=item.version,
    )
    assert not item.is_open and item.closed_on == today and item.outcome_by == officer
    item.task.refresh_from_db()
    assert item.task.done_on == today
    history = " | ".join(describe_events(item.case.events.order_by("at", "pk")))
    assert f"Taak afgerond: Terugmelding BRP: adresonderzoek gestart op {today:%d-%m-%Y}" in history
    assert f"Terugmelding BRP: adres juist (twijfel ongegrond) op {today:%d-%m-%Y}" in history
    with pytest.raises(CaseRuleError, match="al afgesloten"):
        record_outcome(
            item, outcome="buitenland", on=today, actor=officer, expected_version=item.version
        )


def test_check_holds_back_the_signal_while_open_and_signals_after_unfounded(world):
    """The youth of the world has no enrolment: in breach. With an open
    terugmelding the check opens no signal and counts them apart; closed as
    unfounded (address right), the next check signals them again."""
    person = world.persons["own"]
    day = timezone.localdate()
    item = record(world)
    result = run_check(day, [world.aalten.code])
    assert result.held_for_brp == 1 and result.as_json()["in_onderzoek_brp"] == 1
    assert not Signal.objects.filter(person=person).exists()
    # Next week, still open: still no signal.
    assert run_check(day + dt.timedelta(days=7), [world.aalten.code]).new == 0
    assert not Signal.objects.filter(person=person).exists()
    record_outcome(
        item,
        outcome="adres_juist",
        on=day,
        actor=world.users["lpa-aalten"],
        expected_version=item.version,
    )
    result = run_check(day + dt.timedelta(days=14), [world.aalten.code])
    assert result.held_for_brp == 0
    assert Signal.objects.filter(person=person, closed_on__isnull=True).count() == 1


def test_the_check_command_names_the_youth_held_back_apart(world):
    record(world)
    out = StringIO()
    call_command("absoluut", "--peildatum", timezone.localdate().isoformat(), stdout=out)
    lines = [line.split() for line in out.getvalue().splitlines()]
    assert ["in", "onderzoek", "bij", "de", "BRP", "(geen", "nieuw", "signaal):", "1"] in lines
    assert ["nieuwe", "signalen:", "1"] in lines  # the Winterswijk youth, no terugmelding
