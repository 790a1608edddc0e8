"""A real `rbl db_worker` process for tests that need the task queue worked as
in production (browser tests against live_server): the `db_worker` fixture.

The worker is another process, so it has to reach the test database:

- PostgreSQL: by the test database's name (test_<name>, with pytest-xdist's
  _gwN suffix), passed as DATABASE_URL.
- SQLite: pytest-django's test database lives in memory, which no other process
  can open. When a collected test uses the fixture (or `process_database`), the SQLite test database of
  this pytest process becomes a file in a temporary directory instead
  (settings DATABASES TEST NAME; pytest-django adds the _gwN suffix of an xdist
  worker to it); a run without such tests keeps the in-memory database.

The worker runs through tests/run_with_clock.py, so it sees the suite's fixed
clock (tests.clock.NOW, which follows RBL_TEST_NOW) ticking on, as the tests do;
it uses the test's MEDIA_ROOT (a temporary directory) and the database queue
whatever RBL_TASKS_IMMEDIATE says. The fixture stops it at teardown (SIGTERM:
it finishes a task it is running, then exits), before the test database is
flushed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = "db_worker"
#: Fixtures whose tests start other processes on the test database (tests/ops/conftest.py).
FIXTURES = (FIXTURE, "process_database")
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
#: Seconds the worker waits between two looks at an empty queue.
INTERVAL = 0.2
STARTUP_SECONDS = 60

_sqlite_dir: str | None = None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """SQLite: a test database in a file when a test to run uses the worker."""
    global _sqlite_dir
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3" or _sqlite_dir:
        return
    wanted = any(
        any(f in getattr(item, "fixturenames", ()) for f in FIXTURES)
        and not item.get_closest_marker("skip")
        for item in items
    )
    if wanted:
        _sqlite_dir = tempfile.mkdtemp(prefix="rbl-test-db-")
        database.setdefault("TEST", {})["NAME"] = os.path.join(_sqlite_dir, "test.sqlite3")


def pytest_unconfigure(config):
    if _sqlite_dir:
        shutil.rmtree(_sqlite_dir, ignore_errors=True)


@dataclass
class DbWorker:
    """The running worker: its process, its id (in the task results it ran)
    and its output."""

    process: subprocess.Popen
    worker_id: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def _database_environment() -> dict[str, str]:
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = quote(db.get("USER") or "", safe="")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"], safe="")
        port = f":{db['PORT']}" if db.get("PORT") else ""
        host = quote(db.get("HOST") or "", safe="")
        return {"DATABASE_URL": f"postgres://{auth}@{host}{port}/{quote(db['NAME'], safe='')}"}
    if connection.vendor == "sqlite":
        if connection.creation.is_in_memory_db(db["NAME"]):
            pytest.fail(
                "the SQLite test database is in memory, out of a worker process's reach "
                "(tests/worker.py makes it a file when a collected test uses db_worker)"
            )
        return {"RBL_DB": str(db["NAME"])}
    pytest.fail(f"db_worker: no support for {connection.vendor}")


def _stop(worker: DbWorker) -> None:
    process = worker.process
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def db_worker(transactional_db, settings, tmp_path) -> Iterator[DbWorker]:
    """A `rbl db_worker` process working this test's database queue (the test
    process enqueues on the database backend too)."""
    media = tmp_path / "media"
    media.mkdir()
    settings.TASKS = DATABASE_TASKS
    settings.MEDIA_ROOT = str(media)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "RBL_DB", "RBL_TASKS_IMMEDIATE", "DJANGO_SETTINGS_MODULE")
    }
    env.update(_database_environment())
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "rbl.settings",
            "RBL_MEDIA_ROOT": str(media),
            "PYTHONUNBUFFERED": "1",
        }
    )
    worker_id = f"pytest-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "db_worker.log"
    command = [
        sys.executable,
        "-m",
        "tests.run_with_clock",
        "db_worker",
        "--no-reload",
        "--no-startup-delay",
        "--interval",
        str(INTERVAL),
        "--worker-id",
        worker_id,
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker = DbWorker(process, worker_id, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while "Starting worker" not in worker.output():
            if process.poll() is not None:
                pytest.fail(f"db_worker exited with {process.returncode}:\n{worker.output()}")
            if time.monotonic() > deadline:
                pytest.fail(f"db_worker did not start in {STARTUP_SECONDS} s:\n{worker.output()}")
            time.sleep(0.05)
        yield worker
    finally:
        _stop(worker)
