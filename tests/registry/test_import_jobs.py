"""Web import jobs on the task queue (registry/imports/jobs.py): progress that
other connections see while the import's transaction runs, at most every half
second; a failed import leaves a failed job and a task error without data; the
offending values of rejected rows are kept for a day."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError, connection, transaction
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from rbl.registry.imports import jobs
from rbl.registry.models import ImportJob, ImportJobState, ImportLog
from tests.cases.factories import UserFactory

SCHOOLS = "brin;naam;sector;gemeentecode\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def queued(settings, media):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


@pytest.fixture
def immediate(settings, media):
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("scholen.csv", text.encode("utf-8"), content_type="text/csv")


def run_queued_task() -> DBTaskResult:
    """Run the one waiting task as a `db_worker` does, in this process."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    task = DBTaskResult.objects.ready().get_locked()
    task.claim(worker.worker_id)
    worker.run_task(task)
    task.refresh_from_db()
    return task


def running_job(user) -> ImportJob:
    job = ImportJob.objects.create(user=user, kind="scholen", file_name="x.csv", state="bezig")
    jobs.job_dir(job.id).mkdir(parents=True)
    return job


@pytest.mark.django_db
def test_progress_is_written_at_most_every_interval_and_at_each_new_phase(media):
    job = running_job(UserFactory())
    writer = jobs.ProgressWriter(job.id, jobs.job_dir(job.id), interval=3600)
    try:
        writer(10, 100, "lezen")
        for done in range(11, 60):
            writer(done, 100, "lezen")
        writer(100, 100, "verwerken")
        writer(100, 100, "verwerken")
    finally:
        writer.close()
    # (On PostgreSQL this test's uncommitted row is not visible to the writer's
    # own connection: its writes count as skipped.)
    assert writer.written + writer.skipped == 2
    assert (writer.done, writer.total, writer.phase) == (100, 100, "verwerken")


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_while_the_import_transaction_runs(media):
    """Written outside the transaction that holds the import's changes: the row
    through a connection of its own on PostgreSQL, the job's file on SQLite."""
    user = UserFactory()
    job = running_job(user)
    writer = jobs.ProgressWriter(job.id, jobs.job_dir(job.id))
    try:
        with transaction.atomic():
            # The import's transaction has written (on SQLite: holds the write lock).
            ImportLog.objects.create(
                kind="scholen", file_name="x.csv", sha256="0", actor="t", started_at=job.created_at
            )
            writer(40, 100, "lezen")
            seen = jobs.get(job.id, user)
            assert (seen.done, seen.total, seen.percent) == (40, 100, 40)
            assert jobs.status(seen)["phase_text"] == "Het bestand wordt gelezen."
    finally:
        writer.close()
    assert (writer.written, writer.skipped) == (1, 0)
    if connection.vendor == "postgresql":
        job.refresh_from_db()
        assert (job.done, job.total) == (40, 100)


@pytest.mark.django_db(transaction=True)
def test_sqlite_a_second_connection_cannot_write_during_a_write_transaction(media):
    """Why SQLite's progress goes to a file: the row cannot be written by anyone
    else until the import's transaction ends."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    job = running_job(UserFactory())
    other = connection.copy()
    other.settings_dict["OPTIONS"] = {**other.settings_dict["OPTIONS"], "timeout": 0.05}
    try:
        with transaction.atomic():
            ImportLog.objects.create(
                kind="scholen", file_name="x.csv", sha256="0", actor="t", started_at=job.created_at
            )
            with pytest.raises(OperationalError, match="locked"), other.cursor() as cursor:
                cursor.execute("UPDATE registry_importjob SET done = 1 WHERE id = %s", [job.id.hex])
    finally:
        other.close()


@pytest.mark.django_db
def test_a_failed_import_fails_its_job_and_task_without_personal_data(queued, media, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("kapot bij 123456782")

    monkeypatch.setattr(jobs, "run_import", broken)
    job = jobs.start(UserFactory(), "scholen", upload(SCHOOLS + "99ZZ;School;VO;0197\n"))
    assert jobs.job_dir(job.id).exists()
    task = run_queued_task()
    job.refresh_from_db()
    assert (job.state, job.message) == (ImportJobState.FAILED, jobs.FAILED_MESSAGE)
    assert job.finished_at is not None and not jobs.job_dir(job.id).exists()
    assert task.status == "FAILED"
    assert task.exception_class_path == "rbl.registry.imports.jobs.ImportJobFailed"
    assert "123456782" not in task.traceback and str(job.id) in task.traceback


@pytest.mark.django_db
def test_a_job_runs_once(queued, media):
    job = jobs.start(UserFactory(), "scholen", upload(SCHOOLS + "99ZZ;School;VO;0197\n"))
    run_queued_task()
    DBTaskResult.objects.update(status="READY")  # as if the queue handed it out again
    task = run_queued_task()
    assert task.status == "SUCCESSFUL" and task.return_value is None
    assert ImportLog.objects.count() == 1
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE


@pytest.mark.django_db
def test_only_the_importer_gets_the_job(immediate):
    job = jobs.start(UserFactory(), "scholen", upload(SCHOOLS + "99ZZ;School;VO;0197\n"))
    assert jobs.get(job.id, job.user) == job
    assert jobs.get(job.id, UserFactory()) is None
    assert jobs.get("geen-uuid", job.user) is None


@pytest.mark.django_db
def test_values_are_forgotten_a_day_after_the_job_ended(immediate, clock, capsys):
    user = UserFactory()
    job = jobs.start(user, "scholen", upload(SCHOOLS + "97ZZ;Fout;XX;0197\n"))
    assert job.rejected_values == ["XX"]
    assert jobs.shown_errors(job) == (
        [
            {
                "line": 2,
                "column": "sector",
                "reason": job.result["errors"][0]["reason"],
                "value": "XX",
            }
        ],
        True,
    )
    clock.shift(dt.timedelta(hours=23))
    assert jobs.forget_values() == 0
    clock.shift(dt.timedelta(hours=2))
    assert jobs.shown_errors(job)[1] is False
    call_command("retentie", "--json")
    assert json.loads(capsys.readouterr().out)["importwaarden"] == 1
    job.refresh_from_db()
    assert job.rejected_values is None
    assert job.result["errors"][0]["line"] == 2  # line, column and reason stay
