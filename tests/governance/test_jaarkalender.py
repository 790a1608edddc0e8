"""The jaarkalender (R-06): seeded from the law and the agreement, editable by
the coordinator, reminders on the responsible person's home screen within the
lead time, mails once per occurrence, and a secret iCalendar feed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from rbl.governance.models import Deadline, Recurrence, ReminderSent
from rbl.governance.services import occurrences, seed_deadlines, send_reminders

pytestmark = pytest.mark.django_db


def at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=timezone.get_current_timezone())


def deadline(world, **fields) -> Deadline:
    values = {
        "region": world.aalten.region,
        "title": "Rapportage schoolverzuim aanleveren",
        "recurrence": Recurrence.YEARLY,
        "month": 3,
        "day": 25,
        "lead_days": 10,
    }
    return Deadline.objects.create(**{**values, **fields})


def test_yearly_deadline_on_29_february_falls_on_the_28th_in_other_years():
    d = Deadline(recurrence=Recurrence.YEARLY, month=2, day=29)
    assert occurrences(d, dt.date(2027, 1, 1), dt.date(2028, 12, 31)) == [
        dt.date(2027, 2, 28),
        dt.date(2028, 2, 29),
    ]


@given(
    first=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)),
    weeks=st.integers(1, 8),
    offset=st.integers(0, 800),
    length=st.integers(0, 400),
)
def test_every_n_weeks_falls_on_the_rhythm_and_inside_the_period(first, weeks, offset, length):
    d = Deadline(recurrence=Recurrence.WEEKS, first_date=first, interval_weeks=weeks)
    start = first + dt.timedelta(days=offset - 200)
    end = start + dt.timedelta(days=length)
    days = occurrences(d, start, end)
    assert all(start <= x <= end and x >= first for x in days)
    assert all((x - first).days % (7 * weeks) == 0 for x in days)
    expected = [
        first + dt.timedelta(weeks=weeks * i)
        for i in range(0, 200)
        if start <= first + dt.timedelta(weeks=weeks * i) <= end
    ]
    assert days == expected


def test_seeding_adds_the_law_and_the_agreement_once_and_keeps_edits(world):
    region = world.aalten.region
    assert seed_deadlines(region, dt.date(2026, 3, 11)) == 9
    art25 = Deadline.objects.get(key="art25-verslag")
    assert (art25.month, art25.day) == (9, 30)
    jco = Deadline.objects.get(key="jco")
    assert jco.interval_weeks == 2 and jco.first_date.weekday() == 1
    art25.title = "Jaarverslag leerplicht"
    art25.lead_days = 60
    art25.save()
    call_command("jaarkalender", stdout=(out := __import__("io").StringIO()))
    assert "0 deadline(s) toegevoegd" in out.getvalue()
    art25.refresh_from_db()
    assert (art25.title, art25.lead_days) == ("Jaarverslag leerplicht", 60)
    assert Deadline.objects.count() == 9


def test_the_reminder_reaches_the_home_screen_within_its_lead_time_only(world, client, clock):
    """Deadline 25 March, ten days ahead: from 15 March up to and including the
    25th on lpa-aalten's Mijn werk, not on 14 March, not on the 26th, and never
    on another officer's."""
    deadline(world, responsible_user=world.users["lpa-aalten"])
    title = "Rapportage schoolverzuim aanleveren"
    seen = {}
    for day in (14, 15, 25, 26):
        clock.move_to(at(dt.date(2026, 3, day)))
        client.force_login(world.users["lpa-aalten"])  # a session idles out in days
        response = client.get(reverse("web:my-work"))
        assert response.status_code == 200
        seen[day] = title in response.content.decode()
    assert seen == {14: False, 15: True, 25: True, 26: False}
    clock.move_to(at(dt.date(2026, 3, 20)))
    client.force_login(world.users["lpa-winterswijk"])
    assert title not in client.get(reverse("web:my-work")).content.decode()


def test_a_role_deadline_reaches_every_holder_of_the_role_on_their_home(world, client, clock):
    deadline(world, responsible_role="administratie", title="Leerlingtelling controleren")
    clock.move_to(at(dt.date(2026, 3, 16)))
    client.force_login(world.users["administratie"])
    page = client.get(reverse("web:home")).content.decode()
    assert "Leerlingtelling controleren" in page and "woensdag 25 maart 2026" in page
    client.force_login(world.users["coordinator"])
    assert "Leerlingtelling controleren" not in client.get("/cijfers/").content.decode()


