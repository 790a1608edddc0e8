"""The letters to the chain partners: the notification to the SVB (to the
address in the region settings) and the terugmelding to the BRP department
of the municipality the youth is registered in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rbl.cases.models import Case
from rbl.chain.models import BrpTerugmelding, ChainSettings, SvbTrigger
from rbl.letters.addressing import Addressing, Delivery, address_lines, parent_names
from rbl.letters.compose import Letter, long_date
from rbl.letters.models import LetterKind
from rbl.letters.services.letters import LetterError, reference_for


def _office(lines: tuple[str, ...], salutation: str = "Geachte heer/mevrouw,") -> Addressing:
    return Addressing(
        name_lines=lines[:1],
        address_lines=lines[1:],
        salutation=salutation,
        postcode="",
        delivery=Delivery.SCHOOL,  # sent by the office itself, not the mailing house
    )


def _youth_values(case: Case) -> dict[str, str]:
    person = case.person
    lines = address_lines(person)
    return {
        "jongere_adres": ", ".join(lines) if lines else "geen adres bekend",
        "ouders": " en ".join(parent_names(person)) or "onbekend",
        "school": case.school.name if case.school else "geen school bekend",
    }


def svb_reason(trigger: str, opened_on: dt.date, weeks: int) -> str:
    kind = "absoluut verzuim" if trigger == SvbTrigger.ABSOLUUT else "langdurig verzuim"
    return (
        f"De zaak {kind} is sinds {long_date(opened_on)} open, langer dan {weeks} weken; "
        "de jongere staat niet op een school ingeschreven of gaat niet naar school."
    )


def svb_letter(
    case: Case, trigger: str, settings: ChainSettings, day: dt.date, *, author: Any
) -> Letter:
    """The notification to the SVB about `case`."""
    lines = tuple(x.strip() for x in (settings.svb_address or "").splitlines() if x.strip())
    if not lines:
        raise LetterError(
            "Het adres van de SVB ontbreekt in de instellingen van de regio; de SVB-melding "
            "kan nog niet worden gemaakt. De coördinator vult het in onder Inrichting, "
            "Termijnen en adressen."
        )
    letter = Letter(
        kind=LetterKind.SVB_MELDING,
        person=case.person,
        municipality=case.principal,
        signer=case.owner or author,
        case=case,
        school=case.school,
        values={
            **_youth_values(case),
            "aanleiding": svb_reason(trigger, case.opened_on, settings.svb_term_weeks),
        },
    )
    letter.reference = reference_for(letter, day, case.documents.count() + 1)
    letter.addressing = _office(lines)
    return letter


def brp_office_lines(municipality: Any) -> tuple[str, ...]:
    """The BRP department of `municipality`: its name and the address the
    municipality's letters carry."""
    address = tuple(x.strip() for x in (municipality.address or "").splitlines() if x.strip())
    return (f"Gemeente {municipality.name}, afdeling Burgerzaken (BRP)", *address)


def terugmelding_letter(item: BrpTerugmelding, day: dt.date, *, author: Any) -> Letter:
    """The terugmelding about `item` to the BRP department of its municipality."""
    case = item.case
    values = _youth_values(case)
    if item.registered_address:
        values["jongere_adres"] = item.registered_address
    values["redenen"] = "\n".join(f"• {label}" for label in item.reason_labels())
    values["gronden"] = item.grounds
    letter = Letter(
        kind=LetterKind.BRP_TERUGMELDING,
        person=item.person,
        municipality=case.principal,
        signer=author,
        case=case,
        school=case.school,
        values=values,
    )
    letter.reference = reference_for(letter, day, case.documents.count() + 1)
    letter.addressing = _office(brp_office_lines(item.municipality))
    return letter


def forwarding_letter(
    case: Case,
    *,
    municipality_name: str,
    municipality_code: str,
    summary: str,
    attachments: str,
    day: dt.date,
    author: Any,
) -> Letter:
    """The transfer letter to the leerplicht office of the municipality outside
    the region where the youth now lives (R-26)."""
    from rbl.letters.handhaving import mas_step_lines

    letter = Letter(
        kind=LetterKind.OVERDRACHT,
        person=case.person,
        municipality=case.principal,
        signer=author,
        case=case,
        school=case.school,
        values={
            **_youth_values(case),
            "nieuwe_gemeente": f"{municipality_name} ({municipality_code})",
            "zaak_samenvatting": summary,
            "mas_stappen": mas_step_lines(case),
            "bijlagen": attachments,
        },
    )
    letter.reference = reference_for(letter, day, case.documents.count() + 1)
    letter.addressing = _office((f"Leerplicht, gemeente {municipality_name}",))
    return letter


def report_forwarding_letter(
    melding: Any,
    *,
    municipality_name: str,
    municipality_code: str,
    day: dt.date,
    author: Any,
) -> Letter:
    """The letter that forwards a DUO absence report of a youth who had moved
    out of the region before it came in (no case here) to the new
    municipality's leerplicht office."""
    person = melding.person
    lines = address_lines(person)
    period = long_date(melding.verzuim_vanaf or melding.meldingsdatum)
    if melding.verzuim_tot:
        period = f"{period} tot en met {long_date(melding.verzuim_tot)}"
    summary = "\n".join(
        [
            f"• Verzuimmelding {melding.meldingsnummer} ({melding.get_soort_display()}), "
            f"gemeld op {long_date(melding.meldingsdatum)}",
            f"• Verzuim: {period}",
            f"• Vertrokken uit onze gemeente op {long_date(person.moved_out_on)}"
            if person.moved_out_on
            else "• Vertrokken uit onze gemeente",
        ]
    )
    school = melding.school.name if melding.school else f"BRIN {melding.brin}"
    letter = Letter(
        kind=LetterKind.OVERDRACHT,
        person=person,
        municipality=person.municipality,
        signer=author,
        school=melding.school,
        values={
            "jongere_adres": ", ".join(lines) if lines else "geen adres bekend",
            "ouders": " en ".join(parent_names(person)) or "onbekend",
            "school": school,
            "nieuwe_gemeente": f"{municipality_name} ({municipality_code})",
            "zaak_samenvatting": summary,
            "mas_stappen": "Geen: de melding kwam binnen nadat de jongere was vertrokken.",
            "bijlagen": f"• De verzuimmelding {melding.meldingsnummer} van de school",
        },
    )
    letter.reference = reference_for(letter, day, person.documents.count() + 1)
    letter.addressing = _office((f"Leerplicht, gemeente {municipality_name}",))
    return letter
