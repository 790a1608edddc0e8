"""The standard steps of the MAS route as a checklist on the case page, each
ticked by recording its activity (R-21), and the youth's choice from 16 about
what the parents hear (append-only, with date and author)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rbl.cases.mas import FIRST_STEPS, STEPS_PER_ROUTE, checklist
from rbl.cases.models import ActivityKind, ImmutableError, MasRoute, ParentsConsent
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.lifecycle import add_activity, choose_route, record_parents_choice
from tests.web.world import World

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
DAY = dt.timedelta(days=1)


def login(client, world: World, name: str):
    client.force_login(world.users[name])
    return client


def _steps_section(page: str) -> str:
    start = page.index('id="h-stappen"')
    return page[start : page.index("</section>", start)]


def _step_row(page: str, label: str) -> str:
    section = _steps_section(page)
    start = section.index(f">{label}</th>")
    return section[start : section.index("</tr>", start)]


def test_every_route_has_its_steps_after_the_first_conversations():
    for route in MasRoute.values:
        steps = STEPS_PER_ROUTE[route]
        assert steps[: len(FIRST_STEPS)] == FIRST_STEPS
        assert len(set(steps)) == len(steps)
    assert ActivityKind.HALT in STEPS_PER_ROUTE[MasRoute.HALT]
    assert ActivityKind.PV in STEPS_PER_ROUTE[MasRoute.STRAFRECHT]
    assert ActivityKind.RVDK in STEPS_PER_ROUTE[MasRoute.JEUGDBESCHERMING]
    assert ActivityKind.DOORVERWIJZING in STEPS_PER_ROUTE[MasRoute.VRIJWILLIG]
    # Without a route: the first phase only.
    assert [s.kind for s in checklist("", [])] == list(FIRST_STEPS)


def test_a_step_is_ticked_by_recording_its_activity(client, world):
    case = world.cases["own"]
    owner = world.users["lpa-aalten"]
    choose_route(case, MasRoute.STRAFRECHT, actor=owner, expected_version=None)
    login(client, world, "lpa-aalten")
    url = reverse("web:case", args=[case.pk])
    page = client.get(url).content.decode()
    assert "Standaardstappen route Strafrecht (proces-verbaal)" in page
    row = _step_row(page, "Waarschuwing")
    assert "nee, nu vastleggen" in row and "?activiteit=waarschuwing#h-act" in row
    assert "nog 7 te doen" in page
    # The link preselects the activity in the form.
    linked = client.get(url, {"activiteit": "waarschuwing"}).content.decode()
    assert '<option value="waarschuwing" selected>' in linked
    day = TODAY() - 2 * DAY
    response = client.post(
        reverse("web:case-activity", args=[case.pk]),
        {"kind": "waarschuwing", "date": day.isoformat(), "notes": "", "version": 2},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    row = _step_row(page, "Waarschuwing")
    assert "ja" in row and day.strftime("%d-%m-%Y") in row and "Lpa Test" in row
    assert "nog 6 te doen" in page
    assert "nu vastleggen" in _step_row(page, "Proces-verbaal")


def test_the_first_activity_of_a_kind_ticks_it_and_a_reader_gets_no_link(client, world):
    case = world.cases["own"]
    kpa = world.users["kpa-regio"]
    add_activity(case, "huisbezoek", author=kpa, expected_version=None, on=TODAY() - 9 * DAY)
    add_activity(
        case, "huisbezoek", author=world.users["lpa-aalten"], expected_version=None, on=TODAY()
    )
    choose_route(case, MasRoute.VRIJWILLIG, actor=world.users["lpa-aalten"], expected_version=None)
    page = login(client, world, "m-auditor").get(reverse("web:case", args=[case.pk]))
    page = page.content.decode()
    row = _step_row(page, "Huisbezoek")
    assert (TODAY() - 9 * DAY).strftime("%d-%m-%Y") in row and "Kpa Test" in row
    assert "nu vastleggen" not in _steps_section(page)  # may read, not record


def test_a_pv_started_on_the_case_ticks_the_pv_step(client, world):
    from rbl.cases.services.handhaving import start_handhaving

    case = world.cases["own"]
    start_handhaving(
        case,
        "pv",
        actor=world.users["coordinator"],
        handler=world.users["boa-regio"],
        expected_version=None,
        on=TODAY() - DAY,
    )
    page = login(client, world, "lpa-aalten").get(reverse("web:case", args=[case.pk]))
    row = _step_row(page.content.decode(), "Proces-verbaal")
    assert (TODAY() - DAY).strftime("%d-%m-%Y") in row and "Coordinator Test" in row


# --- the youth's choice from 16 -------------------------------------------------


def _older(world: World, birth: dt.date):
    """The world's Aalten case, its youth born on `birth`."""
    person = world.persons["own"]
    person.birth_date = birth
    person.save()
    return world.cases["own"]


