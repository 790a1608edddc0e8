"""Login steps, the security log and API keys (R-63)."""

from django.urls import path

from rbl.accounts import oidc, views

app_name = "accounts"

urlpatterns = [
    path("beveiligingslog/", views.security_log, name="security-log"),
    path("oidc/login/", oidc.OidcLoginView.as_view(), name="oidc-login"),
    path("oidc/callback/", oidc.OidcCallbackView.as_view(), name="oidc-callback"),
    path("login/code/", views.second_factor, name="second-factor"),
    path("login/instellen/", views.setup, name="setup"),
    path("tweede-factor/", views.my_second_factor, name="my-second-factor"),
    path("tweede-factor/herstelcodes/", views.recovery_codes, name="recovery-codes"),
    path("wachtwoord/", views.PasswordChangeView.as_view(), name="password-change"),
    path("api-sleutels/", views.api_tokens, name="api-tokens"),
    path("api-sleutels/<int:token_id>/intrekken/", views.revoke_api_token, name="api-token-revoke"),
]
