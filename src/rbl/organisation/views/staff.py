"""Staff and their roles: the list, a new account, and one employee's page
where roles are granted and revoked and the account is (de)activated.
Nobody changes their own roles or account: those controls are not offered,
and a crafted POST is refused (`organisation.staff`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from rbl.accounts import access
from rbl.accounts.models import Role, RoleAssignment, User
from rbl.organisation import staff as service
from rbl.organisation.forms import NewUserForm, RoleForm
from rbl.organisation.models import Municipality
from rbl.organisation.setup import SetupError
from rbl.organisation.views.region import require_setup


def _staff() -> object:
    return User.objects.filter(is_service_account=False).prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("municipality").order_by(
                "role", "municipality__name"
            ),
        )
    )


def _roles_summary(user: User) -> list[tuple[str, list[str]]]:
    """[(role label, [municipality names])] of the user's roles."""
    by_role: dict[str, list[str]] = {}
    for a in user.role_assignments.all():
        by_role.setdefault(a.role, []).append(a.municipality.name)
    return [(Role(r).label if r in Role.values else r, names) for r, names in by_role.items()]


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    require_setup(request)
    show = request.GET.get("toon", "actief")
    users = _staff().order_by("last_name", "first_name", "username")
    if show == "actief":
        users = users.filter(is_active=True)
    elif show == "inactief":
        users = users.filter(is_active=False)
    rows = [{"user": u, "roles": _roles_summary(u)} for u in users]
    return render(request, "organisation/staff.html", {"rows": rows, "show": show})


@login_required
def staff_new(request: HttpRequest) -> HttpResponse:
    require_setup(request)
    status = 200
    if request.method == "POST":
        form = NewUserForm(request.POST)
        if form.is_valid():
            try:
                user = service.create_user(request.user, form.cleaned_data, request=request)
            except SetupError as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(
                    request,
                    f"Account {user.username} aangemaakt. Geef nu de rollen; inloggen gaat via "
                    "de identity provider of met een wachtwoord dat applicatiebeheer instelt.",
                )
                return redirect("organisation:staff-user", pk=user.pk)
        status = 400
    else:
        form = NewUserForm()
    return render(request, "organisation/staff_new.html", {"form": form}, status=status)


def _role_form(request: HttpRequest, data=None) -> RoleForm:
    codes = access.setup_municipalities(request.user)
    municipalities = [
        (m.code, m.name) for m in Municipality.objects.filter(code__in=codes).order_by("name")
    ]
    return RoleForm(data, roles=access.grantable_roles(request.user), municipalities=municipalities)


@login_required
def staff_user(request: HttpRequest, pk: int) -> HttpResponse:
    """One employee: roles per municipality, grant/revoke, (de)activate."""
    require_setup(request)
    other = get_object_or_404(_staff(), pk=pk)
    form = _role_form(request)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("actie", "")
        try:
            if action == "toekennen":
                form = _role_form(request, request.POST)
                if form.is_valid():
                    role, code = form.cleaned_data["role"], form.cleaned_data["municipality"]
                    if service.grant_role(request.user, other, role, code):
                        messages.success(
                            request,
                            f"{other.username} heeft nu de rol {service.role_text(role, code)}.",
                        )
                    else:
                        messages.info(request, "Deze rol had de medewerker al.")
                    return redirect("organisation:staff-user", pk=other.pk)
            elif action == "intrekken":
                role = request.POST.get("rol", "")
                code = request.POST.get("gemeente", "")
                if role not in Role.values:
                    raise SetupError("Kies een rol uit de lijst.")
                if service.revoke_role(request.user, other, role, code):
                    messages.success(request, f"Rol {service.role_text(role, code)} ingetrokken.")
                else:
                    messages.info(request, "De medewerker had deze rol niet (meer).")
                return redirect("organisation:staff-user", pk=other.pk)
            elif action in ("deactiveren", "activeren"):
                active = action == "activeren"
                if service.set_active(request.user, other, active, request=request):
                    messages.success(
                        request,
                        f"Account {other.username} "
                        + ("weer in gebruik." if active else "buiten gebruik gesteld."),
                    )
                return redirect("organisation:staff-user", pk=other.pk)
            else:
                raise SetupError("Onbekende actie; er is niets gewijzigd.")
        except SetupError as exc:
            errors.append(exc.message)
        status = 400
        other = get_object_or_404(_staff(), pk=pk)
    may_roles = access.may_change_roles_of(request.user, other)
    codes = access.setup_municipalities(request.user)
    grantable = set(access.grantable_roles(request.user))
    assignments = [
        {
            "a": a,
            "label": Role(a.role).label if a.role in Role.values else a.role,
            "revocable": may_roles and a.role in grantable and a.municipality_id in codes,
        }
        for a in other.role_assignments.all()
    ]
    return render(
        request,
        "organisation/staff_user.html",
        {
            "other": other,
            "own": other.pk == request.user.pk,
            "assignments": assignments,
            "form": form,
            "errors": errors,
            "may_roles": may_roles,
            "may_active": access.may_set_active(request.user, other),
        },
        status=status,
    )
