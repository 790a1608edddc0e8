"""The handbook screens (R-51): the index, a page, writing a page, its
versions, an old version and the difference between two versions.

Every staff member with a role reads; the coordinator and application
management write (accounts.access.may_edit_handbook)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from rbl.accounts.access import may_edit_handbook, may_read_handbook
from rbl.cases.models import CaseType
from rbl.governance import handbook
from rbl.governance.forms import HandbookForm
from rbl.governance.models import HandbookPage, HandbookVersion


def _require_reader(request: HttpRequest) -> None:
    if not may_read_handbook(request.user):
        raise PermissionDenied("De werkwijzen zijn er voor medewerkers met een rol.")


def _require_editor(request: HttpRequest) -> None:
    if not may_edit_handbook(request.user):
        raise PermissionDenied("Alleen de coördinator en applicatiebeheer schrijven werkwijzen.")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    pages = HandbookPage.objects.all()
    context = {"pages": pages, "may_edit": may_edit_handbook(request.user)}
    return render(request, "governance/handbook_index.html", context)


def _current(page: HandbookPage) -> HandbookVersion:
    version = page.versions.select_related("author").first()
    if version is None:  # a page is always created with its first version
        raise Http404("Deze werkwijze heeft nog geen tekst.")
    return version


@login_required
def page_view(request: HttpRequest, slug: str) -> HttpResponse:
    _require_reader(request)
    page = get_object_or_404(HandbookPage, slug=slug)
    version = _current(page)
    context = {
        "page": page,
        "version": version,
        "html": handbook.render(version.body),
        "current": True,
        "may_edit": may_edit_handbook(request.user),
    }
    return render(request, "governance/handbook_page.html", context)


@login_required
def version_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    _require_reader(request)
    page = get_object_or_404(HandbookPage, slug=slug)
    version = get_object_or_404(page.versions.select_related("author"), number=number)
    context = {
        "page": page,
        "version": version,
        "html": handbook.render(version.body),
        "current": version.number == page.version,
        "may_edit": False,
    }
    return render(request, "governance/handbook_page.html", context)


@login_required
def versions(request: HttpRequest, slug: str) -> HttpResponse:
    _require_reader(request)
    page = get_object_or_404(HandbookPage, slug=slug)
    rows = list(page.versions.select_related("author"))
    return render(request, "governance/handbook_versions.html", {"page": page, "versions": rows})


def _number(request: HttpRequest, name: str) -> int | None:
    try:
        return int(request.GET.get(name, ""))
    except ValueError:
        return None


@login_required
def diff_view(request: HttpRequest, slug: str) -> HttpResponse:
    """?van=1&naar=3: what changed from one version to another."""
    _require_reader(request)
    page = get_object_or_404(HandbookPage, slug=slug)
    old_no, new_no = _number(request, "van"), _number(request, "naar")
    found = {v.number: v for v in page.versions.filter(number__in=[old_no, new_no])}
    if old_no not in found or new_no not in found:
        messages.error(request, "Kies twee bestaande versies om te vergelijken.")
        rows = list(page.versions.select_related("author"))
        return render(
            request,
            "governance/handbook_versions.html",
            {"page": page, "versions": rows},
            status=400,
        )
    if old_no > new_no:
        old_no, new_no = new_no, old_no
    old, new = found[old_no], found[new_no]
    lines = handbook.diff(f"# {old.title}\n\n{old.body}", f"# {new.title}\n\n{new.body}")
    context = {
        "page": page,
        "old": old,
        "new": new,
        "lines": lines,
        "changed": any(line.kind != "same" for line in lines),
    }
    return render(request, "governance/handbook_diff.html", context)


@login_required
def page_new(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    initial = {"case_type": request.GET.get("zaaksoort", "")}
    if initial["case_type"] not in CaseType.values:
        initial = {}
    form = HandbookForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            page = handbook.create_page(
                request.user,
                slug=data["slug"],
                title=data["title"],
                body=data["body"],
                note=data["note"],
                case_type=data["case_type"],
            )
        except handbook.HandbookError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, f"Werkwijze “{page.title}” opgeslagen.")
            return redirect("governance:handbook-page", slug=page.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "governance/handbook_form.html", {"form": form, "page": None}, status=status
    )


@login_required
def page_edit(request: HttpRequest, slug: str) -> HttpResponse:
    _require_editor(request)
    page = get_object_or_404(HandbookPage, slug=slug)
    current = _current(page)
    stale = False
    if request.method == "POST":
        form = HandbookForm(request.POST, new=False)
        if form.is_valid():
            data = form.cleaned_data
            try:
                handbook.save_version(
                    page,
                    request.user,
                    base_version=data["base_version"] or 0,
                    title=data["title"],
                    body=data["body"],
                    note=data["note"],
                    case_type=data["case_type"],
                )
            except handbook.StaleEdit as exc:
                form.add_error(None, str(exc))
                stale = True
            except handbook.HandbookError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, f"Nieuwe versie van “{data['title']}” opgeslagen.")
                return redirect("governance:handbook-page", slug=page.slug)
        status = 409 if stale else 400
    else:
        form = HandbookForm(
            new=False,
            initial={
                "title": current.title,
                "case_type": page.case_type,
                "body": current.body,
                "base_version": page.version,
            },
        )
        status = 200
    context = {"form": form, "page": page, "stale": stale}
    if stale:
        # Keep the editor's text; the next save builds on the newest version,
        # which is shown next to the form.
        page.refresh_from_db()
        context["newest"] = _current(page)
        data = request.POST.copy()
        data["base_version"] = str(page.version)
        kept = HandbookForm(data, new=False)
        kept.is_valid()
        for error in form.non_field_errors():
            kept.add_error(None, error)
        context["form"] = kept
    return render(request, "governance/handbook_form.html", context, status=status)
