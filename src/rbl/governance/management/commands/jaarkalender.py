"""`rbl jaarkalender`: fill the region's jaarkalender with the deadlines of the
law and the agreement (R-06). Deadlines already there (also edited ones) stay."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rbl.governance.services import seed_deadlines, the_region


class Command(BaseCommand):
    help = (
        "Vul de jaarkalender met de vaste deadlines uit de wet en de overeenkomst "
        "(art. 25-verslag, begroting, jaarrekening, instemming, JCO, bestuurlijk overleg, "
        "audits). Bestaande en gewijzigde deadlines blijven zoals ze zijn."
    )

    def handle(self, *args, **options) -> None:
        region = the_region()
        if region is None:
            raise CommandError(
                "Er is nog geen regio; lees eerst het regiobestand in met rbl regio."
            )
        added = seed_deadlines(region, timezone.localdate())
        self.stdout.write(f"Jaarkalender van {region.name}: {added} deadline(s) toegevoegd.")
