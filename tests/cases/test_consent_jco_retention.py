"""The youth's choices about the parents and the JCO's agreed actions are
append-only, in the database too (PostgreSQL), and go with the rest of a
file's free text when its retention term has ended (R-29)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from rbl.audit.models import Tombstone
from rbl.audit.removal import run_case_retention
from rbl.cases.models import Handhaving, ImmutableError, JcoOutcome, ParentsConsent
from tests.cases.factories import CaseFactory, staff
from tests.factories import MunicipalityFactory, PersonFactory, RegionFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)


@pytest.fixture
def old_file():
    """A leerplicht file closed in 2017 of a youth who turned 19 in 2024 (its
    term has ended), with a choice of the youth and a JCO outcome."""
    aalten = MunicipalityFactory(code="0197", name="Aalten", region=RegionFactory())
    officer = staff("lpa", "lpa", aalten)
    case = CaseFactory(
        person=PersonFactory(municipality=aalten, birth_date=dt.date(2005, 1, 1)),
        opened_on=dt.date(2016, 10, 1),
        status="afgesloten",
        closed_on=dt.date(2017, 1, 9),
        closing_reason="handhaving_afgerond",
    )
    now = timezone.now()
    ParentsConsent.objects.create(
        case=case,
        parents_may_hear=False,
        decided_on=dt.date(2016, 10, 5),
        recorded_by=officer,
        recorded_at=now,
    )
    item = Handhaving.objects.create(
        case=case,
        kind="pv",
        opened_on=dt.date(2016, 10, 10),
        outcome="sepot",
        outcome_on=dt.date(2017, 1, 5),
    )
    JcoOutcome.objects.create(
        handhaving=item,
        meeting_on=dt.date(2016, 11, 2),
        action="Vader belt de BOA terug.",
        recorded_by=officer,
        recorded_at=now,
    )
    return case


def test_ordinary_code_cannot_change_or_remove_them(old_file, on_postgres):
    consent = ParentsConsent.objects.get()
    outcome = JcoOutcome.objects.get()
    for record in (consent, outcome):
        with pytest.raises(ImmutableError):
            record.save()
        with pytest.raises(ImmutableError):
            record.delete()
        with pytest.raises(ImmutableError):
            type(record).objects.all().update(recorded_at=timezone.now())
    if on_postgres:  # the database refuses it too, even in plain SQL
        for sql in (
            "UPDATE cases_parentsconsent SET parents_may_hear = true",
            "DELETE FROM cases_parentsconsent",
            "UPDATE cases_jcooutcome SET action = 'anders'",
            "DELETE FROM cases_jcooutcome",
        ):
            with (
                pytest.raises(DatabaseError, match="alleen worden aangevuld"),
                transaction.atomic(),
            ):
                with connection.cursor() as cursor:
                    cursor.execute(sql)
    assert ParentsConsent.objects.get().parents_may_hear is False
    assert JcoOutcome.objects.get().action == "Vader belt de BOA terug."


def test_retention_removes_them_with_the_file(old_file, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_case_retention(TODAY)
    assert not ParentsConsent.objects.exists()
    assert not JcoOutcome.objects.exists()
    assert Handhaving.objects.get().outcome == "sepot"  # counted by the figures
    stone = Tombstone.objects.get(case_id=old_file.pk)
    assert stone.parts["keuzes_ouders"] == 1 and stone.parts["afspraken_jco"] == 1
