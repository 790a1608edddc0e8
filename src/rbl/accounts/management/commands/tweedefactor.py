"""`rbl tweedefactor GEBRUIKERSNAAM [--terugzetten]`: show or reset a user's second factor."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from rbl.accounts.models import SecurityEventKind
from rbl.accounts.secondfactor import has_second_factor, remove_second_factor
from rbl.accounts.security import record
from rbl.accounts.sessions import end_sessions


class Command(BaseCommand):
    help = (
        "Toont of een medewerker een tweede factor heeft; met --terugzetten verwijdert "
        "het de authenticator-app en herstelcodes (telefoon kwijt): bij de volgende keer "
        "inloggen stelt de medewerker een nieuwe in. Lopende sessies worden beëindigd."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("gebruikersnaam")
        parser.add_argument("--terugzetten", action="store_true")

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["gebruikersnaam"]).first()
        if user is None:
            raise CommandError(f"Geen medewerker met gebruikersnaam {options['gebruikersnaam']}.")
        if not options["terugzetten"]:
            state = "ingesteld" if has_second_factor(user) else "niet ingesteld"
            self.stdout.write(f"Tweede factor van {user.username}: {state}.")
            return
        remove_second_factor(user)
        end_sessions(user)
        record(SecurityEventKind.SECOND_FACTOR_RESET, user=user, actor="rbl tweedefactor")
        self.stdout.write(
            f"Tweede factor van {user.username} teruggezet; bij de volgende keer inloggen "
            "stelt de medewerker een nieuwe in."
        )
