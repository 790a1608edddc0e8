"""`rbl kwaliteit [--peildatum D] [--verstuur | --wachtrij] [--json]`: the weekly
data-quality run (R-35). Without --verstuur it only shows who would get a mail
with how many items (nothing changes); with --verstuur it records the items
and mails each user their counts and links, escalated to the coordinators
after the region's term; --wachtrij puts that run on the task queue for
`rbl db_worker`. Nobody gets two mails in one week."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rbl.core.dates import cli_date
from rbl.reporting.weekly import Plan, WeeklyResult, weekly_run


class Command(BaseCommand):
    help = (
        "Het wekelijkse overzicht datakwaliteit: zaken zonder eigenaar, te lang open of "
        "zonder route, verzuimmeldingen zonder jongere, niet verwerkte imports, signalen "
        "zonder controlebrief en onbekende scholen. Zonder --verstuur laat het alleen zien "
        "wie een mail zou krijgen; met --verstuur krijgt iedere verantwoordelijke zijn "
        "aantallen en links per e-mail, en de coördinator de punten die te lang openstaan."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--peildatum", type=cli_date, help="JJJJ-MM-DD (standaard vandaag)", metavar="D"
        )
        send = parser.add_mutually_exclusive_group()
        send.add_argument(
            "--verstuur",
            action="store_true",
            help="leg de punten vast en verstuur de mails (eenmaal per week per medewerker)",
        )
        send.add_argument(
            "--wachtrij",
            action="store_true",
            help="zet het versturen als taak op de wachtrij voor rbl db_worker",
        )
        parser.add_argument("--json", action="store_true", help="uitvoer als JSON")

    def handle(self, *args, **options) -> None:
        day = options["peildatum"]
        if options["wachtrij"]:
            from rbl.reporting.tasks import weekly_quality_mail

            result = weekly_quality_mail.enqueue(day.isoformat() if day else None)
            if options["json"]:
                self.stdout.write(json.dumps({"taak": str(result.id)}))
            else:
                self.stdout.write(f"Op de wachtrij gezet (taak {result.id}).")
            return
        result = weekly_run(day or timezone.localdate(), send=options["verstuur"])
        if options["json"]:
            self.stdout.write(json.dumps(result.summary()))
        else:
            self._report(result)
        if result.failed:
            raise CommandError(
                f"{len(result.failed)} mail(s) konden niet worden verstuurd; zie het log."
            )

    def _line(self, plan: Plan) -> str:
        text = f"  {plan.user.username}: {plan.items} punt{'en' if plan.items != 1 else ''}"
        if plan.escalated_items:
            text += f", {plan.escalated_items} geëscaleerd"
        return text

    def _report(self, result: WeeklyResult) -> None:
        write = self.stdout.write
        write(
            f"Datakwaliteit op {result.today:%d-%m-%Y}: {result.open_items} openstaande "
            f"punten ({result.new} nieuw, {result.resolved} opgelost sinds de vorige keer)."
        )
        if not result.sent_mail:
            write(f"Proefdraai: {len(result.plans)} medewerker(s) zouden een mail krijgen.")
            for plan in result.plans:
                write(self._line(plan) + ("" if plan.user.email else " (geen e-mailadres)"))
            write("Met --verstuur worden de punten vastgelegd en de mails verstuurd.")
            return
        write(f"Verstuurd: {len(result.sent)} mail(s).")
        for plan in result.sent:
            write(self._line(plan))
        if result.already_sent:
            names = ", ".join(p.user.username for p in result.already_sent)
            write(f"Deze week al gemaild (niet opnieuw): {names}")
        if result.no_email:
            names = ", ".join(p.user.username for p in result.no_email)
            write(f"Geen e-mailadres, dus geen mail: {names}")
        if result.failed:
            names = ", ".join(p.user.username for p in result.failed)
            write(f"Niet verstuurd door een fout: {names}")
