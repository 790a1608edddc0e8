from __future__ import annotations

import datetime as dt

import pytest

from rbl.organisation.models import Municipality
from tests.factories import RegionFactory

TODAY = dt.date(2025, 3, 3)


@pytest.fixture
def aalten(db) -> Municipality:
    return Municipality.objects.create(code="0197", name="Aalten", region=RegionFactory())


@pytest.fixture
def winterswijk(db) -> Municipality:
    return Municipality.objects.create(code="0294", name="Winterswijk", region=RegionFactory())


@pytest.fixture
def write(tmp_path):
    counter = {"n": 0}

    def _write(text: str) -> object:
        counter["n"] += 1
        path = tmp_path / f"file{counter['n']}.csv"
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def rbl_import(capsys):
    """Runs `rbl import KIND FILE --json`; returns (exit code, parsed JSON)."""
    import json

    from django.core.management import call_command

    def _run(kind: str, path, *args: str) -> tuple[int, dict]:
        code = 0
        try:
            call_command("import", kind, str(path), "--json", *args)
        except SystemExit as exc:
            code = exc.code
        return code, json.loads(capsys.readouterr().out)

    return _run
