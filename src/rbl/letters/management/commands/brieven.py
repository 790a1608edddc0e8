"""`rbl brieven KIND [--gemeente CODE …] [--datum D] [--pdf FILE] [--adressen FILE.csv] [--json]`:
all due letters of one kind (R-28), stored with their case, signal or person,
as one PDF in postcode order and, with --adressen, the mailing house's list.
A second run makes nothing new. Runs in this process (the rendering in worker
processes); the web screen runs the same on the task queue."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from rbl.absoluut.check import UnknownMunicipality, _known_codes
from rbl.law.dates import parse_date
from rbl.letters.models import BatchState, LetterKind
from rbl.letters.services.batch import run_batch, start_batch
from rbl.letters.services.letters import (
    BATCH_KINDS,
    LetterError,
    OutsideAdministrationError,
    check_administered,
)


class Command(BaseCommand):
    help = (
        "Maakt alle brieven van één soort die klaarstaan en nog niet zijn gemaakt, als één "
        "PDF op postcodevolgorde, met desgewenst de adressenlijst voor een postverwerker."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("soort", metavar="SOORT", help="soort brief: " + ", ".join(BATCH_KINDS))
        parser.add_argument(
            "--gemeente",
            action="extend",
            nargs="+",
            default=[],
            metavar="CODE",
            help="alleen brieven namens deze gemeente(n) (standaard: alle)",
        )
        parser.add_argument(
            "--datum", metavar="D", help="briefdatum JJJJ-MM-DD (standaard vandaag)"
        )
        parser.add_argument(
            "--pdf", metavar="FILE", type=Path, help="schrijf de brieven naar dit PDF-bestand"
        )
        parser.add_argument(
            "--adressen",
            metavar="FILE",
            type=Path,
            help="schrijf de adressenlijst (CSV) voor de postverwerker; geheime adressen staan er niet in",
        )
        parser.add_argument(
            "--json", action="store_true", help='uitvoer als {"soort", "brieven", "pdf"}'
        )

    def handle(self, *args, **options) -> None:
        as_json = options["json"]
        kind = options["soort"]
        if kind not in BATCH_KINDS:
            self._reject(
                "SOORT", kind, "onbekende soort; kies uit " + ", ".join(BATCH_KINDS), as_json
            )
        day = timezone.localdate()
        if options["datum"]:
            try:
                day = parse_date(options["datum"])
            except ValueError as exc:
                self._reject("--datum", options["datum"], str(exc), as_json)
        for option in ("pdf", "adressen"):
            path = options[option]
            if path is not None and (path.is_dir() or not path.parent.is_dir()):
                self._reject(f"--{option}", str(path), "geen bestand in een bestaande map", as_json)
        try:
            codes = _known_codes(options["gemeente"])
        except UnknownMunicipality as exc:
            self._reject("--gemeente", ", ".join(exc.codes), "onbekende gemeentecode", as_json)
        try:
            check_administered(codes, day)
        except OutsideAdministrationError as exc:
            self._reject("--gemeente", ", ".join(codes), str(exc), as_json)
        try:
            batch = start_batch(kind, day=day, codes=codes)
        except LetterError as exc:
            self._reject("SOORT", kind, str(exc), as_json)
        with _bar(LetterKind(kind).label, not as_json) as progress:
            batch = run_batch(batch, progress=progress)
        if batch.state != BatchState.DONE:
            self._reject("SOORT", kind, batch.message, as_json)
        pdf_out = None
        if options["pdf"] is not None and batch.pdf:
            with batch.pdf.open("rb") as src, open(options["pdf"], "wb") as dst:
                shutil.copyfileobj(src, dst)
            pdf_out = str(options["pdf"])
        if options["adressen"] is not None:
            if batch.addresses:
                with batch.addresses.open("rb") as src, open(options["adressen"], "wb") as dst:
                    shutil.copyfileobj(src, dst)
            else:
                from rbl.letters.services.batch import ADDRESS_COLUMNS

                options["adressen"].write_text(";".join(ADDRESS_COLUMNS) + "\n", encoding="utf-8")
        apart = list(batch.documents.exclude(delivery="ok").values_list("reference", "delivery"))
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "soort": kind,
                        "brieven": batch.letters,
                        "pdf": pdf_out,
                        "adressen": str(options["adressen"]) if options["adressen"] else None,
                        "apart": [{"kenmerk": ref, "reden": reason} for ref, reason in apart],
                        "afdrukopdracht": batch.pk,
                    }
                )
            )
            return
        self.stdout.write(f"{LetterKind(kind).label}: {batch.letters} brief/brieven gemaakt.")
        if pdf_out:
            self.stdout.write(f"  PDF: {pdf_out}")
        if apart:
            self.stdout.write(f"  Zelf versturen (niet naar de postverwerker): {len(apart)}")
            for ref, reason in apart:
                why = "geheim adres" if reason == "geheim" else "geen bruikbaar adres"
                self.stdout.write(f"    {ref}: {why}")

    def _reject(self, option: str, value: str, reason: str, as_json: bool) -> None:
        if as_json:
            self.stdout.write(
                json.dumps({"errors": [{"option": option, "value": value, "reason": reason}]})
            )
        self.stderr.write(f"Fout in {option} ({value}): {reason}. Er is niets gewijzigd.")
        raise SystemExit(1)


class _bar:
    """A progress bar on a terminal; silent otherwise."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.enabled = enabled and sys.stdout.isatty()
        self.label = label

    def __enter__(self):
        if not self.enabled:
            return None
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        )
        self.progress.__enter__()
        task = self.progress.add_task(self.label, total=None)
        return lambda done, total: self.progress.update(task, completed=done, total=total)

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self.progress.__exit__(*exc)
