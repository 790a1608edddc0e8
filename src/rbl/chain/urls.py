"""URLs of the chain-partner screens, mounted at /keten/."""

from django.urls import path

from rbl.chain import forwarding_views, views

app_name = "chain"

urlpatterns = [
    path("", views.lists, name="lists"),
    path("svb/export/", views.svb_export, name="svb-export"),
    path("brp/export/", views.brp_export, name="brp-export"),
    path("svb/<int:pk>/verzonden/", views.svb_sent, name="svb-sent"),
    path("zaak/<case:case_id>/terugmelding/", views.terugmelding_new, name="terugmelding-new"),
    path("terugmelding/<int:pk>/", views.terugmelding_page, name="terugmelding"),
    path(
        "terugmelding/<int:pk>/uitkomst/", views.terugmelding_outcome, name="terugmelding-outcome"
    ),
    path("meldingen-verhuisd/", forwarding_views.reports, name="reports"),
    path(
        "meldingen-verhuisd/<int:pk>/doorsturen/",
        forwarding_views.report_forward,
        name="report-forward",
    ),
    path("zaak/<case:case_id>/overdragen/", forwarding_views.forward, name="forward"),
    path(
        "zaak/<case:case_id>/overdragen-regio/",
        forwarding_views.move_in_region,
        name="move-region",
    ),
]
