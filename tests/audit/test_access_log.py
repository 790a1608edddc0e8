"""The access log (R-61): bulk writing, immutability, the privacy officer's
question, and retention."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from rbl.audit.models import AccessLogEntry, AccessLogImmutableError, RetentionRule
from rbl.audit.services import (
    clean_path,
    log_access,
    months_before,
    purge_expired,
    who_viewed,
    who_viewed_summary,
)
from tests.cases.factories import CaseFactory, UserFactory
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    return UserFactory(username="lpa-aalten")


def test_one_call_logs_every_person_of_a_list(user, django_assert_max_num_queries):
    persons = PersonFactory.create_batch(30)
    with django_assert_max_num_queries(2):
        written = log_access(
            user, "view", persons=persons, purpose="werklijst", path="/personen/?q=x"
        )
    assert written == 30
    assert AccessLogEntry.objects.count() == 30
    entry = AccessLogEntry.objects.first()
    assert (entry.username, entry.action, entry.purpose, entry.path) == (
        "lpa-aalten",
        "view",
        "werklijst",
        "/personen/",
    )


def test_case_access_logs_its_person(user):
    case = CaseFactory()
    log_access(user, "change", case=case, purpose="status gewijzigd")
    entry = AccessLogEntry.objects.get()
    assert (entry.person_id, entry.case_id) == (case.person_id, case.pk)


def test_search_without_result_is_logged_once(user):
    assert log_access(user, "search", purpose="zoeken op BSN") == 1
    assert AccessLogEntry.objects.get().person_id is None


def test_path_never_keeps_query_string_or_bsn():
    assert clean_path("/api/v1/personen/123456782/?bsn=123456782") == "/api/v1/personen/*********/"
    assert clean_path("/zaken/12/") == "/zaken/12/"


def test_unknown_action_refused(user):
    with pytest.raises(ValueError):
        log_access(user, "peek", persons=[1])


def test_entries_cannot_be_changed_or_deleted_through_the_model(user):
    log_access(user, "view", persons=[PersonFactory()])
    entry = AccessLogEntry.objects.get()
    entry.purpose = "iets anders"
    with pytest.raises(AccessLogImmutableError):
        entry.save()
    with pytest.raises(AccessLogImmutableError):
        entry.delete()
    with pytest.raises(AccessLogImmutableError):
        AccessLogEntry.objects.filter(pk=entry.pk).update(purpose="x")
    assert AccessLogEntry.objects.get().purpose == ""


def test_database_refuses_update(user):
    log_access(user, "view", persons=[PersonFactory()])
    with pytest.raises((DatabaseError, IntegrityError)):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE audit_accesslogentry SET purpose = 'vervalst'")
    assert AccessLogEntry.objects.get().purpose == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="delete trigger: PostgreSQL only")
def test_database_refuses_delete_outside_retention(user):
    log_access(user, "view", persons=[PersonFactory()])
    with pytest.raises(DatabaseError):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_accesslogentry")
    assert AccessLogEntry.objects.count() == 1


def test_who_viewed_this_child(user):
    child, other = PersonFactory(), PersonFactory()
    colleague = UserFactory(username="kpa-regio")
    log_access(user, "view", persons=[child, other])
    log_access(colleague, "export", persons=[child], purpose="lijst")
    log_access(user, "view", persons=[child])
    rows = list(who_viewed(child))
    assert [r.username for r in rows] == ["lpa-aalten", "kpa-regio", "lpa-aalten"]
    summary = {(s["username"], s["action"]): s["times"] for s in who_viewed_summary(child)}
    assert summary == {("lpa-aalten", "view"): 2, ("kpa-regio", "export"): 1}
    assert list(who_viewed(other).values_list("username", flat=True)) == ["lpa-aalten"]


def test_months_before_clamps_to_month_end():
    assert months_before(dt.date(2025, 3, 31), 1) == dt.date(2025, 2, 28)
    assert months_before(dt.date(2025, 3, 15), 60) == dt.date(2020, 3, 15)


def test_retention_removes_only_expired_entries(user, capsys):
    person = PersonFactory()
    now = timezone.now()
    old = now - dt.timedelta(days=400)
    log_access(user, "view", persons=[person], at=old)
    log_access(user, "view", persons=[person], at=now)
    RetentionRule.objects.create(subject="toegangslog", months=12)
    assert purge_expired(dry_run=True) == 1
    assert AccessLogEntry.objects.count() == 2
    call_command("retentie", "--json")
    answer = json.loads(capsys.readouterr().out)
    assert {k: answer[k] for k in ("toegangslog", "termijn_maanden", "importwaarden", "proef")} == {
        "toegangslog": 1,
        "termijn_maanden": 12,
        "importwaarden": 0,
        "proef": False,
    }
    assert answer["dossiers_geanonimiseerd"] == 0  # the case files: tests/audit/test_retention.py
    assert list(AccessLogEntry.objects.values_list("at", flat=True)) == [now]


def test_default_retention_is_60_months(user):
    log_access(user, "view", persons=[1], at=timezone.now() - dt.timedelta(days=58 * 30))
    assert purge_expired() == 0
    log_access(user, "view", persons=[1], at=timezone.now() - dt.timedelta(days=62 * 31))
    assert purge_expired() == 1
