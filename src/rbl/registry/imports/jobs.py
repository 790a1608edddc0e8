"""Imports started on the import page run as a background task on the queue
(django-tasks with its database backend), worked by `rbl db_worker`
processes; never as a thread inside a web process.

    start()          the web request: the upload goes to a private file under
                     MEDIA_ROOT, an ImportJob row is made, the task is enqueued
    run_import_job   the task, in a worker: `run_import` with a progress
                     callback that writes to where every web process can read it
    get(), status()  the web request: the job of this user, its progress

Progress is written outside the import's transaction, at most every
PROGRESS_INTERVAL seconds (and at each change of phase):

- PostgreSQL: into the job row, through a second connection of its own
  (autocommit: every write is one short transaction), with a short lock
  timeout; a write that cannot get its lock is skipped, the next one comes
  0.5 s later. The import never touches the job row, so none is skipped in
  practice.
- SQLite: the import's transaction holds the database's single write lock from
  its first statement to its commit (`transaction_mode` IMMEDIATE), so no other
  connection can write the row while the import runs: a write from a second
  connection fails after its busy timeout, every time (measured: see
  bench/RESULTS.md, "Web import progress"). There the progress goes to a small
  file next to the upload (replaced atomically), which `status()` reads while
  the job runs. SQLite means one machine, and web and worker processes share
  MEDIA_ROOT anyway (the worker reads the upload from it).

State changes (wacht -> bezig -> klaar/mislukt) and the result always go to
the row, outside the import's transaction.

A full BRP extract that the import refuses for its departures (an empty
extract, or one that would mark more than 10 % and more than 50 of a
municipality's residents as moved out: kinds/brp.py) ends in the state
"bevestig" (wacht op bevestiging) instead of "klaar", with the counts per
municipality in its result and its upload kept. The page shows them; the user
who started it confirms (`confirm`: the job waits again, its options accept
the departures, and its task is enqueued once more) or cancels (`cancel`: the
job ends as the refused import it was). An upload nobody confirms is removed
VALUES_KEPT after the refusal (`forget_values`).

Personal values: the importing user sees the offending value of each rejected
row, as before. Those values are kept in the job row (`rejected_values`) for one
day after the job finished, are never shown after that, and are emptied by the
next web import or `rbl retentie` (`forget_values`). The upload file is removed
when the task ends. The task's arguments and result (django_tasks_db's table)
hold the job id and counts only.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import TaskContext, task

from rbl.registry.imports.base import run_import
from rbl.registry.imports.departures import ACCEPT_DEPARTURES
from rbl.registry.models import ImportJob, ImportJobState

logger = logging.getLogger("rbl.registry.imports.jobs")

#: Seconds between two progress writes of one job (a change of phase is written at once).
PROGRESS_INTERVAL = 0.5
#: How long the offending values of rejected rows stay with a finished job.
VALUES_KEPT = dt.timedelta(days=1)
#: PostgreSQL: how long a progress write may wait for a lock before it is skipped.
LOCK_TIMEOUT_MS = 200

UPLOAD_NAME = "bestand.csv"
PROGRESS_NAME = "voortgang.json"

FAILED_MESSAGE = "De import is mislukt door een fout in het systeem. Er is niets gewijzigd."
NOT_QUEUED_MESSAGE = "De import kon niet worden ingepland. Er is niets gewijzigd."


class ImportJobFailed(Exception):
    """Raised by the task when the import failed, so the queue records a failed
    task; it carries the job id only (the real error is logged, BSNs masked)."""


def job_dir(job_id: uuid.UUID | str) -> Path:
    """The job's private directory: under MEDIA_ROOT, never served by a URL."""
    return Path(settings.MEDIA_ROOT) / "private" / "imports" / str(job_id)


# --- the web side -----------------------------------------------------------------


def start(
    user: Any,
    kind: str,
    upload: UploadedFile,
    *,
    municipalities: list[str] | None = None,
    peildatum: dt.date | None = None,
    skip_invalid: bool = False,
) -> ImportJob:
    """Save the upload, make the job and put its task on the queue. With the
    immediate backend (RBL_TASKS_IMMEDIATE) the import has finished on return."""
    forget_values()
    job = ImportJob(
        user=user,
        kind=kind,
        file_name=(upload.name or UPLOAD_NAME)[:255],
        options={
            "municipalities": list(municipalities or []),
            "peildatum": peildatum.isoformat() if peildatum else None,
            "skip_invalid": bool(skip_invalid),
        },
    )
    directory = job_dir(job.id)
    directory.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.mkdir(mode=0o700)
    fd = os.open(directory / UPLOAD_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    job.save(force_insert=True)
    try:
        run_import_job.enqueue(str(job.id))
    except Exception:
        logger.exception("import job %s could not be enqueued", job.id)
        shutil.rmtree(directory, ignore_errors=True)
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJobState.FAILED, message=NOT_QUEUED_MESSAGE, finished_at=timezone.now()
        )
    job.refresh_from_db()
    return job


