"""One timeline per youth, from age 5 to 23, across all cases (doorlopend
dossier): legal milestones, enrolments, diplomas, exemptions, absoluut-verzuim
signals, absence reports, VSV rows, case events and activities, letters and
uploaded documents.

Only cases the user may see contribute their events and activities; the
person-level records (enrolments, signals …) come with the person, whom the
caller has already checked. A fixed number of queries per person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from rbl.absoluut.models import Signal
from rbl.cases.models import Activity, Case, CaseEvent, VerzuimMelding, VsvMelding
from rbl.cases.services.history import describe_events
from rbl.law.limits import rmc_limits
from rbl.law.status import ONE_DAY, birthday, duty_periods
from rbl.registry.models import Diploma, Enrolment, Exemption, Person

FIRST_AGE = 5
LAST_AGE = 23


@dataclass(frozen=True)
class TimelineItem:
    day: dt.date
    category: str  # Dutch label of the kind of item, shown in the first column
    text: str
    case: Case | None = None
    author: str = ""
    sort: int = 0
    url: str = ""  # a document to open (letters, uploads)


def _age_window(person: Person) -> tuple[dt.date, dt.date]:
    return birthday(person.birth_date, FIRST_AGE), birthday(person.birth_date, LAST_AGE)


def _milestones(person: Person) -> list[TimelineItem]:
    diploma = (
        Diploma.objects.filter(bsn=person.bsn, startkwalificatie=True)
        .order_by("date")
        .values_list("date", flat=True)
        .first()
    )
    limits = rmc_limits()
    p = duty_periods(person.birth_date, diploma, limits)
    items = [
        TimelineItem(p.leerplicht_vanaf, "Wet", "Begin leerplicht"),
        TimelineItem(p.leerplicht_tot, "Wet", "Einde leerplicht", sort=9),
    ]
    if p.kwalificatieplicht_tot:
        items.append(
            TimelineItem(p.kwalificatieplicht_tot, "Wet", "Einde kwalificatieplicht", sort=9)
        )
    for start, end in p.rmc_periods:
        if start == birthday(person.birth_date, 18):
            text = "18 jaar: RMC-doelgroep zonder startkwalificatie"
        else:  # the age limit was raised (rbl.law.limits)
            text = f"Weer RMC-doelgroep: leeftijdsgrens {limits.age_on(start)} jaar"
        items.append(TimelineItem(start, "Wet", text))
        age = limits.age_on(end)
        if end == birthday(person.birth_date, age) - ONE_DAY:
            label = f"Einde RMC-doelgroep ({age} jaar)"
        elif diploma is not None and end == diploma - ONE_DAY:
            label = "Einde RMC-doelgroep (startkwalificatie)"
        else:
            label = f"Einde RMC-doelgroep (leeftijdsgrens {limits.age_on(end + ONE_DAY)} jaar)"
        items.append(TimelineItem(end, "Wet", label, sort=9))
    if diploma:
        items.append(TimelineItem(diploma, "Wet", "Startkwalificatie behaald"))
    return items


def _registry_items(person: Person) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    first_day, _ = _age_window(person)
    for e in Enrolment.objects.filter(bsn=person.bsn).select_related("school"):
        school = _school(e)
        text = f"Ingeschreven bij {school}" + (f" ({e.sector})" if e.sector else "")
        if e.start < first_day and (e.end is None or e.end >= first_day):
            # Enrolled before the 5th birthday (usual at 4): shown where the timeline starts.
            items.append(
                TimelineItem(first_day, "Inschrijving", f"{text}, sinds {e.start:%d-%m-%Y}")
            )
        else:
            items.append(TimelineItem(e.start, "Inschrijving", text))
        if e.end:
            reason = f": {e.end_reason}" if e.end_reason else ""
            items.append(
                TimelineItem(e.end, "Inschrijving", f"Uitgeschreven bij {school}{reason}", sort=8)
            )
    for d in Diploma.objects.filter(bsn=person.bsn):
        kind = "startkwalificatie" if d.startkwalificatie else "geen startkwalificatie"
        label = " ".join(x for x in (d.programme, d.level) if x)
        text = f"Diploma {label} behaald" if label else "Diploma behaald"
        items.append(TimelineItem(d.date, "Diploma", f"{text} ({kind})"))
    for x in Exemption.objects.filter(bsn=person.bsn):
        until = f" tot en met {x.end:%d-%m-%Y}" if x.end else ""
        items.append(TimelineItem(x.start, "Vrijstelling", f"{x.get_ground_display()}{until}"))
    for s in Signal.objects.filter(person=person).select_related("municipality"):
        items.append(
            TimelineItem(
                s.opened_on,
                "Signaal",
                f"Signaal absoluut verzuim ({s.status}, {s.municipality.name})",
            )
        )
        if s.closed_on:
            reason = s.get_close_reason_display() if s.close_reason else ""
            text = f"Signaal gesloten: {reason}" if reason else "Signaal gesloten"
            items.append(TimelineItem(s.closed_on, "Signaal", text))
    for v in VsvMelding.objects.filter(person=person):
        items.append(
            TimelineItem(
                v.uitschrijvingsdatum,
                "VSV",
                "Voortijdig schoolverlaten (VSV-lijst DUO)",
            )
        )
    return items


def _case_items(person: Person, cases: Iterable[Case]) -> list[TimelineItem]:
    items: list[TimelineItem] = []
    case_list = {c.pk: c for c in cases if c.person_id == person.pk}
    if not case_list:
        return items
    ids = list(case_list)
    for m in VerzuimMelding.objects.filter(case_id__in=ids).select_related("school"):
        school = _school(m)
        what = m.get_soort_display() or "Verzuim"
        items.append(
            TimelineItem(
                m.meldingsdatum,
                "Verzuimmelding",
                f"{what} gemeld door {school}" if school else f"{what} gemeld",
                case=case_list.get(m.case_id),
            )
        )
    events = list(CaseEvent.objects.filter(case_id__in=ids).select_related("actor"))
    for ev, what in zip(events, describe_events(events), strict=True):
        items.append(
            TimelineItem(
                timezone.localdate(ev.at),
                "Zaak",
                what + (f" — {ev.note}" if ev.note else ""),
                case=case_list[ev.case_id],
                author=_name(ev.actor),
                sort=5,
            )
        )
    for a in Activity.objects.filter(case_id__in=ids).select_related("author"):
        items.append(
            TimelineItem(
                a.date,
                "Activiteit",
                a.get_kind_display() + (f": {a.notes}" if a.notes else ""),
                case=case_list[a.case_id],
                author=_name(a.author),
                sort=4,
            )
        )
    return items


def _document_items(person: Person, visible: Iterable[Case]) -> list[TimelineItem]:
    """Letters and uploaded documents: those of the visible cases and those
    kept with the person (no case, e.g. a control letter). One query."""
    from django.db.models import Q
    from django.urls import reverse

    from rbl.letters.models import Document

    case_list = {c.pk: c for c in visible if c.person_id == person.pk}
    documents = Document.objects.filter(
        Q(case_id__in=list(case_list)) | Q(case__isnull=True, person=person)
    ).select_related("author")
    return [
        TimelineItem(
            timezone.localdate(d.created_at),
            "Brief" if d.letter_kind else "Document",
            d.title + (f" (kenmerk {d.reference})" if d.reference else ""),
            case=case_list.get(d.case_id),
            author=_name(d.author),
            sort=6,
            url=reverse("letters:document", args=[d.pk]),
        )
        for d in documents
    ]


def _school(row: Any) -> str:
    """The school's name, else its BRIN and location code ("" when unknown)."""
    if row.school_id:
        return row.school.name
    return f"{row.brin or ''}{row.vestiging or ''}"


def _name(user: Any) -> str:
    if user is None:
        return "systeem"
    return user.get_full_name() or user.username


def person_timeline(person: Person, visible: Iterable[Case]) -> list[TimelineItem]:
    """The items from the 5th to the 23rd birthday, or on to the end of the
    RMC group when a higher age limit keeps the youth in it longer
    (rbl.law.limits), oldest first. `visible` are the person's cases the user
    may see (from rbl.accounts.access)."""
    start, end = _age_window(person)
    rmc_tot = duty_periods(person.birth_date, None, rmc_limits()).rmc_tot
    if rmc_tot is not None:
        end = max(end, rmc_tot + ONE_DAY)
    visible = list(visible)
    items = (
        _milestones(person)
        + _registry_items(person)
        + _case_items(person, visible)
        + _document_items(person, visible)
    )
    items = [i for i in items if start <= i.day <= end]
    items.sort(key=lambda i: (i.day, i.sort))
    return items
