"""Factories for staff users and case objects (shared factories: tests/factories.py)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from rbl.accounts.models import RoleAssignment, User
from rbl.cases.models import Case, CaseEvent, OwnershipPeriod, PrincipalPeriod, VerzuimMelding
from tests.factories import MunicipalityFactory, PersonFactory


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"medewerker{n}")


class RoleAssignmentFactory(DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = "lpa"
    municipality = factory.SubFactory(MunicipalityFactory)


def staff(username: str, role: str, *municipalities) -> User:
    """A user holding `role` for each of `municipalities`."""
    user = UserFactory(username=username)
    for municipality in municipalities:
        RoleAssignmentFactory(user=user, role=role, municipality=municipality)
    return user


class CaseFactory(DjangoModelFactory):
    """A case created directly (no rules); `owner` also gets an ownership period,
    and the principal its first PrincipalPeriod from `opened_on`, as `open_case`
    writes them (`principal_period=False`: none, as a case from before the
    periods existed)."""

    class Meta:
        model = Case
        skip_postgeneration_save = True

    type = "relatief_16uur"
    person = factory.SubFactory(PersonFactory)
    principal = factory.SelfAttribute("person.municipality")
    opened_on = dt.date(2025, 1, 6)
    owner = None

    @factory.post_generation
    def ownership(obj, create, extracted, **kwargs):
        if create and obj.owner_id:
            OwnershipPeriod.objects.create(case=obj, user=obj.owner, start=timezone.now())

    @factory.post_generation
    def principal_period(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            PrincipalPeriod.objects.create(
                case=obj, municipality_id=obj.principal_id, start=obj.opened_on
            )


class CaseEventFactory(DjangoModelFactory):
    """An event written directly, e.g. the history of a case from before a
    model that is back-filled from the events."""

    class Meta:
        model = CaseEvent

    case = factory.SubFactory(CaseFactory)
    at = factory.LazyFunction(timezone.now)
    kind = "aangemaakt"
    data = factory.LazyFunction(dict)
    version = 1


class VerzuimMeldingFactory(DjangoModelFactory):
    class Meta:
        model = VerzuimMelding

    meldingsnummer = factory.Sequence(lambda n: f"M{100000 + n}")
    person = factory.SubFactory(PersonFactory)
    bsn = factory.SelfAttribute("person.bsn")
    brin = "12AB"
    soort = "16UUR"
    meldingsdatum = dt.date(2025, 1, 10)
    verzuim_vanaf = dt.date(2024, 12, 9)