def confirm(job: ImportJob) -> ImportJob:
    """The user confirms the departures of a refused BRP extract: the same upload is
    imported again, accepting them. Only from the state "bevestig"."""
    options = {**job.options, ACCEPT_DEPARTURES: True}
    waiting = ImportJob.objects.filter(pk=job.pk, state=ImportJobState.CONFIRM).update(
        state=ImportJobState.WAITING,
        options=options,
        result=None,
        rejected_values=None,
        log=None,
        phase="lezen",
        done=0,
        total=0,
        started_at=None,
        finished_at=None,
    )
    if waiting:
        try:
            run_import_job.enqueue(str(job.pk))
        except Exception:
            logger.exception("import job %s could not be enqueued", job.pk)
            shutil.rmtree(job_dir(job.pk), ignore_errors=True)
            ImportJob.objects.filter(pk=job.pk).update(
                state=ImportJobState.FAILED,
                message=NOT_QUEUED_MESSAGE,
                finished_at=timezone.now(),
            )
    job.refresh_from_db()
    return job


def cancel(job: ImportJob) -> ImportJob:
    """The user does not confirm: the job ends as the refused import it was, and its
    upload is removed."""
    if ImportJob.objects.filter(pk=job.pk, state=ImportJobState.CONFIRM).update(
        state=ImportJobState.DONE
    ):
        shutil.rmtree(job_dir(job.pk), ignore_errors=True)
    job.refresh_from_db()
    return job


def get(job_id: uuid.UUID | str, user: Any) -> ImportJob | None:
    """The job, only for the user who started it; its progress as last written."""
    try:
        job = ImportJob.objects.get(pk=job_id, user_id=user.pk)
    except (ImportJob.DoesNotExist, ValidationError, ValueError):
        return None
    if job.state == ImportJobState.RUNNING:
        _read_progress_file(job)
    return job


def unfinished(user: Any, limit: int = 10) -> list[ImportJob]:
    """The user's imports that wait for a worker, run, or wait for the user's
    confirmation, newest first."""
    return list(
        ImportJob.objects.filter(
            user_id=user.pk,
            state__in=[ImportJobState.WAITING, ImportJobState.RUNNING, ImportJobState.CONFIRM],
        ).order_by("-created_at")[:limit]
    )


def status(job: ImportJob) -> dict[str, Any]:
    """What the import page polls (no personal values)."""
    return {
        "id": str(job.id),
        "state": job.state,
        "percent": job.percent,
        "phase": job.phase,
        "phase_text": job.phase_text,
        # The page reloads once the worker is done with it (also to ask for a confirmation).
        "done": job.state in (ImportJobState.DONE, ImportJobState.FAILED, ImportJobState.CONFIRM),
        "message": job.message,
    }


def shown_errors(job: ImportJob) -> tuple[list[dict[str, Any]], bool]:
    """The rejected rows as the page shows them, and whether their values are
    still shown (only within VALUES_KEPT of the job's end)."""
    errors = list((job.result or {}).get("errors", []))
    values = job.rejected_values
    keep = (
        values is not None
        and job.finished_at is not None
        and job.finished_at > timezone.now() - VALUES_KEPT
    )
    if not keep:
        return [{**e, "value": ""} for e in errors], False
    return [{**e, "value": v} for e, v in zip(errors, values, strict=False)], True


def forget_values(*, dry_run: bool = False) -> int:
    """Empty the offending values of jobs that finished more than VALUES_KEPT
    ago; the number of jobs (that would be) emptied. Also ends the jobs that
    waited longer for a confirmation, removing their uploads."""
    cutoff = timezone.now() - VALUES_KEPT
    expired = ImportJob.objects.filter(finished_at__lt=cutoff, rejected_values__isnull=False)
    if dry_run:
        return expired.count()
    # Refused extracts nobody confirmed: their uploads go, the jobs end as refused.
    unconfirmed = ImportJob.objects.filter(state=ImportJobState.CONFIRM, finished_at__lt=cutoff)
    for job_id in unconfirmed.values_list("pk", flat=True):
        shutil.rmtree(job_dir(job_id), ignore_errors=True)
    unconfirmed.update(state=ImportJobState.DONE)
    return expired.update(rejected_values=None)


# --- the worker side --------------------------------------------------------------


