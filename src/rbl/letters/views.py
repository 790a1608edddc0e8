"""Screens of the letters app: this week's signals and their control letters,
letter batches with progress, document downloads and uploads, letters made
from a case, the satisfactory answer to a control letter, and the template
editor with a PDF preview. Who sees what comes from `rbl.accounts.access`;
every download and every list of youth is in the access log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rbl.absoluut.models import Signal
from rbl.accounts.access import (
    administration_codes,
    can_configure,
    can_edit_case,
    can_make_letters,
    grants,
    visible_documents,
    visible_signals,
)
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.cases.services.errors import CaseRuleError, ConcurrentEditError
from rbl.letters.compose import preview_html
from rbl.letters.fields import FIELDS
from rbl.letters.forms import AnswerForm, MakeLetterForm, TemplateForm, UploadForm
from rbl.letters.models import (
    BatchState,
    Document,
    LetterBatch,
    LetterKind,
    LetterTemplate,
)
from rbl.letters.pdf import render_pdf
from rbl.letters.services.batch import start_batch
from rbl.letters.services.documents import DocumentRejected, log_download, upload_document
from rbl.letters.services.letters import (
    LetterError,
    case_letter_kinds,
    current_template,
    exemptions_needing_letter,
    letter_for_case,
    make_letter,
    record_satisfactory_answer,
    signals_needing_letter,
)
from rbl.letters.services.templates import TemplateRejected, save_template
from rbl.letters.tasks import make_letter_batch
from rbl.organisation.models import Municipality
from rbl.web.queries import case_for_page

WEEK = dt.timedelta(days=7)


def _letter_codes(user: Any) -> list[str]:
    """Municipalities for which `user` makes batch letters (403 when none): those
    of its municipalities in the regional administration (block 1) today."""
    if not can_make_letters(user):
        raise PermissionDenied("Alleen de centrale administratie en de coördinator.")
    return sorted(grants(user).edit_cases & administration_codes())


def _batch_scope(user: Any, codes: list[str]) -> list[str]:
    """A batch for all the user's municipalities covers the whole region: []"""
    everything = set(
        Municipality.objects.filter(region__isnull=False).values_list("code", flat=True)
    )
    return [] if everything and everything <= set(codes) else codes


NO_ADMINISTRATION = (
    "Geen van uw gemeenten neemt vandaag deel aan de regionale administratie (bouwsteen 1); "
    "er zijn geen brieven te maken."
)


# --- this week's signals and the batches ------------------------------------------


@login_required
def letters_home(request: HttpRequest) -> HttpResponse:
    codes = _letter_codes(request.user)
    today = timezone.localdate()
    signals = list(
        visible_signals(request.user)
        .open()
        .filter(municipality_id__in=codes)
        .filter(opened_on__gt=today - WEEK)
        .select_related("person", "municipality")
        .order_by("municipality__name", "person__surname", "pk")
    )
    letters = {
        d.signal_id: d
        for d in Document.objects.filter(
            signal__in=signals, letter_kind=LetterKind.CONTROLEBRIEF
        ).order_by("created_at")
    }
    # No municipality of the user in block 1: nothing waits (an empty list means
    # "all" to the letter services).
    waiting = signals_needing_letter(codes) if codes else Signal.objects.none()
    late = list(
        waiting.filter(opened_on__lte=today - WEEK).select_related("person", "municipality")[:200]
    )
    # Letters sent earlier: the answer may still come in (no case opened yet).
    awaiting = list(
        visible_signals(request.user)
        .open()
        .filter(municipality_id__in=codes, control_letter_on__isnull=False, case__isnull=True)
        .filter(opened_on__lte=today - WEEK)
        .select_related("person", "municipality__region")
        .order_by("control_letter_on", "pk")[:200]
    )
    batches = list(
        LetterBatch.objects.exclude(state=BatchState.DONE, letters=0).select_related("created_by")[
            :20
        ]
    )
    log_access(
        request.user,
        Action.VIEW,
        persons=[s.person_id for s in (*signals, *late, *awaiting)],
        purpose="brieven: signalen van deze week",
        path=request.path,
    )
    context = {
        "signals": [(s, letters.get(s.pk)) for s in signals],
        "late": late,
        "awaiting": awaiting,
        "waiting": waiting.count(),
        "exemptions_due": exemptions_needing_letter(today, codes).count() if codes else 0,
        "batches": batches,
        "answer_form": AnswerForm(auto_id="antw_%s"),
        "today": today,
    }
    return render(request, "letters/home.html", context)


@login_required
@require_POST
def start_batch_view(request: HttpRequest) -> HttpResponse:
    codes = _letter_codes(request.user)
    kind = request.POST.get("kind", "")
    if not codes:
        messages.error(request, NO_ADMINISTRATION)
        return redirect("letters:home")
    try:
        batch = start_batch(
            kind,
            day=timezone.localdate(),
            codes=_batch_scope(request.user, codes),
            user=request.user,
        )
    except LetterError as exc:
        messages.error(request, exc.message)
        return redirect("letters:home")
    make_letter_batch.enqueue(batch.pk)
    return redirect("letters:batch", batch_id=batch.pk)


