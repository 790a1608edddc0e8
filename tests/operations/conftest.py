"""Backups and restores (rbl.operations): a small world with stored documents,
the table contents and documents to compare, and the commands run as a user
runs them."""

from __future__ import annotations

import hashlib
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from rbl.letters.models import Document
from rbl.letters.services.documents import upload_document
from tests.web.world import World, build_world

PDF = b"%PDF-1.4\n% RBL test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The world gives every user a password; hashing it the slow, safe way
    would dominate the run time of these tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def world(media) -> World:
    world = build_world()
    add_document(world, "Verklaring school", b"eerste")
    return world


def add_document(world: World, title: str, extra: bytes) -> Document:
    upload = SimpleUploadedFile("verklaring.pdf", PDF + extra, content_type="application/pdf")
    return upload_document(
        upload=upload,
        upload_kind="verklaring",
        title=title,
        author=world.users["lpa-aalten"],
        case=world.cases["own"],
    )


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def table_contents() -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    contents = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows = [tuple(_plain(v) for v in row) for row in cursor.fetchall()]
            contents[table] = sorted(rows, key=repr)
    return contents


def media_contents(media: Path) -> dict[str, str]:
    """Every file under MEDIA_ROOT with its SHA-256."""
    if not media.exists():
        return {}
    return {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(media.rglob("*"))
        if p.is_file()
    }


class Terminal(io.StringIO):
    """Standard input as a terminal where the user types `answer`."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def run(monkeypatch) -> Callable[..., tuple[int, str, str]]:
    """Run an rbl command; (exit code, stdout, stderr). Standard input is no
    terminal unless `typed` is given (the user's answer on a terminal)."""

    def run_command(*args: str, typed: str | None = None) -> tuple[int, str, str]:
        stdin = io.StringIO("") if typed is None else Terminal(typed)
        monkeypatch.setattr(sys, "stdin", stdin)
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command(*args, stdout=out, stderr=err)
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        return code, out.getvalue(), err.getvalue()

    return run_command
