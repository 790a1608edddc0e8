"""`rbl herstel` refuses, with a Dutch message, exit 1 and nothing changed:
without a terminal and without --ja, when the user does not confirm, for a
damaged or incomplete archive, a backup of another kind of database and one
made by a newer RBL. On PostgreSQL a restore that fails half-way leaves the
database as it was."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import tarfile
from pathlib import Path

import pytest
from django.db import connection

from rbl.operations import pgtools
from rbl.registry.models import Person
from tests.factories import PersonFactory
from tests.operations.conftest import media_contents, table_contents

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def backed_up(world, media, tmp_path, run) -> Path:
    """A backup, then a change to the data and the documents after it."""
    archive = tmp_path / "rbl.tar"
    assert run("backup", str(archive))[0] == 0
    PersonFactory(municipality=world.aalten, surname="Nieuw")
    (media / "na-de-backup.txt").write_text("x")
    return archive


def assert_unchanged(media: Path, data: dict, files: dict) -> None:
    assert table_contents() == data
    assert media_contents(media) == files
    assert not [p for p in media.iterdir() if p.name.startswith(".rbl-")]  # no work folder left


def rewrite(archive: Path, target: Path, change) -> None:
    """Copy the archive member by member; `change(name, data)` returns new data."""
    with tarfile.open(archive) as old, tarfile.open(target, "w:") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))


def test_without_a_terminal_and_without_ja_nothing_is_restored(backed_up, media, run):
    data, files = table_contents(), media_contents(media)

    code, out, err = run("herstel", str(backed_up))

    assert code == 1
    assert "Zonder terminal moet dat vooraf worden bevestigd met --ja" in err
    assert "Er is niets gewijzigd." in err
    assert_unchanged(media, data, files)


def test_on_a_terminal_it_asks_first(backed_up, media, run):
    data, files = table_contents(), media_contents(media)

    code, out, err = run("herstel", str(backed_up), typed="nee\n")

    assert code == 1
    assert "Stop eerst de webapplicatie en de workers" in out and "Typ ja" in out
    assert "niet bevestigd" in err
    assert_unchanged(media, data, files)

    code, out, _ = run("herstel", str(backed_up), typed="ja\n")

    assert code == 0 and "Hersteld uit" in out
    assert not Person.objects.filter(surname="Nieuw").exists()
    assert not (media / "na-de-backup.txt").exists()


def flip_byte_in(name_prefix: str):
    def change(name: str, data: bytes) -> bytes:
        if name.startswith(name_prefix):
            middle = len(data) // 2
            return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
        return data

    return change


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("document", "is beschadigd: media/private/"),
        ("database", "is beschadigd: database."),
        ("cut short", "Misschien is het bestand afgebroken"),
        ("not a tar", "geen reservekopie van RBL of is beschadigd"),
        ("extra file", "een bestand dat niet in de inhoudsopgave staat: media/extra.txt"),
        ("missing file", "is onvolledig: 1 bestand(en) uit de inhoudsopgave ontbreken"),
    ],
)
def test_a_damaged_archive_is_refused(backed_up, media, tmp_path, run, damage, message):
    data, files = table_contents(), media_contents(media)
    broken = tmp_path / "kapot.tar"
    if damage == "document":
        rewrite(backed_up, broken, flip_byte_in("media/"))
    elif damage == "database":
        rewrite(backed_up, broken, flip_byte_in("database."))
    elif damage == "cut short":
        broken.write_bytes(backed_up.read_bytes()[: backed_up.stat().st_size // 2])
    elif damage == "not a tar":
        broken.write_bytes(b"dit is geen archief\n" * 100)
    elif damage == "extra file":
        shutil.copy(backed_up, broken)
        with tarfile.open(broken, "a:") as tar:
            info = tarfile.TarInfo("media/extra.txt")
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))
    else:
        with tarfile.open(backed_up) as old, tarfile.open(broken, "w:") as new:
            for member in old:
                if not member.name.startswith("media/"):
                    new.addfile(member, old.extractfile(member))

    code, _, err = run("herstel", str(broken), "--ja")

    assert code == 1
    assert message in err and "Er is niets gewijzigd." in err
    assert_unchanged(media, data, files)


def edit_manifest(archive: Path, target: Path, edit) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        edit(manifest)
        return json.dumps(manifest).encode()

    rewrite(archive, target, change)


def test_a_backup_of_another_kind_of_database_is_refused(backed_up, media, tmp_path, run):
    data, files = table_contents(), media_contents(media)
    other = {"postgresql": "sqlite", "sqlite": "postgresql"}[connection.vendor]
    foreign = tmp_path / "ander.tar"
    edit_manifest(backed_up, foreign, lambda m: m["database"].update(vendor=other))

    code, _, err = run("herstel", str(foreign), "--ja")

    assert code == 1
    assert "alleen in hetzelfde soort database" in err and "Er is niets gewijzigd." in err
    assert_unchanged(media, data, files)


def test_a_backup_of_a_newer_rbl_is_refused(backed_up, media, tmp_path, run):
    data, files = table_contents(), media_contents(media)
    newer = tmp_path / "nieuwer.tar"
    edit_manifest(
        backed_up,
        newer,
        lambda m: m.update(
            rbl_version="9.0", migrations={**m["migrations"], "registry": "0999_uit_de_toekomst"}
        ),
    )

    code, _, err = run("herstel", str(newer), "--ja")

    assert code == 1
    assert "gemaakt met een nieuwere versie van RBL (9.0)" in err
    assert "registry.0999_uit_de_toekomst" in err and "Er is niets gewijzigd." in err
    assert_unchanged(media, data, files)


def fake_program(directory: Path, name: str, script: str) -> None:
    path = directory / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.mark.postgres
def test_a_restore_that_fails_half_way_changes_nothing(
    backed_up, media, tmp_path, run, settings, on_postgres
):
    if not on_postgres:
        pytest.skip("PostgreSQL: pg_restore")
    data, files = table_contents(), media_contents(media)
    major = pgtools.server_major(connection)
    real = pgtools.find_tool("psql", major)
    tools = tmp_path / "bin"
    tools.mkdir()
    os.symlink(real, tools / "psql")
    # A pg_restore that stops with an error after its first statement; by then
    # every table of the current database has been dropped.
    fake_program(
        tools,
        "pg_restore",
        f'[ "$1" = --version ] && echo "pg_restore (PostgreSQL) {major}.0" && exit 0\n'
        'echo "CREATE TABLE rbl_half (id integer);"; echo "pg_restore: fout: kapot" >&2; exit 1',
    )
    settings.RBL_PG_BIN = str(tools)

    code, _, err = run("herstel", str(backed_up), "--ja")

    assert code == 1
    assert "pg_restore is mislukt" in err and "pg_restore: fout: kapot" in err
    assert "De database is teruggedraaid. Er is niets gewijzigd." in err
    assert_unchanged(media, data, files)


def test_a_pg_dump_older_than_the_server_is_named(tmp_path, settings):
    fake_program(tmp_path, "pg_dump", 'echo "pg_dump (PostgreSQL) 9.6.24"')
    settings.RBL_PG_BIN = str(tmp_path)

    with pytest.raises(pgtools.PgToolError) as refused:
        pgtools.matching_tool("pg_dump", 15)

    assert "versie 9.6, ouder dan de databaseserver (PostgreSQL 15)" in str(refused.value)
    assert "postgresql-client-15" in str(refused.value)
    with pytest.raises(pgtools.PgToolError, match="pg_restore niet gevonden in"):
        pgtools.find_tool("pg_restore", 15)


def test_the_server_matching_pg_dump_is_preferred(settings, monkeypatch, tmp_path):
    settings.RBL_PG_BIN = ""
    debian = tmp_path / "15" / "bin"
    debian.mkdir(parents=True)
    fake_program(debian, "pg_dump", "exit 0")
    monkeypatch.setattr(pgtools, "DEBIAN_BIN", str(tmp_path / "{major}" / "bin"))

    assert pgtools.find_tool("pg_dump", 15) == debian / "pg_dump"
    assert pgtools.find_tool("pg_dump", 16) == Path(shutil.which("pg_dump") or "")
