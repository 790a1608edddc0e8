"""The RMC age limit screen, mounted at /inrichting/rmc-leeftijd/."""

from django.urls import path

from rbl.law import views

app_name = "law"

urlpatterns = [
    path("", views.rmc_limits_page, name="rmc-limits"),
]
