"""Time screens (R-53): book time, the monthly and yearly overview, products
(add and change).

Who sees what (accounts.access): everyone who books sees their own entries;
the coordinator sees every officer's hours of their municipalities; policy
staff see their municipality's totals per block, never per officer."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from rbl.accounts.access import (
    time_booking_municipalities,
    time_detail_municipalities,
    time_total_municipalities,
)
from rbl.accounts.security import record_setup_change
from rbl.audit.models import Action
from rbl.audit.services import log_access
from rbl.timekeeping.export import overview_xlsx
from rbl.timekeeping.forms import ProductEditForm, ProductForm, TimeEntryForm
from rbl.timekeeping.models import Product, TimeEntry
from rbl.timekeeping.services import (
    Period,
    TimeRuleError,
    book_time,
    change_product,
    closed_before,
    delete_own_entry,
    hours_text,
    overview,
    product_fingerprint,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def entries_page(request: HttpRequest) -> HttpResponse:
    codes = time_booking_municipalities(request.user)
    if not codes:
        raise PermissionDenied("Alleen medewerkers die tijd schrijven.")
    status = 200
    if request.method == "POST":
        form = TimeEntryForm(request.POST, codes=codes)
        if form.is_valid():
            data = form.cleaned_data
            try:
                book_time(
                    request.user,
                    municipality=data["municipality"],
                    on=data["date"],
                    minutes=data["minutes"],
                    block=data["block"],
                    description=data["description"],
                    product=data["product"],
                )
            except TimeRuleError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Tijd geschreven.")
                return redirect(reverse("timekeeping:entries"))
        status = 400
    else:
        form = TimeEntryForm(codes=codes)
    own = (
        TimeEntry.objects.filter(user=request.user)
        .select_related("municipality", "product")
        .order_by("-date", "-pk")[:50]
    )
    rows = [(e, hours_text(e.minutes)) for e in own]
    return render(request, "timekeeping/entries.html", {"form": form, "rows": rows}, status=status)


@login_required
@require_POST
def delete_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Remove one's own entry of a month not yet closed (a typing error)."""
    entry = get_object_or_404(TimeEntry, pk=entry_id, user=request.user)
    try:
        delete_own_entry(entry)
    except TimeRuleError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Tijd verwijderd.")
    return redirect(reverse("timekeeping:entries"))


@login_required
def overview_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    totals = time_total_municipalities(user)
    if not totals and not time_booking_municipalities(user):
        raise PermissionDenied("Geen toegang tot het urenoverzicht.")
    try:
        period = Period.parse(request.GET.get("schooljaar"), request.GET.get("maand"))
    except ValueError as exc:
        messages.error(request, str(exc))
        period = Period.parse(None, None)
        status = 400
    else:
        status = 200
    detail = time_detail_municipalities(user)
    if totals:
        entries = TimeEntry.objects.filter(municipality_id__in=totals)
        scope = "gemeenten"
    else:
        entries = TimeEntry.objects.filter(user=user)
        scope = "eigen"
    data = overview(entries, period, officer_codes=detail)
    if request.GET.get("formaat") == "xlsx" and status == 200:
        if data.officers:
            log_access(
                user,
                Action.EXPORT,
                purpose="Urenoverzicht per medewerker",
                path=request.get_full_path(),
            )
        response = HttpResponse(overview_xlsx(data), content_type=XLSX_TYPE)
        name = f"uren-{period.title.replace(' ', '-')}"
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response

    def cells(rows):
        return [(r.labels, [hours_text(m) for m in r.minutes], hours_text(r.total)) for r in rows]

    context = {
        "period": period,
        "scope": scope,
        "blocks": cells(data.blocks),
        "municipalities": cells(data.municipalities),
        "total": cells([data.total])[0] if data.total else None,
        "officers": cells(data.officers),
        "shows_officers": bool(detail),
        "municipality_heads": ["Gemeente"],
        "block_heads": ["Gemeente", "Bouwsteen"],
        "officer_heads": ["Gemeente", "Medewerker"],
        "query": request.GET.urlencode(),
    }
    return render(request, "timekeeping/overview.html", context, status=status)


@login_required
def products_page(request: HttpRequest) -> HttpResponse:
    if not time_detail_municipalities(request.user):
        raise PermissionDenied("Alleen de coördinator beheert producten.")
    status = 200
    if request.method == "POST":
        form = ProductForm(request.POST)
        if form.is_valid():
            Product.objects.create(**form.cleaned_data)
            messages.success(request, "Product toegevoegd.")
            return redirect(reverse("timekeeping:products"))
        status = 400
    else:
        form = ProductForm()
    products = Product.objects.all()
    return render(
        request, "timekeeping/products.html", {"form": form, "products": products}, status=status
    )


@login_required
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a product's name, price, block or use (services.change_product)."""
    if not time_detail_municipalities(request.user):
        raise PermissionDenied("Alleen de coördinator beheert producten.")
    product = get_object_or_404(Product, pk=pk)
    status = 200
    if request.method == "POST":
        form = ProductEditForm(request.POST, product=product)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = change_product(
                    product,
                    seen=data["was"],
                    name=data["name"],
                    unit_price=data["unit_price"],
                    block=data["block"],
                    active=data["active"],
                )
            except TimeRuleError as exc:
                form.add_error(None, exc.message)
            else:
                record_setup_change(
                    request.user,
                    f"Product “{saved.name}”: prijs per uur € {saved.unit_price}, "
                    f"bouwsteen {saved.get_block_display() or 'geen'}, "
                    f"{'in gebruik' if saved.active else 'niet in gebruik'}",
                    request=request,
                )
                messages.success(request, f"Product “{saved.name}” gewijzigd.")
                return redirect(reverse("timekeeping:products"))
        status = 400
    else:
        form = ProductEditForm(
            product=product,
            initial={
                "name": product.name,
                "unit_price": product.unit_price,
                "block": product.block,
                "active": product.active,
                "was": product_fingerprint(product),
            },
        )
    return render(
        request,
        "timekeeping/product_edit.html",
        {"form": form, "product": product, "closed_before": closed_before(timezone.localdate())},
        status=status,
    )
