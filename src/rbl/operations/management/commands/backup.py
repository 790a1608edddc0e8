"""`rbl backup FILE`: the database and the stored documents in one archive."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from rbl.core.progress import byte_progress
from rbl.operations import report
from rbl.operations.backup import BackupFailed, make_backup


class Command(BaseCommand):
    help = (
        "Schrijft een reservekopie van de hele database en alle opgeslagen documenten naar "
        "BESTAND (een tar-archief met inhoudsopgave), terwijl RBL gewoon doorwerkt. "
        "Terugzetten met `rbl herstel BESTAND`."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("bestand", type=Path, help="het archief dat wordt geschreven")

    def handle(self, *args, **options) -> None:
        with byte_progress("Reservekopie maken", enabled=True) as progress:
            try:
                result = make_backup(options["bestand"], progress)
            except BackupFailed as exc:
                self.stderr.write(f"Geen reservekopie gemaakt: {exc}")
                raise SystemExit(1) from None
        manifest = result.manifest
        out = self.stdout.write
        out(f"Reservekopie geschreven: {result.path} ({report.size(result.size)})")
        out(
            f"  database:   {report.database(manifest)}, {manifest.database['dump']}, "
            f"{report.size(manifest.database['size'])}"
        )
        out(f"  documenten: {result.documents} bestanden, {report.size(result.documents_size)}")
        out(f"  gemaakt op: {report.moment(manifest)} met RBL {manifest.rbl_version}")
        out(
            "Het archief bevat persoonsgegevens: bewaar het versleuteld en buiten deze machine "
            "(zie README, Backups)."
        )
