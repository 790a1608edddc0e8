"""`rbl herstel FILE`: put a backup made by `rbl backup` back over the current
database and documents, so that afterwards exactly the backup's data and
documents are there.

In three steps, and nothing changes before the third:

1. `check_backup`: the manifest — an RBL backup, of the same kind of database,
   with no migration this code does not know (a backup of a newer RBL), and
   for PostgreSQL a pg_restore that can read the dump.
2. `prepare_restore`: every file is unpacked into a work folder inside
   RBL_MEDIA_ROOT and checked against the manifest's size and SHA-256.
3. `apply_restore`: the database first, in one transaction —
   PostgreSQL: every table of the current schema is dropped and the dump
   restored (`pg_restore --clean --if-exists` through psql inside one
   BEGIN … COMMIT; the COMMIT is sent only when pg_restore finished without
   error, so any failure leaves the database as it was); SQLite: the online
   backup API copies the backup into the live database in one step. Then the
   documents: the current contents of RBL_MEDIA_ROOT move aside and the
   unpacked ones take their place (renames on one file system), so files
   added after the backup are gone. A backup of an older RBL is migrated to
   this version afterwards.

Stop the web processes and workers for a restore: a request that runs during
it may write to the old documents, and the tables are locked while they are
replaced.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from rbl.operations import pgtools
from rbl.operations.archive import (
    MEDIA_PREFIX,
    BackupRejected,
    Manifest,
    extract_verified,
    open_archive,
    read_manifest,
)
from rbl.operations.backup import WORK_PREFIX

logger = logging.getLogger(__name__)

ByteProgress = Callable[[int, int, str], None]
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}

# Runs first inside the restore's transaction: drop every table, view and
# sequence of the current schema (not those of an extension), so that tables
# a newer migration made since the backup do not survive it.
DROP_ALL = """
SET client_min_messages = warning;
SET lock_timeout = '60s';
DO $rbl$
DECLARE
    drops text[];
    statement text;
BEGIN
    -- Names first, then the drops: a CASCADE may take a later one with it.
    SELECT coalesce(array_agg(format('DROP %s IF EXISTS %s CASCADE',
               CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                              WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE'
                              ELSE 'TABLE' END,
               c.oid::regclass::text) ORDER BY c.relkind = 'S'), '{}')
    INTO drops
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = current_schema()
      AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
      -- not an extension's, not a column's own sequence (it goes with its table)
      AND NOT EXISTS (SELECT 1 FROM pg_depend d
                      WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND d.deptype IN ('e', 'a', 'i'));
    FOREACH statement IN ARRAY drops LOOP
        EXECUTE statement;
    END LOOP;
END
$rbl$;
"""


class RestoreFailed(Exception):
    """The restore stopped; the message is Dutch and says what was changed."""


@dataclass
class PreparedRestore:
    """A backup unpacked and checked in a work folder, not yet applied."""

    archive: Path
    manifest: Manifest
    work: Path

    @property
    def database_file(self) -> Path:
        return self.work / self.manifest.database["file"]

    @property
    def media(self) -> Path:
        return self.work / "media"

    def discard(self) -> None:
        shutil.rmtree(self.work, ignore_errors=True)


@dataclass
class RestoreResult:
    manifest: Manifest
    documents: int
    removed_files: int
    migrations_applied: int


def check_backup(path: Path) -> Manifest:
    """The backup's manifest when it can be restored here; BackupRejected otherwise."""
    with open_archive(Path(path)) as tar:
        manifest = read_manifest(tar)
    vendor = manifest.database["vendor"]
    if vendor != connection.vendor:
        theirs = VENDOR_NAMES.get(vendor, vendor)
        ours = VENDOR_NAMES.get(connection.vendor, connection.vendor)
        raise BackupRejected(
            f"Deze reservekopie is van een {theirs}-database; RBL werkt hier met {ours}. "
            f"Een reservekopie kan alleen in hetzelfde soort database worden hersteld."
        )
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = sorted(
        f"{app}.{name}" for app, name in manifest.migrations.items() if (app, name) not in known
    )
    if unknown:
        raise BackupRejected(
            f"Deze reservekopie is gemaakt met een nieuwere versie van RBL "
            f"({manifest.rbl_version}): deze versie kent {len(unknown)} databasewijziging(en) "
            f"niet, bijvoorbeeld {unknown[0]}. Installeer eerst die versie van RBL."
        )
    if vendor == "postgresql":
        try:
            major = pgtools.server_major(connection)
            _, version = pgtools.matching_tool("pg_restore", major)
            pgtools.matching_tool("psql", major)
        except pgtools.PgToolError as exc:
            raise BackupRejected(str(exc)) from None
        except DatabaseError as exc:
            raise BackupRejected(f"Geen verbinding met de database: {exc}".strip()) from None
        dump_major = int(manifest.database.get("dump_major") or 0)
        if int(version.split(".")[0]) < dump_major:
            raise BackupRejected(
                f"Deze reservekopie is gemaakt met pg_dump {dump_major}; pg_restore hier is "
                f"versie {version} en kan haar niet lezen. Installeer postgresql-client-"
                f"{dump_major} of wijs met RBL_PG_BIN de juiste map aan."
            )
    return manifest


