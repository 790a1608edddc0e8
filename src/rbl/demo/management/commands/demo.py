"""rbl demo [--serve] [--db PATH] [--seed N] [--schaal X] [--peildatum D] [--keep-files DIR]"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from subprocess import Popen
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from rbl.core.dates import cli_date
from rbl.demo.build import DemoFailed, DemoRefused, DemoSummary, build_demo
from rbl.demo.users import CONTRACT_USERS, DEMO_PASSWORD, describe_roles

ADDRESS = "127.0.0.1:8000"


def _scale(value: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise argparse.ArgumentTypeError(f"ongeldige schaal '{value}': gebruik een getal") from None
    if not 0 < number <= 100:
        raise argparse.ArgumentTypeError("de schaal moet groter dan 0 en hoogstens 100 zijn")
    return number


class Command(BaseCommand):
    help = (
        "Maakt (of ververst) een demoregio met realistische, verzonnen gegevens: de negen "
        "Achterhoekse gemeenten, scholen, jongeren met inschrijvingen, diploma's en "
        "vrijstellingen (ingelezen via de gewone import), signalen absoluut verzuim en de "
        "demogebruikers (wachtwoord 'demo'). Zelfde seed en peildatum: zelfde gegevens. "
        "Weigert een database met gegevens zonder demomarkering."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--serve",
            action="store_true",
            help=f"start daarna de webapplicatie op http://{ADDRESS}/",
        )
        parser.add_argument(
            "--db",
            metavar="PAD",
            help=(
                "SQLite-bestand voor de demo (standaard RBL_DB of ./rbl.sqlite3; "
                "genegeerd als DATABASE_URL is gezet)"
            ),
        )
        parser.add_argument("--seed", type=int, default=1, help="seed (standaard 1)")
        parser.add_argument(
            "--schaal",
            type=_scale,
            default=1.0,
            help="omvang ten opzichte van de echte regio (standaard 1; 0,02 = 2 procent)",
        )
        parser.add_argument(
            "--peildatum", type=cli_date, help="peildatum JJJJ-MM-DD (standaard vandaag)"
        )
        parser.add_argument(
            "--keep-files",
            type=Path,
            metavar="MAP",
            help="bewaar de gemaakte CSV-bestanden in deze map",
        )
        parser.add_argument("--json", action="store_true", help="samenvatting als JSON")

    def handle(self, *args, **opts) -> None:
        if opts["db"] and os.environ.get("DATABASE_URL"):
            self.stderr.write("Let op: DATABASE_URL is gezet; --db wordt genegeerd.")
        show = not opts["json"] and sys.stdout.isatty()
        steps = _RichSteps() if show else None
        try:
            summary = build_demo(
                seed=opts["seed"],
                scale=opts["schaal"],
                peildatum=opts["peildatum"],
                keep_files=opts["keep_files"],
                step=steps.step if steps else None,
            )
        except (DemoRefused, DemoFailed) as exc:
            if steps:
                steps.stop()
            message = str(exc)
            if isinstance(exc, DemoFailed):
                message = f"De demo kon niet worden opgebouwd: {exc}"
            if opts["json"]:
                self.stdout.write(json.dumps({"errors": [message]}, ensure_ascii=False))
            else:
                self.stderr.write(message)
            sys.exit(1)
        finally:
            if steps:
                steps.stop()
        if opts["json"]:
            self.stdout.write(json.dumps(summary.as_json(), ensure_ascii=False))
        else:
            self._print(summary)
        if opts["serve"]:
            self._serve()

    def _serve(self) -> None:
        """The web application, and a `db_worker` process beside it for the work
        that runs on the task queue (imports from the web page, letter batches),
        stopped when the server stops."""
        worker = _start_worker()
        if worker is not None:
            self.stdout.write(f"Achtergrondverwerking gestart (db_worker, proces {worker.pid}).")
        self.stdout.write(f"Webapplicatie op http://{ADDRESS}/ (stoppen met Ctrl-C)")
        # SIGTERM (kill, a service manager) stops the server like Ctrl-C, so the
        # worker is stopped too rather than left running on its own.
        previous = _on_sigterm(_interrupt)
        try:
            call_command("runserver", ADDRESS, use_reloader=False)
        finally:
            if worker is not None:
                self.stdout.write("Achtergrondverwerking stopt (een lopende taak wordt afgemaakt).")
                _stop_worker(worker)
            if previous is not None:
                _on_sigterm(previous)

    def _print(self, s: DemoSummary) -> None:
        out = self.stdout.write
        g = s.generated
        out(
            f"Demoregio '{s.region}' klaar in {s.seconds:.1f} s "
            f"(seed {s.seed}, schaal {s.scale:g}, peildatum {s.peildatum.isoformat()})."
        )
        if g:
            out(
                f"  {g.persons} jongeren 0–23 jaar in {g.households} huishoudens, "
                f"{g.schools} scholen, {g.enrolments} inschrijvingen, {g.diplomas} diploma's, "
                f"{g.exemptions} vrijstellingen"
            )
        checks = [c["peildatum"] for c in s.checks]
        out(
            f"  signalen absoluut verzuim: {s.open_signals} open, {s.closed_signals} gesloten "
            + (
                f"({len(checks)} controles, van {checks[0]} tot en met {checks[-1]})"
                if checks
                else "(geen controles)"
            )
        )
        if g and g.extract_day:
            out(
                f"  BRP-extract van {g.extract_day.isoformat()}, daarna {g.mutations} mutaties "
                f"({g.moves_within} verhuizingen binnen de regio)"
            )
        if s.cases:
            out(f"  zaken: {s.cases}")
        if s.closed_year:
            out(
                f"  schooljaar {s.closed_year} vastgesteld; het lopende schooljaar tot de peildatum"
            )
        if s.files_kept_in:
            out(f"  CSV-bestanden bewaard in {s.files_kept_in}")
        out(f"Inloggen op http://{ADDRESS}/login/ met wachtwoord '{DEMO_PASSWORD}':")
        for username in CONTRACT_USERS:
            out(f"  {username:<20} {describe_roles(username)}")


def _start_worker() -> Popen | None:
    """A `rbl db_worker` process on the same database (RBL_DB / DATABASE_URL are
    in the environment it inherits); none when tasks run in the caller
    (RBL_TASKS_IMMEDIATE). In a session of its own, so that Ctrl-C stops the
    server and this command then stops the worker once, gracefully."""
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend

    if not isinstance(task_backends["default"], DatabaseBackend):
        return None
    return Popen(
        [sys.executable, "-m", "rbl", "db_worker", "--no-reload"],
        env=os.environ.copy(),
        start_new_session=True,
    )


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _on_sigterm(handler: Any) -> Any:
    """Set the SIGTERM handler (main thread only); the one it replaces."""
    try:
        return signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        return None


def _stop_worker(worker: Popen) -> None:
    """SIGTERM: the worker finishes the task it is running (an import is one
    transaction) and exits. A second Ctrl-C while waiting kills it; an import
    it was running then changes nothing."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait()
    except KeyboardInterrupt:
        worker.kill()
        worker.wait()


class _RichSteps:
    """Shows each step of the build with a bar on a terminal."""

    def __init__(self) -> None:
        self.console = Console()
        self.bar = Progress(
            TextColumn("{task.description:<40}"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.bar.start()

    @contextmanager
    def step(self, label: str) -> Iterator:
        task = self.bar.add_task(label, total=None)

        def update(done: int, total: int, phase: str = "") -> None:
            # The generator reports (done, total); imports add their phase.
            self.bar.update(task, completed=done, total=total)

        try:
            yield update
        finally:
            self.bar.update(task, completed=1, total=1)

    def stop(self) -> None:
        self.bar.stop()
