"""Which building block the time on a case activity counts for, by kind.

Data, not logic: a region that books differently changes this table. Halt
and PV work is BOA work (block 3); requesting an absence record and sending a
letter is the administration's (block 1); the rest is the LPA team's (block 2).
"""

from __future__ import annotations

from rbl.cases.models import ActivityKind
from rbl.organisation.models import BuildingBlock

ACTIVITY_BLOCKS: dict[str, int] = {
    ActivityKind.GESPREK_JONGERE: BuildingBlock.TEAM,
    ActivityKind.GESPREK_OUDERS: BuildingBlock.TEAM,
    ActivityKind.SCHOOLCONTACT: BuildingBlock.TEAM,
    ActivityKind.VERZUIMSTAAT: BuildingBlock.ADMINISTRATION,
    ActivityKind.HUISBEZOEK: BuildingBlock.TEAM,
    ActivityKind.DOORVERWIJZING: BuildingBlock.TEAM,
    ActivityKind.WAARSCHUWING: BuildingBlock.TEAM,
    ActivityKind.HALT: BuildingBlock.BOA,
    ActivityKind.PV: BuildingBlock.BOA,
    ActivityKind.RVDK: BuildingBlock.TEAM,
    ActivityKind.BRIEF: BuildingBlock.ADMINISTRATION,
    ActivityKind.OVERIG: BuildingBlock.TEAM,
}


def block_for_activity(kind: str) -> int:
    """The building block time on an activity of `kind` is booked on."""
    return int(ACTIVITY_BLOCKS.get(kind, BuildingBlock.TEAM))
