"""Imports started from the import page run in a background thread, so the
page can show progress; the page polls `status(job_id)`.

The job state lives in this process's memory (what the importing user sees,
including the offending values of rejected rows: they hold the file). The
stored record is the ImportLog of `run_import`, without personal values.
Run the web application as one process (or with sticky sessions) to follow
progress; a finished import is always visible in the import log.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import OperationalError, connections

from rbl.registry.imports import run_import

logger = logging.getLogger("rbl.web.imports")

_MAX_JOBS = 200


@dataclass
class ImportJob:
    id: str
    user_id: int
    kind: str
    file_name: str
    state: str = "wacht"  # wacht, bezig, klaar, mislukt
    done: int = 0
    total: int = 0
    phase: str = "lezen"  # lezen (reading the file), verwerken (merging into the registry)
    result: dict[str, Any] | None = None
    log_id: int | None = None
    message: str = ""
    started: dt.datetime = field(default_factory=dt.datetime.now)

    @property
    def percent(self) -> int:
        if self.state == "klaar":
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def phase_text(self) -> str:
        if self.state in ("klaar", "mislukt"):
            return ""
        if self.phase == "verwerken":
            return "Bestand gelezen; de gegevens worden verwerkt."
        return "Het bestand wordt gelezen."

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "state": self.state,
            "percent": self.percent,
            "phase": self.phase,
            "phase_text": self.phase_text,
            "done": self.state in ("klaar", "mislukt"),
            "message": self.message,
        }


_jobs: dict[str, ImportJob] = {}
_lock = threading.Lock()


def get(job_id: str, user: Any) -> ImportJob | None:
    """The job, only for the user who started it."""
    with _lock:
        job = _jobs.get(job_id)
    if job is None or job.user_id != user.pk:
        return None
    return job


def _store(job: ImportJob) -> None:
    with _lock:
        if len(_jobs) >= _MAX_JOBS:
            finished = [j for j in _jobs.values() if j.state in ("klaar", "mislukt")]
            for old in sorted(finished, key=lambda j: j.started)[: len(_jobs) - _MAX_JOBS + 1]:
                _jobs.pop(old.id, None)
        _jobs[job.id] = job


_WRITE_ATTEMPTS = 10


def _save_upload(upload: UploadedFile) -> Path:
    fd, name = tempfile.mkstemp(prefix="rbl-import-", suffix=".csv")
    with os.fdopen(fd, "wb") as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
    return Path(name)


def _import_when_writable(
    job: ImportJob, path: Path, user: Any, progress: Any, options: dict[str, Any]
) -> Any:
    """Run the import; while SQLite reports another writer holding the database
    (e.g. the request that started this thread still saving its session), wait
    and try again. The import is atomic, so a failed attempt changed nothing."""
    for attempt in range(_WRITE_ATTEMPTS):
        try:
            return run_import(
                job.kind, path, user=user, file_name=job.file_name, progress=progress, **options
            )
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == _WRITE_ATTEMPTS - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    raise AssertionError("unreachable")


def _run(job: ImportJob, path: Path, user: Any, options: dict[str, Any]) -> None:
    def progress(done: int, total: int, phase: str = "lezen") -> None:
        job.done, job.total, job.phase = done, total, phase

    job.state = "bezig"
    try:
        result = _import_when_writable(job, path, user, progress, options)
        job.result = result.as_json()
        job.log_id = result.log_id
        job.state = "klaar"
    except Exception:  # the page must say it failed; details go to the log, without data
        logger.exception("import %s (%s) failed", job.id, job.kind)  # BSNs masked by the filter
        job.state = "mislukt"
        job.message = "De import is mislukt door een fout in het systeem. Er is niets gewijzigd."
    finally:
        path.unlink(missing_ok=True)


def start(
    user: Any,
    kind: str,
    upload: UploadedFile,
    *,
    municipalities: list[str] | None = None,
    peildatum: dt.date | None = None,
    skip_invalid: bool = False,
) -> ImportJob:
    """Save the upload and import it; in a background thread unless the setting
    RBL_WEB_IMPORT_SYNC is true (then the import has finished on return)."""
    job = ImportJob(id=uuid.uuid4().hex, user_id=user.pk, kind=kind, file_name=upload.name[:255])
    path = _save_upload(upload)
    options: dict[str, Any] = {"skip_invalid": skip_invalid}
    if municipalities:
        options["municipalities"] = municipalities
    if peildatum:
        options["peildatum"] = peildatum
    _store(job)
    if settings.RBL_WEB_IMPORT_SYNC:
        _run(job, path, user, options)
        return job

    def work() -> None:
        try:
            _run(job, path, user, options)
        finally:
            connections.close_all()  # this thread's own connections

    threading.Thread(target=work, name=f"import-{job.id[:8]}", daemon=True).start()
    return job
