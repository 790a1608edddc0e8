"""The fixed clock of the test suite: every test runs as if it were this moment
(a Wednesday in term time, Europe/Amsterdam), so no test depends on the day it
runs. Tests that are about a particular day travel there themselves."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

#: The moment every test starts at (the clock then ticks on from there).
NOW = dt.datetime(2026, 3, 11, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
