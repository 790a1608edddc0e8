"""`rbl backup FILE`: a consistent backup of the database and the stored
documents while the application keeps running.

The database comes first, as one snapshot:

- PostgreSQL: a REPEATABLE READ transaction exports its snapshot, reads the
  applied migrations and the waiting imports in it, and `pg_dump
  --format=custom --snapshot=…` dumps exactly that snapshot while the
  transaction stays open;
- SQLite: Python's online backup API copies the database in one step (a
  read transaction; in WAL mode writers carry on meanwhile).

Then the documents under RBL_MEDIA_ROOT. Stored documents are never changed
(a correction is a new document), so every document the snapshot refers to is
there. Uploads waiting for a worker (`private/imports/<job>/`) go along only
for the imports the snapshot holds as waiting or running: after a restore the
queue holds those tasks and their workers need the files; the folder of any
other job is an upload that is finished (its file is removed when the task
ends) or that the snapshot does not know.

The archive is written under a temporary name beside FILE (mode 0600: it
holds personal data) and renamed to FILE when complete.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from rbl.core.logfilter import redact
from rbl.operations import pgtools
from rbl.operations.archive import (
    DATABASE_FILES,
    MEDIA_PREFIX,
    Manifest,
    add_file,
    add_manifest,
)
from rbl.registry.models import ImportJob, ImportJobState

logger = logging.getLogger(__name__)

# Folders of a restore in progress at the top of MEDIA_ROOT (rbl.operations.restore).
WORK_PREFIX = ".rbl-"
IMPORTS = ("private", "imports")

ByteProgress = Callable[[int, int, str], None]


class BackupFailed(Exception):
    """The backup could not be made; the message is Dutch. No FILE was written."""


@dataclass
class BackupResult:
    path: Path
    manifest: Manifest
    size: int

    @property
    def database(self) -> dict[str, Any]:
        return self.manifest.database

    @property
    def documents(self) -> int:
        return len(self.manifest.media_files)

    @property
    def documents_size(self) -> int:
        return sum(f["size"] for f in self.manifest.media_files)


def rbl_version() -> str:
    try:
        return importlib.metadata.version("rbl")
    except importlib.metadata.PackageNotFoundError:
        return "onbekend"


def make_backup(path: Path, progress: ByteProgress | None = None) -> BackupResult:
    """Write the backup archive to `path`; BackupFailed when it cannot be made."""
    path = Path(path).absolute()
    if path.is_dir():
        raise BackupFailed(f"{path} is een map; geef een bestandsnaam.")
    if not path.parent.is_dir():
        raise BackupFailed(f"De map {path.parent} bestaat niet.")
    media_root = Path(settings.MEDIA_ROOT).resolve()
    if path.resolve().is_relative_to(media_root):
        raise BackupFailed(
            f"Schrijf de reservekopie buiten RBL_MEDIA_ROOT ({media_root}): een herstel "
            "vervangt die map."
        )
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupFailed(f"Reservekopieën van een {vendor}-database kan RBL niet maken.")
    created_at = timezone.localtime().isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory(prefix="rbl-backup-", dir=path.parent) as work:
        dump = Path(work) / DATABASE_FILES[vendor]
        try:
            if vendor == "postgresql":
                database, migrations, waiting = _dump_postgresql(dump)
            else:
                database, migrations, waiting = _copy_sqlite(dump)
        except pgtools.PgToolError as exc:
            raise BackupFailed(str(exc)) from None
        except DatabaseError as exc:
            raise BackupFailed(f"De database gaf een fout: {redact(str(exc)).strip()}") from None
        database["file"] = dump.name
        manifest = Manifest(created_at, rbl_version(), database, migrations)
        partial = Path(work) / "archief.tar"
        _write_archive(partial, dump, manifest, waiting, progress, skip={path})
        os.replace(partial, path)
    result = BackupResult(path, manifest, path.stat().st_size)
    logger.info("backup written: %s, %d bytes, %d documents", path, result.size, result.documents)
    return result


def _dump_postgresql(target: Path) -> tuple[dict[str, Any], dict[str, str], set[str]]:
    major = pgtools.server_major(connection)
    pg_dump, tool_version = pgtools.matching_tool("pg_dump", major)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
        snapshot, server_version = cursor.fetchone()
        migrations = _latest_migrations(cursor)
        waiting = _waiting_imports(cursor)
        run = subprocess.run(
            [
                str(pg_dump),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={target}",
                "--no-password",
            ],
            env=pgtools.libpq_env(connection.settings_dict),
            capture_output=True,
            text=True,
        )
    if run.returncode != 0:
        raise pgtools.failure("pg_dump", run.stderr)
    database = {
        "vendor": "postgresql",
        "server_version": server_version,
        "dump": f"pg_dump {tool_version} --format=custom",
        "dump_major": int(tool_version.split(".")[0]),
    }
    return database, migrations, waiting


def _copy_sqlite(target: Path) -> tuple[dict[str, Any], dict[str, str], set[str]]:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise BackupFailed(
            "Een reservekopie kan niet binnen een lopende transactie worden gemaakt."
        )
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): a consistent copy, whatever other processes write.
        connection.connection.backup(copy)
        cursor = copy.cursor()
        migrations = _latest_migrations(cursor)
        waiting = _waiting_imports(cursor)
    finally:
        copy.close()
    database = {
        "vendor": "sqlite",
        "server_version": sqlite3.sqlite_version,
        "dump": "sqlite3 online backup",
    }
    return database, migrations, waiting


def _has_table(cursor: Any, table: str) -> bool:
    if connection.vendor == "postgresql":
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
    else:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [table]
        )
    return bool(cursor.fetchone()[0])


def _latest_migrations(cursor: Any) -> dict[str, str]:
    """The last migration applied of each app, in the snapshot."""
    if not _has_table(cursor, "django_migrations"):
        return {}
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = name
    return latest


def _waiting_imports(cursor: Any) -> set[str]:
    """Ids (as in their folder names) of the web imports the snapshot holds as
    waiting or running."""
    table = ImportJob._meta.db_table
    if not _has_table(cursor, table):
        return set()
    states = ", ".join(f"'{s.value}'" for s in (ImportJobState.WAITING, ImportJobState.RUNNING))
    cursor.execute(f"SELECT id FROM {table} WHERE state IN ({states})")
    return {str(uuid.UUID(str(row[0]))) for row in cursor.fetchall()}


def media_files(media_root: Path, waiting: set[str], skip: set[Path]) -> Iterator[Path]:
    """The files under MEDIA_ROOT that belong in a backup, sorted."""
    if not media_root.is_dir():
        return
    for directory, subdirs, files in os.walk(media_root):
        here = Path(directory)
        relative = here.relative_to(media_root).parts
        if not relative:
            subdirs[:] = [d for d in subdirs if not d.startswith(WORK_PREFIX)]
        if relative == IMPORTS:
            subdirs[:] = [d for d in subdirs if d in waiting]
        subdirs.sort()
        for name in sorted(files):
            file = here / name
            if file in skip or (not relative and name.startswith(WORK_PREFIX)):
                continue
            if file.is_file() and not file.is_symlink():
                yield file


def _write_archive(
    partial: Path,
    dump: Path,
    manifest: Manifest,
    waiting: set[str],
    progress: ByteProgress | None,
    skip: set[Path],
) -> None:
    media_root = Path(settings.MEDIA_ROOT).absolute()
    files = list(media_files(media_root, waiting, skip | {partial}))
    total = dump.stat().st_size + sum(_size(f) for f in files)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total, "lezen")

    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out, tarfile.open(fileobj=out, mode="w:") as tar:
            with open(dump, "rb") as fh:
                entry = add_file(tar, dump.name, fh, step)
            manifest.database["size"] = entry["size"]
            manifest.files.append(entry)
            for file in files:
                name = MEDIA_PREFIX + file.relative_to(media_root).as_posix()
                try:
                    fh = open(file, "rb")
                except FileNotFoundError:  # removed since the listing (an import finished)
                    continue
                with fh:
                    manifest.files.append(add_file(tar, name, fh, step))
            add_manifest(tar, manifest)
            out.flush()
            os.fsync(out.fileno())
    except (OSError, tarfile.TarError) as exc:
        raise BackupFailed(f"Schrijven van de reservekopie is mislukt: {exc}") from None


def _size(file: Path) -> int:
    try:
        return file.stat().st_size
    except FileNotFoundError:
        return 0
