"""How person data is written on screens and in API answers."""

from __future__ import annotations

from rbl.registry.models import Person


def street_line(person: Person) -> str:
    """Street and house number as one line ("Markt 3a-2"), empty when unknown."""
    number = f"{person.house_number}{person.house_letter}"
    if person.house_number_suffix:
        number = f"{number}-{person.house_number_suffix}"
    return " ".join(p for p in (person.street, number) if p)


def full_address(person: Person) -> str:
    """Street line, postcode and town, leaving out what is unknown."""
    town = " ".join(p for p in (person.postcode, person.city) if p)
    return ", ".join(p for p in (street_line(person), town) if p)
