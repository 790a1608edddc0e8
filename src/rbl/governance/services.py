"""The jaarkalender's rules (R-06): when a deadline falls, who answers for it,
when its reminder starts, the reminder mails (once per occurrence and user),
the seed from the agreement and the law, and the per-user iCalendar feed."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from rbl.accounts.models import Role
from rbl.governance.models import CalendarFeed, Deadline, Recurrence, ReminderSent
from rbl.organisation.models import Region

log = logging.getLogger(__name__)

#: Coordinators and application management keep the jaarkalender.
EDITOR_ROLES = (Role.COORDINATOR, Role.BEHEER)

MONTHS = (
    "januari februari maart april mei juni juli augustus september oktober november december"
).split()


def may_see_calendar(user) -> bool:
    """Every staff member with a role: the calendar holds no personal data."""
    return bool(
        user.is_authenticated
        and not getattr(user, "is_service_account", False)
        and user.role_assignments.exists()
    )


def may_edit_calendar(user) -> bool:
    return bool(user.is_authenticated and user.has_role(*EDITOR_ROLES))


def the_region() -> Region | None:
    """RBL works with one region per database."""
    return Region.objects.order_by("pk").first()


@dataclass(frozen=True)
class Occurrence:
    deadline: Deadline
    on: dt.date

    @property
    def remind_from(self) -> dt.date:
        return self.on - dt.timedelta(days=self.deadline.lead_days)

    @property
    def responsible(self) -> str:
        return responsible_label(self.deadline)


def responsible_label(deadline: Deadline) -> str:
    if deadline.responsible_user_id:
        user = deadline.responsible_user
        return user.get_full_name() or user.username
    if deadline.responsible_role:
        return Role(deadline.responsible_role).label
    return "niemand"


def _yearly(deadline: Deadline, year: int) -> dt.date:
    last = calendar.monthrange(year, deadline.month)[1]
    return dt.date(year, deadline.month, min(deadline.day, last))


def occurrences(deadline: Deadline, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days from `start` up to and including `end` on which `deadline` falls."""
    days: list[dt.date] = []
    if deadline.recurrence == Recurrence.YEARLY:
        if not deadline.month or not deadline.day:
            return days
        for year in range(start.year, end.year + 1):
            day = _yearly(deadline, year)
            if start <= day <= end:
                days.append(day)
        return days
    if not deadline.first_date or not deadline.interval_weeks:
        return days
    step = dt.timedelta(weeks=deadline.interval_weeks)
    day = deadline.first_date
    if day < start:
        day += step * -(-(start - day).days // step.days)
    while day <= end:
        days.append(day)
        day += step
    return days


def calendar_months(
    region: Region | None, today: dt.date, months: int = 12
) -> list[tuple[str, list[Occurrence]]]:
    """The next `months` calendar months from today's month, each with its
    occurrences in date order (the days of this month before today left out)."""
    if region is None:
        return []
    end_year, end_month = divmod(today.month - 1 + months, 12)
    end = dt.date(today.year + end_year, end_month + 1, 1) - dt.timedelta(days=1)
    found = [
        Occurrence(d, day)
        for d in region.deadlines.filter(active=True).select_related("responsible_user")
        for day in occurrences(d, today, end)
    ]
    found.sort(key=lambda o: (o.on, o.deadline.title))
    result = []
    year, month = today.year, today.month
    for _ in range(months):
        result.append(
            (
                f"{MONTHS[month - 1]} {year}",
                [o for o in found if (o.on.year, o.on.month) == (year, month)],
            )
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def deadlines_of(user) -> QuerySet[Deadline]:
    """The active deadlines `user` answers for: named on it, or holding its role."""
    roles = list(user.role_assignments.values_list("role", flat=True).distinct())
    return Deadline.objects.filter(
        Q(responsible_user=user) | Q(responsible_user__isnull=True, responsible_role__in=roles),
        active=True,
    ).select_related("responsible_user")


def due_reminders(user, today: dt.date) -> list[Occurrence]:
    """The occurrences whose reminder runs today for `user`: from `lead_days`
    before the deadline up to and including the day itself."""
    due = []
    for deadline in deadlines_of(user):
        ahead = today + dt.timedelta(days=deadline.lead_days)
        due += [Occurrence(deadline, day) for day in occurrences(deadline, today, ahead)]
    return sorted(due, key=lambda o: (o.on, o.deadline.title))


def responsible_users(deadline: Deadline) -> list:
    """Who gets the reminder: the user named on it, or every active holder of its role."""
    users = get_user_model().objects.filter(is_active=True, is_service_account=False)
    if deadline.responsible_user_id:
        return list(users.filter(pk=deadline.responsible_user_id))
    if deadline.responsible_role:
        return list(
            users.filter(role_assignments__role=deadline.responsible_role).distinct().order_by("pk")
        )
    return []


@dataclass
class ReminderRun:
    today: dt.date
    sent: list[tuple[str, str, dt.date]]  # (username, title, deadline day)
    already_sent: int
    without_email: list[str]
    failed: list[str]


def send_reminders(today: dt.date) -> ReminderRun:
    """Mail every responsible user each deadline occurrence whose reminder runs
    today. Each occurrence reaches each user once: a second run sends nothing."""
    run = ReminderRun(today, [], 0, [], [])
    connection = get_connection()
    link = settings.RBL_BASE_URL + reverse("governance:calendar")
    for deadline in Deadline.objects.filter(active=True).select_related("responsible_user"):
        ahead = today + dt.timedelta(days=deadline.lead_days)
        for day in occurrences(deadline, today, ahead):
            for user in responsible_users(deadline):
                if not user.email:
                    if user.username not in run.without_email:
                        run.without_email.append(user.username)
                    continue
                if ReminderSent.objects.filter(
                    deadline=deadline, occurs_on=day, user=user
                ).exists():
                    run.already_sent += 1
                    continue
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(deadline=deadline, occurs_on=day, user=user)
                        _mail(deadline, day, user, link, connection)
                except IntegrityError:  # a parallel run recorded it first
                    run.already_sent += 1
                    continue
                except Exception:  # noqa: BLE001 - the mail server refused; try again next run
                    log.exception("herinnering jaarkalender niet verstuurd aan %s", user.pk)
                    run.failed.append(user.username)
                    continue
                run.sent.append((user.username, deadline.title, day))
    return run


def _mail(deadline: Deadline, day: dt.date, user, link: str, connection) -> None:
    when = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    body = (
        f"Beste {user.get_full_name() or user.username},\n\n"
        f"Herinnering uit de jaarkalender van het bureau leerplicht:\n\n"
        f"  {deadline.title}\n  uiterlijk op {when}\n\n"
        + (f"{deadline.explanation}\n\n" if deadline.explanation else "")
        + f"De jaarkalender: {link}\n"
    )
    EmailMessage(
        f"Jaarkalender: {deadline.title} ({when})", body, to=[user.email], connection=connection
    ).send()


# The deadlines of the agreement and the law (finance.md "Budget cycle",
# domain.md R-06). "Before 1 October" is the day before: 30 September.
SEED: tuple[dict, ...] = (
    {
        "key": "art25-verslag",
        "title": "Verslag art. 25 Leerplichtwet aan de gemeenteraden",
        "explanation": "Het jaarverslag leerplicht over het afgelopen schooljaar, vóór 1 oktober.",
        "month": 9,
        "day": 30,
        "lead_days": 42,
    },
    {
        "key": "ontwerpbegroting",
        "title": "Ontwerpbegroting naar de gemeenten",
        "explanation": "De ontwerpbegroting voor het volgende jaar, vóór 1 april.",
        "month": 3,
        "day": 31,
        "lead_days": 42,
    },
    {
        "key": "jaarrekening",
        "title": "Jaarrekening naar de gemeenten",
        "explanation": "De jaarrekening over het afgelopen jaar, vóór 1 april.",
        "month": 3,
        "day": 31,
        "lead_days": 42,
    },
    {
        "key": "instemming-gemeenten",
        "title": "Instemming van de gemeenteraden met hun bijdrage",
        "explanation": "De gemeenten laten vóór 1 juni weten of zij instemmen met hun bijdrage; "
        "zonder instemming blijft de bijdrage van vorig jaar staan.",
        "month": 5,
        "day": 31,
        "lead_days": 28,
    },
    {
        "key": "bestuurlijk-overleg-1",
        "title": "Bestuurlijk overleg (1e van 3)",
        "month": 2,
        "day": 15,
        "lead_days": 21,
    },
    {
        "key": "bestuurlijk-overleg-2",
        "title": "Bestuurlijk overleg (2e van 3)",
        "month": 6,
        "day": 15,
        "lead_days": 21,
    },
    {
        "key": "bestuurlijk-overleg-3",
        "title": "Bestuurlijk overleg (3e van 3)",
        "month": 11,
        "day": 15,
        "lead_days": 21,
    },
    {
        "key": "audits",
        "title": "Jaarlijkse audits van alle medewerkers afgerond",
        "explanation": "Iedere professional is dit jaar geaudit (collegiaal of extern).",
        "month": 12,
        "day": 1,
        "lead_days": 60,
    },
)


def _first_weekday(on_or_after: dt.date, weekday: int) -> dt.date:
    return on_or_after + dt.timedelta(days=(weekday - on_or_after.weekday()) % 7)


@transaction.atomic
def seed_deadlines(region: Region, today: dt.date) -> int:
    """Add the agreement's and the law's deadlines the region does not have yet
    (matched by key, so edits on screen are kept). Returns how many were added."""
    added = 0
    for spec in SEED:
        _, created = Deadline.objects.get_or_create(
            region=region,
            key=spec["key"],
            defaults={
                "recurrence": Recurrence.YEARLY,
                "responsible_role": Role.COORDINATOR,
                **{k: v for k, v in spec.items() if k != "key"},
            },
        )
        added += created
    # The JCO every two weeks, on Tuesdays, from the agreement's start (or this year).
    start = region.agreement_start or dt.date(today.year, 1, 1)
    _, created = Deadline.objects.get_or_create(
        region=region,
        key="jco",
        defaults={
            "title": "Justitieel casusoverleg (JCO)",
            "explanation": "De JCO-lijst bijwerken voor het overleg met BOA, Halt en OM.",
            "recurrence": Recurrence.WEEKS,
            "first_date": _first_weekday(start, 1),
            "interval_weeks": 2,
            "responsible_role": Role.COORDINATOR,
            "lead_days": 3,
        },
    )
    return added + created


# --- the iCalendar feed ----------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(user) -> str:
    """A new secret address for `user` (the old one stops working). Only its
    hash is stored: the token is shown once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def revoke_feed_token(user) -> bool:
    return CalendarFeed.objects.filter(user=user).delete()[0] > 0


def feed_user(token: str):
    """The active user whose feed `token` opens, or None."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(token_hash=_hash(token), user__is_active=True)
        .select_related("user")
        .first()
    )
    return feed.user if feed else None


def ical_feed(user, today: dt.date) -> bytes:
    """Every deadline of the region from a month ago to a year ahead, as
    all-day events; the ones `user` answers for say so. No personal data."""
    from icalendar import Calendar, Event

    region = the_region()
    cal = Calendar()
    cal.add("prodid", "-//RBL Regionaal Bureau Leerplicht//Jaarkalender//NL")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Jaarkalender {region.name}" if region else "Jaarkalender")
    if region is None:
        return cal.to_ical()
    mine = set(deadlines_of(user).values_list("pk", flat=True))
    start, end = today - dt.timedelta(days=31), today + dt.timedelta(days=366)
    stamp = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)
    for deadline in region.deadlines.filter(active=True).select_related("responsible_user"):
        for day in occurrences(deadline, start, end):
            event = Event()
            event.add("uid", f"rbl-deadline-{deadline.pk}-{day.isoformat()}")
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", deadline.title)
            who = "u" if deadline.pk in mine else responsible_label(deadline)
            event.add("description", f"{deadline.explanation}\nVerantwoordelijk: {who}".strip())
            cal.add_component(event)
    return cal.to_ical()
