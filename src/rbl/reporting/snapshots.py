"""Closing a school year ("vaststellen"): its figures are stored once, with
the version of the definitions, and a closed year is always served from that
snapshot, so what a council received never changes when cases are handed
over, reopened or closed later."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rbl.reporting.definitions import SchoolYear
from rbl.reporting.figures import Completeness, YearFigures, count_year


class CannotClose(Exception):
    """A school year that cannot be closed (yet); the message is Dutch."""


def figures_for(
    year: SchoolYear, codes: list[str] | None = None, *, today: dt.date | None = None
) -> YearFigures:
    """The figures of `year`: from its snapshot when closed, else counted now.
    `codes` narrows the municipalities shown; the region stays the region."""
    from rbl.reporting.models import YearSnapshot

    snapshot = (
        YearSnapshot.objects.filter(school_year=str(year)).select_related("closed_by").first()
    )
    if snapshot is not None:
        figures = snapshot.figures_object()
    else:
        figures = count_year(year, today=today)
    return figures.select(codes) if codes is not None else figures


def closed_years() -> dict[str, Any]:
    from rbl.reporting.models import YearSnapshot

    return {s.school_year: s for s in YearSnapshot.objects.select_related("closed_by")}


def close_year(year: SchoolYear, *, actor: Any, today: dt.date | None = None) -> YearFigures:
    """Count `year` and store it as its closed snapshot. Only a year that has
    ended, with data for all of it, and that is not closed yet."""
    from rbl.reporting.models import YearSnapshot

    today = today or timezone.localdate()
    if year.end >= today:
        raise CannotClose(
            f"Schooljaar {year} loopt nog tot en met {year.end:%d-%m-%Y}; "
            "vaststellen kan vanaf 1 augustus."
        )
    figures = count_year(year, today=today)
    if figures.completeness != Completeness.COMPLETE:
        raise CannotClose(
            f"Voor schooljaar {year} zijn de gegevens niet volledig ({figures.completeness}); "
            "zo'n jaar kan niet worden vastgesteld."
        )
    figures.closed = True
    figures.closed_at = timezone.now()
    figures.closed_by = (actor.get_full_name() or actor.get_username()) if actor else ""
    try:
        with transaction.atomic():
            YearSnapshot.objects.create(
                school_year=str(year),
                version=figures.version,
                figures=figures.as_json(),
                closed_by=actor,
                closed_at=figures.closed_at,
            )
    except IntegrityError:
        raise CannotClose(f"Schooljaar {year} is al vastgesteld.") from None
    return figures
