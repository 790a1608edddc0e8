"""The set-up screens (/inrichting/): the region's terms, the agreement, the
building blocks per municipality; who may open them; the security log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.cases.models import CaseSettings
from rbl.organisation.models import Participation, Region
from rbl.organisation.setup import add_months, agreement_dates
from tests.web.world import World, build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 11)  # tests.clock


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    return build_world()


def login(client, world: World, name: str):
    client.force_login(world.users[name])
    return client


def terms_post(client, **changes) -> dict:
    """The terms form as it was opened, with `changes`."""
    form = client.get(reverse("organisation:terms")).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(changes)
    return data


SETUP_URLS = [
    "organisation:setup",
    "organisation:terms",
    "organisation:agreement",
    "organisation:blocks",
    "organisation:staff",
    "organisation:staff-new",
]


@pytest.mark.parametrize("name", ["beleid-winterswijk", "privacy", "lpa-aalten", "boa-regio"])
def test_others_get_404_on_every_setup_screen(world, client, name):
    login(client, world, name)
    for url in SETUP_URLS:
        assert client.get(reverse(url)).status_code == 404, url
    response = client.post(reverse("organisation:terms"), {"control_term_days": "3"})
    assert response.status_code == 404


@pytest.mark.parametrize("name", ["coordinator", "beheer"])
def test_hub_links_every_setup_screen(world, client, name):
    login(client, world, name)
    response = client.get(reverse("organisation:setup"))
    assert response.status_code == 200
    body = response.content.decode()
    for url in [
        "organisation:terms",
        "organisation:agreement",
        "organisation:blocks",
        "organisation:staff",
        "werkverdeling:rules",
        "werkverdeling:substitutions",
        "werkverdeling:reassign",
    ]:
        assert f'href="{reverse(url)}"' in body, url


def test_menu_offers_inrichting_only_to_coordinator_and_beheer(world, client):
    from django.template import Context, Template
    from django.test import RequestFactory

    template = Template("{% load rbl_web %}{% main_menu %}")
    for name, expected in [("coordinator", True), ("beheer", True), ("lpa-aalten", False)]:
        request = RequestFactory().get("/")
        request.user = world.users[name]
        html = template.render(Context({"request": request}))
        assert (">Inrichting<" in html) is expected, name


def test_terms_are_saved_and_logged(world, client):
    login(client, world, "coordinator")
    data = terms_post(
        client,
        control_term_days="21",
        office_phone="0543 12 34 56",
        halt_address="Halt Oost\nPostbus 1",
        leave_decision_weeks="6",
    )
    response = client.post(reverse("organisation:terms"), data)
    assert response.status_code == 302
    region = Region.objects.get()
    assert region.control_term_days == 21
    assert region.office_phone == "0543 12 34 56"
    assert CaseSettings.objects.get(region=region).leave_decision_weeks == 6
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SETUP_CHANGED)
    assert event.actor == "coordinator"
    assert "termijn controlebrief" in event.detail
    assert "beslistermijn verlof" in event.detail


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("control_term_days", "0", "Vul 1 of meer in."),
        ("control_term_days", "veertien", "Vul een geldige waarde in."),
        ("office_email", "geen-adres", "Vul een geldig e-mailadres in."),
        ("office_phone", "bel me", "Vul een telefoonnummer in"),
        ("leave_school_max_days", "12", "Vul 10 of minder in."),
    ],
)
def test_bad_terms_are_refused_in_dutch_naming_the_field(world, client, field, value, message):
    login(client, world, "beheer")
    before = Region.objects.values().get()
    response = client.post(reverse("organisation:terms"), terms_post(client, **{field: value}))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    label = str(response.context["form"].fields[field].label)
    assert f"{label}: {message}" in body
    assert Region.objects.values().get() == before
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.SETUP_CHANGED).exists()


def test_terms_changed_meanwhile_are_not_overwritten(world, client):
    login(client, world, "coordinator")
    stale = terms_post(client, control_term_days="30")
    Region.objects.update(control_term_days=7)  # someone else saved first
    response = client.post(reverse("organisation:terms"), stale)
    assert response.status_code == 400
    assert "Iemand anders heeft deze gegevens gewijzigd" in response.content.decode()
    assert Region.objects.get().control_term_days == 7


def test_agreement_shows_end_and_last_notice_date(world, client):
    login(client, world, "coordinator")
    form = client.get(reverse("organisation:agreement")).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(
        agreement_kind="centrumregeling",
        agreement_start="2024-01-01",
        agreement_years="4",
        notice_months="6",
    )
    assert client.post(reverse("organisation:agreement"), data).status_code == 302
    body = client.get(reverse("organisation:agreement")).content.decode()
    assert "31 december 2027" in body  # the last day of four years
    assert "30 juni 2027" in body  # six months before
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.SETUP_CHANGED, detail__contains="samenwerkingsovereenkomst"
    ).exists()


def test_agreement_refuses_notice_longer_than_duration(world, client):
    login(client, world, "beheer")
    form = client.get(reverse("organisation:agreement")).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(agreement_start="2024-01-01", agreement_years="1", notice_months="12")
    response = client.post(reverse("organisation:agreement"), data)
    assert response.status_code == 400
    assert "Opzegtermijn (maanden): De opzegtermijn is langer dan de looptijd." in (
        response.content.decode()
    )
    assert Region.objects.get().agreement_start is None


def test_agreement_dates_on_month_ends():
    region = Region(agreement_start=dt.date(2024, 2, 29), agreement_years=1, notice_months=1)
    dates = agreement_dates(region)
    assert dates.end == dt.date(2025, 2, 27)
    assert dates.notice_by == dt.date(2025, 1, 27)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 1, 31), -2) == dt.date(2023, 11, 30)


# --- building blocks -----------------------------------------------------------


def test_participation_added_from_a_date_and_logged(world, client):
    login(client, world, "coordinator")
    response = client.post(
        reverse("organisation:blocks"),
        {"municipality": "0197", "block": "3", "start": "2026-04-01", "end": ""},
    )
    assert response.status_code == 302
    p = Participation.objects.get(municipality_id="0197", block=3)
    assert (p.start, p.end) == (dt.date(2026, 4, 1), None)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SETUP_CHANGED)
    assert "Aalten neemt deel aan bouwsteen 3" in event.detail
    body = client.get(reverse("organisation:blocks")).content.decode()
    assert "begint later" in body


def test_overlapping_participation_is_refused_in_dutch(world, client):
    Participation.objects.create(municipality=world.aalten, block=2, start=dt.date(2024, 8, 1))
    login(client, world, "beheer")
    response = client.post(
        reverse("organisation:blocks"),
        {"municipality": "0197", "block": "2", "start": "2026-08-01", "end": ""},
    )
    assert response.status_code == 400
    assert "Aalten neemt in die periode al deel aan bouwsteen 2" in response.content.decode()
    assert Participation.objects.filter(municipality_id="0197", block=2).count() == 1


def test_participation_starting_in_the_past_is_refused(world, client):
    login(client, world, "beheer")
    response = client.post(
        reverse("organisation:blocks"),
        {"municipality": "0197", "block": "1", "start": "2025-08-01", "end": ""},
    )
    assert response.status_code == 400
    assert "Vanaf: Een deelname begint vandaag of later" in response.content.decode()
    assert not Participation.objects.exists()


def test_running_participation_is_closed_with_an_end_date(world, client):
    p = Participation.objects.create(municipality=world.aalten, block=2, start=dt.date(2024, 8, 1))
    login(client, world, "coordinator")
    response = client.post(reverse("organisation:block-end", args=[p.pk]), {"end": "2026-07-31"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.end == dt.date(2026, 7, 31)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.SETUP_CHANGED)
    assert "eindigt op 31-07-2026" in event.detail
    # then a new period may follow it
    response = client.post(
        reverse("organisation:blocks"),
        {"municipality": "0197", "block": "2", "start": "2026-08-01", "end": ""},
    )
    assert response.status_code == 302


def test_closed_period_is_history_and_not_changed(world, client):
    p = Participation.objects.create(
        municipality=world.aalten, block=1, start=dt.date(2020, 1, 1), end=dt.date(2023, 12, 31)
    )
    login(client, world, "beheer")
    response = client.post(reverse("organisation:block-end", args=[p.pk]), {"end": "2026-12-31"})
    assert response.status_code == 400
    assert "al afgesloten" in response.content.decode()
    p.refresh_from_db()
    assert p.end == dt.date(2023, 12, 31)
    # an end in the past is refused for a running one as well
    running = Participation.objects.create(
        municipality=world.aalten, block=1, start=dt.date(2024, 1, 1)
    )
    response = client.post(
        reverse("organisation:block-end", args=[running.pk]), {"end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "in het verleden" in response.content.decode()
    running.refresh_from_db()
    assert running.end is None


def test_coordinator_changes_only_blocks_of_coordinated_municipalities(world, client):
    from tests.cases.factories import staff

    coordinator_aalten = staff("coord-aalten", "coordinator", world.aalten)
    p = Participation.objects.create(
        municipality=world.winterswijk, block=2, start=dt.date(2024, 8, 1)
    )
    client.force_login(coordinator_aalten)
    response = client.post(
        reverse("organisation:blocks"),
        {"municipality": "0294", "block": "3", "start": "2026-04-01", "end": ""},
    )
    assert response.status_code == 400
    assert "Kies een gemeente waarvoor u de deelname mag wijzigen." in response.content.decode()
    assert client.get(reverse("organisation:block-end", args=[p.pk])).status_code == 404
    assert not Participation.objects.filter(block=3).exists()


# --- properties ------------------------------------------------------------------

periods = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.dates(dt.date(2025, 1, 1), dt.date(2030, 12, 31)),
        st.one_of(st.none(), st.integers(0, 800)),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(attempts=periods)
def test_added_participations_never_overlap_nor_start_in_the_past(attempts):
    """Whatever is tried on the blocks screen, the periods of one block of a
    municipality never overlap and none starts before today."""
    from rbl.organisation.models import Municipality
    from rbl.organisation.setup import SetupError, add_participation

    municipality, _ = Municipality.objects.get_or_create(code="0197", defaults={"name": "Aalten"})
    municipality.participations.all().delete()
    for block, start, length in attempts:
        end = None if length is None else start + dt.timedelta(days=length)
        try:
            add_participation(municipality, block, start, end, today=TODAY)
        except SetupError as exc:
            assert exc.message  # refused in Dutch, nothing stored
    stored = list(municipality.participations.order_by("block", "start"))
    for p in stored:
        assert p.start >= TODAY
    for a, b in zip(stored, stored[1:], strict=False):
        if a.block == b.block:
            assert a.end is not None and a.end < b.start


@given(
    start=st.dates(dt.date(2000, 1, 1), dt.date(2080, 12, 31)),
    years=st.integers(1, 20),
    notice=st.integers(0, 24),
)
def test_agreement_end_is_the_day_before_the_anniversary(start, years, notice):
    dates = agreement_dates(
        Region(agreement_start=start, agreement_years=years, notice_months=notice)
    )
    anniversary = dates.end + dt.timedelta(days=1)
    assert anniversary.year == start.year + years
    assert anniversary.month == start.month
    assert dates.notice_by <= dates.end
    assert (dates.end - dates.notice_by).days <= 31 * notice


def test_planned_participation_can_be_removed_a_started_one_not(world, client):
    planned = Participation.objects.create(
        municipality=world.aalten, block=3, start=dt.date(2026, 8, 1)
    )
    started = Participation.objects.create(
        municipality=world.aalten, block=2, start=dt.date(2024, 8, 1)
    )
    login(client, world, "coordinator")
    url = reverse("organisation:block-end", args=[planned.pk])
    assert "Deelname verwijderen" in client.get(url).content.decode()
    assert client.post(url, {"actie": "verwijderen"}).status_code == 302
    assert not Participation.objects.filter(pk=planned.pk).exists()
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.SETUP_CHANGED, detail__contains="geplande deelname verwijderd"
    ).exists()
    url = reverse("organisation:block-end", args=[started.pk])
    assert "Deelname verwijderen" not in client.get(url).content.decode()
    response = client.post(url, {"actie": "verwijderen"})  # a crafted POST
    assert response.status_code == 400
    assert "al begonnen en wordt niet verwijderd" in response.content.decode()
    assert Participation.objects.filter(pk=started.pk).exists()
