"""Which yearly figures a reader sees: the municipalities of their figures
right (`grants().aggregates`), the region column only for who sees every
municipality of the region, and exact numbers only where the reader also
reads the cases; everyone else gets small counts hidden (R-60)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from rbl.accounts.access import grants
from rbl.organisation.models import Municipality
from rbl.reporting.definitions import SchoolYear
from rbl.reporting.editors import editable_for
from rbl.reporting.tables import REGION


class UnknownMunicipality(Exception):
    """A municipality the reader has no figures of (answered as 404)."""


@dataclass(frozen=True)
class YearScope:
    codes: tuple[str, ...]  # municipalities shown
    names: dict[str, str]
    region: bool  # the region column is shown
    threshold: int  # 0: exact numbers
    all_codes: tuple[str, ...]  # every municipality the reader has figures of
    closes_years: bool  # may close a school year

    @property
    def columns(self) -> list[str]:
        return [*self.codes, *([REGION] if self.region else [])]

    @property
    def exact(self) -> bool:
        return self.threshold == 0


def year_scope(user: Any, gemeente: str = "") -> YearScope | None:
    """The yearly figures `user` may see, narrowed to `gemeente` (a code, or
    "regio" for the region alone); None when the user sees no figures."""
    g = grants(user)
    if not g.aggregates:
        return None
    names = dict(Municipality.objects.order_by("name").values_list("code", "name"))
    mine = tuple(code for code in names if code in g.aggregates)
    whole_region = set(names) <= g.aggregates
    if gemeente == REGION:
        if not whole_region:
            raise UnknownMunicipality(gemeente)
        codes: tuple[str, ...] = ()
    elif gemeente:
        if gemeente not in mine:
            raise UnknownMunicipality(gemeente)
        codes = (gemeente,)
    else:
        codes = mine
    exact = set(codes or names) <= g.all_cases
    # Closing a year is the coordinator's of the whole region, like its targets and text.
    closes = whole_region and editable_for(user).region
    return YearScope(
        codes=codes,
        names={c: names[c] for c in mine},
        region=whole_region and (not gemeente or gemeente == REGION),
        threshold=0 if exact else settings.RBL_SMALL_COUNT_THRESHOLD,
        all_codes=mine,
        closes_years=closes,
    )


def school_years(today: dt.date, first: dt.date | None) -> list[SchoolYear]:
    """The school years a reader can choose: from the first with data (or the
    last two) up to the current one, newest first."""
    current = SchoolYear.of(today)
    oldest = SchoolYear.of(first) if first else current.previous
    oldest = min(oldest, current.previous)
    return [SchoolYear(y) for y in range(current.first_year, oldest.first_year - 1, -1)]


def default_year(today: dt.date) -> SchoolYear:
    """The school year shown first: the last one that has ended."""
    return SchoolYear.of(today).previous
