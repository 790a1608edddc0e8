"""Login (R-63) and the security log screen.

The login contract (interfaces.md): `/login/` takes `username` and
`password`; a second-factor step may follow. A failed attempt never says
whether the username exists: a wrong password, an unknown or inactive user and
a service account all get the same message, and the lockout after
RBL_LOGIN_MAX_FAILURES failures holds for any username typed.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from rbl.accounts.access import can_read_security_log
from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.accounts.security import locked_out_minutes

INVALID_LOGIN = "Gebruikersnaam of wachtwoord onjuist."


def locked_message() -> str:
    return (
        "Er is te vaak een onjuiste inlogpoging gedaan voor deze gebruikersnaam. "
        f"Inloggen kan weer over {locked_out_minutes()} minuten, "
        "of eerder als de applicatiebeheerder de blokkade opheft."
    )


class LoginForm(AuthenticationForm):
    """Django's form with RBL's messages: one for every refusal, one for a lockout."""

    error_messages = {"invalid_login": INVALID_LOGIN, "inactive": INVALID_LOGIN}

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "Gebruikersnaam"
        self.fields["password"].label = "Wachtwoord"

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if self.request is not None and getattr(self.request, "axes_locked_out", False):
                raise ValidationError(locked_message(), code="locked") from None
            raise

    def confirm_login_allowed(self, user) -> None:
        # A service account has no password login (its API key is its login).
        if not user.is_active or getattr(user, "is_service_account", False):
            raise ValidationError(INVALID_LOGIN, code="invalid_login")


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "registration/login.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 200
        return response


class SecurityLogFilter(forms.Form):
    gebruiker = forms.CharField(label="Gebruikersnaam", required=False, max_length=150)
    gebeurtenis = forms.ChoiceField(
        label="Gebeurtenis",
        required=False,
        choices=[("", "alle")] + list(SecurityEventKind.choices),
    )


@login_required
def security_log(request: HttpRequest) -> HttpResponse:
    """Logins, failures, lockouts, second factor, API keys and role changes,
    newest first, for the privacy officer and application management."""
    if not can_read_security_log(request.user):
        raise PermissionDenied
    form = SecurityLogFilter(request.GET or None)
    events = SecurityEvent.objects.all()
    query = ""
    if form.is_valid():
        name = form.cleaned_data["gebruiker"].strip()
        kind = form.cleaned_data["gebeurtenis"]
        if name:
            events = events.filter(username__iexact=name)
        if kind:
            events = events.filter(kind=kind)
        query = urlencode({k: v for k, v in (("gebruiker", name), ("gebeurtenis", kind)) if v})
    page = Paginator(events.order_by("-at", "-pk"), 100).get_page(request.GET.get("pagina"))
    return render(
        request,
        "accounts/security_log.html",
        {"form": form, "page": page, "query": query},
        status=200 if form.is_bound is False or form.is_valid() else 400,
    )
