"""`rbl herstel FILE [--ja]`: a backup of `rbl backup` back over the current
database and documents."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from rbl.core.progress import byte_progress
from rbl.operations import report
from rbl.operations.archive import BackupRejected
from rbl.operations.pgtools import PgToolError
from rbl.operations.restore import (
    RestoreFailed,
    apply_restore,
    check_backup,
    prepare_restore,
)

UNCHANGED = "Er is niets gewijzigd."


class Command(BaseCommand):
    help = (
        "Zet een reservekopie van `rbl backup` terug: daarna staan precies de gegevens en "
        "documenten van de reservekopie in RBL. Vraagt op een terminal eerst om bevestiging; "
        "--ja bevestigt vooraf (voor scripts)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("bestand", type=Path, help="een archief van `rbl backup`")
        parser.add_argument(
            "--ja", action="store_true", help="niet vragen: de huidige gegevens overschrijven"
        )

    def _refuse(self, message: str, unchanged: bool = True) -> None:
        self.stderr.write(f"Niet hersteld: {message}" + (f" {UNCHANGED}" if unchanged else ""))
        raise SystemExit(1)

    def handle(self, *args, **options) -> None:
        path: Path = options["bestand"]
        try:
            manifest = check_backup(path)
        except BackupRejected as exc:
            self._refuse(str(exc))
        if not options["ja"] and not sys.stdin.isatty():
            self._refuse(
                "herstellen overschrijft de hele database en alle documenten. Zonder terminal "
                "moet dat vooraf worden bevestigd met --ja."
            )
        with byte_progress("Reservekopie controleren", enabled=True) as progress:
            try:
                prepared = prepare_restore(path, progress)
            except BackupRejected as exc:
                self._refuse(str(exc))
        out = self.stdout.write
        out(
            f"Reservekopie gecontroleerd: gemaakt op {report.moment(manifest)} met RBL "
            f"{manifest.rbl_version}, {report.database(manifest)}, "
            f"{len(manifest.media_files)} documenten."
        )
        if not options["ja"] and not self._confirmed():
            prepared.discard()
            self._refuse("niet bevestigd.")
        try:
            result = apply_restore(prepared)
        except PgToolError as exc:
            self._refuse(f"{exc}\nDe database is teruggedraaid.")
        except RestoreFailed as exc:
            self._refuse(str(exc), unchanged=False)
        out(
            f"Hersteld uit {path}: de database ({report.database(manifest)}, "
            f"{connection.settings_dict['NAME']}) en de documenten zijn nu die van "
            f"{report.moment(manifest)}."
        )
        out(
            f"Documenten: {result.documents} uit de reservekopie; {result.removed_files} "
            "bestand(en) van na de reservekopie verwijderd."
        )
        if result.migrations_applied:
            out(
                f"De database is bijgewerkt naar deze versie van RBL "
                f"({result.migrations_applied} databasewijziging(en))."
            )
        out(
            f"Let op: wat sinds {report.moment(manifest)} volgens de bewaartermijnen is "
            "verwijderd, is met de reservekopie teruggekomen. Voer nu `rbl retentie` uit."
        )

    def _confirmed(self) -> bool:
        self.stdout.write(
            f"Dit vervangt de hele database ({connection.settings_dict['NAME']}) en alle "
            f"documenten in {settings.MEDIA_ROOT} door die van de reservekopie; wat daarna is "
            "vastgelegd, gaat verloren. Stop eerst de webapplicatie en de workers."
        )
        self.stdout.write("Typ ja om te herstellen: ", ending="")
        self.stdout.flush()
        return sys.stdin.readline().strip().lower() == "ja"
