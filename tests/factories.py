"""Shared factory_boy factories for tests of every app.

Defaults make a valid, ordinary object; tests set what matters to them. DUO
records (enrolments, diplomas, exemptions) link to a person by BSN, so pass
``bsn=person.bsn``. Municipalities are fetched by code when they exist, and
all of them belong to one shared "Testregio" unless a region is given.
"""

from __future__ import annotations

import datetime as dt

import factory
import factory.fuzzy
from factory.django import DjangoModelFactory
from faker.providers.person.nl_NL import Provider as NlPersonProvider

from rbl.absoluut.models import Signal
from rbl.core.bsn import make_bsn
from rbl.organisation.models import Municipality, Region, School
from rbl.registry.models import Diploma, Enrolment, Exemption, Person


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("name",)

    name = "Testregio"
    control_term_days = 14


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")
    name = factory.LazyAttribute(lambda m: f"Gemeente {m.code}")
    region = factory.SubFactory(RegionFactory)


def _brin(n: int) -> str:
    return f"{n % 100:02d}{chr(65 + n // 100 % 26)}{chr(65 + n // 2600 % 26)}"


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School
        django_get_or_create = ("brin", "vestiging")

    brin = factory.Sequence(_brin)
    vestiging = "00"
    name = factory.Sequence(lambda n: f"School {n}")
    sector = "VO"
    municipality_code = ""


# Faker's Dutch surnames, without the few historical ones written with a comma
# ("Bourgondië, van"): the BRP writes no comma in a name, and an import refuses
# one, so a person made from those could not be imported.
SURNAMES = [n for n in NlPersonProvider.last_names if "," not in n]


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    # Spaced seeds: make_bsn moves to the next body when one has no check digit.
    bsn = factory.Sequence(lambda n: make_bsn(10_000_000 + 3 * n))
    surname = factory.fuzzy.FuzzyChoice(SURNAMES)
    given_names = factory.Faker("first_name", locale="nl_NL")
    birth_date = dt.date(2012, 5, 15)
    municipality = factory.SubFactory(MunicipalityFactory)
    postcode = "7121AB"
    city = factory.LazyAttribute(lambda p: p.municipality.name)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    bsn = factory.LazyFunction(lambda: PersonFactory.build().bsn)
    school = factory.SubFactory(SchoolFactory)
    brin = factory.SelfAttribute("school.brin")
    vestiging = factory.SelfAttribute("school.vestiging")
    sector = factory.SelfAttribute("school.sector")
    start = dt.date(2020, 8, 1)
    end = None


class DiplomaFactory(DjangoModelFactory):
    class Meta:
        model = Diploma

    bsn = factory.LazyFunction(lambda: PersonFactory.build().bsn)
    date = dt.date(2024, 7, 1)
    programme = factory.Sequence(lambda n: f"Opleiding {n}")
    level = "havo"
    startkwalificatie = True


class ExemptionFactory(DjangoModelFactory):
    class Meta:
        model = Exemption

    bsn = factory.LazyFunction(lambda: PersonFactory.build().bsn)
    municipality = factory.SubFactory(MunicipalityFactory)
    ground = "5a"
    start = dt.date(2024, 8, 1)
    end = None
    decided_on = factory.SelfAttribute("start")


class SignalFactory(DjangoModelFactory):
    """An open absoluut-verzuim signal in the person's municipality."""

    class Meta:
        model = Signal

    person = factory.SubFactory(PersonFactory)
    municipality = factory.SelfAttribute("person.municipality")
    status = "leerplichtig"
    opened_on = dt.date(2025, 1, 6)
    closed_on = None
    close_reason = ""