@task(takes_context=True)
def run_import_job(context: TaskContext, job_id: str) -> dict[str, Any] | None:
    """Run the import of job `job_id` (a task: runs in a `rbl db_worker` process)."""
    claimed = ImportJob.objects.filter(pk=job_id, state=ImportJobState.WAITING).update(
        state=ImportJobState.RUNNING,
        started_at=timezone.now(),
        task_id=str(context.task_result.id)[:64],
    )
    if not claimed:  # gone (its user was deleted), or already run by an earlier attempt
        logger.warning("import job %s is not waiting; not run again", job_id)
        if not ImportJob.objects.filter(pk=job_id).exists():
            shutil.rmtree(job_dir(job_id), ignore_errors=True)
        return None
    job = ImportJob.objects.select_related("user").get(pk=job_id)
    directory = job_dir(job.id)
    path = directory / UPLOAD_NAME
    progress = ProgressWriter(job.id, directory)
    keep_upload = False
    try:
        if not path.exists():
            raise FileNotFoundError(
                f"upload of import job {job.id} not found under MEDIA_ROOT: "
                "web and worker processes must share RBL_MEDIA_ROOT"
            )
        result = run_import(
            job.kind,
            path,
            user=job.user,
            file_name=job.file_name,
            progress=progress,
            **_import_options(job.options),
        )
        # Refused for its departures: the upload waits for the user's confirmation.
        keep_upload = bool(result.departures)
    except Exception:
        logger.exception("import job %s (%s) failed", job.id, job.kind)  # BSNs masked by the filter
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJobState.FAILED,
            message=FAILED_MESSAGE,
            phase=progress.phase,
            finished_at=timezone.now(),
        )
        raise ImportJobFailed(f"import job {job.id} failed") from None
    finally:
        progress.close()
        if keep_upload:
            (directory / PROGRESS_NAME).unlink(missing_ok=True)
        else:
            shutil.rmtree(directory, ignore_errors=True)
    data = result.as_json()
    errors = data.pop("errors")
    data["errors"] = [{k: e[k] for k in ("line", "column", "reason")} for e in errors]
    data["error_count"] = result.error_count
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.CONFIRM if keep_upload else ImportJobState.DONE,
        phase=progress.phase,
        done=progress.total,
        total=progress.total,
        result=data,
        rejected_values=[e["value"] for e in errors] if errors else None,
        log_id=result.log_id,
        finished_at=timezone.now(),
    )
    logger.info(
        "import job %s (%s) done: %d progress writes, %d skipped, %.3f s writing",
        job.id,
        job.kind,
        progress.written,
        progress.skipped,
        progress.seconds,
    )
    forget_values()
    return {"import_job": str(job.id), "import_log": result.log_id, "counts": result.counts()}


def _import_options(options: dict[str, Any]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"skip_invalid": bool(options.get("skip_invalid"))}
    if options.get("municipalities"):
        kwargs["municipalities"] = list(options["municipalities"])
    if options.get("peildatum"):
        kwargs["peildatum"] = dt.date.fromisoformat(options["peildatum"])
    if options.get(ACCEPT_DEPARTURES):
        kwargs["extra"] = {ACCEPT_DEPARTURES: True}
    return kwargs


class ProgressWriter:
    """The progress callback of `run_import` for a job: keeps the last (done,
    total, phase) and writes it at most every `interval` seconds (a new phase at
    once) where other processes can read it: the job row through a connection
    of its own (PostgreSQL) or the job's progress file (SQLite); see the module
    docstring for why."""

    def __init__(
        self, job_id: uuid.UUID, directory: Path, *, interval: float = PROGRESS_INTERVAL
    ) -> None:
        self.job_id = job_id
        self.directory = directory
        self.interval = interval
        self.to_file = connection.vendor == "sqlite"
        self.done = 0
        self.total = 0
        self.phase = "lezen"
        self.written = 0
        self.skipped = 0
        self.seconds = 0.0
        self._last = float("-inf")
        self._connection: Any = None

    def __call__(self, done: int, total: int, phase: str = "lezen") -> None:
        self.done, self.total = done, total
        now = time.monotonic()
        if phase == self.phase and now - self._last < self.interval:
            return
        self.phase = phase
        self._last = now
        self._write()
        self.seconds += time.monotonic() - now

    def _write(self) -> None:
        if self.to_file:
            self._write_file()
        else:
            self._write_row()

    def _write_file(self) -> None:
        data = json.dumps({"done": self.done, "total": self.total, "phase": self.phase})
        part = self.directory / f".{PROGRESS_NAME}.part"
        try:
            part.write_text(data, encoding="ascii")
            os.replace(part, self.directory / PROGRESS_NAME)
            self.written += 1
        except OSError:
            self.skipped += 1
            logger.debug("import job %s: progress file not written", self.job_id)

    def _write_row(self) -> None:
        try:
            if self._connection is None:
                # Its own connection (autocommit): each write is a short transaction
                # of its own, visible at once, whatever the import's transaction does.
                self._connection = connection.copy()
                with self._connection.cursor() as cursor:
                    cursor.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")
            with self._connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {ImportJob._meta.db_table} SET done = %s, total = %s, phase = %s "
                    "WHERE id = %s",
                    [self.done, self.total, self.phase, self.job_id],
                )
                updated = cursor.rowcount
        except DatabaseError:
            updated = 0
            logger.debug("import job %s: progress write skipped", self.job_id, exc_info=True)
        if updated:
            self.written += 1
        else:  # the lock was not had in time (or the row is not visible to others)
            self.skipped += 1

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except DatabaseError:
                pass
            self._connection = None


def _read_progress_file(job: ImportJob) -> None:
    """SQLite: the running job's progress from its file (see the module docstring)."""
    try:
        data = json.loads((job_dir(job.id) / PROGRESS_NAME).read_text(encoding="ascii"))
        job.done, job.total, job.phase = int(data["done"]), int(data["total"]), str(data["phase"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
