"""Removing a case file whose term has ended (R-29), part by part, and the
tombstone it leaves. Run by `rbl retentie` through `run_case_retention`.

What happens to each part of a file:

======================  ==========================================================
part                    what the retention job does
======================  ==========================================================
case                    anonymised: youth, closing note, parents' choice and
                        absoluut signal link emptied; type, principal, school,
                        owner, dates, absence start, route and closing reason
                        kept (the yearly figures count them)
principal periods       kept (art. 25 counts a case for its principal on a day)
ownership periods       kept (staff only, no data of the youth)
events (history)        deleted (append-only: only inside `retention_removal`)
activities              deleted (their notes are free text; no figure reads them)
parents' choices        deleted (the youth's choices from 16, append-only)
JCO outcomes            deleted (the meeting's agreed actions are free text)
tasks                   deleted
documents               deleted, with their stored files
Halt/PV                 kept without the outcome's note (Halt and PV are counted)
leave request           kept without the decision's motivation (leave is counted)
absence reports         kept for the counts, without youth, BSN, DUO number and
                        the school's texts
VSV rows                unlinked from the case (DUO's list of school leavers
                        stays with the registry, as enrolments and diplomas do)
======================  ==========================================================

The case row itself is never deleted: every case type is read by some figure
(opened cases, thuiszitters, RMC outcomes, leave, exemptions), so a whole
file is "anonymised", its parts "deleted"; the tombstone records both.
A stored report snapshot is never touched.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.audit.models import RemovalKind, Tombstone
from rbl.audit.retention import FileTerm, file_terms
from rbl.cases.models import (
    Activity,
    Case,
    CaseEvent,
    Handhaving,
    JcoOutcome,
    LeaveRequest,
    ParentsConsent,
    Task,
    VerzuimMelding,
    VsvMelding,
)
from rbl.core.retention_gate import retention_removal
from rbl.letters.models import Document


@dataclass
class RetentionOutcome:
    """What one run of the case-file retention did (or would do)."""

    peildatum: dt.date
    dry_run: bool
    removed: list[FileTerm] = field(default_factory=list)
    held: list[FileTerm] = field(default_factory=list)
    files_deleted: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "dossiers_geanonimiseerd": len(self.removed),
            "dossiers_vastgehouden": len(self.held),
            "documentbestanden_verwijderd": self.files_deleted,
            "dossiers": [t.as_json() for t in self.removed],
            "vastgehouden": [t.as_json() for t in self.held],
        }


def _delete_documents(case_id: int) -> tuple[int, list[str]]:
    """Delete the case's documents, corrections before what they correct;
    returns the count and the stored file names (removed after commit)."""
    docs = list(Document.objects.filter(case_id=case_id).only("pk", "corrects_id", "file"))
    names = [d.file.name for d in docs if d.file]
    left = {d.pk: d for d in docs}
    while left:
        referenced = {d.corrects_id for d in left.values() if d.corrects_id in left}
        ready = [pk for pk in left if pk not in referenced]
        for pk in ready:
            left.pop(pk).delete()
    return len(docs), names


def _remove_stored_files(names: list[str]) -> None:
    from rbl.letters.models import _private

    storage = _private()
    for name in names:
        storage.delete(name)


def anonymise_case(term: FileTerm, *, peildatum: dt.date) -> Tombstone:
    """Remove one file as its term says and leave its tombstone; all or nothing."""
    with retention_removal():
        case = Case.objects.select_for_update().get(pk=term.case_id)
        # The SVB notifications and BRP terugmeldingen (rbl.chain) go with the
        # file: they hold the youth's address and the officer's grounds, and
        # point at the letters removed next.
        # So do the records of a forwarding to another municipality: they list
        # the documents sent and point at the transfer letter.
        from rbl.chain.models import BrpTerugmelding, Forwarding, SvbNotification

        chain = {
            "svb_meldingen": SvbNotification.objects.filter(case=case).delete()[0],
            "terugmeldingen_brp": BrpTerugmelding.objects.filter(case=case).delete()[0],
            "overdrachten": Forwarding.objects.filter(case=case).delete()[0],
        }
        documents, names = _delete_documents(case.pk)
        parts = {
            **chain,
            "gebeurtenissen": CaseEvent.objects.filter(case=case).delete()[0],
            "activiteiten": Activity.objects.filter(case=case).delete()[0],
            "taken": Task.objects.filter(case=case).delete()[0],
            "keuzes_ouders": ParentsConsent.objects.filter(case=case).delete()[0],
            "afspraken_jco": JcoOutcome.objects.filter(handhaving__case=case).delete()[0],
            "documenten": documents,
        }
        Handhaving.objects.filter(case=case).update(outcome_note="")
        LeaveRequest.objects.filter(case=case).update(decision_note="")
        # Objections stay for the yearly figures, without their texts.
        from rbl.objections.models import Objection

        Objection.objects.filter(case=case).update(grounds="", advice="", decision_description="")
        for melding in VerzuimMelding.objects.filter(case=case).only("pk"):
            VerzuimMelding.objects.filter(pk=melding.pk).update(
                person=None,
                bsn="",
                meldingsnummer=f"geanonimiseerd-{melding.pk}",
                reden="",
                actie_school="",
                toelichting="",
            )
        parts["verzuimmeldingen_geanonimiseerd"] = VerzuimMelding.objects.filter(case=case).count()
        parts["vsv_ontkoppeld"] = VsvMelding.objects.filter(case=case).update(case=None)
        Case.objects.filter(pk=case.pk).update(
            person=None,
            closing_note="",
            parents_may_hear_reasons=None,
            signal=None,
            anonymised_on=peildatum,
        )
        tombstone = Tombstone.objects.create(
            case_id=case.pk,
            removed_at=timezone.now(),
            peildatum=peildatum,
            rule=term.rule,
            due_on=term.due_on,
            kind=RemovalKind.ANONYMISED,
            case_type=case.type,
            principal_code=case.principal_id,
            opened_year=case.opened_on.year,
            closed_year=(case.closed_on or case.opened_on).year,
            parts=parts,
        )
        transaction.on_commit(lambda: _remove_stored_files(names))
    return tombstone


def run_case_retention(today: dt.date | None = None, *, dry_run: bool = False) -> RetentionOutcome:
    """Anonymise every closed file past its term that is not held; a dry run
    only lists them. Each file in its own transaction: a file that fails
    stays whole, the run stops there and the files before it stay done."""
    today = today or timezone.localdate()
    outcome = RetentionOutcome(peildatum=today, dry_run=dry_run)
    for term in file_terms(today):
        if not term.expired:
            outcome.held.append(term)
            continue
        outcome.removed.append(term)
        if not dry_run:
            tombstone = anonymise_case(term, peildatum=today)
            outcome.files_deleted += tombstone.parts.get("documenten", 0)
    return outcome
