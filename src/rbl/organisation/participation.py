"""Which municipality takes part in which building block on a day (R-02).

A municipality takes part in a block from the participation's `start` up to and
including its `end` (open when empty). Participation drives behaviour:

- block 1 (regional administration): the central administration imports the
  municipality's BRP and DUO data, runs the absoluut check for it and sends its
  letter batches and work lists (`administration_municipalities`);
- block 3 (BOA tasks and the JCO): the region's BOAs handle Halt referrals and
  PVs for the municipality and its records are on the JCO list. Block 2 (the
  regional team of leerplicht officers) includes the BOA work of block 3
  (finance.md), so a municipality in block 2 or 3 counts (`boa_municipalities`).

A region that records no participation at all — one set up before building
blocks were recorded — is taken as every municipality of it taking part in every
block; as soon as one participation of the region is recorded, the recorded
participations alone decide. A municipality outside a region takes part in
nothing.

The whole table is read with one query, at most once per web request and day
(rbl.core.request_memo), so a rule evaluated per row costs nothing extra.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from rbl.core.request_memo import remembered
from rbl.organisation.models import BuildingBlock, Municipality

#: The blocks whose municipalities get BOA handling and JCO entries.
BOA_BLOCKS = frozenset({BuildingBlock.TEAM, BuildingBlock.BOA})


#: The key of the table under which it keeps every municipality of a region.
_REGION = 0


def _table(day: dt.date) -> dict[int, frozenset[str]]:
    """Per block the codes of the municipalities taking part on `day`, and under
    `_REGION` all of them (one query: the region's municipalities left-joined
    to their participations)."""
    rows = list(
        Municipality.objects.filter(region__isnull=False).values_list(
            "code",
            "region_id",
            "participations__block",
            "participations__start",
            "participations__end",
        )
    )
    regions = {code: region_id for code, region_id, *_ in rows}
    recording = {region_id for _, region_id, block, *_ in rows if block is not None}
    table: dict[int, set[str]] = {block: set() for block in BuildingBlock.values}
    for code, _, block, start, end in rows:
        if block is None or block not in table:
            continue
        if start <= day and (end is None or day <= end):
            table[block].add(code)
    for code, region_id in regions.items():
        if region_id not in recording:
            for codes in table.values():
                codes.add(code)
    table[_REGION] = set(regions)
    return {block: frozenset(codes) for block, codes in table.items()}


def _blocks_on(day: dt.date) -> dict[int, frozenset[str]]:
    return remembered(("participation", day), lambda: _table(day))


def municipalities_in(block: int, day: dt.date | None = None) -> frozenset[str]:
    """The codes of the municipalities taking part in `block` on `day` (today)."""
    return _blocks_on(day or timezone.localdate()).get(int(block), frozenset())


def takes_part(code: str, block: int, day: dt.date | None = None) -> bool:
    """Whether municipality `code` takes part in `block` on `day` (today)."""
    return code in municipalities_in(block, day)


def boa_municipalities(day: dt.date | None = None) -> frozenset[str]:
    """Municipalities whose Halt/PV handling and JCO entries the region does on
    `day`: those in block 3, or in block 2, which includes the BOA work."""
    table = _blocks_on(day or timezone.localdate())
    return frozenset().union(*(table.get(int(b), frozenset()) for b in BOA_BLOCKS))


def administration_split(day: dt.date | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """(the municipalities in block 1 on `day`, those of the region outside it),
    from one read of the table."""
    table = _blocks_on(day or timezone.localdate())
    inside = table.get(int(BuildingBlock.ADMINISTRATION), frozenset())
    return inside, table[_REGION] - inside


def administration_municipalities(day: dt.date | None = None) -> frozenset[str]:
    """Municipalities whose imports, check, letters and lists the central
    administration runs on `day` (block 1)."""
    return municipalities_in(BuildingBlock.ADMINISTRATION, day)


def names_of(codes: Iterable[str]) -> str:
    """'Aalten (0197), Winterswijk (0294)': municipalities named in a message."""
    wanted = sorted(set(codes))
    names = dict(Municipality.objects.filter(code__in=wanted).values_list("code", "name"))
    return ", ".join(f"{names[c]} ({c})" if c in names else c for c in wanted)


def outside_administration_message(codes: Iterable[str], day: dt.date) -> str:
    """The Dutch refusal for data of municipalities outside block 1 on `day`."""
    wanted = sorted(set(codes))
    subject = "gemeente" if len(wanted) == 1 else "gemeenten"
    verb = "neemt" if len(wanted) == 1 else "nemen"
    return (
        f"{subject} {names_of(wanted)} {verb} op {day:%d-%m-%Y} niet deel aan de regionale "
        "administratie (bouwsteen 1); de regio verwerkt daar geen gegevens van"
    )


def outside_boa_message(code: str, day: dt.date) -> str:
    """The Dutch refusal for Halt/PV handling of a municipality outside blocks 2 and 3."""
    return (
        f"Gemeente {names_of([code])} neemt op {day:%d-%m-%Y} niet deel aan het regionale team "
        "of de BOA-taken (bouwsteen 2 of 3); Halt en proces-verbaal lopen daar niet via de regio."
    )
