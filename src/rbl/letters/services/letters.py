"""Making letters: which letters are due, what each says and who signs it,
and what making one changes (the control letter starts the answer term, a
warning starts the term before a proces-verbaal, R-13)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from rbl.absoluut.models import Signal, control_term_days
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.models import (
    Activity,
    ActivityKind,
    Case,
    CaseType,
    EventKind,
    ExemptionReminder,
    LeaveDecider,
    Task,
    TaskKind,
)
from rbl.cases.services import case_types
from rbl.cases.services.assignment import choose_owner
from rbl.cases.services.errors import CaseRuleError
from rbl.cases.services.events import locked_case, record_event, save_case
from rbl.cases.services.exemptions import exemptions_due_for_reminder
from rbl.cases.services.lifecycle import add_task
from rbl.cases.services.settings import case_settings
from rbl.letters.compose import Letter, address, letter_html, long_date
from rbl.letters.models import Document, DocumentSource, LetterKind, LetterTemplate
from rbl.letters.pdf import render_pdf
from rbl.letters.services.documents import save_file
from rbl.organisation.participation import (
    administration_municipalities,
    outside_administration_message,
)
from rbl.registry.models import Exemption, ExemptionGround, Person

STANDARD_TEMPLATES = Path(__file__).resolve().parent.parent / "data" / "standaardbrieven.yaml"

#: Letter kinds made for many youth at once by `rbl brieven` (and the batch screen).
BATCH_KINDS = (LetterKind.CONTROLEBRIEF, LetterKind.VRIJSTELLING_AFLOOP)

#: Letter kinds made from a case page, and the case types they fit.
CASE_KINDS = (
    LetterKind.UITNODIGING,
    LetterKind.WAARSCHUWING,
    LetterKind.VERZUIMSTAAT,
    LetterKind.VERLOF_BESLUIT,
)

#: Letters of the MAS (a warning, asking the school for the absence record):
#: not for a case outside it, such as a verlofaanvraag or a vrijstelling.
MAS_KINDS = {
    LetterKind.WAARSCHUWING: "Een waarschuwing",
    LetterKind.VERZUIMSTAAT: "Een verzoek om de verzuimstaat",
}


def case_letter_kinds(case_type: str) -> tuple[str, ...]:
    """The letters that can be made from a case of `case_type`: the decision
    on leave only for a leave case, the MAS letters only for MAS cases."""
    return tuple(
        k
        for k in CASE_KINDS
        if (k != LetterKind.VERLOF_BESLUIT or case_type == CaseType.VERLOF)
        and (k not in MAS_KINDS or case_types.has_mas(case_type))
    )


#: The MAS step a letter records on its case.
ACTIVITY_OF = {
    LetterKind.WAARSCHUWING: ActivityKind.WAARSCHUWING,
    LetterKind.VERZUIMSTAAT: ActivityKind.VERZUIMSTAAT,
    LetterKind.HALT_VERWIJZING: ActivityKind.HALT,
    LetterKind.PROCES_VERBAAL: ActivityKind.PV,
}


class LetterError(CaseRuleError):
    """A letter that cannot be made; the message is Dutch and for the user."""


def install_standard_templates() -> int:
    """Store version 1 of every letter kind that has no template yet, from the
    shipped standard set (data/standaardbrieven.yaml). Returns how many."""
    from rbl.letters.services.templates import save_template

    data = yaml.safe_load(STANDARD_TEMPLATES.read_text(encoding="utf-8"))
    have = set(LetterTemplate.objects.values_list("kind", flat=True))
    made = 0
    for kind, text in data.items():
        if kind not in have:
            save_template(kind, subject=text["onderwerp"], body=text["tekst"])
            made += 1
    return made


def current_template(kind: str) -> LetterTemplate:
    """The newest version of the kind's template; the standard letters are
    installed the first time (a new region has them on its first day)."""
    template = LetterTemplate.objects.current(kind)
    if template is None and install_standard_templates():
        template = LetterTemplate.objects.current(kind)
    if template is None:
        raise LetterError(
            f"Er is nog geen sjabloon voor '{LetterKind(kind).label}'. "
            "De applicatiebeheerder legt het vast onder Briefsjablonen."
        )
    return template


def reference_for(letter: Letter, day: dt.date, number: int) -> str:
    if letter.signal is not None:
        subject = f"S{letter.signal.pk}"
    elif letter.case is not None:
        subject = f"Z{letter.case.pk}"
    elif letter.exemption is not None:
        subject = f"V{letter.exemption.pk}"
    else:
        subject = f"P{letter.person.pk}"
    return f"LP-{day:%Y}-{subject}-{number}"


# --- what each kind of letter is about ------------------------------------------


def letter_for_signal(signal: Signal, day: dt.date) -> Letter:
    """The control letter of an absoluut-verzuim signal: signed for the
    municipality that owns the signal, by the officer the assignment rules give."""
    person = signal.person
    signer = choose_owner(
        person,
        case_type=CaseType.ABSOLUUT,
        school=None,
        municipality_code=signal.municipality_id,
        day=day,
    )
    term = control_term_days(signal.municipality)
    letter = Letter(
        kind=LetterKind.CONTROLEBRIEF,
        person=person,
        municipality=signal.municipality,
        signer=signer,
        signal=signal,
        values={
            "antwoord_voor": long_date(day + dt.timedelta(days=term)),
            "termijn_dagen": str(term),
            "verzuim_sinds": long_date(signal.opened_on),
        },
    )
    letter.reference = reference_for(letter, day, 1)
    letter.addressing = address(letter, day)
    return letter


def letter_for_exemption(exemption: Exemption, person: Person, day: dt.date) -> Letter:
    """The notice, two months ahead, that an exemption ends (R-23)."""
    case = Case.objects.filter(exemption=exemption).select_related("owner").first()
    signer = case.owner if case is not None and case.owner else None
    if signer is None:
        signer = choose_owner(
            person,
            case_type=CaseType.VRIJSTELLING,
            school=None,
            municipality_code=exemption.municipality_id,
            day=day,
        )
    letter = Letter(
        kind=LetterKind.VRIJSTELLING_AFLOOP,
        person=person,
        municipality=exemption.municipality,
        signer=signer,
        case=case,
        exemption=exemption,
        values={
            "vrijstelling_grond": ExemptionGround(exemption.ground).label
            if exemption.ground in ExemptionGround.values
            else exemption.ground,
            "vrijstelling_einde": long_date(exemption.end),
        },
    )
    letter.reference = reference_for(letter, day, 1)
    letter.addressing = address(letter, day)
    return letter


def letter_for_case(
    case: Case, kind: str, day: dt.date, *, author: Any, extra: dict[str, str] | None = None
) -> Letter:
    """A letter about a case, signed for its principal municipality on behalf
    of the case owner (the author when the case has no owner)."""
    if kind not in CASE_KINDS:
        raise LetterError("Deze brief wordt niet vanuit een zaak gemaakt.")
    if kind in MAS_KINDS and not case_types.has_mas(case.type):
        raise LetterError(f"{MAS_KINDS[kind]} hoort niet bij {case_types.OUTSIDE_MAS[case.type]}.")
    values = dict(extra or {})
    if case.absent_since:
        values.setdefault("verzuim_sinds", long_date(case.absent_since))
    if kind == LetterKind.VERZUIMSTAAT and case.school is None:
        raise LetterError(
            "Deze zaak heeft geen school; een verzuimstaat kan niet worden opgevraagd."
        )
    if kind == LetterKind.VERLOF_BESLUIT:
        leave = getattr(case, "leave_request", None)
        if leave is None:
            raise LetterError("Deze zaak heeft geen verlofaanvraag.")
        if leave.decider != LeaveDecider.LPA:
            raise LetterError(
                "Over dit verlof beslist de directeur van de school; de gemeente stuurt geen besluit."
            )
        if not leave.decision:
            raise LetterError("Leg eerst het besluit vast; daarna kan de brief worden gemaakt.")
        values.update(
            verlof_van=long_date(leave.start),
            verlof_tot=long_date(leave.end),
            verlof_dagen=str(leave.school_days),
            verlof_besluit=leave.get_decision_display().lower(),
            motivering=leave.decision_note,
        )
    if kind == LetterKind.UITNODIGING and not values.get("afspraak", "").strip():
        raise LetterError("Vul datum, tijd en plaats van het gesprek in.")
    number = case.documents.filter(source=DocumentSource.LETTER).count() + 1
    letter = Letter(
        kind=kind,
        person=case.person,
        municipality=case.principal,
        signer=case.owner or author,
        case=case,
        school=case.school,
        values=values,
    )
    letter.reference = reference_for(letter, day, number)
    letter.addressing = address(letter, day)
    return letter


# --- which letters are due ---------------------------------------------------------


def signals_needing_letter(codes: Iterable[str] | None = None) -> QuerySet[Signal]:
    """Open signals without a control letter, of the given municipalities."""
    return (
        Signal.objects.open()
        .of_municipalities(codes)
        .filter(control_letter_on__isnull=True)
        .select_related("person", "municipality__region")
        .order_by("opened_on", "pk")
    )


def exemptions_needing_letter(
    day: dt.date, codes: Iterable[str] | None = None
) -> QuerySet[Exemption]:
    """Exemptions ending within the region's term (two months) without a notice."""
    qs = exemptions_due_for_reminder(day).select_related("municipality__region")
    codes = list(codes or [])
    return qs.filter(municipality_id__in=codes) if codes else qs


