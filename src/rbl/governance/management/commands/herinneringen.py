"""`rbl herinneringen [--peildatum D] [--json]`: mail the jaarkalender's
reminders whose lead time runs today (R-06); each deadline occurrence reaches
each responsible user once, so running it daily (or twice) sends nothing twice."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rbl.core.dates import cli_date
from rbl.governance.services import send_reminders


class Command(BaseCommand):
    help = (
        "Verstuur de herinneringen van de jaarkalender: iedere verantwoordelijke krijgt "
        "eenmaal per deadline een e-mail, vanaf het ingestelde aantal dagen vooraf."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--peildatum", type=cli_date, help="JJJJ-MM-DD (standaard vandaag)", metavar="D"
        )
        parser.add_argument("--json", action="store_true", help="uitvoer als JSON")

    def handle(self, *args, **options) -> None:
        run = send_reminders(options["peildatum"] or timezone.localdate())
        if options["json"]:
            summary = {
                "peildatum": run.today.isoformat(),
                "verstuurd": len(run.sent),
                "al_verstuurd": run.already_sent,
                "zonder_email": run.without_email,
                "mislukt": run.failed,
            }
            self.stdout.write(json.dumps(summary))
        else:
            self.stdout.write(
                f"Jaarkalender {run.today:%d-%m-%Y}: {len(run.sent)} herinnering(en) verstuurd, "
                f"{run.already_sent} eerder al verstuurd."
            )
            for username, title, day in run.sent:
                self.stdout.write(f"  {username}: {title} ({day:%d-%m-%Y})")
            for username in run.without_email:
                self.stdout.write(f"  overgeslagen, geen e-mailadres: {username}")
        if run.failed:
            raise CommandError(
                f"{len(run.failed)} mail(s) konden niet worden verstuurd; zie het log."
            )
