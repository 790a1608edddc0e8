"""One letter's content: the values of the template's fields for a youth,
case, signal or exemption, the addressees, the signature on behalf of the
principal municipality (R-04), and the HTML that the PDF is made from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from rbl.accounts.models import Role
from rbl.letters.addressing import Addressing, Delivery, addressing_for, school_addressing
from rbl.letters.fields import sample_values
from rbl.letters.models import LetterKind, LetterTemplate
from rbl.letters.templating import render_markdown, render_plain
from rbl.organisation.models import Municipality

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()

#: Letter kinds that also name a youth of 12 or older (R-28).
NAMES_YOUTH_FROM_12 = frozenset({LetterKind.WAARSCHUWING, LetterKind.UITNODIGING})


def long_date(day: dt.date | None) -> str:
    """'4 december 2026'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else ""


def signature_line(municipality_name: str) -> str:
    """The mandate line of every letter and decision (R-04)."""
    return f"burgemeester en wethouders van de gemeente {municipality_name}, namens dezen,"


def function_of(user: Any) -> str:
    """The function printed under the signer's name."""
    if user is None:
        return "leerplichtambtenaar"
    if getattr(user, "function", ""):
        return user.function
    roles = set(user.role_assignments.values_list("role", flat=True))
    for role in (Role.LPA, Role.KPA, Role.RMC, Role.BOA, Role.COORDINATOR, Role.ADMINISTRATIE):
        if role in roles:
            return Role(role).label.lower() if role != Role.BOA else "BOA leerplicht"
    return "medewerker bureau leerplicht"


def name_of(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.username


@dataclass
class Letter:
    """Everything needed to render and store one letter."""

    kind: str
    person: Any  # registry.Person (None only for the preview)
    municipality: Municipality
    signer: Any = None
    case: Any = None
    signal: Any = None
    exemption: Any = None
    school: Any = None
    values: dict[str, str] = field(default_factory=dict)
    reference: str = ""
    addressing: Addressing | None = None

    @property
    def postcode(self) -> str:
        return self.addressing.postcode if self.addressing else ""


def logo_uri(municipality: Municipality) -> str:
    """file:// URI of the municipality's logo, or '' (the letter then shows its name)."""
    if not municipality.logo:
        return ""
    path = Path(settings.MEDIA_ROOT) / municipality.logo
    return path.resolve().as_uri() if path.is_file() else ""


def base_values(letter: Letter, day: dt.date) -> dict[str, str]:
    """The fields every letter knows; kind-specific values come on top."""
    person = letter.person
    region = letter.municipality.region
    values = {
        "datum": long_date(day),
        "kenmerk": letter.reference,
        "gemeente": letter.municipality.name,
        "medewerker": name_of(letter.signer),
        "functie": function_of(letter.signer),
        "telefoon": region.office_phone if region else "",
        "email": region.office_email if region else "",
    }
    if person is not None:
        values.update(
            jongere_naam=person.full_name,
            jongere_voornaam=(person.given_names or "").split(" ")[0],
            geboortedatum=long_date(person.birth_date),
        )
    if letter.school is not None:
        values["school"] = letter.school.name
    return values


def address(letter: Letter, day: dt.date) -> Addressing:
    if letter.kind == LetterKind.VERZUIMSTAAT:
        return school_addressing(letter.school.name if letter.school else "de school")
    return addressing_for(letter.person, day, youth_from_12=letter.kind in NAMES_YOUTH_FROM_12)


def letter_html(letter: Letter, template: LetterTemplate, day: dt.date) -> tuple[str, str]:
    """(subject, HTML) of one letter made with `template` on `day`."""
    values = {**base_values(letter, day), **letter.values}
    if letter.addressing is None:
        letter.addressing = address(letter, day)
    values["aanhef"] = letter.addressing.salutation
    subject = render_plain(template.subject, values)
    local = template.local_blocks.get(letter.municipality.code, "")
    context = {
        "subject": subject,
        "reference": letter.reference,
        "municipality": letter.municipality.name,
        "sender_address": letter.municipality.address.strip(),
        "logo": logo_uri(letter.municipality),
        "window": letter.addressing.window,
        "date": long_date(day),
        "salutation": letter.addressing.salutation,
        "body": mark_safe(render_markdown(template.body, values)),
        "local": mark_safe(render_markdown(local, values)) if local.strip() else "",
        "signer_name": values["medewerker"],
        "signer_function": values["functie"],
        "phone": values["telefoon"],
        "email": values["email"],
    }
    return subject, _layout().render(context)


def _layout():
    return get_template("letters/letter.html")


def preview_html(template: LetterTemplate, municipality: Municipality) -> str:
    """The letter of `template` filled with made-up sample data, as
    `municipality` would send it (the template editor's preview)."""
    values = sample_values()
    addressing = Addressing(
        name_lines=("De ouder(s)/verzorger(s) van", "Sanne de Vries"),
        address_lines=("Voorbeeldstraat 1", "1234 AB  VOORBEELDSTAD"),
        salutation=values["aanhef"] + ",",
        postcode="1234AB",
        delivery=Delivery.MAIL,
    )
    letter = Letter(
        kind=template.kind,
        person=None,
        municipality=municipality,
        values={**values, "gemeente": municipality.name},
        reference=values["kenmerk"],
        addressing=addressing,
    )
    today = dt.date(2026, 12, 4)
    _, html = letter_html(letter, template, today)
    return html
