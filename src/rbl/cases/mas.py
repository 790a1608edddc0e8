"""The standard steps of each route of the Methodische Aanpak Schoolverzuim
(MAS, Ingrado), as data (R-21).

Every route starts with the first conversations and the school contact; each
route then has the steps it is named for. A step is done once the case has an
activity of the step's kind (the first one, with its date and author); the
Halt and PV steps are also done by a Halt referral or PV started on the case
(`rbl.cases.services.handhaving`). The checklist is what the case page shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rbl.cases.models import ActivityKind as A
from rbl.cases.models import MasRoute

# The first phase, before a route is chosen: talk to the youth and the parents
# and ask the school what it knows (MAS "melding en analyse").
FIRST_STEPS: tuple[str, ...] = (A.GESPREK_JONGERE, A.GESPREK_OUDERS, A.SCHOOLCONTACT)

STEPS_PER_ROUTE: dict[str, tuple[str, ...]] = {
    # Care on a voluntary basis: see the home situation, refer to care.
    MasRoute.VRIJWILLIG: (*FIRST_STEPS, A.HUISBEZOEK, A.DOORVERWIJZING),
    # Beginning absence, 12 to 18: a warning, then the Halt referral.
    MasRoute.HALT: (*FIRST_STEPS, A.WAARSCHUWING, A.HALT),
    # Care under a compulsory framework: the report to the Raad voor de
    # Kinderbescherming after the voluntary steps did not help.
    MasRoute.JEUGDBESCHERMING: (*FIRST_STEPS, A.HUISBEZOEK, A.DOORVERWIJZING, A.RVDK),
    # Criminal law: the absence record as evidence, an official warning, the PV.
    MasRoute.STRAFRECHT: (*FIRST_STEPS, A.VERZUIMSTAAT, A.HUISBEZOEK, A.WAARSCHUWING, A.PV),
}

# A Halt referral or PV started on the case does the step of that kind.
_HANDHAVING_STEP = {"halt": A.HALT, "pv": A.PV}


@dataclass(frozen=True)
class Step:
    kind: str
    label: str
    done_on: dt.date | None = None
    done_by: Any = None  # the user who recorded it

    @property
    def done(self) -> bool:
        return self.done_on is not None


def standard_steps(route: str) -> tuple[str, ...]:
    """The activity kinds a route proposes, in order; the first phase without a route."""
    return STEPS_PER_ROUTE.get(route, FIRST_STEPS)


def checklist(
    route: str,
    activities: Iterable[Any],
    handhaving: Iterable[tuple[str, dt.date, Any]] = (),
) -> list[Step]:
    """The route's standard steps, each with the first activity that did it.

    `activities` are the case's `Activity` rows; `handhaving` gives
    (kind, opened_on, started_by) of its Halt referrals and PVs."""
    first: dict[str, tuple[dt.date, Any]] = {}
    done: Sequence[tuple[str, dt.date, Any]] = [(a.kind, a.date, a.author) for a in activities] + [
        (_HANDHAVING_STEP[k], day, who) for k, day, who in handhaving if k in _HANDHAVING_STEP
    ]
    for kind, day, who in done:
        if kind not in first or day < first[kind][0]:
            first[kind] = (day, who)
    steps = []
    for kind in standard_steps(route):
        day, who = first.get(kind, (None, None))
        steps.append(Step(kind, A(kind).label, day, who))
    return steps
