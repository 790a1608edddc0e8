"""The demo's objections and complaints (issue 18 item 8): a handful in
plausible states, registered and handled through the services as a team
would: objections against the officers' own decisions on long leave (the
regional team, with the municipality's committee advising) and against
exemptions decided in mandate (forwarded at once), one decided by the
municipality, the others open;
complaints about officers' conduct, one settled informally, one postponed,
one waiting for the complaints committee."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from rbl.accounts.access import OBJECTION_ROLES
from rbl.accounts.models import Role
from rbl.cases.models import Case, LeaveRequest
from rbl.objections import services
from rbl.objections.models import Route


def _handler(case: Case, fallback):
    owner = case.owner
    if owner is not None and owner.role_assignments.filter(role__in=list(OBJECTION_ROLES)).exists():
        return owner
    return fallback


def _decide(objection, today: dt.date, **changes) -> None:
    fields = dict(
        expected_version=objection.version,
        actor=objection.handler,
        today=today,
        forwarded_on=objection.forwarded_on,
        committee=objection.committee,
        committee_informed_on=None,
        advice_on=None,
        advice="",
        postponed_on=None,
        postponement_reason="",
        outcome="",
        outcome_on=None,
    )
    fields.update(changes)
    services.update_objection(objection, **fields)


@transaction.atomic
def populate_objections(seed: int, peildatum: dt.date) -> tuple[int, int]:
    """Register the demo's objections and complaints up to `peildatum`;
    returns (objections, complaints). Same seed, same items."""
    rng = random.Random(seed * 71)
    users = get_user_model().objects
    coordinator = users.filter(role_assignments__role=Role.COORDINATOR).order_by("pk").first()
    if coordinator is None:
        return 0, 0
    objections = 0
    since = peildatum - dt.timedelta(days=300)
    own = [
        leave
        for leave in LeaveRequest.objects.filter(
            decider="lpa",
            article="14",
            decision__in=["afgewezen", "deels"],
            decided_on__gte=since,
        )
        .select_related("case__owner")
        .order_by("pk")
        if services.is_own_decision(leave) and leave.decided_on < peildatum - dt.timedelta(days=20)
    ]
    for i, leave in enumerate(rng.sample(own, min(2, len(own)))):
        received = leave.decided_on + dt.timedelta(days=rng.randint(5, 20))
        objection = services.register_objection(
            leave.case,
            decision_kind="verlof",
            received_on=received,
            grounds="De ouders vinden dat de gewichtige omstandigheden onvoldoende zijn gewogen.",
            handler=_handler(leave.case, coordinator),
            actor=coordinator,
            today=received,
        )
        informed = received + dt.timedelta(days=2)
        if i == 0 and received + dt.timedelta(days=57) <= peildatum:
            advised = received + dt.timedelta(days=50)
            _decide(
                objection,
                peildatum,
                committee_informed_on=informed,
                advice_on=advised,
                advice="De commissie adviseert het bezwaar ongegrond te verklaren.",
                outcome="ongegrond",
                outcome_on=advised + dt.timedelta(days=7),
            )
        elif informed <= peildatum:
            _decide(objection, peildatum, committee_informed_on=informed)
        objections += 1
    exemptions = list(
        Case.objects.filter(exemption__isnull=False, exemption__decided_on__gte=since)
        .exclude(exemption__decided_on__gt=peildatum - dt.timedelta(days=60))
        .select_related("exemption", "owner")
        .order_by("pk")
    )
    for i, case in enumerate(rng.sample(exemptions, min(3, len(exemptions)))):
        received = case.exemption.decided_on + dt.timedelta(days=rng.randint(10, 30))
        objection = services.register_objection(
            case,
            decision_kind="vrijstelling",
            received_on=received,
            grounds="Bezwaar tegen de ingangsdatum van de vrijstelling.",
            handler=_handler(case, coordinator),
            actor=coordinator,
            today=received,
        )
        assert objection.route == Route.DOORGESTUURD
        if i == 0:  # the municipality decided and let us know
            _decide(
                objection,
                peildatum,
                outcome="gegrond",
                outcome_on=min(objection.due_on - dt.timedelta(days=3), peildatum),
            )
        objections += 1
    officers = list(
        users.filter(role_assignments__role=Role.LPA)
        .exclude(pk=coordinator.pk)
        .distinct()
        .order_by("pk")
    )
    complaints = 0
    if officers:
        municipality_of = {
            u.pk: u.role_assignments.filter(role=Role.LPA)
            .order_by("municipality_id")
            .first()
            .municipality
            for u in officers
        }
        plans = (
            (70, "ouder", "Ouder voelde zich niet gehoord tijdens het huisbezoek.", "informeel"),
            (30, "jongere", "Afspraak twee keer zonder bericht verzet.", "postpone"),
            (12, "school", "Terugkoppeling aan de school over een melding bleef uit.", "committee"),
        )
        for days_ago, kind, summary, plan in plans:
            about = rng.choice(officers)
            received = peildatum - dt.timedelta(days=days_ago)
            complaint = services.register_complaint(
                municipality=municipality_of[about.pk],
                received_on=received,
                complainant_kind=kind,
                about=about,
                summary=summary,
                committee=plan == "committee",
                handler=coordinator,
                actor=coordinator,
                today=received,
            )
            if plan == "informeel":
                services.update_complaint(
                    complaint,
                    expected_version=complaint.version,
                    today=peildatum,
                    committee=False,
                    postponed_on=None,
                    postponement_reason="",
                    outcome="informeel",
                    outcome_on=received + dt.timedelta(days=16),
                )
            elif plan == "postpone":
                services.update_complaint(
                    complaint,
                    expected_version=complaint.version,
                    today=peildatum,
                    committee=False,
                    postponed_on=received + dt.timedelta(days=25),
                    postponement_reason="Hoorgesprek met de klager pas na de vakantie mogelijk.",
                    outcome="",
                    outcome_on=None,
                )
            complaints += 1
    return objections, complaints
