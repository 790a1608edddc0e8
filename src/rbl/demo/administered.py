"""What the demo's central administration receives: the BRP and DUO data of the
municipalities in the regional administration (block 1) only (R-02).

The generator writes files for every municipality of the reference region, as
the BRP and DUO would for a region doing all the administration. The demo has
one municipality outside block 1 (Doesburg, `users.OWN_ADMINISTRATION`), which
keeps its own records: the BRP and DUO deliver its residents' data to the
municipality itself, never to the region. So the rows of such a municipality
are left out of a file before it is imported — the import would refuse them,
naming the municipality.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rbl.organisation.participation import administration_municipalities

#: The kinds whose rows carry the municipality the data belongs to.
BY_MUNICIPALITY = ("brp", "brp-mutaties", "vrijstellingen")


@contextmanager
def administered_file(kind: str, path: Path, day: dt.date) -> Iterator[Path]:
    """`path`, or a temporary copy without the rows of municipalities outside
    block 1 on `day` (the import's peildatum), removed afterwards."""
    if kind not in BY_MUNICIPALITY:
        yield path
        return
    inside = administration_municipalities(day)
    with tempfile.TemporaryDirectory(prefix="rbl-demo-bouwsteen-1-") as tmp:
        target = Path(tmp) / path.name
        with (
            path.open(encoding="utf-8", newline="") as source,
            target.open("w", encoding="utf-8", newline="") as out,
        ):
            reader = csv.reader(source)  # the generator writes plain comma-separated files
            writer = csv.writer(out, lineterminator="\n")
            header = next(reader)
            column = header.index("gemeentecode")
            writer.writerow(header)
            writer.writerows(row for row in reader if not row[column] or row[column] in inside)
        yield target


def administered_codes(codes: list[str], day: dt.date) -> list[str]:
    """The municipalities among `codes` whose extract the region receives on `day`."""
    inside = administration_municipalities(day)
    return [code for code in codes if code in inside]
