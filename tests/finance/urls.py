"""URLconf for the web view test: the project's URLs plus the finance page."""

from django.urls import include, path

urlpatterns = [
    path("financien/", include("rbl.finance.urls")),
    path("", include("rbl.urls")),
]
