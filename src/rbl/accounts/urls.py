"""Login steps, the security log and API keys (R-63)."""

from django.urls import path

from rbl.accounts import views

app_name = "accounts"

urlpatterns = [
    path("beveiligingslog/", views.security_log, name="security-log"),
]
