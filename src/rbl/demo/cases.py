"""Cases of the demo region.

`populate_cases(region, seed)` is the hook through which `rbl demo` fills the
demo with cases in every state. It runs after the registry imports, with the
same seed, and is deterministic for it; the absoluut-verzuim checks run in its
weeks (`on_week`).
Everything goes through the real services, as a region's year would:

1. the region's assignment rules (LP to the municipality's own officer, KP to
   the kwalificatieplicht officer, RMC to the RMC officer);
2. the demo's period (`generator.demo_period`: the last completed school year
   and the current one up to the peildatum) of DUO absence reports, loaded
   week by week through `run_import` (so cases open in the week their report
   came in), a handful for BSNs the registry does not know ("niet gekoppeld"),
   and DUO's VSV list every four weeks; besides, the schools' preventive
   questions and care reports. A report names a pupil at their school on its
   day, living in the municipality that is the principal of the case (the
   residence history: a youth who moved inside the region is reported from
   the move on). The municipalities differ in how often their pupils are
   reported (`report_factors`, after the reference caseloads, with some
   change from one school year to the next), so the benchmark has a spread;
3. absoluut signals whose control letter went unanswered become cases in the
   week their term passes (the checks, letters and answers of that week come
   first);
4. each new case gets a course that fits its kind (`_plan`): most youth are
   back at school within weeks, a few escalate (Halt, PV, jeugdbescherming)
   or stay away for months; the steps up to the peildatum are recorded
   (verzuimstaat, conversations, a MAS route, closing with a reason), and a
   case still open gets its next follow-up, a few of them overdue;
5. leave requests (decided within their term; every municipality decides
   some in each school year), vrijstelling cases, handovers to the KP officer
   and to RMC at 18.

The volumes follow the reference figures: on the peildatum each case-work
officer carries a caseload of a few dozen, thuiszitters are about two per
1,000 youth under the duty, and only a few cases wait for an overdue step
(`rbl.demo.realism` reports these figures).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from rbl.demo.generator import demo_period
from rbl.demo.meldingen import (
    Pupil,
    age_on,
    make_meldingen,
    make_vsv,
    weighted_picker,
    write_meldingen,
    write_vsv,
)
from rbl.demo.reference import MunicipalityFigures, load_reference
from rbl.demo.schools import KPA_CONTACT, LPA_FOR
from rbl.law.status import school_year_end, school_year_start
from rbl.organisation.models import Region

RMC_OFFICER = "rmc-regio"
BOA = "boa-regio"
#: The volumes below are per 52 weeks.
YEAR_DAYS = 364
#: DUO's VSV list comes every four weeks; the last one two weeks before the peildatum.
VSV_EVERY_WEEKS = 4
VSV_WEEKS_BEFORE_END = 2
# Reports per case: a youth's second report of the same kind joins the open case.
REPORTS_PER_CASE = 1.15
UNKNOWN_REPORTS = 5
#: Preventive contacts (a school's question about absence below the 16 hours)
#: and care reports, per case of the curative caseload.
PREVENTIEF_PER_CASE = 0.55
ZORG_PER_CASE = 0.3
#: Leave requests and exemption requests per year, at full scale.
LEAVE_REQUESTS = 150
EXEMPTION_REQUESTS = 25
#: Share of the cases open on the peildatum whose next follow-up is overdue.
OVERDUE_SHARE = 0.05
#: How much the municipalities' report rates follow the reference caseloads
#: per youth (1: fully; those differ up to fivefold, more than a region's
#: municipalities usually do), and how much a municipality's rate changes from
#: one school year to the next (at most this fraction up or down).
RATE_DAMPING = 0.5
YEAR_CHANGE = 0.15


def populate_cases(
    region: Region,
    seed: int,
    *,
    peildatum: dt.date | None = None,
    on_week: Callable[[dt.date, dt.date], Any] | None = None,
) -> int:
    """Create the demo cases for `region`; returns how many cases there are.
    `on_week(first, last)` runs in every week of the period after DUO's files
    and before the week's cases are opened and worked (the absoluut checks)."""
    try:
        from rbl.cases.models import Case
    except ImportError:  # the cases app is not there
        return 0
    peildatum = peildatum or timezone.localdate()
    rng = random.Random(seed)
    users = {u.username: u for u in get_user_model().objects.all()}
    codes = sorted(region.municipalities.values_list("code", flat=True))
    ensure_assignment_rules(codes, users)
    year = _DemoYear(rng, seed, peildatum, users)
    year.run(on_week)
    with transaction.atomic():
        year.leave_requests()
        year.exemptions()
        year.handovers()
        year.follow_ups()
    return Case.objects.count()


