"""Reactions of case work to events elsewhere in the system."""

from __future__ import annotations

from typing import Any

from rbl.cases.services.meldingen import link_waiting_reports

# Imports after which persons may have arrived for the "niet gekoppeld" queue.
PERSON_IMPORTS = frozenset({"brp", "brp-mutaties"})


def link_reports_after_person_import(sender: str, result: Any, **kwargs: Any) -> None:
    """Absence reports and VSV rows waiting for an unknown BSN link up as soon
    as a BRP import brings the person in (formats.md, "Unknown references")."""
    if sender in PERSON_IMPORTS and (result.created or result.updated):
        link_waiting_reports()


def follow_moves_after_person_import(sender: str, result: Any, **kwargs: Any) -> None:
    """A youth with an open case who moved within the region (the residence
    history the import just kept says so): the case goes to the new
    municipality (services/moves.py)."""
    if sender in PERSON_IMPORTS and result.updated:
        from rbl.cases.services.moves import follow_moves_in_region

        follow_moves_in_region()
