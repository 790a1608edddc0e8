"""The fixed clock of the test suite: every test runs as if it were this moment
(a Wednesday in term time, Europe/Amsterdam), so no test depends on the day it
runs. Tests that are about a particular day travel there themselves.

``RBL_TEST_NOW`` moves the whole suite to another moment, to show that no test
depends on the day either: an ISO date or date-time, read in Europe/Amsterdam
unless it names its own offset (``2026-12-06`` is that day at 10:00,
``2026-12-06T23:30`` and ``2027-01-01T00:15+01:00`` are what they say)."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

#: The moment the suite runs at unless RBL_TEST_NOW says otherwise.
DEFAULT_NOW = dt.datetime(2026, 3, 11, 10, 0, tzinfo=AMSTERDAM)


def parse_moment(text: str) -> dt.datetime:
    """An RBL_TEST_NOW value as an aware moment (see the module docstring)."""
    text = text.strip()
    try:
        if len(text) == 10:  # a date alone: that day at the default time of day
            return dt.datetime.combine(dt.date.fromisoformat(text), DEFAULT_NOW.timetz())
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"RBL_TEST_NOW={text!r} is no ISO date or date-time (2026-12-06T10:00)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=AMSTERDAM)


#: The moment every test starts at (the clock then ticks on from there).
NOW = parse_moment(os.environ["RBL_TEST_NOW"]) if os.environ.get("RBL_TEST_NOW") else DEFAULT_NOW
