"""The Awb terms of objections and complaints, as plain date arithmetic.

Objection (art. 7:10 Awb): the decision is due six weeks after the objection
term ended, twelve weeks when an advisory committee (art. 7:13 Awb) is
involved; it may be postponed once by at most six weeks (lid 3).
*Simplification*: the term here runs from the day the objection was
received, not from the end of the six-week objection term (art. 6:7 Awb).
For an objection received within its term this is earlier or equal, so the
date shown is never later than the legal one; the difference is written in
the README.

Complaint (art. 9:11 Awb): six weeks after receipt, ten weeks with a
complaints committee (art. 9:14 Awb); one postponement of four weeks (lid 2).
"""

from __future__ import annotations

import datetime as dt

OBJECTION_WEEKS = 6
OBJECTION_COMMITTEE_WEEKS = 12
OBJECTION_POSTPONEMENT_WEEKS = 6
COMPLAINT_WEEKS = 6
COMPLAINT_COMMITTEE_WEEKS = 10
COMPLAINT_POSTPONEMENT_WEEKS = 4


def objection_due(received_on: dt.date, *, committee: bool, postponed: bool) -> dt.date:
    """The last day for the decision on an objection (art. 7:10 Awb)."""
    weeks = OBJECTION_COMMITTEE_WEEKS if committee else OBJECTION_WEEKS
    if postponed:
        weeks += OBJECTION_POSTPONEMENT_WEEKS
    return received_on + dt.timedelta(weeks=weeks)


def complaint_due(received_on: dt.date, *, committee: bool, postponed: bool) -> dt.date:
    """The last day for handling a complaint (art. 9:11 Awb)."""
    weeks = COMPLAINT_COMMITTEE_WEEKS if committee else COMPLAINT_WEEKS
    if postponed:
        weeks += COMPLAINT_POSTPONEMENT_WEEKS
    return received_on + dt.timedelta(weeks=weeks)


def in_time(due_on: dt.date, outcome_on: dt.date | None, today: dt.date) -> str:
    """ "binnen" (decided by the due date), "te-laat" (decided after it),
    "open" (undecided, still in time) or "verstreken" (undecided and late)."""
    if outcome_on is not None:
        return "binnen" if outcome_on <= due_on else "te-laat"
    return "open" if today <= due_on else "verstreken"