class OutsideAdministrationError(LetterError):
    """Letters asked for a municipality outside the regional administration."""


def check_administered(codes: Iterable[str] | None, day: dt.date) -> None:
    """Refuse a batch for municipalities outside block 1 on `day` (R-02), naming them."""
    outside = sorted(set(codes or []) - administration_municipalities(day))
    if outside:
        message = outside_administration_message(outside, day)
        raise OutsideAdministrationError(message[0].upper() + message[1:] + ".")


def due_letters(kind: str, day: dt.date, codes: Iterable[str] | None = None) -> list[Letter]:
    """The letters of a batch kind that are due on `day` and not yet made: only
    for municipalities in the regional administration (block 1) on `day` (R-02);
    the others send their own letters."""
    inside = administration_municipalities(day)
    if kind == LetterKind.CONTROLEBRIEF:
        return [
            letter_for_signal(s, day)
            for s in signals_needing_letter(codes)
            if s.municipality_id in inside
        ]
    if kind == LetterKind.VRIJSTELLING_AFLOOP:
        exemptions = [
            e for e in exemptions_needing_letter(day, codes) if e.municipality_id in inside
        ]
        persons = {
            p.bsn: p
            for p in Person.objects.filter(bsn__in=[e.bsn for e in exemptions]).select_related(
                "municipality"
            )
        }
        # An exemption of a youth RBL does not hold (no address) cannot get a letter.
        return [
            letter_for_exemption(e, persons[e.bsn], day) for e in exemptions if e.bsn in persons
        ]
    raise LetterError(f"'{kind}' is geen soort brief die per afdrukopdracht wordt gemaakt.")


