from django.urls import path

from rbl.reporting.views import dashboard, quality, reference, report_text, targets

app_name = "reporting"

urlpatterns = [
    path("", dashboard.dashboard_page, name="dashboard"),
    path("kwaliteit/", quality.quality_page, name="quality"),
    path("kwaliteit/niet-gekoppeld/", quality.unlinked_page, name="unlinked"),
    path("referentie/", reference.reference_page, name="reference"),
    path("streefwaarden/", targets.targets_page, name="targets"),
    path(
        "jaarverslag/<str:schooljaar>/<str:gemeente>/tekst/",
        report_text.report_text_page,
        name="report-text",
    ),
]
