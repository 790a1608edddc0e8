"""`rbl ontgrendel GEBRUIKERSNAAM`: lift a login lockout before its term ends."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.core.management.base import BaseCommand

from rbl.accounts.models import SecurityEventKind
from rbl.accounts.security import record


class Command(BaseCommand):
    help = (
        "Heft de blokkade van een gebruikersnaam na te veel mislukte inlogpogingen op "
        "(en telt de mislukte pogingen weer vanaf nul)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "gebruikersnaam", help="de gebruikersnaam zoals bij het inloggen getypt"
        )

    def handle(self, *args, **options) -> None:
        username = options["gebruikersnaam"]
        removed = AxesProxyHandler.reset_attempts(username=username)
        if removed:
            record(SecurityEventKind.UNLOCKED, username=username, actor="rbl ontgrendel")
            self.stdout.write(f"Blokkade opgeheven voor {username}.")
        else:
            self.stdout.write(f"Geen mislukte pogingen vastgelegd voor {username}; niets te doen.")
