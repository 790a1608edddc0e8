"""Cases of the demo region.

`populate_cases(region, seed)` is the hook through which `rbl demo` fills the
demo with cases in every state. It runs after the registry imports and the
absoluut-verzuim checks, with the same seed, and is deterministic for it.
Everything goes through the real services, as a region's year would:

1. the region's assignment rules (LP to the municipality's own officer, KP to
   the kwalificatieplicht officer, RMC to the RMC officer);
2. a year of DUO absence reports and VSV lists, loaded month by month through
   `run_import` (so cases open on the day their report came in), a handful
   for BSNs the registry does not know ("niet gekoppeld");
3. each month's new cases are worked: verzuimstaat, conversations, a MAS
   route (a few Halt referrals and PVs handled by the BOA), follow-up tasks
   (some overdue) and, for most of the older ones, closing with a reason;
4. absoluut signals past their control term become cases;
5. leave requests (most decided), vrijstelling cases, handovers to another
   officer and to RMC at 18.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from rbl.demo.meldingen import (
    Pupil,
    age_on,
    make_meldingen,
    make_vsv,
    write_meldingen,
    write_vsv,
)
from rbl.demo.reference import load_reference
from rbl.demo.schools import KPA_CONTACT, LPA_FOR
from rbl.organisation.models import Region

RMC_OFFICER = "rmc-regio"
BOA = "boa-regio"
MONTHS = 12
DAYS_PER_MONTH = 30
# Reports per case: a youth's second report of the same kind joins the open case.
REPORTS_PER_CASE = 1.15
UNKNOWN_REPORTS = 5
CLOSE_SHARE_OF_OLDER = 0.58  # of cases older than six weeks (with leave decisions ≈ 60 %)


def populate_cases(region: Region, seed: int, *, peildatum: dt.date | None = None) -> int:
    """Create the demo cases for `region`; returns how many cases there are."""
    try:
        from rbl.cases.models import Case
        from rbl.cases.services.absoluut import open_cases_for_due_signals
    except ImportError:  # the cases app is not there
        return 0
    peildatum = peildatum or timezone.localdate()
    rng = random.Random(seed)
    users = {u.username: u for u in get_user_model().objects.all()}
    codes = sorted(region.municipalities.values_list("code", flat=True))
    ensure_assignment_rules(codes, users)
    year = _DemoYear(rng, seed, peildatum, users)
    year.run()
    with transaction.atomic():
        for case in open_cases_for_due_signals(peildatum):
            year.work_case(case, case.opened_on)
        year.leave_requests()
        year.exemptions()
        year.handovers()
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


class _DemoYear:
    def __init__(
        self, rng: random.Random, seed: int, peildatum: dt.date, users: dict[str, Any]
    ) -> None:
        from rbl.registry.models import Diploma, Enrolment, Person

        self.rng = rng
        self.seed = seed
        self.peildatum = peildatum
        # Activities cannot lie in the future of the real clock.
        self.last_day = min(peildatum, timezone.localdate())
        self.users = users
        self.boa = users.get(BOA)
        persons = {
            bsn: (birth, code)
            for bsn, birth, code in Person.objects.filter(
                municipality__isnull=False, died_on__isnull=True, moved_out_on__isnull=True
            ).values_list("bsn", "birth_date", "municipality_id")
        }
        self.known = set(Person.objects.values_list("bsn", flat=True))
        pupils: list[Pupil] = []
        last_school: dict[str, Pupil] = {}
        for bsn, brin, vestiging, sector, school_code, end in Enrolment.objects.order_by(
            "bsn", "start", "pk"
        ).values_list("bsn", "brin", "vestiging", "sector", "school__municipality_code", "end"):
            if bsn not in persons:
                continue
            birth, code = persons[bsn]
            pupil = Pupil(bsn, birth, brin, vestiging, sector)
            last_school[bsn] = pupil
            # One contact per school: pupils of a school elsewhere in the region
            # would land with that school's officer; the demo keeps to the own
            # municipality's schools and the regional MBO/HO.
            if end is None and (school_code == code or sector in ("MBO", "HO")):
                pupils.append(pupil)
        self.pupils = pupils
        with_sk = set(Diploma.objects.filter(startkwalificatie=True).values_list("bsn", flat=True))
        self.leavers = [
            last_school.get(bsn, Pupil(bsn, birth, "", "", ""))
            for bsn, (birth, _code) in sorted(persons.items())
            if 18 <= age_on(birth, peildatum) <= 22 and bsn not in with_sk
        ]
        self.lp_pupils = [p for p in pupils if 5 <= age_on(p.birth_date, peildatum) <= 15]
        reference = load_reference()
        in_reference = sum(
            f.inhabitants_5_15 + f.inhabitants_16_17 + f.inhabitants_18_22 for f in reference
        )
        in_demo = sum(1 for birth, _ in persons.values() if 5 <= age_on(birth, peildatum) <= 22)
        self.ratio = in_demo / in_reference if in_reference else 0.0
        self.caseload = round(sum(f.caseload for f in reference) * self.ratio)
        self.vsv = round(sum(f.vsv for f in reference) * self.ratio)

    # -- the year of reports -------------------------------------------------

    def run(self) -> None:
        from rbl.cases.models import Case
        from rbl.registry.imports import run_import

        first = self.peildatum - dt.timedelta(days=MONTHS * DAYS_PER_MONTH - 1)
        reports = make_meldingen(
            self.rng,
            self.pupils,
            count=round(self.caseload * REPORTS_PER_CASE),
            first_day=first,
            last_day=self.peildatum,
            unknown=UNKNOWN_REPORTS,
            known_bsns=self.known,
            seed=self.seed,
        )
        vsv = make_vsv(
            self.rng, self.leavers, count=self.vsv, first_day=first, last_day=self.peildatum
        )
        with tempfile.TemporaryDirectory(prefix="rbl-demo-duo-") as tmp:
            out = Path(tmp)
            for month in range(MONTHS):
                start = first + dt.timedelta(days=month * DAYS_PER_MONTH)
                end = start + dt.timedelta(days=DAYS_PER_MONTH - 1)
                before = set(Case.objects.values_list("pk", flat=True))
                batch = [m for m in reports if start <= m.meldingsdatum <= end]
                if batch:
                    path = write_meldingen(out / f"verzuimmeldingen-{month:02d}.csv", batch)
                    run_import("verzuimmeldingen", path, peildatum=end, actor="demo")
                # DUO's VSV list comes quarterly.
                quarter_start = first + dt.timedelta(days=(month - 2) * DAYS_PER_MONTH)
                leavers = [r for r in vsv if quarter_start <= r.left_on <= end]
                if leavers and month % 3 == 2:
                    path = write_vsv(out / f"vsv-{month:02d}.csv", leavers, end)
                    run_import("vsv", path, peildatum=end, actor="demo")
                new = (
                    Case.objects.exclude(pk__in=before)
                    .select_related("person", "owner")
                    .order_by("pk")
                )
                with transaction.atomic():  # one commit per month: fast on SQLite
                    for case in new:
                        self.work_case(case, case.opened_on)

    # -- working one case ----------------------------------------------------

    def _day(self, start: dt.date, low: int, high: int) -> dt.date | None:
        day = start + dt.timedelta(days=self.rng.randint(low, high))
        return day if day <= self.last_day else None

    def work_case(self, case: Any, opened: dt.date) -> None:
        from rbl.cases.models import (
            RMC_TYPES,
            ActivityKind,
            CaseType,
            HandhavingKind,
            HandhavingOutcome,
            MasRoute,
            Task,
            TaskKind,
        )
        from rbl.cases.services.handhaving import record_outcome, start_handhaving
        from rbl.cases.services.lifecycle import (
            add_activity,
            add_task,
            choose_route,
            close_case,
            complete_task,
        )

        rng = self.rng
        owner = case.owner
        if owner is None:
            return
        age = age_on(case.person.birth_date, opened)
        worked = opened
        day = self._day(opened, 1, 6)
        if day is None:
            return
        kind = ActivityKind.SCHOOLCONTACT if case.type in RMC_TYPES else ActivityKind.VERZUIMSTAAT
        add_activity(case, kind, author=owner, expected_version=None, on=day, notes=_note(rng))
        for task in Task.objects.filter(
            case=case, kind=TaskKind.VERZUIMSTAAT, done_on__isnull=True
        ):
            complete_task(task, done_on=day)
        worked = day
        day = self._day(worked, 3, 20)
        if day is not None and rng.random() < 0.85:
            talk = rng.choice(
                (ActivityKind.GESPREK_JONGERE, ActivityKind.GESPREK_OUDERS, ActivityKind.HUISBEZOEK)
            )
            if age >= 18:
                talk = ActivityKind.GESPREK_JONGERE
            add_activity(case, talk, author=owner, expected_version=None, on=day, notes=_note(rng))
            worked = day
        handhaving = None
        day = self._day(worked, 5, 25)
        relatief = case.type in (CaseType.RELATIEF_16UUR, CaseType.LUXE, CaseType.LANGDURIG)
        if day is not None and rng.random() < 0.55:
            draw = rng.random()
            if relatief and self.boa and 12 <= age < 18 and draw < 0.08:
                handhaving = start_handhaving(
                    case,
                    HandhavingKind.HALT,
                    actor=owner,
                    handler=self.boa,
                    expected_version=None,
                    on=day,
                )
            elif relatief and self.boa and age >= 12 and draw < 0.12:
                add_activity(
                    case, ActivityKind.WAARSCHUWING, author=owner, expected_version=None, on=day
                )
                handhaving = start_handhaving(
                    case,
                    HandhavingKind.PV,
                    actor=owner,
                    handler=self.boa,
                    expected_version=None,
                    on=day,
                )
            elif draw < 0.2 and age < 18:
                choose_route(
                    case,
                    MasRoute.JEUGDBESCHERMING,
                    actor=owner,
                    expected_version=None,
                    chosen_on=day,
                )
            else:
                choose_route(
                    case, MasRoute.VRIJWILLIG, actor=owner, expected_version=None, chosen_on=day
                )
            worked = day
        older = (self.peildatum - opened).days > 42
        if older and rng.random() < CLOSE_SHARE_OF_OLDER:
            closed_on = self._day(worked, 14, 90) or self.last_day
            if handhaving is not None:
                outcome = (
                    rng.choice(
                        (
                            HandhavingOutcome.HALT_GESLAAGD,
                            HandhavingOutcome.HALT_GESLAAGD,
                            HandhavingOutcome.HALT_NIET_GESLAAGD,
                        )
                    )
                    if handhaving.kind == HandhavingKind.HALT
                    else rng.choice(
                        (
                            HandhavingOutcome.TAAKSTRAF,
                            HandhavingOutcome.BOETE,
                            HandhavingOutcome.SEPOT,
                        )
                    )
                )
                record_outcome(
                    handhaving, outcome, actor=self.boa, expected_version=None, on=closed_on
                )
                reason = "handhaving_afgerond"
            else:
                reason = _closing_reason(rng, case.type, age)
            close_case(
                case,
                reason,
                actor=owner,
                expected_version=None,
                closed_on=closed_on,
                note=_closing_note(reason),
            )
            return
        due = worked + dt.timedelta(days=rng.randint(14, 75))
        add_task(case, TaskKind.OPVOLGING, "Opvolging: stand van zaken bij school navragen", due)

    # -- other work of the year ----------------------------------------------

    def leave_requests(self) -> None:
        from rbl.cases.models import LeaveArticle, LeaveDecision
        from rbl.cases.services.leave import decide_leave, register_leave_request
        from rbl.registry.models import Person

        count = max(3, round(150 * self.ratio))
        for pupil in self._sample(self.lp_pupils, count):
            person = Person.objects.get(bsn=pupil.bsn)
            requested = self.last_day - dt.timedelta(days=self.rng.randint(0, 330))
            start = requested + dt.timedelta(days=self.rng.randint(21, 70))
            article = self.rng.choices(
                (LeaveArticle.ART_14, LeaveArticle.ART_13A, LeaveArticle.ART_11F), (60, 30, 10)
            )[0]
            length = self.rng.randint(11, 15) if article != LeaveArticle.ART_11F else 1
            request = register_leave_request(
                person,
                article=article,
                requested_on=requested,
                start=start,
                end=start + dt.timedelta(days=length),
                actor=None,
                school=_school(pupil),
                today=requested,
            )
            decided = requested + dt.timedelta(days=self.rng.randint(3, 30))
            if decided <= self.last_day and self.rng.random() < 0.85:
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
        from rbl.cases.models import CaseType
        from rbl.cases.services.exemptions import record_exemption
        from rbl.cases.services.lifecycle import close_case, open_case
        from rbl.registry.models import ExemptionGround, Person

        count = max(2, round(25 * self.ratio))
        grounds = (ExemptionGround.ART_5A, ExemptionGround.ART_5B, ExemptionGround.ART_5C)
        for pupil in self._sample(self.lp_pupils, count):
            person = Person.objects.get(bsn=pupil.bsn)
            opened = self.last_day - dt.timedelta(days=self.rng.randint(10, 300))
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
            if self.rng.random() < 0.6:
                close_case(
                    case, "vrijstelling", actor=case.owner, expected_version=None, closed_on=decided
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
                .exclude(type__in=[*RMC_TYPES, CaseType.VERLOF, CaseType.VRIJSTELLING])
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


def _school(pupil: Pupil) -> Any:
    from rbl.organisation.models import School

    return School.objects.filter(brin=pupil.brin, vestiging=pupil.vestiging).first()


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


def _closing_reason(rng: random.Random, case_type: str, age: int) -> str:
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
    }.get(reason, "")
