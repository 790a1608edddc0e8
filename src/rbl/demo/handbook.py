"""The demo's handbook "Zo werken we in de regio" (R-51) and the goals of the
cooperation for the evaluation of the current year (R-52)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from rbl.accounts.models import Role
from rbl.cases.models import CaseType
from rbl.governance.evaluation import seed_goals
from rbl.governance.handbook import create_page, save_version
from rbl.governance.models import HandbookPage

ABSOLUUT = """\
Een jongere is **absoluut verzuimer** als hij of zij leerplichtig is en bij geen
enkele school staat ingeschreven (Leerplichtwet art. 2).

## Zo werken we

1. De administratie vergelijkt iedere maand de BRP met de inschrijvingen van DUO
   en stuurt de ouders een controlebrief.
2. Komt er binnen **twee weken** geen antwoord, dan krijgt de leerplichtambtenaar
   van de woongemeente de zaak.
3. De leerplichtambtenaar belt of bezoekt het gezin binnen **tien schooldagen** en
   legt het gesprek vast als activiteit.
4. Staat de jongere binnen een maand nog nergens ingeschreven, dan overlegt de
   leerplichtambtenaar met het samenwerkingsverband over een passende plek.

## Afsluiten

Sluit de zaak af zodra de inschrijving in DUO zichtbaar is, of de jongere een
vrijstelling heeft. Noteer de reden van afsluiten.
"""

RELATIEF = """\
**Relatief verzuim**: een ingeschreven leerling is zonder geldige reden afwezig.
Een school meldt bij **16 uur** ongeoorloofd verzuim in vier weken (art. 21a).

## Binnen vijf schooldagen

- Lees de melding en het verzuimoverzicht van de school.
- Nodig de leerling (en bij een minderjarige de ouders) uit voor een gesprek.

## Het gesprek

- Vraag naar de reden van het verzuim; denk aan zorg, pesten of problemen thuis.
- Kies een route uit de MAS: *preventief*, *zorg*, *Halt* of *proces-verbaal*.
- Leg afspraken schriftelijk vast en stuur de school een terugkoppeling.

## Na zes weken

Controleer met de school of het verzuim is gestopt. Zo niet: bespreek de zaak in
het JCO en overweeg een Halt-verwijzing (tot 18 jaar) of een proces-verbaal.
"""

THUISZITTERS = """\
Een **thuiszitter** is een leerplichtige jongere die langer dan vier weken zonder
geldige reden thuis zit, met of zonder inschrijving.

## Afspraken

- De zaakeigenaar zet de jongere **binnen een week** op de thuiszitterslijst.
- Iedere zes weken bespreken we de lijst met het samenwerkingsverband.
- Zit een jongere langer dan **drie maanden** thuis, dan meldt de coördinator dit
  bij de wethouder van de woongemeente.

Zie ook de [landelijke afspraken over thuiszitters](https://www.ingrado.nl/).
"""

VERLOF = """\
Ouders vragen verlof buiten de schoolvakanties aan bij de directeur van de school.

| Verlof | Wie beslist |
|---|---|
| Tot en met 10 schooldagen | de directeur van de school |
| Meer dan 10 schooldagen | de leerplichtambtenaar |

## Zo werken we

- Registreer een aanvraag van meer dan tien schooldagen als verlofaanvraag.
- Vraag bij gewichtige omstandigheden (art. 11 onder g) om bewijsstukken,
  bijvoorbeeld een verklaring van een arts.
- Beslis binnen **zes weken**; het besluit vermeldt de bezwaarmogelijkheid.
"""

PAGES = (
    ("absoluut-verzuim", "Absoluut verzuim", CaseType.ABSOLUUT, ABSOLUUT),
    ("relatief-verzuim", "Relatief verzuim (16 uur)", CaseType.RELATIEF_16UUR, RELATIEF),
    ("thuiszitters", "Thuiszitters", CaseType.LANGDURIG, THUISZITTERS),
    ("verlof", "Verlof buiten de schoolvakanties", CaseType.VERLOF, VERLOF),
)


def seed_handbook(today: dt.date) -> None:
    """The handbook's pages written by the coordinator (one of them changed
    once, so the demo shows versions and a difference) and the year's goals."""
    author = (
        get_user_model()
        .objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True)
        .order_by("pk")
        .first()
    )
    if author is None:
        return
    for slug, title, case_type, body in PAGES:
        if HandbookPage.objects.filter(slug=slug).exists():
            continue
        note = "Eerste versie, vastgesteld in het regio-overleg."
        first = body.replace("**twee weken**", "**drie weken**")
        page = create_page(
            author, slug=slug, title=title, body=first, note=note, case_type=case_type
        )
        if first != body:
            save_version(
                page,
                author,
                base_version=page.version,
                title=title,
                body=body,
                note="Antwoordtermijn controlebrief van drie naar twee weken.",
                case_type=case_type,
            )
    seed_goals(today.year, author)
