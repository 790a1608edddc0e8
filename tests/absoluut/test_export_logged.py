"""`rbl absoluut --csv` writes BSNs: like every export it leaves an access-log
entry per person written, for the user who ran it (R-62)."""

from __future__ import annotations

import csv
import getpass

import pytest

from rbl.audit.models import AccessLogEntry, Action
from rbl.registry.models import Person

from .test_command import DAY, D, population, rbl_absoluut  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db


def test_the_csv_export_is_in_the_access_log(capsys, population, tmp_path):  # noqa: F811
    rbl_absoluut(capsys, "--peildatum", D.isoformat())
    assert not AccessLogEntry.objects.exists()  # the check alone exports nothing
    path = tmp_path / "signalen.csv"
    code, _, _ = rbl_absoluut(capsys, "--peildatum", (D + DAY).isoformat(), "--csv", str(path))
    assert code == 0
    written = {row["bsn"] for row in csv.DictReader(path.open(encoding="utf-8"))}
    assert written
    entries = AccessLogEntry.objects.filter(action=Action.EXPORT)
    logged = Person.objects.filter(pk__in=[e.person_id for e in entries])
    assert {p.bsn for p in logged} == written
    assert len(entries) == len(written)
    entry = entries.first()
    assert entry.username == f"{getpass.getuser()} (opdrachtregel)"
    assert entry.user_id is None
    assert "absoluut verzuim" in entry.purpose and entry.path == "rbl absoluut --csv"
    for bsn in written:  # never a BSN in the log line itself
        assert bsn not in entry.purpose and bsn not in entry.path


def test_without_csv_nothing_is_logged_as_an_export(capsys, population):  # noqa: F811
    rbl_absoluut(capsys, "--peildatum", D.isoformat(), "--json")
    assert not AccessLogEntry.objects.filter(action=Action.EXPORT).exists()
