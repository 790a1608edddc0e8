"""`rbl demo`: the demo region through the real imports, its users, its marker."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from rbl.absoluut.models import Signal
from rbl.demo.build import CHECK_EVERY_DAYS, build_demo, check_days
from rbl.demo.reference import load_reference
from rbl.demo.users import OWN_ADMINISTRATION
from rbl.organisation.models import Municipality, Participation, Region, School
from rbl.registry.models import Enrolment, Exemption, ImportLog, Person

PEIL = dt.date(2026, 11, 2)
SMALL = "0.02"

EXPECTED_ROLES = {
    "coordinator": ("coordinator", "all"),
    "administratie": ("administratie", "all"),
    "lpa-aalten": ("lpa", {"0197"}),
    "lpa-winterswijk": ("lpa", {"0294"}),
    "kpa-regio": ("kpa", "all"),
    "rmc-regio": ("rmc", "all"),
    "boa-regio": ("boa", "all"),
    "beleid-winterswijk": ("beleid", {"0294"}),
    "privacy": ("privacy", "all"),
    "beheer": ("beheer", "all"),
}


def run_demo(capsys, *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        call_command("demo", "--schaal", SMALL, "--peildatum", PEIL.isoformat(), *args)
    except SystemExit as exc:
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def people() -> list[tuple]:
    return list(
        Person.objects.order_by("bsn").values_list(
            "bsn", "surname", "given_names", "birth_date", "municipality_id", "postcode"
        )
    )


@pytest.mark.django_db(transaction=True)
def test_demo_builds_the_region_through_the_imports(capsys):
    code, out, err = run_demo(capsys, "--json")
    assert code == 0, err
    summary = json.loads(out)

    region = Region.objects.get()
    assert region.is_demo
    assert region.executing_municipality_id == "0222"
    assert {m.code for m in region.municipalities.all()} == {f.code for f in load_reference()}
    # Doesburg keeps its own administration (block 4 only): the region holds none
    # of its residents, runs no check and sends no letters there.
    assert Participation.objects.filter(block=1).count() == 8
    assert list(
        Participation.objects.filter(municipality_id=OWN_ADMINISTRATION).values_list(
            "block", flat=True
        )
    ) == [4]
    assert not Person.objects.filter(municipality_id=OWN_ADMINISTRATION).exists()
    assert not Signal.objects.filter(municipality_id=OWN_ADMINISTRATION).exists()

    # Every generated file passed the real import with nothing rejected.
    logs = {log.kind: log for log in ImportLog.objects.all()}
    assert set(logs) == {
        "scholen",
        "brp",
        "brp-mutaties",
        "inschrijvingen",
        "diplomas",
        "vrijstellingen",
        "verzuimmeldingen",
        "vsv",
    }
    for kind, log in logs.items():
        assert log.outcome == "applied", kind
        assert log.counts["rejected"] == 0, kind
        assert log.actor == "demo"
        if kind != "brp-mutaties":
            assert log.counts["created"] == log.counts["rows"] > 0, kind
    # The extract is of 15 July before the completed school year (2025-2026 on
    # this peildatum); births, arrivals and moves since came as mutations.
    assert logs["brp"].options["peildatum"] == "2025-07-15"
    # Closed when the clock has left 2025-2026 behind (the peildatum is ahead of it).
    ended = timezone.localdate() > dt.date(2026, 7, 31)
    assert summary["closed_school_year"] == ("2025-2026" if ended else None)
    assert logs["brp-mutaties"].counts["created"] > 0
    assert logs["brp-mutaties"].counts["updated"] > 0
    # The generated region holds Doesburg's residents too; the region received the rest.
    assert summary["persons"] > Person.objects.count() > 0
    assert Enrolment.objects.count() == summary["enrolments"]
    # The imported exemptions; the demo's vrijstelling cases decide a few more.
    # (Doesburg's generated exemptions stay with Doesburg.)
    imported = logs["vrijstellingen"].counts["created"]
    assert Exemption.objects.filter(case__isnull=True).count() == imported <= summary["exemptions"]
    assert not School.objects.filter(placeholder=True).exists()

    # The absoluut check ran and found the youth without a school.
    assert Signal.objects.open().exists()
    assert summary["signals"]["open"] == Signal.objects.open().count()
    # Every eight weeks since the extract, a week ago and today.
    days = [dt.date.fromisoformat(c["peildatum"]) for c in summary["checks"]]
    assert days == check_days(PEIL)
    assert days[0] - dt.timedelta(days=CHECK_EVERY_DAYS) <= dt.date(2025, 7, 15) < days[0]
    assert days[-2:] == [PEIL - dt.timedelta(days=7), PEIL]
    # The earlier checks' signals got their control letters; today's wait for theirs.
    from rbl.letters.models import Document

    today = Signal.objects.open().filter(opened_on=PEIL)
    assert not today.filter(control_letter_on__isnull=False).exists()
    earlier = Signal.objects.open().exclude(opened_on=PEIL)
    assert not earlier.filter(control_letter_on__isnull=True).exists()
    assert Document.objects.filter(letter_kind="controlebrief").count() >= earlier.count()


@pytest.mark.django_db(transaction=True)
def test_demo_users_have_the_documented_roles_and_password(capsys):
    code, out, _ = run_demo(capsys)
    assert code == 0
    all_codes = {f.code for f in load_reference()}
    User = get_user_model()
    for username, (role, where) in EXPECTED_ROLES.items():
        user = User.objects.get(username=username)
        assert user.check_password("demo"), username
        assert not user.is_superuser, username
        assert user.municipality_codes({role}) == (all_codes if where == "all" else where)
        assert username in out  # the logins are printed
    assert User.objects.get(username="lpa-aalten").municipality_codes() == {"0197"}
    assert "wachtwoord 'demo'" in out


@pytest.mark.django_db(transaction=True)
def test_same_seed_same_data_and_refresh_replaces_the_demo(capsys):
    assert run_demo(capsys)[0] == 0
    first = people()
    assert run_demo(capsys)[0] == 0  # a refresh on a demo database
    assert people() == first
    assert Region.objects.count() == 1
    assert ImportLog.objects.filter(kind="brp").count() == 1
    assert run_demo(capsys, "--seed", "2")[0] == 0
    second = people()
    assert second != first
    assert not {p[0] for p in second} & {p[0] for p in first}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["real-region", "user", "municipality"])
def test_demo_refuses_a_database_with_other_data(capsys, kind):
    if kind == "real-region":
        Region.objects.create(name="Echte regio")
    elif kind == "user":
        get_user_model().objects.create_user("beheerder", password="x" * 12)
    else:
        Municipality.objects.create(code="0197", name="Aalten")
    code, out, err = run_demo(capsys)
    assert code == 1
    assert "zonder demomarkering" in err
    assert "Traceback" not in out + err
    assert not Person.objects.exists()
    assert not Region.objects.filter(is_demo=True).exists()


class FakeWorker:
    """Stands in for the `db_worker` process that `demo --serve` starts (patched
    into the demo command only: `subprocess.Popen` itself stays, as other code
    such as ctypes' library lookup uses it meanwhile)."""

    started: list[FakeWorker] = []

    def __init__(self, args, **kwargs):
        self.args, self.kwargs = args, kwargs
        self.pid = 4242
        self.returncode = None
        self.signals: list[str] = []
        FakeWorker.started.append(self)

    def poll(self):
        return self.returncode

    def terminate(self):
        self.signals.append("TERM")

    def wait(self, timeout=None):
        self.returncode = 0
        return 0


@pytest.mark.django_db(transaction=True)
def test_keep_files_and_serve(capsys, tmp_path, monkeypatch, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    calls = []

    def runserver(*args, **kwargs):
        # The worker runs while the server does.
        assert [w.signals for w in FakeWorker.started] == [[]]
        calls.append((args, kwargs))

    FakeWorker.started = []
    monkeypatch.setattr("rbl.demo.management.commands.demo.call_command", runserver)
    monkeypatch.setattr("rbl.demo.management.commands.demo.Popen", FakeWorker)
    code, out, _ = run_demo(capsys, "--keep-files", str(tmp_path / "csv"), "--serve")
    assert code == 0
    assert {p.name for p in (tmp_path / "csv").iterdir()} == {
        "scholen.csv",
        "brp.csv",
        "brp_mutaties.csv",
        "inschrijvingen.csv",
        "diplomas.csv",
        "vrijstellingen.csv",
    }
    assert calls == [(("runserver", "127.0.0.1:8000"), {"use_reloader": False})]
    assert "http://127.0.0.1:8000/" in out
    [worker] = FakeWorker.started
    assert worker.args[1:] == ["-m", "rbl", "db_worker", "--no-reload"]
    assert worker.kwargs["start_new_session"] is True
    assert worker.signals == ["TERM"] and worker.returncode == 0  # stopped with the server
    assert "Achtergrondverwerking gestart" in out


@pytest.mark.django_db
def test_serve_starts_no_worker_when_tasks_run_immediately(capsys, monkeypatch, settings):
    from rbl.demo.management.commands.demo import Command

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }
    FakeWorker.started = []
    monkeypatch.setattr("rbl.demo.management.commands.demo.call_command", lambda *a, **k: None)
    monkeypatch.setattr("rbl.demo.management.commands.demo.Popen", FakeWorker)
    Command()._serve()
    assert FakeWorker.started == []


@pytest.mark.django_db(transaction=True)
def test_build_demo_counts_match_the_database():
    summary = build_demo(seed=3, scale=0.01, peildatum=PEIL)
    # Every person the region received is in the database; Doesburg's residents,
    # generated too, stay with Doesburg (block 4 only).
    born_or_arrived = summary.imports["brp-mutaties"]["created"]
    assert summary.imports["brp"]["created"] + born_or_arrived == Person.objects.count()
    assert summary.generated.persons > Person.objects.count()
    assert not Person.objects.filter(municipality_id=OWN_ADMINISTRATION).exists()
    assert summary.seconds > 0
    # The jaarkalender of the law and the agreement, JCO included.
    from rbl.governance.models import Deadline

    assert {"art25-verslag", "ontwerpbegroting", "jco"} <= set(
        Deadline.objects.values_list("key", flat=True)
    )
    # The handbook with a page per main case type, and the year's goals.
    from rbl.governance.models import EvaluationGoal, HandbookPage

    assert set(HandbookPage.objects.exclude(case_type="").values_list("case_type", flat=True)) >= {
        "absoluut",
        "relatief_16uur",
        "langdurig",
        "verlof",
    }
    assert EvaluationGoal.objects.filter(year=PEIL.year).count() >= 4
