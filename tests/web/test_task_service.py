"""The task services behind the case page's task forms (R-27): they lock the
case, check the version the user saw and bump it, like every case change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rbl.cases.models import Case, CaseStatus, Task
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.cases.services.tasks import finish_task, schedule_task
from tests.cases.factories import CaseFactory, staff
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

DUE = dt.date(2030, 3, 1)


@pytest.fixture
def case() -> Case:
    return CaseFactory(owner=staff("lpa", "lpa", PersonFactory().municipality))


def test_schedule_task_is_for_the_owner_and_bumps_the_version(case):
    task = schedule_task(case, "opvolging", "", DUE, expected_version=case.version)
    assert task.assignee == case.owner
    assert task.title == "Opvolging"  # an empty description takes the kind's name
    assert Case.objects.get(pk=case.pk).version == case.version + 1


def test_schedule_task_with_a_stale_version_adds_nothing(case):
    with pytest.raises(ConcurrentEditError):
        schedule_task(case, "opvolging", "x", DUE, expected_version=case.version + 1)
    assert not Task.objects.exists()


def test_no_tasks_on_a_closed_case_or_of_an_unknown_kind(case):
    with pytest.raises(CaseRuleError):
        schedule_task(case, "onbekend", "x", DUE, expected_version=case.version)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.AFGESLOTEN)
    with pytest.raises(CaseRuleError):
        schedule_task(case, "opvolging", "x", DUE, expected_version=case.version)
    assert not Task.objects.exists()


def test_finish_task_once(case):
    task = schedule_task(case, "opvolging", "x", DUE, expected_version=case.version)
    version = Case.objects.get(pk=case.pk).version
    done = finish_task(task, case=case, expected_version=version)
    assert done.done_on == timezone.localdate()
    assert Case.objects.get(pk=case.pk).version == version + 1
    with pytest.raises(CaseRuleError, match="al afgerond"):
        finish_task(task, case=case, expected_version=version + 1)


def test_finish_task_checks_version_and_case(case):
    task = schedule_task(case, "opvolging", "x", DUE, expected_version=case.version)
    with pytest.raises(ConcurrentEditError):
        finish_task(task, expected_version=case.version)  # the version before the task
    other = CaseFactory()
    with pytest.raises(CaseRuleError, match="hoort niet bij"):
        finish_task(task, case=other, expected_version=other.version)
    assert Task.objects.get(pk=task.pk).done_on is None
