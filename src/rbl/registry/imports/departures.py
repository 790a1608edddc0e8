"""A full BRP extract that would empty a municipality (R-65): an incomplete
extract, read as complete, would mark most of its residents as moved out. Such
an extract — more than DEPARTURES_SHARE and more than DEPARTURES_MAX of a
municipality's residents leaving, or an empty one (kinds/brp.py, mark_absent) —
is refused unless the departures are accepted: `rbl import brp
--accepteer-vertrek`, or the confirmation on the import page (jobs.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection

from rbl.registry.imports.base import ImportResult, Rejected

#: A full extract that would mark more than this share of a municipality's
#: residents as moved out, and more than DEPARTURES_MAX of them, is refused
#: unless the import is told to accept it (ACCEPT_DEPARTURES); so is an empty one.
DEPARTURES_SHARE = 0.10
DEPARTURES_MAX = 50
#: The option (ctx.extra and the import log) that accepts such departures:
#: `rbl import brp --accepteer-vertrek`, or the confirmation on the import page.
ACCEPT_DEPARTURES = "accepteer_vertrek"


def departures(
    covered: list[str], gone: str | None, source: str, cutoff: dt.date | None = None
) -> list[dict[str, Any]]:
    """Per covered municipality: its residents (as held now) and how many of them
    the extract would mark as moved out (all of them when `gone` is None)."""
    from rbl.organisation.models import Municipality

    if not covered:
        return []
    marks = ", ".join(["%s"] * len(covered))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.municipality_id, COUNT(*) FROM registry_person p "
            f"WHERE p.municipality_id IN ({marks}) AND p.moved_out_on IS NULL "
            f"AND p.aged_out_on IS NULL AND p.died_on IS NULL GROUP BY p.municipality_id",
            covered,
        )
        residents = dict(cursor.fetchall())
        if gone is None:
            leaving = residents
        else:
            joined = f", {source}" if source else ""
            cursor.execute(
                f"SELECT p.municipality_id, COUNT(*) FROM registry_person p{joined} "
                f"WHERE {gone} AND p.birth_date > %s GROUP BY p.municipality_id",
                [*covered, cutoff],
            )
            leaving = dict(cursor.fetchall())
    names = dict(Municipality.objects.filter(code__in=covered).values_list("code", "name"))
    return [
        {
            "gemeentecode": code,
            "gemeente": names.get(code, code),
            "inwoners": residents.get(code, 0),
            "vertrokken": leaving.get(code, 0),
        }
        for code in sorted(covered)
        if residents.get(code, 0)
    ]


def check_departures(
    result: ImportResult,
    covered: list[str],
    gone: str,
    cutoff: dt.date,
    source: str,
) -> None:
    """Refuses (Rejected) a full extract that would mark more than DEPARTURES_SHARE
    and more than DEPARTURES_MAX of a municipality's residents as moved out: an
    incomplete extract would empty the municipality. The refusal names each such
    municipality, and `result.departures` holds the counts for the confirmation."""
    found = departures(covered, gone, source, cutoff)
    many = [
        d
        for d in found
        if d["vertrokken"] > DEPARTURES_MAX and d["vertrokken"] > DEPARTURES_SHARE * d["inwoners"]
    ]
    if not many:
        return
    result.departures = many
    for d in many:
        result.add_error(
            1,
            "gemeentecode",
            d["gemeentecode"],
            f"het BRP-extract zou {d['vertrokken']} van de {d['inwoners']} inwoners van "
            f"{d['gemeente']} ({d['gemeentecode']}) als vertrokken markeren, meer dan "
            f"{round(DEPARTURES_SHARE * 100)} % en meer dan {DEPARTURES_MAX}. Bevestig het "
            "vertrek als dit klopt",
        )
    raise Rejected
