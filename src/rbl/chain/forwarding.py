"""Forwarding a case to a municipality outside the region (issue 20 item 4,
R-26).

When a youth with an open case moves to a municipality outside the region,
the officer hands the case over to that municipality's leerplicht office: a
transfer letter (letters app) addressed to "Leerplicht, gemeente X" with a
summary of the case (type, dates, MAS steps, open tasks) and the documents
the officer chose, a record of what was sent (`Forwarding`), and the case is
closed as moved out of the region. All in one transaction; the forwarding is
an export of personal data and goes into the access log."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import Case, ClosingReason, DuoStatus, VerzuimMelding, duo_reason_for
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case
from rbl.cases.services.lifecycle import close_case
from rbl.chain.letters import forwarding_letter, report_forwarding_letter
from rbl.chain.models import Forwarding
from rbl.letters.compose import long_date
from rbl.letters.models import Document
from rbl.letters.services.letters import make_letter
from rbl.organisation.models import Municipality

NAME_MAX = 100
CODE = re.compile(r"\d{4}")


def check_municipality(code: str, name: str) -> tuple[str, str]:
    """The new municipality as typed: a CBS code of four digits and a name,
    not one of the region's own municipalities. Dutch messages naming the field."""
    code = (code or "").strip()
    name = " ".join((name or "").split())
    if not name:
        raise CaseRuleError("Naam nieuwe gemeente: vul de naam van de gemeente in.")
    if len(name) > NAME_MAX:
        raise CaseRuleError(f"Naam nieuwe gemeente: gebruik hoogstens {NAME_MAX} tekens.")
    if not CODE.fullmatch(code):
        raise CaseRuleError("CBS-code nieuwe gemeente: vul vier cijfers in, bijvoorbeeld 0153.")
    own = Municipality.objects.filter(pk=code, region__isnull=False).first()
    if own is not None:
        raise CaseRuleError(
            f"CBS-code nieuwe gemeente: {own.name} ({code}) ligt in de regio; draag de zaak "
            "over met 'Overdragen aan gemeente in de regio'."
        )
    return code, name


def case_summary(case: Case) -> str:
    """The summary that goes with the transfer letter: type, dates, open tasks."""
    lines = [
        f"• Soort zaak: {case.get_type_display()}",
        f"• Geopend op: {long_date(case.opened_on)}",
    ]
    if case.absent_since:
        lines.append(f"• Verzuim sinds: {long_date(case.absent_since)}")
    if case.school_id:
        lines.append(f"• School: {case.school.name}")
    tasks = list(case.tasks.filter(done_on__isnull=True).order_by("due_on", "pk"))
    if tasks:
        lines.append("• Open taken:")
        lines.extend(f"  – {t.title} (uiterlijk {long_date(t.due_on)})" for t in tasks)
    else:
        lines.append("• Geen open taken.")
    return "\n".join(lines)


def _chosen_documents(case: Case, document_ids: Iterable[int]) -> list[Document]:
    ids = {int(i) for i in document_ids}
    documents = list(Document.objects.filter(case=case, pk__in=ids).order_by("created_at", "pk"))
    if len(documents) != len(ids):
        raise CaseRuleError("Mee te sturen stukken: kies alleen stukken van deze zaak.")
    return documents


def _attachment_lines(documents: list[Document]) -> str:
    if not documents:
        return "Geen stukken meegestuurd."
    return "\n".join(
        f"• {d.title}" + (f" (kenmerk {d.reference})" if d.reference else "") for d in documents
    )