def test_the_choice_is_not_offered_before_16_and_refused_with_the_reason(client, world):
    case = _older(world, dt.date(2010, 3, 12))  # 16 tomorrow
    login(client, world, "coordinator")
    page = client.get(reverse("web:case", args=[case.pk])).content.decode()
    assert "Keuze van de jongere vastleggen" not in page
    response = client.post(
        reverse("web:case-consent", args=[case.pk]),
        {"parents_may_hear": "nee", "decided_on": TODAY().isoformat(), "version": case.version},
    )
    assert response.status_code == 400
    assert "Deze keuze maakt de jongere pas vanaf 16 jaar" in response.content.decode()
    assert "wordt 16 op 12-03-2026" in response.content.decode()
    assert not ParentsConsent.objects.exists()
    with pytest.raises(CaseRuleError, match="vanaf 16"):
        record_parents_choice(case, True, actor=world.users["coordinator"], expected_version=None)


def test_from_16_the_choice_is_recorded_kept_and_shown(client, world, clock):
    case = _older(world, dt.date(2010, 3, 12))
    clock.move_to(dt.datetime(2026, 3, 12, 10, 0, tzinfo=timezone.get_current_timezone()))
    login(client, world, "coordinator")
    url = reverse("web:case", args=[case.pk])
    assert "Keuze van de jongere vastleggen" in client.get(url).content.decode()
    response = client.post(
        reverse("web:case-consent", args=[case.pk]),
        {"parents_may_hear": "nee", "decided_on": "2026-03-12", "version": case.version},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    record_parents_choice(
        case, True, actor=world.users["lpa-aalten"], expected_version=case.version
    )
    first, second = ParentsConsent.objects.order_by("pk")
    assert (first.parents_may_hear, first.decided_on) == (False, dt.date(2026, 3, 12))
    assert first.recorded_by == world.users["coordinator"]
    assert second.parents_may_hear is True and second.recorded_by == world.users["lpa-aalten"]
    case.refresh_from_db()
    assert case.parents_may_hear_reasons is True  # the latest choice
    page = client.get(url).content.decode()
    assert "Nu: <strong>de ouders mogen de redenen horen</strong>" in page
    section = page[page.index('id="h-ouders"') :]
    assert section.count("<td>12-03-2026</td>") == 2 and "Coordinator Test" in section
    assert "ouders horen de redenen niet (keuze van 12-03-2026)" in page  # the history
    with pytest.raises(ImmutableError):
        first.parents_may_hear = True
        first.save()
    with pytest.raises(ImmutableError):
        ParentsConsent.objects.all().delete()


def test_a_choice_in_the_future_or_without_answer_changes_nothing(client, world):
    case = _older(world, dt.date(2009, 1, 1))
    login(client, world, "coordinator")
    url = reverse("web:case-consent", args=[case.pk])
    tomorrow = (TODAY() + DAY).isoformat()
    response = client.post(
        url, {"parents_may_hear": "ja", "decided_on": tomorrow, "version": case.version}
    )
    assert (
        response.status_code == 400
        and "kan niet in de toekomst liggen" in response.content.decode()
    )
    response = client.post(url, {"decided_on": TODAY().isoformat(), "version": case.version})
    assert "Kies ja of nee." in response.content.decode()
    assert not ParentsConsent.objects.exists()


def test_only_who_may_change_the_case_records_the_choice(client, world):
    case = _older(world, dt.date(2009, 1, 1))
    data = {"parents_may_hear": "ja", "decided_on": TODAY().isoformat(), "version": case.version}
    url = reverse("web:case-consent", args=[case.pk])
    assert login(client, world, "m-auditor").post(url, data).status_code == 403
    assert login(client, world, "lpa-winterswijk").post(url, data).status_code == 404
    assert login(client, world, "beleid-winterswijk").post(url, data).status_code == 404
    assert not ParentsConsent.objects.exists()
    assert login(client, world, "lpa-aalten").post(url, data).status_code == 302  # the owner
    assert ParentsConsent.objects.count() == 1
