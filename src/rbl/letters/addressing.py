"""Who a letter is addressed to, and where (R-28, formats.md).

- a leerplichtige: the parents/guardians (their names from the BRP when known,
  else "de ouder(s)/verzorger(s) van …"); from 12 also the youth by name on
  warnings and invitations;
- a kwalificatieplichtige: the youth and the parents;
- from 18: the youth alone.

Always at the youth's own address. A person marked `geheim` is never on the
mailing house's list (the office sends the letter itself), and a person
without a usable address (none known, moved away, died) is listed, not
skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from rbl.law.status import LegalStatus, birthday, duty_periods
from rbl.registry.models import Person


class Delivery(StrEnum):
    MAIL = "ok"  # by the mailing house
    SECRET = "geheim"  # by the office itself: the BRP keeps the address secret
    NO_ADDRESS = "geen_adres"  # no usable address: the office finds out how to reach them
    SCHOOL = "school"  # a letter to a school, sent by the office


@dataclass(frozen=True)
class Addressing:
    name_lines: tuple[str, ...]
    address_lines: tuple[str, ...]
    salutation: str
    postcode: str
    delivery: Delivery

    @property
    def window(self) -> tuple[str, ...]:
        """What shows in the envelope window."""
        return self.name_lines + self.address_lines


def parent_names(person: Person) -> list[str]:
    return [n.strip() for n in (person.parent1_name, person.parent2_name) if n and n.strip()]


def first_name(person: Person) -> str:
    return (person.given_names or "").split(" ")[0] or person.full_name


def address_lines(person: Person) -> tuple[str, ...]:
    """Street line and postcode line, or () when the address is not usable."""
    number = f"{person.house_number}{person.house_letter}"
    if person.house_number_suffix:
        number = f"{number}-{person.house_number_suffix}"
    if not (person.street and person.house_number and person.postcode and person.city):
        return ()
    postcode = person.postcode.replace(" ", "").upper()
    if len(postcode) == 6:
        postcode = f"{postcode[:4]} {postcode[4:]}"
    return (f"{person.street} {number}", f"{postcode}  {person.city.upper()}")


def delivery_for(person: Person, day: dt.date) -> Delivery:
    if person.secret:
        return Delivery.SECRET
    gone = any(d is not None and d <= day for d in (person.moved_out_on, person.died_on))
    if gone or not address_lines(person):
        return Delivery.NO_ADDRESS
    return Delivery.MAIL


def addressing_for(person: Person, day: dt.date, *, youth_from_12: bool) -> Addressing:
    """The addressees of a letter about `person` on `day`. `youth_from_12`: the
    letter kind also names a youth of 12 or older (warnings, invitations)."""
    status = duty_periods(person.birth_date).status_on(day)
    adult = day >= birthday(person.birth_date, 18)
    with_youth = adult or status == LegalStatus.KWALIFICATIEPLICHTIG
    if not with_youth and youth_from_12 and day >= birthday(person.birth_date, 12):
        with_youth = True
    with_parents = not adult
    parents = parent_names(person)
    names: list[str] = []
    greetings: list[str] = []
    if with_parents:
        if parents:
            names.append(" en ".join(parents))
            greetings.append("Geachte " + " en ".join(parents))
        else:
            names.append(f"De ouder(s)/verzorger(s) van {person.full_name}")
            greetings.append("Geachte ouder(s)/verzorger(s)")
    if with_youth:
        names.append(person.full_name)
        greetings.append(
            f"beste {first_name(person)}" if greetings else f"Beste {first_name(person)}"
        )
    delivery = delivery_for(person, day)
    lines = address_lines(person) if delivery != Delivery.NO_ADDRESS else ()
    postcode = person.postcode.replace(" ", "").upper() if delivery == Delivery.MAIL else ""
    return Addressing(
        name_lines=tuple(names),
        address_lines=lines,
        salutation=", ".join(greetings) + ",",
        postcode=postcode,
        delivery=delivery,
    )


def school_addressing(school_name: str) -> Addressing:
    """A letter to a school (the verzuimstaat request): to its management,
    never with anything of the youth's address."""
    return Addressing(
        name_lines=("De directie van", school_name),
        address_lines=(),
        salutation="Geachte directie,",
        postcode="",
        delivery=Delivery.SCHOOL,
    )