def _batch_for(request: HttpRequest, batch_id: int) -> LetterBatch:
    codes = set(_letter_codes(request.user))
    batch = LetterBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    scope = set(batch.municipality_codes) or set(
        Municipality.objects.filter(region__isnull=False).values_list("code", flat=True)
    )
    if not scope <= codes:
        raise Http404
    return batch


@login_required
def batch_page(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = _batch_for(request, batch_id)
    apart = list(
        batch.documents.exclude(delivery="ok").select_related("person").order_by("reference")
    )
    if apart:
        log_access(
            request.user,
            Action.VIEW,
            persons=[d.person_id for d in apart if d.person_id],
            purpose="brieven: zelf te versturen",
            path=request.path,
        )
    return render(request, "letters/batch.html", {"batch": batch, "apart": apart})


@login_required
def batch_status(request: HttpRequest, batch_id: int) -> JsonResponse:
    batch = _batch_for(request, batch_id)
    return JsonResponse(
        {
            "state": batch.state,
            "state_text": batch.get_state_display(),
            "percent": batch.percent,
            "done": batch.done,
            "total": batch.total,
            "finished": batch.state in (BatchState.DONE, BatchState.FAILED),
            "message": batch.message,
        }
    )


def _batch_file(request: HttpRequest, batch_id: int, which: str) -> FileResponse:
    batch = _batch_for(request, batch_id)
    field = batch.pdf if which == "pdf" else batch.addresses
    if batch.state != BatchState.DONE or not field:
        raise Http404
    persons = list(batch.documents.values_list("person_id", flat=True))
    if which != "pdf":
        persons = list(batch.documents.filter(delivery="ok").values_list("person_id", flat=True))
    log_access(
        request.user,
        Action.PRINT if which == "pdf" else Action.EXPORT,
        persons=[p for p in persons if p],
        purpose=f"afdrukopdracht {batch.pk}: {'brieven' if which == 'pdf' else 'adressenlijst'}",
        path=request.path,
    )
    name = f"{batch.kind}-{batch.letter_date:%Y%m%d}"
    if which == "pdf":
        return FileResponse(
            field.open("rb"), content_type="application/pdf", filename=f"{name}.pdf"
        )
    return FileResponse(
        field.open("rb"),
        content_type="text/csv",
        as_attachment=True,
        filename=f"{name}-adressen.csv",
    )


@login_required
def batch_pdf(request: HttpRequest, batch_id: int) -> FileResponse:
    return _batch_file(request, batch_id, "pdf")


@login_required
def batch_addresses(request: HttpRequest, batch_id: int) -> FileResponse:
    return _batch_file(request, batch_id, "adressen")


@login_required
@require_POST
def signal_answer(request: HttpRequest, signal_id: int) -> HttpResponse:
    """Record a satisfactory answer to the control letter."""
    codes = _letter_codes(request.user)
    signal = visible_signals(request.user).filter(pk=signal_id, municipality_id__in=codes).first()
    if signal is None:
        raise Http404
    form = AnswerForm(request.POST, auto_id="antw_%s")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("letters:home")
    try:
        record_satisfactory_answer(
            signal,
            until=form.cleaned_data["until"],
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except LetterError as exc:
        messages.error(request, exc.message)
        return redirect("letters:home")
    messages.success(
        request,
        f"Antwoord vastgelegd; het signaal is gesloten en er komt tot en met "
        f"{form.cleaned_data['until']:%d-%m-%Y} geen nieuw signaal voor deze jongere.",
    )
    return redirect("letters:home")


# --- documents -------------------------------------------------------------------------


@login_required
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    document = visible_documents(request.user).filter(pk=document_id).first()
    if document is None:
        raise Http404
    log_download(request.user, document, request.path)
    return FileResponse(
        document.file.open("rb"),
        content_type=document.content_type,
        filename=document.file_name,
    )


def case_documents_context(case: Any, *, editable: bool) -> dict[str, Any]:
    """What the case page shows of documents: the case's documents (newest
    first) and, when the user may change the (open) case, the forms to make a letter and
    to add a document."""
    # The case's own documents and, for an absoluut-verzuim case, the control
    # letter of the signal it came from (kept with the signal and the person).
    documents = list(
        Document.objects.filter(Q(case=case) | Q(signal_id=case.signal_id, signal__isnull=False))
        .select_related("author", "template")
        .order_by("-created_at", "-pk")
    )
    initial = {"version": case.version}
    letter_form = None
    if editable:
        # Only the letters that fit the case's type (no warning on a leave request).
        letter_form = MakeLetterForm(initial=initial, auto_id="brief_%s")
        letter_form.fields["kind"].choices = [
            (k, LetterKind(k).label) for k in case_letter_kinds(case.type)
        ]
    return {
        "documents": documents,
        "letter_form": letter_form,
        "upload_form": UploadForm(initial=initial, auto_id="upl_%s") if editable else None,
    }


def _editable_case(request: HttpRequest, case_id: int):
    case = case_for_page(request.user, case_id)
    if case is None:
        raise Http404
    if not can_edit_case(request.user, case) or case.is_closed:
        raise PermissionDenied("U mag deze zaak niet wijzigen.")
    return case


@login_required
@require_POST
def case_make_letter(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = MakeLetterForm(request.POST)
    target = reverse("web:case", args=[case.pk]) + "#h-documenten"
    if not form.is_valid():
        messages.error(request, "Kies een soort brief.")
        return redirect(target)
    if form.cleaned_data["version"] != case.version:
        messages.error(
            request,
            "Iemand anders heeft deze zaak intussen gewijzigd. Bekijk de zaak en maak de brief opnieuw.",
        )
        return redirect(target)
    day = timezone.localdate()
    try:
        letter = letter_for_case(
            case,
            form.cleaned_data["kind"],
            day,
            author=request.user,
            extra={"afspraak": form.cleaned_data["afspraak"]},
        )
        document = make_letter(letter, author=request.user, day=day, path=request.path)
    except CaseRuleError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    messages.success(request, f"Brief gemaakt: {document.title} (kenmerk {document.reference}).")
    return redirect(target)


@login_required
@require_POST
def case_upload(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _editable_case(request, case_id)
    form = UploadForm(request.POST, request.FILES)
    target = reverse("web:case", args=[case.pk]) + "#h-documenten"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(target)
    try:
        upload_document(
            upload=form.cleaned_data["file"],
            upload_kind=form.cleaned_data["upload_kind"],
            title=form.cleaned_data["title"],
            author=request.user,
            case=case,
            expected_version=form.cleaned_data["version"],
            path=request.path,
        )
    except ConcurrentEditError as exc:
        messages.error(request, exc.message)
        return redirect(target)
    except (DocumentRejected, CaseRuleError) as exc:
        messages.error(request, exc.message)
        return redirect(target)
    messages.success(request, "Document toegevoegd.")
    return redirect(target)


# --- templates (application manager) -------------------------------------------------


def _configurer(user: Any) -> None:
    if not can_configure(user):
        raise PermissionDenied("Alleen de applicatiebeheerder beheert de briefsjablonen.")


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    _configurer(request.user)
    rows = []
    for kind in LetterKind:
        template = current_template(kind)
        rows.append((kind, template))
    return render(request, "letters/template_list.html", {"rows": rows})


def _template_form(request: HttpRequest, kind: str, template: LetterTemplate | None):
    municipalities = list(Municipality.objects.filter(region__isnull=False).order_by("name"))
    if request.method == "POST":
        return TemplateForm(request.POST, municipalities=municipalities, auto_id="tpl_%s")
    initial: dict[str, str] = {}
    if template is not None:
        initial = {"subject": template.subject, "body": template.body}
        for code, text in template.local_blocks.items():
            initial[f"lokaal_{code}"] = text
    return TemplateForm(initial=initial, municipalities=municipalities, auto_id="tpl_%s")


@login_required
def template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    _configurer(request.user)
    if kind not in LetterKind.values:
        raise Http404
    template = current_template(kind)
    form = _template_form(request, kind, template)
    problems: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_template(
                kind,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                local_blocks=form.local_blocks(),
                user=request.user,
            )
        except TemplateRejected as exc:
            problems, status = exc.problems, 400
        else:
            messages.success(request, f"Opgeslagen als versie {saved.version}.")
            return redirect("letters:template", kind=kind)
    elif request.method == "POST":
        status = 400
    versions = list(LetterTemplate.objects.filter(kind=kind).select_related("created_by")[:20])
    context = {
        "kind": LetterKind(kind),
        "template": template,
        "form": form,
        "problems": problems,
        "fields": FIELDS,
        "versions": versions,
    }
    return render(request, "letters/template_edit.html", context, status=status)


@login_required
@require_POST
def template_preview(request: HttpRequest, kind: str) -> HttpResponse:
    """The letter as the form now stands, as PDF with made-up sample data
    (for the first municipality, or the one chosen); nothing is saved."""
    _configurer(request.user)
    if kind not in LetterKind.values:
        raise Http404
    form = _template_form(request, kind, None)
    if not form.is_valid():
        return HttpResponse("Vul onderwerp en tekst in.", status=400, content_type="text/plain")
    from rbl.letters.services.templates import check

    problems = check(form.cleaned_data["subject"], form.cleaned_data["body"], form.local_blocks())
    if problems:
        return HttpResponse(
            "Het sjabloon bevat fouten:\n" + "\n".join(problems),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    municipality = (
        Municipality.objects.filter(code=request.POST.get("gemeente", "")).first()
        or Municipality.objects.filter(region__isnull=False).order_by("name").first()
    )
    if municipality is None:
        return HttpResponse("Er is nog geen gemeente.", status=400, content_type="text/plain")
    draft = LetterTemplate(
        kind=kind,
        version=0,
        subject=form.cleaned_data["subject"],
        body=form.cleaned_data["body"],
        local_blocks=form.local_blocks(),
    )
    pdf = render_pdf(preview_html(draft, municipality))
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": 'inline; filename="voorbeeld.pdf"'},
    )
