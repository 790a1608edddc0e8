"""Writing the history of a case's principal municipality (`PrincipalPeriod`).

The only code that writes periods or sets `Case.principal` of an existing
case: `open_case` calls `start_principal_history` for a new case, every
handover to another municipality calls `change_principal`. Both run inside
the caller's transaction, under the row lock of `locked_case` for a change,
next to the CaseEvent that records it. `Case.save` refuses a changed
principal whose open period does not match, and `Case.objects.update()` /
`bulk_update()` refuse the principal altogether.
"""

from __future__ import annotations

import datetime as dt

from rbl.cases.models import Case, PrincipalPeriod
from rbl.organisation.models import Municipality


def start_principal_history(case: Case) -> PrincipalPeriod:
    """The first period of a new case: its principal from the opening day."""
    return PrincipalPeriod.objects.create(
        case=case, municipality_id=case.principal_id, start=case.opened_on
    )


def change_principal(case: Case, municipality: Municipality, *, on: dt.date) -> PrincipalPeriod:
    """Make `municipality` the principal of `case` from `on` (the day of the
    handover): the open period ends on `on` (exclusive) and a new one starts.

    Call inside `locked_case`, then save the case with "principal" among its
    fields. A day before the start of the open period counts as that start
    (the earlier period is then empty), so periods never overlap.
    """
    current = PrincipalPeriod.objects.filter(case_id=case.pk, end__isnull=True).first()
    if current is None:  # no history yet (a case written outside open_case): it starts now
        current = start_principal_history(case)
    start = max(on, current.start)
    PrincipalPeriod.objects.end_open_period(case.pk, start)
    case.principal = municipality
    return PrincipalPeriod.objects.create(case=case, municipality=municipality, start=start)
