"""docs/crontab.example cannot rot: every line is run as cron would run it
(its variables, `\\%` for `%`, bash) against a test database, in the file's
order, with deliveries in the inbox; each must succeed and do its work."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from rbl.cases.models import VerzuimMelding
from rbl.core.bsn import make_bsn
from rbl.governance.models import Deadline, ReminderSent
from rbl.registry.models import Person
from tests.factories import SchoolFactory
from tests.ops.production import ROOT, clean_environment
from tests.web.world import build_world

CRONTAB = ROOT / "docs" / "crontab.example"
JOB = re.compile(r"^(\S+\s+\S+\s+\S+\s+\S+\s+\S+)\s+(.+)$")
VARIABLE = re.compile(r"^([A-Z_]+)=(.*)$")

pytestmark = pytest.mark.django_db(transaction=True)


def parse_crontab() -> tuple[dict[str, str], list[tuple[str, str]]]:
    variables: dict[str, str] = {}
    jobs: list[tuple[str, str]] = []
    for line in CRONTAB.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if match := VARIABLE.match(line):
            variables[match.group(1)] = match.group(2)
        elif match := JOB.match(line):
            schedule, command = match.groups()
            # cron turns an unescaped % into a newline: every % must be \%.
            assert not re.search(r"(?<!\\)%", command), line
            jobs.append((schedule, command.replace("\\%", "%")))
        else:
            pytest.fail(f"not a crontab line: {line}")
    return variables, jobs


def _minutes(schedule: str) -> int:
    minute, hour = schedule.split()[:2]
    return int(hour) * 60 + int(minute)


def test_the_routine_runs_in_the_right_order_every_working_day():
    _, jobs = parse_crontab()
    daily = [(s, c) for s, c in jobs if s.split()[2:] == ["*", "*", "1-5"]]
    order = [
        "import brp-mutaties",
        "import verzuimmeldingen",
        "absoluut --peildatum",
        "$RBL signalen",
        "brieven controlebrief",
        "brieven vrijstelling-afloop",
    ]
    positions = [next(i for i, (_, c) in enumerate(daily) if step in c) for step in order]
    assert positions == sorted(positions)
    assert [_minutes(s) for s, _ in daily] == sorted(_minutes(s) for s, _ in daily)
    commands = " ".join(c for _, c in jobs)
    for weekly in (
        "kwaliteit --verstuur",
        "$RBL retentie",
        "prune_db_task_results",
        "$RBL herinneringen",
    ):
        assert weekly in commands, weekly


def _executable(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_every_line_runs_against_a_database(process_database, tmp_path):
    world = build_world()
    today = timezone.localdate()
    # A jaarkalender deadline in five days, reminded ten days ahead: mailed today.
    soon = today + dt.timedelta(days=5)
    world.users["coordinator"].email = "coordinator@rbl.example.nl"
    world.users["coordinator"].save()
    deadline = Deadline.objects.create(
        region=world.aalten.region,
        title="Ontwerpbegroting",
        month=soon.month,
        day=soon.day,
        responsible_role="coordinator",
        lead_days=10,
    )
    newcomer = make_bsn(7_700_001)
    SchoolFactory(brin="12AB", name="Christelijk College Schaersvoorde")
    inbox, outbox, log = tmp_path / "inbox", tmp_path / "outbox", tmp_path / "log"
    backups = tmp_path / "backups"
    backups.mkdir()
    old_backup = backups / "rbl-2000-01-01.tar"  # a backup past the 14 nights
    old_backup.write_bytes(b"")
    os.utime(old_backup, (946_681_200, 946_681_200))
    for folder in ("brp-mutaties", "verzuimmeldingen", "verwerkt"):
        (inbox / folder).mkdir(parents=True)
    outbox.mkdir()
    log.mkdir()
    (inbox / "brp-mutaties" / "mutaties-1.csv").write_text(
        "bsn;geslachtsnaam;voornamen;geboortedatum;gemeentecode;mutatie;mutatiedatum\n"
        f"{newcomer};Jansen;Sem;2014-05-01;0197;I;{today - dt.timedelta(days=1)}\n",
        encoding="utf-8",
    )
    (inbox / "verzuimmeldingen" / "verzuim-1.csv").write_text(
        "meldingsnummer;bsn;brin;vestiging;soort;meldingsdatum;verzuim_vanaf;uren\n"
        f"M-CRON-1;{world.persons['own'].bsn};12AB;00;16UUR;{today - dt.timedelta(days=2)};"
        f"{today - dt.timedelta(days=30)};16\n",
        encoding="utf-8",
    )
    # The environment file every line reads: this test's database and media.
    environment = {
        **process_database,
        "RBL_MEDIA_ROOT": str(tmp_path / "media"),
        "RBL_EMAIL_BACKEND": "console",
    }
    if os.environ.get("RBL_TEST_NOW"):
        environment["RBL_TEST_NOW"] = os.environ["RBL_TEST_NOW"]
    env_file = tmp_path / "rbl.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in environment.items()))
    # `rbl` on the suite's clock, and `date` saying the suite's day.
    rbl = _executable(
        tmp_path / "rbl",
        f'#!/bin/sh\ncd {ROOT} && exec {sys.executable} -m tests.run_with_clock "$@"\n',
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _executable(
        bin_dir / "date",
        f'#!/bin/sh\n[ "$1" = "+%F" ] || exit 2\necho {today.isoformat()}\n',
    )

    variables, jobs = parse_crontab()
    assert set(variables) == {
        "SHELL",
        "RBL_HOME",
        "RBL_ENV",
        "RBL",
        "INBOX",
        "OUTBOX",
        "LOG",
        "BACKUPS",
    }
    env = {
        **clean_environment(),
        "RBL_HOME": str(tmp_path),
        "RBL_ENV": str(env_file),
        "RBL": str(rbl),
        "INBOX": str(inbox),
        "OUTBOX": str(outbox),
        "LOG": str(log),
        "BACKUPS": str(backups),
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
    }
    for _, command in jobs:
        result = subprocess.run(
            [variables["SHELL"], "-c", command], env=env, capture_output=True, text=True
        )
        logs = "\n".join(p.read_text(errors="replace") for p in sorted(log.iterdir()))
        assert result.returncode == 0, f"{command}\n{result.stderr}\n{logs}"
        assert "Traceback" not in logs, command

    # The deliveries were imported and moved aside ...
    assert sorted(p.name for p in (inbox / "verwerkt").iterdir()) == [
        "mutaties-1.csv",
        "verzuim-1.csv",
    ]
    assert Person.objects.filter(bsn=newcomer, municipality=world.aalten).exists()
    melding = VerzuimMelding.objects.get(meldingsnummer="M-CRON-1")
    assert melding.case_id is not None
    # ... the check found the newcomer without a school, and the control letter
    # for that signal is in the outbox with the day's status file for DUO.
    day = today.isoformat()
    assert (outbox / f"controlebrieven-{day}.pdf").stat().st_size > 0
    status = (outbox / f"verzuimmelding_status-{day}.csv").read_text()
    assert status.startswith("meldingsnummer,status,reden_afsluiting,datum")
    # The jaarkalender reminder went out, once.
    assert ReminderSent.objects.filter(deadline=deadline, occurs_on=soon).count() == 1
    # The night's backup is there, and the one past the 14 nights is gone.
    assert [p.name for p in backups.iterdir()] == [f"rbl-{day}.tar"]
