"""`rbl retentie`: remove what is past its retention term (run it daily or weekly)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from rbl.audit.models import RetentionRule, RetentionSubject
from rbl.audit.removal import run_case_retention
from rbl.audit.retention import HoldReason
from rbl.audit.services import purge_expired
from rbl.core.dates import cli_date
from rbl.letters.services.retention import forget_print_files
from rbl.registry.imports.jobs import forget_values


class Command(BaseCommand):
    help = (
        "Verwijdert gegevens waarvan de bewaartermijn is verstreken: gesloten zaken "
        "(dossiers) na hun bewaartermijn worden geanonimiseerd, behalve zaken met een "
        "bewaarplicht, een open Halt/PV of een bezwaar zonder beslissing; regels van de "
        "toegangslog ouder dan de ingestelde termijn (standaard 60 maanden); de printbestanden "
        "van afdrukopdrachten brieven (standaard na 3 maanden); en de afgekeurde "
        "waarden bij imports via de webapplicatie die langer dan een dag klaar zijn."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--peildatum", type=cli_date, default=None, help="rekenen vanaf deze datum (JJJJ-MM-DD)"
        )
        parser.add_argument(
            "--proef",
            action="store_true",
            help="alleen tellen en de zaken noemen die zouden gaan, niets verwijderen",
        )
        parser.add_argument("--json", action="store_true", help="uitkomst als JSON")

    def handle(self, *args, **options) -> None:
        files = run_case_retention(options["peildatum"], dry_run=options["proef"])
        count = purge_expired(options["peildatum"], dry_run=options["proef"])
        months = RetentionRule.months_for(RetentionSubject.ACCESS_LOG)
        # The offending values of rejected rows, kept a day for the importing user.
        values = forget_values(dry_run=options["proef"])
        batches = forget_print_files(options["peildatum"], dry_run=options["proef"])
        batch_months = RetentionRule.months_for(RetentionSubject.PRINT_FILES)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "toegangslog": count,
                        "termijn_maanden": months,
                        "importwaarden": values,
                        "printbestanden": batches,
                        "proef": options["proef"],
                        **files.as_json(),
                    }
                )
            )
            return
        self._files(files)
        verb = "zouden worden verwijderd" if options["proef"] else "verwijderd"
        self.stdout.write(f"Toegangslog: {count} regels ouder dan {months} maanden {verb}.")
        wiped = "zouden worden gewist" if options["proef"] else "gewist"
        self.stdout.write(f"Importtaken: afgekeurde waarden van {values} import(s) {wiped}.")
        self.stdout.write(
            f"Afdrukopdrachten: printbestanden van {batches} opdracht(en) ouder dan "
            f"{batch_months} maanden {verb}."
        )

    def _files(self, files) -> None:
        """Case id, kind, rule and due date of each file: never a name or BSN."""
        verb = "zouden worden geanonimiseerd" if files.dry_run else "geanonimiseerd"
        self.stdout.write(f"Dossiers: {len(files.removed)} {verb}.")
        for term in files.removed:
            self.stdout.write(
                f"  zaak {term.case_id}  {term.case_type}  termijn {term.rule}  "
                f"verstreken op {term.due_on:%d-%m-%Y}"
            )
        if files.held:
            self.stdout.write(
                f"Dossiers vastgehouden ondanks verstreken termijn: {len(files.held)}."
            )
            for term in files.held:
                why = ", ".join(HoldReason.LABELS[h] for h in term.held)
                self.stdout.write(f"  zaak {term.case_id}  {term.case_type}  {why}")
