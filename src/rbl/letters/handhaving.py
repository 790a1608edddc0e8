"""The papers of a Halt referral and a proces-verbaal (R-22): filled with what
RBL knows of the case — youth, parents, school, the absence from the school's
reports, the MAS steps taken with their dates — and addressed to the region's
Halt office or to the OM (the addresses of the region file)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rbl.cases.models import Handhaving, HandhavingKind
from rbl.letters.addressing import Addressing, Delivery, address_lines, parent_names
from rbl.letters.compose import Letter, long_date
from rbl.letters.models import LetterKind
from rbl.letters.services.letters import LetterError, reference_for

KIND_OF = {
    HandhavingKind.HALT: LetterKind.HALT_VERWIJZING,
    HandhavingKind.PV: LetterKind.PROCES_VERBAAL,
}


def _hours(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{value.normalize():f}".replace(".", ",")
    return f"{text} uur"


def absence_lines(case: Any) -> str:
    """One line per absence report of the case: period, hours/days, number."""
    lines = []
    for m in case.meldingen.order_by("verzuim_vanaf", "meldingsdatum", "pk"):
        start = m.verzuim_vanaf or m.meldingsdatum
        period = long_date(start)
        if m.verzuim_tot and m.verzuim_tot != start:
            period = f"{period} tot en met {long_date(m.verzuim_tot)}"
        amount = ", ".join(x for x in (_hours(m.uren), f"{m.dagen} dagen" if m.dagen else "") if x)
        text = f"• {period}" + (f": {amount}" if amount else "")
        lines.append(f"{text} (melding {m.meldingsnummer}, gemeld op {long_date(m.meldingsdatum)})")
    return "\n".join(lines) or "Geen meldingen van de school vastgelegd."


def mas_step_lines(case: Any) -> str:
    """One line per recorded MAS step (activity) of the case, oldest first."""
    lines = []
    for a in case.activities.select_related("author").order_by("date", "pk"):
        author = a.author.get_full_name() or a.author.username
        lines.append(f"• {long_date(a.date)}: {a.get_kind_display()} ({author})")
    return "\n".join(lines) or "Nog geen stappen vastgelegd."


def _recipient(kind: str, region: Any) -> Addressing:
    if kind == LetterKind.HALT_VERWIJZING:
        text, who, what = region.halt_address if region else "", "Halt-bureau", "verwijzing"
    else:
        text, who, what = region.om_address if region else "", "Openbaar Ministerie", "PV"
    lines = tuple(line.strip() for line in (text or "").splitlines() if line.strip())
    if not lines:
        raise LetterError(
            f"Het adres van het {who} ontbreekt in de regio-instellingen; de {what} kan "
            "nog niet worden gemaakt. De applicatiebeheerder vult het in het regiobestand "
            f"in ({'adres_halt' if what == 'verwijzing' else 'adres_om'})."
        )
    return Addressing(
        name_lines=lines[:1],
        address_lines=lines[1:],
        salutation="Geachte heer/mevrouw,",
        postcode="",
        delivery=Delivery.SCHOOL,  # sent by the office itself, not the mailing house
    )


def letter_for_handhaving(item: Handhaving, day: dt.date, *, author: Any) -> Letter:
    """The referral form (Halt) or the PV of `item`; the PV is signed by the
    BOA who handles it, the referral on behalf of the case owner."""
    case = item.case
    kind = KIND_OF[item.kind]
    person = case.person
    lines = address_lines(person)
    signer = item.handler if kind == LetterKind.PROCES_VERBAAL and item.handler else None
    letter = Letter(
        kind=kind,
        person=person,
        municipality=case.principal,
        signer=signer or case.owner or author,
        case=case,
        school=case.school,
        values={
            "jongere_adres": ", ".join(lines) if lines else "adres onbekend",
            "ouders": " en ".join(parent_names(person)) or "onbekend",
            "school": case.school.name if case.school else "geen school bekend",
            "verzuim_overzicht": absence_lines(case),
            "mas_stappen": mas_step_lines(case),
        },
    )
    number = case.documents.count() + 1
    letter.reference = reference_for(letter, day, number)
    letter.addressing = _recipient(kind, case.principal.region)
    return letter
