"""`rbl svb --datum D [--json]`: prepare the notification to the SVB for every
case past the region's term (issue 20 item 2): the letter to the SVB, the line
on the export list and the owner's task to send it. Daily from cron
(docs/crontab.example); running it twice prepares nothing new."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from rbl.chain.svb import prepare_due
from rbl.core.dates import cli_date
from rbl.letters.services.letters import LetterError


class Command(BaseCommand):
    help = (
        "Bereidt een melding aan de SVB voor bij elke zaak die langer open is dan de "
        "termijn van de regio (brief, regel op de SVB-lijst, taak voor de eigenaar)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--datum", type=cli_date, help="JJJJ-MM-DD (standaard vandaag)")
        parser.add_argument("--json", action="store_true", help='uitvoer als {"svb": N}')

    def handle(self, *args, **options) -> None:
        try:
            made = prepare_due(options["datum"])
        except LetterError as exc:
            raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps({"svb": len(made)}))
        else:
            self.stdout.write(f"Voorbereide SVB-meldingen: {len(made)}")