def ensure_assignment_rules(codes: list[str], users: dict[str, Any]) -> None:
    """LP → the municipality's officer, KP → kpa-regio, RMC → rmc-regio."""
    from rbl.cases.models import AgeGroup, AssignmentRule

    for code in codes:
        for group, username in (
            (AgeGroup.LP, LPA_FOR.get(code)),
            (AgeGroup.KP, KPA_CONTACT),
            (AgeGroup.RMC, RMC_OFFICER),
        ):
            user = users.get(username or "")
            if user is not None:
                AssignmentRule.objects.update_or_create(
                    municipality_id=code, age_group=group, defaults={"user": user}
                )


def report_factors(reference: tuple[MunicipalityFigures, ...]) -> dict[str, float]:
    """How often a municipality's pupils are reported relative to the region:
    its reference caseload per youth of 5–22 against the region's, damped
    (`RATE_DAMPING`) and scaled so the region's total stays the same."""
    youth = {
        f.code: f.inhabitants_5_15 + f.inhabitants_16_17 + f.inhabitants_18_22 for f in reference
    }
    total_youth = sum(youth.values())
    total_caseload = sum(f.caseload for f in reference)
    if not total_youth or not total_caseload:
        return {f.code: 1.0 for f in reference}
    damped = {
        f.code: ((f.caseload / youth[f.code]) / (total_caseload / total_youth)) ** RATE_DAMPING
        for f in reference
    }
    mean = sum(damped[c] * youth[c] for c in youth) / total_youth
    return {code: value / mean for code, value in damped.items()}


@cache
def year_change(seed: int, code: str, year_start: dt.date) -> float:
    """A municipality's rate in one school year relative to its usual one."""
    return random.Random(f"{seed}-{code}-{year_start.year}").uniform(
        1 - YEAR_CHANGE, 1 + YEAR_CHANGE
    )


@dataclass(frozen=True)
class _Plan:
    """The course of one case: closed `days` after opening (when that is past
    the peildatum, the case is still open), by `route`, with `reason`."""

    days: int
    route: str = ""  # vrijwillig, jeugdbescherming, halt, pv
    reason: str = ""