def prepare_restore(path: Path, progress: ByteProgress | None = None) -> PreparedRestore:
    """Unpack and check every file of the backup; BackupRejected (and nothing
    left behind) when one is damaged or missing."""
    manifest = check_backup(path)
    media_root = Path(settings.MEDIA_ROOT).absolute()
    media_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}herstel-", dir=media_root))
    prepared = PreparedRestore(Path(path), manifest, work)
    total = sum(f["size"] for f in manifest.files)
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None:
            progress(done, total, "lezen")

    try:
        prepared.media.mkdir()
        with open_archive(Path(path)) as tar:
            extract_verified(tar, manifest, prepared.database_file, prepared.media, step)
    except BaseException:
        prepared.discard()
        raise
    return prepared


def apply_restore(prepared: PreparedRestore) -> RestoreResult:
    """Replace the database, then the documents; migrate an older backup."""
    try:
        if prepared.manifest.database["vendor"] == "postgresql":
            _restore_postgresql(prepared.database_file)
        else:
            _restore_sqlite(prepared.database_file)
    except BaseException:
        prepared.discard()
        raise
    ContentType.objects.clear_cache()
    documents, removed = _replace_media(prepared)
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    _log_restore(prepared.manifest, documents, len(plan))
    logger.info(
        "restored backup of %s from %s: %d documents, %d later files removed, %d migrations",
        prepared.manifest.created_at,
        prepared.archive,
        documents,
        removed,
        len(plan),
    )
    return RestoreResult(prepared.manifest, documents, removed, len(plan))


def _log_restore(manifest: Manifest, documents: int, migrations: int) -> None:
    """The restore in the security log of the restored database: whoever reads
    the log later sees that what came before this line was put back."""
    from rbl.accounts.models import SecurityEventKind
    from rbl.accounts.security import record
    from rbl.operations.report import moment

    detail = f"reservekopie van {moment(manifest)}, {documents} documenten"
    if migrations:
        detail += f", {migrations} databasewijzigingen bijgewerkt"
    record(SecurityEventKind.RESTORED, actor="rbl herstel", detail=detail)


def _restore_postgresql(dump: Path) -> None:
    major = pgtools.server_major(connection)
    pg_restore, _ = pgtools.matching_tool("pg_restore", major)
    psql, _ = pgtools.matching_tool("psql", major)
    env = pgtools.libpq_env(connection.settings_dict)
    connection.close()  # this process holds no lock on what is replaced
    with tempfile.TemporaryFile() as restore_err, tempfile.TemporaryFile() as psql_err:
        reader = subprocess.Popen(
            [str(pg_restore), "--clean", "--if-exists", "--no-owner", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=restore_err,
            env=env,
        )
        writer = subprocess.Popen(
            [str(psql), "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            env=env,
        )
        assert reader.stdout is not None and writer.stdin is not None
        complete = False
        try:
            writer.stdin.write(b"BEGIN;\n" + DROP_ALL.encode())
            while chunk := reader.stdout.read(1024 * 1024):
                writer.stdin.write(chunk)
            complete = reader.wait() == 0
            if complete:
                # Only now: a pg_restore that stopped half-way never commits.
                writer.stdin.write(b"COMMIT;\n")
            writer.stdin.close()
        except BrokenPipeError:  # psql stopped at an error (ON_ERROR_STOP)
            pass
        finally:
            if reader.poll() is None:
                reader.kill()
            reader.wait()
            writer.wait()
        if writer.returncode != 0:
            psql_err.seek(0)
            raise pgtools.failure("psql", psql_err.read().decode(errors="replace"))
        if not complete:
            restore_err.seek(0)
            raise pgtools.failure("pg_restore", restore_err.read().decode(errors="replace"))


def _restore_sqlite(copy: Path) -> None:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise RestoreFailed("Herstellen kan niet binnen een lopende transactie.")
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        # One step (pages=-1) under the database's write lock: all or nothing.
        source.backup(connection.connection)
    except sqlite3.Error as exc:
        raise RestoreFailed(f"Herstellen van de database is mislukt: {exc}") from None
    finally:
        source.close()


def _replace_media(prepared: PreparedRestore) -> tuple[int, int]:
    """Move the current documents aside and the unpacked ones in; how many
    documents there are now and how many files of the old set are gone."""
    media_root = Path(settings.MEDIA_ROOT).absolute()
    restored = {f["path"][len(MEDIA_PREFIX) :] for f in prepared.manifest.media_files}
    old = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}oud-", dir=media_root))
    try:
        for entry in os.scandir(media_root):
            if not entry.name.startswith(WORK_PREFIX):
                os.rename(entry.path, old / entry.name)
        for entry in os.scandir(prepared.media):
            os.rename(entry.path, media_root / entry.name)
    except OSError as exc:
        raise RestoreFailed(
            f"De database is hersteld, maar het terugzetten van de documenten is mislukt "
            f"({exc.strerror or exc}). De documenten van voor het herstel staan in {old}, "
            f"die uit de reservekopie in {prepared.media}."
        ) from None
    removed = sum(
        1
        for directory, _, files in os.walk(old)
        for name in files
        if (Path(directory) / name).relative_to(old).as_posix() not in restored
    )
    shutil.rmtree(old, ignore_errors=True)
    prepared.discard()
    return len(restored), removed
