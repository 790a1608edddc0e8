from django.urls import path

from rbl.reporting.views import art25, dashboard, quality, reference, report_text, targets

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
    path("art25/", art25.art25_page, name="art25"),
    path("art25/vaststellen/", art25.close_year_view, name="art25-close"),
]
