"""`rbl absoluut` as scripts of the regions call it: JSON counts, CSV, exit codes."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from django.core.management import call_command

from rbl.absoluut.management.commands.absoluut import Command
from rbl.absoluut.models import Signal
from tests.factories import DiplomaFactory, EnrolmentFactory, ExemptionFactory, PersonFactory

from .conftest import KP_BIRTH, LP_BIRTH, RMC_BIRTH, TODDLER_BIRTH, D

DAY = dt.timedelta(days=1)
pytestmark = pytest.mark.django_db


def rbl_absoluut(capsys, *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        call_command("absoluut", *args)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def population(aalten, winterswijk):
    people = {
        "a_lp": [PersonFactory(municipality=aalten, birth_date=LP_BIRTH) for _ in range(3)],
        "a_lp_enrolled": PersonFactory(municipality=aalten, birth_date=LP_BIRTH),
        "a_kp": PersonFactory(municipality=aalten, birth_date=KP_BIRTH),
        "a_kp_sk": PersonFactory(municipality=aalten, birth_date=KP_BIRTH),
        "a_rmc": PersonFactory(municipality=aalten, birth_date=RMC_BIRTH),
        "a_toddler": PersonFactory(municipality=aalten, birth_date=TODDLER_BIRTH),
        "w_lp": [PersonFactory(municipality=winterswijk, birth_date=LP_BIRTH) for _ in range(2)],
        "w_exempt": PersonFactory(municipality=winterswijk, birth_date=LP_BIRTH),
    }
    EnrolmentFactory(bsn=people["a_lp_enrolled"].bsn, start=D - 100 * DAY)
    DiplomaFactory(bsn=people["a_kp_sk"].bsn, date=D - 10 * DAY)
    ExemptionFactory(bsn=people["w_exempt"].bsn, municipality=winterswijk, start=D - 5 * DAY)
    return people


def test_json_counts(capsys, population):
    code, out, _ = rbl_absoluut(capsys, "--peildatum", D.isoformat(), "--json")
    assert code == 0
    answer = json.loads(out)
    assert {k: answer[k] for k in ("peildatum", "checked", "signals", "new", "closed")} == {
        "peildatum": "2025-01-06",
        "checked": 8,
        "signals": 6,
        "new": 6,
        "closed": 0,
    }

    EnrolmentFactory(bsn=population["a_lp"][0].bsn, start=D + DAY)
    moving = population["w_lp"][0]
    moving.moved_out_on = D + 2 * DAY
    moving.save()
    later = (D + 7 * DAY).isoformat()
    code, out, _ = rbl_absoluut(
        capsys, "--peildatum", later, "--gemeente", "0197", "--gemeente", "0294", "--json"
    )
    answer = json.loads(out)
    assert (answer["checked"], answer["signals"], answer["new"], answer["closed"]) == (7, 4, 0, 2)
    assert answer["closed_by_reason"]["ingeschreven"] == 1
    assert answer["closed_by_reason"]["verhuisd"] == 1

    # only Winterswijk, with both codes after one --gemeente
    code, out, _ = rbl_absoluut(capsys, "--peildatum", later, "--gemeente", "0294", "--json")
    answer = json.loads(out)
    assert (answer["checked"], answer["signals"], answer["new"], answer["closed"]) == (2, 1, 0, 0)
    code, out, _ = rbl_absoluut(
        capsys, "--peildatum", later, "--gemeente", "0294", "0197", "--json"
    )
    assert json.loads(out)["signals"] == 4


def test_csv_lists_the_open_signals(capsys, population, tmp_path):
    path = tmp_path / "signalen.csv"
    run_day = D + 200 * DAY  # 2025-07-25: the kp youth is still kwalificatieplichtig
    code, _, _ = rbl_absoluut(capsys, "--peildatum", D.isoformat())
    code, _, _ = rbl_absoluut(capsys, "--peildatum", run_day.isoformat(), "--csv", str(path))
    assert code == 0
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8").splitlines()))
    assert rows[0] == ["bsn", "gemeentecode", "status", "sinds"]
    expected = sorted(
        [(p.bsn, "0197", "leerplichtig", "2025-01-06") for p in population["a_lp"]]
        + [(population["a_kp"].bsn, "0197", "kwalificatieplichtig", "2025-01-06")]
        + [(p.bsn, "0294", "leerplichtig", "2025-01-06") for p in population["w_lp"]],
        key=lambda row: (row[1], row[0]),
    )
    assert [tuple(r) for r in rows[1:]] == expected


def test_csv_status_is_the_status_on_the_peildatum(capsys, aalten, tmp_path):
    """A signal opened while leerplichtig shows kwalificatieplichtig once leerplicht ended."""
    person = PersonFactory(municipality=aalten, birth_date=KP_BIRTH)
    rbl_absoluut(capsys, "--peildatum", "2024-07-01")
    path = tmp_path / "s.csv"
    rbl_absoluut(capsys, "--peildatum", "2024-09-02", "--csv", str(path))
    assert Signal.objects.get(person=person).status == "leerplichtig"
    assert path.read_text().splitlines()[1] == f"{person.bsn},0197,kwalificatieplichtig,2024-07-01"


def test_human_output_is_dutch(capsys, population):
    code, out, _ = rbl_absoluut(capsys, "--peildatum", D.isoformat())
    assert code == 0
    assert "Controle absoluut verzuim op 6 januari 2025" in out
    assert "nieuwe signalen" in out


@pytest.mark.parametrize(
    "args,option",
    [
        (["--peildatum", "2025-02-30"], "--peildatum"),
        (["--peildatum", "6-1-2025"], "--peildatum"),
        (["--peildatum", "2025-01-06", "--gemeente", "9999"], "--gemeente"),
        (["--peildatum", "2025-01-06", "--csv", "/nonexistent/dir/x.csv"], "--csv"),
    ],
)
def test_rejected_input_exits_1_and_changes_nothing(capsys, population, args, option):
    code, out, err = rbl_absoluut(capsys, *args)
    assert code == 1
    assert option in err and "niets gewijzigd" in err
    code, out, _ = rbl_absoluut(capsys, *args, "--json")
    assert code == 1
    assert json.loads(out)["errors"][0]["option"] == option
    assert not Signal.objects.exists()


def test_missing_peildatum_is_wrong_usage(capsys, db):
    with pytest.raises(SystemExit) as exc:
        Command().run_from_argv(["rbl", "absoluut", "--json"])
    assert exc.value.code == 2
    assert "--peildatum" in capsys.readouterr().err
