"""Cases of the demo region.

`populate_cases(region, seed)` is the hook through which `rbl demo` fills the
demo with cases in every state (absoluut and relatief verzuim, RMC trajects,
Halt/PV, closed and handed-over cases). It is called after the imports and
the absoluut-verzuim checks, with the same seed, and must be deterministic
for that seed. The cases work (src/rbl/cases/) extends it with its own
services, so that the demo exercises the real case rules.

So far it does what the system itself does on the peildatum: absoluut-verzuim
signals whose control term has passed become cases (R-13).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rbl.organisation.models import Region


def populate_cases(region: Region, seed: int, *, peildatum: dt.date | None = None) -> int:
    """Create the demo cases for `region`; returns how many were created."""
    try:
        from rbl.cases.services.absoluut import open_cases_for_due_signals
    except ImportError:  # the cases app is not there
        return 0
    return len(open_cases_for_due_signals(peildatum or timezone.localdate()))
