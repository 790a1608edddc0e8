"""`rbl status` as a user runs it: exit codes, JSON shape, Dutch text, no database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rbl.cli import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    try:
        main(["rbl", "status", *args])
        code = 0
    except SystemExit as exit_:
        code = exit_.code or 0
    out, err = capsys.readouterr()
    return code, out, err


def test_json_answer(capsys):
    code, out, _ = run(
        capsys, "--geboortedatum", "2008-02-29", "--peildatum", "2026-02-28", "--json"
    )
    assert code == 0
    assert json.loads(out) == {
        "status": "kwalificatieplichtig",
        "leerplicht_vanaf": "2013-04-01",
        "leerplicht_tot": "2024-07-31",
        "kwalificatieplicht_tot": "2026-02-28",
        "rmc_tot": "2031-02-28",
    }


def test_json_with_startkwalificatie_before_end_of_leerplicht(capsys):
    code, out, _ = run(
        capsys,
        "--geboortedatum=2008-09-10",
        "--peildatum=2025-09-01",
        "--startkwalificatie=2025-06-20",
        "--json",
    )
    assert code == 0
    answer = json.loads(out)
    assert answer["status"] == "geen"
    assert answer["kwalificatieplicht_tot"] is None and answer["rmc_tot"] is None


def test_human_answer_is_dutch(capsys):
    code, out, _ = run(capsys, "--geboortedatum", "2019-06-15", "--peildatum", "2024-07-01")
    assert code == 0
    assert "Status op 1 juli 2024: leerplichtig" in out
    assert "1 juli 2024 t/m 31 juli 2035" in out
    assert "RMC-doelgroep" in out


@pytest.mark.parametrize(
    "args,option",
    [
        (["--geboortedatum", "2010-02-30", "--peildatum", "2024-01-01"], "--geboortedatum"),
        (["--geboortedatum", "2010-01-01", "--peildatum", "1-1-2024"], "--peildatum"),
        (
            ["--geboortedatum", "2010-01-01", "--peildatum", "2024-01-01"]
            + ["--startkwalificatie", "2009-01-01"],
            "--startkwalificatie",
        ),
    ],
)
def test_bad_dates_exit_1_with_a_dutch_reason(capsys, args, option):
    code, out, err = run(capsys, *args)
    assert code == 1
    assert option in err and "Traceback" not in err
    code, out, err = run(capsys, *args, "--json")
    assert code == 1
    errors = json.loads(out)["errors"]
    assert [e["option"] for e in errors] == [option]
    assert errors[0]["reason"]


def test_missing_option_is_wrong_usage(capsys):
    code, _, err = run(capsys, "--geboortedatum", "2010-01-01")
    assert code == 2
    assert "--peildatum" in err


def test_touches_no_database(tmp_path: Path):
    db = tmp_path / "nergens.sqlite3"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["RBL_DB"] = str(db)
    env["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"  # unreachable on purpose
    result = subprocess.run(
        [sys.executable, "-m", "rbl", "status", "--geboortedatum", "2010-05-05"]
        + ["--peildatum", "2024-05-05", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "leerplichtig"
    assert not db.exists()
