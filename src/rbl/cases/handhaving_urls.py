"""URLs of the Halt and PV screens (R-22), mounted at /handhaving/."""

from django.urls import path

from rbl.cases.views import handhaving

app_name = "handhaving"

urlpatterns = [
    path("", handhaving.handhaving_list, name="list"),
    path("zaak/<case:case_id>/aanvragen/", handhaving.start_view, name="start"),
    path("<int:pk>/", handhaving.detail, name="detail"),
    path("<int:pk>/pv-opmaken/", handhaving.prepare_view, name="prepare"),
    path("<int:pk>/scan/", handhaving.scan_view, name="scan"),
    path("<int:pk>/data/", handhaving.dates_view, name="dates"),
    path("<int:pk>/uitkomst/", handhaving.outcome_view, name="outcome"),
    path("<int:pk>/pv-aanvragen/", handhaving.ask_pv_view, name="ask-pv"),
]
