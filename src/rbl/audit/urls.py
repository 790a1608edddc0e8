"""The privacy officer's retention screen (R-29)."""

from django.urls import path

from rbl.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.retention, name="retention"),
    path("bewaarplicht/", views.hold, name="hold"),
    path("bewaarplicht/<int:hold_id>/opheffen/", views.hold_lift, name="hold-lift"),
]
