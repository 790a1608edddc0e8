"""Login (R-63) and the security log screen.

The login contract (interfaces.md): `/login/` takes `username` and
`password`; a second-factor step may follow. A failed attempt never says
whether the username exists: a wrong password, an unknown or inactive user and
a service account all get the same message, and the lockout after
RBL_LOGIN_MAX_FAILURES failures holds for any username typed.
"""

from __future__ import annotations

import base64
import io

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from rbl.accounts.access import can_read_security_log
from rbl.accounts.models import SecurityEvent, SecurityEventKind
from rbl.accounts.secondfactor import (
    PENDING,
    begin_login,
    finish_login,
    has_second_factor,
    new_recovery_codes,
    pending_user,
    safe_next,
    second_factor_required,
)
from rbl.accounts.security import SECOND_FACTOR_ATTEMPT, locked_out_minutes, record

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

    def get_context_data(self, **kwargs):
        from rbl.accounts import oidc

        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = oidc.enabled()
        context["oidc_name"] = oidc.provider_name()
        return context

    def form_valid(self, form):
        """The password is right: log in, or ask for the second factor first."""
        user = form.get_user()
        return begin_login(
            self.request,
            user,
            backend=user.backend,
            next_url=self.get_redirect_url(),
            via="wachtwoord",
        )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(self.cleaned_data["code"].split()).lower()


def _locked(request: HttpRequest, user) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": user.get_username()})


def _refuse_locked(request: HttpRequest, user) -> HttpResponse:
    """The username is locked: the pending login ends; back to the login page."""
    record(SecurityEventKind.REFUSED_LOCKED, request=request, user=user, detail="tweede factor")
    request.session.pop(PENDING, None)
    if request.user.is_authenticated:
        auth_logout(request)
    return render(
        request, "registration/login.html", {"form": LoginForm(request), "error": locked_message()}
    )


def _wrong_code(request: HttpRequest, user) -> bool:
    """Count a wrong code as a failed login attempt; True when that locks the username."""
    setattr(request, SECOND_FACTOR_ATTEMPT, True)
    record(SecurityEventKind.SECOND_FACTOR_FAILED, request=request, user=user)
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )
    return bool(getattr(request, "axes_locked_out", False))


