from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from rbl.api import views
from rbl.reporting import api as reporting_api

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("personen/zoeken/", views.PersonSearchView.as_view(), name="person-search"),
    path("personen/<person:person_id>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("zaken/", views.CaseListView.as_view(), name="case-list"),
    path("zaken/<case:case_id>/", views.CaseDetailView.as_view(), name="case-detail"),
    path("rapportages/art25/", reporting_api.Art25View.as_view(), name="report-art25"),
]
