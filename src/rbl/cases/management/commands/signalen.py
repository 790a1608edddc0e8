"""`rbl signalen --datum D [--json]`: absoluut-verzuim signals past the region's
control term (R-13) become cases for the assigned officer. Part of the weekly
run after `rbl absoluut`; running it twice opens nothing new."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from rbl.cases.services.absoluut import open_cases_for_due_signals
from rbl.core.dates import cli_date


class Command(BaseCommand):
    help = (
        "Maakt een dossier absoluut verzuim voor elk open signaal waarvan de termijn "
        "van de controlebrief verstreken is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--datum", type=cli_date, help="JJJJ-MM-DD (standaard vandaag)")
        parser.add_argument("--json", action="store_true", help='uitvoer als {"cases": N}')

    def handle(self, *args, **options) -> None:
        opened = open_cases_for_due_signals(options["datum"], actor=None)
        if options["json"]:
            self.stdout.write(json.dumps({"cases": len(opened)}))
        else:
            self.stdout.write(f"Nieuwe dossiers absoluut verzuim: {len(opened)}")
