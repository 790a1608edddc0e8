"""`rbl rmc-leeftijd`: show the RMC age limits, or add one from a date."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from rbl.law.dates import dutch_date, parse_date
from rbl.law.limits import add_rmc_limit
from rbl.law.models import RmcAgeLimit
from rbl.law.status import DEFAULT_RMC_AGE, ImpossibleDate


class Command(BaseCommand):
    help = (
        "Toont de leeftijdsgrenzen van de RMC-doelgroep, of legt met --vanaf en --leeftijd "
        f"een nieuwe grens vast. Zonder vastgelegde grens eindigt de doelgroep op de "
        f"{DEFAULT_RMC_AGE}e verjaardag."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--vanaf", metavar="D", help="datum vanaf wanneer de grens geldt")
        parser.add_argument(
            "--leeftijd",
            metavar="N",
            help="de doelgroep loopt tot de dag vóór de N-de verjaardag",
        )

    def handle(self, *args, **options) -> None:
        vanaf, leeftijd = options["vanaf"], options["leeftijd"]
        if vanaf is not None or leeftijd is not None:
            self._add(vanaf, leeftijd)
        self._show()

    def _add(self, vanaf: str | None, leeftijd: str | None) -> None:
        if vanaf is None or leeftijd is None:
            raise CommandError("Geef zowel --vanaf als --leeftijd op.")
        try:
            day = parse_date(vanaf)
        except ValueError as exc:
            raise CommandError(f"Fout in --vanaf ({vanaf}): {exc}.") from None
        if not leeftijd.strip().isdigit():
            raise CommandError(f"Fout in --leeftijd ({leeftijd}): geen geheel aantal jaren.")
        try:
            add_rmc_limit(int(leeftijd), day, actor="rbl rmc-leeftijd")
        except ImpossibleDate as exc:
            raise CommandError(
                f"Fout in --{exc.field} ({leeftijd if exc.field == 'leeftijd' else vanaf}): {exc.reason}."
            ) from None
        self.stdout.write(f"Vastgelegd: {leeftijd.strip()} jaar vanaf {dutch_date(day)}.")

    def _show(self) -> None:
        self.stdout.write(f"Tot de eerste wijziging: tot {DEFAULT_RMC_AGE} jaar")
        for row in RmcAgeLimit.objects.order_by("valid_from"):
            self.stdout.write(f"Vanaf {dutch_date(row.valid_from)}: tot {row.age} jaar")
