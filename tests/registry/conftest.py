from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from rbl.organisation.models import Municipality, Region
from rbl.registry.imports import bulk

PEIL = dt.date(2026, 10, 1)


@pytest.fixture(autouse=True)
def bulk_path_for_small_files(monkeypatch):
    """On PostgreSQL every plain file takes the bulk path (bulk.py) however small, so
    the tests of what an import does hold for both paths: the bulk path on
    PostgreSQL, the Python path on SQLite (and wherever the bulk path steps aside)."""
    monkeypatch.setattr(bulk, "MIN_BYTES", 0)


@pytest.fixture
def region(db):
    region = Region.objects.create(name="Testregio")
    for code, name in [("0197", "Aalten"), ("0294", "Winterswijk"), ("0222", "Doetinchem")]:
        Municipality.objects.create(code=code, name=name, region=region)
    Municipality.objects.create(code="0202", name="Arnhem")  # outside the region
    return region


@pytest.fixture
def write(tmp_path: Path):
    counter = {"n": 0}

    def _write(text: str, name: str | None = None, encoding: str = "utf-8") -> Path:
        counter["n"] += 1
        path = tmp_path / (name or f"file{counter['n']}.csv")
        path.write_bytes(text.encode(encoding))
        return path

    return _write


@pytest.fixture
def rbl_import(capsys):
    """Runs `rbl import ... --json` and returns (exit code, parsed JSON)."""

    def _run(kind: str, path: Path, *args: str) -> tuple[int, dict]:
        code = 0
        try:
            call_command("import", kind, str(path), "--json", *args)
        except SystemExit as exc:
            code = exc.code
        out = capsys.readouterr().out
        return code, json.loads(out)

    return _run
