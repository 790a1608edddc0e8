"""Cases of the demo region.

`populate_cases(region, seed)` is the hook through which `rbl demo` fills the
demo with cases in every state (absoluut and relatief verzuim, RMC trajects,
Halt/PV, closed and handed-over cases). It is called after the imports and
the absoluut-verzuim checks, with the same seed, and must be deterministic
for that seed. The cases work (src/rbl/cases/) fills it in using its own
services, so that the demo exercises the real case rules; until then it
creates no cases.
"""

from __future__ import annotations

from rbl.organisation.models import Region


def populate_cases(region: Region, seed: int) -> int:
    """Create the demo cases for `region`; returns how many were created."""
    return 0
