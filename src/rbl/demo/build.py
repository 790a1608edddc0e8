"""Building the demo region (`rbl demo`).

1. Refuse a database that holds data without the demo marker; empty a demo
   database (a refresh rebuilds it from scratch, so the same seed gives the
   same data).
2. Set up the region and the demo users with the loader of `rbl regio`.
3. Generate the BRP and DUO files and load them through the real import
   pipeline (`run_import`), as a region would: the demo covers the last
   completed school year in full and the current one up to the peildatum
   (`generator.demo_period`), so the full BRP extract is of 15 July before the
   completed school year (the residence history starts there) and the BRP
   mutations since (births, arrivals, moves inside the region and out of it,
   deaths) follow; then the schools and DUO's enrolments, diplomas and
   exemptions.
4. Hand over to `populate_cases` for the cases of the period, week by week;
   in the same weeks the absoluut-verzuim check runs (`AbsoluutChecks`) every
   eight weeks, a week before the peildatum and on it, so there are open
   signals and signals that were closed again; after each check the control
   letters go out and most parents answer them in time (a school over the
   border, a move abroad, a new school), so that only the unanswered signals
   become cases, in the week their term passes.
5. Close the completed school year ("vaststellen", R-30) as the coordinator,
   so the yearly reports show a closed year next to the current one.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from rbl.demo.administered import administered_codes, administered_file
from rbl.demo.cases import ensure_assignment_rules, populate_cases
from rbl.demo.generator import FILE_ORDER, GeneratedRegion, demo_period, generate_region
from rbl.demo.logos import install_demo_logos
from rbl.demo.users import DEMO_PASSWORD, demo_region_spec
from rbl.organisation.models import Municipality, Region, Samenwerkingsverband, School
from rbl.organisation.regio import apply_region
from rbl.registry.imports import ImportResult, run_import
from rbl.registry.models import ImportLog, Person

#: The absoluut check runs every eight weeks back from the peildatum, as far
#: as the extract, and besides a week before the peildatum (whose signals have
#: their letters and wait for an answer) and on it.
CHECK_EVERY_DAYS = 56
#: The demo user who closes the completed school year.
CLOSED_BY = "coordinator"
#: Share of the control letters that the parents answer satisfactorily within
#: the term when the youth does not start at a new school soon; the rest
#: become absoluut-verzuim cases. A second letter for the same youth (the
#: first answer did not hold) is answered less often.
ANSWER_SHARE = 0.8
REPEAT_ANSWER_SHARE = 0.4
#: A youth who starts at a new school within this many days of the letter is
#: answered for with that school.
STARTS_SOON_DAYS = 42
#: Satisfactory answers: the note and how long it holds ("schooljaar": until
#: the end of the school year, else days).
ANSWERS = (
    ("Gaat naar school in Duitsland; inschrijvingsbewijs van de school ontvangen.", "schooljaar"),
    ("Ingeschreven op een school buiten de regio; de inschrijving bij DUO volgt.", 91),
    ("Gezin vertrekt naar het buitenland; de uitschrijving uit de BRP volgt.", 61),
    ("Vrijstelling aangevraagd; het advies van de jeugdarts volgt.", 91),
)

Progress = Callable[[int, int], None]


class DemoRefused(Exception):
    """The database holds data that is not a demo; the message is Dutch."""


class DemoFailed(Exception):
    """A generated file was rejected by the import (a bug in the generator)."""

    def __init__(self, result: ImportResult) -> None:
        reasons = "; ".join(f"regel {e.line} {e.column}: {e.reason}" for e in result.errors[:5])
        super().__init__(
            f"het demobestand {result.file} is afgekeurd ({result.rejected} fout(en)): {reasons}"
        )
        self.result = result


@dataclass
class DemoSummary:
    region: str
    seed: int
    scale: float
    peildatum: dt.date
    generated: GeneratedRegion | None = None
    imports: dict[str, dict[str, int]] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    open_signals: int = 0
    closed_signals: int = 0
    cases: int = 0
    #: the completed school year that the build closed ("2025-2026")
    closed_year: str = ""
    seconds: float = 0.0
    files_kept_in: Path | None = None

    def as_json(self) -> dict[str, Any]:
        g = self.generated
        return {
            "region": self.region,
            "seed": self.seed,
            "scale": self.scale,
            "peildatum": self.peildatum.isoformat(),
            "persons": g.persons if g else 0,
            "brp_extract": g.extract_day.isoformat() if g and g.extract_day else None,
            "mutations": g.mutations if g else 0,
            "moves_within_region": g.moves_within if g else 0,
            "schools": g.schools if g else 0,
            "enrolments": g.enrolments if g else 0,
            "diplomas": g.diplomas if g else 0,
            "exemptions": g.exemptions if g else 0,
            "imports": self.imports,
            "checks": self.checks,
            "signals": {"open": self.open_signals, "closed": self.closed_signals},
            "cases": self.cases,
            "closed_school_year": self.closed_year or None,
            "seconds": round(self.seconds, 1),
            "files": str(self.files_kept_in) if self.files_kept_in else None,
        }


def database_state() -> str:
    """'empty', 'demo' or 'other' (holds data without the demo marker)."""
    regions = list(Region.objects.values_list("is_demo", flat=True))
    if regions:
        return "demo" if all(regions) else "other"
    holds_data = (
        get_user_model().objects.exists()
        or Municipality.objects.exists()
        or School.objects.exists()
        or Person.objects.exists()
        or ImportLog.objects.exists()
    )
    return "other" if holds_data else "empty"


def ensure_demo_database() -> str:
    state = database_state()
    if state == "other":
        raise DemoRefused(
            "Deze database bevat gegevens zonder demomarkering; rbl demo laat haar ongemoeid. "
            "Kies een lege of eerdere demodatabase met --db PAD (SQLite) of DATABASE_URL."
        )
    return state


def build_demo(
    *,
    seed: int = 1,
    scale: float = 1.0,
    peildatum: dt.date | None = None,
    keep_files: Path | None = None,
    step: Callable[[str], Any] | None = None,
    progress: Callable[[str], Any] | None = None,
) -> DemoSummary:
    """Build (or rebuild) the demo region. `step(label)` is a context manager
    factory for progress reporting (see `quiet_steps`)."""
    started = time.perf_counter()
    peildatum = peildatum or dt.date.today()
    step = step or quiet_steps
    spec = demo_region_spec()
    summary = DemoSummary(region=spec.name, seed=seed, scale=scale, peildatum=peildatum)

    if ensure_demo_database() == "demo":
        with step("Demodatabase leegmaken"):
            call_command("flush", interactive=False, verbosity=0)

    with step("Regio, gemeenten en gebruikers"):
        apply_region(spec, demo=True)
        encoded = make_password(DEMO_PASSWORD)  # one hash for all demo users: fast
        get_user_model().objects.filter(username__in=[s.username for s in spec.staff]).update(
            password=encoded
        )
    region = Region.objects.get()
    codes = sorted(m.code for m in spec.municipalities)
    with step("Logo's, briefgegevens en toewijzing"):
        install_demo_logos()
        Region.objects.filter(pk=region.pk).update(
            office_phone="0314 00 00 00",
            office_email="leerplicht@demo.invalid",
            halt_address="Halt (demo)\nPostbus 1\n1000 AA  Demostad",
            om_address="Openbaar Ministerie (demo)\nPostbus 2\n1000 AB  Demostad",
        )
        # The jaarkalender: the deadlines of the law and the agreement.
        from rbl.governance.services import seed_deadlines

        seed_deadlines(region, peildatum)
        # Before the first check: its control letters are signed by the assigned officer.
        ensure_assignment_rules(codes, {u.username: u for u in get_user_model().objects.all()})

    with _work_dir(keep_files) as out_dir:
        with step("Bestanden maken (BRP, DUO, scholen)") as bar:
            summary.generated = generate_region(
                out_dir, seed=seed, scale=scale, peildatum=peildatum, progress=bar
            )
        for kind in FILE_ORDER:
            with step(f"Inlezen {kind}") as bar:
                day = summary.generated.extract_day if kind == "brp" else peildatum
                with administered_file(kind, summary.generated.files[kind], day) as path:
                    result = run_import(
                        kind,
                        path,
                        municipalities=administered_codes(codes, day) if kind == "brp" else None,
                        peildatum=day,
                        actor="demo",
                        progress=bar,
                    )
            if result.rejected:
                raise DemoFailed(result)
            summary.imports[kind] = result.counts()
        summary.files_kept_in = keep_files
    with transaction.atomic():
        for code, name in summary.generated.swv_names.items():
            Samenwerkingsverband.objects.filter(code=code, name="").update(name=name)

    # The weeks of the period: DUO's reports, the absoluut checks with their
    # letters and answers, and the case work, in the order they happened.
    checks = AbsoluutChecks(peildatum, summary, seed)
    with step("Zaken, controles absoluut verzuim en brieven"):
        summary.cases = populate_cases(region, seed, peildatum=peildatum, on_week=checks.week)
    checks.finish()
    with step("Geschreven tijd"):
        from rbl.demo.time_entries import populate_time

        populate_time(seed, peildatum, demo_period(peildatum).completed_start)

    # National reference figures for the annual report and benchmark: the
    # sample file, marked "voorbeeldgegevens" on every screen.
    with step("Landelijke referentie (voorbeeldgegevens)"):
        from rbl.reporting.reference import load_sample_reference

        load_sample_reference()

    with step("Schooljaar vaststellen"):
        summary.closed_year = close_completed_year(peildatum)

    with step("Bezwaren en klachten"):
        from rbl.demo.objections import populate_objections

        populate_objections(seed, peildatum)

    with step("Werkwijzen en evaluatie"):
        from rbl.demo.handbook import seed_handbook

        seed_handbook(peildatum)

    summary.seconds = time.perf_counter() - started
    return summary


def check_days(peildatum: dt.date) -> list[dt.date]:
    """The days of the absoluut checks, in order: every eight weeks back from
    the peildatum for as long as the demo's period runs, a week before it, and
    the peildatum itself."""
    extract_day = demo_period(peildatum).extract_day
    days = [peildatum, peildatum - dt.timedelta(days=7)]
    day = peildatum - dt.timedelta(days=CHECK_EVERY_DAYS)
    while day > extract_day:
        days.append(day)
        day -= dt.timedelta(days=CHECK_EVERY_DAYS)
    return sorted(days)


def close_completed_year(peildatum: dt.date) -> str:
    """Close ("vaststellen") the last completed school year as the coordinator,
    counted as of the peildatum; returns it ("2025-2026"), or "" when that year
    has not ended yet by the clock (a peildatum in the future)."""
    from rbl.reporting.definitions import SchoolYear
    from rbl.reporting.snapshots import close_year

    year = SchoolYear.of(peildatum).previous
    today = min(peildatum, timezone.localdate())
    if year.end >= today:
        return ""
    actor = get_user_model().objects.get(username=CLOSED_BY)
    close_year(year, actor=actor, today=today)
    return str(year)


class AbsoluutChecks:
    """The absoluut-verzuim checks of the period (`check_days`), run by the
    week of the case work (`week`): after each check the control letters go
    out two days later and the parents' answers are recorded on their days,
    so that a signal whose term passes unanswered becomes a case in its week."""

    def __init__(self, peildatum: dt.date, summary: DemoSummary, seed: int = 1) -> None:
        self.peildatum = peildatum
        self.summary = summary
        self.rng = random.Random(f"{seed}-controlebrieven")
        self.last_day = min(peildatum, timezone.localdate())
        self.days = check_days(peildatum)
        self.answers: list[_Answer] = []

    def week(self, start: dt.date, end: dt.date) -> None:
        """The checks from `start` through `end`, and the answers up to `end`."""
        from rbl.absoluut.check import run_check

        for day in self.days:
            if not start <= day <= end:
                continue
            _record_answers(self.answers, before=day)
            self.summary.checks.append(run_check(day).as_json())
            if day < self.peildatum:
                # The central administration sends the control letters two days after
                # each check; the peildatum's signals still wait for theirs.
                letter_day = min(day + dt.timedelta(days=2), self.peildatum)
                _control_letters(letter_day)
                self.answers += _answers_to_letters(self.rng, day, letter_day, self.last_day)
        _record_answers(self.answers, before=end + dt.timedelta(days=1))

    def finish(self) -> None:
        from rbl.absoluut.models import Signal

        _record_answers(self.answers, before=self.last_day + dt.timedelta(days=1))
        self.summary.open_signals = Signal.objects.open().count()
        self.summary.closed_signals = Signal.objects.filter(closed_on__isnull=False).count()


@dataclass(frozen=True)
class _Answer:
    day: dt.date
    signal_id: int
    until: dt.date
    note: str


def _answers_to_letters(
    rng: random.Random, check_day: dt.date, letter_day: dt.date, last_day: dt.date
) -> list[_Answer]:
    """The parents' satisfactory answers to the letters of `letter_day`. A youth
    who starts at a school within the term needs none (the next check closes
    the signal); a start within a few weeks is answered with the new school;
    of the others most answer with a reason (fewer when an earlier answer did
    not hold), the rest do not answer and get a case."""
    from rbl.absoluut.models import CloseReason, Signal, control_term_days
    from rbl.law.status import school_year_end
    from rbl.registry.models import Enrolment

    answers = []
    for signal in (
        Signal.objects.open()
        .filter(control_letter_on=letter_day)
        .select_related("person", "municipality__region")
        .order_by("pk")
    ):
        day = letter_day + dt.timedelta(days=rng.randint(2, 12))
        draw = rng.random()
        term_end = letter_day + dt.timedelta(days=control_term_days(signal.municipality))
        starts = (
            Enrolment.objects.filter(bsn=signal.person.bsn, start__gt=check_day)
            .order_by("start")
            .values_list("start", flat=True)
            .first()
        )
        answered_before = Signal.objects.filter(
            person=signal.person_id, close_reason=CloseReason.ANSWERED
        ).exists()
        if starts is not None and starts <= term_end:
            continue
        if starts is not None and starts <= letter_day + dt.timedelta(days=STARTS_SOON_DAYS):
            note = (
                f"Ingeschreven op een nieuwe school per {starts:%d-%m-%Y}; "
                "de inschrijving bij DUO volgt."
            )
            until = max(starts, day) + dt.timedelta(days=7)
        elif draw < (REPEAT_ANSWER_SHARE if answered_before else ANSWER_SHARE):
            note, holds = ANSWERS[rng.randrange(len(ANSWERS))]
            until = (
                school_year_end(day)
                if holds == "schooljaar"
                else day + dt.timedelta(days=int(holds))
            )
        else:
            continue
        if day <= last_day:
            answers.append(_Answer(day, signal.pk, until, note))
    return answers


def _record_answers(answers: list[_Answer], *, before: dt.date) -> None:
    """Record, in date order, the answers dated before `before` (and drop them
    from `answers`); a signal a check closed in the meantime needs none."""
    from django.contrib.auth import get_user_model

    from rbl.absoluut.models import Signal
    from rbl.letters.services.letters import record_satisfactory_answer

    due = sorted((a for a in answers if a.day < before), key=lambda a: (a.day, a.signal_id))
    if not due:
        return
    answers[:] = [a for a in answers if a.day >= before]
    actor = get_user_model().objects.filter(username="administratie").first()
    with transaction.atomic():
        for answer in due:
            signal = Signal.objects.get(pk=answer.signal_id)
            if signal.closed_on is not None:
                continue
            record_satisfactory_answer(
                signal, until=answer.until, actor=actor, day=answer.day, note=answer.note
            )


def _control_letters(day: dt.date) -> None:
    from rbl.letters.services.batch import run_batch, start_batch

    run_batch(start_batch("controlebrief", day=day))


@contextmanager
def _work_dir(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
        return
    with tempfile.TemporaryDirectory(prefix="rbl-demo-") as tmp:
        yield Path(tmp)


@contextmanager
def quiet_steps(label: str) -> Iterator[Progress | None]:
    """A step without output."""
    yield None