# --- storing a made letter and what it changes -------------------------------------------


def new_document(
    letter: Letter, template: LetterTemplate, day: dt.date, author: Any, pdf: bytes, subject: str
) -> Document:
    """A letter's document, its file written, its row not yet saved."""
    document = Document(
        person=letter.person,
        case=letter.case,
        signal=letter.signal,
        exemption=letter.exemption,
        source=DocumentSource.LETTER,
        letter_kind=letter.kind,
        title=subject[:200],
        content_type="application/pdf",
        template=template,
        municipality=letter.municipality,
        signer=letter.signer,
        author=author,
        letter_date=day,
        reference=letter.reference,
        postcode=letter.postcode,
        delivery=letter.addressing.delivery if letter.addressing else "",
        created_at=timezone.now(),
    )
    save_file(document, pdf, "pdf")
    return document


def apply_effects(letter: Letter, document: Document, day: dt.date, author: Any) -> None:
    """What making the letter changes (inside the caller's transaction)."""
    if letter.kind == LetterKind.CONTROLEBRIEF and letter.signal is not None:
        Signal.objects.filter(pk=letter.signal.pk, control_letter_on__isnull=True).update(
            control_letter_on=day
        )
    if letter.kind == LetterKind.VRIJSTELLING_AFLOOP and letter.exemption is not None:
        ExemptionReminder.objects.get_or_create(
            exemption=letter.exemption, defaults={"sent_on": day}
        )
    if letter.case is not None and not letter.case.is_closed:
        _record_on_case(letter, document, day, author)


