"""`rbl backup` and `rbl herstel` (R-64), on SQLite and PostgreSQL: back up,
change data and documents, restore, and find exactly the data and documents
of the backup."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import tarfile
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection

from rbl.accounts.models import SecurityEvent, SecurityEventKind, User
from rbl.cases.models import Task
from rbl.letters.models import Document
from rbl.registry.imports.jobs import job_dir
from rbl.registry.models import ImportJob, ImportJobState, Person
from tests.factories import PersonFactory
from tests.operations.conftest import add_document, media_contents, table_contents

pytestmark = pytest.mark.django_db(transaction=True)


def test_restore_brings_back_exactly_the_data_and_documents_of_the_backup(
    world, media, tmp_path, run, client
):
    kept = Document.objects.get()
    data_before, files_before = table_contents(), media_contents(media)
    archive = tmp_path / "rbl.tar"

    code, out, _ = run("backup", str(archive))

    assert code == 0
    assert f"Reservekopie geschreven: {archive}" in out
    assert "documenten: 1 bestanden" in out
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds personal data

    # A day's work after the backup: rows added, changed and deleted, a table of a
    # newer version, a document added and one lost from the disk.
    PersonFactory(municipality=world.aalten, surname="Nieuw")
    Person.objects.filter(pk=world.persons["own"].pk).update(surname="Gewijzigd")
    Task.objects.filter(case=world.cases["other"]).delete()
    User.objects.filter(username="beleid-winterswijk").update(is_active=False)
    added = add_document(world, "Later toegevoegd", b"tweede")
    (media / "private" / kept.file.name).unlink()
    (media / "los-bestand.txt").write_text("na de reservekopie")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE rbl_after_backup (id integer)")
    assert table_contents() != data_before

    code, out, err = run("herstel", str(archive), "--ja")

    assert (code, err) == (0, "")
    assert "Hersteld uit" in out
    assert "2 bestand(en) van na de reservekopie verwijderd" in out
    assert "Voer nu `rbl retentie` uit" in out
    # Exactly the backup's data, plus one line in the security log saying so.
    after = table_contents()
    log_table = SecurityEvent._meta.db_table
    restored_line = [row for row in after[log_table] if row not in data_before[log_table]]
    assert len(restored_line) == 1
    event = SecurityEvent.objects.get(kind=SecurityEventKind.RESTORED)
    assert event.actor == "rbl herstel"
    assert "reservekopie van" in event.detail and "1 documenten" in event.detail
    after[log_table] = data_before[log_table]
    assert after == data_before
    assert media_contents(media) == files_before
    assert not Document.objects.filter(pk=added.pk).exists()
    assert Person.objects.get(pk=world.persons["own"].pk).surname == world.persons["own"].surname
    # The application works on the restored data: the lost document is served
    # again, and new rows get new keys.
    client.force_login(world.users["lpa-aalten"])
    response = client.get(f"/brieven/documenten/{kept.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == (media / "private" / kept.file.name).read_bytes()
    PersonFactory(municipality=world.aalten)


def test_the_manifest_lists_the_database_its_migrations_and_every_file(world, media, tmp_path, run):
    archive = tmp_path / "rbl.tar"
    assert run("backup", str(archive))[0] == 0

    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
        contents = {n: tar.extractfile(n).read() for n in names if n != "manifest.json"}

    assert names[-1] == "manifest.json"  # last: an archive cut short has none
    database = manifest["database"]
    assert database["vendor"] == connection.vendor
    assert (
        database["file"]
        == {"postgresql": "database.dump", "sqlite": "database.sqlite3"}[connection.vendor]
    )
    if connection.vendor == "postgresql":
        assert contents[database["file"]].startswith(b"PGDMP")  # pg_dump's custom format
        assert database["server_version"].split(".")[0] == str(connection.pg_version // 10000)
    else:
        assert contents[database["file"]].startswith(b"SQLite format 3\x00")
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        latest = dict(cursor.fetchall())
    assert manifest["migrations"] == latest
    assert manifest["format_version"] == 1 and manifest["rbl_version"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(contents)
    for name, data in contents.items():
        assert listed[name]["size"] == len(data)
        assert listed[name]["sha256"] == hashlib.sha256(data).hexdigest()
    document = Document.objects.get()
    assert (
        contents[f"media/private/{document.file.name}"]
        == (media / "private" / document.file.name).read_bytes()
    )


def test_uploads_go_along_only_for_imports_still_waiting(world, media, tmp_path, run):
    user = world.users["administratie"]
    waiting = ImportJob.objects.create(user=user, kind="scholen", state=ImportJobState.WAITING)
    done = ImportJob.objects.create(user=user, kind="scholen", state=ImportJobState.DONE)
    orphan = uuid.uuid4()  # an upload being written, not yet a job
    for job_id in (waiting.id, done.id, orphan):
        job_dir(job_id).mkdir(parents=True)
        (job_dir(job_id) / "upload").write_text("brin;naam\n")
    archive = tmp_path / "rbl.tar"

    assert run("backup", str(archive))[0] == 0

    with tarfile.open(archive) as tar:
        imports = {n for n in tar.getnames() if n.startswith("media/private/imports/")}
    assert imports == {f"media/private/imports/{waiting.id}/upload"}
    # Restored, the waiting job finds its upload; the others' folders are gone.
    job_dir(waiting.id).joinpath("upload").unlink()
    assert run("herstel", str(archive), "--ja")[0] == 0
    assert job_dir(waiting.id).joinpath("upload").read_text() == "brin;naam\n"
    assert not job_dir(done.id).exists() and not job_dir(orphan).exists()


def test_a_failed_backup_writes_no_file(world, media, tmp_path, run):
    code, _, err = run("backup", str(tmp_path / "geen-map" / "rbl.tar"))
    assert code == 1
    assert "Geen reservekopie gemaakt: De map" in err
    assert not (tmp_path / "geen-map").exists()

    # Inside RBL_MEDIA_ROOT a restore would replace it.
    code, _, err = run("backup", str(media / "rbl.tar"))
    assert code == 1
    assert "Schrijf de reservekopie buiten RBL_MEDIA_ROOT" in err
    assert not (media / "rbl.tar").exists()


def test_the_rbl_command_backs_up_and_restores_with_exit_codes(world, media, tmp_path):
    """The installed `rbl` command, as cron and an operator run it."""
    env = dict(os.environ, RBL_MEDIA_ROOT=str(media), PYTHONPATH=os.getcwd())
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        if db.get("PASSWORD"):
            env["PGPASSWORD"] = db["PASSWORD"]
    else:  # the suite's SQLite database lives in memory: a file of its own
        env.pop("DATABASE_URL", None)
        env["RBL_DB"] = str(tmp_path / "rbl.sqlite3")
        with closing(sqlite3.connect(env["RBL_DB"])) as copy:
            connection.connection.backup(copy)
    rbl = [sys.executable, "-m", "rbl"]
    archive = tmp_path / "rbl.tar"
    person = world.persons["own"]
    update = f"UPDATE {Person._meta.db_table} SET surname = 'Onaf' WHERE id = {person.pk}"

    # The application keeps working: a write is under way while the backup runs.
    writer = _open_writer(env)
    writer.execute(update)
    made = subprocess.run(
        [*rbl, "backup", str(archive)], env=env, capture_output=True, text=True, timeout=300
    )
    writer.execute("COMMIT")
    writer.close()
    assert made.returncode == 0, made.stderr
    (media / "na-de-backup.txt").write_text("x")

    refused = subprocess.run(
        [*rbl, "herstel", str(archive)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "--ja" in refused.stderr and "Er is niets gewijzigd." in refused.stderr
    assert (media / "na-de-backup.txt").exists()

    restored = subprocess.run(
        [*rbl, "herstel", str(archive), "--ja"], env=env, capture_output=True, text=True
    )
    assert restored.returncode == 0, restored.stderr
    assert not (media / "na-de-backup.txt").exists()
    assert Path(media / "private").is_dir()
    # The backup holds what was committed when it began, not the write under way.
    reader = _open_writer(env)
    surname = reader.execute(
        f"SELECT surname FROM {Person._meta.db_table} WHERE id = {person.pk}"
    ).fetchone()[0]
    reader.close()
    assert surname == person.surname


def _open_writer(env: dict[str, str]):
    """A connection of another process's kind to the database the command uses,
    in a transaction."""
    if "RBL_DB" in env and "DATABASE_URL" not in env:
        db = sqlite3.connect(env["RBL_DB"], isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")  # as RBL runs SQLite
        db.execute("BEGIN IMMEDIATE")
        return db
    import psycopg

    db = psycopg.connect(env["DATABASE_URL"])  # autocommit off: a transaction
    return db