@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """Step two of the login: the code from the authenticator app, or a recovery code."""
    user, data = pending_user(request)
    if user is None:
        return redirect("web:home" if request.user.is_authenticated else "web:login")
    if not has_second_factor(user):
        return redirect("accounts:setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if _locked(request, user):
            return _refuse_locked(request, user)
        if form.is_valid():
            device = match_token(user, form.cleaned_data["code"])
            if device is not None:
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    record(
                        SecurityEventKind.RECOVERY_CODE_USED,
                        request=request,
                        user=user,
                        detail=f"nog {left} herstelcodes over",
                    )
                    messages.warning(
                        request,
                        f"U hebt een herstelcode gebruikt; u hebt er nog {left}. "
                        "Maak nieuwe herstelcodes onder Tweede factor als u ze bijna op hebt.",
                    )
                return finish_login(
                    request,
                    user,
                    backend=data["backend"],
                    next_url=data["next"],
                    via=data["via"],
                    device=device,
                )
            if _wrong_code(request, user):
                return _refuse_locked(request, user)
            form.add_error(
                "code",
                "Deze code is niet juist of verlopen. Typ de code die de app nu toont, "
                "of een van uw herstelcodes.",
            )
    return render(request, "accounts/second_factor.html", {"form": form}, status=_status(form))


def _status(form: forms.Form) -> int:
    return 400 if form.is_bound and form.errors else 200


def _qr_data_uri(url: str) -> str:
    out = io.BytesIO()
    write_qrcode_image(url, out)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Set up the authenticator app: at the first login of a user who needs it
    (the login is pending), or later by choice from the Tweede factor page."""
    user, data = pending_user(request)
    if user is None and request.user.is_authenticated:
        user, data = request.user, None  # by choice (e.g. on a demo database)
    if user is None:
        return redirect("web:login")
    if has_second_factor(user):
        return redirect("accounts:second-factor" if data else "accounts:my-second-factor")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator-app", confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if _locked(request, user):
            return _refuse_locked(request, user)
        if form.is_valid():
            if device.verify_token(form.cleaned_data["code"]):
                device.confirmed = True
                device.save()
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = new_recovery_codes(user)
                record(SecurityEventKind.SECOND_FACTOR_SETUP, request=request, user=user)
                if data is not None:
                    finish_login(
                        request,
                        user,
                        backend=data["backend"] or user_backend(),
                        next_url=data["next"],
                        via=data["via"],
                        device=device,
                    )
                else:
                    otp_login(request, device)
                next_url = data["next"] if data else reverse("accounts:my-second-factor")
                request.session[SHOW_CODES] = {"codes": codes, "next": next_url}
                return redirect("accounts:recovery-codes")
            if _wrong_code(request, user):
                return _refuse_locked(request, user)
            form.add_error(
                "code",
                "Deze code is niet juist. Controleer of de tijd op uw telefoon goed staat "
                "en typ de code die de app nu toont.",
            )
    key = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "key": " ".join(key[i : i + 4] for i in range(0, len(key), 4)),
        "first_login": data is not None,
    }
    return render(request, "accounts/setup.html", context, status=_status(form))


def user_backend() -> str:
    from django.conf import settings

    return settings.AUTHENTICATION_BACKENDS[-1]


#: Session key of recovery codes to show once, right after they were made.
SHOW_CODES = "rbl_show_recovery_codes"


@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once (they are stored, but never shown again)."""
    shown = request.session.pop(SHOW_CODES, None)
    if not shown or not request.user.is_authenticated:
        return redirect(
            "accounts:my-second-factor" if request.user.is_authenticated else "web:login"
        )
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": shown["codes"], "next": safe_next(request, shown.get("next"))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_second_factor(request: HttpRequest) -> HttpResponse:
    """The user's own second factor: whether it is set up, how many recovery
    codes are left, and new recovery codes."""
    user = request.user
    if request.method == "POST":
        if not has_second_factor(user):
            return redirect("accounts:setup")
        codes = new_recovery_codes(user)
        record(SecurityEventKind.RECOVERY_CODES_NEW, request=request, user=user)
        request.session[SHOW_CODES] = {"codes": codes, "next": reverse("accounts:my-second-factor")}
        return redirect("accounts:recovery-codes")
    left = StaticToken.objects.filter(device__user=user).count()
    return render(
        request,
        "accounts/my_second_factor.html",
        {
            "has_factor": has_second_factor(user),
            "required": second_factor_required(user),
            "codes_left": left,
        },
    )


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


class TokenForm(forms.Form):
    account = forms.ModelChoiceField(
        label="Dienstaccount", queryset=None, empty_label="— kies een dienstaccount —"
    )
    name = forms.CharField(
        label="Omschrijving (waarvoor is de sleutel?)", max_length=100, strip=True
    )

    def __init__(self, *args, **kwargs) -> None:
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = (
            get_user_model()
            .objects.filter(is_service_account=True, is_active=True)
            .order_by("username")
        )


#: Session key of a new API key, shown once on the list.
NEW_KEY = "rbl_new_api_key"


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Application management makes, lists and revokes the service accounts' API keys."""
    from rbl.accounts.access import can_configure
    from rbl.accounts.models import ServiceToken
    from rbl.accounts.tokens import create_token

    if not can_configure(request.user):
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token, key = create_token(
            form.cleaned_data["account"],
            form.cleaned_data["name"],
            actor=request.user,
            request=request,
        )
        request.session[NEW_KEY] = {"key": key, "pk": token.pk}
        return redirect("accounts:api-tokens")
    new = request.session.pop(NEW_KEY, None)
    tokens = ServiceToken.objects.select_related("user").order_by("revoked_at", "-created_at")
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new": new},
        status=_status(form),
    )


@login_required
@require_http_methods(["POST"])
def revoke_api_token(request: HttpRequest, token_id: int) -> HttpResponse:
    from rbl.accounts.access import can_configure
    from rbl.accounts.models import ServiceToken
    from rbl.accounts.tokens import revoke_token

    if not can_configure(request.user):
        raise PermissionDenied
    token = ServiceToken.objects.filter(pk=token_id).select_related("user").first()
    if token is None:
        raise Http404
    if revoke_token(token, actor=request.user, request=request):
        messages.success(request, f"Sleutel {token.prefix}… van {token.user} is ingetrokken.")
    return redirect("accounts:api-tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password (Django's rules: RBL's validators in settings).
    Saving it ends the user's other sessions (rbl.accounts.sessions); this one
    stays logged in."""

    template_name = "accounts/password_change.html"

    def get_success_url(self) -> str:
        return reverse("web:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request,
            "Uw wachtwoord is gewijzigd. Waar u verder nog was ingelogd, bent u uitgelogd.",
        )
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response