def forward_case(
    case: Case | int,
    *,
    municipality_code: str,
    municipality_name: str,
    document_ids: Iterable[int] = (),
    actor: Any,
    expected_version: int | None,
    on: dt.date | None = None,
    path: str = "",
) -> Forwarding:
    """Hand `case` over to the leerplicht office of a municipality outside the
    region: the transfer letter, the record of what was sent, and the case
    closed as moved out of the region, in one transaction."""
    on = on or timezone.localdate()
    code, name = check_municipality(municipality_code, municipality_name)
    letter = None
    try:
        with locked_case(case, expected_version) as locked:
            if locked.is_closed:
                raise CaseRuleError("Een afgesloten zaak kan niet worden overgedragen.")
            locked = Case.objects.select_related(
                "person", "principal__region", "school", "owner"
            ).get(pk=locked.pk)
            documents = _chosen_documents(locked, document_ids)
            summary = case_summary(locked)
            letter = make_letter(
                forwarding_letter(
                    locked,
                    municipality_name=name,
                    municipality_code=code,
                    summary=summary,
                    attachments=_attachment_lines(documents),
                    day=on,
                    author=actor,
                ),
                author=actor,
                day=on,
                path=path,
            )
            item = Forwarding.objects.create(
                case=locked,
                person=locked.person,
                municipality_code=code,
                municipality_name=name,
                summary=summary,
                documents=[
                    {"id": d.pk, "kenmerk": d.reference, "titel": d.title} for d in documents
                ],
                letter=letter,
                sent_on=on,
                sent_by=actor,
            )
            close_case(
                locked.pk,
                ClosingReason.VERHUISD,
                actor=actor,
                expected_version=None,
                closed_on=max(on, locked.opened_on),
                forwarded_to=f"{item.recipient} ({code})",
                note=f"Overgedragen aan {item.recipient} ({code}), "
                f"overdrachtsbrief kenmerk {letter.reference}.",
            )
            log_access(
                actor,
                Action.EXPORT,
                case=locked,
                path=path,
                purpose=f"zaak overgedragen aan {item.recipient} ({code})",
            )
    except BaseException:
        if letter is not None and letter.file.name:
            letter.file.storage.delete(letter.file.name)
        raise
    return item


def forwardable_reports() -> Any:
    """DUO absence reports of a youth who had moved out of the region before
    the report came in: with their youth, without a case, not yet handled."""
    return VerzuimMelding.objects.filter(
        person__isnull=False,
        person__moved_out_on__isnull=False,
        case__isnull=True,
        duo_status="",
    )


def forward_report(
    melding: VerzuimMelding | int,
    *,
    municipality_code: str,
    municipality_name: str,
    actor: Any,
    on: dt.date | None = None,
    path: str = "",
) -> Forwarding:
    """Forward a DUO report of a youth who moved out of the region to the new
    municipality's leerplicht office: the letter, the record of what was sent,
    and the report marked as handled for DUO (closed, reason `overig`), never
    linked to a new case."""
    on = on or timezone.localdate()
    code, name = check_municipality(municipality_code, municipality_name)
    pk = melding.pk if isinstance(melding, VerzuimMelding) else melding
    letter = None
    try:
        with transaction.atomic():
            current = VerzuimMelding.objects.select_for_update().get(pk=pk)
            if not forwardable_reports().filter(pk=pk).exists():
                raise CaseRuleError(
                    "Deze verzuimmelding is al afgehandeld of hoort bij een zaak; draag dan de "
                    "zaak over."
                )
            current = VerzuimMelding.objects.select_related("person__municipality", "school").get(
                pk=current.pk
            )
            letter = make_letter(
                report_forwarding_letter(
                    current,
                    municipality_name=name,
                    municipality_code=code,
                    day=on,
                    author=actor,
                ),
                author=actor,
                day=on,
                path=path,
            )
            item = Forwarding.objects.create(
                melding=current,
                person=current.person,
                municipality_code=code,
                municipality_name=name,
                summary=f"Verzuimmelding {current.meldingsnummer}",
                documents=[],
                letter=letter,
                sent_on=on,
                sent_by=actor,
            )
            VerzuimMelding.objects.filter(pk=pk).update(
                duo_status=DuoStatus.AFGESLOTEN,
                duo_reason=duo_reason_for(ClosingReason.VERHUISD),
                duo_status_changed_at=timezone.now(),
            )
            log_access(
                actor,
                Action.EXPORT,
                persons=[current.person_id],
                path=path,
                purpose=f"verzuimmelding doorgestuurd aan {item.recipient} ({code})",
            )
    except BaseException:
        if letter is not None and letter.file.name:
            letter.file.storage.delete(letter.file.name)
        raise
    return item
