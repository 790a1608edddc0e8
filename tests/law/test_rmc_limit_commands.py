"""`rbl status --rmc-tot-leeftijd N` (no database) and `rbl rmc-leeftijd`
(the national table, logged as a set-up change)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.cli import main
from rbl.law.limits import rmc_limits
from rbl.law.models import RmcAgeLimit


def run(capsys, command: str, *args: str) -> tuple[int, str, str]:
    try:
        main(["rbl", command, *args])
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def manage(*args: str) -> tuple[int, str, str]:
    """`rbl rmc-leeftijd` inside the test's transaction (call_command: the
    command line's runner would close the database connection)."""
    out = StringIO()
    try:
        call_command("rmc-leeftijd", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue(), str(exc)
    return 0, out.getvalue(), ""


BORN_2001 = ["--geboortedatum", "2001-03-10", "--peildatum", "2026-03-11"]


def test_status_with_a_higher_rmc_limit(capsys):
    code, out, _ = run(capsys, "status", *BORN_2001, "--json")
    assert code == 0
    assert json.loads(out)["status"] == "geen"
    assert json.loads(out)["rmc_tot"] == "2024-03-09"
    code, out, _ = run(capsys, "status", *BORN_2001, "--rmc-tot-leeftijd", "27", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["status"] == "rmc"
    assert answer["rmc_tot"] == "2028-03-09"
    assert set(answer) == {
        "status",
        "leerplicht_vanaf",
        "leerplicht_tot",
        "kwalificatieplicht_tot",
        "rmc_tot",
    }
    code, out, _ = run(capsys, "status", *BORN_2001, "--rmc-tot-leeftijd=27")
    assert "Status op 11 maart 2026: RMC-doelgroep" in out
    assert "10 maart 2019 t/m 9 maart 2028" in out


@pytest.mark.parametrize("value", ["18", "31", "zeven", ""])
def test_status_refuses_a_bad_rmc_limit(capsys, value):
    code, _, err = run(capsys, "status", *BORN_2001, "--rmc-tot-leeftijd", value)
    assert code == 1
    assert "--rmc-tot-leeftijd" in err and "Traceback" not in err
    code, out, _ = run(capsys, "status", *BORN_2001, "--rmc-tot-leeftijd", value, "--json")
    assert code == 1
    assert [e["option"] for e in json.loads(out)["errors"]] == ["--rmc-tot-leeftijd"]


@pytest.mark.django_db
def test_rmc_leeftijd_adds_a_limit_and_logs_it():
    code, out, _ = manage()
    assert code == 0 and "tot 23 jaar" in out
    code, out, _ = manage("--vanaf", "2026-08-01", "--leeftijd", "27")
    assert code == 0
    assert "Vanaf 1 augustus 2026: tot 27 jaar" in out
    assert rmc_limits().age_on(dt.date(2026, 7, 31)) == 23
    assert rmc_limits().age_on(dt.date(2026, 8, 1)) == 27
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SETUP_CHANGED)
    assert event.actor == "rbl rmc-leeftijd"
    assert "27 jaar vanaf 2026-08-01" in event.detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,field",
    [
        (["--vanaf", "2026-08-01", "--leeftijd", "17"], "--leeftijd"),
        (["--vanaf", "2026-02-30", "--leeftijd", "27"], "--vanaf"),
        (["--vanaf", "2026-03-10", "--leeftijd", "27"], "--vanaf"),  # yesterday
        (["--vanaf", "2026-08-01"], "--leeftijd"),
    ],
)
def test_rmc_leeftijd_refuses_bad_input_and_changes_nothing(args, field):
    code, _, err = manage(*args)
    assert code == 1
    assert field in err and "Traceback" not in err
    assert not RmcAgeLimit.objects.exists()
    assert not SecurityEvent.objects.exists()


@pytest.mark.django_db
def test_rmc_leeftijd_refuses_a_second_limit_on_the_same_day():
    manage("--vanaf", "2026-08-01", "--leeftijd", "27")
    code, _, err = manage("--vanaf", "2026-08-01", "--leeftijd", "25")
    assert code == 1
    assert "al een leeftijdsgrens" in err
    assert list(RmcAgeLimit.objects.values_list("age", flat=True)) == [27]


@pytest.mark.django_db
def test_the_table_refuses_an_age_the_rule_cannot_use():
    with pytest.raises(IntegrityError), transaction.atomic():
        RmcAgeLimit.objects.create(age=40, valid_from=dt.date(2027, 1, 1))
    assert rmc_limits().age_on(dt.date(2030, 1, 1)) == 23
