"""The paperwork of a Halt referral and a proces-verbaal (R-22): the owner
refers to Halt (the referral form is made and stored with the case) or asks
for a PV; the BOA prepares the PV (made with what RBL knows), uploads the
signed scan. Each step locks the Halt/PV record, checks the version the user
saw and is recorded in the case history with its author."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.cases.models import EventKind, Handhaving, HandhavingKind, HandhavingOutcome
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.cases.services.handhaving import _locked_item, start_handhaving
from rbl.letters.handhaving import letter_for_handhaving
from rbl.letters.models import Document, UploadKind
from rbl.letters.services.documents import DocumentRejected, sniff_type, upload_document
from rbl.letters.services.letters import make_letter


def _record(item: Handhaving, actor: Any, what: str, **data: Any) -> None:
    """Bump the case version and add the step to the case history."""
    with locked_case(item.case_id, None) as case:
        save_case(case, [])
        record_event(
            case,
            EventKind.HANDHAVING,
            actor=actor,
            data={"handhaving": item.pk, "stuk": what, **data},
        )


def _discard(document: Document | None) -> None:
    if document is not None and document.file.name:
        document.file.storage.delete(document.file.name)


def refer_to_halt(
    case: Any,
    *,
    actor: Any,
    handler: Any,
    expected_version: int | None,
    on: dt.date | None = None,
    path: str = "",
) -> Handhaving:
    """The owner refers the youth to Halt: the Halt record (age 12–18, beginning
    or luxe verzuim only) and the referral form to the region's Halt office,
    stored with the case, in one transaction."""
    on = on or timezone.localdate()
    document = None
    try:
        with transaction.atomic():
            item = start_handhaving(
                case,
                HandhavingKind.HALT,
                actor=actor,
                handler=handler,
                expected_version=expected_version,
                on=on,
            )
            item = (
                Handhaving.objects.select_for_update(of=("self",))
                .select_related(
                    "case__person", "case__principal__region", "case__school", "case__owner"
                )
                .get(pk=item.pk)
            )
            letter = letter_for_handhaving(item, on, author=actor)
            document = make_letter(letter, author=actor, day=on, path=path)
            item.prepared_document = document
            item.documents_prepared_on = on
            item.save(update_fields=["prepared_document", "documents_prepared_on"])
    except BaseException:
        _discard(document)
        raise
    return item


def pv_after_failed_halt(
    halt: Handhaving | int, *, actor: Any, expected_version: int | None
) -> Handhaving:
    """A Halt that did not succeed leads to a PV, handled by the same BOA.
    `expected_version` is the case's version the user saw."""
    pk = halt.pk if isinstance(halt, Handhaving) else halt
    halt = Handhaving.objects.select_related("case", "handler").get(pk=pk)
    if halt.kind != HandhavingKind.HALT or halt.outcome != HandhavingOutcome.HALT_NIET_GESLAAGD:
        raise CaseRuleError("Een PV volgt alleen op een Halt-afdoening die niet is geslaagd.")
    return start_handhaving(
        halt.case,
        HandhavingKind.PV,
        actor=actor,
        handler=halt.handler,
        expected_version=expected_version,
    )


def prepare_pv(
    item: Handhaving | int,
    *,
    actor: Any,
    expected_version: int | None,
    on: dt.date | None = None,
    path: str = "",
) -> Handhaving:
    """The BOA prepares the PV: a PDF to the OM with the youth, parents,
    school, the absence from the school's reports and the MAS steps taken.
    Can be made again (a new document) until the signed scan is there."""
    on = on or timezone.localdate()
    document = None
    try:
        with transaction.atomic():
            current = _locked_item(item, expected_version)
            if current.kind != HandhavingKind.PV:
                raise CaseRuleError("Alleen voor een proces-verbaal wordt een PV opgemaakt.")
            if not current.is_open:
                raise CaseRuleError("Dit PV is al afgerond.")
            if current.signed_scan_id:
                raise CaseRuleError(
                    "De ondertekende scan is al toegevoegd; het PV kan niet opnieuw worden "
                    "opgemaakt."
                )
            current = Handhaving.objects.select_related(
                "case__person", "case__principal__region", "case__school", "case__owner", "handler"
            ).get(pk=current.pk)
            letter = letter_for_handhaving(current, on, author=actor)
            document = make_letter(letter, author=actor, day=on, path=path)
            current.prepared_document = document
            current.documents_prepared_on = on
            current.version += 1
            current.save(update_fields=["prepared_document", "documents_prepared_on", "version"])
    except BaseException:
        _discard(document)
        raise
    return current


def attach_signed_scan(
    item: Handhaving | int,
    upload: Any,
    *,
    actor: Any,
    expected_version: int | None,
    path: str = "",
) -> Handhaving:
    """The BOA uploads the signed PV as a scanned PDF; it is stored with the
    case and the PV counts as signed today."""
    with transaction.atomic():
        current = _locked_item(item, expected_version)
        if current.kind != HandhavingKind.PV or not current.is_open:
            raise CaseRuleError("Een ondertekende scan hoort bij een lopend proces-verbaal.")
        if current.prepared_document_id is None:
            raise CaseRuleError("Maak eerst het PV op; daarna voegt u de ondertekende scan toe.")
        head = upload.read(16)
        upload.seek(0)
        if sniff_type(head) != "application/pdf":
            raise DocumentRejected("De ondertekende scan moet een PDF-bestand zijn.")
        document = upload_document(
            upload=upload,
            upload_kind=UploadKind.PROCES_VERBAAL,
            title="Ondertekend proces-verbaal",
            author=actor,
            case=current.case,
            person=current.case.person,
            path=path,
        )
        current.signed_scan = document
        current.signed_on = timezone.localdate()
        current.version += 1
        current.save(update_fields=["signed_scan", "signed_on", "version"])
        _record(
            current, actor, "ondertekende scan toegevoegd", signed_on=current.signed_on.isoformat()
        )
    return current
