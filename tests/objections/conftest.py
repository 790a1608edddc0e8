from __future__ import annotations

import datetime as dt

import pytest

from tests.web.world import World, build_world


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def leave_decision(world: World, *, days: int = 15, article: str = "14", who: str = "own"):
    """A decided leave request of the world's youth of `who` ("own": Aalten),
    owned by lpa-aalten. 15 school days under art. 14: the officer's own
    decision; 5 days: decided by the head of the school."""
    from rbl.cases.services.leave import decide_leave, register_leave_request

    start = dt.date(2026, 4, 6)  # a Monday
    end = start + dt.timedelta(days=(days // 5) * 7 - 3 if days % 5 == 0 else days)
    request = register_leave_request(
        world.persons[who],
        article=article,
        requested_on=dt.date(2026, 2, 2),
        start=start,
        end=end,
        actor=world.users["coordinator"],
        today=dt.date(2026, 2, 2),
        owner=world.users["lpa-aalten"],
    )
    assert request.school_days == days
    request.case.refresh_from_db()
    return decide_leave(
        request,
        "afgewezen",
        actor=world.users["lpa-aalten"],
        expected_version=request.case.version,
        decided_on=dt.date(2026, 2, 20),
    )


def exemption_case(world: World, who: str = "own"):
    """A vrijstelling case with its exemption decided on 16 February 2026."""
    from rbl.cases.models import Case
    from rbl.registry.models import Exemption
    from tests.cases.factories import CaseFactory

    person = world.persons[who]
    case = CaseFactory(
        person=person,
        type="vrijstelling",
        owner=world.users["lpa-aalten"],
        opened_on=dt.date(2026, 1, 5),
    )
    exemption = Exemption.objects.create(
        bsn=person.bsn,
        municipality=person.municipality,
        ground="5a",
        start=dt.date(2026, 3, 1),
        decided_on=dt.date(2026, 2, 16),
    )
    Case.objects.filter(pk=case.pk).update(exemption=exemption)
    case.refresh_from_db()
    return case