def _record_on_case(letter: Letter, document: Document, day: dt.date, author: Any) -> None:
    with locked_case(letter.case.pk, None) as case:
        step_author = author or letter.signer
        if step_author is not None:  # an activity needs an author; the event is always there
            Activity.objects.create(
                case=case,
                kind=ACTIVITY_OF.get(letter.kind, ActivityKind.BRIEF),
                date=day,
                author=step_author,
                notes=f"{document.title} (kenmerk {document.reference})",
            )
        save_case(case, [])
        record_event(
            case,
            EventKind.LETTER,
            actor=author,
            data={"document": document.pk, "soort": letter.kind, "kenmerk": document.reference},
            note=document.title,
        )
        if letter.kind == LetterKind.VERZUIMSTAAT:
            # The request is made: the case's task to ask for it is done.
            Task.objects.filter(case=case, kind=TaskKind.VERZUIMSTAAT, done_on__isnull=True).update(
                done_on=day
            )
        if letter.kind == LetterKind.WAARSCHUWING:
            weeks = case_settings(case.principal).warning_term_weeks
            add_task(
                case,
                TaskKind.TERMIJN_PV,
                f"Termijn na waarschuwing ({weeks} weken): besluit over proces-verbaal",
                day + dt.timedelta(weeks=weeks),
            )


def make_letter(
    letter: Letter, *, author: Any, day: dt.date | None = None, path: str = ""
) -> Document:
    """Render one letter with the current template, store it and apply what it
    changes, in one transaction (the file is removed again when that fails)."""
    day = day or timezone.localdate()
    template = current_template(letter.kind)
    subject, html = letter_html(letter, template, day)
    document = new_document(letter, template, day, author, render_pdf(html), subject)
    try:
        with transaction.atomic():
            document.save()
            apply_effects(letter, document, day, author)
            log_access(
                author,
                Action.CREATE,
                persons=[letter.person],
                case=letter.case,
                path=path,
                purpose=f"brief gemaakt: {LetterKind(letter.kind).label.lower()}",
            )
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


# --- the satisfactory answer to a control letter -----------------------------------------


def record_satisfactory_answer(
    signal: Signal, *, until: dt.date, actor: Any, day: dt.date | None = None, note: str = ""
) -> Signal:
    """The parents answered the control letter satisfactorily: the signal
    closes and the check opens no new signal for this youth until `until`."""
    from rbl.absoluut.models import CloseReason

    day = day or timezone.localdate()
    if until < day:
        raise LetterError("De datum tot wanneer het antwoord geldt, ligt in het verleden.")
    with transaction.atomic():
        current = Signal.objects.select_for_update().get(pk=signal.pk)
        if current.closed_on is not None:
            raise LetterError("Dit signaal is al gesloten.")
        if hasattr(current, "case") and current.case is not None:
            raise LetterError(
                "Voor dit signaal is al een zaak geopend; leg het antwoord in de zaak vast."
            )
        current.closed_on = day
        current.close_reason = CloseReason.ANSWERED
        current.quiet_until = until
        current.save(update_fields=["closed_on", "close_reason", "quiet_until"])
        log_access(
            actor,
            Action.CHANGE,
            persons=[current.person_id],
            purpose="voldoende antwoord op controlebrief" + (f": {note[:150]}" if note else ""),
        )
    return current