class _DemoYear:
    def __init__(
        self, rng: random.Random, seed: int, peildatum: dt.date, users: dict[str, Any]
    ) -> None:
        from rbl.organisation.models import School
        from rbl.registry.models import Diploma, Enrolment, Person, Residence

        self.rng = rng
        self.seed = seed
        self.peildatum = peildatum
        # Activities cannot lie in the future of the real clock.
        self.last_day = min(peildatum, timezone.localdate())
        # The demo's period: from the day after the BRP extract (before the
        # completed school year) through the peildatum.
        period = demo_period(peildatum)
        self.first = period.first_day
        self.days = period.days
        self.weeks = -(-self.days // 7)
        self.users = users
        self.boa = users.get(BOA)
        # Open cases and the day of their last step, for `follow_ups`.
        self.worked_until: dict[int, dt.date] = {}
        self.schools = {(s.brin, s.vestiging): s for s in School.objects.all()}
        # Where each youth lives now and since when (the residence history): a
        # case opens with the municipality of the moment, so a youth is only
        # reported, asked about or heard of from that day on.
        since = dict(Residence.objects.filter(end__isnull=True).values_list("person_id", "start"))
        persons = {
            bsn: (birth, code, since.get(pk))
            for pk, bsn, birth, code in Person.objects.filter(
                municipality__isnull=False, died_on__isnull=True, moved_out_on__isnull=True
            ).values_list("pk", "bsn", "birth_date", "municipality_id")
        }
        self.known = set(Person.objects.values_list("bsn", flat=True))
        pupils: list[Pupil] = []
        last_school: dict[str, Pupil] = {}
        for bsn, brin, vestiging, sector, school_code, start, end in Enrolment.objects.order_by(
            "bsn", "start", "pk"
        ).values_list(
            "bsn", "brin", "vestiging", "sector", "school__municipality_code", "start", "end"
        ):
            if bsn not in persons:
                continue
            birth, code, lives_since = persons[bsn]
            pupil = Pupil(bsn, birth, brin, vestiging, sector, code, start, end, lives_since)
            last_school[bsn] = pupil
            # One contact per school: pupils of a school elsewhere in the region
            # would land with that school's officer; the demo keeps to the schools
            # of the municipality's own officer and the regional MBO/HO.
            own = school_code == code or LPA_FOR.get(school_code or "") == LPA_FOR.get(code)
            if (own or sector in ("MBO", "HO")) and pupil.overlaps(self.first, peildatum):
                pupils.append(pupil)
        self.pupils = pupils
        with_sk = set(Diploma.objects.filter(startkwalificatie=True).values_list("bsn", flat=True))
        self.leavers = [
            last_school.get(bsn, Pupil(bsn, birth, "", "", "", code, since=lives_since))
            for bsn, (birth, code, lives_since) in sorted(persons.items())
            if 18 <= age_on(birth, peildatum) <= 22 and bsn not in with_sk
        ]
        # By age on the peildatum; who is of age on a day is checked on that day.
        self.lp_pupils = [p for p in pupils if 5 <= age_on(p.birth_date, peildatum) <= 16]
        self.duty_pupils = [p for p in pupils if 5 <= age_on(p.birth_date, peildatum) <= 18]
        reference = load_reference()
        in_reference = sum(
            f.inhabitants_5_15 + f.inhabitants_16_17 + f.inhabitants_18_22 for f in reference
        )
        in_demo = sum(1 for birth, _, _ in persons.values() if 5 <= age_on(birth, peildatum) <= 22)
        self.ratio = in_demo / in_reference if in_reference else 0.0
        self.caseload = round(sum(f.caseload for f in reference) * self.ratio)
        self.vsv = round(sum(f.vsv for f in reference) * self.ratio)
        self.factors = report_factors(reference)

    def rate(self, code: str, day: dt.date) -> float:
        """How often youth of municipality `code` are reported in the school year
        of `day`, relative to the region's usual rate."""
        year = school_year_start(day)
        return self.factors.get(code, 1.0) * year_change(self.seed, code, year)

    def per_period(self, per_year: float) -> int:
        """A volume per 52 weeks, for the demo's period."""
        return round(per_year * self.days / YEAR_DAYS)

    # -- the period of reports -----------------------------------------------

    def run(self, on_week: Callable[[dt.date, dt.date], Any] | None = None) -> None:
        from django.db.models import Max

        from rbl.cases.models import Case
        from rbl.cases.services.absoluut import open_cases_for_due_signals
        from rbl.registry.imports import run_import
        from rbl.registry.models import Person

        first = self.first
        reports = make_meldingen(
            self.rng,
            self.pupils,
            count=self.per_period(self.caseload * REPORTS_PER_CASE),
            first_day=first,
            last_day=self.peildatum,
            unknown=UNKNOWN_REPORTS,
            known_bsns=self.known,
            seed=self.seed,
            factor=lambda pupil, year: self.rate(pupil.municipality, year),
        )
        vsv = make_vsv(
            self.rng,
            self.leavers,
            count=self.per_period(self.vsv),
            first_day=first,
            last_day=self.peildatum,
        )
        contacts = self._school_contacts(first)
        persons = Person.objects.in_bulk(
            {pupil.bsn for items in contacts.values() for _, _, pupil in items}, field_name="bsn"
        )
        listed_until = first - dt.timedelta(days=1)
        last_case = Case.objects.aggregate(last=Max("pk"))["last"] or 0
        with tempfile.TemporaryDirectory(prefix="rbl-demo-duo-") as tmp:
            out = Path(tmp)
            for week in range(self.weeks):
                start = first + dt.timedelta(days=week * 7)
                end = min(start + dt.timedelta(days=6), self.peildatum)
                batch = [m for m in reports if start <= m.meldingsdatum <= end]
                if batch:
                    path = write_meldingen(out / f"verzuimmeldingen-{week:02d}.csv", batch)
                    run_import("verzuimmeldingen", path, peildatum=end, actor="demo")
                # DUO's VSV list every four weeks, the last two weeks before the peildatum.
                if (self.weeks - 1 - week) % VSV_EVERY_WEEKS == VSV_WEEKS_BEFORE_END:
                    leavers = [r for r in vsv if listed_until < r.left_on <= end]
                    if leavers:
                        path = write_vsv(out / f"vsv-{week:02d}.csv", leavers, end)
                        run_import("vsv", path, peildatum=end, actor="demo")
                    listed_until = end
                if on_week is not None:
                    on_week(start, end)
                with transaction.atomic():  # one commit per week: fast on SQLite
                    for day, case_type, pupil in contacts.get(week, ()):
                        self._open_contact(day, case_type, pupil, persons.get(pupil.bsn))
                    # Signals whose control letter went unanswered past the term.
                    open_cases_for_due_signals(end)
                    new = (
                        Case.objects.filter(pk__gt=last_case)
                        .select_related("person", "owner")
                        .order_by("pk")
                    )
                    for case in new:
                        self.work_case(case, case.opened_on)
                        last_case = case.pk

    def _school_contacts(self, first: dt.date) -> dict[int, list[tuple[dt.date, str, Pupil]]]:
        """The period's preventive contacts and care reports, per week."""
        from rbl.cases.models import CaseType

        by_week: dict[int, list[tuple[dt.date, str, Pupil]]] = {}
        # Both come through the officers' consultation hours and care-team meetings
        # at their schools: as many for every officer, whatever the number of
        # pupils (the curative reports follow the pupils), spread over the period.
        contact = {
            key: school.contact_id for key, school in self.schools.items() if school.contact_id
        }
        pupils_of: dict[int, list[Pupil]] = {}
        for pupil in self.duty_pupils:
            who = contact.get((pupil.brin, pupil.vestiging))
            if who is not None:
                pupils_of.setdefault(who, []).append(pupil)
        if not pupils_of:
            return by_week
        for case_type, per_case in (
            (CaseType.PREVENTIEF, PREVENTIEF_PER_CASE),
            (CaseType.ZORG, ZORG_PER_CASE),
        ):
            each = self.per_period(self.caseload * per_case) / len(pupils_of)
            for _who, pupils in sorted(pupils_of.items()):
                pick = weighted_picker(self.rng, pupils, self.peildatum)
                count = int(each) + (self.rng.random() < each % 1)
                for k in range(count):
                    # Evenly over the period, each at a random day of its stretch.
                    offset = int((k + self.rng.random()) * self.days / count)
                    day = first + dt.timedelta(days=offset)
                    pupil = self._pick_on(pick, day, 5, 17)
                    if pupil is not None:
                        by_week.setdefault(offset // 7, []).append((day, case_type, pupil))
        for items in by_week.values():
            items.sort(key=lambda item: (item[0], item[1], item[2].bsn))
        return by_week

    @staticmethod
    def _pick_on(pick: Any, day: dt.date, youngest: int, oldest: int) -> Pupil | None:
        """A pupil drawn by `pick()` who is at their school on `day`, of an age
        from `youngest` through `oldest` then (a few tries, else None)."""
        for _ in range(30):
            pupil = pick()
            if pupil.on(day) and youngest <= age_on(pupil.birth_date, day) <= oldest:
                return pupil
        return None

    def _open_contact(self, day: dt.date, case_type: str, pupil: Pupil, person: Any) -> None:
        from rbl.cases.models import CaseType
        from rbl.cases.services.lifecycle import open_case

        if person is None or person.municipality_id is None:
            return
        note = (
            "School maakt zich zorgen over het verzuim (onder de 16 uur); vraagt om een "
            "preventief gesprek."
            if case_type == CaseType.PREVENTIEF
            else "Zorgmelding van school via het zorgadviesteam."
        )
        open_case(person, case_type, today=day, school=self._school(pupil), note=note)

    # -- working one case ----------------------------------------------------

    def _plan(self, case_type: str, age: int) -> _Plan:
        """How this case goes; `days` from opening to closing."""
        from rbl.cases.models import CaseType, MasRoute

        rng = self.rng
        r = rng.random()
        young = age < 18
        if case_type in (CaseType.RELATIEF_16UUR, CaseType.OVERIG):
            # Halt only on beginning absence (rbl.cases.services.handhaving.HALT_TYPES).
            halt_fits = case_type == CaseType.RELATIEF_16UUR
            if self.boa and halt_fits and 12 <= age <= 16 and r < 0.04:
                return _Plan(rng.randint(50, 110), "halt", "handhaving_afgerond")
            if self.boa and 12 <= age <= 17 and r < 0.06:
                return _Plan(rng.randint(80, 170), "pv", "handhaving_afgerond")
            if young and r < 0.08:
                return _Plan(rng.randint(90, 240), MasRoute.JEUGDBESCHERMING, _reason(rng, "", age))
            if r < 0.11:  # stays away for months
                return _Plan(rng.randint(60, 200), MasRoute.VRIJWILLIG, _reason(rng, "", age))
            return _Plan(rng.randint(12, 40), MasRoute.VRIJWILLIG, _reason(rng, "", age))
        if case_type == CaseType.SIGNAAL:
            days = rng.randint(40, 90) if r < 0.04 else rng.randint(7, 28)
            return _Plan(days, MasRoute.VRIJWILLIG, _reason(rng, "signaal", age))
        if case_type == CaseType.LUXE:
            if self.boa and r < 0.3:  # the parents get a PV
                return _Plan(rng.randint(60, 150), "pv", "handhaving_afgerond")
            return _Plan(rng.randint(14, 56), MasRoute.VRIJWILLIG, _reason(rng, "luxe", age))
        if case_type == CaseType.LANGDURIG:
            route = MasRoute.JEUGDBESCHERMING if young and r < 0.3 else MasRoute.VRIJWILLIG
            return _Plan(rng.randint(45, 200), route, _reason(rng, "", age))
        if case_type == CaseType.ABSOLUUT:
            days = (
                rng.randint(14, 50)
                if r < 0.55
                else rng.randint(50, 120)
                if r < 0.85
                else rng.randint(120, 300)
            )
            reason = rng.choices(
                ("ingeschreven", "verhuisd", "vrijstelling", "overig"), (70, 12, 8, 10)
            )[0]
            return _Plan(days, MasRoute.VRIJWILLIG, reason)
        if case_type == CaseType.RMC:
            if r < 0.65:  # already working, back at school or out of the target group
                reason = rng.choices(
                    ("werk", "andere_opleiding", "buiten_leeftijd", "overig"), (40, 35, 15, 10)
                )[0]
                return _Plan(rng.randint(7, 35), reason=reason)
            return _Plan(rng.randint(50, 200), reason=_reason(rng, "rmc", age))
        if case_type == CaseType.PLUS18:
            return _Plan(rng.randint(14, 60), reason=_reason(rng, "18plus", age))
        if case_type == CaseType.PREVENTIEF:
            reason = rng.choice(("ter_kennisgeving", "terug_naar_school", "overig"))
            return _Plan(rng.randint(60, 90), reason=reason)
        if case_type == CaseType.ZORG:
            reason = rng.choice(("overig", "terug_naar_school", "ter_kennisgeving"))
            return _Plan(rng.randint(90, 180), reason=reason)
        return _Plan(rng.randint(14, 60), reason="overig")

    def _day(self, start: dt.date, low: int, high: int, before: dt.date | None) -> dt.date | None:
        """A day `low`–`high` days after `start`, if it is before `before` (the
        closing day) and not after the last day of the demo."""
        day = start + dt.timedelta(days=self.rng.randint(low, high))
        if day > self.last_day or (before is not None and day >= before):
            return None
        return day

    def _paperwork(self, item: Any, closing: dt.date | None) -> None:
        """The BOA's dates on a Halt referral or PV as the demo's days pass:
        papers prepared, signed, sent; Halt accepts, or the OM sets a hearing
        (which may lie after the last day). Its own random numbers (by record),
        so the rest of the demo stays as it was."""
        from rbl.cases.models import HandhavingKind
        from rbl.cases.services.handhaving import update_handhaving

        rng = random.Random(item.pk)
        dates: dict[str, dt.date] = {}
        day = item.opened_on
        for name, low, high in (
            ("documents_prepared_on", 2, 8),
            ("signed_on", 1, 4),
            ("sent_on", 1, 5),
        ):
            day = day + dt.timedelta(days=rng.randint(low, high))
            if day > self.last_day or (closing is not None and day >= closing):
                break
            dates[name] = day
        else:
            if item.kind == HandhavingKind.HALT:
                accepted = day + dt.timedelta(days=rng.randint(5, 14))
                if accepted <= self.last_day and (closing is None or accepted < closing):
                    dates["accepted_on"] = accepted
            else:
                hearing = day + dt.timedelta(days=rng.randint(35, 70))
                if closing is None or hearing < closing:
                    dates["hearing_on"] = hearing
        if dates:
            update_handhaving(item, actor=self.boa, expected_version=None, **dates)

    def work_case(self, case: Any, opened: dt.date) -> None:
        from rbl.cases.models import (
            RMC_TYPES,
            ActivityKind,
            CaseType,
            HandhavingKind,
            MasRoute,
            Task,
            TaskKind,
        )
        from rbl.cases.services.handhaving import record_outcome, start_handhaving
        from rbl.cases.services.lifecycle import (
            add_activity,
            choose_route,
            close_case,
            complete_task,
        )

        rng = self.rng
        owner = case.owner
        if owner is None:
            return
        age = age_on(case.person.birth_date, opened)
        plan = self._plan(case.type, age)
        closing: dt.date | None = opened + dt.timedelta(days=plan.days)
        if closing > self.last_day:
            closing = None

        def activity(kind: str, day: dt.date) -> None:
            add_activity(case, kind, author=owner, expected_version=None, on=day, notes=_note(rng))

        # The first step: the school's absence record, or a first contact.
        if case.type == CaseType.ABSOLUUT:
            first_kind = rng.choice((ActivityKind.HUISBEZOEK, ActivityKind.GESPREK_OUDERS))
        elif case.type in RMC_TYPES or case.type in (CaseType.PREVENTIEF, CaseType.ZORG):
            first_kind = ActivityKind.SCHOOLCONTACT
        else:
            first_kind = ActivityKind.VERZUIMSTAAT
        day = self._day(opened, 1, 5, closing)
        if day is None and closing is not None:
            day = opened  # a short case: worked on the day it came in
        if day is None:
            return
        activity(first_kind, day)
        if first_kind == ActivityKind.VERZUIMSTAAT or case.type == CaseType.PLUS18:
            for task in Task.objects.filter(
                case=case, kind=TaskKind.VERZUIMSTAAT, done_on__isnull=True
            ):
                complete_task(task, done_on=day)
        worked = day
        # A conversation with the youth or the parents.
        day = self._day(worked, 2, 12, closing)
        if day is not None and plan.days > 21 and rng.random() < 0.8:
            talk = rng.choice(
                (ActivityKind.GESPREK_JONGERE, ActivityKind.GESPREK_OUDERS, ActivityKind.HUISBEZOEK)
            )
            if age >= 18 or case.type in RMC_TYPES:
                talk = ActivityKind.GESPREK_JONGERE
            activity(talk, day)
            worked = day
        # The MAS route, possibly with Halt or a PV handled by the BOA.
        handhaving = None
        # (A short case is closed before a route is needed.)
        if (
            plan.route
            and plan.days > 21
            and case.type not in (CaseType.VERLOF, CaseType.VRIJSTELLING)
        ):
            day = self._day(worked, 1, 7, closing)
            if day is not None:
                if plan.route == "halt":
                    handhaving = start_handhaving(
                        case,
                        HandhavingKind.HALT,
                        actor=owner,
                        handler=self.boa,
                        expected_version=None,
                        on=day,
                    )
                elif plan.route == "pv":
                    activity(ActivityKind.WAARSCHUWING, day)
                    later = self._day(day, 14, 28, closing)
                    if later is not None:
                        handhaving = start_handhaving(
                            case,
                            HandhavingKind.PV,
                            actor=owner,
                            handler=self.boa,
                            expected_version=None,
                            on=later,
                        )
                        day = later
                else:
                    choose_route(
                        case, plan.route, actor=owner, expected_version=None, chosen_on=day
                    )
                    if plan.route == MasRoute.JEUGDBESCHERMING:
                        activity(ActivityKind.RVDK, day)
                worked = day
        if handhaving is not None:
            self._paperwork(handhaving, closing)
        # A long course of absence: a step every month or two.
        while case.type not in (CaseType.PREVENTIEF, CaseType.ZORG):
            day = self._day(worked, 35, 70, closing)
            if day is None:
                break
            activity(
                rng.choice(
                    (
                        ActivityKind.SCHOOLCONTACT,
                        ActivityKind.GESPREK_JONGERE,
                        ActivityKind.DOORVERWIJZING,
                        ActivityKind.OVERIG,
                    )
                ),
                day,
            )
            worked = day
        if closing is not None:
            if handhaving is not None:
                outcome_on = max(worked, closing - dt.timedelta(days=rng.randint(2, 9)))
                record_outcome(
                    handhaving,
                    _outcome(rng, handhaving.kind),
                    actor=self.boa,
                    expected_version=None,
                    on=outcome_on,
                )
            close_case(
                case,
                plan.reason or "overig",
                actor=owner,
                expected_version=None,
                closed_on=closing,
                note=_closing_note(plan.reason),
            )
            return
        # Still open on the peildatum: its next follow-up is planned at the end.
        self.worked_until[case.pk] = worked

    def follow_ups(self) -> None:
        """Every worked case still open gets its next follow-up; for a few of the
        cases open on the peildatum (`OVERDUE_SHARE`) it is overdue."""
        from rbl.cases.models import Case, TaskKind
        from rbl.cases.services.lifecycle import add_task

        still_open = set(
            Case.objects.open().filter(pk__in=list(self.worked_until)).values_list("pk", flat=True)
        )
        cases = sorted(still_open)
        # Overdue only where the last step lies more than a week back.
        eligible = [pk for pk in cases if (self.last_day - self.worked_until[pk]).days > 7]
        wanted = max(1, round(OVERDUE_SHARE * Case.objects.open().count()))
        overdue = set(self._sample(eligible, wanted))
        for pk in cases:
            if pk in overdue:
                room = (self.last_day - self.worked_until[pk]).days - 7
                due = self.last_day - dt.timedelta(days=self.rng.randint(1, min(21, room)))
            else:
                due = self.last_day + dt.timedelta(days=self.rng.randint(1, 28))
            add_task(pk, TaskKind.OPVOLGING, "Opvolging: stand van zaken bij school navragen", due)

    # -- other work of the year ----------------------------------------------

    def school_years(self) -> list[tuple[dt.date, dt.date, dt.date]]:
        """(1 August, first day, last day) of each school year in the period."""
        years = []
        year = school_year_start(self.first)
        while year <= self.last_day:
            first, last = max(year, self.first), min(school_year_end(year), self.last_day)
            if first <= last:
                years.append((year, first, last))
            year = school_year_end(year) + dt.timedelta(days=1)
        return years

    def leave_requests(self) -> None:
        """Requests over the period, per school year and municipality after its
        pupils and rate, each decided within its term (eight weeks and before
        the leave starts); the last weeks' wait for their decision. Every
        municipality decides at least one request in each school year that has
        run six weeks (leave of more than ten school days, art. 14, is the
        officer's to decide)."""
        by_code: dict[str, list[Pupil]] = {}
        for pupil in self.lp_pupils:
            by_code.setdefault(pupil.municipality, []).append(pupil)
        total = len(self.lp_pupils)
        for year, first, last in self.school_years():
            share = ((last - first).days + 1) / YEAR_DAYS
            # A request of this day or earlier is decided by the last day.
            in_time = last - dt.timedelta(days=40)
            for code, pool in sorted(by_code.items()):
                expected = LEAVE_REQUESTS * self.ratio * share * len(pool) / total
                expected *= self.rate(code, year)
                count = int(expected) + (self.rng.random() < expected % 1)
                if in_time >= first:
                    self._leave_request(pool, first, in_time, officer=True)
                    count -= 1
                for _ in range(count):
                    self._leave_request(pool, first, last)

    def _leave_request(
        self, pool: list[Pupil], first: dt.date, last: dt.date, *, officer: bool = False
    ) -> None:
        """One request made between the two days, by a pupil of `pool`; leave of
        more than ten school days under art. 14 when `officer`."""
        from rbl.cases.models import LeaveArticle, LeaveDecision
        from rbl.cases.services.leave import decide_leave, register_leave_request
        from rbl.registry.models import Person

        requested = first + dt.timedelta(days=self.rng.randint(0, (last - first).days))
        pupil = self._pick_on(lambda: self.rng.choice(pool), requested, 5, 16)
        if pupil is None:
            return
        person = Person.objects.get(bsn=pupil.bsn)
        start = requested + dt.timedelta(days=self.rng.randint(21, 70))
        article = (
            LeaveArticle.ART_14
            if officer
            else self.rng.choices(
                (LeaveArticle.ART_14, LeaveArticle.ART_13A, LeaveArticle.ART_11F), (75, 15, 10)
            )[0]
        )
        # Art. 14: two to four weeks (from 17 days on, always more than ten school
        # days); art. 13a: at most ten school days; art. 11f: a religious holiday.
        length = {
            LeaveArticle.ART_14: self.rng.randint(16, 27),
            LeaveArticle.ART_13A: self.rng.randint(4, 11),
        }.get(article, 1)
        request = register_leave_request(
            person,
            article=article,
            requested_on=requested,
            start=start,
            end=start + dt.timedelta(days=length),
            actor=None,
            school=self._school(pupil),
            today=requested,
        )
        term = max(1, (request.decision_due_on - requested).days)
        decided = requested + dt.timedelta(days=self.rng.randint(min(term, 3), min(term, 35)))
        if decided > self.last_day:
            return  # waits for its decision, within the term
        decision = self.rng.choices(
            (LeaveDecision.TOEGEKEND, LeaveDecision.DEELS, LeaveDecision.AFGEWEZEN),
            (50, 20, 30),
        )[0]
        decide_leave(
            request,
            decision,
            actor=request.case.owner,
            expected_version=None,
            decided_on=decided,
        )

    def exemptions(self) -> None:
        """Exemption requests over the period; a decided one closes its case."""
        from rbl.cases.models import CaseType
        from rbl.cases.services.exemptions import record_exemption
        from rbl.cases.services.lifecycle import close_case, open_case
        from rbl.registry.models import ExemptionGround, Person

        count = max(2, self.per_period(EXEMPTION_REQUESTS * self.ratio))
        grounds = (ExemptionGround.ART_5A, ExemptionGround.ART_5B, ExemptionGround.ART_5C)
        span = (self.last_day - self.first).days - 10
        asked: set[str] = set()
        for _ in range(count):
            if span < 0 or not self.lp_pupils:
                break
            opened = self.first + dt.timedelta(days=self.rng.randint(0, span))
            pupil = self._pick_on(lambda: self.rng.choice(self.lp_pupils), opened, 5, 16)
            if pupil is None or pupil.bsn in asked:
                continue
            asked.add(pupil.bsn)
            person = Person.objects.get(bsn=pupil.bsn)
            case = open_case(
                person, CaseType.VRIJSTELLING, today=opened, note="Aanvraag vrijstelling"
            )
            decided = opened + dt.timedelta(days=self.rng.randint(5, 40))
            if decided > self.last_day or case.owner is None:
                continue
            ground = self.rng.choice(grounds)
            record_exemption(
                case,
                ground=ground,
                start=decided,
                end=None if ground == ExemptionGround.ART_5A else decided + dt.timedelta(days=365),
                decided_on=decided,
                actor=case.owner,
                expected_version=None,
            )
            closed = min(self.last_day, decided + dt.timedelta(days=self.rng.randint(0, 10)))
            close_case(
                case, "vrijstelling", actor=case.owner, expected_version=None, closed_on=closed
            )

    def handovers(self) -> None:
        """A few 16–17-year-olds go from the local officer to the KP officer; all
        open cases of youth who turned 18 go to RMC (R-15)."""
        from rbl.cases.models import RMC_TYPES, Case, CaseType
        from rbl.cases.services.lifecycle import (
            assign_case,
            cases_due_for_rmc_handover,
            handover_to_rmc,
        )

        kpa = self.users.get(KPA_CONTACT)
        lpas = [u for name, u in self.users.items() if name.startswith("lpa-")]
        if kpa is not None:
            candidates = [
                c
                for c in Case.objects.open()
                .filter(owner__in=lpas)
                .exclude(
                    type__in=[
                        *RMC_TYPES,
                        CaseType.VERLOF,
                        CaseType.VRIJSTELLING,
                        CaseType.PREVENTIEF,
                        CaseType.ZORG,
                    ]
                )
                .select_related("person")
                .order_by("pk")
                if 16 <= age_on(c.person.birth_date, self.peildatum) < 18
            ]
            for case in self._sample(candidates, max(3, len(candidates) // 8)):
                assign_case(
                    case,
                    kpa,
                    actor=case.owner,
                    expected_version=None,
                    handover=True,
                    note="Overgedragen aan de kwalificatieplichtambtenaar (16+).",
                )
        for case in cases_due_for_rmc_handover(self.peildatum).order_by("pk"):
            handover_to_rmc(
                case,
                actor=case.owner,
                expected_version=None,
                on=max(self.last_day, case.opened_on),
                note="18 jaar geworden: overgedragen aan RMC.",
            )

    def _sample(self, items: list[Any], count: int) -> list[Any]:
        return self.rng.sample(items, min(count, len(items)))

    def _school(self, pupil: Pupil) -> Any:
        return self.schools.get((pupil.brin, pupil.vestiging))


_NOTES = (
    "Jongere geeft aan moeite te hebben met de lessen; afspraken gemaakt over aanwezigheid.",
    "Ouders zijn geschrokken van het verzuim en werken mee.",
    "School meldt dat de aanwezigheid sinds het gesprek beter is.",
    "Jongere heeft thuis zorgen; doorverwijzing naar het wijkteam besproken.",
    "Afspraak gemaakt voor een vervolggesprek over vier weken.",
    "Verzuimstaat ontvangen en besproken met de mentor.",
)


def _note(rng: random.Random) -> str:
    return rng.choice(_NOTES)


def _outcome(rng: random.Random, kind: str) -> str:
    from rbl.cases.models import HandhavingKind, HandhavingOutcome

    if kind == HandhavingKind.HALT:
        return rng.choice(
            (
                HandhavingOutcome.HALT_GESLAAGD,
                HandhavingOutcome.HALT_GESLAAGD,
                HandhavingOutcome.HALT_NIET_GESLAAGD,
            )
        )
    return rng.choice(
        (HandhavingOutcome.TAAKSTRAF, HandhavingOutcome.BOETE, HandhavingOutcome.SEPOT)
    )


def _reason(rng: random.Random, case_type: str, age: int) -> str:
    if case_type == "signaal":
        return rng.choice(("ter_kennisgeving", "terug_naar_school", "terug_naar_school"))
    if case_type == "luxe":
        return rng.choice(("terug_naar_school", "legitiem_afwezig", "ter_kennisgeving"))
    if case_type in ("rmc", "18plus") or age >= 18:
        return rng.choices(
            ("andere_opleiding", "werk", "terug_naar_school", "overig"), (35, 35, 20, 10)
        )[0]
    return rng.choices(
        ("terug_naar_school", "andere_opleiding", "langdurig_ziek", "legitiem_afwezig", "overig"),
        (65, 12, 6, 9, 8),
    )[0]


def _closing_note(reason: str) -> str:
    return {
        "terug_naar_school": "Jongere gaat weer naar school; aanwezigheid is op orde.",
        "andere_opleiding": "Ingeschreven bij een andere opleiding.",
        "werk": "Jongere werkt; afspraak over een opleiding naast het werk.",
        "handhaving_afgerond": "Halt/PV afgerond; verzuim gestopt.",
        "ingeschreven": "Jongere is ingeschreven op een school.",
        "buiten_leeftijd": "Niet meer in de RMC-doelgroep.",
    }.get(reason, "")