def test_a_reminder_mail_goes_once_per_deadline_occurrence(world, clock):
    d = deadline(world, responsible_role="coordinator")
    clock.move_to(at(dt.date(2026, 3, 14)))
    assert send_reminders(timezone.localdate()).sent == []
    clock.move_to(at(dt.date(2026, 3, 15)))
    run = send_reminders(timezone.localdate())
    assert [(u, day) for u, _, day in run.sent] == [("coordinator", dt.date(2026, 3, 25))]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["coordinator@rbl.example.nl"]
    assert "Rapportage schoolverzuim aanleveren" in message.subject
    assert "25 maart 2026" in message.body
    assert "https://rbl.example.nl/samenwerking/jaarkalender/" in message.body
    # Every later day of the lead time, and a second run the same day: nothing again.
    for day in (15, 16, 25):
        clock.move_to(at(dt.date(2026, 3, day)))
        call_command("herinneringen", stdout=__import__("io").StringIO())
    assert len(mail.outbox) == 1
    assert ReminderSent.objects.filter(deadline=d).count() == 1
    # Next year's occurrence is a new one.
    clock.move_to(at(dt.date(2027, 3, 16)))
    send_reminders(timezone.localdate())
    assert len(mail.outbox) == 2 and "25 maart 2027" in mail.outbox[1].body


def test_a_user_without_address_is_skipped_and_named(world, clock):
    world.users["lpa-aalten"].email = ""
    world.users["lpa-aalten"].save()
    deadline(world, responsible_user=world.users["lpa-aalten"])
    clock.move_to(at(dt.date(2026, 3, 20)))
    run = send_reminders(timezone.localdate())
    assert run.sent == [] and run.without_email == ["lpa-aalten"]
    assert not ReminderSent.objects.exists()


def _feed_address(client) -> str:
    page = client.post(reverse("governance:feed-settings"), {"actie": "maken"}).content.decode()
    return re.search(r'value="(http[^"]+\.ics)"', page).group(1)


def test_the_feed_parses_holds_every_deadline_and_no_youth(world, client):
    seed_deadlines(world.aalten.region, timezone.localdate())
    client.force_login(world.users["lpa-aalten"])
    address = _feed_address(client)
    client.logout()
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    titles = {str(e["summary"]) for e in cal.walk("VEVENT")}
    assert titles == set(Deadline.objects.values_list("title", flat=True))
    starts = {e.decoded("dtstart") for e in cal.walk("VEVENT") if "JCO" in str(e["summary"])}
    assert len(starts) >= 26  # every two weeks for a year
    text = response.content.decode()
    for person in world.persons.values():
        assert person.bsn not in text
        assert person.surname not in text


def test_a_wrong_renewed_or_revoked_token_answers_404(world, client):
    client.force_login(world.users["coordinator"])
    first = _feed_address(client)
    second = _feed_address(client)
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert client.get(reverse("governance:feed", args=["verkeerd"])).status_code == 404
    client.force_login(world.users["coordinator"])
    client.post(reverse("governance:feed-settings"), {"actie": "intrekken"})
    client.logout()
    assert client.get(second).status_code == 404


def test_the_feed_of_a_deactivated_user_answers_404(world, client):
    client.force_login(world.users["kpa-regio"])
    address = _feed_address(client)
    world.users["kpa-regio"].is_active = False
    world.users["kpa-regio"].save()
    client.logout()
    assert client.get(address).status_code == 404


def test_the_calendar_shows_twelve_months_with_their_deadlines(world, client):
    seed_deadlines(world.aalten.region, timezone.localdate())
    client.force_login(world.users["beleid-winterswijk"])
    page = client.get(reverse("governance:calendar")).content.decode()
    months = re.findall(r'<h2 id="maand-\d+">([^<]+)</h2>', page)
    assert months[0] == "Maart 2026" and months[-1] == "Februari 2027" and len(months) == 12
    assert "Verslag art. 25 Leerplichtwet aan de gemeenteraden" in page
    assert "woensdag 30 september" in page
    assert "Deadline toevoegen" not in page  # the policy adviser reads only


def test_the_coordinator_edits_a_deadline_and_bad_input_changes_nothing(world, client):
    d = deadline(world, responsible_role="coordinator")
    url = reverse("governance:deadline-edit", args=[d.pk])
    client.force_login(world.users["coordinator"])
    form = {
        "title": "Rapportage naar OCW",
        "recurrence": "jaarlijks",
        "month": "2",
        "day": "30",
        "responsible_role": "coordinator",
        "lead_days": "5",
        "active": "on",
    }
    response = client.post(url, form)
    assert response.status_code == 400
    assert "Deze dag bestaat niet in die maand." in response.content.decode()
    d.refresh_from_db()
    assert (d.title, d.month, d.day) == ("Rapportage schoolverzuim aanleveren", 3, 25)
    response = client.post(url, {**form, "day": "28", "responsible_role": ""})
    assert "Kies een verantwoordelijke medewerker of rol." in response.content.decode()
    form.update(day="28", responsible_user=str(world.users["lpa-aalten"].pk))
    assert client.post(url, form).status_code == 302
    d.refresh_from_db()
    assert (d.title, d.month, d.day, d.lead_days) == ("Rapportage naar OCW", 2, 28, 5)
    assert d.responsible_user == world.users["lpa-aalten"]
    client.force_login(world.users["lpa-aalten"])
    assert client.post(url, {**form, "title": "x"}).status_code == 403


def test_the_menu_offers_the_jaarkalender(world, client):
    client.force_login(world.users["lpa-aalten"])
    page = client.get(reverse("web:my-work")).content.decode()
    assert f'href="{reverse("governance:calendar")}"' in page
